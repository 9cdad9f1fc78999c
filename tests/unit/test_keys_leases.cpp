// Leases in flight: several workers hold leases before any answer comes back. A key not yet known
// to work serves one call until it answers; a 22 that several in-flight calls all bring back is
// recorded once.
#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

class KeyPoolLeases : public KeyPoolTest {
 protected:
  // Makes keys 0..n-1 of a fresh pool known to work: one call each, answered with success.
  static void verify_all(KeyPool& pool, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) pool.report(take(pool), k_list_operation, ok());
  }

  // Ends the slow start of every key of the pool: 16 successes each, one at a time.
  static void warm_up(KeyPool& pool) {
    for (int round = 0; round < 16; ++round) verify_all(pool, pool.size());
  }

  // n acquires before any report, as n workers starting their calls at once.
  static std::vector<std::variant<KeyLease, NoKey>> acquire_many(KeyPool& pool, int n,
                                                                 std::string_view op = k_list_operation) {
    std::vector<std::variant<KeyLease, NoKey>> out;
    for (int i = 0; i < n; ++i) out.push_back(pool.acquire(op));
    return out;
  }

  static std::vector<std::size_t> leased_indexes(const std::vector<std::variant<KeyLease, NoKey>>& got) {
    std::vector<std::size_t> out;
    for (const auto& g : got)
      if (const auto* lease = std::get_if<KeyLease>(&g)) out.push_back(lease->index);
    return out;
  }

  long count_lines_starting(const std::string& prefix) {
    auto lines = sink->lines();
    return std::count_if(lines.begin(), lines.end(),
                         [&prefix](const std::string& l) { return l.starts_with(prefix); });
  }

  KeyStatus status(KeyPool& pool, std::size_t index, std::string_view op = k_list_operation) {
    return pool.detailed_status(op).at(index);
  }
};

TEST_F(KeyPoolLeases, FreshKeyServesOneCallUntilItsFirstAnswer) {
  auto pool = open_pool(1);
  auto got = acquire_many(*pool, 8);
  EXPECT_EQ(leased_indexes(got), (std::vector<std::size_t>{0}));
  EXPECT_EQ(status(*pool, 0).usage, 1);  // seven calls not spent on a key that may be bad
}

TEST_F(KeyPoolLeases, WaitingForAFirstAnswerIsAShortRetryNotAnOutage) {
  auto pool = open_pool(1);
  take(*pool);
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  const NoKey& no_key = std::get<NoKey>(none);
  ASSERT_TRUE(no_key.earliest.has_value());  // comes back by itself …
  EXPECT_GT(*no_key.earliest, clock.now());
  EXPECT_LE(*no_key.earliest, clock.now() + 1s);  // … shortly: a worker waits, it does not give up
  EXPECT_NE(no_key.message.find("사용 가능한 KTO API 키가 없습니다"), std::string::npos);
  // A normal moment of a start-up, not an outage: no warning per waiting worker.
  for (const auto& [level, line] : sink->records()) {
    if (line.find("사용 가능한 KTO API 키가 없습니다") != std::string::npos) {
      EXPECT_LT(level, spdlog::level::warn) << line;
    }
  }
  // The key stays available in the reports: it is only busy.
  EXPECT_TRUE(status(*pool, 0).is_available);
  EXPECT_EQ(pool->summary(k_list_operation).available_keys, 1u);
}

TEST_F(KeyPoolLeases, AfterItsFirstSuccessAKeyServesTwoCallsAtATimeAndOneMorePerSuccess) {
  // The slow start (key_pacing.cpp): the workers' first burst on a key of unknown per-second
  // limit costs one refused call, not one per worker.
  auto pool = open_pool(1);
  pool->report(take(*pool), k_list_operation, ok());
  auto got = acquire_many(*pool, 4);
  ASSERT_EQ(leased_indexes(got), (std::vector<std::size_t>{0, 0}));
  EXPECT_TRUE(logged("⏭️ KTO 키 #0 건너뜀: 1234567890... - 응답 확인 중 (동시 호출 2개까지)"))
      << all_logs();
  pool->report(std::get<KeyLease>(got[0]), k_list_operation, ok());
  // One back, and one more allowed: two new calls beside the one still out.
  EXPECT_EQ(leased_indexes(acquire_many(*pool, 4)), (std::vector<std::size_t>{0, 0}));
}

TEST_F(KeyPoolLeases, AfterSixteenSuccessesTheSlowStartIsOverAndOnlyThePaceLimitsAKey) {
  auto pool = open_pool(1);
  warm_up(*pool);
  EXPECT_EQ(leased_indexes(acquire_many(*pool, 8)), (std::vector<std::size_t>(8, 0)));
}

TEST_F(KeyPoolLeases, KnownGoodKeysServeTheWorkersWhileANewKeyAwaitsItsAnswer) {
  auto pool = open_pool(2);
  pool->report(take(*pool), k_list_operation, ok());  // #0 works
  auto got = acquire_many(*pool, 6);
  // #1 gets its one call, #0 the two of its slow start, the other workers wait.
  EXPECT_EQ(leased_indexes(got), (std::vector<std::size_t>{1, 0, 0}));
  EXPECT_TRUE(logged("⏭️ KTO 키 #1 건너뜀: abcdefghij... - 첫 응답 확인 중")) << all_logs();
}

TEST_F(KeyPoolLeases, BadNewKeyWastesOneCallNotOnePerWorker) {
  auto pool = open_pool(2);
  auto got = acquire_many(*pool, 8);  // 8 workers start at once on two fresh keys
  ASSERT_EQ(leased_indexes(got), (std::vector<std::size_t>{0, 1}));
  pool->report(std::get<KeyLease>(got[0]), k_list_operation, ok());
  for (std::size_t i : leased_indexes(acquire_many(*pool, 6))) EXPECT_EQ(i, 0u);
  pool->report(std::get<KeyLease>(got[1]), k_list_operation, key_error());
  auto bad = status(*pool, 1);
  EXPECT_EQ(bad.usage, 1);
  EXPECT_EQ(bad.total_calls, 1);
  EXPECT_EQ(bad.reason, UnavailableReason::error_cooldown);
}

TEST_F(KeyPoolLeases, KeyErrorMakesAKeyServeOneCallAtATimeAgain) {
  auto pool = open_pool(1);
  verify_all(*pool, 1);
  pool->report(take(*pool), k_list_operation, key_error());
  clock.advance(10min);  // the error cooldown is over
  auto got = acquire_many(*pool, 3);
  EXPECT_EQ(leased_indexes(got), (std::vector<std::size_t>{0}));
  pool->report(std::get<KeyLease>(got[0]), k_list_operation, ok());
  EXPECT_EQ(leased_indexes(acquire_many(*pool, 3)), (std::vector<std::size_t>{0, 0, 0}));
}

TEST_F(KeyPoolLeases, AnswerThatSaysNothingOfTheKeyFreesItForOneMoreCall) {
  auto pool = open_pool(1);
  pool->report(take(*pool), k_list_operation, service_error());
  // The 502 was the service's: the key may have its next single call, still one at a time.
  EXPECT_EQ(leased_indexes(acquire_many(*pool, 3)), (std::vector<std::size_t>{0}));
}

TEST_F(KeyPoolLeases, SuccessfulProbeMakesTheKeyKnownForEveryOperation) {
  auto pool = open_pool(1);
  auto report = pool->check_health(probe_of([](const KeyLease&) { return ok(); }));
  ASSERT_EQ(report.healthy_keys, 1u);
  // Known to work: past the one call of an unknown key, into the slow start.
  EXPECT_EQ(leased_indexes(acquire_many(*pool, 3)), (std::vector<std::size_t>{0, 0}));
}

TEST_F(KeyPoolLeases, FirstCallThatNeverReportsStopsHoldingTheKeyAfterTwoMinutes) {
  auto pool = open_pool(1);
  take(*pool);  // its worker died without a report
  clock.advance(2min - 1ms);
  EXPECT_TRUE(std::holds_alternative<NoKey>(pool->acquire(k_list_operation)));
  clock.advance(1ms);
  EXPECT_EQ(take(*pool).index, 0u);
}

TEST_F(KeyPoolLeases, QuotaAnswersOfCallsAlreadyInFlightAreRecordedOnce) {
  clock.set(kst("2026-11-25T14:30:00"));
  auto pool = open_pool(1);
  warm_up(*pool);
  auto got = acquire_many(*pool, 4);
  ASSERT_EQ(leased_indexes(got).size(), 4u);
  pool->report(std::get<KeyLease>(got[0]), k_list_operation, quota());
  clock.advance(20s);  // the other calls come back a little later, with 22 as well
  for (std::size_t i = 1; i < got.size(); ++i)
    pool->report(std::get<KeyLease>(got[i]), k_list_operation, quota());
  EXPECT_EQ(count_lines_starting("🚫 KTO API 키 #0 한도 초과"), 1) << all_logs();
  EXPECT_TRUE(logged("🚫 KTO API 키 #0 한도 초과: 1234567890... (재시도 가능: 15:30:00)"));
  auto s = status(*pool, 0);
  EXPECT_EQ(s.available_at, kst("2026-11-25T15:30:00"));  // not pushed back by the later 22s
  EXPECT_EQ(s.rate_limited_until.at(std::string(k_list_operation)), kst("2026-11-25T15:30:00"));
  EXPECT_EQ(s.last_error_at, kst("2026-11-25T14:30:00"));
  EXPECT_EQ(s.total_calls, 16 + 4);  // every call that was made is counted
  EXPECT_EQ(s.consecutive_errors, 0);
}

TEST_F(KeyPoolLeases, NoNewLeaseForTheOperationAfterTheFirst22) {
  auto pool = open_pool(2);
  verify_all(*pool, 2);
  auto got = acquire_many(*pool, 4);
  ASSERT_EQ(leased_indexes(got), (std::vector<std::size_t>{0, 1, 0, 1}));
  pool->report(std::get<KeyLease>(got[0]), k_list_operation, quota());
  for (std::size_t i : leased_indexes(acquire_many(*pool, 4))) EXPECT_EQ(i, 1u);
  pool->report(std::get<KeyLease>(got[2]), k_list_operation, quota());  // still in flight: 22 too
  for (std::size_t i : leased_indexes(acquire_many(*pool, 4))) EXPECT_EQ(i, 1u);
  EXPECT_EQ(status(*pool, 0).reason, UnavailableReason::rate_limited);
  // The quota is per operation: the key still serves the others.
  EXPECT_EQ(take(*pool, k_probe_operation).index, 0u);
}

TEST_F(KeyPoolLeases, QuotaAfterTheRestIsOverIsRecordedAgain) {
  auto pool = open_pool(1);
  verify_all(*pool, 1);
  pool->report(take(*pool), k_list_operation, quota());
  clock.advance(1h);
  pool->report(take(*pool), k_list_operation, quota());
  EXPECT_EQ(count_lines_starting("🚫 KTO API 키 #0 한도 초과"), 2) << all_logs();
  EXPECT_EQ(status(*pool, 0).available_at, kst("2026-11-25T12:00:00"));
}

}  // namespace
}  // namespace kto::keys::testing
