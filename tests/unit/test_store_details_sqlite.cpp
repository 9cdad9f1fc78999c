// What only the SQLite store has about details: the migration of a schema 1 file in place, the
// rollback of a batch that fails halfway (forced with a trigger), and the pending query's plan.
#include <gtest/gtest.h>

#include "unit/details_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using SqliteDetails = SqliteStoreTest;

namespace {


// The statements the store prepared whose SQL holds what, summed: SQLite's own counters.
int statement_status(SqliteStore& db, const std::string& what, int counter) {
  int total = 0;
  sqlite3* conn = SqliteStoreProbe::connection(db);
  for (sqlite3_stmt* s = sqlite3_next_stmt(conn, nullptr); s != nullptr; s = sqlite3_next_stmt(conn, s))
    if (std::string(sqlite3_sql(s)).find(what) != std::string::npos)
      total += sqlite3_stmt_status(s, counter, 0);
  return total;
}

}  // namespace

TEST_F(SqliteDetails, ASchemaOneFileWithDataMigratesInPlace) {
  const fs::path path = m_dir / "restaurants.db";
  {
    auto db = open_db(path);
    ASSERT_NE(db, nullptr);
    const std::int64_t run = new_run(*db, RunStatus::success);
    put_rows(*db, run, {listing_item("100", k_mod), listing_item("200", k_mod)}, k_before_run);
    // Back to what schema 1 wrote: no details tables, version 1.
    ASSERT_TRUE(SqliteStoreProbe::exec(*db, "DROP TABLE restaurant_details; DROP TABLE "
                                            "restaurant_images; DELETE FROM schema_version "
                                            "WHERE version = 2"));
    ASSERT_EQ(*db->schema_version(), 1);
  }
  auto db = open_db(path);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(*db->schema_version(), 2);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants"), "2");
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM collection_runs"), "1");
  EXPECT_EQ(ids_of(all_pending(*db, {DetailKind::common, {}, 0})),
            (std::vector<std::string>{"100", "200"}));
  auto written = write_one(*db, no_details("100", DetailKind::common, k_mod));
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->written, 1);
}

TEST_F(SqliteDetails, ABatchThatFailsHalfwayLeavesNothing) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("100", k_mod), listing_item("200", k_mod)}, k_in_run);
  // The second write's photo is refused, as a full disk or a constraint would refuse it.
  ASSERT_TRUE(SqliteStoreProbe::exec(
      *db, "CREATE TEMP TRIGGER boom BEFORE INSERT ON restaurant_images WHEN NEW.imgname = 'boom' "
           "BEGIN SELECT RAISE(ABORT, 'boom'); END"));
  const TestDetail batch[] = {
      detail_of("100", DetailKind::common, k_mod, fixture_items("detailCommon2.json")),
      detail_of("200", DetailKind::item_images, k_mod,
                nlohmann::json::array({{{"serialnum", "1"}, {"imgname", "boom"}}}))};
  std::vector<DetailWrite> writes{batch[0].write, batch[1].write};
  auto written = db->write_details(writes);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find("restaurants.db"), std::string::npos)
      << written.error().message;
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurant_details"), "0");
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurant_images"), "0");
  EXPECT_EQ(all_pending(*db, {DetailKind::common, {}, run}).size(), 2u);
  // The store is usable afterwards: the transaction was rolled back, not left open.
  EXPECT_TRUE(write_one(*db, batch[0]).ok());
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurant_details"), "1");
}

TEST_F(SqliteDetails, PendingChunksNeitherSortNorScanTheWholeTable) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t before = new_run(*db, RunStatus::success);
  std::vector<nlohmann::json> items;
  for (int i = 0; i < 600; ++i) items.push_back(listing_item(std::to_string(10000 + i), k_mod));
  put_rows(*db, before, items, k_before_run);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("5", k_mod)}, k_in_run);
  const auto pending = all_pending(*db, {DetailKind::intro, {1}, run}, 50);
  EXPECT_EQ(pending.size(), 601u);
  const std::string chunk_sql = "ORDER BY r.contentid LIMIT";
  EXPECT_GT(statement_status(*db, chunk_sql, SQLITE_STMTSTATUS_VM_STEP), 0);  // it was measured
  EXPECT_EQ(statement_status(*db, chunk_sql, SQLITE_STMTSTATUS_SORT), 0);
  EXPECT_EQ(statement_status(*db, chunk_sql, SQLITE_STMTSTATUS_FULLSCAN_STEP), 0);
}
