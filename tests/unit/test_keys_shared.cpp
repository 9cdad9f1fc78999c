// The pool on a store that counts every call itself (the database's part, issue 18), with a fake
// store in memory: the store's counts decide the limits, a call not made is given back, and what
// another process (another pool on the same store) records is seen. FakeClock, no sleeping.
#include <map>
#include <mutex>
#include <tuple>

#include "keys_test_support.hpp"
#include "kto/keys/key_state_store.hpp"

namespace kto::keys::testing {
namespace {

// What the database holds, shared by every pool ("process") of a test.
struct FakeDatabase {
  std::mutex mutex;
  std::map<std::string, KeyRecord> records;  // by fingerprint; usage lives in calls
  std::map<std::tuple<std::string, std::string, std::string>, int> calls;  // fp, day, op
  int reserves = 0;
  int releases = 0;
};

class FakeSharedStore final : public KeyStateStore {
 public:
  explicit FakeSharedStore(FakeDatabase& db) : m_db(db) {}

  Result<std::optional<KeySnapshot>> load(std::span<const KeyIdentity> keys,
                                          std::string_view day) override {
    std::lock_guard lock(m_db.mutex);
    for (const auto& k : keys) {
      if (m_db.records.count(k.fingerprint)) continue;
      KeyRecord& rec = m_db.records[k.fingerprint];
      rec.fingerprint = k.fingerprint;
      rec.preview = k.preview;
      rec.daily_limit = k.daily_limit;
    }
    return std::optional<KeySnapshot>{snapshot(day)};
  }
  Result<void> sync(std::span<const KeyIdentity>, std::string_view day, const Merge& merge) override {
    std::lock_guard lock(m_db.mutex);
    KeySnapshot stored = snapshot(day);
    for (KeyRecord k : merge(&stored).keys) {
      k.usage.clear();  // the store counts calls itself; a merge never writes them
      m_db.records[k.fingerprint] = std::move(k);
    }
    return {};
  }
  bool counts_calls() const override { return true; }
  Result<std::optional<int>> reserve(const std::string& fp, std::string_view day,
                                     std::string_view op, int limit, util::TimePoint now) override {
    std::lock_guard lock(m_db.mutex);
    ++m_db.reserves;
    const KeyRecord& k = m_db.records.at(fp);
    auto rested = k.rate_limited_until.find(std::string(op));
    if (!k.is_active || (k.error_cooldown_until && *k.error_cooldown_until > now) ||
        (rested != k.rate_limited_until.end() && rested->second > now))
      return std::optional<int>{};
    int& n = m_db.calls[{fp, std::string(day), std::string(op)}];
    if (n >= limit) return std::optional<int>{};
    return std::optional<int>{++n};
  }
  Result<void> release(const std::string& fp, std::string_view day, std::string_view op) override {
    std::lock_guard lock(m_db.mutex);
    ++m_db.releases;
    int& n = m_db.calls[{fp, std::string(day), std::string(op)}];
    if (n > 0) --n;
    return {};
  }

 private:
  KeySnapshot snapshot(std::string_view day) {
    KeySnapshot out;
    out.day = std::string(day);
    for (auto [fp, k] : m_db.records) {
      for (const auto& [key, n] : m_db.calls)
        if (std::get<0>(key) == fp && std::get<1>(key) == day && n > 0) k.usage[std::get<2>(key)] = n;
      out.keys.push_back(std::move(k));
    }
    return out;
  }
  FakeDatabase& m_db;
};

class KeyPoolShared : public KeyPoolTest {
 protected:
  std::unique_ptr<KeyPool> open_shared(std::size_t n, KeyPolicy policy = {}) {
    auto pool = KeyPool::open(test_keys(n), policy, clock, std::make_unique<FakeSharedStore>(db));
    EXPECT_TRUE(pool.ok()) << (pool.ok() ? "" : pool.error().message);
    return pool.ok() ? std::move(*pool) : nullptr;
  }
  int calls_of(std::size_t key, std::string_view op = k_list_operation) {
    std::lock_guard lock(db.mutex);
    return db.calls[{util::key_fingerprint(test_keys(5)[key]), "2026-11-25", std::string(op)}];
  }
  void set_calls(std::size_t key, int n, std::string_view op = k_list_operation) {
    std::lock_guard lock(db.mutex);
    db.calls[{util::key_fingerprint(test_keys(5)[key]), "2026-11-25", std::string(op)}] = n;
  }
  FakeDatabase db;
};

TEST_F(KeyPoolShared, EveryLeaseIsReservedInTheStoreAndItsCountsDecideTheLimit) {
  KeyPolicy policy;
  policy.daily_limit = 5;
  auto pool = open_shared(2, policy);
  set_calls(0, 4);  // another process spent 4 of key 0's calls today
  // Key 0 has one call left, key 1 five: six leases in all, then none.
  std::map<std::size_t, int> leased;
  for (int i = 0; i < 6; ++i) {
    KeyLease lease = take(*pool);
    ++leased[lease.index];
    pool->report(lease, k_list_operation, ok());
  }
  EXPECT_EQ(leased[0], 1);
  EXPECT_EQ(leased[1], 5);
  EXPECT_TRUE(std::holds_alternative<NoKey>(pool->acquire(k_list_operation)));
  EXPECT_EQ(calls_of(0), 5);
  EXPECT_EQ(calls_of(1), 5);
  EXPECT_EQ(pool->calls_left_today(k_list_operation), 0);
  auto status = pool->detailed_status(k_list_operation);
  EXPECT_EQ(status[0].usage, 5);  // the other process's four and ours
  EXPECT_EQ(status[0].reason, UnavailableReason::daily_limit);
}

TEST_F(KeyPoolShared, AReleasedLeaseGivesItsCallBack) {
  KeyPolicy policy;
  policy.daily_limit = 1;
  auto pool = open_shared(1, policy);
  KeyLease lease = take(*pool);
  EXPECT_EQ(calls_of(0), 1);
  EXPECT_TRUE(std::holds_alternative<NoKey>(pool->acquire(k_list_operation)));
  pool->release(lease, k_list_operation);  // the call was never sent
  EXPECT_EQ(calls_of(0), 0);
  EXPECT_EQ(db.releases, 1);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].usage, 0);
  KeyLease again = take(*pool);  // the key serves again at once (its slow start is free again)
  EXPECT_EQ(again.index, 0u);
  EXPECT_EQ(calls_of(0), 1);
}

TEST_F(KeyPoolShared, AQuotaErrorOfAnotherProcessStopsThisOneAtItsNextLease) {
  auto a = open_shared(2);
  auto b = open_shared(2);
  KeyLease first = take(*a);
  ASSERT_EQ(first.index, 0u);
  a->report(first, k_list_operation, quota());  // the gateway's 22: written at once
  // b still believes key 0 serves; the store refuses it, b reads the store again and moves on.
  KeyLease lease = take(*b);
  EXPECT_EQ(lease.index, 1u);
  auto status = b->detailed_status(k_list_operation);
  EXPECT_EQ(status[0].reason, UnavailableReason::rate_limited);
  EXPECT_EQ(status[0].usage, 1);  // a's call, counted by the store
  EXPECT_EQ(b->quota_today(k_list_operation).by_key[0].serving, false);
}

TEST_F(KeyPoolShared, AnOperatorsDeactivationElsewhereIsSeenAndKept) {
  auto collecting = open_shared(2);
  auto op = open_shared(2);
  ASSERT_TRUE(op->force_deactivate(0, "키 유출"));
  for (int i = 0; i < 3; ++i) {
    KeyLease lease = take(*collecting);
    EXPECT_EQ(lease.index, 1u);
    collecting->report(lease, k_list_operation, ok());
  }
  ASSERT_TRUE(collecting->save().ok());  // its own save keeps the operator's decision
  auto status = collecting->detailed_status(k_list_operation);
  EXPECT_FALSE(status[0].is_active);
  EXPECT_TRUE(status[0].manual);
  std::lock_guard lock(db.mutex);
  EXPECT_FALSE(db.records.at(util::key_fingerprint(test_keys(2)[0])).is_active);
  EXPECT_EQ(db.records.at(util::key_fingerprint(test_keys(2)[1])).total_calls, 3);
}

TEST_F(KeyPoolShared, KeyErrorsOfTwoProcessesAddUpAndDeactivateTheKey) {
  KeyPolicy policy;
  policy.max_consecutive_errors = 4;
  policy.error_cooldown = std::chrono::seconds(0);
  auto a = open_shared(1, policy);
  auto b = open_shared(1, policy);
  for (int i = 0; i < 2; ++i) {
    a->report(take(*a), k_list_operation, key_error());
    b->report(take(*b), k_list_operation, key_error());
  }
  // Each saved at once (a key error is urgent), merging the other's: four in a row in the store.
  ASSERT_TRUE(a->save().ok());
  EXPECT_EQ(a->detailed_status(k_list_operation)[0].consecutive_errors, 4);
  {
    std::lock_guard lock(db.mutex);
    EXPECT_EQ(db.records.at(util::key_fingerprint(test_keys(1)[0])).consecutive_errors, 4);
  }
  // The next key error, in either process, passes the limit: the key is disabled for both.
  a->report(take(*a), k_list_operation, key_error());
  EXPECT_FALSE(a->detailed_status(k_list_operation)[0].is_active);
  EXPECT_TRUE(std::holds_alternative<NoKey>(b->acquire(k_list_operation)));
  EXPECT_FALSE(b->detailed_status(k_list_operation)[0].is_active);
}

}  // namespace
}  // namespace kto::keys::testing
