#pragma once
// The restaurant collector: pages through each scope of the plan with a pool of fetching workers
// and one writer (this thread), checkpointing every page in the same transaction as its rows, so
// a run stopped by a spent quota, a signal or a crash goes on with --resume without refetching.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kto/api/client.hpp"
#include "kto/collect/plan.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/store/store.hpp"
#include "kto/util/clock.hpp"

namespace kto::collect {

struct AreaResult {
  long long total_count = 0;  // what the service reported for the area's listing
  long long collected = 0;    // rows received for the area (over every run of a resumed job)
  bool complete = false;
  // Whether total_count is the service's count: not for an increment (changes have no total per
  // province) nor for a province of a national listing that did not finish.
  bool total_known = true;
};

struct CollectReport {
  std::int64_t run_id = 0;
  store::RunStatus status = store::RunStatus::running;  // settled when the job ends
  CollectOptions options;
  long long api_calls = 0;  // HTTP calls of this job (a resumed job adds to its earlier calls)
  long long records = 0;    // rows received by this job (a resumed job adds to its earlier rows)
  // A resumed job: what its earlier attempts had done, included in api_calls and records. The
  // counts below are this attempt's only.
  bool resumed = false;
  long long earlier_api_calls = 0;
  long long earlier_records = 0;
  long long stored = 0;     // rows inserted or updated (changed)
  long long inserted = 0;
  long long updated = 0;    // stored rows whose content changed
  long long unchanged = 0;  // stored rows received again as they were
  long long hidden = 0;
  long long planned_calls = 0;  // the minimum: one per page of the plan
  std::map<int, AreaResult> areas;  // by area code (1 서울 … 39 제주)
  std::optional<AreaResult> national;  // the national listing (--mode all without --since)
  std::vector<std::string> errors;
  std::string no_key_message;
  std::string started_at;
  std::string finished_at;
  ExitCode exit_code = ExitCode::ok;
};

struct Progress {
  std::string label;       // "서울"
  long long pages_done = 0;
  long long pages_total = 0;  // known so far
  long long records = 0;
  long long calls = 0;
  double eta_seconds = -1;   // < 0 when unknown
};

class Collector {
 public:
  Collector(api::TourApiClient& client, store::Store& db, keys::KeyPool& pool,
            const util::Clock& clock);
  void on_progress(std::function<void(const Progress&)> callback);

  // stop: set (by a signal handler) to stop after the pages in flight; the run is then
  // interrupted and can be resumed.
  CollectReport run(const CollectOptions& options, const std::atomic<bool>& stop);

 private:
  api::TourApiClient& m_client;
  store::Store& m_db;
  keys::KeyPool& m_pool;
  const util::Clock& m_clock;
  std::function<void(const Progress&)> m_progress;
};

struct RunFlags {
  bool interrupted = false;
  bool no_keys = false;
  bool service_failed = false;  // some page failed after every retry
  bool fatal = false;           // the database or the request itself: not resumable as is
  bool complete = false;        // every scope finished
};
// The status and exit code of a finished job (docs/contracts.md).
void settle_status(CollectReport& report, const RunFlags& flags);

}  // namespace kto::collect
