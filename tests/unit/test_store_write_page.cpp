// Pages: upserts by contentid, checkpoints in the same transaction, hidden rows, odd data.
#include <gtest/gtest.h>

#include <vector>

#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreWritePage = StoreTest;

namespace {
constexpr const char* k_day1 = "2026-11-25T02:00:00+09:00";
constexpr const char* k_day2 = "2026-11-26T02:00:00+09:00";
}  // namespace

TEST_F(StoreWritePage, InsertsItemsThenUpdatesThemWithoutDuplicates) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  auto first = db->write_page(page_of(items, run, k_day1));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->inserted, 5);
  EXPECT_EQ(first->updated, 0);

  auto second = db->write_page(page_of(items, run, k_day2, 2));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->inserted, 0);
  EXPECT_EQ(second->updated, 5);
  EXPECT_EQ(*db->count_restaurants(), 5);
  const std::string where = " FROM restaurants WHERE contentid = '2750144'";
  EXPECT_EQ(query_text(*db, "SELECT first_seen_at" + where), k_day1);
  EXPECT_EQ(query_text(*db, "SELECT last_seen_at" + where), k_day2);
}

TEST_F(StoreWritePage, StoresTheFieldsAsSnakeCaseColumns) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), k_day1, 1, false, 34)).ok());
  const std::string where = " FROM restaurants WHERE contentid = '2750144'";
  EXPECT_EQ(query_text(*db, "SELECT title" + where), "가가상점");
  EXPECT_EQ(query_text(*db, "SELECT ldong_regn_cd" + where), "44");
  EXPECT_EQ(query_text(*db, "SELECT ldong_signgu_cd" + where), "150");
  EXPECT_EQ(query_text(*db, "SELECT lcls_systm3" + where), "SH050200");
  EXPECT_EQ(query_text(*db, "SELECT areacode" + where), "");  // as received: blank
  EXPECT_EQ(query_text(*db, "SELECT area_code" + where), "34");
  EXPECT_EQ(query_text(*db, "SELECT zipcode" + where), "32546");
  EXPECT_EQ(query_text(*db, "SELECT hidden" + where), "0");
}

TEST_F(StoreWritePage, RecordsTheCheckpointWithThePage) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1, 1)).ok());
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1, 2)).ok());
  auto cps = db->checkpoints(run);
  ASSERT_TRUE(cps.ok());
  ASSERT_EQ(cps->size(), 2u);
  EXPECT_EQ((*cps)[0].scope, "area:1");
  EXPECT_EQ((*cps)[0].page_size, 5);
  EXPECT_EQ((*cps)[0].page_no, 1);
  EXPECT_EQ((*cps)[0].total_count, 50872);
  EXPECT_EQ((*cps)[0].rows, 5);
  EXPECT_EQ((*cps)[1].page_no, 2);
  EXPECT_TRUE(db->checkpoints(run + 1)->empty());
}

TEST_F(StoreWritePage, AFailedWriteLeavesNeitherRowsNorCheckpoint) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedList2.json");
  // No such run: the checkpoint breaks the foreign key after every item was upserted.
  auto stats = db->write_page(page_of(items, 999, k_day1));
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("restaurants.db"), std::string::npos) << stats.error().message;
  EXPECT_EQ(*db->count_restaurants(), 0);
  EXPECT_TRUE(db->checkpoints(999)->empty());
  // The connection is usable again: the transaction was rolled back, not left open.
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), k_day1)).ok());
  EXPECT_EQ(*db->count_restaurants(), 5);
}

TEST_F(StoreWritePage, PagesWrittenTogetherGiveEachPagesStatsAndCheckpoint) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  auto first_items = items;
  first_items.erase(first_items.begin() + 2, first_items.end());  // 2 of the 5
  TestPage first = page_of(first_items, run, k_day1, 1);
  TestPage second = page_of(items, run, k_day2, 2);
  std::vector<PageWrite> pages{first.write, second.write};
  auto stats = db->write_pages(pages);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats->size(), 2u);
  EXPECT_EQ((*stats)[0].inserted, 2);
  EXPECT_EQ((*stats)[0].updated, 0);
  // The second page sees the first one's rows: the same transaction, in order.
  EXPECT_EQ((*stats)[1].inserted, 3);
  EXPECT_EQ((*stats)[1].updated, 2);
  EXPECT_EQ(*db->count_restaurants(), 5);
  auto cps = db->checkpoints(run);
  ASSERT_TRUE(cps.ok());
  ASSERT_EQ(cps->size(), 2u);
  EXPECT_EQ((*cps)[0].page_no, 1);
  EXPECT_EQ((*cps)[0].rows, 2);
  EXPECT_EQ((*cps)[1].page_no, 2);
  EXPECT_EQ((*cps)[1].rows, 5);
}

TEST_F(StoreWritePage, OneFailedPageStoresNoneOfThePagesWrittenWithIt) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const auto items = fixture_items("areaBasedList2.json");
  TestPage good = page_of(items, run, k_day1, 1);
  TestPage bad = page_of(items, 999, k_day1, 2);  // no such run: its checkpoint fails
  std::vector<PageWrite> pages{good.write, bad.write};
  auto stats = db->write_pages(pages);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(*db->count_restaurants(), 0);
  EXPECT_TRUE(db->checkpoints(run)->empty());
  // Rolled back, not left open: the good page alone is stored next time.
  ASSERT_TRUE(db->write_pages(std::span<const PageWrite>(&good.write, 1)).ok());
  EXPECT_EQ(db->checkpoints(run)->size(), 1u);
}

TEST_F(StoreWritePage, SyncListShowflagZeroHidesTheRow) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedSyncList2.json");
  auto stats = db->write_page(page_of(items, new_run(*db), k_day1, 1, true));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->hidden, 2);
  EXPECT_EQ(*db->count_restaurants(), 5);
  EXPECT_EQ(*db->count_visible(), 3);
  EXPECT_EQ(query_text(*db, "SELECT hidden FROM restaurants WHERE contentid = '2924134'"), "1");
  EXPECT_EQ(query_text(*db, "SELECT showflag FROM restaurants WHERE contentid = '2924134'"), "0");
}

TEST_F(StoreWritePage, TheVisibleListingNeverHidesAndUnhidesAHiddenRow) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  nlohmann::json items = nlohmann::json::array({fixture_items("areaBasedSyncList2.json")[0]});
  ASSERT_TRUE(db->write_page(page_of(items, run, k_day1, 1, true)).ok());
  EXPECT_EQ(*db->count_visible(), 0);
  auto stats = db->write_page(page_of(items, run, k_day2, 2, false));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->hidden, 0);
  EXPECT_EQ(*db->count_visible(), 1);
}

TEST_F(StoreWritePage, AHiddenItemsBlankCodesDoNotEraseKnownOnes) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  nlohmann::json shown = fixture_items("areaBasedList2.json")[0];
  nlohmann::json hidden = shown;
  hidden["showflag"] = "0";
  for (const char* key : {"lDongRegnCd", "lDongSignguCd", "lclsSystm1", "lclsSystm2", "lclsSystm3"})
    hidden[key] = "";
  ASSERT_TRUE(db->write_page(page_of(nlohmann::json::array({shown}), run, k_day1, 1, false, 34)).ok());
  ASSERT_TRUE(db->write_page(page_of(nlohmann::json::array({hidden}), run, k_day2, 2, true, 0)).ok());
  const std::string where = " FROM restaurants WHERE contentid = '2750144'";
  EXPECT_EQ(query_text(*db, "SELECT hidden" + where), "1");
  EXPECT_EQ(query_text(*db, "SELECT ldong_regn_cd" + where), "44");
  EXPECT_EQ(query_text(*db, "SELECT lcls_systm3" + where), "SH050200");
  EXPECT_EQ(query_text(*db, "SELECT area_code" + where), "34");
}

TEST_F(StoreWritePage, RawJsonIsTheItemAsReceived) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedSyncList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), k_day1, 1, true)).ok());
  for (const auto& item : items) {
    const std::string raw = query_text(
        *db, "SELECT raw_json FROM restaurants WHERE contentid = '" +
                 item["contentid"].get<std::string>() + "'");
    EXPECT_EQ(nlohmann::json::parse(raw), item);
  }
}

TEST_F(StoreWritePage, KeepsTheOddCharactersOfRealData) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedSyncList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), k_day1, 1, true)).ok());
  EXPECT_EQ(query_text(*db, "SELECT addr1 FROM restaurants WHERE contentid = '2924134'"),
            "서울 송파구 올림픽로 300¸ 2층");
}

TEST_F(StoreWritePage, CoordinatesAreRealAndNullWhenNotANumber) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  nlohmann::json items = fixture_items("areaBasedList2.json");
  items[1]["mapx"] = "";
  items[1]["mapy"] = "north";
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), k_day1)).ok());
  const std::string where = " FROM restaurants WHERE contentid = '2750144'";
  EXPECT_EQ(query_text(*db, "SELECT typeof(mapx)" + where), "real");
  EXPECT_EQ(query_text(*db, "SELECT typeof(mapy)" + where), "real");
  EXPECT_EQ(query_text(*db, "SELECT mapx = 127.121658480839" + where), "1");
  EXPECT_EQ(query_text(*db, "SELECT mapy = 36.4528799330097" + where), "1");
  const std::string odd = " FROM restaurants WHERE contentid = '" +
                          items[1]["contentid"].get<std::string>() + "'";
  EXPECT_EQ(query_text(*db, "SELECT typeof(mapx)" + odd), "null");
  EXPECT_EQ(query_text(*db, "SELECT typeof(mapy)" + odd), "null");
}

TEST_F(StoreWritePage, NumbersBecomeTextAndMissingFieldsEmptyText) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  auto items = nlohmann::json::parse(
      R"([{"contentid": 123, "title": "숫자", "mlevel": 6, "mapx": 127.5, "mapy": "37.5"}])");
  auto stats = db->write_page(page_of(items, new_run(*db), k_day1));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->inserted, 1);
  const std::string where = " FROM restaurants WHERE contentid = '123'";
  EXPECT_EQ(query_text(*db, "SELECT typeof(contentid)" + where), "text");
  EXPECT_EQ(query_text(*db, "SELECT mlevel" + where), "6");
  EXPECT_EQ(query_text(*db, "SELECT typeof(tel) || ':' || tel" + where), "text:");
  EXPECT_EQ(query_text(*db, "SELECT mapx = 127.5 AND mapy = 37.5" + where), "1");
}

TEST_F(StoreWritePage, SkipsItemsWithoutAContentid) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  auto items = nlohmann::json::parse(R"([{"title": "no id"}, {"contentid": ""}, {"contentid": "7"}])");
  auto stats = db->write_page(page_of(items, new_run(*db), k_day1));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->skipped, 2);
  EXPECT_EQ(stats->inserted, 1);
  EXPECT_EQ(*db->count_restaurants(), 1);
}

TEST_F(StoreWritePage, CountsRowsByArea) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  nlohmann::json items = fixture_items("areaBasedList2.json");
  nlohmann::json seoul = nlohmann::json::array({items[0], items[1]});
  nlohmann::json busan = nlohmann::json::array({items[2], items[3], items[4]});
  ASSERT_TRUE(db->write_page(page_of(seoul, run, k_day1, 1, false, 1)).ok());
  ASSERT_TRUE(db->write_page(page_of(busan, run, k_day1, 2, false, 6)).ok());
  auto counts = db->count_by_area();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::map<int, long long>{{1, 2}, {6, 3}}));
}

TEST_F(StoreWritePage, ADiskFullIsReportedClearlyAndNothingIsStored) {
  const fs::path path = m_dir / "restaurants.db";
  auto db = open_db(path);
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  // The file may not grow: the next pages of the table have nowhere to go.
  const std::string pages = query_text(*db, "PRAGMA page_count");
  ASSERT_EQ(query_text(*db, "PRAGMA max_page_count = " + pages), pages);
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 200; ++i)
    items.push_back({{"contentid", std::to_string(i)}, {"title", std::string(2000, 'x')}});
  auto stats = db->write_page(page_of(items, run, k_day1));
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("disk full writing " + path.string()), std::string::npos)
      << stats.error().message;
  EXPECT_EQ(*db->count_restaurants(), 0);
  EXPECT_TRUE(db->checkpoints(run)->empty());
}
