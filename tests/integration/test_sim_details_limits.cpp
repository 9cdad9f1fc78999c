// kto-sim's limits on the detail operations (issue 17): a daily quota per key AND operation, a
// per-second limit per key over all operations, the fault injection, the statistics a benchmark
// reads (calls and refusals per key and operation, today's use against the limit, items answered),
// and the --help that documents them.
#include <gtest/gtest.h>

#include <thread>

#include "hangul.hpp"
#include "integration/process.hpp"
#include "integration/sim_fixture.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace {

using kto::test::HttpGet;
using kto::test::SimServer;
using kto::test::query_of;

nlohmann::json small_dataset() { return {{"restaurants", 40}, {"other_types", 0}, {"hidden", 0}}; }

std::string first_id(const SimServer& sim) {
  auto doc = sim.call("areaBasedList2", "setup", "numOfRows=1&contentTypeId=39").json();
  return doc["response"]["body"]["items"]["item"]["contentid"];
}


bool has_code(const HttpGet& r, const std::string& code) {
  return r.body.find("<returnReasonCode>" + code + "</returnReasonCode>") != std::string::npos;
}

// Calls op until the gateway answers 22; returns how many calls succeeded before (at most cap).
int calls_until_22(const SimServer& sim, const std::string& key, const std::string& op,
                   const std::string& id, int cap = 20) {
  for (int ok = 0; ok <= cap; ++ok) {
    auto r = sim.call(op, key, query_of(op, id));
    if (has_code(r, "22")) {
      EXPECT_EQ(r.status, 403);
      EXPECT_NE(r.body.find("LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"), std::string::npos);
      return ok;
    }
    EXPECT_EQ(r.status, 200) << op << " " << r.body;
  }
  return cap + 1;
}

TEST(SimDetailsQuota, EachOperationHasItsOwnDailyCountPerKey) {
  SimServer sim({{"dataset", small_dataset()},
                 {"daily_quota", 4},
                 {"operation_quotas", {{"detailImage2", 2}}},
                 {"keys",
                  {{"setup", nlohmann::json::object()},
                   {"a", nlohmann::json::object()},
                   {"b", {{"daily_quota", 3}, {"operation_quotas", {{"detailIntro2", 1}}}}}}}});
  const std::string id = first_id(sim);
  // Key a: the scenario's per-operation limit for images, its default for the rest.
  EXPECT_EQ(calls_until_22(sim, "a", "detailCommon2", id), 4);
  EXPECT_EQ(calls_until_22(sim, "a", "detailIntro2", id), 4);
  EXPECT_EQ(calls_until_22(sim, "a", "detailImage2", id), 2);
  EXPECT_EQ(calls_until_22(sim, "a", "detailInfo2", id), 4);
  // Key b: its own limits; a's spent operations do not touch b's.
  EXPECT_EQ(calls_until_22(sim, "b", "detailIntro2", id), 1);
  EXPECT_EQ(calls_until_22(sim, "b", "detailCommon2", id), 3);
  EXPECT_EQ(calls_until_22(sim, "b", "detailImage2", id), 3);
  // The listing operations keep their own counts.
  EXPECT_EQ(sim.call("areaCode2", "a").status, 200);

  auto stats = sim.stats();
  const auto fp_a = kto::util::key_fingerprint("a"), fp_b = kto::util::key_fingerprint("b");
  EXPECT_EQ(stats["quota"]["day"], kto::util::kst_date(std::chrono::time_point_cast<kto::util::Millis>(
                                       std::chrono::system_clock::now())));
  EXPECT_EQ(stats["quota"]["by_key"][fp_a]["detailImage2"], (nlohmann::json{{"used", 2}, {"limit", 2}}));
  EXPECT_EQ(stats["quota"]["by_key"][fp_b]["detailIntro2"], (nlohmann::json{{"used", 1}, {"limit", 1}}));
  EXPECT_EQ(stats["quota"]["by_key"][fp_a]["areaCode2"], (nlohmann::json{{"used", 1}, {"limit", 4}}));
  EXPECT_EQ(stats["by_key"][fp_a]["detailCommon2"]["refused_daily"], 1);
  EXPECT_EQ(stats["by_key"][fp_a]["detailCommon2"]["ok"], 4);
  EXPECT_EQ(stats["refusals_by_key"][fp_a]["22"], 4);
  EXPECT_EQ(stats["refusals_by_key"][fp_b]["22"], 3);
  EXPECT_EQ(stats["refusals_by_key"][fp_b]["23"], 0);
  // No raw key in the statistics.
  EXPECT_EQ(stats.dump().find("\"b\":"), std::string::npos);

  // The next KST day (as the tests make it): every operation's count starts again.
  sim.control({{"reset_quotas", true}});
  EXPECT_EQ(calls_until_22(sim, "a", "detailImage2", id), 2);
}

TEST(SimDetailsQuota, ControlChangesAnOperationsLimitAndFlagsSetThem) {
  SimServer sim({{"dataset", small_dataset()}}, {},
                {"--daily-quota", "5", "--operation-quota", "detailCommon2=2", "--per-second", "0"});
  const std::string id = first_id(sim);
  EXPECT_EQ(calls_until_22(sim, "k", "detailCommon2", id), 2);
  EXPECT_EQ(calls_until_22(sim, "k", "detailIntro2", id), 5);
  sim.control({{"operation_quotas", {{"detailCommon2", 3}}}});
  EXPECT_EQ(calls_until_22(sim, "k", "detailCommon2", id), 1);
  auto bad = sim.post("/control", R"({"operation_quotas":{"detailCommon":3}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(kto::test::has_hangul(bad.body)) << bad.body;
}

TEST(SimDetailsPerSecond, MoreThanRCallsOfAKeyWithinASecondGetTwentyThreeOnAnyOperation) {
  SimServer sim({{"dataset", small_dataset()}, {"per_second", 3}});
  const std::string id = first_id(sim);
  const std::vector<std::string> ops = {"detailCommon2", "detailIntro2", "detailImage2", "detailInfo2"};
  sim.reset_stats();
  int ok = 0, limited = 0;
  for (int i = 0; i < 12; ++i) {
    const std::string& op = ops[static_cast<std::size_t>(i) % ops.size()];
    auto r = sim.call(op, "fast", query_of(op, id));
    if (r.status == 200) ++ok;
    if (has_code(r, "23")) {
      ++limited;
      EXPECT_EQ(r.status, 403);
      EXPECT_NE(r.body.find("<OpenAPI_ServiceResponse>"), std::string::npos);
      EXPECT_NE(r.body.find("LIMITED_NUMBER_OF_SERVICE_REQUESTS_PER_SECOND_EXCEEDS_ERROR"), std::string::npos);
    }
  }
  EXPECT_GE(ok, 3);
  EXPECT_GE(limited, 1);
  EXPECT_EQ(ok + limited, 12);
  // Another key has its own window.
  EXPECT_EQ(sim.call("detailCommon2", "other", "contentId=" + id).status, 200);
  // The window rolls: no four accepted calls of one key lie within 1,000 ms (the log's times).
  std::vector<long long> accepted;
  for (const auto& line : sim.request_log()) {
    if (line["key_fingerprint"] != kto::util::key_fingerprint("fast") || line["status"] != 200) continue;
    auto t = kto::util::parse_iso8601(line["ts"].get<std::string>());
    ASSERT_TRUE(t.has_value()) << line["ts"];
    accepted.push_back(t->time_since_epoch().count());
  }
  ASSERT_EQ(static_cast<int>(accepted.size()), ok);
  for (std::size_t i = 3; i < accepted.size(); ++i) EXPECT_GE(accepted[i] - accepted[i - 3], 900);  // logged a little after the decision
  auto stats = sim.stats();
  const auto fp = kto::util::key_fingerprint("fast");
  EXPECT_EQ(stats["refusals_by_key"][fp]["23"], limited);
  long per_op = 0;
  for (const auto& op : ops) per_op += stats["by_key"][fp][op]["refused_per_second"].get<long>();
  EXPECT_EQ(per_op, limited);
  // A 23 does not spend the daily quota: only the accepted calls are counted.
  long used = 0;
  for (const auto& op : ops)
    if (stats["quota"]["by_key"][fp].contains(op)) used += stats["quota"]["by_key"][fp][op]["used"].get<long>();
  EXPECT_EQ(used, ok);
  // After a pause the key is served again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(sim.call("detailCommon2", "fast", "contentId=" + id).status, 200);
}

TEST(SimDetailsFaults, InjectedFaultsHitDetailOperationsAndSpendNoQuota) {
  SimServer sim({{"dataset", small_dataset()},
                 {"daily_quota", 2},
                 {"faults", {{"rate", 1.0}, {"kinds", {"http500"}}, {"operations", {"detailIntro2"}}}}});
  const std::string id = first_id(sim);
  for (int i = 0; i < 3; ++i) {
    auto r = sim.call("detailIntro2", "k", query_of("detailIntro2", id));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "Unexpected errors");
  }
  EXPECT_EQ(sim.call("detailCommon2", "k", "contentId=" + id).status, 200);
  sim.control({{"faults", {{"schedule", {{{"call", 1}, {"kind", "empty"}}, {{"call", 2}, {"kind", "reset"}}}}}}});
  auto empty = sim.call("detailImage2", "k", "contentId=" + id);
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "");
  EXPECT_FALSE(sim.call("detailInfo2", "k", query_of("detailInfo2", id)).completed());
  // None of the faulted calls used the quota of 2: both intro calls still pass.
  EXPECT_EQ(calls_until_22(sim, "k", "detailIntro2", id), 2);
  auto outcomes = sim.stats()["by_outcome"];
  EXPECT_EQ(outcomes["fault:http500"], 3);
  EXPECT_EQ(outcomes["fault:empty"], 1);
  EXPECT_EQ(outcomes["fault:reset"], 1);
}

TEST(SimDetailsStats, DetailItemsCountDistinctContentIdsAndRepeats) {
  SimServer sim({{"dataset", small_dataset()}});
  auto list = sim.call("areaBasedList2", "k", "numOfRows=5&contentTypeId=39").json();
  std::vector<std::string> ids;
  for (const auto& row : list["response"]["body"]["items"]["item"]) ids.push_back(row["contentid"]);
  ASSERT_EQ(ids.size(), 5u);
  for (const auto& id : ids) {
    EXPECT_EQ(sim.call("detailCommon2", "k", "contentId=" + id).status, 200);
    EXPECT_EQ(sim.call("detailImage2", "k", "contentId=" + id).status, 200);
    EXPECT_EQ(sim.call("detailImage2", "k", "contentId=" + id + "&imageYN=N").status, 200);
  }
  sim.call("detailCommon2", "k", "contentId=" + ids[0]);
  sim.call("detailCommon2", "k", "contentId=1");  // unknown: answered (no data), counted
  sim.call("detailIntro2", "k", "contentId=" + ids[0]);  // refused with 11: not an answer
  auto items = sim.stats()["detail_items"];
  EXPECT_EQ(items["detailCommon2"], (nlohmann::json{{"distinct", 6}, {"repeated", 1}}));
  EXPECT_EQ(items["detailImage2/Y"], (nlohmann::json{{"distinct", 5}, {"repeated", 0}}));
  EXPECT_EQ(items["detailImage2/N"], (nlohmann::json{{"distinct", 5}, {"repeated", 0}}));
  EXPECT_FALSE(items.contains("detailIntro2"));
  sim.reset_stats();
  EXPECT_TRUE(sim.stats()["detail_items"].empty());
}

TEST(SimDetailsHelp, HelpDocumentsTheLimitsAndDetailOperationsInKorean) {
  auto r = kto::test::run_command({KTO_SIM_BIN, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* needle : {"--daily-quota", "--operation-quota", "--per-second", "detailCommon2",
                             "detailIntro2", "detailImage2", "detailInfo2", "operation_quotas"})
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle;
  EXPECT_TRUE(kto::test::has_hangul(r.out));
  auto bad = kto::test::run_command({KTO_SIM_BIN, "--operation-quota", "nope=3"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(kto::test::has_hangul(bad.err)) << bad.err;
}

}  // namespace
