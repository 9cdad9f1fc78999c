#pragma once
// The details as a kind of work for the pipeline: one kind of detail (common, intro, item or menu
// images) at a time, its tasks the pending items read from the store in chunks, one call each, the
// answers written in batches (one transaction each). What an operation may still spend (the keys'
// calls left today, the --budget) is shared by the kinds of one operation (images: Y and N).
#include <atomic>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kto/api/client.hpp"
#include "kto/collect/details.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/store/store.hpp"
#include "kto/util/clock.hpp"
#include "pipeline.hpp"

namespace kto::collect::detail {

// What one detail operation may still spend in this run.
class OpAllowance {
 public:
  OpAllowance(keys::KeyPool& pool, std::string operation, std::optional<long long> budget)
      : m_pool(pool), m_operation(std::move(operation)), m_budget(budget) {}

  // Whether one more call may go out with `outstanding` calls of the operation sent and not yet
  // back. When the budget or the keys' calls of today are spent, stop() says which.
  bool may_send(long long outstanding);
  void sent() { ++m_sent; }
  // The keys answered that none can serve the operation: its quota (22, or the limit counted)
  // when active keys remain, else no key at all. Returns the stop it recorded.
  DetailStop no_keys_left();
  DetailStop stop() const { return m_stop; }
  const std::string& operation() const { return m_operation; }

 private:
  keys::KeyPool& m_pool;
  std::string m_operation;
  std::optional<long long> m_budget;
  long long m_sent = 0;
  DetailStop m_stop = DetailStop::none;
};

// What every kind of one details job shares.
struct DetailsJob {
  api::TourApiClient& client;
  store::Store& db;
  const util::Clock& clock;
  const std::atomic<bool>& stop;
  DetailsReport& report;
  bool no_keys = false;
  bool fatal = false;
};

struct DetailTask {
  store::PendingItem item;
};

using DetailDone = Done<DetailTask, api::CallResult>;

class DetailKindWork final : public Work<DetailTask, api::CallResult> {
 public:
  // Items read from the store at once: enough to keep every worker busy, few enough that memory
  // stays flat however many are pending.
  static constexpr int k_chunk = 256;
  // On a store several processes share, each chunk is claimed: a small one, so that a process
  // holds only what it is about to fetch and the others find work too.
  static constexpr int k_shared_chunk = 16;

  // given_up: the items of this kind that failed in this run, skipped if met again (a store
  // shared by several processes walks its pending items more than once, see DetailCollector).
  DetailKindWork(DetailsJob& job, DetailOpReport& report, OpAllowance& allowance,
                 store::PendingQuery query, int lease_seconds, std::set<std::string>& given_up);
  // Gives back the claims on the items read but never sent (a stop, the quota, the budget).
  void release_unsent();

  std::optional<DetailTask> next_task() override;
  api::CallResult perform(const DetailTask& task) override;
  bool arrived(const DetailDone& done) override;
  void write(std::vector<DetailDone>& batch) override;
  bool must_halt() const override { return m_job.no_keys || m_job.fatal; }
  void dropped(const DetailTask& task) override;
  void progress(double elapsed_seconds) override;

 private:
  bool refill();
  std::optional<store::DetailWrite> to_write(const DetailDone& done, const std::string& now);
  void handle_failure(const DetailDone& done);
  void add_error(std::string message);
  void fatal_error(std::string message);
  void release(const std::vector<std::string>& contentids);

  DetailsJob& m_job;
  DetailOpReport& m_report;
  OpAllowance& m_allowance;
  store::PendingQuery m_query;
  store::PendingCursor m_cursor;
  int m_lease_seconds;
  std::set<std::string>& m_given_up;
  bool m_read_all = false;
  std::deque<store::PendingItem> m_queue;
  long long m_outstanding = 0;
  long long m_logged = 0;  // items done when the last progress line was logged
};

// The parameters of one call: detailCommon2 takes contentId alone (a KorService1 flag or a
// contentTypeId is answered with 10), detailIntro2 also contentTypeId=39, detailImage2 imageYN.
api::Params detail_params(store::DetailKind kind, const store::PendingItem& item);
std::string_view operation_of(store::DetailKind kind);

}  // namespace kto::collect::detail
