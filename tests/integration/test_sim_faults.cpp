// Injected faults: each kind as a client sees it on the wire, and latency.
#include <gtest/gtest.h>

#include <curl/curl.h>

#include "integration/sim_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using kto::test::SimServer;

const nlohmann::json k_faults_set = {{"restaurants", 100}, {"other_types", 0}, {"hidden", 0}};

SimServer scheduled(const std::vector<std::string>& kinds, int quota = 1000) {
  nlohmann::json schedule = nlohmann::json::array();
  for (std::size_t i = 0; i < kinds.size(); ++i)
    schedule.push_back({{"call", i + 1}, {"kind", kinds[i]}});
  return SimServer({{"dataset", k_faults_set},
                    {"daily_quota", quota},
                    {"faults", {{"schedule", schedule}, {"hang_ms", 1500}}}});
}

const std::string k_faults_page = "numOfRows=50&contentTypeId=39";

TEST(SimFaults, Http500AndHtml502AndEmptyBodies) {
  SimServer sim = scheduled({"http500", "html502", "empty"});
  auto e500 = sim.call("areaBasedList2", "k", k_faults_page);
  EXPECT_EQ(e500.status, 500);
  EXPECT_EQ(e500.body, "Unexpected errors");
  auto e502 = sim.call("areaBasedList2", "k", k_faults_page);
  EXPECT_EQ(e502.status, 502);
  EXPECT_NE(e502.body.find("502 Bad Gateway"), std::string::npos);
  EXPECT_NE(e502.content_type.find("text/html"), std::string::npos);
  auto empty = sim.call("areaBasedList2", "k", k_faults_page);
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.completed());
  EXPECT_EQ(empty.body, "");
  EXPECT_EQ(sim.call("areaBasedList2", "k", k_faults_page).json()["response"]["body"]["numOfRows"], 50);
}

TEST(SimFaults, TruncatedJsonIsAPrefixThatDoesNotParse) {
  SimServer sim = scheduled({"truncated"});
  auto cut = sim.call("areaBasedList2", "k", k_faults_page);
  auto whole = sim.call("areaBasedList2", "k", k_faults_page);
  EXPECT_EQ(cut.status, 200);
  EXPECT_TRUE(cut.completed());
  EXPECT_TRUE(cut.json().is_discarded());
  EXPECT_FALSE(whole.json().is_discarded());
  ASSERT_LT(cut.body.size(), whole.body.size());
  EXPECT_EQ(whole.body.substr(0, cut.body.size()), cut.body);
}

TEST(SimFaults, ResetLeavesTheClientWithATransferError) {
  SimServer sim = scheduled({"reset"});
  auto r = sim.call("areaBasedList2", "k", k_faults_page);
  EXPECT_FALSE(r.completed());
  EXPECT_TRUE(r.curl_code == CURLE_PARTIAL_FILE || r.curl_code == CURLE_RECV_ERROR ||
              r.curl_code == CURLE_GOT_NOTHING)
      << r.curl_code << " " << r.curl_error;
  EXPECT_EQ(sim.call("areaBasedList2", "k", k_faults_page).status, 200);
  EXPECT_EQ(sim.stats()["by_outcome"]["fault:reset"], 1);
}

TEST(SimFaults, HangOutlastsTheClientTimeout) {
  SimServer sim = scheduled({"hang"});
  auto r = sim.call("areaBasedList2", "k", k_faults_page, 500ms);
  EXPECT_EQ(r.curl_code, CURLE_OPERATION_TIMEDOUT) << r.curl_error;
  EXPECT_EQ(sim.call("areaBasedList2", "k", k_faults_page).status, 200);
}

TEST(SimFaults, FaultedCallsDoNotUseTheQuota) {
  SimServer sim = scheduled({"http500", "empty"}, 2);
  sim.call("areaBasedList2", "k", k_faults_page);
  sim.call("areaBasedList2", "k", k_faults_page);
  EXPECT_EQ(sim.call("areaBasedList2", "k", k_faults_page).status, 200);
  EXPECT_EQ(sim.call("areaBasedList2", "k", k_faults_page).status, 200);
  EXPECT_NE(sim.call("areaBasedList2", "k", k_faults_page).body.find("<returnReasonCode>22"), std::string::npos);
}

TEST(SimFaults, RateHitsOnlyTheNamedOperations) {
  SimServer sim({{"dataset", k_faults_set},
                 {"faults", {{"rate", 1.0}, {"kinds", {"http500"}}, {"operations", {"areaBasedList2"}}}}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sim.call("areaBasedList2", "k").status, 500);
  EXPECT_EQ(sim.call("areaCode2", "k").status, 200);
  EXPECT_EQ(sim.stats()["by_outcome"]["fault:http500"], 3);
}

TEST(SimFaults, ControlTurnsFaultsOnMidRun) {
  SimServer sim({{"dataset", k_faults_set}});
  EXPECT_EQ(sim.call("areaCode2", "k").status, 200);
  sim.control({{"faults", {{"schedule", {{{"call", 2}, {"kind", "html502"}}}}}}});
  EXPECT_EQ(sim.call("areaCode2", "k").status, 200);
  EXPECT_EQ(sim.call("areaCode2", "k").status, 502);
  EXPECT_EQ(sim.call("areaCode2", "k").status, 200);
}

TEST(SimFaults, LatencyDelaysEveryAnswer) {
  SimServer sim({{"dataset", k_faults_set}}, {}, {"--latency-ms", "300"});
  auto r = sim.call("areaCode2", "k");
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(r.elapsed, 300ms);
}

}  // namespace
