// The seed's log lines, word for word, and no raw key anywhere the pool writes.
#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

class KeyPoolLogs : public KeyPoolTest {
 protected:
  // A call that comes back fine. A key serves one call at a time until its first success, so the
  // tests that hold several leases of one key let their calls answer first.
  static KeyLease call_ok(KeyPool& pool) {
    KeyLease lease = take(pool);
    pool.report(lease, k_list_operation, ok());
    return lease;
  }
};

TEST_F(KeyPoolLogs, SuccessAndSelectionLinesMatchTheSeed) {
  auto pool = open_pool(1);
  KeyLease lease = take(*pool);
  pool->report(lease, k_list_operation, ok());
  EXPECT_TRUE(logged("✅ KTO 키 #0 선택: 1234567890... (사용량: 1/1000, 오류: 0회)")) << all_logs();
  EXPECT_TRUE(logged("✅ KTO API 키 #0 호출 성공: 1234567890... (사용량: 1/1000)")) << all_logs();
}

TEST_F(KeyPoolLogs, FailureAndDeactivationLinesMatchTheSeed) {
  auto pool = open_pool(3);
  call_ok(*pool);
  KeyLease lease = take(*pool);
  ASSERT_EQ(lease.index, 1u);
  for (int i = 0; i < 3; ++i) pool->report(lease, k_list_operation, key_error());
  EXPECT_TRUE(logged("❌ KTO API 키 #1 호출 실패: abcdefghij... - 오류: API 오류 (30: 등록되지 않은 키) (연속 오류: 3회)"))
      << all_logs();
  for (int i = 0; i < 2; ++i) pool->report(lease, k_list_operation, key_error());
  EXPECT_TRUE(logged("🚨 KTO API 키 #1 자동 비활성화: abcdefghij... (누적 오류: 5회)")) << all_logs();
  EXPECT_TRUE(logged("📊 남은 활성 KTO 키: 2/3개")) << all_logs();
  call_ok(*pool);  // #2
  call_ok(*pool);  // #0
  call_ok(*pool);  // #1 is skipped
  EXPECT_TRUE(logged("⏭️ KTO 키 #1 건너뜀: abcdefghij... - 비활성화됨 (오류 5회)")) << all_logs();
}

TEST_F(KeyPoolLogs, QuotaLinesMatchTheSeed) {
  clock.set(kst("2026-11-25T14:30:00"));
  auto pool = open_pool(3);
  call_ok(*pool);
  call_ok(*pool);
  KeyLease lease = take(*pool);
  ASSERT_EQ(lease.index, 2u);
  pool->report(lease, k_list_operation, quota());
  EXPECT_TRUE(logged("🚫 KTO API 키 #2 한도 초과: xxxxxxxxxx... (재시도 가능: 15:30:00)"))
      << all_logs();
  clock.advance(35min);
  call_ok(*pool);  // #0
  call_ok(*pool);  // #1
  call_ok(*pool);  // #2 skipped → #0
  EXPECT_TRUE(logged("⏭️ KTO 키 #2 건너뜀: xxxxxxxxxx... - Rate limit 제한 중 (25분 후 해제)"))
      << all_logs();
}

TEST_F(KeyPoolLogs, NoKeyIsAWarningNamingTheEarliestRecovery) {
  clock.set(kst("2026-11-25T14:30:00"));
  auto pool = open_pool(1);
  pool->report(take(*pool), k_list_operation, quota());
  auto none = pool->acquire(k_list_operation);
  ASSERT_TRUE(std::holds_alternative<NoKey>(none));
  EXPECT_EQ(std::get<NoKey>(none).message,
            "사용 가능한 KTO API 키가 없습니다 (가장 빠른 복구: 15:30:00)");
  EXPECT_TRUE(logged("사용 가능한 KTO API 키가 없습니다 (가장 빠른 복구: 15:30:00)"));
}

TEST_F(KeyPoolLogs, RepeatedSkipsOfOneKeyGoToDebugLevel) {
  auto pool = open_pool(2);
  pool->force_deactivate(0, "점검");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(call_ok(*pool).index, 1u);
  auto records = sink->records();
  long info = 0, debug = 0;
  for (const auto& [level, line] : records) {
    if (!line.starts_with("⏭️ KTO 키 #0 건너뜀: 1234567890... - 수동 비활성화 (점검)")) continue;
    (level == spdlog::level::info ? info : debug) += 1;
  }
  EXPECT_EQ(info, 1);   // the operator sees it once
  EXPECT_EQ(debug, 3);  // the log file keeps every one
}

TEST_F(KeyPoolLogs, NoRawKeyInTheStateFileOrTheLogs) {
  auto keys = test_keys(3);
  {
    auto pool = open_with(keys);
    KeyLease a = take(*pool);
    pool->report(a, k_list_operation, ok());
    KeyLease b = take(*pool);
    for (int i = 0; i < 5; ++i) pool->report(b, k_list_operation, key_error());
    pool->report(take(*pool), k_list_operation, quota());
    pool->report(take(*pool), k_list_operation, per_second());
    clock.advance(2s);
    pool->report(take(*pool), k_list_operation, service_error());
    clock.advance(31min);
    pool->attempt_recovery(probe_of([](const KeyLease&) { return key_error(); }));
    pool->check_health(probe_of([](const KeyLease&) { return ok(); }));
    pool->acquire(k_list_operation);
  }
  std::string state = read_text(state_file);
  std::string logs = all_logs();
  ASSERT_FALSE(state.empty());
  ASSERT_FALSE(logs.empty());
  for (const auto& key : keys) {
    EXPECT_EQ(state.find(key), std::string::npos) << state;
    EXPECT_EQ(logs.find(key), std::string::npos) << logs;
    // Not even the part after the preview.
    EXPECT_EQ(state.find("SECRETPART"), std::string::npos);
    EXPECT_EQ(logs.find("SECRETPART"), std::string::npos);
  }
}

}  // namespace
}  // namespace kto::keys::testing
