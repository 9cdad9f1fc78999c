#pragma once
// Shared by the store's unit tests: a temp dir per test, fixture items, one-value queries, and the
// store contract: StoreTest runs every test written with TEST_P on each implementation of Store
// in store_backends(). SQLite-only tests (its files, pragmas, page cache) use SqliteStoreTest.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "kto/store/store.hpp"
#include "store/postgres/pg_store.hpp"
#include "unit/pg_support.hpp"
#include "unit/sqlite_store_probe.hpp"

namespace kto::store::testing {

// Two listing days the store tests write rows on.
inline constexpr const char* k_day1 = "2026-11-25T02:00:00+09:00";
inline constexpr const char* k_day2 = "2026-11-26T02:00:00+09:00";

namespace fs = std::filesystem;

inline nlohmann::json fixture_items(const std::string& name) {
  std::ifstream in(std::string(KTO_FIXTURES_DIR) + "/tourapi/" + name);
  auto doc = nlohmann::json::parse(in);
  return doc["response"]["body"]["items"]["item"];
}

inline std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A page to store and the document its items live in (the way a received page holds them).
struct TestPage {
  std::shared_ptr<const kto::util::JsonDoc> doc;
  PageWrite write;
  operator const PageWrite&() const { return write; }  // NOLINT: passed straight to write_page
};

inline TestPage page_of(const nlohmann::json& items, std::int64_t run_id, const std::string& now,
                        int page_no = 1, bool sync = false, int area_code = 1) {
  TestPage page;
  page.doc = kto::util::JsonDoc::parse(items.dump());
  EXPECT_NE(page.doc, nullptr);
  page.write.run_id = run_id;
  page.write.checkpoint = {sync ? "sync:area:1" : "area:1", 5, page_no, 50872,
                           static_cast<int>(items.size())};
  page.write.now = now;
  page.write.from_sync_list = sync;
  if (page.doc == nullptr) return page;
  const kto::util::JsonValue list = page.doc->root();
  for (std::size_t i = 0; i < list.size(); ++i) page.write.items.push_back({list.at(i), area_code});
  return page;
}

// A store implementation the contract runs on.
struct StoreBackend {
  std::string name;
  // The --db location of the store at where, a path in the test's temp dir; a store that is not a
  // file derives its database from it, the same one for the same path.
  std::function<Result<std::string>(const fs::path& where)> location;
  // Opens (creating, migrating) the store at where. Opening the same path again reopens that store.
  Result<std::unique_ptr<Store>> open(const fs::path& where) const {
    auto at = location(where);
    if (!at) return at.error();
    return open_store(*at);
  }
  // The first column of the first row of sql in the store's own database, as text.
  std::function<std::string(Store& store, const std::string& sql)> query_text;
  // Why the backend cannot run here ("" when it can): the test skips saying so, or fails in CI.
  std::function<std::string()> unavailable = [] { return std::string(); };
};

// PostgreSQL's stores of one test process: one schema a `where` (its name a hash of the path, so
// opening the same path again reopens that store), dropped when the process ends.
class PgStoreSchemas {
 public:
  static PgStoreSchemas& instance() {
    static PgStoreSchemas schemas;
    return schemas;
  }
  ~PgStoreSchemas() {
    if (m_admin == nullptr) return;
    // At exit spdlog's registry may already be gone: the server must send no NOTICE ("drop
    // cascades to …") for the connection to log.
    (void)m_admin->exec("SET client_min_messages = warning");
    for (const std::string& schema : m_made) (void)m_admin->exec("DROP SCHEMA " + schema + " CASCADE");
  }
  // The URL of where's store, its schema made when missing.
  Result<std::string> url_for(const fs::path& where) {
    const std::string base = kto::test::pg_env("KTO_TEST_PG_URL");
    if (m_admin == nullptr) {
      auto admin = pg::Connection::open({.url = base});
      if (!admin) return admin.error();
      m_admin = std::move(*admin);
    }
    const std::string schema =
        "kto_c_" + std::to_string(::getpid()) + "_" +
        std::to_string(std::hash<std::string>{}(fs::absolute(where).string()) % 1000000007ULL);
    if (auto made = m_admin->exec("CREATE SCHEMA IF NOT EXISTS " + schema); !made) return made.error();
    m_made.insert(schema);
    // application_name carries the file name the test gave, so messages that name the store
    // (the display URL) name it on both backends.
    return kto::test::pg_url_with_schema(base, schema) +
           "&application_name=" + where.filename().string();
  }

 private:
  std::unique_ptr<pg::Connection> m_admin;
  std::set<std::string> m_made;
};

// PostgreSQL answers t/f and TIMESTAMPTZ as "2026-11-25 02:00:00+09"; the contract's queries are
// written against SQLite's answers (1/0, the times as stored).
inline std::string sqlite_like(std::string text) {
  if (text == "t") return "1";
  if (text == "f") return "0";
  if (text.size() == 22 && text[10] == ' ' && text.substr(19) == "+09") {
    text[10] = 'T';
    return text + ":00";
  }
  return text;
}

inline StoreBackend postgresql_backend() {
  StoreBackend pg_backend{
      "postgresql",
      [](const fs::path& where) { return PgStoreSchemas::instance().url_for(where); },
      [](Store& store, const std::string& sql) {
        auto rows = static_cast<PgStore&>(store).connection().exec(sql, {}, "test");
        EXPECT_TRUE(rows.ok()) << sql << ": " << (rows.ok() ? "" : rows.error().message);
        if (!rows || rows->size() == 0 || rows->is_null(0, 0)) return std::string();
        return sqlite_like(std::string(rows->text(0, 0)));
      }};
  pg_backend.unavailable = [] {
    return kto::test::pg_env("KTO_TEST_PG_URL").empty()
               ? std::string("KTO_TEST_PG_URL이 없어 PostgreSQL 테스트를 건너뜁니다 (KTO_TEST_PG_URL "
                             "unset: start one with scripts/pg_test_cluster.sh)")
               : std::string();
  };
  return pg_backend;
}

// Every implementation of the contract: SQLite and PostgreSQL (skipped, saying why, when no
// server is given; failing instead in CI, KTO_TEST_PG_REQUIRED=1).
inline std::vector<StoreBackend> store_backends() {
  return {StoreBackend{
              "sqlite",
              [](const fs::path& where) -> Result<std::string> { return where.string(); },
              [](Store& store, const std::string& sql) {
                return SqliteStoreProbe::query_text(static_cast<SqliteStore&>(store), sql);
              }},
          postgresql_backend()};
}

// gtest names the backend in a failure instead of dumping its bytes.
inline void PrintTo(const StoreBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// A temp dir for one test, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kto-store-XXXXXX").string();
    EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
    m_path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

inline std::int64_t new_run(Store& db, RunStatus status = RunStatus::running) {
  RunRecord run;
  run.started_at = "2026-11-25T02:00:00+09:00";
  run.mode = "major";
  run.regions = "1,6,31,39";
  run.options = R"({"page_size":5})";
  auto id = db.begin_run(run);
  EXPECT_TRUE(id.ok());
  if (status != RunStatus::running) {
    run.id = *id;
    run.status = status;
    EXPECT_TRUE(db.update_run(run).ok());
  }
  return id.ok() ? *id : 0;
}

// The contract: TEST_P(StoreX, …) with INSTANTIATE_TEST_SUITE_P(Stores, StoreX,
// ::testing::ValuesIn(store_backends()), backend_name).
class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    const std::string why = GetParam().unavailable();
    if (why.empty()) return;
    if (kto::test::pg_env("KTO_TEST_PG_REQUIRED") == "1") FAIL() << why << " — KTO_TEST_PG_REQUIRED=1";
    GTEST_SKIP() << why;
  }
  std::unique_ptr<Store> open_db(const fs::path& where) {
    auto db = GetParam().open(where);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::string query_text(Store& db, const std::string& sql) { return GetParam().query_text(db, sql); }

  TempDir m_tmp;
  const fs::path m_dir = m_tmp.path();
};

// What only the SQLite store has: its file, pragmas and page cache.
class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> open_db(const fs::path& path) {
    auto db = SqliteStore::open(path);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::string query_text(SqliteStore& db, const std::string& sql) {
    return SqliteStoreProbe::query_text(db, sql);
  }

  TempDir m_tmp;
  const fs::path m_dir = m_tmp.path();
};

}  // namespace kto::store::testing
