// Selection and outcomes: the seed's rules (5 errors, 10 minutes, 1 hour, KST midnight).
#include <thread>

#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

class KeyPoolSelection : public KeyPoolTest {
 protected:
  KeyStatus status(KeyPool& pool, std::size_t index, std::string_view op = k_list_operation) {
    return pool.detailed_status(op).at(index);
  }
  // A call that comes back fine. A key serves one call at a time until its first success, so the
  // tests that hold several leases of one key let their calls answer first.
  static KeyLease call_ok(KeyPool& pool, std::string_view op = k_list_operation) {
    KeyLease lease = take(pool, op);
    pool.report(lease, op, ok());
    return lease;
  }
};

TEST_F(KeyPoolSelection, FifthConsecutiveKeyErrorDisablesTheKeyButFourDoNot) {
  auto pool = open_pool(1);
  KeyLease lease = take(*pool);
  for (int i = 0; i < 4; ++i) pool->report(lease, k_list_operation, key_error());
  EXPECT_TRUE(status(*pool, 0).is_active);
  EXPECT_EQ(status(*pool, 0).consecutive_errors, 4);
  pool->report(lease, k_list_operation, key_error());
  auto s = status(*pool, 0);
  EXPECT_FALSE(s.is_active);
  EXPECT_EQ(s.reason, UnavailableReason::deactivated);
  EXPECT_EQ(s.reason_text, "비활성화됨 (오류 5회)");
  EXPECT_EQ(s.total_errors, 5);
  EXPECT_EQ(s.last_error, "API 오류 (30: 등록되지 않은 키)");
}

TEST_F(KeyPoolSelection, SuccessResetsTheConsecutiveErrorCount) {
  auto pool = open_pool(1);
  KeyLease lease = take(*pool);
  for (int i = 0; i < 4; ++i) pool->report(lease, k_list_operation, key_error());
  pool->report(lease, k_list_operation, ok());
  EXPECT_EQ(status(*pool, 0).consecutive_errors, 0);
  for (int i = 0; i < 4; ++i) pool->report(lease, k_list_operation, key_error());
  EXPECT_TRUE(status(*pool, 0).is_active);
  EXPECT_EQ(status(*pool, 0).total_errors, 8);
}

TEST_F(KeyPoolSelection, SkipsKeyForTenMinutesAfterAnError) {
  auto pool = open_pool(2);
  KeyLease first = take(*pool);
  ASSERT_EQ(first.index, 0u);
  pool->report(first, k_list_operation, key_error());
  EXPECT_EQ(call_ok(*pool).index, 1u);
  EXPECT_EQ(call_ok(*pool).index, 1u);  // key 0 is resting
  EXPECT_EQ(status(*pool, 0).reason, UnavailableReason::error_cooldown);
  clock.advance(9min + 59s);
  EXPECT_EQ(call_ok(*pool).index, 1u);
  clock.advance(1s);
  EXPECT_EQ(take(*pool).index, 0u);
}

TEST_F(KeyPoolSelection, QuotaErrorRestsTheKeyForAnHourWithoutCountingAsAnError) {
  auto pool = open_pool(1);
  KeyLease lease = take(*pool);
  pool->report(lease, k_list_operation, quota());
  auto s = status(*pool, 0);
  EXPECT_EQ(s.reason, UnavailableReason::rate_limited);
  EXPECT_EQ(s.available_at, kst("2026-11-25T11:00:00"));
  EXPECT_EQ(s.consecutive_errors, 0);
  EXPECT_TRUE(s.is_active);
  clock.advance(59min);
  EXPECT_TRUE(std::holds_alternative<NoKey>(pool->acquire(k_list_operation)));
  clock.advance(1min);
  EXPECT_EQ(take(*pool).index, 0u);
}

TEST_F(KeyPoolSelection, QuotaRestEndsAtKstMidnightAtTheLatest) {
  clock.set(kst("2026-11-25T23:30:00"));
  auto pool = open_pool(1);
  pool->report(take(*pool), k_list_operation, quota());
  EXPECT_EQ(status(*pool, 0).available_at, kst("2026-11-26T00:00:00"));
  clock.set(kst("2026-11-25T23:59:59"));
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_EQ(std::get<NoKey>(none).earliest, kst("2026-11-26T00:00:00"));
  clock.set(kst("2026-11-26T00:00:00"));
  EXPECT_EQ(take(*pool).index, 0u);
}

TEST_F(KeyPoolSelection, PerSecondLimitPacesTheKeyWithoutRestingIt) {
  // Issue 17: a 23 means "slower", not "failed" (it used to rest the key 1.5 s, so every worker
  // found no key): the key stays available, its next call waits for its new pace.
  auto pool = open_pool(1);
  pool->report(take(*pool), k_list_operation, ok());
  KeyLease lease = take(*pool);
  for (int i = 0; i < 10; ++i) pool->report(lease, k_list_operation, per_second());
  auto s = status(*pool, 0);
  EXPECT_TRUE(s.is_active);
  EXPECT_TRUE(s.is_available);
  EXPECT_EQ(s.consecutive_errors, 0);
  EXPECT_EQ(s.total_errors, 0);
  KeyLease next = take(*pool);
  EXPECT_EQ(next.index, 0u);
  EXPECT_GT(next.not_before, clock.now());
}

TEST_F(KeyPoolSelection, ServiceErrorsNeverDisableOrRestAKey) {
  auto pool = open_pool(1);
  KeyLease lease = take(*pool);
  for (int i = 0; i < 20; ++i) {
    pool->report(lease, k_list_operation, service_error());
    pool->report(lease, k_list_operation,
                 outcome(KeyOutcomeKind::not_key_fault, "API 오류 (10: 잘못된 파라미터)"));
  }
  auto s = status(*pool, 0);
  EXPECT_TRUE(s.is_active);
  EXPECT_TRUE(s.is_available);
  EXPECT_EQ(s.consecutive_errors, 0);
  EXPECT_EQ(s.total_calls, 40);
  EXPECT_EQ(take(*pool).index, 0u);
}

TEST_F(KeyPoolSelection, EachOperationHasItsOwnDailyQuota) {
  KeyPolicy policy;
  policy.daily_limit = 3;
  auto pool = open_pool(1, policy);
  for (int i = 0; i < 3; ++i) call_ok(*pool, k_list_operation);
  EXPECT_TRUE(std::holds_alternative<NoKey>(pool->acquire(k_list_operation)));
  // The probe's operation is not blocked by the list's quota …
  KeyLease probe = take(*pool, k_probe_operation);
  pool->report(probe, k_probe_operation, ok());
  auto s = status(*pool, 0, k_probe_operation);
  EXPECT_EQ(s.usage, 1);
  EXPECT_EQ(s.usage_by_operation.at(std::string(k_list_operation)), 3);
  // … and does not spend it either.
  EXPECT_EQ(status(*pool, 0).usage, 3);
  EXPECT_EQ(status(*pool, 0).reason_text, "일일 한도 도달 (3/3)");
}

TEST_F(KeyPoolSelection, SkipsAKeyThatReachedItsDailyLimit) {
  KeyPolicy policy;
  policy.daily_limit = 2;
  auto pool = open_pool(2, policy);
  for (int i = 0; i < 4; ++i) call_ok(*pool);
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_EQ(std::get<NoKey>(none).earliest, kst("2026-11-26T00:00:00"));
  EXPECT_EQ(std::get<NoKey>(none).message,
            "사용 가능한 KTO API 키가 없습니다 (가장 빠른 복구: 00:00:00)");
  EXPECT_TRUE(logged("⏭️ KTO 키 #0 건너뜀: 1234567890... - 일일 한도 도달 (2/2)"));
}

TEST_F(KeyPoolSelection, UsageStartsFromZeroOnANewKstDay) {
  clock.set(kst("2026-11-25T23:59:00"));
  KeyPolicy policy;
  policy.daily_limit = 1;
  auto pool = open_pool(1, policy);
  call_ok(*pool);
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_EQ(std::get<NoKey>(none).earliest, kst("2026-11-26T00:00:00"));
  clock.advance(1min);  // 00:00 KST: the gateway's counters reset
  EXPECT_EQ(status(*pool, 0).usage, 0);
  EXPECT_EQ(take(*pool).index, 0u);
  EXPECT_EQ(status(*pool, 0).usage, 1);
}

TEST_F(KeyPoolSelection, NeverFallsBackToADisabledOrExhaustedKey) {
  KeyPolicy policy;
  policy.daily_limit = 1;
  auto pool = open_pool(2, policy);
  ASSERT_TRUE(pool->force_deactivate(0, "점검"));
  EXPECT_EQ(take(*pool).index, 1u);
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_EQ(std::get<NoKey>(none).earliest, kst("2026-11-26T00:00:00"));

  ASSERT_TRUE(pool->force_deactivate(1, "점검"));
  none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_FALSE(std::get<NoKey>(none).earliest.has_value());  // none comes back by itself
  EXPECT_NE(std::get<NoKey>(none).message.find("사용 가능한 KTO API 키가 없습니다"),
            std::string::npos);
}

TEST_F(KeyPoolSelection, RoundRobinSpreadsTheLoadOverAllKeys) {
  auto pool = open_pool(3);
  std::vector<std::size_t> order;
  for (int i = 0; i < 9; ++i) order.push_back(call_ok(*pool).index);
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0, 1, 2}));
  for (const auto& s : pool->detailed_status(k_list_operation)) EXPECT_EQ(s.usage, 3);
  EXPECT_EQ(pool->summary(k_list_operation).current_key_index, 0u);
}

TEST_F(KeyPoolSelection, PacingSpacesTheCallsOfOneKey) {
  KeyPolicy policy;
  policy.min_interval = 1000ms;
  auto pool = open_pool(1, policy);
  auto start = clock.now();
  EXPECT_EQ(call_ok(*pool).not_before, start);
  EXPECT_EQ(take(*pool).not_before, start + 1000ms);
  clock.advance(5s);
  EXPECT_EQ(take(*pool).not_before, start + 5s);
}

TEST_F(KeyPoolSelection, ConcurrentWorkersNeverExceedTheDailyLimit) {
  KeyPolicy policy;
  policy.daily_limit = 40;
  auto pool = open_pool(3, policy, /*with_file=*/true);
  std::atomic<int> leases{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&pool, &leases, t] {
      for (int i = 0;; ++i) {
        auto got = pool->acquire(k_list_operation);
        if (!std::holds_alternative<KeyLease>(got)) return;
        ++leases;
        pool->report(std::get<KeyLease>(got), k_list_operation,
                     (i + t) % 5 == 0 ? service_error() : ok());
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(leases.load(), 120);
  for (const auto& s : pool->detailed_status(k_list_operation)) {
    EXPECT_EQ(s.usage, 40);
    EXPECT_EQ(s.total_calls, 40);
  }
  ASSERT_TRUE(pool->save().ok());
  pool.reset();
  auto again = open_with(test_keys(3), policy);
  for (const auto& s : again->detailed_status(k_list_operation)) EXPECT_EQ(s.usage, 40);
}

}  // namespace
}  // namespace kto::keys::testing
