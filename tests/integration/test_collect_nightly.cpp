// The nightly idioms of README/crontab.example against kto-sim: `collect --since DAY` reads only
// what changed, under both readings of `modifiedtime` ("on that day" and "since that day"), and
// `collect --resume --since last` goes on with a cut-off run even before any run has succeeded.
#include "integration/cli_support.hpp"
#include "integration/sim_fixture.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/time.hpp"

namespace {

using kto::test::CliRunner;
using kto::test::k_key_a;
using kto::test::k_key_b;
using kto::test::SimServer;

long long calls_of(const SimServer& sim, const std::string& operation) {
  auto stats = sim.stats();
  const auto& by_op = stats["by_operation"];
  return by_op.contains(operation) ? by_op[operation].get<long long>() : 0;
}

nlohmann::json sim_dataset(const SimServer& sim) { return sim.stats()["dataset"]; }

// Yesterday in KST: the day kto-sim gives its recently modified items by default.
std::string yesterday_kst() {
  return kto::util::kst_compact_date(kto::util::SystemClock().now() - std::chrono::hours(24));
}

class SinceReadings : public ::testing::TestWithParam<const char*> {};

TEST_P(SinceReadings, AnIncrementReadsOnlyWhatChangedWithOneCallPerDay) {
  SimServer sim({{"dataset", {{"per_province", {{"11", 1500}, {"26", 700}}},
                              {"modified_recent", {{"ratio", 0.02}}}}},
                 {"modifiedtime_semantics", GetParam()}});
  CliRunner cli({k_key_a}, sim.base_url());
  auto full = cli.run_json({"--mode", "all"});
  ASSERT_EQ(full["status"], "success") << full.dump();
  const long long restaurants = sim_dataset(sim)["restaurants"].get<long long>();
  const long long changed = sim_dataset(sim)["modified_recent"].get<long long>();
  ASSERT_EQ(full["stored"].get<long long>(), restaurants);
  ASSERT_GT(changed, 0);
  ASSERT_LT(changed, 1000);  // one page per day

  sim.reset_stats();
  auto inc = cli.run_json({"collect", "--mode", "all", "--since", yesterday_kst()});
  EXPECT_EQ(inc["status"], "success") << inc.dump();
  // The window is yesterday and today: one areaBasedSyncList2 page each, under either reading.
  EXPECT_EQ(calls_of(sim, "areaBasedSyncList2"), 2);
  EXPECT_EQ(calls_of(sim, "areaBasedList2"), 0);
  EXPECT_EQ(inc["api_calls"].get<long long>(), 2);
  // Every changed restaurant came back, none inserted twice (kto-sim's listing already held their
  // changed content, so they are seen again unchanged rather than updated).
  EXPECT_GE(inc["updated"].get<long long>() + inc["unchanged"].get<long long>(), changed);
  EXPECT_EQ(inc["inserted"].get<long long>(), inc["hidden"].get<long long>());
  auto rows = cli.run({"export", "--format", "jsonl"});
  ASSERT_EQ(rows.exit_code, 0) << rows.err;
  long long lines = std::count(rows.out.begin(), rows.out.end(), '\n');
  EXPECT_EQ(lines, restaurants + inc["inserted"].get<long long>());  // + the newly hidden rows
}

INSTANTIATE_TEST_SUITE_P(Modifiedtime, SinceReadings, ::testing::Values("on", "since"));

TEST(CollectNightly, ResumeWithSinceLastGoesOnWithACutOffFirstRun) {
  // The first night has one key good for two calls: the run stops after two of its three pages.
  SimServer sim({{"dataset", {{"per_province", {{"11", 2500}}}}},
                 {"keys", {{k_key_a, {{"daily_quota", 2}}}, {k_key_b, {{"status", "valid"}}}}}});
  CliRunner cli({k_key_a, k_key_b}, sim.base_url());
  cli.env()["KTO_API_KEY"] = k_key_a;
  auto first = cli.run_json({"--mode", "regions", "--regions", "1", "--concurrency", "1"}, 3);
  EXPECT_EQ(first["status"], "no_keys") << first.dump();
  EXPECT_EQ(first["records"], 2000);

  // The next night (a second key stands in for the quota coming back: the state file rightly
  // keeps the first one resting until its time): the nightly line resumes instead of refusing
  // "--since last" for want of a successful run.
  cli.env()["KTO_API_KEY"] = k_key_a + "," + k_key_b;
  sim.reset_stats();
  auto second = cli.run_json({"collect", "--resume", "--since", "last"});
  EXPECT_EQ(second["status"], "success") << second.dump();
  EXPECT_EQ(second["run_id"], first["run_id"]);
  EXPECT_EQ(calls_of(sim, "areaBasedList2"), 1);  // only the missing third page

  // The night after: nothing to resume, so it reads the changes since that run.
  sim.reset_stats();
  auto third = cli.run_json({"collect", "--resume", "--since", "last", "--mode", "regions",
                             "--regions", "1"});
  EXPECT_EQ(third["status"], "success") << third.dump();
  EXPECT_NE(third["run_id"], first["run_id"]);
  EXPECT_TRUE(third["since"].is_string()) << third.dump();
  EXPECT_EQ(calls_of(sim, "areaBasedList2"), 0);
  EXPECT_GE(calls_of(sim, "areaBasedSyncList2"), 1);
}

}  // namespace
