#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "collect_report.hpp"
#include "kto/api/regions.hpp"
#include "kto/cli/commands.hpp"
#include "kto/cli/metrics.hpp"
#include "kto/collect/collector.hpp"
#include "kto/store/database.hpp"
#include "kto/util/files.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/status_line.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

// Set by the signal handler; lock-free atomics are safe to touch there.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int fail(const Error& error) {
  std::cerr << "collector: " << util::redact(error.message) << "\n";
  return static_cast<int>(error.exit_code);
}

// Checks every flag before anything is opened or called.
Result<collect::CollectOptions> validate(const CollectArgs& args) {
  collect::CollectOptions options;
  auto mode = collect::parse_mode(args.mode);
  if (!mode) return make_error("--mode must be major, all, regions or list", ExitCode::usage);
  options.mode = *mode;
  if (options.mode == collect::Mode::regions) {
    if (!args.regions_set)
      return make_error("--mode regions needs --regions, e.g. --regions 1,6,31 (valid: " +
                            api::valid_codes_text() + ")",
                        ExitCode::usage);
    auto parsed = api::parse_region_list(args.regions);
    if (!parsed.error.empty()) return make_error(parsed.error, ExitCode::usage);
    options.regions = parsed.codes;
  } else if (args.regions_set) {
    return make_error("--regions is only used with --mode regions", ExitCode::usage);
  }
  options.page_size = args.page_size;
  options.concurrency = args.concurrency;
  options.resume = args.resume;
  if (!args.since.empty()) {
    if (args.since != "last" && !util::parse_compact_date_kst(args.since))
      return make_error("--since '" + args.since + "' is not a date: use YYYYMMDD or 'last'",
                        ExitCode::usage);
    options.since = args.since;
  }
  return options;
}

Result<util::FileLock> take_run_lock(const std::filesystem::path& db_path, bool wait,
                                     const util::Clock& clock) {
  auto lock_path = db_path.string() + ".lock";
  auto lock = util::FileLock::try_acquire(lock_path);
  if (!lock) return lock.error();
  if (!*lock) {
    std::string holder = util::FileLock::read_note(lock_path);
    if (!wait)
      return make_error("another collector run holds the lock (" +
                            (holder.empty() ? std::string("unknown holder") : holder) +
                            "): wait for it to finish or pass --wait",
                        ExitCode::locked);
    spdlog::info("⏳ 다른 수집이 진행 중입니다 ({}): 끝날 때까지 기다립니다", holder);
    auto blocking = util::FileLock::acquire(lock_path);
    if (!blocking) return blocking.error();
    *lock = std::move(*blocking);
  }
  util::FileLock held = std::move(**lock);
  held.write_note("pid " + std::to_string(::getpid()) + ", started " +
                  util::format_human_kst(clock.now()) + " KST");
  return held;
}

Result<void> resolve_since(collect::CollectOptions& options, store::Database& db) {
  if (!options.since || *options.since != "last") return {};
  if (options.resume) {
    // `--resume --since last` (the nightly idiom): a run to resume brings its own saved options,
    // so "last" needs no successful run yet.
    auto unfinished = db.latest_resumable_run();
    if (!unfinished) return unfinished.error();
    if (*unfinished) return {};
  }
  auto last = db.last_successful_run();
  if (!last) return last.error();
  if (!*last)
    return make_error("--since last: no successful run yet; run a full collection first or give "
                      "--since YYYYMMDD",
                      ExitCode::usage);
  auto started = util::parse_iso8601((*last)->started_at);
  if (!started)
    return make_error("--since last: the last run's start time is unreadable; give --since YYYYMMDD",
                      ExitCode::usage);
  // Items changed on the day of the last run may have changed after it started: read that day too.
  options.since = util::kst_compact_date(*started);
  spdlog::info("--since last: 마지막 성공 수집 #{} ({}) 이후 변경분을 수집합니다", (*last)->id,
               *options.since);
  return {};
}

bool ask_yes_no(const std::string& question) {
  std::cerr << question << " (y/n): " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

// The seed's "API 키 상태 확인" before collecting; with no usable key, recovery is offered on a
// terminal and tried by the rules in cron.
void precheck_keys(Context& ctx, const std::string& operation, bool interactive) {
  auto summary = ctx.pool->summary(operation);
  spdlog::info("🔑 KTO API 키 상태: 전체 {}개, 활성 {}개, 사용 가능 {}개 (건강도 {:.1f}% {})",
               summary.total_keys, summary.active_keys, summary.available_keys,
               summary.health_percentage, keys::band_label(summary.band));
  if (summary.available_keys > 0) return;
  bool try_recovery = interactive
                          ? ask_yes_no("사용 가능한 API 키가 없습니다. 문제 키 복구를 시도할까요?")
                          : true;
  if (!try_recovery) return;
  auto report = ctx.pool->attempt_recovery(
      [&](const keys::KeyLease& lease) { return ctx.client->probe(lease); });
  spdlog::info("🔧 키 복구 시도: 시도 {}개, 복구 {}개, 실패 {}개", report.attempted_keys,
               report.recovered_keys, report.failed_keys);
}

// Drawn through the terminal's status line, which the console log sink erases before each log
// line and draws again after it.
void show_progress(const collect::Progress& p) {
  std::string eta = p.eta_seconds < 0 ? "-" : util::format_korean_duration(std::chrono::seconds(
                                                   static_cast<long long>(p.eta_seconds + 0.5)));
  util::terminal_status_line().show(fmt::format("[{}] 페이지 {}/{} | {}건 | 호출 {}회 | 남은 시간 {}",
                                                p.label, p.pages_done, p.pages_total,
                                                thousands(p.records), p.calls, eta));
}

}  // namespace

void add_collect_options(CLI::App& app, CollectArgs& a) {
  app.add_option("--mode", a.mode,
                 "major (서울, 부산, 경기, 제주), all (전국), regions (--regions), list (codes only)")
      ->check(CLI::IsMember({"major", "all", "regions", "list"}));
  app.add_option_function<std::string>(
         "--regions",
         [&a](const std::string& v) {
           a.regions = v;
           a.regions_set = true;
         },
         "area codes for --mode regions, e.g. 1,6,31 ('collector regions' lists them)")
      ->type_name("CODES");
  app.add_option("--page-size", a.page_size, "rows per call (default 1000, the largest page)")
      ->check(CLI::Range(1, 10000));
  app.add_option("--concurrency", a.concurrency,
                 "pages fetched at once (default: from the number of usable keys)")
      ->check(CLI::Range(1, 32));
  app.add_flag("--resume", a.resume, "go on with the newest unfinished run, skipping done pages");
  app.add_option("--since", a.since,
                 "increment: items changed since YYYYMMDD, or 'last' (the last successful run)")
      ->type_name("DATE");
  app.add_option("--metrics-file", a.metrics_file, "write Prometheus metrics here at the end")
      ->type_name("PATH");
  app.add_flag("--wait", a.wait, "wait for another run's lock instead of exiting 5");
}

int run_collect(const GlobalOptions& global, CollectArgs args) {
  auto options = validate(args);
  if (!options) return fail(options.error());
  if (options->mode == collect::Mode::list) return run_regions(global);

  auto ctx = make_context(global, LogKind::collector, true);
  if (!ctx) return fail(ctx.error());
  auto lock = take_run_lock(ctx->settings.db_path, args.wait, *ctx->clock);
  if (!lock) return fail(lock.error());
  auto db = store::Database::open(ctx->settings.db_path);
  if (!db) return fail(db.error());
  if (auto ok = resolve_since(*options, **db); !ok) return fail(ok.error());

  std::string operation = options->since ? "areaBasedSyncList2" : "areaBasedList2";
  bool terminal = util::stdin_is_tty() && util::stderr_is_tty() && !global.json;
  precheck_keys(*ctx, operation, terminal);

  install_signal_handlers();
  collect::Collector collector(*ctx->client, **db, *ctx->pool, *ctx->clock);
  bool progress = util::stdout_is_tty() && util::stderr_is_tty() && !global.json && !global.quiet;
  if (progress) collector.on_progress(show_progress);
  spdlog::info("🚀 음식점 수집 시작: 모드 {}{}", collect::to_string(options->mode),
               options->resume ? " (재개)" : "");
  auto report = collector.run(*options, g_stop);
  if (progress) util::terminal_status_line().clear();
  if (report.status == "interrupted")
    report.exit_code = g_signal.load() == SIGTERM ? ExitCode::sigterm : ExitCode::sigint;
  if (auto saved = ctx->pool->save(); !saved) spdlog::warn("⚠️ {}", saved.error().message);

  if (!args.metrics_file.empty())
    if (auto ok = write_metrics(args.metrics_file, report, *ctx->pool, *ctx->clock); !ok)
      spdlog::warn("⚠️ metrics: {}", ok.error().message);
  if (global.json)
    std::cout << collect_json(report).dump(2) << std::endl;
  else
    std::cout << render_collect_summary(report) << std::flush;
  // A failed run (the disk, the database, a refused request) says why in one line on stderr and in
  // the log, with --json too: the report's errors are not where cron's mail looks.
  if (report.status == "failed")
    spdlog::error("❌ 수집 실패: {} - 원인을 해결한 뒤 'collector collect --resume'으로 이어서 "
                  "수집하세요",
                  report.errors.empty() ? std::string("알 수 없는 오류") : report.errors.front());
  spdlog::info("🏁 수집 종료: {} (API 호출 {}회, 레코드 {}건)", report.status, report.api_calls,
               report.records);
  if (report.status == "no_keys")
    std::cerr << "collector: "
              << (report.no_key_message.empty() ? std::string("사용 가능한 KTO API 키가 없습니다")
                                                : util::redact(report.no_key_message))
              << ". 'collector status'로 확인하고 'collector collect --resume'으로 이어서 수집하세요\n";
  return static_cast<int>(report.exit_code);
}

}  // namespace kto::cli
