// Status, bands, selectors, manual switches, health checks and recovery.
#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

class KeyPoolHealth : public KeyPoolTest {
 protected:
  // A probe that answers per key index and takes 120 ms of fake time.
  KeyPool::Probe probe_answering(std::map<std::size_t, KeyOutcome> answers) {
    return probe_of([this, answers](const KeyLease& lease) {
      probed.push_back(lease.index);
      clock.advance(120ms);
      auto it = answers.find(lease.index);
      return it == answers.end() ? ok() : it->second;
    });
  }

  bool has_recommendation(const HealthReport& r, const std::string& prefix) {
    return std::any_of(r.recommendations.begin(), r.recommendations.end(),
                       [&prefix](const std::string& s) { return s.starts_with(prefix); });
  }

  std::vector<std::size_t> probed;
};

TEST(KeyHealthBand, FollowsTheSeedsThresholds) {
  EXPECT_EQ(band_for(5, 5), HealthBand::healthy);
  EXPECT_EQ(band_for(4, 5), HealthBand::healthy);  // exactly 80 %
  EXPECT_EQ(band_for(79, 100), HealthBand::warning);
  EXPECT_EQ(band_for(3, 4), HealthBand::warning);
  EXPECT_EQ(band_for(1, 2), HealthBand::warning);  // exactly 50 %
  EXPECT_EQ(band_for(49, 100), HealthBand::danger);
  EXPECT_EQ(band_for(1, 5), HealthBand::danger);
  EXPECT_EQ(band_for(0, 5), HealthBand::critical);
  EXPECT_EQ(band_for(0, 0), HealthBand::critical);
  EXPECT_STREQ(to_string(HealthBand::warning), "warning");
  EXPECT_EQ(band_label(HealthBand::healthy), "🟢 건강");
  EXPECT_EQ(band_label(HealthBand::critical), "❌ 심각");
}

TEST_F(KeyPoolHealth, SummaryCountsAvailableKeys) {
  auto pool = open_pool(4);
  pool->force_deactivate(3, "점검");
  KeyLease lease = take(*pool);
  pool->report(lease, k_list_operation, key_error());  // resting, still active
  auto s = pool->summary(k_list_operation);
  EXPECT_EQ(s.provider, "KTO");
  EXPECT_EQ(s.total_keys, 4u);
  EXPECT_EQ(s.active_keys, 3u);
  EXPECT_EQ(s.available_keys, 2u);
  EXPECT_DOUBLE_EQ(s.health_percentage, 50.0);
  EXPECT_EQ(s.band, HealthBand::warning);
}

TEST_F(KeyPoolHealth, StatusExplainsEachReasonInTheSeedsWords) {
  KeyPolicy policy;
  policy.daily_limit = 1;
  auto pool = open_pool(4, policy);
  // #0 rests 10 minutes after an error of the probe's operation: a rest holds for every operation.
  pool->report(take(*pool, k_probe_operation), k_probe_operation, key_error());
  take(*pool);                                               // #1 spends its 1 call
  pool->report(take(*pool), k_list_operation, quota());      // #2 rests an hour
  pool->force_deactivate(3, "만료된 키");
  clock.advance(3min);
  auto s = pool->detailed_status(k_list_operation);
  EXPECT_EQ(s[0].reason_text, "최근 오류로 대기 중 (7분 후 해제)");
  EXPECT_EQ(s[1].reason_text, "일일 한도 도달 (1/1)");
  EXPECT_EQ(s[2].reason_text, "일일 한도 도달 (1/1)");  // the first reason names the state …
  EXPECT_EQ(s[2].available_at, kst("2026-11-26T00:00:00"));  // … the last one ends it
  EXPECT_EQ(s[3].reason_text, "수동 비활성화 (만료된 키)");  // the operator's, said so
  EXPECT_STREQ(to_string(s[0].reason), "error_cooldown");
  EXPECT_STREQ(to_string(s[3].reason), "deactivated");
  EXPECT_FALSE(s[3].available_at.has_value());
}

TEST_F(KeyPoolHealth, FindsKeysByIndexOrPreview) {
  auto pool = open_pool(3);
  EXPECT_EQ(pool->find("#1"), 1u);
  EXPECT_EQ(pool->find("2"), 2u);
  EXPECT_EQ(pool->find("abcdefghij..."), 1u);
  EXPECT_EQ(pool->find("abcdefghij"), 1u);
  EXPECT_EQ(pool->find("xxx"), 2u);
  EXPECT_EQ(pool->find("1234567890"), 0u);  // digits beyond the indexes are a preview
  EXPECT_FALSE(pool->find("#7").has_value());
  EXPECT_FALSE(pool->find("zzz").has_value());
  EXPECT_FALSE(pool->find("").has_value());
  EXPECT_FALSE(pool->find("...").has_value());
  auto twins = open_with({"sameprefix-key-one-aaaaaaaaaaa", "sameprefix-key-two-bbbbbbbbbbb"},
                         {}, false);
  EXPECT_FALSE(twins->find("samepre").has_value());  // ambiguous
}

TEST_F(KeyPoolHealth, ReactivateClearsErrorsAndCooldown) {
  auto pool = open_pool(1);
  KeyLease lease = take(*pool);
  for (int i = 0; i < 5; ++i) pool->report(lease, k_list_operation, key_error());
  ASSERT_FALSE(pool->detailed_status(k_list_operation)[0].is_active);
  EXPECT_FALSE(pool->reactivate(4));
  ASSERT_TRUE(pool->reactivate(0));
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_TRUE(s.is_active);
  EXPECT_TRUE(s.is_available);
  EXPECT_EQ(s.consecutive_errors, 0);
  EXPECT_FALSE(s.deactivated_at.has_value());
  EXPECT_EQ(take(*pool).index, 0u);
  EXPECT_FALSE(pool->force_deactivate(9, "x"));
}

TEST_F(KeyPoolHealth, HealthCheckProbesUsableKeysAndListsTheOthers) {
  auto pool = open_pool(3);
  pool->force_deactivate(2, "점검");
  auto report = pool->check_health(probe_answering({{1, key_error()}}));
  EXPECT_EQ(probed, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(report.total_keys, 3u);
  EXPECT_EQ(report.healthy_keys, 1u);
  EXPECT_EQ(report.unhealthy_keys, 2u);
  EXPECT_TRUE(report.keys[0].healthy);
  EXPECT_EQ(report.keys[0].response_time_ms, 120);
  EXPECT_EQ(report.keys[1].error, "API 오류 (30: 등록되지 않은 키)");
  EXPECT_TRUE(report.keys[1].probed);
  EXPECT_FALSE(report.keys[2].probed);
  EXPECT_EQ(report.keys[2].error, "수동 비활성화 (점검) — 'collector keys reactivate #2'로 재활성화");
  EXPECT_TRUE(has_recommendation(report, "문제 키 #1 abcdefghij...: API 오류 (30: 등록되지 않은 키)"));
  EXPECT_TRUE(has_recommendation(
      report, "문제 키 #2 xxxxxxxxxx...: 수동 비활성화 (점검) — 'collector keys reactivate #2'"));
  EXPECT_TRUE(has_recommendation(report, "정상 키 1개로"));
  // The probe's outcome was recorded: key 1 now rests after its error.
  EXPECT_EQ(pool->detailed_status(k_list_operation)[1].consecutive_errors, 1);
}

TEST_F(KeyPoolHealth, HealthProbeSpendsOnlyItsOwnOperation) {
  KeyPolicy policy;
  policy.daily_limit = 2;
  auto pool = open_pool(1, policy);
  pool->report(take(*pool), k_list_operation, ok());
  pool->report(take(*pool), k_list_operation, ok());  // the list quota is spent
  auto report = pool->check_health(probe_answering({}));
  EXPECT_EQ(report.healthy_keys, 1u);
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_EQ(s.usage_by_operation.at(std::string(k_probe_operation)), 1);
  EXPECT_EQ(s.usage, 2);
}

TEST_F(KeyPoolHealth, AllHealthyKeysNeedNothing) {
  auto pool = open_pool(2);
  auto report = pool->check_health(probe_answering({}));
  EXPECT_EQ(report.healthy_keys, 2u);
  EXPECT_EQ(report.recommendations, std::vector<std::string>{"모든 키가 정상입니다."});
}

// Keys the pool disabled (5 key errors each): `recover` is what brings them back. (Keys the
// operator disabled are advised `keys reactivate` instead: test_keys_advice.cpp.)
TEST_F(KeyPoolHealth, NoUsableKeyRecommendsRecovery) {
  auto pool = open_pool(2);
  for (std::size_t i = 0; i < 2; ++i)
    for (int n = 0; n < 5; ++n)
      pool->report(KeyLease{i, test_keys(2)[i], "", {}}, k_list_operation, key_error());
  auto report = pool->check_health(probe_answering({}));
  EXPECT_TRUE(probed.empty());
  ASSERT_FALSE(report.recommendations.empty());
  EXPECT_EQ(report.recommendations[0], "정상 키가 없습니다.");
  EXPECT_TRUE(has_recommendation(
      report, "자동 비활성화된 키 2개: 'collector recover'(메뉴 7번)로 복구를 시도하세요 (10:30:00부터"));
}

// A key the pool disabled; the operator's own deactivations never come back this way
// (test_keys_manual.cpp).
TEST_F(KeyPoolHealth, RecoveryWaitsThirtyMinutesAfterDeactivation) {
  auto pool = open_pool(2);
  for (int n = 0; n < 5; ++n)
    pool->report(KeyLease{1, test_keys(2)[1], "", {}}, k_list_operation, key_error());
  clock.advance(29min);
  auto early = pool->attempt_recovery(probe_answering({}));
  EXPECT_TRUE(probed.empty());
  EXPECT_EQ(early.attempted_keys, 0u);
  ASSERT_EQ(early.keys.size(), 1u);
  EXPECT_FALSE(early.keys[0].attempted);
  EXPECT_FALSE(pool->detailed_status(k_list_operation)[1].is_active);

  clock.advance(1min);
  auto report = pool->attempt_recovery(probe_answering({}));
  EXPECT_EQ(probed, std::vector<std::size_t>{1});
  EXPECT_EQ(report.attempted_keys, 1u);
  EXPECT_EQ(report.recovered_keys, 1u);
  EXPECT_EQ(report.failed_keys, 0u);
  EXPECT_TRUE(report.keys[0].recovered);
  auto s = pool->detailed_status(k_list_operation)[1];
  EXPECT_TRUE(s.is_active);
  EXPECT_TRUE(s.is_available);
  EXPECT_EQ(s.usage_by_operation.at(std::string(k_probe_operation)), 1);
}

TEST_F(KeyPoolHealth, FailedRecoveryProbeDisablesTheKeyAgain) {
  auto pool = open_pool(2);
  KeyLease lease = take(*pool);
  for (int i = 0; i < 5; ++i) pool->report(lease, k_list_operation, key_error());
  clock.advance(30min);
  auto report = pool->attempt_recovery(probe_answering({{0, key_error()}}));
  EXPECT_EQ(report.attempted_keys, 1u);
  EXPECT_EQ(report.failed_keys, 1u);
  EXPECT_EQ(report.keys[0].error, "API 오류 (30: 등록되지 않은 키)");
  auto s = pool->detailed_status(k_list_operation)[0];
  EXPECT_FALSE(s.is_active);
  EXPECT_EQ(s.deactivation_reason, "복구 실패: API 오류 (30: 등록되지 않은 키)");
  EXPECT_EQ(s.deactivated_at, clock.now());  // the next recovery waits 30 minutes again
}

}  // namespace
}  // namespace kto::keys::testing
