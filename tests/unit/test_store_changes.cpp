// What a stored row's upsert counts as: updated only when the row's content changed, unchanged when
// it came again as it was (its last_seen_at still moves), for listing and sync-list pages, small
// pages (one row a statement) and large ones (many new rows a statement, then one at a time).
#include <gtest/gtest.h>

#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreChanges = StoreTest;

namespace {


nlohmann::json numbered_items(int count, const std::string& title = "식당") {
  const auto sample = fixture_items("areaBasedList2.json")[0];
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    auto item = sample;
    item["contentid"] = std::to_string(7000000 + i);
    item["title"] = title + " " + std::to_string(i);
    items.push_back(item);
  }
  return items;
}

std::string where_id(const nlohmann::json& item) {
  return " FROM restaurants WHERE contentid = '" + item["contentid"].get<std::string>() + "'";
}

}  // namespace

TEST_P(StoreChanges, APageReceivedAgainAsItWasIsUnchangedNotUpdated) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1)).ok());

  auto again = db->write_page(page_of(items, run, k_day2, 2));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->updated, 0);
  EXPECT_EQ(again->unchanged, 5);
  // Seen again: last_seen_at moves even though nothing else did.
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE last_seen_at = '" +
                                std::string(k_day2) + "'"),
            "5");
}

TEST_P(StoreChanges, OnlyTheRowsWhoseFieldsChangedAreUpdated) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1)).ok());
  items[1]["title"] = "바뀐 상호";
  items[3]["mapx"] = "127.5";
  auto stats = db->write_page(page_of(items, run, k_day2, 2));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->updated, 2);
  EXPECT_EQ(stats->unchanged, 3);
  EXPECT_EQ(query_text(*db, "SELECT title" + where_id(items[1])), "바뀐 상호");
  EXPECT_EQ(query_text(*db, "SELECT mapx" + where_id(items[3])), "127.5");
}

TEST_P(StoreChanges, ARowMovedToAnotherProvinceIsUpdated) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1, 1, false, 1)).ok());
  auto stats = db->write_page(page_of(items, run, k_day2, 2, false, 6));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->updated, 5);
  EXPECT_EQ(stats->unchanged, 0);
}

TEST_P(StoreChanges, LargePagesCountUnchangedRowsToo) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  ASSERT_TRUE(db->write_page(page_of(numbered_items(100), run, k_day1)).ok());
  auto items = numbered_items(100);
  for (int i : {0, 31, 32, 99}) items[i]["tel"] = "02-000-0000";
  items.push_back(numbered_items(101)[100]);  // one new row at the end
  auto stats = db->write_page(page_of(items, run, k_day2, 2));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->inserted, 1);
  EXPECT_EQ(stats->updated, 4);
  EXPECT_EQ(stats->unchanged, 96);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE tel = '02-000-0000'"), "4");
}

// The sync list sends showflag and the listing does not: the same item from the other operation
// has another raw_json but says the same, so it is not an update either way.
TEST_P(StoreChanges, TheSameItemFromTheSyncListOrTheListingIsUnchanged) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto listed = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(listed, run, k_day1)).ok());
  auto synced = listed;
  for (auto& item : synced) item["showflag"] = "1";
  auto from_sync = db->write_page(page_of(synced, run, k_day2, 2, true));
  ASSERT_TRUE(from_sync.ok()) << from_sync.error().message;
  EXPECT_EQ(from_sync->updated, 0);
  EXPECT_EQ(from_sync->unchanged, 5);
  auto from_listing = db->write_page(page_of(listed, run, k_day2, 3));
  ASSERT_TRUE(from_listing.ok()) << from_listing.error().message;
  EXPECT_EQ(from_listing->updated, 0);
  EXPECT_EQ(from_listing->unchanged, 5);
}

TEST_P(StoreChanges, HidingARowIsAnUpdateAndSeeingItHiddenAgainIsNot) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto listed = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(listed, run, k_day1, 1, false, 34)).ok());
  // The sync list's hidden item: showflag 0 and blank codes (docs/service.md).
  auto hidden = nlohmann::json::array({listed[0]});
  hidden[0]["showflag"] = "0";
  hidden[0]["lDongRegnCd"] = "";
  hidden[0]["lDongSignguCd"] = "";
  hidden[0]["lclsSystm1"] = "";
  auto first = db->write_page(page_of(hidden, run, k_day2, 2, true, 0));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->updated, 1);
  EXPECT_EQ(first->hidden, 1);
  auto again = db->write_page(page_of(hidden, run, k_day2, 3, true, 0));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->updated, 0);
  EXPECT_EQ(again->unchanged, 1);
  EXPECT_EQ(again->hidden, 1);
  // It kept what it knew: its province and codes.
  EXPECT_EQ(query_text(*db, "SELECT area_code || '/' || ldong_regn_cd || '/' || hidden" +
                                where_id(listed[0])),
            "34/44/1");
  // Shown again by the listing: an update.
  auto shown = db->write_page(page_of(nlohmann::json::array({listed[0]}), run, k_day2, 4, false, 34));
  ASSERT_TRUE(shown.ok()) << shown.error().message;
  EXPECT_EQ(shown->updated, 1);
  EXPECT_EQ(query_text(*db, "SELECT hidden" + where_id(listed[0])), "0");
}

TEST_P(StoreChanges, AHiddenItemsNewModifiedtimeIsAnUpdate) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  auto hidden = nlohmann::json::array({fixture_items("areaBasedList2.json")[0]});
  hidden[0]["showflag"] = "0";
  ASSERT_TRUE(db->write_page(page_of(hidden, run, k_day1, 1, true, 0)).ok());
  hidden[0]["modifiedtime"] = "20261201090000";
  auto stats = db->write_page(page_of(hidden, run, k_day2, 2, true, 0));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->updated, 1);
  EXPECT_EQ(stats->unchanged, 0);
}

TEST_P(StoreChanges, TheCountsOfEachPageOfATransactionAreItsOwn) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1)).ok());
  auto changed = items;
  changed[0]["title"] = "새 이름";
  std::vector<PageWrite> pages;
  auto same_page = page_of(items, run, k_day2, 2);
  auto changed_page = page_of(changed, run, k_day2, 3);
  pages.push_back(same_page.write);
  pages.push_back(changed_page.write);
  auto stats = db->write_pages(pages);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ((*stats)[0].unchanged, 5);
  EXPECT_EQ((*stats)[0].updated, 0);
  EXPECT_EQ((*stats)[1].updated, 1);
  EXPECT_EQ((*stats)[1].unchanged, 4);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreChanges, ::testing::ValuesIn(store_backends()), backend_name);
