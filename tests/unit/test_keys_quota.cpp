// The quota a run schedules against (issue 17, "Quota as a schedule"): calls_left_today() and
// quota_today() per operation, the reserve left to other programs, and acquire() never handing
// out a key past daily_limit − reserve.
#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

constexpr std::string_view k_common = "detailCommon2";
constexpr std::string_view k_intro = "detailIntro2";

KeyPolicy limits(int daily_limit, int reserve = 0) {
  KeyPolicy p;
  p.daily_limit = daily_limit;
  p.reserve = reserve;
  return p;
}

class KeyQuota : public KeyPoolTest {
 protected:
  // Takes a key and reports a success, as a call that worked.
  static void spend(KeyPool& pool, std::string_view op) {
    auto lease = take(pool, op);
    pool.report(lease, op, ok());
  }

  // Leases handed out for op until the pool says no key.
  static int drain(KeyPool& pool, std::string_view op) {
    int n = 0;
    while (true) {
      auto got = pool.acquire(op);
      if (!std::holds_alternative<KeyLease>(got)) return n;
      pool.report(std::get<KeyLease>(got), op, ok());
      if (++n > 100000) return n;  // a bug: the pool never says no
    }
  }
};

TEST_F(KeyQuota, CallsLeftAreTheLimitsOfAllKeysOnAFreshDay) {
  auto pool = open_pool(3, limits(10));
  EXPECT_EQ(pool->calls_left_today(k_common), 30);
  auto q = pool->quota_today(k_common);
  EXPECT_EQ(q.calls_left, 30);
  EXPECT_EQ(q.keys, 3u);
  EXPECT_EQ(q.per_day, 30);
  ASSERT_EQ(q.by_key.size(), 3u);
  EXPECT_TRUE(q.by_key[1].serving);
  EXPECT_EQ(q.by_key[1].left, 10);
  EXPECT_EQ(q.by_key[1].preview, "abcdefghij...");
}

TEST_F(KeyQuota, AcquireStopsAtTheLimitLessTheReserveAndCallsLeftAgree) {
  auto pool = open_pool(2, limits(10, 3));
  EXPECT_EQ(pool->calls_left_today(k_common), 14);
  EXPECT_EQ(pool->quota_today(k_common).per_day, 14);
  EXPECT_EQ(drain(*pool, k_common), 14);
  EXPECT_EQ(pool->calls_left_today(k_common), 0);
  for (const auto& k : pool->detailed_status(k_common)) {
    EXPECT_EQ(k.usage, 7);
    EXPECT_EQ(k.reason, UnavailableReason::daily_limit);
    EXPECT_EQ(k.reason_text, "일일 한도 도달 (7/10, 예비 3회 남김)");
  }
}

TEST_F(KeyQuota, EveryLeaseCountsAtOnceSoWorkersNeverOvershoot) {
  auto pool = open_pool(1, limits(5, 1));
  spend(*pool, k_common);  // verified: the key now serves two calls at once
  KeyLease a = take(*pool, k_common);
  KeyLease b = take(*pool, k_common);
  EXPECT_EQ(pool->calls_left_today(k_common), 1);  // counted before any answer came
  pool->report(a, k_common, ok());
  pool->report(b, k_common, ok());
  spend(*pool, k_common);
  EXPECT_EQ(pool->calls_left_today(k_common), 0);
  EXPECT_TRUE(std::holds_alternative<NoKey>(pool->acquire(k_common)));
}

TEST_F(KeyQuota, OperationsAreCountedApart) {
  auto pool = open_pool(2, limits(4, 1));
  EXPECT_EQ(drain(*pool, k_common), 6);
  EXPECT_EQ(pool->calls_left_today(k_common), 0);
  EXPECT_EQ(pool->calls_left_today(k_intro), 6);
  spend(*pool, k_intro);
  EXPECT_EQ(pool->calls_left_today(k_intro), 5);
  EXPECT_EQ(pool->calls_left_today(k_list_operation), 6);
}

TEST_F(KeyQuota, KstMidnightGivesEveryKeyItsDayBack) {
  clock.set(kst("2026-11-25T23:59:00"));
  auto pool = open_pool(2, limits(3));
  EXPECT_EQ(drain(*pool, k_common), 6);
  EXPECT_EQ(pool->calls_left_today(k_common), 0);
  clock.set(kst("2026-11-26T00:00:01"));
  EXPECT_EQ(pool->calls_left_today(k_common), 6);
  EXPECT_EQ(drain(*pool, k_common), 6);
}

TEST_F(KeyQuota, DisabledKeysCountNothingAndAreNotServingKeys) {
  auto pool = open_pool(3, limits(10));
  ASSERT_TRUE(pool->force_deactivate(1, "키 유출"));
  auto q = pool->quota_today(k_common);
  EXPECT_EQ(q.calls_left, 20);
  EXPECT_EQ(q.keys, 2u);
  EXPECT_EQ(q.per_day, 20);
  EXPECT_FALSE(q.by_key[1].serving);
  EXPECT_EQ(q.by_key[1].left, 0);
}

TEST_F(KeyQuota, AGatewayQuotaAnswerSpendsThatKeysOperationOnly) {
  auto pool = open_pool(2, limits(10));
  auto lease = take(*pool, k_common);
  ASSERT_EQ(lease.index, 0u);
  pool->report(lease, k_common, quota());
  auto q = pool->quota_today(k_common);
  EXPECT_FALSE(q.by_key[0].serving);
  EXPECT_EQ(q.by_key[0].left, 0);
  EXPECT_EQ(q.calls_left, 10);
  EXPECT_EQ(q.keys, 2u);  // spent today, not gone: it serves again tomorrow
  EXPECT_EQ(pool->calls_left_today(k_intro), 20);
}

TEST_F(KeyQuota, AShortRestStillCountsAsServingToday) {
  auto pool = open_pool(1, limits(10));
  auto lease = take(*pool, k_common);
  pool->report(lease, k_common, key_error());  // a 10-minute cooldown, not the day
  EXPECT_EQ(pool->calls_left_today(k_common), 9);
}

}  // namespace
}  // namespace kto::keys::testing
