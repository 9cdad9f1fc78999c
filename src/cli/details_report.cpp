#include "details_report.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "collect_report.hpp"
#include "kto/util/secrets.hpp"
#include "stop_signal.hpp"

namespace kto::cli {
namespace {

constexpr std::size_t k_errors_shown = 5;

std::string stop_note(collect::DetailStop stop) {
  switch (stop) {
    case collect::DetailStop::quota: return " ⏸️ 오늘 남은 호출 없음";
    case collect::DetailStop::budget: return " ⏸️ --budget 도달";
    case collect::DetailStop::no_keys: return " ❌ 사용 가능한 키 없음";
    case collect::DetailStop::interrupted: return " ⏹️ 중단됨";
    case collect::DetailStop::fatal: return " ❌ 실패";
    case collect::DetailStop::none: return "";
  }
  return "";
}

std::string op_line(collect::DetailOp op, const collect::DetailOpReport& r) {
  std::ostringstream o;
  o << "  " << collect::to_string(op) << " (" << collect::operation_of(op) << "): 받음 "
    << thousands(r.fetched) << "건, 상세정보 없음 " << thousands(r.empty) << "건, 실패 "
    << thousands(r.failed) << "건, 남음 " << thousands(r.pending) << "건 (호출 "
    << thousands(r.calls) << "회)" << stop_note(r.stop) << "\n";
  return o.str();
}

}  // namespace

Result<std::optional<collect::DetailsOptions>> details_options(
    const std::optional<std::string>& list, const std::string& budget, int concurrency,
    bool require_details) {
  if (!list && require_details) {
    if (!budget.empty())
      return make_error("--budget은 --details와 함께만 씁니다 (예: --details --budget 500)",
                        ExitCode::usage);
    return std::optional<collect::DetailsOptions>{};
  }
  collect::DetailsOptions options;
  auto ops = collect::parse_detail_list(list.value_or(""));
  if (!ops) return ops.error();
  options.ops = std::move(*ops);
  if (!budget.empty()) {
    auto n = collect::parse_budget(budget);
    if (!n) return n.error();
    options.budget = *n;
  }
  options.concurrency = concurrency;
  return std::optional<collect::DetailsOptions>(std::move(options));
}

collect::DetailsReport run_detail_work(Context& ctx, store::Store& db,
                                       const collect::DetailsOptions& options) {
  std::string names;
  for (auto op : options.ops) names += (names.empty() ? "" : ",") + std::string(collect::to_string(op));
  spdlog::info("🍽️ 상세정보 수집 시작: {}{}", names,
               options.budget ? " (작업별 최대 " + thousands(*options.budget) + "회)" : std::string());
  install_stop_handlers();
  collect::DetailCollector details(*ctx.client, db, *ctx.pool, *ctx.clock);
  collect::DetailsOptions with_lease = options;
  with_lease.lease_seconds = static_cast<int>(ctx.settings.detail_lease.count());
  auto report = details.run(with_lease, stop_requested());
  if (report.exit_code == ExitCode::sigint && stop_signal() == SIGTERM)
    report.exit_code = ExitCode::sigterm;
  if (auto line = collect::estimate_line(report); !line.empty()) spdlog::info("📋 {}", line);
  spdlog::info("🏁 상세정보 수집 종료: {}", status_of(report.exit_code));
  return report;
}

std::string render_details_summary(const collect::DetailsReport& r) {
  std::ostringstream o;
  const std::string rule(50, '=');
  o << rule << "\n📋 음식점 상세정보 수집 결과\n" << rule << "\n";
  for (const auto& [op, report] : r.ops) o << op_line(op, report);
  std::string estimate = collect::estimate_line(r);
  if (!estimate.empty())
    o << estimate << "\n";
  else if (r.exit_code == ExitCode::ok)
    o << "남은 상세정보 없음 ✅\n";
  if (!r.no_key_message.empty()) o << "🔑 " << r.no_key_message << "\n";
  if (!r.errors.empty()) {
    o << "오류: " << r.errors.size() << "건\n";
    for (std::size_t i = 0; i < r.errors.size() && i < k_errors_shown; ++i)
      o << "  - " << r.errors[i] << "\n";
  }
  o << rule << "\n";
  return util::redact(o.str());
}

void add_details_json(nlohmann::json& doc, const collect::DetailsReport& r) {
  nlohmann::json ops = nlohmann::json::object();
  for (const auto& [op, x] : r.ops)
    ops[collect::to_string(op)] = {{"operation", collect::operation_of(op)},
                                   {"fetched", x.fetched},
                                   {"empty", x.empty},
                                   {"failed", x.failed},
                                   {"pending", x.pending},
                                   {"calls", x.calls},
                                   {"stopped", x.stop == collect::DetailStop::none
                                                   ? nlohmann::json(nullptr)
                                                   : nlohmann::json(collect::to_string(x.stop))}};
  doc["details"] = ops;
  doc["details_pending"] = r.pending();
  auto days = r.estimate_days();
  doc["details_estimate_days"] = days ? nlohmann::json(*days) : nlohmann::json(nullptr);
  doc["details_estimate"] = collect::estimate_line(r);
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back(util::redact(e));
  doc["details_errors"] = errors;
}

const char* status_of(ExitCode code) {
  switch (code) {
    case ExitCode::ok: return "success";
    case ExitCode::partial: return "partial";
    case ExitCode::no_keys: return "no_keys";
    case ExitCode::sigint:
    case ExitCode::sigterm: return "interrupted";
    case ExitCode::failure:
    case ExitCode::usage:
    case ExitCode::locked: return "failed";
  }
  return "failed";
}

ExitCode combined_exit(ExitCode listing, ExitCode details) {
  auto signalled = [](ExitCode c) { return c == ExitCode::sigint || c == ExitCode::sigterm; };
  if (signalled(details)) return details;
  if (listing != ExitCode::ok) return listing;
  return details;
}

}  // namespace kto::cli
