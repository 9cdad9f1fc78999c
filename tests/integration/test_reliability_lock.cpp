// Concurrent runs: a second `collect` while one runs exits 5 at once with one line naming the
// other run's pid and start time, or waits for it with --wait; `status` and `health` run alongside
// safely; a stale lock of a dead process is taken over.
#include <signal.h>

#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

// 서울 1,000 at 100 rows a page with 80 ms answers and one worker: the first run holds the lock
// long enough for the others to meet it.
constexpr int k_rows = 1000;
nlohmann::json slow_scenario() {
  return {{"dataset", dataset({{"11", k_rows}})}, {"latency_ms", {{"min", 80}, {"max", 80}}}};
}
const std::vector<std::string> k_slow_run = {"--mode", "regions", "--regions", "1",
                                             "--page-size", "100", "--concurrency", "1", "--json"};

TEST(ReliabilityLock, SecondRunExitsFiveAtOnceNamingTheHoldersPidAndStart) {
  SimServer sim(slow_scenario());
  auto cli = collector_for(sim, {k_good_key});
  auto first = start_collector(cli, k_slow_run);
  ASSERT_TRUE(wait_until([&] { return count_checkpoints(cli) > 0; })) << first->drain_stderr();

  auto second = cli.run({"--mode", "regions", "--regions", "1"});
  EXPECT_EQ(second.exit_code, 5) << second.out << second.err;
  auto lines = nonempty_lines(second.err);
  ASSERT_EQ(lines.size(), 1u) << second.err;
  EXPECT_TRUE(contains(lines[0], "pid " + std::to_string(first->pid()))) << lines[0];
  EXPECT_TRUE(contains(lines[0], "KST 시작")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "KST")) << lines[0];
  EXPECT_TRUE(second.out.empty()) << second.out;

  EXPECT_EQ(first->wait(), 0) << first->drain_stderr();
  // The refused run made no call of its own and recorded no run.
  EXPECT_EQ(list_calls(sim.request_log()).size(), static_cast<std::size_t>(pages_for(k_rows, 100)));
  EXPECT_EQ(read_runs(cli).size(), 1u);
  EXPECT_EQ(read_rows(cli).size(), static_cast<std::size_t>(k_rows));
}

TEST(ReliabilityLock, WaitFlagWaitsForTheHolderThenRuns) {
  SimServer sim(slow_scenario());
  auto cli = collector_for(sim, {k_good_key});
  auto first = start_collector(cli, k_slow_run);
  ASSERT_TRUE(wait_until([&] { return count_checkpoints(cli) > 0; })) << first->drain_stderr();

  auto second = collect(cli, {"--mode", "regions", "--regions", "1", "--page-size", "100", "--wait"});
  EXPECT_EQ(first->wait(), 0);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.report["status"], "success");
  // The second run started only after the first had finished.
  auto runs = read_runs(cli);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].status, "success");
  EXPECT_GE(runs[2].started_at, runs[1].finished_at);
  EXPECT_EQ(read_rows(cli).size(), static_cast<std::size_t>(k_rows));
}

TEST(ReliabilityLock, StatusAndHealthRunAlongsideACollection) {
  SimServer sim(slow_scenario());
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto first = start_collector(cli, k_slow_run);
  ASSERT_TRUE(wait_until([&] { return count_checkpoints(cli) > 0; })) << first->drain_stderr();

  for (int round = 0; round < 3; ++round) {
    auto status = cli.run_json({"status"});
    EXPECT_EQ(status["total_keys"], 2) << status.dump();
    auto health = cli.run_json({"health"});
    EXPECT_EQ(health["healthy_keys"], 2) << health.dump();
  }
  EXPECT_EQ(first->wait(), 0) << first->drain_stderr();
  EXPECT_EQ(read_rows(cli).size(), static_cast<std::size_t>(k_rows));

  // No count was lost to the three processes sharing the state file: each call the simulator saw
  // is in the usage of its operation.
  auto log = sim.request_log();
  auto state = read_state(cli);
  ASSERT_FALSE(state.is_discarded());
  long long listed = 0, probed = 0;
  for (const auto& key : state["keys"]) {
    listed += key["usage"].value(k_list_op, 0LL);
    probed += key["usage"].value("areaCode2", 0LL);
  }
  long long probes = 0;
  for (const auto& line : log) probes += line["operation"] == "areaCode2" ? 1 : 0;
  EXPECT_EQ(listed, static_cast<long long>(list_calls(log).size())) << state.dump();
  EXPECT_EQ(probed, probes) << state.dump();
  EXPECT_EQ(probes, 6);
}

TEST(ReliabilityLock, StaleLockOfADeadProcessIsTakenOver) {
  SimServer sim({{"dataset", dataset({{"11", 120}})}});
  auto cli = collector_for(sim, {k_good_key});
  // A lock file whose holder died (its note names a pid that no longer runs): the kernel dropped
  // the dead process's flock, so the note alone must not block anyone.
  write_bytes(cli.dir() / "data" / "restaurants.db.lock", "pid 999999, started 2026-11-24 03:00:00 KST");
  auto run = collect(cli, {"--mode", "regions", "--regions", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_rows(cli).size(), 120u);

  // And a holder killed outright (no clean-up at all) leaves nothing that blocks the next run.
  sim.control({{"latency_ms", {{"min", 50}, {"max", 50}}}});
  auto killed = start_collector(cli, {"--mode", "regions", "--regions", "1", "--page-size", "10",
                                      "--concurrency", "1"});
  ASSERT_TRUE(wait_until([&] { return list_calls(sim.request_log()).size() >= 3; }));
  killed->signal(SIGKILL);
  EXPECT_EQ(killed->wait(), 128 + SIGKILL);
  auto next = collect(cli, {"--mode", "regions", "--regions", "1"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
}

}  // namespace
