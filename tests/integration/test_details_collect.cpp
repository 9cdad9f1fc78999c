// `collect --details` and `collector details` through the real binary against kto-sim (issue 17):
// every shown restaurant of the run's provinces gets each asked operation once, with the
// parameters the service wants; hidden items get none; an item without details is not asked
// again; the report, --json, the metrics file and `status` show it; bad flags call nothing.
#include <fstream>

#include "hangul.hpp"
#include "integration/details_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::details;

TEST(DetailsCollect, EveryShownRestaurantOfTheProvincesOncePerOperation) {
  SimServer sim({{"dataset", detail_dataset(40, 25)}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto run = collect(cli, {"collect", "--mode", "regions", "--regions", "1", "--details",
                           "common,intro,images", "--metrics-file", "kto.prom"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto seoul = shown_ids(cli, 1);
  ASSERT_EQ(seoul.size(), 40u);
  auto stats = sim.stats();
  for (const char* op : {"detailCommon2", "detailIntro2", "detailImage2/Y", "detailImage2/N"}) {
    EXPECT_EQ(detail_distinct(stats, op), 40) << op;
    EXPECT_EQ(detail_repeated(stats, op), 0) << op;
  }
  // Only Seoul's items, each with the operation's own parameters.
  for (const auto& line : sim.request_log()) {
    const std::string op = line["operation"];
    if (op.rfind("detail", 0) != 0) continue;
    const auto& p = line["params"];
    EXPECT_EQ(seoul.count(p.value("contentId", std::string())), 1u) << line.dump();
    if (op == "detailCommon2") {
      EXPECT_FALSE(p.contains("contentTypeId")) << line.dump();
      EXPECT_FALSE(p.contains("defaultYN")) << line.dump();
      EXPECT_FALSE(p.contains("overviewYN")) << line.dump();
    }
    if (op == "detailIntro2") {
      EXPECT_EQ(p.value("contentTypeId", std::string()), "39");
    }
    if (op == "detailImage2") {
      const std::string image_yn = p.value("imageYN", std::string());
      EXPECT_TRUE(image_yn == "Y" || image_yn == "N") << line.dump();
    }
    EXPECT_NE(line["outcome"], "error:10") << line.dump();
  }
  const auto& d = run.report["details"];
  EXPECT_EQ(d["common"]["fetched"].get<long long>() + d["common"]["empty"].get<long long>(), 40);
  EXPECT_EQ(d["common"]["calls"], 40);
  EXPECT_EQ(d["images"]["calls"], 80);
  EXPECT_EQ(d["intro"]["pending"], 0);
  EXPECT_EQ(run.report["details_pending"], 0);
  EXPECT_EQ(run.report["details_estimate_days"], 0);
  EXPECT_EQ(run.report["exit_code"], 0);
  EXPECT_EQ(details_fetched(cli, "common"), 40);
  EXPECT_EQ(details_fetched(cli, "menu_images"), 40);

  std::ifstream prom(cli.dir() / "kto.prom");
  std::string metrics((std::istreambuf_iterator<char>(prom)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(metrics, "kto_details_pending{operation=\"detailCommon2\"} 0")) << metrics;
  EXPECT_TRUE(contains(metrics, "kto_details_fetched_total{operation=\"detailIntro2\"} ")) << metrics;
  EXPECT_TRUE(contains(metrics, "kto_run_status{status=\"success\"} 1")) << metrics;

  // status shows each key's use of the detail operations.
  auto status = cli.run({"status"});
  EXPECT_TRUE(contains(status.out, "detailCommon2")) << status.out;
  EXPECT_TRUE(contains(status.out, "detailImage2")) << status.out;
  auto status_json = cli.run_json({"status"});
  long long common_calls = 0;
  for (const auto& k : status_json["keys"]) common_calls += k["usage_by_operation"].value("detailCommon2", 0LL);
  EXPECT_EQ(common_calls, 40);
}

TEST(DetailsCollect, AnItemWithoutPhotosIsRecordedAndNotAskedAgain) {
  SimServer sim({{"dataset", detail_dataset(60, 0)}});
  auto cli = collector_for(sim, {k_good_key});
  ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  auto first = cli.run_json({"details", "--details", "images"});
  ASSERT_TRUE(first.is_object());
  const auto& images = first["details"]["images"];
  EXPECT_GT(images["empty"].get<long long>(), 0) << "the simulator gives some items no photos";
  EXPECT_EQ(images["fetched"].get<long long>() + images["empty"].get<long long>(), 120);
  const long long calls = op_calls(sim.stats(), "detailImage2");
  auto again = cli.run_json({"details", "--details", "images"});
  EXPECT_EQ(again["details"]["images"]["calls"], 0);
  EXPECT_EQ(again["details_pending"], 0);
  EXPECT_EQ(op_calls(sim.stats(), "detailImage2"), calls);
}

TEST(DetailsCollect, HiddenItemsGetNoDetails) {
  const std::string yesterday = kst_day(-std::chrono::hours(24));
  auto cli_dir = std::make_unique<CliRunner>(std::vector<std::string>{k_good_key});
  CliRunner& cli = *cli_dir;
  {
    SimServer before({{"dataset", detail_dataset(50, 0)}});
    cli.env()["KTO_API_BASE_URL"] = before.base_url();
    ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  }
  nlohmann::json withdrawn_set = detail_dataset(50, 0);
  withdrawn_set["withdrawn"] = 4;
  withdrawn_set["modified_recent"] = {{"ratio", 0.0}, {"date", yesterday}};
  SimServer sim({{"dataset", withdrawn_set}});
  cli.env()["KTO_API_BASE_URL"] = sim.base_url();
  auto inc = collect(cli, {"collect", "--since", yesterday, "--details"});
  ASSERT_EQ(inc.exit_code, 0) << inc.err;
  EXPECT_EQ(inc.report["hidden"], 4);
  std::set<std::string> hidden;
  const nlohmann::json stats = sim.stats();  // a range-for over a temporary's member would dangle
  for (const auto& id : stats["dataset"]["withdrawn"]) hidden.insert(id.get<std::string>());
  ASSERT_EQ(hidden.size(), 4u);
  for (const auto& op : k_detail_ops)
    for (const auto& id : detail_ids(sim.request_log(), op)) EXPECT_EQ(hidden.count(id), 0u) << id;
  EXPECT_EQ(detail_distinct(sim.stats(), "detailCommon2"), 46);
  EXPECT_EQ(inc.report["details"]["common"]["pending"], 0);
}

TEST(DetailsCollect, BudgetCapsTheCallsOfEachOperation) {
  SimServer sim({{"dataset", detail_dataset(30, 0)}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  auto run = cli.run({"details", "--budget", "7"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "남은 상세정보 46건 — 키 2개로 약 1일")) << run.out;
  EXPECT_TRUE(contains(run.out, "--budget 도달")) << run.out;
  auto stats = sim.stats();
  EXPECT_EQ(op_calls(stats, "detailCommon2"), 7);
  EXPECT_EQ(op_calls(stats, "detailIntro2"), 7);
  EXPECT_EQ(op_calls(stats, "detailImage2"), 0) << "images were not asked";
  auto json = cli.run_json({"details", "--budget", "30"});
  EXPECT_EQ(json["details"]["common"]["calls"], 23);
  EXPECT_EQ(json["details_pending"], 0);
  EXPECT_EQ(detail_repeated(sim.stats(), "detailCommon2"), 0);
}

TEST(DetailsCollect, BadListOrBudgetIsOneKoreanLineExitTwoAndNoCall) {
  CliRunner cli({k_key_a});  // the dead URL: any call would fail the run, not exit 2
  const std::vector<std::vector<std::string>> bad = {
      {"collect", "--details", "menus"},
      {"collect", "--details=common,,intro"},
      {"collect", "--details", "--budget", "0"},
      {"collect", "--budget", "5"},
      {"details", "--details", "photos"},
      {"details", "--budget", "lots"},
      {"details", "--budget", "-1"},
      {"details", "--mode", "regions"},
  };
  for (const auto& args : bad) {
    auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    std::size_t lines = 0;
    for (char c : r.err) lines += c == '\n' ? 1 : 0;
    EXPECT_EQ(lines, 1u) << r.err;
    EXPECT_TRUE(has_hangul(r.err)) << r.err;
  }
  EXPECT_TRUE(cli.logs("collector_").empty()) << "a refused command leaves no log";
}

TEST(DetailsCollect, HelpNamesTheFlagsAndExitCodes) {
  CliRunner cli({});
  auto help = cli.run({"details", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* part : {"--details", "--budget", "종료 코드", "common", "images"})
    EXPECT_TRUE(contains(help.out, part)) << part << "\n" << help.out;
  auto collect_help = cli.run({"collect", "--help"});
  EXPECT_TRUE(contains(collect_help.out, "--details")) << collect_help.out;
  EXPECT_TRUE(contains(collect_help.out, "종료 코드")) << collect_help.out;
}

}  // namespace
