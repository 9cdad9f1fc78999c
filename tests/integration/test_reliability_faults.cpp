// Faults: with answers failing in each of the simulator's ways (500, HTML 502, hang, empty,
// truncated, reset), at a high rate or mixed at 20 %, a run still stores every restaurant, receives
// no page twice, and exits 0.
#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

// 서울 150 and 부산 120 at 100 rows a page: four pages, so that even a high fault rate stays quick.
const std::map<std::string, int> k_small = {{"11", 150}, {"26", 120}};

// One fetching worker makes the order of calls, and so the simulator's seeded faults, the same on
// every run: the test cannot turn flaky on an unlucky interleaving.
const std::vector<std::string> k_serial_run = {"--mode", "regions", "--regions", "1,6",
                                               "--page-size", "100", "--concurrency", "1"};

nlohmann::json faults(const std::string& kind, double rate) {
  return {{"rate", rate}, {"kinds", {kind}}, {"hang_ms", 3000}, {"operations", {k_list_op}}};
}

// Every restaurant of the provinces asked is stored, each item was received once, and every page
// was answered successfully once.
void expect_everything_once(const SimServer& sim, const CliRunner& cli, const Collected& run,
                            const std::vector<std::string>& ldongs) {
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["status"], "success");
  // Read before the oracle's calls below join the log.
  auto calls = list_calls(sim.request_log());
  expect_no_duplicate_success(calls);
  EXPECT_EQ(run.report["api_calls"], static_cast<long long>(calls.size()))
      << "every call, failed or not, is counted";
  sim.control({{"faults", {{"rate", 0.0}}}});  // the oracle's own calls must not fail
  std::set<std::string> expected;
  for (const auto& ldong : ldongs) expected.merge(sim_contentids(sim, ldong));
  auto rows = read_rows(cli);
  std::set<std::string> stored;
  for (const auto& [id, row] : rows) stored.insert(id);
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(run.report["records"], static_cast<long long>(expected.size()))
      << "an item was received twice";
  for (const auto& [area, result] : run.report["areas"].items())
    EXPECT_EQ(result["complete"], true) << "area " << area;
  auto runs = read_runs(cli);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs.begin()->second.status, "success");
}

long long faults_served(const SimServer& sim, const std::string& kind) {
  return sim.stats()["by_outcome"].value("fault:" + kind, 0LL);
}

class ReliabilityFaultKind : public ::testing::TestWithParam<std::string> {};

TEST_P(ReliabilityFaultKind, EveryRowIsCollectedOnceDespiteHalfTheAnswersFailing) {
  const std::string kind = GetParam();
  SimServer sim({{"seed", 7}, {"dataset", dataset(k_small)}, {"faults", faults(kind, 0.5)}});
  auto cli = collector_for(sim, {k_good_key});
  // A hang costs one client timeout: keep it short so the test stays quick.
  if (kind == "hang") cli.env()["KTO_HTTP_TIMEOUT"] = "1s";

  auto run = collect(cli, k_serial_run);
  EXPECT_GT(faults_served(sim, kind), 0) << "the scenario injected no " << kind;
  expect_everything_once(sim, cli, run, {"11", "26"});
  // Faults are the service's trouble, never the key's: it stays active and unblamed.
  auto state = read_state(cli);
  ASSERT_FALSE(state.is_discarded());
  EXPECT_EQ(state["keys"][0]["is_active"], true);
  EXPECT_EQ(state["keys"][0]["consecutive_errors"], 0);
}

INSTANTIATE_TEST_SUITE_P(Faults, ReliabilityFaultKind,
                         ::testing::Values("http500", "html502", "hang", "empty", "truncated",
                                           "reset"),
                         [](const auto& param_info) { return param_info.param; });

TEST(ReliabilityFaults, MixedTwentyPercentOfEveryKindStillCollectsEveryRowOnce) {
  // 6 + 3 + 5 + 1 = 15 pages; seed 8 spreads its faults over most kinds within them.
  const std::map<std::string, int> sizes = {{"11", 600}, {"26", 300}, {"41", 500}, {"50", 100}};
  SimServer sim({{"seed", 8}, {"dataset", dataset(sizes)}, {"faults", {{"rate", 0.2}, {"hang_ms", 3000}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  cli.env()["KTO_HTTP_TIMEOUT"] = "1s";

  auto run = collect(cli, {"--mode", "major", "--page-size", "100"});
  std::set<std::string> kinds;
  const auto stats = sim.stats();
  for (const auto& [outcome, n] : stats["by_outcome"].items())
    if (outcome.starts_with("fault:")) kinds.insert(outcome);
  EXPECT_GE(kinds.size(), 3u) << stats.dump();
  expect_everything_once(sim, cli, run, {"11", "26", "41", "50"});
  EXPECT_TRUE(run.report["errors"].empty()) << run.report["errors"].dump();
}

}  // namespace
