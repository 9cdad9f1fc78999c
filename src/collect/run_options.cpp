#include "run_options.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "kto/api/regions.hpp"
#include "kto/util/time.hpp"

namespace kto::collect {
namespace {

struct Restored {
  CollectOptions options;
  std::vector<std::string> days;
};

std::optional<Restored> options_from_json(const std::string& text, const CollectOptions& requested) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Restored r;
  r.options = requested;
  auto mode = parse_mode(j.value("mode", std::string{}));
  if (!mode) return std::nullopt;
  r.options.mode = *mode;
  r.options.regions = j.value("regions", std::vector<int>{});
  r.options.page_size = j.value("page_size", requested.page_size);
  if (j.contains("since") && j["since"].is_string()) r.options.since = j["since"].get<std::string>();
  else r.options.since.reset();
  r.days = j.value("days", std::vector<std::string>{});
  // Options saved before these fields existed: an asked scope, not a first-night fallback.
  r.options.scope_source =
      parse_scope_source(j.value("scope_source", std::string{})).value_or(ScopeSource::asked);
  r.options.full_for_since_last = j.value("full_for_since_last", false);
  return r;
}

Result<PreparedRun> resume(store::Store& db, const store::RunRecord& run,
                           const CollectOptions& requested, CollectReport& report) {
  auto restored = options_from_json(run.options, requested);
  if (!restored)
    return make_error("실행 #" + std::to_string(run.id) +
                      "은(는) 이어서 수집할 수 없습니다: 저장된 옵션을 읽을 수 없습니다. --resume 없이 새로 수집하세요");
  PreparedRun prepared;
  auto cps = db.checkpoints(run.id);
  if (!cps) return cps.error();
  prepared.checkpoints = std::move(*cps);
  prepared.days = restored->days;
  if (auto ok = db.reopen_run(run.id); !ok) return ok.error();
  report.options = restored->options;
  report.options.resume = true;
  report.run_id = run.id;
  report.api_calls = run.api_calls;
  report.records = run.records;
  report.resumed = true;
  report.earlier_api_calls = run.api_calls;
  report.earlier_records = run.records;
  report.started_at = run.started_at;
  spdlog::info("🔄 수집 #{} 재개 ({}): 완료된 페이지 {}개는 다시 받지 않습니다", run.id,
               run.mode, prepared.checkpoints.size());
  return prepared;
}

}  // namespace

std::string regions_text(const std::vector<int>& codes) {
  std::string out;
  for (int c : codes) out += (out.empty() ? "" : ",") + std::to_string(c);
  return out;
}

std::string options_to_json(const CollectOptions& options, const std::vector<std::string>& days) {
  nlohmann::json j{{"mode", to_string(options.mode)},
                   {"regions", options.regions},
                   {"page_size", options.page_size},
                   {"days", days},
                   {"scope_source", to_string(options.scope_source)},
                   {"full_for_since_last", options.full_for_since_last}};
  j["since"] = options.since ? nlohmann::json(*options.since) : nlohmann::json(nullptr);
  return j.dump();
}

Result<PreparedRun> prepare_run(store::Store& db, const CollectOptions& requested,
                                CollectReport& report, const util::Clock& clock) {
  if (requested.resume) {
    auto latest = db.latest_resumable_run();
    if (!latest) return latest.error();
    if (*latest) return resume(db, **latest, requested, report);
    spdlog::info("재개할 수집이 없어 새로 시작합니다");
  }
  PreparedRun prepared;
  if (requested.since) {
    auto days = since_days(*requested.since, util::kst_compact_date(clock.now()));
    if (!days) return days.error();
    prepared.days = std::move(*days);
  }
  store::RunRecord run;
  run.started_at = report.started_at;
  run.mode = to_string(requested.mode);
  run.regions = regions_text(area_codes_for(requested));
  run.status = store::RunStatus::running;
  run.options = options_to_json(requested, prepared.days);
  auto id = db.begin_run(run);
  if (!id) return id.error();
  report.run_id = *id;
  return prepared;
}

void finish_run(store::Store& db, CollectReport& report, const RunFlags& flags,
                const util::Clock& clock) {
  settle_status(report, flags);
  if (report.options.mode == Mode::all && !report.options.since && report.run_id != 0) {
    // One national listing: the rows' provinces come from the stored rows themselves. Only a
    // listing read to the end tells a province's total; the country's is in report.national.
    if (auto counts = db.count_by_area()) {
      report.areas.clear();
      for (const auto& [code, n] : *counts)
        report.areas[code] = {flags.complete ? n : 0, n, flags.complete, flags.complete};
    }
  }
  if (report.options.since) {
    // An increment's provinces have changes, not totals: each is complete when every day of the
    // window was read through, and a province without changes is listed with 0.
    for (int code : area_codes_for(report.options)) report.areas.try_emplace(code);
    for (auto& entry : report.areas) {
      AreaResult& area = entry.second;
      area.total_count = 0;
      area.total_known = false;
      area.complete = flags.complete && !flags.interrupted && !flags.no_keys && !flags.fatal;
    }
  }
  report.finished_at = util::format_iso_kst(clock.now());
  if (report.run_id == 0) return;
  store::RunRecord run;
  run.id = report.run_id;
  run.status = report.status;
  run.finished_at = report.finished_at;
  run.api_calls = report.api_calls;
  run.records = report.records;
  if (auto ok = db.update_run(run); !ok) {
    report.errors.push_back(ok.error().message);
    report.status = store::RunStatus::failed;
    report.exit_code = ExitCode::failure;
  }
}

}  // namespace kto::collect
