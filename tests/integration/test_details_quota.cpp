// Details within every key's daily quota per operation, through the real binary against kto-sim
// (issue 17): a run spends what the keys have left today and never more (no 22 when the pool knows
// the limit), ends 0 with what is pending and an estimate, and the next simulated KST day goes on
// from the database; a 22 on a detail operation rests that key for that operation only.
#include <fstream>

#include "integration/details_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::details;

// The next KST day for both sides: the simulator's counts restart, the pool's state file is a day
// old (the way the other tests move days).
void next_day(const SimServer& sim, const CliRunner& cli) {
  sim.control({{"reset_quotas", true}});
  move_key_state_to_next_day(cli);
}

TEST(DetailsQuota, TwoSimulatedDaysFetchExactlyTheLimitThenFinish) {
  SimServer sim({{"dataset", detail_dataset(130, 0)},
                 {"operation_quotas", {{"detailCommon2", 50}, {"detailIntro2", 50}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  cli.env()["KTO_API_DAILY_LIMIT"] = "50";

  auto day1 = collect(cli, {"collect", "--mode", "regions", "--regions", "1", "--details"});
  ASSERT_EQ(day1.exit_code, 0) << day1.err;
  EXPECT_EQ(day1.report["status"], "success");
  for (const char* op : {"common", "intro"}) {
    const auto& d = day1.report["details"][op];
    EXPECT_EQ(d["calls"], 100) << op;
    EXPECT_EQ(d["fetched"].get<long long>() + d["empty"].get<long long>(), 100) << op;
    EXPECT_EQ(d["pending"], 30) << op;
    EXPECT_EQ(d["stopped"], "quota") << op;
  }
  EXPECT_EQ(day1.report["details_pending"], 60);
  EXPECT_EQ(day1.report["details_estimate_days"], 1);
  EXPECT_EQ(day1.report["details_estimate"], "남은 상세정보 60건 — 키 2개로 약 1일");
  auto stats = sim.stats();
  for (const auto& key : {k_good_key, k_good_key2}) {
    const auto fp = kto::util::key_fingerprint(key);
    EXPECT_EQ(stats["refusals_by_key"][fp]["22"], 0) << "the pool knew the limit";
    EXPECT_EQ(stats["quota"]["by_key"][fp]["detailCommon2"]["used"], 50);
  }

  // The same day again: nothing left to spend, nothing called, still a success.
  auto same_day = cli.run({"details"});
  EXPECT_EQ(same_day.exit_code, 0) << same_day.err;
  EXPECT_TRUE(contains(same_day.out, "남은 상세정보 60건 — 키 2개로 약 1일")) << same_day.out;
  EXPECT_EQ(op_calls(sim.stats(), "detailCommon2"), 100);

  next_day(sim, cli);
  auto day2 = cli.run_json({"details"});
  EXPECT_EQ(day2["status"], "success");
  EXPECT_EQ(day2["details"]["common"]["calls"], 30);
  EXPECT_EQ(day2["details_pending"], 0);
  stats = sim.stats();
  for (const char* op : {"detailCommon2", "detailIntro2"}) {
    EXPECT_EQ(detail_distinct(stats, op), 130) << op;
    EXPECT_EQ(detail_repeated(stats, op), 0) << op;
  }
}

TEST(DetailsQuota, ReserveLeavesCallsUnspentForOtherPrograms) {
  SimServer sim({{"dataset", detail_dataset(60, 0)}});
  auto cli = collector_for(sim, {k_good_key});
  cli.env()["KTO_API_DAILY_LIMIT"] = "20";
  cli.env()["KTO_KEY_RESERVE"] = "5";
  ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  auto run = cli.run_json({"details", "--details", "common"});
  EXPECT_EQ(run["details"]["common"]["calls"], 15);
  EXPECT_EQ(run["details"]["common"]["pending"], 45);
  EXPECT_EQ(run["details_estimate_days"], 3);  // 45 / (1 × (20 − 5))
  EXPECT_EQ(run["exit_code"], 0);
}

TEST(DetailsQuota, ATwentyTwoRestsThatKeyForThatOperationOnly) {
  // The gateway allows key 1 only 5 detailCommon2 calls today (other programs spent the rest);
  // the pool does not know it until the 22.
  SimServer sim({{"dataset", detail_dataset(40, 0)},
                 {"strict_keys", false},
                 {"keys", {{k_good_key, {{"operation_quotas", {{"detailCommon2", 5}}}}}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  auto run = cli.run_json({"details", "--concurrency", "1"});
  EXPECT_EQ(run["exit_code"], 0);
  EXPECT_EQ(run["details"]["common"]["pending"], 0);
  EXPECT_EQ(run["details"]["intro"]["pending"], 0);
  auto stats = sim.stats();
  const auto fp = kto::util::key_fingerprint(k_good_key);
  EXPECT_EQ(stats["by_key"][fp]["detailCommon2"]["refused_daily"], 1);
  EXPECT_EQ(stats["by_key"][fp]["detailCommon2"]["ok"], 5);
  // Key 1 kept serving the intro calls after its common quota was spent.
  EXPECT_GT(stats["by_key"][fp]["detailIntro2"]["ok"].get<long long>(), 5);
  auto status = cli.run_json({"status"});
  const auto& rested = status["keys"][0]["rate_limited_until_by_operation"];
  EXPECT_TRUE(rested.contains("detailCommon2")) << status.dump();
  EXPECT_FALSE(rested.contains("detailIntro2")) << status.dump();
  EXPECT_FALSE(rested.contains("areaBasedList2")) << status.dump();
}

}  // namespace
