// Crashes: SIGINT / SIGTERM during a run finish or abandon the pages in flight, save the progress
// and the key state, record the run as interrupted and exit 130 / 143; `collect --resume` then
// completes the job without fetching a saved page again.
#include <signal.h>

#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

struct Stop {
  int signal;
  int exit_code;
};

void PrintTo(const Stop& stop, std::ostream* os) {
  *os << "signal " << stop.signal << " → exit " << stop.exit_code;
}

class ReliabilitySignal : public ::testing::TestWithParam<Stop> {};

TEST_P(ReliabilitySignal, StopsCleanlySavesEverythingAndResumes) {
  const Stop stop = GetParam();
  // 6 + 4 + 5 + 1 = 16 pages of 100, one at a time, each answer taking 40 ms: the signal lands
  // mid-run.
  SimServer sim({{"dataset", dataset({{"11", 600}, {"26", 400}, {"41", 450}, {"50", 99}})},
                 {"latency_ms", {{"min", 40}, {"max", 40}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  const auto stats = sim.stats();
  const long long pages = expected_calls(stats, {1, 6, 31, 39}, 100);

  auto run = start_collector(cli, {"--mode", "major", "--page-size", "100", "--concurrency", "1",
                                   "--json"});
  ASSERT_TRUE(wait_until([&] { return count_checkpoints(cli) >= 3; }))
      << "no page was saved: " << run->drain_stderr();
  run->signal(stop.signal);
  EXPECT_EQ(run->wait(), stop.exit_code);
  auto report = nlohmann::json::parse(run->drain_stdout(), nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report["status"], "interrupted");

  // The run is recorded as interrupted and closed.
  auto runs = read_runs(cli);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[1].status, "interrupted");
  EXPECT_FALSE(runs[1].finished_at.empty());
  // Each page in flight was either saved whole (with its checkpoint) or not at all.
  const auto saved = checkpointed_pages(cli, 1);
  ASSERT_LT(static_cast<long long>(saved.size()), pages) << "the signal came after the last page";
  {
    ReadDb db(db_path(cli));
    EXPECT_EQ(db.query("SELECT COUNT(*) FROM restaurants")[0][0],
              db.query("SELECT COALESCE(SUM(rows), 0) FROM run_pages")[0][0]);
  }
  // The key state holds every call made: the simulator's count of each key's calls.
  const auto calls = list_calls(sim.request_log());
  auto state = read_state(cli);
  ASSERT_FALSE(state.is_discarded());
  long long counted = 0;
  for (const auto& key : state["keys"]) counted += key["usage"].value(k_list_op, 0LL);
  EXPECT_EQ(counted, static_cast<long long>(calls.size())) << state.dump();

  auto resumed = collect(cli, {"collect", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.report["status"], "success");
  EXPECT_EQ(resumed.report["run_id"], 1);
  EXPECT_EQ(static_cast<long long>(read_rows(cli).size()),
            stats["dataset"]["restaurants"].get<long long>());
  EXPECT_EQ(read_runs(cli)[1].status, "success");
  auto all = list_calls(sim.request_log());
  std::vector<nlohmann::json> after(all.begin() + static_cast<long>(calls.size()), all.end());
  for (const auto& c : after) EXPECT_EQ(saved.count(page_of(c)), 0u) << "refetched " << c.dump();
  expect_no_duplicate_success(after);
}

INSTANTIATE_TEST_SUITE_P(Signals, ReliabilitySignal,
                         ::testing::Values(Stop{SIGINT, 130}, Stop{SIGTERM, 143}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.signal == SIGINT ? "Sigint"
                                                                                : "Sigterm");
                         });

// A page whose answer never comes is abandoned at the signal: the run does not sit out the
// client's timeout (a minute here) before it saves and exits.
TEST(ReliabilitySignals, AbandonsAHangingPageInsteadOfWaitingForTheTimeout) {
  SimServer sim({{"dataset", dataset({{"11", 300}})},
                 {"faults", {{"schedule", {{{"call", 2}, {"kind", "hang"}}}}, {"hang_ms", 120000}}}});
  auto cli = collector_for(sim, {k_good_key});
  cli.env()["KTO_HTTP_TIMEOUT"] = "60s";
  auto run = start_collector(cli, {"--mode", "regions", "--regions", "1", "--page-size", "100",
                                   "--concurrency", "1", "--json"});
  ASSERT_TRUE(wait_until([&] { return list_calls(sim.request_log()).size() >= 2; }));
  run->signal(SIGTERM);
  // A guard far below the 60 s timeout, not a measure of speed.
  EXPECT_TRUE(wait_until([&] { return !run->running(); }, std::chrono::seconds(20)))
      << "still waiting for the hanging answer";
  EXPECT_EQ(run->wait(), 143);
  EXPECT_EQ(read_runs(cli)[1].status, "interrupted");
  EXPECT_EQ(checkpointed_pages(cli, 1).size(), 1u);

  auto resumed = collect(cli, {"collect", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(read_rows(cli).size(), 300u);
}

}  // namespace
