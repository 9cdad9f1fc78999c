#pragma once
// The listing as a kind of work for the pipeline: the pages of a phase's scopes are its tasks
// (first pages first, then the pages their totalCount tells), a page's answer is written with its
// checkpoint in one transaction, and a page size the service refuses is halved.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kto/api/client.hpp"
#include "kto/collect/collector.hpp"
#include "kto/store/store.hpp"
#include "kto/util/clock.hpp"
#include "pipeline.hpp"
#include "scope_state.hpp"

namespace kto::collect::detail {

// What every phase of one job shares: the services, the report and flags it fills, and the
// checkpoints of the job's earlier attempts.
struct ListingJob {
  api::TourApiClient& client;
  store::Store& db;
  const util::Clock& clock;
  CollectReport& report;
  RunFlags& flags;
  const std::atomic<bool>& stop;
  const std::function<void(const Progress&)>& progress;
  const std::vector<store::PageCheckpoint>& checkpoints;
};

using PageDone = Done<PageTask, api::FetchResult>;

// One phase: the scopes read together (a full run's provinces, or one day of an increment).
class ListingPhase final : public Work<PageTask, api::FetchResult> {
 public:
  ListingPhase(ListingJob& job, const std::vector<Scope>& scopes);

  std::optional<PageTask> next_task() override;
  api::FetchResult perform(const PageTask& task) override;
  bool arrived(const PageDone& done) override;
  void write(std::vector<PageDone>& batch) override;
  bool must_halt() const override { return m_job.flags.no_keys || m_job.flags.fatal; }
  void dropped(const PageTask& task) override { m_states[task.scope].abandon(task.page_no); }
  void progress(double elapsed_seconds) override;

  // After the pipeline ran the phase: the areas' results, and whether every scope finished.
  void finish();
  // Whether a --since answer showed that modifiedtime means "since that day".
  bool since_semantics() const { return m_since_semantics; }

 private:
  void handle_failure(ScopeState& state, const PageDone& done);
  std::optional<store::PageWrite> page_write(const ScopeState& state, const PageTask& task,
                                             const api::Page& page);
  Result<std::optional<int>> sync_item_area(const Scope& scope, util::JsonValue item, int area);
  void page_stored(ScopeState& state, const PageTask& task, const api::Page& page,
                   const store::UpsertStats& stats);

  ListingJob& m_job;
  std::vector<ScopeState> m_states;
  bool m_since_semantics = false;
  long long m_pages_before = 0;  // pages done by earlier attempts, not counted for the estimate
};

// "서울", "전국", "전국 (20261124)": how logs and progress name a scope.
std::string scope_label(const Scope& scope);

}  // namespace kto::collect::detail
