// Opening, migrating and refusing files; the runs table.
#include <gtest/gtest.h>

#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using SqliteOpen = SqliteStoreTest;
using StoreRuns = StoreTest;

TEST_F(SqliteOpen, CreatesItsFoldersAndMigratesToTheCurrentSchema) {
  const fs::path path = m_dir / "data" / "nested" / "restaurants.db";
  auto db = open_db(path);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(fs::exists(path));
  auto version = db->schema_version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, Store::k_schema_version);
  for (const char* table : {"restaurants", "collection_runs", "run_pages", "schema_version"})
    EXPECT_EQ(query_text(*db, std::string("SELECT name FROM sqlite_master WHERE name = '") + table + "'"),
              table);
  EXPECT_EQ(query_text(*db, "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                            "sql LIKE '%area_code%'"),
            "restaurants_area_code");
}

TEST_F(SqliteOpen, ReopeningKeepsDataAndMigratesOnlyOnce) {
  const fs::path path = m_dir / "restaurants.db";
  {
    auto db = open_db(path);
    ASSERT_NE(db, nullptr);
    new_run(*db);
  }
  auto db = open_db(path);
  ASSERT_NE(db, nullptr);
  // One row per migration, each applied once.
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM schema_version"),
            std::to_string(Store::k_schema_version));
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM collection_runs"), "1");
}

TEST_F(SqliteOpen, ANewFileGetsLargePagesAnOlderOneKeepsItsOwn) {
  auto fresh = open_db(m_dir / "new.db");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(query_text(*fresh, "PRAGMA page_size"), "16384");

  const fs::path old_path = m_dir / "old.db";
  {
    // A file made with 4 KiB pages (as the first releases made them), holding our schema.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(old_path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA page_size=4096; CREATE TABLE t(x); DROP TABLE t;", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto old = open_db(old_path);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(query_text(*old, "PRAGMA page_size"), "4096");
  EXPECT_EQ(*old->schema_version(), Store::k_schema_version);
}

TEST_F(SqliteOpen, TurnsOnWalModeAndForeignKeys) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(*db, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(query_text(*db, "PRAGMA synchronous"), "1");  // NORMAL
}

TEST_F(SqliteOpen, RefusesAFileThatIsNotADatabaseAndSaysWhatToDo) {
  const fs::path path = m_dir / "restaurants.db";
  const std::string text = "contentid,title\n1,not a database at all but a CSV file someone saved here\n";
  { std::ofstream(path) << text; }
  auto db = SqliteStore::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().exit_code, kto::ExitCode::failure);
  EXPECT_NE(db.error().message.find(path.string() + "은(는) SQLite 데이터베이스가 아닙니다"), std::string::npos)
      << db.error().message;
  EXPECT_NE(db.error().message.find("--db"), std::string::npos);
  EXPECT_EQ(file_bytes(path), text);
}

TEST_F(SqliteOpen, RefusesADatabaseOfAnotherProgramAndLeavesItUnchanged) {
  const fs::path path = m_dir / "other.db";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
                              "INSERT INTO users (name) VALUES ('kim')", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  const std::string before = file_bytes(path);

  auto db = SqliteStore::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find(path.string()), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("다른 프로그램의 데이터베이스"), std::string::npos) << db.error().message;
  EXPECT_EQ(file_bytes(path), before);  // not even switched to WAL
  EXPECT_FALSE(fs::exists(path.string() + "-wal"));
}

TEST_F(SqliteOpen, RefusesARestaurantsTableItDidNotCreate) {
  const fs::path path = m_dir / "restaurants.db";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE restaurants (id INTEGER)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  const std::string before = file_bytes(path);
  auto db = SqliteStore::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(file_bytes(path), before);
}

TEST_F(SqliteOpen, RefusesASchemaNewerThanItKnows) {
  const fs::path path = m_dir / "restaurants.db";
  {
    auto db = open_db(path);
    ASSERT_NE(db, nullptr);
    ASSERT_EQ(sqlite3_exec(SqliteStoreProbe::connection(*db),
                           "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  auto db = SqliteStore::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("더 새 kto-collector"), std::string::npos) << db.error().message;
}

TEST_F(SqliteOpen, ReportsAFolderItCannotCreate) {
  const fs::path blocker = m_dir / "data";
  { std::ofstream(blocker) << "a file where the folder should be"; }
  auto db = SqliteStore::open(blocker / "restaurants.db");
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find((blocker / "restaurants.db").string()), std::string::npos)
      << db.error().message;
}

TEST_P(StoreRuns, BeginRunRecordsARunningRunThatFindRunReadsBack) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto id = new_run(*db);
  EXPECT_GT(id, 0);
  auto run = db->find_run(id);
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->has_value());
  const RunRecord& r = **run;
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.status, kto::store::RunStatus::running);
  EXPECT_EQ(r.mode, "major");
  EXPECT_EQ(r.regions, "1,6,31,39");
  EXPECT_EQ(r.options, R"({"page_size":5})");
  EXPECT_EQ(r.finished_at, "");
  auto missing = db->find_run(id + 100);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreRuns, UpdateRunFinishesItAndReopenRunMakesItRunningAgain) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  RunRecord run;
  run.id = new_run(*db);
  run.status = kto::store::RunStatus::partial;
  run.finished_at = "2026-11-25T02:30:00+09:00";
  run.api_calls = 42;
  run.records = 4100;
  ASSERT_TRUE(db->update_run(run).ok());
  auto stored = db->find_run(run.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, kto::store::RunStatus::partial);
  EXPECT_EQ((*stored)->api_calls, 42);
  EXPECT_EQ((*stored)->records, 4100);
  EXPECT_EQ((*stored)->finished_at, "2026-11-25T02:30:00+09:00");
  EXPECT_EQ((*stored)->options, R"({"page_size":5})");  // kept for --resume

  ASSERT_TRUE(db->reopen_run(run.id).ok());
  stored = db->find_run(run.id);
  EXPECT_EQ((*stored)->status, kto::store::RunStatus::running);
  EXPECT_EQ((*stored)->finished_at, "");
}

TEST_P(StoreRuns, UpdatingAnUnknownRunIsAnError) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  RunRecord run;
  run.id = 77;
  run.status = kto::store::RunStatus::success;
  EXPECT_FALSE(db->update_run(run).ok());
  EXPECT_FALSE(db->reopen_run(77).ok());
}

TEST_P(StoreRuns, LatestResumableRunIsTheNewestUnfinishedOneAfterTheLastSuccess) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  auto none = db->latest_resumable_run();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  new_run(*db, RunStatus::success);
  const auto partial = new_run(*db, RunStatus::partial);
  const auto no_keys = new_run(*db, RunStatus::no_keys);
  auto latest = db->latest_resumable_run();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, no_keys);
  EXPECT_NE((*latest)->id, partial);

  // A later success supersedes every unfinished run before it.
  const auto success = new_run(*db, RunStatus::success);
  latest = db->latest_resumable_run();
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
  auto good = db->last_successful_run();
  ASSERT_TRUE(good.ok() && good->has_value());
  EXPECT_EQ((*good)->id, success);

  for (RunStatus status : {RunStatus::interrupted, RunStatus::failed, RunStatus::running}) {
    const auto id = new_run(*db, status);
    latest = db->latest_resumable_run();
    ASSERT_TRUE(latest.ok() && latest->has_value());
    EXPECT_EQ((*latest)->id, id) << status;
  }
}

TEST_P(StoreRuns, LastSuccessfulRunIsEmptyWithoutOne) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  new_run(*db, RunStatus::failed);
  auto good = db->last_successful_run();
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(good->has_value());
}

// SQLite's page cache is the one part of the store's memory that could grow with the data: it is
// held to SqliteStore::k_cache_kib on a new file (whose page size is set after the cache is made) and
// on a file reopened, through a transaction far larger than the cache (dirty pages spill to the
// WAL) and through a scan of every row.
TEST_F(SqliteOpen, ThePageCacheStaysWithinItsCapOnNewAndReopenedFiles) {
  const fs::path path = m_dir / "restaurants.db";
  const long long cap = SqliteStore::k_cache_kib * 1024LL;
  auto cache_used = [](SqliteStore& db) {
    int used = 0, highwater = 0;
    EXPECT_EQ(sqlite3_db_status(SqliteStoreProbe::connection(db), SQLITE_DBSTATUS_CACHE_USED, &used, &highwater, 0),
              SQLITE_OK);
    return static_cast<long long>(used);
  };
  {
    auto db = open_db(path);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(query_text(*db, "PRAGMA cache_size"), "-" + std::to_string(SqliteStore::k_cache_kib));
    const std::int64_t run = new_run(*db);
    // 6 pages of 1,000 rows of ~3 KB: 18 MB in one transaction, over twice the cache.
    std::vector<TestPage> pages;
    for (int p = 0; p < 6; ++p) {
      nlohmann::json items = nlohmann::json::array();
      for (int i = 0; i < 1000; ++i)
        items.push_back({{"contentid", std::to_string(1000000 + p * 1000 + i)},
                         {"title", std::string(1500, 'a' + static_cast<char>(i % 26))}});
      pages.push_back(page_of(items, run, "2026-11-26T10:00:00+09:00", p + 1));
    }
    std::vector<PageWrite> writes;
    for (const auto& page : pages) writes.push_back(page.write);
    ASSERT_TRUE(db->write_pages(writes).ok());
    EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants"), "6000");
    EXPECT_LE(cache_used(*db), cap + cap / 20);
    EXPECT_GE(cache_used(*db), cap / 2);  // the cap, not the data, is what bounds it
  }
  auto db = open_db(path);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE raw_json LIKE '%~%'"), "0");
  EXPECT_LE(cache_used(*db), cap + cap / 20);
  EXPECT_GE(cache_used(*db), cap / 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreRuns, ::testing::ValuesIn(store_backends()), backend_name);

