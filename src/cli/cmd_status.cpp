// `collector status`: the original guide's API 키 상태 보고서 from the state file, without a single call;
// --watch redraws it until Ctrl-C.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>

#include "kto/api/operations.hpp"
#include "kto/cli/commands.hpp"
#include "kto/cli/reports.hpp"
#include "kto/util/log.hpp"
#include "kto/util/secrets.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

std::atomic<bool> g_watch_stop{false};

extern "C" void on_watch_signal(int) { g_watch_stop.store(true); }

int exit_for(const keys::PoolSummary& summary) {
  return static_cast<int>(summary.available_keys > 0 ? ExitCode::ok : ExitCode::no_keys);
}

// Renders the report (or the document) of pool as it is now; returns the exit code it implies.
int render_status(const Context& ctx, const keys::KeyPool& pool, bool json, bool compact,
                  std::string& out) {
  auto summary = pool.summary(api::k_list_operation);
  auto keys = pool.detailed_status(api::k_list_operation);
  spdlog::debug("🔑 KTO API 키 상태: 전체 {}개, 활성 {}개, 사용 가능 {}개 (건강도 {:.1f}% {})",
                summary.total_keys, summary.active_keys, summary.available_keys,
                summary.health_percentage, keys::band_label(summary.band));
  if (json)
    out = status_json(summary, keys).dump(compact ? -1 : 2) + "\n";
  else
    out = render_status_report(summary, keys, ctx.clock->now(), pool.policy().recovery_after);
  return exit_for(summary);
}

// Waits seconds in small steps so Ctrl-C ends the watch at once; false when it was interrupted.
bool wait_interval(const util::Clock& clock, int seconds) {
  for (int step = 0; step < seconds * 10; ++step) {
    if (g_watch_stop.load()) return false;
    clock.sleep_for(util::Millis(100));
  }
  return !g_watch_stop.load();
}

int watch_status(const GlobalOptions& global, const StatusArgs& args, Context& ctx) {
  struct sigaction sa {};
  sa.sa_handler = on_watch_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // Redraw in place only where a person watches; a pipe or a file gets one report per interval.
  bool redraw = util::stdout_is_tty() && !global.json;
  int code = 0;
  for (int round = 1;; ++round) {
    if (round > 1) {
      // Other processes (a collection) change the keys' state: read it again every round.
      auto pool = open_key_pool(ctx);
      if (!pool) return print_error(pool.error());
      ctx.pool = std::move(*pool);
      ctx.pool->set_autosave(false);
    }
    std::string body;
    code = render_status(ctx, *ctx.pool, global.json, true, body);
    if (redraw)
      std::cout << "\033[H\033[2J" << body << "\n(" << args.watch_seconds
                << "초마다 갱신, Ctrl-C로 종료)\n";
    else
      std::cout << (round > 1 && !global.json ? "\n" : "") << body;
    std::cout.flush();
    if (args.watch_rounds > 0 && round >= args.watch_rounds) return code;
    if (!wait_interval(*ctx.clock, args.watch_seconds)) break;
  }
  return static_cast<int>(ExitCode::sigint);
}

}  // namespace

int print_error(const Error& error) {
  std::cerr << "collector: " << util::redact(error.message) << "\n";
  return static_cast<int>(error.exit_code);
}

int show_status(const GlobalOptions& global, std::ostream& out) {
  auto ctx = make_context(global, LogKind::key_test, true);
  if (!ctx) return print_error(ctx.error());
  std::string body;
  int code = render_status(*ctx, *ctx->pool, global.json, false, body);
  out << body << std::flush;
  return code;
}

void setup_status(CLI::App& app, GlobalOptions& global, StatusArgs& args) {
  (void)global;  // --json and the other global flags fall through to the main app
  auto* watch = app.add_option("--watch", args.watch_seconds,
                               "Ctrl-C를 누를 때까지 SECONDS초(기본 5)마다 보고서를 다시 그립니다")
                    ->expected(0, 1)
                    ->default_str("5")
                    ->type_name("SECONDS")
                    ->check(CLI::Range(1, 86400));
  app.callback([&args, watch] { args.watch = watch->count() > 0; });
  // For tests and scripts: stop after N reports instead of waiting for Ctrl-C.
  app.add_option("--watch-rounds", args.watch_rounds)->group("")->check(CLI::Range(1, 1000000));
  app.footer(
      "예:\n  collector status\n  collector status --json | jq .health_band\n"
      "  collector status --watch 10\n"
      "종료 코드: 0 사용 가능한 키가 있음, 2 키가 설정되지 않음 (KTO_API_KEY), 3 사용 가능한 키가 없음.");
}

int run_status(const GlobalOptions& global, const StatusArgs& args) {
  bool watching = args.watch || args.watch_rounds > 0;
  if (!watching) return show_status(global, std::cout);
  auto ctx = make_context(global, LogKind::key_test, true);
  if (!ctx) return print_error(ctx.error());
  ctx->pool->set_autosave(false);
  return watch_status(global, args, *ctx);
}

}  // namespace kto::cli
