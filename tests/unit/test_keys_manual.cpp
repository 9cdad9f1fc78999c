// The operator's deactivation (issue 16, point 5): it lasts until `keys reactivate`, whatever the
// recovery time; the pool's own deactivations still come back through recovery; the state file
// says who disabled a key, and files written before it said so still load.
#include <nlohmann/json.hpp>

#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

using nlohmann::json;

class KeyPoolManual : public KeyPoolTest {
 protected:
  // A probe that answers ok and remembers which keys it was asked for.
  KeyPool::Probe probe() {
    return probe_of([this](const KeyLease& lease) {
      probed.push_back(lease.index);
      return ok();
    });
  }

  // The pool disables key index itself: five key errors in a row.
  void disable_by_pool(KeyPool& pool, std::size_t index, std::size_t keys) {
    KeyLease lease{index, test_keys(keys)[index], "", {}};
    for (int i = 0; i < 5; ++i) pool.report(lease, k_list_operation, key_error());
    ASSERT_FALSE(pool.detailed_status(k_list_operation)[index].is_active);
  }

  json read_state() { return json::parse(read_text(state_file)); }

  // A state file of the shape docs/contracts.md shows, as a version without "deactivated_by" wrote it:
  // one disabled key per reason (nullopt: no reason), disabled two hours before the clock.
  void write_old_state(const std::vector<std::optional<std::string>>& reasons) {
    json keys = json::array();
    auto all = test_keys(reasons.size());
    for (std::size_t i = 0; i < reasons.size(); ++i)
      keys.push_back(json{{"fingerprint", util::key_fingerprint(all[i])},
                      {"is_active", false},
                      {"deactivated_at", util::format_iso_kst(clock.now() - 2h)},
                      {"deactivation_reason", reasons[i] ? json(*reasons[i]) : json(nullptr)}});
    fs::create_directories(state_file.parent_path());
    write_text(state_file, json({{"version", 1}, {"provider", "KTO"}, {"day", "2026-11-25"},
                                 {"current_index", 0}, {"keys", keys}})
                               .dump());
  }

  std::vector<std::size_t> probed;
};

TEST_F(KeyPoolManual, OperatorsDeactivationOutlastsTheRecoveryTime) {
  auto pool = open_pool(2);
  auto change = pool->force_deactivate(0, "키 유출");
  EXPECT_TRUE(change.found);
  EXPECT_TRUE(change.changed);
  clock.advance(pool->policy().recovery_after + 3h);
  auto report = pool->attempt_recovery(probe());
  EXPECT_TRUE(probed.empty()) << "no call with a key the operator disabled";
  EXPECT_EQ(report.attempted_keys, 0u);
  ASSERT_EQ(report.keys.size(), 1u);
  EXPECT_FALSE(report.keys[0].attempted);
  EXPECT_TRUE(report.keys[0].manual);
  EXPECT_EQ(report.keys[0].error,
            "수동 비활성화 (키 유출) — 'collector keys reactivate #0'로 재활성화");
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_FALSE(s.is_active);
  EXPECT_TRUE(s.manual);
  EXPECT_EQ(s.reason_text, "수동 비활성화 (키 유출)");
  EXPECT_FALSE(s.available_at.has_value());
}

TEST_F(KeyPoolManual, KeyThePoolDisabledIsStillRecoveredAfterTheRecoveryTime) {
  auto pool = open_pool(2);
  disable_by_pool(*pool, 1, 2);
  EXPECT_FALSE(pool->detailed_status(k_list_operation)[1].manual);
  clock.advance(pool->policy().recovery_after);
  auto report = pool->attempt_recovery(probe());
  EXPECT_EQ(probed, std::vector<std::size_t>{1});
  EXPECT_EQ(report.recovered_keys, 1u);
  EXPECT_FALSE(report.keys[0].manual);
  EXPECT_TRUE(pool->detailed_status(k_list_operation)[1].is_active);
}

TEST_F(KeyPoolManual, OnlyKeyDisabledByTheOperatorLeavesNoKeyAndNamesReactivate) {
  auto pool = open_pool(1);
  pool->force_deactivate(0, "");
  clock.advance(1h);
  pool->attempt_recovery(probe());  // what a collection with no usable key tries first
  EXPECT_TRUE(probed.empty());
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_EQ(std::get<NoKey>(none).message,
            "사용 가능한 KTO API 키가 없습니다 (모든 키가 수동 비활성화됨: 'collector keys "
            "reactivate ID'로 재활성화하세요)");
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].reason_text, "수동 비활성화");
}

TEST_F(KeyPoolManual, DeactivatingADisabledKeyKeepsItsTimeAndReasonUnlessANewOneIsGiven) {
  auto pool = open_pool(1);
  pool->force_deactivate(0, "키 유출");
  auto first = clock.now();
  clock.advance(5min);
  auto again = pool->force_deactivate(0, "");
  EXPECT_TRUE(again.found);
  EXPECT_FALSE(again.changed);
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_EQ(s.deactivation_reason, "키 유출");
  EXPECT_EQ(s.deactivated_at, first);
  EXPECT_FALSE(pool->force_deactivate(0, "키 교체").changed);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].deactivation_reason, "키 교체");
  EXPECT_FALSE(pool->force_deactivate(3, "x").found);
}

TEST_F(KeyPoolManual, OperatorDeactivatingAKeyThePoolDisabledMakesItStayOff) {
  auto pool = open_pool(1);
  disable_by_pool(*pool, 0, 1);
  auto reason = pool->detailed_status(k_list_operation)[0].deactivation_reason;
  EXPECT_FALSE(pool->force_deactivate(0, "").changed);
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_TRUE(s.manual);
  EXPECT_EQ(s.deactivation_reason, reason);
  clock.advance(2h);
  EXPECT_EQ(pool->attempt_recovery(probe()).attempted_keys, 0u);
  EXPECT_TRUE(probed.empty());
}

TEST_F(KeyPoolManual, ReactivatingAnActiveKeyChangesNothing) {
  auto pool = open_pool(1);
  auto change = pool->reactivate(0);
  EXPECT_TRUE(change.found);
  EXPECT_FALSE(change.changed);
  pool->force_deactivate(0, "점검");
  change = pool->reactivate(0);
  EXPECT_TRUE(change.changed);
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_TRUE(s.is_active);
  EXPECT_FALSE(s.manual);
  EXPECT_FALSE(pool->reactivate(1).found);
}

TEST_F(KeyPoolManual, ReactivateLiftsTheRestOfAnActiveKeyButNotItsDailyUsage) {
  KeyPolicy policy;
  policy.daily_limit = 3;
  auto pool = open_pool(2, policy);
  pool->report(take(*pool), k_list_operation, key_error());  // #0 rests 10 minutes
  pool->report(take(*pool), k_list_operation, quota());      // #1 rests an hour
  ASSERT_EQ(pool->summary(k_list_operation).available_keys, 0u);
  EXPECT_TRUE(pool->reactivate(0).changed);
  EXPECT_TRUE(pool->reactivate(1).changed);
  EXPECT_EQ(pool->summary(k_list_operation).available_keys, 2u);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].consecutive_errors, 0);

  pool->report(take(*pool), k_list_operation, ok());
  pool->report(take(*pool), k_list_operation, ok());
  pool->report(take(*pool), k_list_operation, ok());  // #0: 3 of 3 calls
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].reason, UnavailableReason::daily_limit);
  EXPECT_FALSE(pool->reactivate(0).changed);  // the calls were made: only 00:00 KST resets them
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].reason, UnavailableReason::daily_limit);
}

TEST_F(KeyPoolManual, StateFileSaysWhoDisabledEachKey) {
  {
    auto pool = open_pool(3, {}, true);
    pool->force_deactivate(0, "키 유출");
    disable_by_pool(*pool, 1, 3);
  }
  json doc = read_state();
  EXPECT_EQ(doc["keys"][0]["deactivated_by"], "operator");
  EXPECT_EQ(doc["keys"][1]["deactivated_by"], "pool");
  EXPECT_TRUE(doc["keys"][2]["deactivated_by"].is_null());
  auto pool = open_pool(3, {}, true);
  auto s = pool->detailed_status(k_list_operation);
  EXPECT_TRUE(s[0].manual);
  EXPECT_FALSE(s[1].manual);
  EXPECT_FALSE(s[1].is_active);
}

TEST_F(KeyPoolManual, AnotherProcesssDeactivationIsKeptByACollectionsSave) {
  auto collection = open_pool(2, {}, true);
  auto operator_cmd = open_pool(2, {}, true);
  operator_cmd->force_deactivate(1, "키 유출");
  collection->report(take(*collection), k_list_operation, ok());
  ASSERT_TRUE(collection->save().ok());
  EXPECT_EQ(read_state()["keys"][1]["deactivated_by"], "operator");
  EXPECT_TRUE(collection->detailed_status(k_list_operation)[1].manual);
}

TEST_F(KeyPoolManual, OldStateFileWithoutTheFieldIsReadByItsReasons) {
  write_old_state({"키 유출", "수동 비활성화", "연속 오류 5회: API 오류 (30)",
                   "복구 실패: API 오류 (30)", std::nullopt});
  auto pool = open_pool(5, {}, true);
  auto s = pool->detailed_status(k_list_operation);
  EXPECT_TRUE(s[0].manual);   // an operator's reason
  EXPECT_TRUE(s[1].manual);   // the operator's default reason
  EXPECT_FALSE(s[2].manual);  // the pool's reasons
  EXPECT_FALSE(s[3].manual);
  EXPECT_FALSE(s[4].manual);  // no reason: the pool's, as the field's absence says
  auto report = pool->attempt_recovery(probe());
  EXPECT_EQ(probed, (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(report.recovered_keys, 3u);
  EXPECT_FALSE(pool->detailed_status(k_list_operation)[0].is_active);
  EXPECT_FALSE(pool->detailed_status(k_list_operation)[1].is_active);
}

TEST_F(KeyPoolManual, UnknownDeactivatedByMakesTheFileCorrupt) {
  fs::create_directories(state_file.parent_path());
  json key = {{"fingerprint", util::key_fingerprint(test_keys(1)[0])},
              {"is_active", false},
              {"deactivated_by", "someone"}};
  write_text(state_file, json({{"version", 1}, {"day", "2026-11-25"}, {"keys", json::array({key})}}).dump());
  auto pool = open_pool(1, {}, true);
  // Started fresh, the file moved aside.
  EXPECT_TRUE(pool->detailed_status(k_list_operation)[0].is_active);
  EXPECT_FALSE(fs::exists(state_file));
}

TEST_F(KeyPoolManual, OperatorChangesAreLoggedForTheLogFileOnly) {
  // The command prints its own line on stdout; the console shows info and above.
  auto pool = open_pool(1);
  pool->force_deactivate(0, "키 유출");
  pool->reactivate(0);
  int seen = 0;
  for (const auto& [level, line] : sink->records()) {
    if (line.find("KTO API 키 #0") == std::string::npos) continue;
    ++seen;
    EXPECT_EQ(level, spdlog::level::debug) << line;
  }
  EXPECT_EQ(seen, 2) << all_logs();
}

}  // namespace
}  // namespace kto::keys::testing
