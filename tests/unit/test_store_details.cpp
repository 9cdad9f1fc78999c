// The store contract for restaurant details (issue 17): pending items by class and in chunks,
// batches of writes, the no-details marker and images per kind. Runs on every backend.
#include <gtest/gtest.h>

#include "unit/details_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreDetails = StoreTest;

namespace {

const std::string k_old = "20261101000000";
const std::string k_newer = "20261120000000";

nlohmann::json common_answer(const std::string& contentid) {
  auto item = fixture_items("detailCommon2.json");
  item["contentid"] = contentid;
  return item;
}

// Five shown rows of province 1: 100, 200, 300 from before the run (200's common details reflect
// an older modifiedtime: changed), 050 and 400 first seen in the run.
std::int64_t five_rows(Store& db) {
  const std::int64_t before = new_run(db, RunStatus::success);
  put_rows(db, before, {listing_item("100", k_old), listing_item("200", k_newer),
                        listing_item("300", k_old)}, k_before_run);
  auto written = write_one(db, detail_of("200", DetailKind::common, k_old, common_answer("200")));
  EXPECT_TRUE(written.ok() && written->written == 1);
  const std::int64_t run = new_run(db);
  put_rows(db, run, {listing_item("050", k_old), listing_item("400", k_old)}, k_in_run);
  return run;
}

}  // namespace

TEST_P(StoreDetails, PendingComesNewThenChangedThenBacklogEachByContentid) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = five_rows(*db);
  const auto items = all_pending(*db, {DetailKind::common, {}, run});
  EXPECT_EQ(ids_of(items), (std::vector<std::string>{"050", "400", "200", "100", "300"}));
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].cls, PendingClass::fresh);
  EXPECT_EQ(items[2].cls, PendingClass::changed);
  EXPECT_EQ(items[2].modifiedtime, k_newer);  // the listing's: what the next fetch will reflect
  EXPECT_EQ(items[3].cls, PendingClass::backlog);
  EXPECT_EQ(items[0].contenttypeid, "39");
  EXPECT_EQ(items[0].area_code, 1);

  auto counts = db->count_pending_details({DetailKind::common, {}, run});
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->fresh, 2);
  EXPECT_EQ(counts->changed, 1);
  EXPECT_EQ(counts->backlog, 2);
  EXPECT_EQ(counts->total(), 5);
}

TEST_P(StoreDetails, WithoutARunNothingIsNewAndKindsArePendingApart) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  five_rows(*db);
  // `collector details` alone: rows first seen lately are backlog like the rest.
  const auto common = all_pending(*db, {DetailKind::common, {}, 0});
  EXPECT_EQ(ids_of(common), (std::vector<std::string>{"200", "050", "100", "300", "400"}));
  // 200's common details say nothing of its intro.
  const auto intro = all_pending(*db, {DetailKind::intro, {}, 0});
  EXPECT_EQ(ids_of(intro), (std::vector<std::string>{"050", "100", "200", "300", "400"}));
  auto counts = db->count_pending_details({DetailKind::menu_images, {}, 0});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->fresh, 0);
  EXPECT_EQ(counts->backlog, 5);
}

TEST_P(StoreDetails, ChunksFollowTheCursorAcrossClassesAndNeverRepeat) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = five_rows(*db);
  const PendingQuery query{DetailKind::common, {}, run};
  std::vector<std::vector<std::string>> chunks;
  PendingCursor cursor;
  bool done = false;
  while (!done && chunks.size() < 10) {
    auto chunk = db->pending_details(query, cursor, 2);
    ASSERT_TRUE(chunk.ok()) << chunk.error().message;
    EXPECT_LE(chunk->items.size(), 2u);
    chunks.push_back(ids_of(chunk->items));
    cursor = chunk->next;
    done = chunk->done;
  }
  // Items handed out but not yet written stay pending; the cursor has moved past them.
  const std::vector<std::vector<std::string>> expected{{"050", "400"}, {"200", "100"}, {"300"}};
  EXPECT_EQ(chunks, expected);
  EXPECT_FALSE(db->pending_details(query, cursor, 0).ok());  // a limit below 1 is refused
}

TEST_P(StoreDetails, HiddenRowsAndOtherProvincesAreNotPending) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("100", k_old), listing_item("101", k_old)}, k_in_run, 1);
  put_rows(*db, run, {listing_item("600", k_old)}, k_in_run, 6);
  put_rows(*db, run, {listing_item("3100", k_old)}, k_in_run, 31);
  // A sync page hides 101 (showflag 0).
  put_rows(*db, run, {listing_item("101", k_newer, false)}, k_in_run, 1, true);
  EXPECT_EQ(ids_of(all_pending(*db, {DetailKind::common, {}, run})),
            (std::vector<std::string>{"100", "3100", "600"}));
  EXPECT_EQ(ids_of(all_pending(*db, {DetailKind::common, {1, 31}, run})),
            (std::vector<std::string>{"100", "3100"}));
  EXPECT_EQ(ids_of(all_pending(*db, {DetailKind::common, {6}, run})),
            (std::vector<std::string>{"600"}));
  EXPECT_TRUE(all_pending(*db, {DetailKind::common, {2}, run}).empty());
  auto counts = db->count_pending_details({DetailKind::common, {1, 6}, run});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total(), 2);
}

TEST_P(StoreDetails, WrittenDetailsLeavePendingUntilTheListingChanges) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("1714333", k_old)}, k_before_run);
  auto written = write_one(*db, detail_of("1714333", DetailKind::common, k_old,
                                          fixture_items("detailCommon2.json")));
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->written, 1);
  EXPECT_TRUE(all_pending(*db, {DetailKind::common, {}, run}).empty());
  EXPECT_EQ(all_pending(*db, {DetailKind::intro, {}, run}).size(), 1u);

  const std::string row = " FROM restaurant_details WHERE contentid = '1714333'";
  EXPECT_EQ(query_text(*db, "SELECT telname" + row), "고향삼겹살 본점 예약실");
  EXPECT_EQ(query_text(*db, "SELECT tel" + row), "031-7167-9266");
  EXPECT_NE(query_text(*db, "SELECT homepage" + row).find("<a href=\"http://www.matjip"),
            std::string::npos);
  EXPECT_NE(query_text(*db, "SELECT overview" + row).find("<br>"), std::string::npos);
  EXPECT_NE(query_text(*db, "SELECT common_json" + row).find("\"lclsSystm3\""), std::string::npos);
  EXPECT_EQ(query_text(*db, "SELECT common_fetched_at" + row), k_fetched_at);
  EXPECT_EQ(query_text(*db, "SELECT common_modifiedtime" + row), k_old);
  EXPECT_EQ(query_text(*db, "SELECT intro_fetched_at" + row), "");

  // The item is edited: the next listing brings a new modifiedtime, and the details are due again.
  put_rows(*db, run, {listing_item("1714333", k_newer)}, k_in_run);
  const auto again = all_pending(*db, {DetailKind::common, {}, run});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].cls, PendingClass::changed);
  EXPECT_EQ(again[0].modifiedtime, k_newer);
}

TEST_P(StoreDetails, IntroFieldsGoToTheirColumnsAndAMissingKeyIsEmpty) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("2063368", k_old)}, k_in_run);
  auto intro = fixture_items("detailIntro2.json");
  intro.erase("seat");
  ASSERT_TRUE(write_one(*db, detail_of("2063368", DetailKind::intro, k_old, intro)).ok());
  const std::string row = " FROM restaurant_details WHERE contentid = '2063368'";
  EXPECT_EQ(query_text(*db, "SELECT opentimefood" + row), "매일 11:00~21:00<br>라스트오더 20:30");
  EXPECT_EQ(query_text(*db, "SELECT restdatefood" + row), "매주 화요일");
  EXPECT_EQ(query_text(*db, "SELECT treatmenu" + row), "아메리카노, 카페라테, 수제 케이크");
  EXPECT_EQ(query_text(*db, "SELECT seat IS NOT NULL AND seat = ''" + row), "1");
  EXPECT_NE(query_text(*db, "SELECT intro_json" + row).find("\"firstmenu\""), std::string::npos);
  EXPECT_EQ(query_text(*db, "SELECT overview IS NULL" + row), "1");  // common not fetched yet
}

TEST_P(StoreDetails, NoDetailsIsRecordedAndNotAskedAgainUntilAChange) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("100", k_old)}, k_before_run);
  ASSERT_TRUE(write_one(*db, no_details("100", DetailKind::intro, k_old)).ok());
  EXPECT_TRUE(all_pending(*db, {DetailKind::intro, {}, run}).empty());
  const std::string row = " FROM restaurant_details WHERE contentid = '100'";
  EXPECT_EQ(query_text(*db, "SELECT intro_fetched_at" + row), k_fetched_at);
  EXPECT_EQ(query_text(*db, "SELECT intro_json IS NULL AND firstmenu IS NULL" + row), "1");

  put_rows(*db, run, {listing_item("100", k_newer)}, k_in_run);
  EXPECT_EQ(ids_of(all_pending(*db, {DetailKind::intro, {}, run})), std::vector<std::string>{"100"});
}

TEST_P(StoreDetails, ImagesReplaceThatItemsImagesOfThatKindOnly) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("2561923", k_old), listing_item("999", k_old)}, k_in_run);
  const auto images = fixture_items("detailImage2.json");
  ASSERT_GE(images.size(), 2u);
  const TestDetail batch[] = {
      detail_of("2561923", DetailKind::item_images, k_old, images),
      detail_of("2561923", DetailKind::menu_images, k_old, nlohmann::json::array({images[0]})),
      detail_of("999", DetailKind::item_images, k_old, images)};
  std::vector<DetailWrite> writes;
  for (const TestDetail& d : batch) writes.push_back(d.write);
  auto written = db->write_details(writes);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->written, 3);
  const std::string count = "SELECT COUNT(*) FROM restaurant_images WHERE contentid = '2561923' ";
  EXPECT_EQ(query_text(*db, count + "AND kind = 'item'"), std::to_string(images.size()));
  EXPECT_EQ(query_text(*db, count + "AND kind = 'menu'"), "1");
  EXPECT_EQ(query_text(*db, "SELECT cpyrht_div_cd FROM restaurant_images WHERE serialnum = "
                            "'1548926_2' AND contentid = '2561923' AND kind = 'item'"),
            "Type3");

  // A refetch of the item photos: one photo now; the menu photos and the other item stay.
  auto refetch = detail_of("2561923", DetailKind::item_images, k_newer,
                           nlohmann::json::array({images[1]}));
  ASSERT_TRUE(write_one(*db, refetch).ok());
  EXPECT_EQ(query_text(*db, count + "AND kind = 'item'"), "1");
  EXPECT_EQ(query_text(*db, count + "AND kind = 'menu'"), "1");
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurant_images WHERE contentid = '999'"),
            std::to_string(images.size()));
  // No photos any more (items ""): none left of that kind, and the fetch is recorded.
  ASSERT_TRUE(write_one(*db, no_details("2561923", DetailKind::menu_images, k_newer)).ok());
  EXPECT_EQ(query_text(*db, count + "AND kind = 'menu'"), "0");
  EXPECT_EQ(query_text(*db, "SELECT menu_images_modifiedtime FROM restaurant_details WHERE "
                            "contentid = '2561923'"),
            k_newer);
}

TEST_P(StoreDetails, DetailsOfAnUnlistedItemAreSkippedNotAnError) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const std::int64_t run = new_run(*db);
  put_rows(*db, run, {listing_item("100", k_old)}, k_in_run);
  const TestDetail batch[] = {detail_of("100", DetailKind::common, k_old, common_answer("100")),
                              detail_of("777", DetailKind::common, k_old, common_answer("777"))};
  std::vector<DetailWrite> writes{batch[0].write, batch[1].write};
  auto written = db->write_details(writes);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->written, 1);
  EXPECT_EQ(written->skipped, 1);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurant_details"), "1");
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreDetails, ::testing::ValuesIn(store_backends()), backend_name);
