#include "kto/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <sstream>

#include "kto/cli/commands.hpp"
#include "kto/util/log.hpp"
#include "kto/util/secrets.hpp"

namespace kto::cli {
namespace {

constexpr const char* k_description =
    "kto-collector: 한국관광공사 TourAPI(KorService2) 음식점(contentTypeId 39) 수집기.\n"
    "Collects the TourAPI's restaurant listings into SQLite, rotating a pool of API keys so that a\n"
    "bad, expired or exhausted key never stops the run.";

constexpr const char* k_footer =
    "Examples:\n"
    "  collector --mode major                  # 서울, 부산, 경기, 제주\n"
    "  collector --mode regions --regions 1,6,31\n"
    "  collector --mode all                    # 전국\n"
    "  collector collect --resume              # go on with an interrupted run\n"
    "  collector collect --since last          # nightly increment\n"
    "  collector status | health | recover     # API 키 상태 확인 / 건강 상태 점검 / 복구\n"
    "  collector -i                            # 대화형 메뉴\n"
    "Exit codes: 0 done, 1 failure, 2 usage/configuration, 3 no usable key, 4 partial,\n"
    "            5 another run holds the lock, 130/143 stopped by SIGINT/SIGTERM.";

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option_function<std::string>(
         "--env-file",
         [&g](const std::string& v) {
           g.env_file = v;
           g.env_file_set = true;
         },
         "the .env file to read (default ./.env; a missing default file is fine)")
      ->type_name("PATH");
  app.add_option("--db", g.db, "SQLite database (default data/restaurants.db)")->type_name("PATH");
  app.add_option("--state-file", g.state_file,
                 "key pool state (default data/cache/api_key_cache.json)")
      ->type_name("PATH");
  app.add_option("--log-dir", g.log_dir, "log folder (default logs)")->type_name("PATH");
  app.add_option("--base-url", g.base_url, "service root (overrides KTO_API_BASE_URL)")
      ->type_name("URL");
  app.add_flag("-v,--verbose", g.verbose, "more detail on stderr");
  app.add_flag("-q,--quiet", g.quiet,
               "조용히: 성공하면 아무것도 출력하지 않음 (경고와 오류는 stderr, 실패하면 보고서도 출력; "
               "--json 문서와 export 데이터는 그대로)");
  app.add_flag("--json", g.json, "print one JSON document on stdout instead of the report");
}

// -q on a good night prints nothing at all, so cron mails only when something went wrong: the
// report a command prints on stdout is held back and printed only when the command fails (a
// non-zero exit), where it says what went wrong. Log lines below warnings are already kept off
// stderr. --json prints its document regardless; export writes its rows straight to the stdout
// descriptor (they are the output asked for, not a report); the menu and status --watch are for
// a person watching and are not held.
class HeldStdout {
 public:
  explicit HeldStdout(bool hold) {
    if (hold) m_saved = std::cout.rdbuf(m_held.rdbuf());
  }
  HeldStdout(const HeldStdout&) = delete;
  HeldStdout& operator=(const HeldStdout&) = delete;
  // A command that throws has failed too: what it printed is shown.
  ~HeldStdout() { release(true); }
  void finish(int exit_code) { release(exit_code != 0); }

 private:
  void release(bool show) {
    if (m_saved == nullptr) return;
    std::cout.rdbuf(m_saved);
    m_saved = nullptr;
    if (show) std::cout << m_held.str() << std::flush;
  }
  std::ostringstream m_held;
  std::streambuf* m_saved = nullptr;
};

int usage_error(const std::string& what) {
  std::cerr << "collector: " << util::redact(what) << " (see 'collector --help')\n";
  return static_cast<int>(ExitCode::usage);
}

int dispatch(int argc, char** argv) {
  CLI::App app{k_description, "collector"};
  app.set_version_flag("--version", std::string("collector ") + KTO_VERSION);
  app.fallthrough();
  app.require_subcommand(0, 1);

  GlobalOptions global;
  add_global_options(app, global);
  bool interactive = false;
  app.add_flag("-i,--interactive", interactive, "the seed's menu (대화형 모드), choices from stdin");

  CollectArgs top_collect;
  add_collect_options(app, top_collect);
  CollectArgs collect_args;
  auto* collect = app.add_subcommand("collect", "collect restaurants (the default command)");
  add_collect_options(*collect, collect_args);
  collect->footer("Examples:\n  collector collect --mode regions --regions 1,6,31\n"
                  "  collector collect --resume\n  collector collect --since 20261124 --json");

  StatusArgs status_args;
  auto* status = app.add_subcommand("status", "API 키 상태 확인: the quick report (no calls)");
  setup_status(*status, global, status_args);
  auto* health = app.add_subcommand("health", "API 키 건강 상태 점검: probe every key (areaCode2)");
  health->footer("예:\n  collector health\n  collector health --json\n"
                 "종료 코드: 0 정상 키가 있음, 2 키가 설정되지 않음 (KTO_API_KEY), 3 정상 키가 없음.");
  auto* recover = app.add_subcommand("recover", "문제 키 복구 시도: re-test keys disabled 30+ minutes");
  recover->footer("예:\n  collector recover\n  collector recover --json\n"
                  "종료 코드: 0 복구 후 사용 가능한 키가 있음, 2 키가 설정되지 않음 (KTO_API_KEY),\n"
                  "          3 사용 가능한 키가 없음.");
  KeysArgs keys_args;
  auto* keys = app.add_subcommand("keys", "list, deactivate or reactivate keys");
  setup_keys(*keys, global, keys_args);
  auto* regions = app.add_subcommand("regions", "사용 가능한 지역 코드 보기 (no calls)");
  regions->footer("예:\n  collector regions\n  collector regions --json\n종료 코드: 0.");
  ExportArgs export_args;
  auto* exp = app.add_subcommand("export", "write the stored restaurants as CSV or JSON lines");
  exp->add_option("--format", export_args.format, "csv or jsonl")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  exp->add_option("--out", export_args.out,
                  "출력 파일 (기본값 또는 '-': 표준 출력). FIFO와 장치에는 그대로 쓰고, 심볼릭 링크는 "
                  "대상 파일에 쓰며, 일반 파일은 다 쓴 뒤에 한 번에 바꿉니다")
      ->type_name("FILE");
  exp->add_flag("--bom", export_args.bom,
                "CSV 앞에 UTF-8 BOM을 붙입니다 (Excel에서 한글이 깨지지 않게)");
  exp->footer("예:\n  collector export --format csv --out restaurants.csv\n"
              "  collector export --format csv --bom --out restaurants.csv   # Excel용\n"
              "  collector export --format jsonl | jq .title\n"
              "종료 코드: 0 완료, 1 쓰기 실패 (예: 저장 공간 부족; 일반 파일은 원래대로 남음),\n"
              "          2 잘못된 사용 또는 데이터베이스가 없음.");
  // Last: a subcommand copies its parent's footer when it is made, and the collection examples
  // belong to the top-level help only.
  app.footer(k_footer);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << "collector " << KTO_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  if (interactive) return run_menu(global, std::cin, std::cout);
  bool watching = status->parsed() && (status_args.watch || status_args.watch_rounds > 0);
  HeldStdout held(global.quiet && !global.json && !watching);
  int code = 0;
  if (collect->parsed())
    code = run_collect(global, collect_args);
  else if (status->parsed())
    code = run_status(global, status_args);
  else if (health->parsed())
    code = run_health(global);
  else if (recover->parsed())
    code = run_recover(global);
  else if (keys->parsed())
    code = run_keys(global, keys_args);
  else if (regions->parsed())
    code = run_regions(global);
  else if (exp->parsed())
    code = run_export(global, export_args);
  else
    code = run_collect(global, top_collect);
  held.finish(code);
  return code;
}

}  // namespace

int run(int argc, char** argv) {
  try {
    int code = dispatch(argc, argv);
    util::shutdown_logging();
    return code;
  } catch (const std::exception& e) {
    // The one top-level catch: anything left becomes one line and exit 1, never a stack trace.
    std::cerr << "collector: unexpected error: " << util::redact(e.what()) << "\n";
    return static_cast<int>(ExitCode::failure);
  } catch (...) {
    std::cerr << "collector: unexpected error\n";
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace kto::cli
