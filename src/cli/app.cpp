#include "kto/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "kto/cli/commands.hpp"
#include "kto/util/log.hpp"
#include "kto/util/secrets.hpp"
#include "parse_errors.hpp"

namespace kto::cli {
namespace {

constexpr const char* k_description =
    "kto-collector: 한국관광공사 TourAPI(KorService2) 음식점(contentTypeId 39) 수집기.\n"
    "TourAPI의 음식점 목록을 SQLite에 모읍니다. 여러 API 키를 돌려 쓰므로 잘못되었거나 만료되었거나\n"
    "한도를 다 쓴 키가 있어도 수집은 멈추지 않습니다.";

constexpr const char* k_footer =
    "예:\n"
    "  collector --mode major                  # 서울, 부산, 경기, 제주\n"
    "  collector --mode regions --regions 1,6,31\n"
    "  collector --mode all                    # 전국\n"
    "  collector collect --resume              # 중단된 수집 이어서 하기\n"
    "  collector collect --since last          # 야간 증분 수집\n"
    "  collector collect --since last --details # 야간 증분 수집 + 상세정보\n"
    "  collector details --budget 500          # 상세정보만 (작업별 최대 500회)\n"
    "  collector status | health | recover     # API 키 상태 확인 / 건강 상태 점검 / 복구\n"
    "  collector -i                            # 대화형 메뉴\n"
    "종료 코드: 0 완료, 1 실패, 2 잘못된 사용/설정, 3 사용 가능한 키 없음, 4 일부만 수집,\n"
    "          5 다른 실행이 잠금을 쥐고 있음, 130/143 SIGINT/SIGTERM으로 멈춤.";

void add_global_options(CLI::App& app, GlobalOptions& g) {
  app.add_option_function<std::string>(
         "--env-file",
         [&g](const std::string& v) {
           g.env_file = v;
           g.env_file_set = true;
         },
         "읽을 .env 파일 (기본값 ./.env; 기본 파일은 없어도 됩니다)")
      ->type_name("PATH");
  app.add_option("--db", g.db,
                 "SQLite 파일 또는 postgresql:// URL (기본값 KTO_DATABASE_URL, 없으면 data/restaurants.db)")
      ->type_name("PATH|URL");
  app.add_option("--state-file", g.state_file,
                 "키 풀 상태 파일 (기본값 data/cache/api_key_cache.json)")
      ->type_name("PATH");
  app.add_option("--log-dir", g.log_dir, "로그 폴더 (기본값 logs)")->type_name("PATH");
  app.add_option("--base-url", g.base_url, "서비스 주소 (KTO_API_BASE_URL보다 우선)")
      ->type_name("URL");
  app.add_flag("-v,--verbose", g.verbose, "stderr에 더 자세히 출력");
  app.add_flag("-q,--quiet", g.quiet,
               "조용히: 성공하면 아무것도 출력하지 않음 (경고와 오류는 stderr, 실패하면 보고서도 출력; "
               "--json 문서와 export 데이터는 그대로)");
  app.add_flag("--json", g.json, "보고서 대신 JSON 문서 하나를 stdout에 출력");
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

// CLI11 writes its help headings and default groups in English: the help reads in Korean like
// every other line. The formatter is shared by every subcommand; groups belong to each app.
void koreanize_help(CLI::App& app) {
  static const std::map<std::string, std::string> k_labels{
      {"Usage", "사용법"},     {"OPTIONS", "옵션"},     {"SUBCOMMAND", "명령"},
      {"SUBCOMMANDS", "명령"}, {"Positionals", "인자"}, {"REQUIRED", "필수"},
      {"Needs", "필요"},       {"Excludes", "함께 쓸 수 없음"}, {"Env", "환경 변수"}};
  for (const auto& [label, korean] : k_labels) app.get_formatter()->label(label, korean);
  for (CLI::Option* opt : app.get_options())
    if (opt->get_group() == "Options") opt->group("옵션");
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group() == "Subcommands") sub->group("명령");
    koreanize_help(*sub);
  }
}

int usage_error(const std::string& what) {
  std::cerr << "collector: " << util::redact(what) << " ('collector --help' 참고)\n";
  return static_cast<int>(ExitCode::usage);
}

// What the command line asked for: the options of every command and the subcommands themselves
// (owned by the CLI::App they were added to), so that the parse and the run are apart.
struct CommandLine {
  GlobalOptions global;
  bool interactive = false;
  CollectArgs top_collect;  // `collector --mode …`: collect without naming it
  CollectArgs collect_args;
  StatusArgs status_args;
  KeysArgs keys_args;
  ExportArgs export_args;
  DetailsArgs details_args;
  CLI::App* collect = nullptr;
  CLI::App* details = nullptr;
  CLI::App* status = nullptr;
  CLI::App* health = nullptr;
  CLI::App* recover = nullptr;
  CLI::App* keys = nullptr;
  CLI::App* regions = nullptr;
  CLI::App* exp = nullptr;
};

void add_top_level(CLI::App& app, CommandLine& cl) {
  app.set_help_flag("-h,--help", "도움말을 보여 주고 끝냅니다");
  app.set_version_flag("--version", std::string("collector ") + KTO_VERSION,
                       "버전을 보여 주고 끝냅니다");
  app.fallthrough();
  app.require_subcommand(0, 1);
  add_global_options(app, cl.global);
  app.add_flag("-i,--interactive", cl.interactive, "대화형 메뉴 (대화형 모드), 선택은 stdin에서");
  add_collect_options(app, cl.top_collect);
  cl.collect = app.add_subcommand("collect", "음식점 수집 (기본 명령)");
  add_collect_options(*cl.collect, cl.collect_args);
  cl.collect->footer("예:\n  collector collect --mode regions --regions 1,6,31\n"
                     "  collector collect --resume\n  collector collect --since 20261124 --json\n"
                     "  collector collect --resume --since last --details   # 야간 실행\n"
                     "종료 코드: 0 완료 (--details: 오늘 한도나 --budget에 닿아 남은 상세정보가 있어도),\n"
                     "          1 실패, 2 잘못된 사용/설정 (호출 없음), 3 사용 가능한 키 없음, 4 일부만\n"
                     "          수집, 5 다른 실행이 잠금을 쥐고 있음, 130/143 SIGINT/SIGTERM으로 멈춤.");
  cl.details = app.add_subcommand("details", "상세정보만 받기: 저장된 음식점의 소개, 영업시간, 메뉴, 사진");
  setup_details(*cl.details, cl.details_args);
}

void add_key_commands(CLI::App& app, CommandLine& cl) {
  cl.status = app.add_subcommand("status", "API 키 상태 확인: 빠른 보고서 (호출 없음)");
  setup_status(*cl.status, cl.global, cl.status_args);
  cl.health = app.add_subcommand("health", "API 키 건강 상태 점검: 모든 키를 시험 호출 (areaCode2)");
  cl.health->footer("예:\n  collector health\n  collector health --json\n"
                    "종료 코드: 0 정상 키가 있음, 2 키가 설정되지 않음 (KTO_API_KEY), 3 정상 키가 없음.");
  cl.recover = app.add_subcommand("recover", "문제 키 복구 시도: 30분 넘게 비활성화된 키를 다시 시험");
  cl.recover->footer("예:\n  collector recover\n  collector recover --json\n"
                     "종료 코드: 0 복구 후 사용 가능한 키가 있음, 2 키가 설정되지 않음 (KTO_API_KEY),\n"
                     "          3 사용 가능한 키가 없음.");
  cl.keys = app.add_subcommand("keys", "키 목록 보기, 비활성화, 재활성화");
  setup_keys(*cl.keys, cl.global, cl.keys_args);
}

void add_data_commands(CLI::App& app, CommandLine& cl) {
  cl.regions = app.add_subcommand("regions", "사용 가능한 지역 코드 보기 (호출 없음)");
  cl.regions->footer("예:\n  collector regions\n  collector regions --json\n종료 코드: 0.");
  ExportArgs& ea = cl.export_args;
  cl.exp = app.add_subcommand("export", "저장된 음식점을 CSV나 JSON Lines로 내보내기");
  cl.exp->add_option("--format", ea.format, "csv 또는 jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
  cl.exp->add_option("--out", ea.out,
                     "출력 파일 (기본값 또는 '-': 표준 출력). FIFO와 장치에는 그대로 쓰고, 심볼릭 링크는 "
                     "대상 파일에 쓰며, 일반 파일은 다 쓴 뒤에 한 번에 바꿉니다")
      ->type_name("FILE");
  cl.exp->add_flag("--bom", ea.bom, "CSV 앞에 UTF-8 BOM을 붙입니다 (Excel에서 한글이 깨지지 않게)");
  cl.exp->footer("예:\n  collector export --format csv --out restaurants.csv\n"
                 "  collector export --format csv --bom --out restaurants.csv   # Excel용\n"
                 "  collector export --format jsonl | jq .title\n"
                 "종료 코드: 0 완료, 1 쓰기 실패 (예: 저장 공간 부족; 일반 파일은 원래대로 남음),\n"
                 "          2 잘못된 사용 또는 데이터베이스가 없음.");
}

// The exit code when the parse alone ends the process (help, version, a usage error); nothing
// when a command is to run.
std::optional<int> parse(CLI::App& app, int argc, char** argv) {
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
    return usage_error(korean_parse_error(e));
  }
  return std::nullopt;
}

int run_command(const CommandLine& cl) {
  const GlobalOptions& g = cl.global;
  if (cl.collect->parsed()) return run_collect(g, cl.collect_args);
  if (cl.details->parsed()) return run_details(g, cl.details_args);
  if (cl.status->parsed()) return run_status(g, cl.status_args);
  if (cl.health->parsed()) return run_health(g);
  if (cl.recover->parsed()) return run_recover(g);
  if (cl.keys->parsed()) return run_keys(g, cl.keys_args);
  if (cl.regions->parsed()) return run_regions(g);
  if (cl.exp->parsed()) return run_export(g, cl.export_args);
  return run_collect(g, cl.top_collect);
}

int dispatch(int argc, char** argv) {
  CLI::App app{k_description, "collector"};
  CommandLine cl;
  add_top_level(app, cl);
  add_key_commands(app, cl);
  add_data_commands(app, cl);
  // Last: a subcommand copies its parent's footer when it is made, and the collection examples
  // belong to the top-level help only.
  app.footer(k_footer);
  koreanize_help(app);
  if (std::optional<int> done = parse(app, argc, argv)) return *done;

  if (cl.interactive) return run_menu(cl.global, std::cin, std::cout);
  bool watching = cl.status->parsed() && (cl.status_args.watch || cl.status_args.watch_rounds > 0);
  HeldStdout held(cl.global.quiet && !cl.global.json && !watching);
  int code = run_command(cl);
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
    std::cerr << "collector: 예상하지 못한 오류: " << util::redact(e.what()) << "\n";
    return static_cast<int>(ExitCode::failure);
  } catch (...) {
    std::cerr << "collector: 예상하지 못한 오류\n";
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace kto::cli
