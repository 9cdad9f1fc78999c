#pragma once
// Restaurant details (issue 17): after a listing, or alone (`collector details`), one call per
// shown restaurant and detail operation whose details are missing or older than its listing, new
// items first, then changed ones, then the backlog; within what the keys may still spend today.
// What does not fit today stays pending (in the database) for the next run: that is a success.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kto/api/client.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/store/store.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/result.hpp"

namespace kto::collect {
namespace detail {
class Pipeline;
class OpAllowance;
struct DetailsJob;
}  // namespace detail

// What `--details LIST` names: one TourAPI operation each (images: detailImage2, asked twice per
// item, imageYN=Y for the item's photos and N for its menu's).
enum class DetailOp { common, intro, images };
inline constexpr std::array<DetailOp, 3> k_detail_ops{DetailOp::common, DetailOp::intro,
                                                      DetailOp::images};

const char* to_string(DetailOp op);          // "common", "intro", "images"
std::string_view operation_of(DetailOp op);  // "detailCommon2", "detailIntro2", "detailImage2"
// The store's kinds of detail work an operation fills (images: item_images and menu_images).
std::vector<store::DetailKind> kinds_of(DetailOp op);

// "common,intro,images" in any order, each once; "" (the flag alone) is common,intro. An error
// names the entry and the valid names (ExitCode::usage).
Result<std::vector<DetailOp>> parse_detail_list(std::string_view text);
// "--budget N": a whole number of calls, at least 1.
Result<long long> parse_budget(std::string_view text);

struct DetailsOptions {
  std::vector<DetailOp> ops{DetailOp::common, DetailOp::intro};
  std::vector<int> area_codes;  // the provinces; empty = every province
  std::optional<long long> budget;  // --budget: calls per operation this run
  int concurrency = 0;              // 0 = from the usable keys
  // The listing run just made (its new rows come first); 0 for `collector details` alone.
  std::int64_t run_id = 0;
  // KTO_DETAIL_LEASE: how long an item this process claimed stays its own without renewal, on a
  // store several processes share (PostgreSQL); a process that dies loses its items after this.
  int lease_seconds = 300;
};

// Why an operation stopped before its pending items were all fetched.
enum class DetailStop { none, quota, budget, no_keys, interrupted, fatal };
const char* to_string(DetailStop stop);  // "", "quota", "budget", "no_keys", "interrupted", "fatal"

struct DetailOpReport {
  long long fetched = 0;   // answers with details stored
  long long empty = 0;     // answered `items: ""`: recorded as having none
  long long failed = 0;    // still failing after every retry: they stay pending
  long long pending = 0;   // still to fetch after the run (calls: images count two per item)
  long long calls = 0;     // HTTP calls made, retries included
  DetailStop stop = DetailStop::none;
  // What the keys may spend on the operation in a whole day (keys × (daily_limit − reserve)) and
  // how many keys that is: the estimate's divisor.
  long long per_day = 0;
  std::size_t keys = 0;
};

struct DetailsReport {
  std::map<DetailOp, DetailOpReport> ops;  // the operations asked for
  std::vector<std::string> errors;
  std::string no_key_message;
  ExitCode exit_code = ExitCode::ok;

  long long pending() const;
  // Days the pending calls take at a whole day's calls per operation, rounded up (the longest
  // operation's: each has its own quota); 0 when nothing is pending, nullopt when no key can
  // serve an operation that has pending items.
  std::optional<long long> estimate_days() const;
};

// "남은 상세정보 11,280건 — 키 3개로 약 4일"; "" when nothing is pending.
std::string estimate_line(const DetailsReport& report);

// Runs the detail operations one after another on the pipeline: tasks are pending items read
// from the store in chunks, answers written in batches (one transaction each), so a kill -9 loses
// at most the batch in flight. stop: set by a signal handler.
class DetailCollector {
 public:
  DetailCollector(api::TourApiClient& client, store::Store& db, keys::KeyPool& pool,
                  const util::Clock& clock);
  DetailsReport run(const DetailsOptions& options, const std::atomic<bool>& stop);

 private:
  void run_kind(detail::Pipeline& pipeline, detail::DetailsJob& job, DetailOpReport& r,
                detail::OpAllowance& allowance, const store::PendingQuery& query,
                const DetailsOptions& options, int concurrency, const std::atomic<bool>& stop);
  void wait_a_moment(int lease_seconds, const std::atomic<bool>& stop);

  api::TourApiClient& m_client;
  store::Store& m_db;
  keys::KeyPool& m_pool;
  const util::Clock& m_clock;
};

}  // namespace kto::collect
