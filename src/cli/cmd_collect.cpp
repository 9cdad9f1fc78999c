#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "collect_report.hpp"
#include "details_report.hpp"
#include "stop_signal.hpp"
#include "kto/api/operations.hpp"
#include "kto/api/regions.hpp"
#include "kto/cli/commands.hpp"
#include "kto/cli/metrics.hpp"
#include "kto/collect/collector.hpp"
#include "kto/collect/increment.hpp"
#include "kto/store/store.hpp"
#include "kto/util/files.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/status_line.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

int fail(const Error& error) {
  std::cerr << "collector: " << util::redact(error.message) << "\n";
  return static_cast<int>(error.exit_code);
}

// The service's largest page (docs/service.md): a bigger numOfRows is answered with an empty body.
constexpr int k_max_page_size = 1000;

// Checks every flag before anything is opened or called.
Result<collect::CollectOptions> validate(const CollectArgs& args, const util::Clock& clock) {
  collect::CollectOptions options;
  auto mode = collect::parse_mode(args.mode);
  if (!mode) return make_error("--mode는 major, all, regions, list 중 하나여야 합니다", ExitCode::usage);
  options.mode = *mode;
  options.scope_source = args.mode_set || args.regions_set ? collect::ScopeSource::asked
                                                           : collect::ScopeSource::default_mode;
  if (options.mode == collect::Mode::regions) {
    if (!args.regions_set)
      return make_error("--mode regions에는 --regions가 필요합니다. 예: --regions 1,6,31 (가능한 코드: " +
                            api::valid_codes_text() + ")",
                        ExitCode::usage);
    auto parsed = api::parse_region_list(args.regions);
    if (!parsed.error.empty()) return make_error(parsed.error, ExitCode::usage);
    options.regions = parsed.codes;
  } else if (args.regions_set) {
    return make_error("--regions는 --mode regions와 함께만 씁니다", ExitCode::usage);
  }
  if (args.page_size < 1 || args.page_size > k_max_page_size)
    return make_error("--page-size " + std::to_string(args.page_size) +
                          ": 1부터 1000 사이로 주세요 (서비스는 한 번에 최대 1,000건을 줍니다)",
                      ExitCode::usage);
  options.page_size = args.page_size;
  options.concurrency = args.concurrency;
  options.resume = args.resume;
  if (!args.since.empty()) {
    if (args.since != "last" && !util::parse_compact_date_kst(args.since))
      return make_error("--since '" + args.since + "'은(는) 날짜가 아닙니다: YYYYMMDD나 'last'를 주세요",
                        ExitCode::usage);
    // YYYYMMDD compares as text; a day after today (KST) has no changes to read yet.
    const std::string today = util::kst_compact_date(clock.now());
    if (args.since != "last" && args.since > today)
      return make_error("--since " + args.since + "은(는) 미래 날짜입니다 (오늘은 " + today +
                            " KST): 오늘이나 그 이전 날짜, 또는 'last'를 주세요",
                        ExitCode::usage);
    options.since = args.since;
  }
  return options;
}

// What a --resume runs or refuses names the mode and the codes the flags take.
constexpr auto k_with_codes = collect::ScopeStyle::mode_and_codes;

// With --resume, the newest unfinished run is what runs. A scope asked for (--mode, --regions)
// that covers other provinces is refused rather than silently replaced by that run's; no scope
// asked means "whatever is unfinished" (the nightly `--resume --since last`). --since is not a
// scope: a resumed run keeps its own window (a full run's covers any day's changes).
Result<std::optional<store::RunRecord>> run_to_resume(const CollectArgs& args,
                                                      const collect::CollectOptions& options,
                                                      store::Store& db) {
  if (!options.resume) return std::optional<store::RunRecord>{};
  auto unfinished = db.latest_resumable_run();
  if (!unfinished) return unfinished.error();
  if (!*unfinished || (!args.mode_set && !args.regions_set)) return *unfinished;
  const store::RunRecord& run = **unfinished;
  auto asked = collect::area_codes_for(options);
  auto held = collect::area_codes_of(run.regions);
  std::sort(asked.begin(), asked.end());
  std::sort(held.begin(), held.end());
  if (asked == held) return *unfinished;
  return make_error("--resume: 끝나지 않은 수집 #" + std::to_string(run.id) + "은(는) " +
                        collect::scope_text(run, k_with_codes) + "인데 " +
                        collect::scope_text(options, k_with_codes) +
                        "을(를) 요청했습니다. 그 수집을 이어가려면 --mode/--regions 없이(또는 같은 범위로) "
                        "--resume을, 요청한 범위를 새로 수집하려면 --resume 없이 실행하세요",
                    ExitCode::usage);
}

// The log's first line says what really runs: a resumed run's own scope, not the flags'.
void log_start(const collect::CollectOptions& options,
               const std::optional<store::RunRecord>& resumed) {
  if (resumed) {
    auto saved = nlohmann::json::parse(resumed->options, nullptr, false);
    std::string window;
    if (saved.is_object() && saved.contains("since") && saved["since"].is_string())
      window = " 변경분 (--since " + saved["since"].get<std::string>() + ")";
    spdlog::info("🚀 음식점 수집 재개: 수집 #{} ({}{}, 시작 {})", resumed->id,
                 collect::scope_text(*resumed, k_with_codes), window,
                 resumed->started_at);
    if (options.since && *options.since != "last")
      spdlog::info("ℹ️ --since {}는 이번에는 쓰지 않습니다: 끝나지 않은 수집 #{}을(를) 그 범위대로 "
                   "마칩니다",
                   *options.since, resumed->id);
    return;
  }
  spdlog::info("🚀 음식점 수집 시작: {}{}",
               collect::scope_text(options, k_with_codes),
               options.since ? " 변경분 (--since " + *options.since + ")" : std::string());
}

// --since last becomes the day of the last successful run; the first night, with none yet, the
// run collects fully instead. An increment without an asked scope covers what the database holds.
Result<void> resolve_since(collect::CollectOptions& options, store::Store& db) {
  if (!options.since) return {};
  if (options.resume) {
    // `--resume --since last` (the nightly idiom): a run to resume brings its own saved options,
    // so "last" needs no successful run yet and the scope is the one it planned.
    auto unfinished = db.latest_resumable_run();
    if (!unfinished) return unfinished.error();
    if (*unfinished) return {};
  }
  if (*options.since != "last") return collect::resolve_increment_scope(options, db);
  auto last = db.last_successful_run();
  if (!last) return last.error();
  if (!*last) {
    // Nothing to increment from: the cron job the README sets up must still start.
    options.since.reset();
    options.full_for_since_last = true;
    spdlog::info("ℹ️ --since last: 성공한 수집이 아직 없어 증분 대신 전체 수집을 합니다 (범위: {})",
                 collect::scope_text(options));
    return {};
  }
  auto started = util::parse_iso8601((*last)->started_at);
  if (!started)
    return make_error("--since last: 마지막 실행의 시작 시각을 읽을 수 없습니다. --since YYYYMMDD를 주세요",
                      ExitCode::usage);
  // Items changed on the day of the last run may have changed after it started: read that day too.
  options.since = util::kst_compact_date(*started);
  spdlog::info("--since last: 마지막 성공 수집 #{} ({}) 이후 변경분을 수집합니다", (*last)->id,
               *options.since);
  return collect::resolve_increment_scope(options, db);
}

bool ask_yes_no(const std::string& question) {
  std::cerr << question << " (y/n): " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

// The original system's "API 키 상태 확인" before collecting; with no usable key, recovery is
// offered on a terminal and tried by the rules in cron.
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
  auto report = ctx.pool->attempt_recovery(ctx.client->key_probe());
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
  app.add_option_function<std::string>(
         "--mode",
         [&a](const std::string& v) {
           a.mode = v;
           a.mode_set = true;
         },
         "수집 범위: major (서울, 부산, 경기, 제주; 기본값), all (전국), regions (--regions), "
         "list (코드 목록). --since 증분에서 생략하면 데이터베이스에 있는 지역 전체")
      ->check(CLI::IsMember({"major", "all", "regions", "list"}));
  app.add_option_function<std::string>(
         "--regions",
         [&a](const std::string& v) {
           a.regions = v;
           a.regions_set = true;
         },
         "--mode regions의 지역 코드, 예: 1,6,31 (목록은 'collector regions')")
      ->type_name("CODES");
  app.add_option("--page-size", a.page_size,
                 "호출 한 번에 받을 행 수, 1~1000 (기본 1000: 서비스의 최대)");
  app.add_option("--concurrency", a.concurrency,
                 "동시에 받을 페이지 수 (기본값: 사용 가능한 키 수에 따라)")
      ->check(CLI::Range(1, 32));
  app.add_flag("--resume", a.resume,
               "끝나지 않은 최근 수집을 그 범위(모드, 지역)대로 이어서 수집 (받은 페이지는 건너뜀)");
  app.add_option("--since", a.since,
                 "증분: YYYYMMDD 이후 바뀐 항목, 또는 'last' (마지막 성공 수집 이후)")
      ->type_name("DATE");
  app.add_option("--metrics-file", a.metrics_file, "끝날 때 Prometheus 지표를 이 파일에 씁니다")
      ->type_name("PATH");
  app.add_flag("--wait", a.wait, "다른 실행이 잠금을 쥐고 있으면 종료 코드 5로 끝내지 않고 기다립니다");
  app.add_option_function<std::string>(
         "--details", [&a](const std::string& v) { a.details = v; },
         "목록 수집 뒤 그 지역 음식점의 상세정보도 받습니다: common, intro, images를 쉼표로 "
         "(값 없이 쓰면 common,intro). 오늘 키에 남은 호출만 쓰고 나머지는 다음 실행이 이어 받습니다")
      ->expected(0, 1)
      ->type_name("LIST");
  app.add_option("--budget", a.budget, "--details: 이번 실행에서 작업별로 쓸 상세정보 호출 수의 상한")
      ->type_name("N");
}

int run_collect(const GlobalOptions& global, CollectArgs args) {
  auto options = validate(args, util::system_clock());
  if (!options) return fail(options.error());
  auto details = details_options(args.details, args.budget, args.concurrency, true);
  if (!details) return fail(details.error());
  if (options->mode == collect::Mode::list) return run_regions(global);

  auto ctx = make_context(global, LogKind::collector, true);
  if (!ctx) return fail(ctx.error());
  auto opened = store::open_store_for_run(ctx->settings.db_path.string(), store::RunKind::listing,
                                         args.wait, run_holder(*ctx->clock));
  if (!opened) return fail(opened.error());
  auto& db = opened->store;
  auto resumed = run_to_resume(args, *options, *db);
  if (!resumed) return fail(resumed.error());
  if (auto ok = resolve_since(*options, *db); !ok) return fail(ok.error());

  std::string operation{options->since ? api::k_sync_operation : api::k_list_operation};
  bool terminal = util::stdin_is_tty() && util::stderr_is_tty() && !global.json;
  precheck_keys(*ctx, operation, terminal);

  install_stop_handlers();
  collect::Collector collector(*ctx->client, *db, *ctx->pool, *ctx->clock);
  bool progress = util::stdout_is_tty() && util::stderr_is_tty() && !global.json && !global.quiet;
  if (progress) collector.on_progress(show_progress);
  log_start(*options, *resumed);
  auto report = collector.run(*options, stop_requested());
  if (progress) util::terminal_status_line().clear();
  if (report.status == store::RunStatus::interrupted)
    report.exit_code = stop_signal() == SIGTERM ? ExitCode::sigterm : ExitCode::sigint;
  // The details of the run's provinces follow a listing that stored what it could.
  std::optional<collect::DetailsReport> detail_report;
  if (*details && (report.status == store::RunStatus::success ||
                   report.status == store::RunStatus::partial)) {
    (*details)->area_codes = collect::area_codes_for(report.options);
    (*details)->run_id = report.run_id;
    // Hosts sharing the store divide the detail work by claims: the listing's lock is let go, so
    // that their `collector details` and the next listing are not held up by this run's details.
    if (db->shares_detail_work()) opened->lock.reset();
    detail_report = run_detail_work(*ctx, *db, **details);
  }
  const ExitCode exit_code =
      detail_report ? combined_exit(report.exit_code, detail_report->exit_code) : report.exit_code;
  if (auto saved = ctx->pool->save(); !saved) spdlog::warn("⚠️ {}", saved.error().message);

  const collect::DetailsReport* shown = detail_report ? &*detail_report : nullptr;
  if (!args.metrics_file.empty())
    if (auto ok = write_metrics(args.metrics_file, report, *ctx->pool, *ctx->clock, shown); !ok)
      spdlog::warn("⚠️ 지표 파일: {}", ok.error().message);
  if (global.json) {
    auto doc = collect_json(report);
    if (shown) add_details_json(doc, *shown);
    doc["exit_code"] = static_cast<int>(exit_code);
    std::cout << doc.dump(2) << std::endl;
  } else {
    std::cout << render_collect_summary(report) << (shown ? render_details_summary(*shown) : "")
              << std::flush;
  }
  // A failed run (the disk, the database, a refused request) says why in one line on stderr and in
  // the log, with --json too: the report's errors are not where cron's mail looks.
  if (report.status == store::RunStatus::failed)
    spdlog::error("❌ 수집 실패: {} - 원인을 해결한 뒤 'collector collect --resume'으로 이어서 "
                  "수집하세요",
                  report.errors.empty() ? std::string("알 수 없는 오류") : report.errors.front());
  spdlog::info("🏁 수집 종료: {} (API 호출 {}회, 레코드 {}건)", store::to_string(report.status), report.api_calls,
               report.records);
  if (report.status == store::RunStatus::no_keys)
    std::cerr << "collector: "
              << (report.no_key_message.empty() ? std::string("사용 가능한 KTO API 키가 없습니다")
                                                : util::redact(report.no_key_message))
              << ". 'collector status'로 확인하고 'collector collect --resume'으로 이어서 수집하세요\n";
  return static_cast<int>(exit_code);
}

}  // namespace kto::cli
