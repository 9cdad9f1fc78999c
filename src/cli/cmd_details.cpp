// `collector details`: the details of the stored restaurants of a scope, without a listing
// (issue 17). On SQLite it takes the run lock like a collection (both write the database); on
// PostgreSQL several of them, on any hosts, divide the pending items (issue 18).

#include <spdlog/spdlog.h>

#include <iostream>

#include "details_report.hpp"
#include "kto/api/regions.hpp"
#include "kto/cli/commands.hpp"
#include "kto/cli/metrics.hpp"
#include "kto/collect/plan.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

int fail(const Error& error) {
  std::cerr << "collector: " << util::redact(error.message) << "\n";
  return static_cast<int>(error.exit_code);
}

// The provinces asked for; none asked (or all) is every province the database holds.
Result<std::vector<int>> scope_of(const DetailsArgs& args) {
  if (args.mode.empty() && !args.regions_set) return std::vector<int>{};
  if (args.mode.empty() || args.mode == "regions") {
    if (!args.regions_set)
      return make_error("--mode regions에는 --regions가 필요합니다. 예: --regions 1,6,31 (가능한 코드: " +
                            api::valid_codes_text() + ")",
                        ExitCode::usage);
    auto parsed = api::parse_region_list(args.regions);
    if (!parsed.error.empty()) return make_error(parsed.error, ExitCode::usage);
    return parsed.codes;
  }
  if (args.regions_set)
    return make_error("--regions는 --mode regions와 함께만 씁니다", ExitCode::usage);
  if (args.mode == "all") return std::vector<int>{};
  collect::CollectOptions major;
  major.mode = collect::Mode::major;
  return collect::area_codes_for(major);
}

void print_report(const GlobalOptions& global, const collect::DetailsReport& report,
                  const std::vector<int>& areas) {
  if (!global.json) {
    std::cout << render_details_summary(report) << std::flush;
    return;
  }
  nlohmann::json doc{{"status", status_of(report.exit_code)},
                     {"regions", areas},
                     {"no_key_message", util::redact(report.no_key_message)},
                     {"exit_code", static_cast<int>(report.exit_code)}};
  add_details_json(doc, report);
  std::cout << doc.dump(2) << std::endl;
}

}  // namespace

void setup_details(CLI::App& app, DetailsArgs& a) {
  app.add_option("--mode", a.mode,
                 "범위: major (서울, 부산, 경기, 제주), all (전국), regions (--regions). 생략하면 "
                 "데이터베이스의 모든 지역")
      ->check(CLI::IsMember({"major", "all", "regions"}));
  app.add_option_function<std::string>(
         "--regions",
         [&a](const std::string& v) {
           a.regions = v;
           a.regions_set = true;
         },
         "지역 코드, 예: 1,6,31 (목록은 'collector regions')")
      ->type_name("CODES");
  app.add_option_function<std::string>(
         "--details", [&a](const std::string& v) { a.details = v; },
         "받을 상세정보: common (detailCommon2), intro (detailIntro2), images (detailImage2 "
         "사진과 메뉴 사진)을 쉼표로. 기본값 common,intro")
      ->expected(0, 1)
      ->type_name("LIST");
  app.add_option("--budget", a.budget, "이번 실행에서 작업별로 쓸 상세정보 호출 수의 상한")
      ->type_name("N");
  app.add_option("--concurrency", a.concurrency, "동시에 보낼 호출 수 (기본값: 사용 가능한 키 수에 따라)")
      ->check(CLI::Range(1, 32));
  app.add_option("--metrics-file", a.metrics_file, "끝날 때 Prometheus 지표를 이 파일에 씁니다")
      ->type_name("PATH");
  app.add_flag("--wait", a.wait, "다른 실행이 잠금을 쥐고 있으면 종료 코드 5로 끝내지 않고 기다립니다");
  app.footer(
      "목록은 받지 않고, 저장된 음식점 중 상세정보가 없거나 목록의 modifiedtime보다 오래된 항목만\n"
      "받습니다 (새 항목, 바뀐 항목, 나머지 순). 오늘 키에 남은 호출만 쓰고, 남은 항목은 다음 실행이\n"
      "이어 받습니다.\n"
      "예:\n"
      "  collector details                                # 모든 지역, common,intro\n"
      "  collector details --mode regions --regions 1 --details common,intro,images\n"
      "  collector details --budget 500 --json\n"
      "종료 코드: 0 완료 (오늘 한도나 --budget에 닿아 남은 항목이 있어도), 1 실패, 2 잘못된 사용\n"
      "          (호출 없음), 3 사용 가능한 키 없음, 4 일부 항목이 재시도 후에도 실패, 5 다른 실행이\n"
      "          잠금을 쥐고 있음, 130/143 SIGINT/SIGTERM으로 멈춤.");
}

int run_details(const GlobalOptions& global, const DetailsArgs& args) {
  auto areas = scope_of(args);
  if (!areas) return fail(areas.error());
  auto options = details_options(args.details, args.budget, args.concurrency, false);
  if (!options) return fail(options.error());
  (*options)->area_codes = *areas;

  auto ctx = make_context(global, LogKind::collector, true);
  if (!ctx) return fail(ctx.error());
  // A store several processes share (PostgreSQL) divides the items among them by claims: no run
  // lock. SQLite has one process at a time (exit 5 for the next).
  auto opened = store::open_store_for_run(ctx->settings.db_path.string(), store::RunKind::details,
                                         args.wait, run_holder(*ctx->clock));
  if (!opened) return fail(opened.error());

  auto report = run_detail_work(*ctx, *opened->store, **options);
  if (auto saved = ctx->pool->save(); !saved) spdlog::warn("⚠️ {}", saved.error().message);
  if (!args.metrics_file.empty())
    if (auto ok = write_details_metrics(args.metrics_file, report, *ctx->pool); !ok)
      spdlog::warn("⚠️ 지표 파일: {}", ok.error().message);
  print_report(global, report, *areas);
  if (report.exit_code == ExitCode::no_keys)
    std::cerr << "collector: "
              << (report.no_key_message.empty() ? std::string("사용 가능한 KTO API 키가 없습니다")
                                                : util::redact(report.no_key_message))
              << ". 'collector status'로 확인하고 다시 실행하면 남은 상세정보를 이어 받습니다\n";
  if (report.exit_code == ExitCode::failure)
    spdlog::error("❌ 상세정보 수집 실패: {}",
                  report.errors.empty() ? std::string("알 수 없는 오류") : report.errors.front());
  return static_cast<int>(report.exit_code);
}

}  // namespace kto::cli
