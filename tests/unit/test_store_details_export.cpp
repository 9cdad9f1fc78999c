// Exports carry the details (docs/contracts.md "Details"): CSV their columns, JSONL a "details"
// object and an "images" list; rows without details have empty columns, null and [].
#include <gtest/gtest.h>

#include <sstream>

#include "unit/details_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreDetailsExport = StoreTest;

namespace {


// 100 without details; 2561923 with common, intro and two item photos.
void rows_with_details(Store& db) {
  const std::int64_t run = new_run(db);
  put_rows(db, run, {listing_item("100", k_mod), listing_item("2561923", k_mod)}, k_in_run);
  auto common = fixture_items("detailCommon2.json");
  common["contentid"] = "2561923";
  auto intro = fixture_items("detailIntro2.json");
  auto images = fixture_items("detailImage2.json");
  const TestDetail batch[] = {
      detail_of("2561923", DetailKind::common, k_mod, common),
      detail_of("2561923", DetailKind::intro, k_mod, intro),
      detail_of("2561923", DetailKind::item_images, k_mod,
                nlohmann::json::array({images[0], images[1]}))};
  std::vector<DetailWrite> writes;
  for (const TestDetail& d : batch) writes.push_back(d.write);
  auto written = db.write_details(writes);
  ASSERT_TRUE(written.ok()) << written.error().message;
}

std::vector<std::string> csv_fields(const std::string& line) {
  // Enough for these rows: the fields tested hold no quoted commas before them.
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

}  // namespace

TEST_P(StoreDetailsExport, CsvGainsTheDetailColumnsAfterTheRestaurants) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  rows_with_details(*db);
  std::ostringstream out;
  auto rows = db->export_csv(out);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(*rows, 2);
  const std::string csv = out.str();
  const std::string header = csv.substr(0, csv.find("\r\n"));
  EXPECT_NE(header.find(",hidden,overview,homepage,detail_tel,telname,firstmenu,treatmenu,"),
            std::string::npos) << header;
  EXPECT_NE(header.find(",lcnsno,common_fetched_at,common_modifiedtime,intro_fetched_at,"),
            std::string::npos) << header;
  EXPECT_TRUE(header.ends_with(",menu_images_modifiedtime,item_images,menu_images")) << header;
  EXPECT_EQ(header.find("_json"), std::string::npos);
  const std::size_t columns = csv_fields(header).size();

  // The row without details: its detail fields are empty, the row as wide as the header.
  const std::size_t second = csv.find("\r\n") + 2;
  const std::string plain = csv.substr(second, csv.find("\r\n", second) - second);
  ASSERT_TRUE(plain.starts_with("100,"));
  EXPECT_TRUE(plain.ends_with(std::string(29, ',') + ",")) << plain;
  EXPECT_EQ(csv_fields(plain + "x").size(), columns);

  EXPECT_NE(csv.find(",매주 화요일,"), std::string::npos);
  EXPECT_NE(csv.find(",031-7167-9266,고향삼겹살 본점 예약실,"), std::string::npos);
  EXPECT_NE(csv.find("1548925_image2_1.jpg http://tong.visitkorea.or.kr/cms/resource/88/"
                     "1548926_image2_1.jpg,\r\n"),
            std::string::npos);
}

TEST_P(StoreDetailsExport, JsonlHasADetailsObjectAndAnImagesList) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  rows_with_details(*db);
  std::ostringstream out;
  auto rows = db->export_jsonl(out);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(*rows, 2);
  std::stringstream in(out.str());
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto plain = nlohmann::json::parse(line);
  EXPECT_EQ(plain["contentid"], "100");
  EXPECT_TRUE(plain["details"].is_null());
  EXPECT_EQ(plain["images"], nlohmann::json::array());
  ASSERT_TRUE(std::getline(in, line));
  const auto rich = nlohmann::json::parse(line);
  ASSERT_TRUE(rich["details"].is_object()) << line;
  EXPECT_EQ(rich["details"]["telname"], "고향삼겹살 본점 예약실");
  EXPECT_EQ(rich["details"]["restdatefood"], "매주 화요일");
  EXPECT_EQ(rich["details"]["common_modifiedtime"], k_mod);
  EXPECT_TRUE(rich["details"]["item_images_fetched_at"].is_string());
  EXPECT_TRUE(rich["details"]["menu_images_fetched_at"].is_null());
  EXPECT_FALSE(rich["details"].contains("common_json"));
  ASSERT_EQ(rich["images"].size(), 2u);
  EXPECT_EQ(rich["images"][0]["kind"], "item");
  EXPECT_EQ(rich["images"][0]["serialnum"], "1548925_1");
  EXPECT_EQ(rich["images"][1]["cpyrht_div_cd"], "Type3");
  EXPECT_EQ(rich["title"], "식당 2561923");  // the listing's columns stay where they were
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreDetailsExport, ::testing::ValuesIn(store_backends()),
                         backend_name);
