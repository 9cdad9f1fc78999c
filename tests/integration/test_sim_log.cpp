// The request log, /stats, and the command line of kto-sim.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "integration/sim_fixture.hpp"
#include "kto/util/secrets.hpp"

namespace {

using kto::test::SimServer;

const std::string k_log_key = "Secret+Key/123==";

TEST(SimLog, LogsEveryCallWithAFingerprintAndNeverTheKey) {
  SimServer sim({{"dataset", {{"restaurants", 20}}}, {"keys", {{k_log_key, {{"daily_quota", 1}}}}}});
  sim.call("areaBasedList2", k_log_key, "numOfRows=5&contentTypeId=39");
  sim.call("areaBasedList2", k_log_key, "numOfRows=5");
  sim.call("areaCode2", "unknown");
  sim.get("/B551011/KorService2/areaCode2?MobileOS=ETC&MobileApp=t");
  auto lines = sim.request_log();
  ASSERT_EQ(lines.size(), 4u);
  const std::string fp = kto::util::key_fingerprint(k_log_key);
  EXPECT_EQ(lines[0]["operation"], "areaBasedList2");
  EXPECT_EQ(lines[0]["key_fingerprint"], fp);
  EXPECT_EQ(lines[0]["outcome"], "ok");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["items"], 5);
  EXPECT_EQ(lines[0]["params"]["contentTypeId"], "39");
  EXPECT_FALSE(lines[0]["params"].contains("serviceKey"));
  EXPECT_TRUE(lines[0].contains("ts"));
  EXPECT_EQ(lines[1]["outcome"], "error:22");
  EXPECT_EQ(lines[1]["status"], 403);
  EXPECT_EQ(lines[2]["outcome"], "error:30");
  EXPECT_TRUE(lines[3]["key_fingerprint"].is_null());

  std::ifstream in(sim.request_log_path());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().find("Secret"), std::string::npos);
}

TEST(SimLog, StatsCountPerKeyAndOperationAndResetToZero) {
  SimServer sim({{"dataset", {{"restaurants", 20}}}, {"keys", {{k_log_key, {{"daily_quota", 2}}}}}});
  for (int i = 0; i < 3; ++i) sim.call("areaBasedList2", k_log_key);
  sim.call("areaCode2", k_log_key);
  auto stats = sim.stats();
  const std::string fp = kto::util::key_fingerprint(k_log_key);
  EXPECT_EQ(stats["calls"], 4);
  EXPECT_EQ(stats["by_operation"]["areaBasedList2"], 3);
  EXPECT_EQ(stats["by_key"][fp]["areaBasedList2"]["calls"], 3);
  EXPECT_EQ(stats["by_key"][fp]["areaBasedList2"]["ok"], 2);
  EXPECT_EQ(stats["by_key"][fp]["areaBasedList2"]["errors"], 1);
  EXPECT_EQ(stats["by_key"][fp]["areaCode2"]["ok"], 1);
  EXPECT_EQ(stats["by_outcome"]["error:22"], 1);
  EXPECT_EQ(stats["dataset"]["restaurants"], 20);
  EXPECT_EQ(stats.dump().find("Secret"), std::string::npos);
  sim.reset_stats();
  auto after = sim.stats();
  EXPECT_EQ(after["calls"], 0);
  EXPECT_TRUE(after["by_key"].empty());
  // Resetting the counters leaves the quota as it was.
  EXPECT_NE(sim.call("areaBasedList2", k_log_key).body.find("<returnReasonCode>22"), std::string::npos);
}

TEST(SimCommandLine, BadFlagOrScenarioExitsTwoWithOneLine) {
  auto bad_flag = kto::test::run_command({KTO_SIM_BIN, "--bogus", "1"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_EQ(std::count(bad_flag.err.begin(), bad_flag.err.end(), '\n'), 1) << bad_flag.err;
  kto::test::TempDir dir;
  auto file = dir.path() / "bad.json";
  std::ofstream(file) << R"({"faults": {"kinds": ["meteor"]}})";
  auto bad_scenario = kto::test::run_command({KTO_SIM_BIN, "--scenario", file.string()});
  EXPECT_EQ(bad_scenario.exit_code, 2);
  EXPECT_NE(bad_scenario.err.find("meteor"), std::string::npos) << bad_scenario.err;
  auto bad_latency = kto::test::run_command({KTO_SIM_BIN, "--latency-ms", "9-3"});
  EXPECT_EQ(bad_latency.exit_code, 2);
}

TEST(SimCommandLine, PrintsTheListeningLineAndExitsCleanlyOnSigterm) {
  kto::test::Child child({KTO_SIM_BIN, "--port", "0", "--restaurants", "10", "--quiet"}, {});
  auto line = child.read_stdout_line(std::chrono::seconds(30));
  EXPECT_EQ(line.rfind("listening 127.0.0.1:", 0), 0u) << line;
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
}

}  // namespace
