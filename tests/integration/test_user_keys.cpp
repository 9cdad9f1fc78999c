// Issue 16, points 5 to 8, through the real collector against kto-sim: a key the operator disabled
// stays off until `keys reactivate` (recover and a collection leave it alone, even past the
// recovery time); when keys only rest every command says when the first comes back instead of
// sending the operator to `recover`; `status` shows every operation a key used today; and
// `keys deactivate` says its line once on the terminal.
#include "integration/collect_support.hpp"
#include "integration/key_state_support.hpp"
#include "kto/keys/key_advice.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::e2e;
using namespace std::chrono_literals;

nlohmann::json valid_keys_scenario(const std::vector<std::string>& keys) {
  nlohmann::json spec = nlohmann::json::object();
  for (const auto& k : keys) spec[k] = {{"status", "valid"}};
  return {{"dataset", dataset({{"11", 150}, {"26", 20}})}, {"keys", spec}};
}

long long occurrences(const std::string& text, const std::string& part) {
  long long n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
    ++n;
  return n;
}

class UserKeys : public ::testing::Test {
 protected:
  SimServer sim{valid_keys_scenario({k_key_a, k_key_b})};
  CliRunner cli{{k_key_a, k_key_b}, sim.base_url()};
};

TEST_F(UserKeys, DeactivationShowsNoRecoveryTimeAndNamesReactivate) {
  auto off = cli.run({"keys", "deactivate", "#0", "--reason", "키 유출"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_TRUE(contains(off.out, "🔒 KTO API 키 #0 수동 비활성화: alpha12345... (사유: 키 유출)"))
      << off.out;
  EXPECT_TRUE(contains(off.out, "'collector keys reactivate #0'로 재활성화할 때까지")) << off.out;

  auto status = cli.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "⏭️ #0 alpha12345... - 수동 비활성화 (키 유출) — 'collector "
                                   "keys reactivate #0'로 재활성화"))
      << status.out;
  auto list = cli.run({"keys", "list"});
  EXPECT_TRUE(contains(list.out, "🔒 #0 alpha12345...  수동 비활성화 (키 유출)")) << list.out;
  EXPECT_TRUE(contains(list.out, "'collector keys reactivate #0'로 재활성화")) << list.out;
  for (const auto* r : {&off, &status, &list}) {
    EXPECT_FALSE(contains(r->out, "복구 시도 가능")) << r->out;
    EXPECT_FALSE(contains(r->out, "collector recover")) << r->out;
  }

  auto doc = cli.run_json({"status"});
  EXPECT_EQ(doc["keys"][0]["deactivated_by"], "operator");
  EXPECT_EQ(doc["keys"][0]["unavailable_reason"], "deactivated");
  EXPECT_TRUE(doc["keys"][0]["available_at"].is_null());
  EXPECT_TRUE(doc["keys"][1]["deactivated_by"].is_null());
  EXPECT_EQ(keystate::load(cli)["keys"][0]["deactivated_by"], "operator");
}

TEST_F(UserKeys, RecoverPastTheRecoveryTimeLeavesTheOperatorsKeyDisabled) {
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0", "--reason", "키 유출"}).exit_code, 0);
  keystate::backdate_deactivation(cli, 0, 120min);  // KTO_KEY_RECOVERY_AFTER is 30m

  auto doc = cli.run_json({"recover"});  // 0: key #1 is usable
  EXPECT_EQ(doc["attempted_keys"], 0);
  ASSERT_EQ(doc["keys"].size(), 1u);
  EXPECT_EQ(doc["keys"][0]["manual"], true);
  EXPECT_EQ(doc["keys"][0]["attempted"], false);
  auto text = cli.run({"recover"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "🔒 #0 alpha12345... 시도 안 함 - 수동 비활성화 (키 유출) — "
                                 "'collector keys reactivate #0'로 재활성화"))
      << text.out;
  EXPECT_TRUE(sim.request_log().empty()) << "recover called the service";
  auto status = cli.run_json({"status"});
  EXPECT_EQ(status["keys"][0]["is_active"], false);
  EXPECT_EQ(status["keys"][0]["deactivation_reason"], "키 유출");

  ASSERT_EQ(cli.run({"keys", "reactivate", "#0"}).exit_code, 0);
  EXPECT_EQ(cli.run_json({"status"})["active_keys"], 2);
}

TEST(UserKeysCollect, CollectionWithOnlyTheOperatorsKeyExitsThreeAndLeavesItDisabled) {
  SimServer sim(valid_keys_scenario({k_key_a}));
  CliRunner cli({k_key_a}, sim.base_url());
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0", "--reason", "키 유출"}).exit_code, 0);
  keystate::backdate_deactivation(cli, 0, 120min);

  auto r = cli.run({"--mode", "major"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "'collector keys reactivate ID'")) << r.err;
  EXPECT_TRUE(sim.request_log().empty()) << "a call with the disabled key";
  auto state = keystate::load(cli);
  EXPECT_EQ(state["keys"][0]["is_active"], false);
  EXPECT_EQ(state["keys"][0]["deactivated_by"], "operator");
  EXPECT_EQ(state["keys"][0]["deactivation_reason"], "키 유출");
}

// A state file from before "deactivated_by": the pool's reason means the pool's deactivation,
// which recover brings back; any other reason was the operator's, which it leaves.
TEST_F(UserKeys, OldStateFileKeyThePoolDisabledComesBackAndTheOperatorsStays) {
  keystate::create(cli);
  auto doc = keystate::load(cli);
  for (std::size_t i = 0; i < 2; ++i) {
    auto& key = doc["keys"][i];
    key.erase("deactivated_by");
    key["is_active"] = false;
    key["deactivated_at"] = keystate::iso(keystate::now_s() - 2h);
  }
  doc["keys"][0]["deactivation_reason"] = "연속 오류 5회: API 오류 (30)";
  doc["keys"][1]["deactivation_reason"] = "키 유출";
  keystate::store(cli, doc);

  auto status = cli.run({"status"});
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_TRUE(contains(status.out, "→ 복구 시도 가능: 지금 ('collector recover')")) << status.out;
  EXPECT_TRUE(contains(status.out, "#1 bravo67890... - 수동 비활성화 (키 유출) — ")) << status.out;

  auto rec = cli.run_json({"recover"});
  EXPECT_EQ(rec["attempted_keys"], 1);
  EXPECT_EQ(rec["recovered_keys"], 1);
  auto state = keystate::load(cli);
  EXPECT_EQ(state["keys"][0]["is_active"], true);
  EXPECT_EQ(state["keys"][1]["is_active"], false);
  EXPECT_EQ(state["keys"][1]["deactivated_by"], "operator");
}

TEST_F(UserKeys, EveryCommandTellsTheTruthWhenAllKeysOnlyRest) {
  keystate::create(cli);
  auto now = keystate::now_s();
  auto first = now + 10min;
  auto doc = keystate::load(cli);
  doc["keys"][0]["error_cooldown_until"] = keystate::iso(first);
  doc["keys"][0]["consecutive_errors"] = 1;
  doc["keys"][1]["error_cooldown_until"] = keystate::iso(now + 20min);
  doc["keys"][1]["rate_limited_until"] = {{"areaBasedList2", keystate::iso(now + 60min)}};
  keystate::store(cli, doc);
  const std::string back = "비활성화된 키는 없고 모든 키가 대기 중입니다: 첫 키(#0)가 " +
                           kto::keys::kst_when(first, now) + " (KST)에 다시 사용 가능합니다.";
  const std::string lift = "'collector keys reactivate #0'로 대기를 해제할 수 있습니다.";

  auto status = cli.run({"status"});
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_TRUE(contains(status.out, "활성 키: 2개")) << status.out;
  auto health = cli.run({"health"});
  EXPECT_EQ(health.exit_code, 3);
  auto recover = cli.run({"recover"});
  EXPECT_EQ(recover.exit_code, 3);  // the README's table: 3 while no key is usable
  EXPECT_TRUE(contains(recover.out, "비활성화된 키가 없습니다.")) << recover.out;
  for (const auto* r : {&status, &health, &recover}) {
    EXPECT_TRUE(contains(r->out, back)) << r->out;
    EXPECT_TRUE(contains(r->out, lift)) << r->out;
    EXPECT_FALSE(contains(r->out, "collector recover")) << r->out;
    EXPECT_FALSE(contains(r->out, "비활성화되었습니다")) << r->out;
  }
  EXPECT_TRUE(sim.request_log().empty()) << "a resting key was called";

  auto on = cli.run({"keys", "reactivate", "#0"});
  EXPECT_EQ(on.exit_code, 0) << on.err;
  EXPECT_TRUE(contains(on.out, "🔓 KTO API 키 #0 대기 해제: alpha12345... (최근 오류로 대기 중"))
      << on.out;
  EXPECT_EQ(cli.run({"status"}).exit_code, 0);
}

TEST_F(UserKeys, StatusShowsEveryOperationTheKeyUsedToday) {
  CliRunner one({k_key_a}, sim.base_url());
  ASSERT_EQ(one.run({"health"}).exit_code, 0);  // one areaCode2 call
  auto run = collect(one, {"--mode", "regions", "--regions", "1", "--page-size", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const long long listed = static_cast<long long>(list_calls(sim.request_log()).size());
  ASSERT_GT(listed, 1);

  auto status = one.run({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "#0 alpha12345... (사용량: areaBasedList2 " +
                                       std::to_string(listed) + "/1000, areaCode2 1/1000, 오류: 0회)"))
      << status.out;
  auto doc = one.run_json({"status"});
  EXPECT_EQ(doc["keys"][0]["usage"], listed);  // docs/contracts.md: the listing operation's count
  EXPECT_EQ(doc["keys"][0]["usage_by_operation"],
            nlohmann::json({{"areaBasedList2", listed}, {"areaCode2", 1}}));
}

TEST_F(UserKeys, DeactivateAndReactivateSayTheirLineOnceAndWhenNothingChanged) {
  auto off = cli.run({"keys", "deactivate", "#0", "--reason", "키 유출"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(occurrences(off.out + off.err, "KTO API 키 #0"), 1) << off.out << off.err;

  auto again = cli.run({"keys", "deactivate", "#0"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "ℹ️ KTO API 키 #0 이미 비활성화됨: alpha12345... (사유: 키 유출)"))
      << again.out;
  auto renamed = cli.run({"keys", "deactivate", "#0", "--reason", "키 교체"});
  EXPECT_TRUE(contains(renamed.out, "이미 비활성화됨: alpha12345... (사유: 키 교체)")) << renamed.out;
  EXPECT_EQ(cli.run_json({"status"})["keys"][0]["deactivation_reason"], "키 교체");

  auto on = cli.run({"keys", "reactivate", "#0"});
  EXPECT_EQ(on.exit_code, 0) << on.err;
  EXPECT_EQ(occurrences(on.out + on.err, "KTO API 키 #0"), 1) << on.out << on.err;
  EXPECT_TRUE(contains(on.out, "🔓 KTO API 키 #0 재활성화: alpha12345...")) << on.out;
  auto active = cli.run({"keys", "reactivate", "#0"});
  EXPECT_EQ(active.exit_code, 0) << active.err;
  EXPECT_TRUE(contains(active.out, "ℹ️ KTO API 키 #0 이미 활성 상태: alpha12345... (변경 없음)"))
      << active.out;
  EXPECT_EQ(cli.run_json({"keys", "reactivate", "#0"})["changed"], false);
}

}  // namespace
