// The details on PostgreSQL beside SQLite (issues 17 and 18): the same rows and answers exported
// from both stores are the same bytes; U+0000, which PostgreSQL cannot keep, is stored as U+FFFD;
// a batch that fails halfway leaves nothing. The store-generic contract is test_store_details*.cpp.
#include <gtest/gtest.h>

#include <sstream>

#include "unit/details_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

namespace {


class PgStoreDetails : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    m_db = open_db(m_dir / "pg.db");
    ASSERT_NE(m_db, nullptr);
  }
  std::unique_ptr<Store> m_db;
};

// Rows and answers with what exports must quote or render alike: commas, quotes, a newline, <br>,
// an empty value, a row without details, photos of both kinds, a no-details marker.
void same_data(Store& db) {
  const std::int64_t run = new_run(db);
  auto odd = listing_item("300", k_mod);
  odd["title"] = "따옴표 \"식당\", 본점\n2층";
  odd["mapx"] = "126.9779692";
  odd["mapy"] = "37.566535";
  put_rows(db, run, {listing_item("100", k_mod), listing_item("2561923", k_mod), odd}, k_in_run);
  auto common = fixture_items("detailCommon2.json");
  common["overview"] = "첫 줄<br>\n둘째, \"셋째\"";
  auto images = fixture_items("detailImage2.json");
  const TestDetail batch[] = {
      detail_of("2561923", DetailKind::common, k_mod, common),
      detail_of("2561923", DetailKind::intro, k_mod, fixture_items("detailIntro2.json")),
      detail_of("2561923", DetailKind::item_images, k_mod, images),
      detail_of("2561923", DetailKind::menu_images, k_mod, nlohmann::json::array({images[1]})),
      no_details("300", DetailKind::common, k_mod),
      detail_of("300", DetailKind::item_images, k_mod, nlohmann::json::array())};
  std::vector<DetailWrite> writes;
  for (const TestDetail& d : batch) writes.push_back(d.write);
  auto written = db.write_details(writes);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->written, 6);
}

std::string exported(Store& db, bool csv) {
  std::ostringstream out;
  auto rows = csv ? db.export_csv(out) : db.export_jsonl(out);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  return out.str();
}

}  // namespace

TEST_P(PgStoreDetails, ExportsWithDetailsAreSqlitesBytes) {
  auto sqlite = open_store((m_dir / "restaurants.db").string());
  ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
  same_data(**sqlite);
  same_data(*m_db);
  const std::string csv = exported(**sqlite, true);
  EXPECT_NE(csv.find("item_images,menu_images\r\n"), std::string::npos);
  EXPECT_EQ(exported(*m_db, true), csv);
  const std::string jsonl = exported(**sqlite, false);
  EXPECT_NE(jsonl.find("\"images\":[{\"kind\":\"item\""), std::string::npos) << jsonl;
  EXPECT_EQ(exported(*m_db, false), jsonl);
}

TEST_P(PgStoreDetails, ANulCharacterIsStoredAsTheReplacementCharacter) {
  const std::int64_t run = new_run(*m_db);
  auto item = listing_item("100", k_mod);
  item["title"] = std::string("널") + '\0' + "문자";
  put_rows(*m_db, run, {item}, k_in_run);  // the page is stored, not refused
  EXPECT_EQ(query_text(*m_db, "SELECT title FROM restaurants"), "널\xEF\xBF\xBD문자");
  EXPECT_EQ(query_text(*m_db, "SELECT raw_json->>'title' FROM restaurants"), "널\xEF\xBF\xBD문자");
  // An escaped backslash before "u0000" is text, not the escape: it stays.
  auto common = fixture_items("detailCommon2.json");
  common["overview"] = std::string("a\0b", 3);
  common["telname"] = "\\u0000";
  ASSERT_TRUE(write_one(*m_db, detail_of("100", DetailKind::common, k_mod, common)).ok());
  const std::string row = " FROM restaurant_details WHERE contentid = '100'";
  EXPECT_EQ(query_text(*m_db, "SELECT overview" + row), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(query_text(*m_db, "SELECT common_json->>'overview'" + row), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(query_text(*m_db, "SELECT common_json->>'telname'" + row), "\\u0000");
  EXPECT_EQ(query_text(*m_db, "SELECT telname" + row), "\\u0000");
}

TEST_P(PgStoreDetails, ABatchThatFailsHalfwayLeavesNothing) {
  const std::int64_t run = new_run(*m_db);
  put_rows(*m_db, run, {listing_item("100", k_mod), listing_item("200", k_mod)}, k_in_run);
  ASSERT_EQ(query_text(*m_db,
                       "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                       "IF NEW.imgname = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; "
                       "END $$; CREATE TRIGGER boom BEFORE INSERT ON restaurant_images FOR EACH ROW "
                       "EXECUTE FUNCTION boom(); SELECT 1"),
            "1");
  const TestDetail batch[] = {
      detail_of("100", DetailKind::common, k_mod, fixture_items("detailCommon2.json")),
      detail_of("200", DetailKind::item_images, k_mod,
                nlohmann::json::array({{{"serialnum", "1"}, {"imgname", "boom"}}}))};
  std::vector<DetailWrite> writes{batch[0].write, batch[1].write};
  auto written = m_db->write_details(writes);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find("pg.db"), std::string::npos) << written.error().message;
  EXPECT_EQ(query_text(*m_db, "SELECT COUNT(*) FROM restaurant_details"), "0");
  EXPECT_EQ(all_pending(*m_db, {DetailKind::common, {}, run}).size(), 2u);
  EXPECT_TRUE(write_one(*m_db, batch[0]).ok());  // the connection is usable afterwards
  EXPECT_EQ(query_text(*m_db, "SELECT COUNT(*) FROM restaurant_details"), "1");
}

TEST_P(PgStoreDetails, TheSchemaVersionMeansTheSameOnBothStores) {
  auto sqlite = open_store((m_dir / "restaurants.db").string());
  ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
  EXPECT_EQ(*(*sqlite)->schema_version(), Store::k_schema_version);
  auto version = m_db->schema_version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, Store::k_schema_version);
  // Version 2 is the details on either store.
  EXPECT_EQ(query_text(*m_db, "SELECT COUNT(*) FROM restaurant_details"), "0");
  EXPECT_EQ(query_text(*m_db, "SELECT COUNT(*) FROM restaurant_images"), "0");
}

// PostgreSQL's store, beside SQLite's where a test compares them.
INSTANTIATE_TEST_SUITE_P(Stores, PgStoreDetails, ::testing::Values(postgresql_backend()), backend_name);
