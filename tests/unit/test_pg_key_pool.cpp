// The key pool on PostgreSQL's key tables (issue 18) against a real server: two pools on two
// connections ("two processes") share two keys of limit 50 and together get exactly 100 calls; a
// 22 and an operator's deactivation reach the other pool; the tables never hold a raw key.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "kto/keys/key_pool.hpp"
#include "kto/store/key_state.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"
#include "pg_support.hpp"
#include "store/postgres/pg_schema.hpp"

namespace kto::keys {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view k_op = "detailCommon2";

std::vector<std::string> raw_keys() {
  return {"PGKEYAAAAASECRETrawKeyOne+/AAAAAAAAAAAAAAA==",
          "PGKEYBBBBBSECRETrawKeyTwo+/BBBBBBBBBBBBBBB=="};
}

class PgKeyPool : public test::PgTest {
 protected:
  PgKeyPool() : clock(*util::parse_iso8601("2026-11-25T10:00:00+09:00")) {}

  // former: open_pg_key_state's (a host's state file before the database), or none.
  std::unique_ptr<KeyPool> open_pool(int limit = 50,
                                     std::unique_ptr<KeyStateStore> former = nullptr) {
    auto shared = store::open_pg_key_state(url(), std::move(former));
    EXPECT_TRUE(shared) << shared.error().message;
    if (!shared) return nullptr;
    KeyPolicy policy;
    policy.daily_limit = limit;
    auto pool = KeyPool::open(raw_keys(), policy, clock, std::move(*shared));
    EXPECT_TRUE(pool) << pool.error().message;
    return pool ? std::move(*pool) : nullptr;
  }

  // Leases and reports successes until the pool has no key for today; returns the calls made.
  static int spend_all(KeyPool& pool, const util::Clock& clock) {
    int calls = 0;
    for (int spins = 0; spins < 100000; ++spins) {
      auto got = pool.acquire(k_op);
      if (auto* lease = std::get_if<KeyLease>(&got)) {
        ++calls;
        pool.report(*lease, k_op, {KeyOutcomeKind::success, "OK"});
        continue;
      }
      const auto& none = std::get<NoKey>(got);
      // Only a key busy with its first answer comes back this soon: the daily limit is midnight.
      if (!none.earliest || *none.earliest > clock.now() + 1h) break;
      std::this_thread::yield();
    }
    return calls;
  }

  // Every row of every table of the schema as text: what a dump of the database would hold.
  std::string dump() {
    std::string out;
    for (const auto& table : store::pg::our_tables()) {
      auto rows = m_admin->exec("SELECT COALESCE(string_agg(t::text, E'\\n'), '') FROM " + m_schema +
                                "." + table + " t");
      EXPECT_TRUE(rows) << rows.error().message;
      if (rows) out += std::string(rows->text(0, 0)) + "\n";
    }
    return out;
  }

  // A pool on the JSON state file at file (the host before PostgreSQL).
  std::unique_ptr<KeyPool> open_file_pool(const std::filesystem::path& file, int limit = 50) {
    KeyPolicy policy;
    policy.daily_limit = limit;
    auto pool = KeyPool::open(raw_keys(), policy, clock, file);
    EXPECT_TRUE(pool) << pool.error().message;
    return pool ? std::move(*pool) : nullptr;
  }
  // A pool on the database that adopts what the state file at file kept.
  std::unique_ptr<KeyPool> open_pool_after(const std::filesystem::path& file) {
    return open_pool(50, state_file_store(file, clock));
  }

  util::FakeClock clock;
};

TEST_F(PgKeyPool, TwoPoolsOnTwoConnectionsShareTwoKeysOfFiftyAndMakeExactlyOneHundredCalls) {
  auto a = open_pool();
  auto b = open_pool();
  ASSERT_TRUE(a && b);
  std::atomic<int> made_a{0};
  std::atomic<int> made_b{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&] { made_a += spend_all(*a, clock); });
    workers.emplace_back([&] { made_b += spend_all(*b, clock); });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(made_a + made_b, 100);
  EXPECT_GT(made_a.load(), 0);
  EXPECT_GT(made_b.load(), 0);
  auto calls = m_admin->exec("SELECT COALESCE(SUM(calls), 0) FROM " + m_schema +
                             ".key_usage WHERE day = '2026-11-25' AND operation = 'detailCommon2'");
  ASSERT_TRUE(calls) << calls.error().message;
  EXPECT_EQ(calls->integer(0, 0), 100);
  // A third process sees the counts of both.
  auto c = open_pool();
  auto status = c->detailed_status(k_op);
  EXPECT_EQ(status[0].usage, 50);
  EXPECT_EQ(status[1].usage, 50);
  EXPECT_EQ(c->calls_left_today(k_op), 0);
  EXPECT_EQ(status[0].total_calls + status[1].total_calls, 100);
}

TEST_F(PgKeyPool, AQuotaErrorAndADeactivationReachTheOtherProcessAtOnce) {
  auto a = open_pool();
  auto b = open_pool();
  ASSERT_TRUE(a && b);
  auto first = std::get<KeyLease>(a->acquire(k_op));
  ASSERT_EQ(first.index, 0u);
  a->report(first, k_op, {KeyOutcomeKind::daily_quota, "API 오류 (22: 일일 한도 초과)"});
  auto lease = std::get<KeyLease>(b->acquire(k_op));
  EXPECT_EQ(lease.index, 1u);  // b's view of key 0 was stale: the database refused it
  b->report(lease, k_op, {KeyOutcomeKind::success, "OK"});
  EXPECT_EQ(b->detailed_status(k_op)[0].reason, UnavailableReason::rate_limited);
  // The other operations of key 0 still serve; an operator's deactivation stops them too.
  ASSERT_TRUE(a->force_deactivate(1, "키 유출"));
  auto other = b->acquire("detailIntro2");
  ASSERT_TRUE(std::holds_alternative<KeyLease>(other));
  EXPECT_EQ(std::get<KeyLease>(other).index, 0u);
  b->release(std::get<KeyLease>(other), "detailIntro2");
  EXPECT_TRUE(std::holds_alternative<NoKey>(b->acquire(k_op)));
  auto status = b->detailed_status(k_op);
  EXPECT_FALSE(status[1].is_active);
  EXPECT_TRUE(status[1].manual);
  EXPECT_EQ(status[1].deactivation_reason.value_or(""), "키 유출");
  // The released call is not counted.
  auto intro = m_admin->exec("SELECT COALESCE(SUM(calls), 0) FROM " + m_schema +
                             ".key_usage WHERE operation = 'detailIntro2'");
  ASSERT_TRUE(intro);
  EXPECT_EQ(intro->integer(0, 0), 0);
}

TEST_F(PgKeyPool, TheDatabaseHoldsFingerprintsAndPreviewsNeverTheKey) {
  auto a = open_pool();
  ASSERT_TRUE(a);
  a->report(std::get<KeyLease>(a->acquire(k_op)), k_op,
            {KeyOutcomeKind::key_error, "API 오류 (30: 등록되지 않은 키)"});
  ASSERT_TRUE(a->force_deactivate(1, ""));
  ASSERT_TRUE(a->save());
  const std::string text = dump();
  for (const auto& key : raw_keys()) {
    EXPECT_EQ(text.find(key), std::string::npos) << "raw key in the database";
    EXPECT_EQ(text.find(key.substr(10, 20)), std::string::npos) << "part of a raw key";
    EXPECT_NE(text.find(util::key_fingerprint(key)), std::string::npos);
    EXPECT_NE(text.find(util::mask_key(key)), std::string::npos);
  }
  EXPECT_NE(text.find("operator"), std::string::npos);  // deactivated_by
}

// A host moved to PostgreSQL mid-day: the calls its state file counted today and the key its
// operator turned off are the database's from the first run, not forgotten (a fresh count of 0
// would let the pool spend the day's limit twice, and the key come back on).
TEST_F(PgKeyPool, KeysNewToTheDatabaseAdoptWhatThisHostsStateFileKeptOnce) {
  char dir_template[] = "/tmp/kto-adopt-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::filesystem::path file = std::filesystem::path(dir_template) / "api_key_cache.json";
  {
    auto before = open_file_pool(file);
    ASSERT_TRUE(before);
    ASSERT_TRUE(before->force_deactivate(1, "키 유출"));
    for (int i = 0; i < 30; ++i) {
      auto lease = std::get<KeyLease>(before->acquire(k_op));
      before->report(lease, k_op, {KeyOutcomeKind::success, "OK"});
    }
    ASSERT_TRUE(before->save());
  }
  const std::string file_text = [&] {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  auto after = open_pool_after(file);
  ASSERT_TRUE(after);
  auto status = after->detailed_status(k_op);
  EXPECT_EQ(status[0].usage, 30);  // key 1 was off before the calls: key 0 made them all
  EXPECT_FALSE(status[1].is_active);
  EXPECT_TRUE(status[1].manual);
  EXPECT_EQ(status[1].deactivation_reason.value_or(""), "키 유출");
  EXPECT_EQ(spend_all(*after, clock), 20);  // the rest of key 0's 50, and no more
  {
    std::ifstream in(file);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), file_text) << "only read";
  }
  // Once the database knows the keys it is their truth: the file is not read again.
  std::filesystem::remove(file);
  {
    auto before = open_file_pool(file);
    ASSERT_TRUE(before);
    ASSERT_TRUE(before->reactivate(1));
    ASSERT_TRUE(before->save());
  }
  auto again = open_pool_after(file);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->detailed_status(k_op)[0].usage, 50);
  EXPECT_FALSE(again->detailed_status(k_op)[1].is_active);
  std::filesystem::remove_all(dir_template);
}

}  // namespace
}  // namespace kto::keys
