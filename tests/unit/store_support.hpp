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
#include <string>
#include <vector>

#include "kto/store/store.hpp"
#include "unit/sqlite_store_probe.hpp"

namespace kto::store::testing {

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
  // Opens (creating, migrating) the store at where, a path in the test's temp dir; a store that is
  // not a file derives its database from it. Opening the same path again reopens that store.
  std::function<Result<std::unique_ptr<Store>>(const fs::path& where)> open;
  // The first column of the first row of sql in the store's own database, as text.
  std::function<std::string(Store& store, const std::string& sql)> query_text;
};

// Every implementation of the contract: SQLite today; PostgreSQL joins with one more entry.
inline std::vector<StoreBackend> store_backends() {
  return {StoreBackend{
      "sqlite",
      [](const fs::path& where) { return open_store(where.string()); },
      [](Store& store, const std::string& sql) {
        return SqliteStoreProbe::query_text(static_cast<SqliteStore&>(store), sql);
      }}};
}

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
