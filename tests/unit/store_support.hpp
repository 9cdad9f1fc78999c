#pragma once
// Shared by the store's unit tests: a temp dir per test, fixture items, one-value queries.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "kto/store/database.hpp"

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

// The first column of the first row, as text ("" when NULL or no row).
inline std::string query_text(Database& db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  return out;
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

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kto-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  std::unique_ptr<Database> open_db(const fs::path& path) {
    auto db = Database::open(path);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(db).value() : nullptr;
  }

  std::int64_t new_run(Database& db, const std::string& status = "running") {
    RunRecord run;
    run.started_at = "2026-11-25T02:00:00+09:00";
    run.mode = "major";
    run.regions = "1,6,31,39";
    run.options = R"({"page_size":5})";
    auto id = db.begin_run(run);
    EXPECT_TRUE(id.ok());
    if (status != "running") {
      run.id = *id;
      run.status = status;
      EXPECT_TRUE(db.update_run(run).ok());
    }
    return id.ok() ? *id : 0;
  }

  fs::path m_dir;
};

}  // namespace kto::store::testing
