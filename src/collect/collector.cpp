#include "kto/collect/collector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/api/operations.hpp"
#include "kto/util/time.hpp"
#include "listing.hpp"
#include "pipeline.hpp"
#include "run_options.hpp"

namespace kto::collect {
namespace {

int default_concurrency(keys::KeyPool& pool, const std::string& operation) {
  auto usable = static_cast<int>(pool.summary(operation).available_keys);
  return std::clamp(2 * usable, 2, 8);
}

}  // namespace

Collector::Collector(api::TourApiClient& client, store::Store& db, keys::KeyPool& pool,
                     const util::Clock& clock)
    : m_client(client), m_db(db), m_pool(pool), m_clock(clock) {}

void Collector::on_progress(std::function<void(const Progress&)> callback) {
  m_progress = std::move(callback);
}

CollectReport Collector::run(const CollectOptions& requested, const std::atomic<bool>& stop) {
  CollectReport report;
  report.options = requested;
  report.started_at = util::format_iso_kst(m_clock.now());
  RunFlags flags;
  auto prepared = prepare_run(m_db, requested, report, m_clock);
  if (!prepared) {
    report.errors.push_back(prepared.error().message);
    flags.fatal = true;
    settle_status(report, flags);
    return report;
  }
  const auto& options = report.options;
  std::string operation{options.since ? api::k_sync_operation : api::k_list_operation};
  int concurrency = options.concurrency > 0 ? options.concurrency
                                            : default_concurrency(m_pool, operation);
  detail::ListingJob job{m_client, m_db,     m_clock,    report,
                         flags,    stop,     m_progress, prepared->checkpoints};
  // One pipeline for the whole job: keys proven in one phase stay proven, and a halt holds.
  detail::Pipeline pipeline(m_clock, stop);
  // Runs the scopes of one phase to the end, a stop, or no keys. Returns whether a --since
  // answer showed that modifiedtime means "since that day".
  auto run_phase = [&](const std::vector<Scope>& scopes) {
    detail::ListingPhase phase(job, scopes);
    pipeline.run(phase, concurrency);
    flags.interrupted = pipeline.interrupted();
    phase.finish();
    return phase.since_semantics();
  };
  if (!options.since) {
    run_phase(full_scopes(options));
  } else {
    for (const auto& day : prepared->days) {
      bool since_semantics = run_phase(since_scopes(options, day));
      if (!flags.complete) break;
      if (since_semantics) {
        spdlog::info("ℹ️ modifiedtime={}의 응답에 이후 날짜의 변경이 있어 나머지 날짜는 조회하지 않습니다",
                     day);
        break;
      }
    }
  }
  finish_run(m_db, report, flags, m_clock);
  return report;
}

void settle_status(CollectReport& report, const RunFlags& flags) {
  if (flags.interrupted) {
    report.status = store::RunStatus::interrupted;
    report.exit_code = ExitCode::sigint;  // the CLI refines it to 143 for SIGTERM
  } else if (flags.fatal) {
    report.status = store::RunStatus::failed;
    report.exit_code = ExitCode::failure;
  } else if (flags.no_keys) {
    report.status = store::RunStatus::no_keys;
    report.exit_code = ExitCode::no_keys;
  } else if (!flags.complete || flags.service_failed) {
    report.status = store::RunStatus::partial;
    report.exit_code = ExitCode::partial;
  } else {
    report.status = store::RunStatus::success;
    report.exit_code = ExitCode::ok;
  }
}

}  // namespace kto::collect
