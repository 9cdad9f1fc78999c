// The store's factory and run lock: what --db picks, what export may not create, and the lock
// a collection run holds (exit 5 for a second run, or its --wait).
#include <gtest/gtest.h>

#include <fstream>

#include "kto/util/files.hpp"
#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreFactory = SqliteStoreTest;
using StoreRunLock = StoreTest;

TEST_F(StoreFactory, APathOpensAnSqliteStoreAtThatPath) {
  const fs::path path = m_dir / "data" / "restaurants.db";
  auto db = open_store(path.string());
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_NE(dynamic_cast<SqliteStore*>(db->get()), nullptr);
  EXPECT_TRUE(fs::is_regular_file(path));
  EXPECT_EQ(*(*db)->schema_version(), Store::k_schema_version);
}

// Issue 18: a URL selects PostgreSQL (it was refused before the store existed). A server that
// cannot be reached is an error naming PostgreSQL with the password masked, and nothing is made
// on disk (no folder named "postgresql:").
TEST_F(StoreFactory, APostgresqlUrlSelectsPostgresqlAndNeverShowsItsPassword) {
  for (const std::string url : {"postgresql://kto:SECRET@127.0.0.1:1/kto?connect_timeout=2",
                                "postgres://kto:SECRET@127.0.0.1:1/kto?connect_timeout=2"}) {
    auto db = open_store(url);
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_NE(db.error().message.find("PostgreSQL"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("kto:***@127.0.0.1"), std::string::npos) << db.error().message;
    EXPECT_EQ(db.error().message.find("SECRET"), std::string::npos) << db.error().message;
  }
  EXPECT_TRUE(fs::is_empty(m_dir));
}

TEST_F(StoreFactory, OpeningAnExistingStoreNeverCreatesOne) {
  const fs::path path = m_dir / "restaurants.db";
  auto missing = open_store(path.string(), OpenMode::existing);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().exit_code, kto::ExitCode::usage);
  EXPECT_NE(missing.error().message.find(path.string() + "에 데이터베이스가 없습니다"), std::string::npos)
      << missing.error().message;
  EXPECT_FALSE(fs::exists(path));
  ASSERT_NE(open_db(path), nullptr);
  EXPECT_TRUE(open_store(path.string(), OpenMode::existing).ok());
}

TEST_P(StoreRunLock, ASecondLockIsRefusedWithExitFiveNamingTheHolderUntilTheFirstIsLetGo) {
  auto first = open_db(m_dir / "restaurants.db");
  auto second = open_db(m_dir / "restaurants.db");
  ASSERT_TRUE(first && second);
  auto held = first->lock_run(false, "pid 4242, 2026-11-25 02:00:00 KST 시작");
  ASSERT_TRUE(held.ok()) << held.error().message;
  auto refused = second->lock_run(false, "pid 4343, 2026-11-25 02:01:00 KST 시작");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().exit_code, kto::ExitCode::locked);
  EXPECT_NE(refused.error().message.find("pid 4242, 2026-11-25 02:00:00 KST 시작"), std::string::npos)
      << refused.error().message;
  held->reset();
  auto taken = second->lock_run(false, "pid 4343, 2026-11-25 02:01:00 KST 시작");
  EXPECT_TRUE(taken.ok()) << taken.error().message;
}

TEST_P(StoreRunLock, TheLockOutlivesTheStoreThatHandedItOut) {
  std::unique_ptr<RunLock> lock;
  {
    auto db = open_db(m_dir / "restaurants.db");
    ASSERT_NE(db, nullptr);
    auto held = db->lock_run(false, "pid 1");
    ASSERT_TRUE(held.ok());
    lock = std::move(*held);
  }
  auto other = open_db(m_dir / "restaurants.db");
  ASSERT_NE(other, nullptr);
  auto refused = other->lock_run(false, "pid 2");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().exit_code, kto::ExitCode::locked);
  lock.reset();
  EXPECT_TRUE(other->lock_run(false, "pid 2").ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreRunLock, ::testing::ValuesIn(store_backends()), backend_name);

// A run takes SQLite's lock before it opens the file: refused, it leaves nothing behind (no empty
// database beside a lock another run was just given) and says "locked" even when the file is
// damaged, where opening first said "failed" (1) and hid the other run.
TEST_F(StoreFactory, ARunRefusedByTheLockCreatesNothingAndADamagedFileIsStillLocked) {
  const fs::path path = m_dir / "data" / "restaurants.db";
  fs::create_directories(path.parent_path());
  auto held = kto::util::FileLock::try_acquire(path.string() + ".lock");
  ASSERT_TRUE(held.ok() && held->has_value());
  (*held)->write_note("pid 4242, 2026-11-25 02:00:00 KST 시작");
  for (auto kind : {RunKind::listing, RunKind::details}) {
    auto refused = open_store_for_run(path.string(), kind, false, "pid 1");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().exit_code, kto::ExitCode::locked);
    EXPECT_NE(refused.error().message.find("pid 4242"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(fs::exists(path));
  }
  { std::ofstream(path) << "not a database, and longer than a header of one would be......"; }
  auto damaged = open_store_for_run(path.string(), RunKind::listing, false, "pid 1");
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().exit_code, kto::ExitCode::locked) << damaged.error().message;
  held->reset();
  auto failed = open_store_for_run(path.string(), RunKind::listing, false, "pid 1");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().exit_code, kto::ExitCode::locked) << failed.error().message;
}

// A listing holds the lock on every store; detail work only where one process works at a time:
// PostgreSQL's hosts divide it by claims, so two of them open it together.
TEST_P(StoreRunLock, AListingIsAloneOnEveryStoreAndDetailWorkWhereTheStoreCannotShareIt) {
  auto location = GetParam().location(m_dir / "restaurants.db");
  ASSERT_TRUE(location.ok()) << location.error().message;
  auto first = open_store_for_run(*location, RunKind::listing, false, "pid 4242");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_NE(first->lock, nullptr);
  auto second = open_store_for_run(*location, RunKind::listing, false, "pid 4343");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().exit_code, kto::ExitCode::locked);
  first->lock.reset();  // as `collect --details` does after its listing on a shared store

  auto details = open_store_for_run(*location, RunKind::details, false, "pid 1");
  ASSERT_TRUE(details.ok()) << details.error().message;
  const bool shared = details->store->shares_detail_work();
  EXPECT_EQ(details->lock == nullptr, shared);
  auto more = open_store_for_run(*location, RunKind::details, false, "pid 2");
  EXPECT_EQ(more.ok(), shared);
  if (!more.ok()) {
    EXPECT_EQ(more.error().exit_code, kto::ExitCode::locked);
  }
  // Details on a shared store never keep a listing out.
  auto listing = open_store_for_run(*location, RunKind::listing, false, "pid 3");
  EXPECT_EQ(listing.ok(), shared);
}
