// When the state file is written: usage counters alone at most once per usage_save_interval,
// changes of a key's status at once, and nothing deferred ever lost.
#include <nlohmann/json.hpp>

#include <thread>

#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

using nlohmann::json;

class KeyPoolSaveInterval : public KeyPoolTest {
 protected:
  json read_state() { return json::parse(read_text(state_file)); }
  json file_key(std::size_t i) { return read_state()["keys"][i]; }
  int file_usage(std::size_t i) {
    return file_key(i)["usage"].value(std::string(k_list_operation), 0);
  }
  int file_calls(std::size_t i) { return file_key(i)["total_calls"]; }

  // One successful call.
  static void call_ok(KeyPool& pool) { pool.report(take(pool), k_list_operation, ok()); }
};

TEST_F(KeyPoolSaveInterval, DefaultIntervalIsOneSecond) {
  EXPECT_EQ(KeyPolicy{}.usage_save_interval, 1000ms);
}

TEST_F(KeyPoolSaveInterval, FirstCallIsSavedAtOnceAndLaterOnesWaitForTheInterval) {
  auto pool = open_pool(1, {}, true);
  call_ok(*pool);  // the first change after a quiet interval: written at once
  EXPECT_EQ(file_usage(0), 1);
  call_ok(*pool);
  clock.advance(999ms);
  call_ok(*pool);
  EXPECT_EQ(file_usage(0), 1);  // within the interval: not written
  EXPECT_EQ(file_calls(0), 1);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].usage, 3);  // but counted in memory
  clock.advance(1ms);
  call_ok(*pool);  // the interval is over: this save carries the deferred ones too
  EXPECT_EQ(file_usage(0), 4);
  EXPECT_EQ(file_calls(0), 4);
}

TEST_F(KeyPoolSaveInterval, FirstCallAfterAQuietIntervalIsSavedAtOnce) {
  auto pool = open_pool(1, {}, true);
  call_ok(*pool);
  clock.advance(5s);
  call_ok(*pool);
  EXPECT_EQ(file_usage(0), 2);
  call_ok(*pool);
  EXPECT_EQ(file_usage(0), 2);
}

TEST_F(KeyPoolSaveInterval, DeferredUsageIsWrittenByTheDestructor) {
  auto pool = open_pool(2, {}, true);
  for (int i = 0; i < 4; ++i) call_ok(*pool);
  (void)take(*pool);  // a reservation whose report never came
  EXPECT_EQ(file_usage(0), 1);
  EXPECT_EQ(file_usage(1), 0);
  pool.reset();
  EXPECT_EQ(file_usage(0), 3);
  EXPECT_EQ(file_usage(1), 2);
  EXPECT_EQ(file_calls(0) + file_calls(1), 4);
}

TEST_F(KeyPoolSaveInterval, DeferredUsageIsWrittenByAnExplicitSave) {
  auto pool = open_pool(1, {}, true);
  for (int i = 0; i < 3; ++i) call_ok(*pool);
  EXPECT_EQ(file_usage(0), 1);
  ASSERT_TRUE(pool->save().ok());
  EXPECT_EQ(file_usage(0), 3);
  EXPECT_EQ(file_calls(0), 3);
}

TEST_F(KeyPoolSaveInterval, DeactivationAfterConsecutiveErrorsIsWrittenAtOnce) {
  KeyPolicy policy;
  policy.max_consecutive_errors = 3;
  auto pool = open_pool(1, policy, true);
  call_ok(*pool);
  call_ok(*pool);  // deferred
  KeyLease lease = take(*pool);
  for (int i = 0; i < 3; ++i) pool->report(lease, k_list_operation, key_error());
  json k = file_key(0);
  EXPECT_EQ(k["is_active"], false);
  EXPECT_EQ(k["consecutive_errors"], 3);
  EXPECT_EQ(k["deactivation_reason"], "연속 오류 3회: API 오류 (30: 등록되지 않은 키)");
  EXPECT_EQ(k["usage"]["areaBasedList2"], 3);  // the deferred counters went with it
  EXPECT_EQ(k["total_calls"], 5);
}

TEST_F(KeyPoolSaveInterval, KeyErrorCooldownIsWrittenAtOnce) {
  auto pool = open_pool(2, {}, true);
  call_ok(*pool);
  pool->report(take(*pool), k_list_operation, key_error());  // key 1
  json k = file_key(1);
  EXPECT_EQ(k["consecutive_errors"], 1);
  EXPECT_EQ(k["error_cooldown_until"], "2026-11-25T10:10:00+09:00");
  EXPECT_EQ(k["last_error"], "API 오류 (30: 등록되지 않은 키)");
}

TEST_F(KeyPoolSaveInterval, ExhaustionIsWrittenAtOnce) {
  auto pool = open_pool(2, {}, true);
  call_ok(*pool);  // key 0, written
  call_ok(*pool);  // key 1, deferred
  EXPECT_EQ(file_usage(1), 0);
  pool->report(take(*pool), k_list_operation, quota());  // key 0 answers 22
  EXPECT_EQ(file_key(0)["rate_limited_until"]["areaBasedList2"], "2026-11-25T11:00:00+09:00");
  EXPECT_EQ(file_usage(0), 2);
  EXPECT_EQ(file_usage(1), 1);
}

TEST_F(KeyPoolSaveInterval, ErrorRunResetIsWrittenAtOnce) {
  KeyPolicy policy;
  policy.error_cooldown = 0s;  // the key may be used again at once
  auto pool = open_pool(1, policy, true);
  pool->report(take(*pool), k_list_operation, key_error());
  EXPECT_EQ(file_key(0)["consecutive_errors"], 1);
  call_ok(*pool);  // the key works again: other processes must know now
  EXPECT_EQ(file_key(0)["consecutive_errors"], 0);
  call_ok(*pool);  // a plain success again: deferred
  EXPECT_EQ(file_calls(0), 2);
}

TEST_F(KeyPoolSaveInterval, OperatorDeactivationAndReactivationAreWrittenAtOnce) {
  auto pool = open_pool(2, {}, true);
  call_ok(*pool);
  call_ok(*pool);  // deferred
  ASSERT_TRUE(pool->force_deactivate(1, "점검"));
  EXPECT_EQ(file_key(1)["is_active"], false);
  EXPECT_EQ(file_usage(1), 1);
  ASSERT_TRUE(pool->reactivate(1));
  EXPECT_EQ(file_key(1)["is_active"], true);
}

TEST_F(KeyPoolSaveInterval, NewKstDayIsWrittenAtOnce) {
  clock.set(kst("2026-11-25T23:59:59"));
  auto pool = open_pool(1, {}, true);
  clock.advance(500ms);
  call_ok(*pool);
  EXPECT_EQ(read_state()["day"], "2026-11-25");
  clock.advance(600ms);  // 00:00:00.100 KST, well within the interval
  call_ok(*pool);
  EXPECT_EQ(read_state()["day"], "2026-11-26");
  EXPECT_EQ(file_usage(0), 1);
  EXPECT_EQ(file_calls(0), 2);
}

TEST_F(KeyPoolSaveInterval, PerSecondLimitsAndServiceErrorsAreOnlyCounters) {
  auto pool = open_pool(2, {}, true);
  call_ok(*pool);
  pool->report(take(*pool), k_list_operation, per_second());  // key 1: a back-off of memory only
  pool->report(take(*pool), k_list_operation, service_error());  // key 0
  EXPECT_EQ(file_calls(0), 1);
  EXPECT_EQ(file_calls(1), 0);
  clock.advance(1s);
  call_ok(*pool);
  EXPECT_EQ(file_calls(0) + file_calls(1), 4);
}

TEST_F(KeyPoolSaveInterval, ZeroIntervalSavesEveryCall) {
  KeyPolicy policy;
  policy.usage_save_interval = 0ms;
  auto pool = open_pool(1, policy, true);
  for (int i = 1; i <= 3; ++i) {
    call_ok(*pool);
    EXPECT_EQ(file_usage(0), i);
  }
}

TEST_F(KeyPoolSaveInterval, FailedStatusSaveIsRetriedAtTheNextReport) {
  auto pool = open_pool(2, {}, true);
  call_ok(*pool);
  // A folder where the lock file should be: saves fail until it is gone.
  fs::path lock = state_file.string() + ".lock";
  fs::remove(lock);
  fs::create_directories(lock);
  pool->report(take(*pool), k_list_operation, key_error());  // key 1: not written
  fs::remove(lock);
  call_ok(*pool);  // within the interval, but the error still waits to be written
  EXPECT_EQ(file_key(1)["consecutive_errors"], 1);
  EXPECT_EQ(file_calls(0), 2);
}

TEST_F(KeyPoolSaveInterval, TwoProcessesSharingTheFileKeepEachOthersDeferredUsage) {
  auto a = open_pool(2, {}, true);
  auto b = open_pool(2, {}, true);
  for (int i = 0; i < 10; ++i) {
    call_ok(*a);
    call_ok(*b);
    clock.advance(300ms);
  }
  // Some of each one's calls are still deferred, none is lost in the merge so far.
  int in_file = file_calls(0) + file_calls(1);
  EXPECT_LT(in_file, 20);
  EXPECT_GE(in_file, 8);
  ASSERT_TRUE(b->force_deactivate(1, "운영자 점검"));  // B's deferred counters go with it
  call_ok(*a);  // key 0: deferred
  a.reset();    // A's destructor merges its rest with B's deactivation
  json doc = read_state();
  EXPECT_EQ(doc["keys"][0]["usage"]["areaBasedList2"], 11);
  EXPECT_EQ(doc["keys"][1]["usage"]["areaBasedList2"], 10);
  EXPECT_EQ(doc["keys"][1]["is_active"], false);
  b.reset();
  auto c = open_pool(2, {}, true);
  auto s = c->detailed_status(k_list_operation);
  EXPECT_EQ(s[0].usage, 11);
  EXPECT_EQ(s[1].usage, 10);
  EXPECT_EQ(s[0].total_calls + s[1].total_calls, 21);
  EXPECT_FALSE(s[1].is_active);
}

TEST_F(KeyPoolSaveInterval, ConcurrentReportsLoseNoDeferredUsage) {
  auto pool = open_pool(3, {}, true);
  std::vector<std::thread> workers;
  for (int t = 0; t < 6; ++t)
    workers.emplace_back([this, &pool] {
      for (int done = 0; done < 50;) {
        auto got = pool->acquire(k_list_operation);
        // A key not yet known to work serves one call at a time: ask again.
        if (!std::holds_alternative<KeyLease>(got)) {
          std::this_thread::yield();
          continue;
        }
        pool->report(std::get<KeyLease>(got), k_list_operation, ok());
        clock.advance(7ms);
        ++done;
      }
    });
  for (auto& w : workers) w.join();
  pool.reset();
  EXPECT_EQ(file_calls(0) + file_calls(1) + file_calls(2), 300);
  EXPECT_EQ(file_usage(0) + file_usage(1) + file_usage(2), 300);
}

}  // namespace
}  // namespace kto::keys::testing
