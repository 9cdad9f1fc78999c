// `collector health` (API 키 건강 상태 점검: one cheap call per usable key) and `collector recover`
// (문제 키 복구 시도: keys disabled for 30+ minutes are re-enabled and tested at once).
#include <spdlog/spdlog.h>

#include <iostream>

#include "kto/api/operations.hpp"
#include "kto/cli/commands.hpp"
#include "kto/cli/reports.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

void save_pool(keys::KeyPool& pool) {
  if (auto saved = pool.save(); !saved) spdlog::warn("⚠️ {}", saved.error().message);
}

}  // namespace

int show_health(const GlobalOptions& global, std::ostream& out) {
  auto ctx = make_context(global, LogKind::key_test, true);
  if (!ctx) return print_error(ctx.error());
  spdlog::info("🏥 KTO API 키 건강 상태 점검 시작 ({}개)", ctx->pool->size());
  auto report = ctx->pool->check_health(ctx->client->key_probe());
  save_pool(*ctx->pool);
  spdlog::info("🏥 건강 상태 점검 결과: 정상 {}개, 문제 {}개", report.healthy_keys,
               report.unhealthy_keys);
  if (global.json)
    out << health_json(report).dump(2) << "\n";
  else
    out << render_health_report(report, ctx->clock->now());
  out.flush();
  return static_cast<int>(report.healthy_keys > 0 ? ExitCode::ok : ExitCode::no_keys);
}

int show_recover(const GlobalOptions& global, std::ostream& out) {
  auto ctx = make_context(global, LogKind::key_test, true);
  if (!ctx) return print_error(ctx.error());
  auto report = ctx->pool->attempt_recovery(ctx->client->key_probe());
  save_pool(*ctx->pool);
  auto summary = ctx->pool->summary(api::k_list_operation);
  if (global.json)
    out << recovery_json(report).dump(2) << "\n";
  else
    out << render_recovery_report(report, summary,
                                  ctx->pool->detailed_status(api::k_list_operation),
                                  ctx->clock->now(), ctx->pool->policy().recovery_after);
  out.flush();
  return static_cast<int>(summary.available_keys > 0 ? ExitCode::ok : ExitCode::no_keys);
}

int run_health(const GlobalOptions& global) { return show_health(global, std::cout); }

int run_recover(const GlobalOptions& global) { return show_recover(global, std::cout); }

}  // namespace kto::cli
