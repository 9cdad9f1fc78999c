// What the reports say about keys that cannot be used (issue 16, point 6): a key that only rests
// comes back at a time (or now through `keys reactivate`), `recover` is advised only for keys the
// pool disabled, and a key the operator disabled names `keys reactivate`.
#include "keys_test_support.hpp"
#include "kto/keys/key_advice.hpp"

namespace kto::keys::testing {
namespace {

class KeyAdvice : public KeyPoolTest {
 protected:
  void disable_by_pool(KeyPool& pool, std::size_t index, std::size_t keys) {
    KeyLease lease{index, test_keys(keys)[index], "", {}};
    for (int i = 0; i < 5; ++i) pool.report(lease, k_list_operation, key_error());
  }

  std::vector<std::string> advice(const KeyPool& pool) {
    return advice_without_usable_key(pool.detailed_status(k_list_operation), clock.now(),
                                     pool.policy().recovery_after);
  }

  static bool any_mentions(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(),
                       [&part](const std::string& l) { return l.find(part) != std::string::npos; });
  }

  static std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

TEST_F(KeyAdvice, NothingToSayWhileAKeyIsUsable) {
  auto pool = open_pool(2);
  pool->force_deactivate(0, "키 유출");
  EXPECT_TRUE(advice(*pool).empty());
}

TEST_F(KeyAdvice, OnlyRestingKeysNameTheFirstReturnAndReactivateNeverRecover) {
  auto pool = open_pool(3);
  pool->report(take(*pool), k_list_operation, quota());      // #0 back at 11:00
  pool->report(take(*pool), k_list_operation, key_error());  // #1 back at 10:10
  pool->report(take(*pool), k_list_operation, key_error());  // #2 back at 10:10 too
  auto lines = advice(*pool);
  ASSERT_EQ(lines.size(), 2u) << joined(lines);
  EXPECT_EQ(lines[0],
            "비활성화된 키는 없고 모든 키가 대기 중입니다: 첫 키(#1)가 10:10:00 (KST)에 다시 사용 "
            "가능합니다.");
  EXPECT_EQ(lines[1], "기다리지 않으려면 'collector keys reactivate #1'로 대기를 해제할 수 있습니다.");
  EXPECT_FALSE(any_mentions(lines, "recover")) << joined(lines);
}

TEST_F(KeyAdvice, DailyLimitRestCannotBeLiftedSoOnlyTheTimeIsGiven) {
  KeyPolicy policy;
  policy.daily_limit = 1;
  auto pool = open_pool(1, policy);
  pool->report(take(*pool), k_list_operation, ok());
  auto lines = advice(*pool);
  ASSERT_EQ(lines.size(), 1u) << joined(lines);
  EXPECT_EQ(lines[0],
            "비활성화된 키는 없고 모든 키가 대기 중입니다: 첫 키(#0)가 2026-11-26 00:00:00 (KST)에 "
            "다시 사용 가능합니다.");
}

TEST_F(KeyAdvice, EachKindOfUnusableKeyGetsItsOwnWayBack) {
  auto pool = open_pool(3);
  pool->force_deactivate(0, "키 유출");
  disable_by_pool(*pool, 1, 3);
  pool->report(KeyLease{2, test_keys(3)[2], "", {}}, k_list_operation, key_error());
  auto lines = advice(*pool);
  ASSERT_EQ(lines.size(), 4u) << joined(lines);
  EXPECT_EQ(lines[0], "대기 중인 키 1개 중 첫 키(#2)가 10:10:00 (KST)에 다시 사용 가능합니다.");
  EXPECT_EQ(lines[1], "기다리지 않으려면 'collector keys reactivate #2'로 대기를 해제할 수 있습니다.");
  EXPECT_EQ(lines[2],
            "자동 비활성화된 키 1개: 'collector recover'(메뉴 7번)로 복구를 시도하세요 (10:30:00부터 "
            "가능).");
  EXPECT_EQ(lines[3],
            "수동 비활성화된 키 1개: 'collector recover'로는 복구되지 않습니다. 'collector keys "
            "reactivate #0'로 재활성화하세요.");
  clock.advance(30min);  // #2 is back, and #1 may be re-tested now
  EXPECT_TRUE(advice(*pool).empty());
  EXPECT_EQ(way_back(pool->detailed_status(k_list_operation)[1], clock.now(),
                     pool->policy().recovery_after),
            "복구 시도 가능: 지금 ('collector recover')");
}

TEST_F(KeyAdvice, RecoverIsTimedByTheKeyThePoolDisabledFirst) {
  auto pool = open_pool(2);
  disable_by_pool(*pool, 0, 2);
  clock.advance(10min);
  disable_by_pool(*pool, 1, 2);
  auto lines = advice(*pool);
  ASSERT_EQ(lines.size(), 1u) << joined(lines);
  EXPECT_EQ(lines[0],
            "자동 비활성화된 키 2개: 'collector recover'(메뉴 7번)로 복구를 시도하세요 (10:30:00부터 "
            "가능).");
  clock.advance(20min);
  EXPECT_EQ(advice(*pool)[0],
            "자동 비활성화된 키 2개: 'collector recover'(메뉴 7번)로 복구를 시도하세요 (지금 가능).");
}

TEST_F(KeyAdvice, ExplainShowsHowEachKeyComesBack) {
  auto pool = open_pool(3);
  pool->force_deactivate(0, "키 유출");
  disable_by_pool(*pool, 1, 3);
  pool->report(KeyLease{2, test_keys(3)[2], "", {}}, k_list_operation, key_error());
  clock.advance(3min);
  auto s = pool->detailed_status(k_list_operation);
  auto after = pool->policy().recovery_after;
  EXPECT_EQ(explain(s[0], clock.now(), after),
            "수동 비활성화 (키 유출) — 'collector keys reactivate #0'로 재활성화");
  EXPECT_EQ(explain(s[1], clock.now(), after),
            "비활성화됨 (오류 5회) → 복구 시도 가능: 10:30:00 ('collector recover')");
  EXPECT_EQ(explain(s[2], clock.now(), after),
            "최근 오류로 대기 중 (7분 후 해제) → 재사용 가능: 10:10:00");
}

TEST_F(KeyAdvice, HealthWithOnlyRestingKeysCallsNothingAndSaysWhenTheyComeBack) {
  auto pool = open_pool(2);
  pool->report(take(*pool), k_list_operation, key_error());
  pool->report(take(*pool), k_list_operation, key_error());
  bool called = false;
  auto report = pool->check_health(probe_of([&called](const KeyLease&) {
    called = true;
    return ok();
  }));
  EXPECT_FALSE(called);
  const auto& r = report.recommendations;
  EXPECT_EQ(r.front(), "정상 키가 없습니다.");
  EXPECT_FALSE(any_mentions(r, "비활성화되었습니다")) << joined(r);
  EXPECT_FALSE(any_mentions(r, "recover")) << joined(r);
  EXPECT_TRUE(any_mentions(r, "첫 키(#0)가 10:10:00 (KST)에 다시 사용 가능합니다.")) << joined(r);
  EXPECT_TRUE(any_mentions(r, "'collector keys reactivate #0'")) << joined(r);
  EXPECT_EQ(report.keys[0].reason, UnavailableReason::error_cooldown);
  EXPECT_EQ(report.keys[0].error, "최근 오류로 대기 중 (10분 후 해제) → 재사용 가능: 10:10:00");
}

TEST_F(KeyAdvice, HealthAdvisesRecoverOnlyForKeysThePoolDisabled) {
  auto pool = open_pool(3);
  pool->force_deactivate(2, "키 유출");
  auto healthy_and_manual = pool->check_health(probe_of([](const KeyLease&) { return ok(); }));
  EXPECT_FALSE(any_mentions(healthy_and_manual.recommendations, "'collector recover'"))
      << joined(healthy_and_manual.recommendations);
  EXPECT_TRUE(any_mentions(healthy_and_manual.recommendations, "'collector keys reactivate ID'"));

  disable_by_pool(*pool, 1, 3);
  auto with_pool_key = pool->check_health(probe_of([](const KeyLease&) { return ok(); }));
  EXPECT_TRUE(any_mentions(with_pool_key.recommendations,
                           "비활성화된 키는 'collector recover'로 복구를 시도할 수 있습니다."))
      << joined(with_pool_key.recommendations);
}

}  // namespace
}  // namespace kto::keys::testing
