// `collector health` and `collector recover` against the simulator: one valid key, one the
// gateway does not know (30).

#include "integration/cli_support.hpp"
#include "integration/key_state_support.hpp"
#include "integration/sim_fixture.hpp"

namespace {

using kto::test::CliRunner;
using kto::test::contains;
using kto::test::k_key_a;
using kto::test::k_key_b;
using kto::test::SimServer;

nlohmann::json one_bad_key_scenario() {
  return {{"dataset", {{"restaurants", 40}, {"other_types", 0}, {"hidden", 0}}},
          {"keys", {{k_key_a, {{"status", "valid"}}}, {k_key_b, {{"status", "unregistered"}}}}}};
}

class CliHealth : public ::testing::Test {
 protected:
  SimServer sim{one_bad_key_scenario()};
  CliRunner cli{{k_key_a, k_key_b}, sim.base_url()};
};

TEST_F(CliHealth, JsonCountsTheValidKeyHealthyAndTheUnregisteredOneNot) {
  auto doc = cli.run_json({"health"});
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["total_keys"], 2);
  EXPECT_EQ(doc["healthy_keys"], 1);
  EXPECT_EQ(doc["unhealthy_keys"], 1);
  ASSERT_EQ(doc["keys"].size(), 2u);
  EXPECT_EQ(doc["keys"][0]["is_healthy"], true);
  EXPECT_TRUE(doc["keys"][0]["response_time_ms"].is_number());
  EXPECT_EQ(doc["keys"][1]["is_healthy"], false);
  EXPECT_EQ(doc["keys"][1]["preview"], "bravo67890...");
  EXPECT_TRUE(contains(doc["keys"][1]["error"].get<std::string>(), "30")) << doc.dump();
  EXPECT_FALSE(doc["recommendations"].empty());
  EXPECT_EQ(cli.logs("api_key_test_").size(), 1u);
}

TEST_F(CliHealth, TextReportShowsEachKeyTotalsAndAdvice) {
  auto r = cli.run({"health"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "✅ #0 alpha12345...")) << r.out;
  EXPECT_TRUE(contains(r.out, "❌ #1 bravo67890...")) << r.out;
  EXPECT_TRUE(contains(r.out, "정상: 1개 | 문제: 1개")) << r.out;
  EXPECT_TRUE(contains(r.out, "권장사항")) << r.out;
}

TEST_F(CliHealth, NoHealthyKeyExitsThree) {
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0"}).exit_code, 0);
  auto doc = cli.run_json({"health"}, 3);
  EXPECT_EQ(doc["healthy_keys"], 0);
}

// Keys the pool disabled (recover leaves the operator's alone: test_user_keys.cpp).
TEST_F(CliHealth, RecoverLeavesAFreshlyDeactivatedKeyForThirtyMinutes) {
  kto::test::keystate::create(cli);
  kto::test::keystate::disable_by_pool(cli, 1, std::chrono::minutes(0));
  auto doc = cli.run_json({"recover"});
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["attempted_keys"], 0);
  EXPECT_EQ(doc["recovered_keys"], 0);
  EXPECT_EQ(doc["failed_keys"], 0);
  ASSERT_EQ(doc["keys"].size(), 1u);
  EXPECT_EQ(doc["keys"][0]["recovered"], false);
  EXPECT_TRUE(contains(doc["keys"][0]["error"].get<std::string>(), "복구 대기 중")) << doc.dump();
  auto text = cli.run({"recover"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(contains(text.out, "시도: 0개 | 복구: 0개 | 실패: 0개")) << text.out;
}

// The pool disabled both keys half an hour ago (the state file says so, instead of a sleep).
TEST_F(CliHealth, RecoverRetestsKeysOnceTheirWaitIsOver) {
  kto::test::keystate::create(cli);
  kto::test::keystate::disable_by_pool(cli, 0, std::chrono::minutes(30));
  kto::test::keystate::disable_by_pool(cli, 1, std::chrono::minutes(30));
  EXPECT_EQ(cli.run({"status"}).exit_code, 3);
  auto doc = cli.run_json({"recover"});
  EXPECT_EQ(doc["attempted_keys"], 2);
  EXPECT_EQ(doc["recovered_keys"], 1);
  EXPECT_EQ(doc["failed_keys"], 1);
  EXPECT_TRUE(contains(doc["keys"][1]["error"].get<std::string>(), "30")) << doc.dump();
  auto status = cli.run_json({"status"});
  EXPECT_EQ(status["keys"][0]["is_active"], true);
  EXPECT_EQ(status["keys"][1]["is_active"], false);
}

TEST(CliRecover, NoKeyConfiguredExitsTwo) {
  CliRunner cli({});
  EXPECT_EQ(cli.run({"recover"}).exit_code, 2);
  EXPECT_EQ(cli.run({"health"}).exit_code, 2);
}

}  // namespace
