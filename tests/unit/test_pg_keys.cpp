// The shared key state and detail claims against a real server: N connections never pass a
// key's daily limit together; each pending item is claimed by one worker; an expired lease is
// taken over.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "pg_support.hpp"
#include "store/postgres/pg_keys.hpp"
#include "store/postgres/pg_schema.hpp"
#include "store/postgres/pg_work.hpp"

namespace kto::store::pg {
namespace {

constexpr const char* k_day = "2026-11-25";
constexpr const char* k_now = "2026-11-25T10:00:00+09:00";

class PgKeysTest : public test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    m_conn = connect();
    ASSERT_TRUE(m_conn);
    auto ok = migrate(*m_conn);
    ASSERT_TRUE(ok) << ok.error().message;
  }
  std::unique_ptr<Connection> m_conn;
};

TEST_F(PgKeysTest, ReservationsFromManyConnectionsNeverPassTheDailyLimit) {
  ASSERT_TRUE(upsert_key(*m_conn, {.fingerprint = "aaaa", .preview = "1234567890...", .daily_limit = 50}));
  std::atomic<int> granted{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      auto conn = Connection::open(options());
      if (!conn) {
        ++failures;
        return;
      }
      for (int i = 0; i < 20; ++i) {
        auto got = reserve_call(**conn, "aaaa", k_day, "detailCommon2", k_now);
        if (!got) ++failures;
        else if (got->has_value()) ++granted;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(granted.load(), 50);  // 120 asked, exactly the limit given
  EXPECT_EQ(*calls_on(*m_conn, "aaaa", k_day, "detailCommon2"), 50);
  // Another operation and another day count apart.
  auto other = reserve_call(*m_conn, "aaaa", k_day, "detailIntro2", k_now);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->value_or(-1), 1);
  auto tomorrow = reserve_call(*m_conn, "aaaa", "2026-11-26", "detailCommon2", k_now);
  ASSERT_TRUE(tomorrow);
  EXPECT_EQ(tomorrow->value_or(-1), 1);
}

TEST_F(PgKeysTest, AReleasedCallCanBeReservedAgain) {
  ASSERT_TRUE(upsert_key(*m_conn, {.fingerprint = "bbbb", .preview = "b...", .daily_limit = 1}));
  EXPECT_TRUE(reserve_call(*m_conn, "bbbb", k_day, "areaBasedList2", k_now)->has_value());
  EXPECT_FALSE(reserve_call(*m_conn, "bbbb", k_day, "areaBasedList2", k_now)->has_value());
  ASSERT_TRUE(release_call(*m_conn, "bbbb", k_day, "areaBasedList2"));
  EXPECT_TRUE(reserve_call(*m_conn, "bbbb", k_day, "areaBasedList2", k_now)->has_value());
}

TEST_F(PgKeysTest, ARestingOrInactiveKeyGetsNoCall) {
  ASSERT_TRUE(upsert_key(*m_conn, {.fingerprint = "cccc", .preview = "c...", .daily_limit = 10}));
  ASSERT_TRUE(set_cooldown(*m_conn, "cccc", "areaBasedList2", "2026-11-25T11:00:00+09:00", "22"));
  EXPECT_FALSE(reserve_call(*m_conn, "cccc", k_day, "areaBasedList2", k_now)->has_value());
  EXPECT_TRUE(reserve_call(*m_conn, "cccc", k_day, "detailCommon2", k_now)->has_value());
  // After the cooldown, calls are given again.
  EXPECT_TRUE(reserve_call(*m_conn, "cccc", k_day, "areaBasedList2",
                           "2026-11-25T11:00:01+09:00")->has_value());
  // A whole-key rest ('') stops every operation, even one already counted today.
  ASSERT_TRUE(set_cooldown(*m_conn, "cccc", "", "2026-11-25T12:00:00+09:00", "error"));
  EXPECT_FALSE(reserve_call(*m_conn, "cccc", k_day, "detailCommon2", k_now)->has_value());
  ASSERT_TRUE(m_conn->exec("UPDATE key_state SET is_active = FALSE WHERE fingerprint = 'cccc'"));
  EXPECT_FALSE(reserve_call(*m_conn, "cccc", k_day, "detailIntro2",
                            "2026-11-25T13:00:00+09:00")->has_value());
  EXPECT_FALSE(reserve_call(*m_conn, "unknown", k_day, "detailIntro2", k_now)->has_value());
}

class PgClaimsTest : public PgKeysTest {
 protected:
  void add_items(int n) {
    std::vector<Row> rows;
    for (int i = 0; i < n; ++i)
      rows.push_back({std::to_string(1000 + i), "{}", "2026-11-25T09:00:00+09:00",
                      "2026-11-25T09:00:00+09:00", "1", "20261120000000"});
    auto copied = m_conn->copy_in(
        "COPY restaurants (contentid, raw_json, first_seen_at, last_seen_at, area_code, "
        "modifiedtime) FROM STDIN", rows, "테스트 행");
    ASSERT_TRUE(copied) << copied.error().message;
  }
};

TEST_F(PgClaimsTest, ConcurrentWorkersClaimEachItemOnce) {
  add_items(200);
  std::mutex mutex;
  std::vector<std::string> all;
  std::vector<int> per_worker(4, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      auto conn = Connection::open(options());
      if (!conn) return;
      for (;;) {
        auto got = claim_details(**conn, {.worker = "w" + std::to_string(w), .areas = "{1}",
                                          .limit = 7, .lease_seconds = 300, .now = k_now});
        if (!got || got->empty()) return;
        std::lock_guard lock(mutex);
        all.insert(all.end(), got->begin(), got->end());
        per_worker[static_cast<std::size_t>(w)] += static_cast<int>(got->size());
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(all.size(), 200u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 200u);  // none twice
}

TEST_F(PgClaimsTest, AnExpiredLeaseIsTakenOverAndALiveOneIsNot) {
  add_items(3);
  auto first = claim_details(*m_conn, {.worker = "dead", .areas = "{1}", .limit = 10,
                                       .lease_seconds = 60, .now = k_now});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->size(), 3u);
  auto during = claim_details(*m_conn, {.worker = "live", .areas = "{1}", .limit = 10,
                                        .lease_seconds = 60, .now = "2026-11-25T10:00:30+09:00"});
  ASSERT_TRUE(during);
  EXPECT_TRUE(during->empty());
  auto after = claim_details(*m_conn, {.worker = "live", .areas = "{1}", .limit = 10,
                                       .lease_seconds = 60, .now = "2026-11-25T10:01:01+09:00"});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 3u);
  // Items of other provinces are not pending.
  auto elsewhere = claim_details(*m_conn, {.worker = "x", .areas = "{6}", .limit = 10,
                                           .lease_seconds = 60, .now = "2026-11-25T11:00:00+09:00"});
  ASSERT_TRUE(elsewhere);
  EXPECT_TRUE(elsewhere->empty());
}

}  // namespace
}  // namespace kto::store::pg
