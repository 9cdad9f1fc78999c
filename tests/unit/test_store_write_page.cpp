// Pages: upserts by contentid, checkpoints in the same transaction, hidden rows, odd data.
#include <gtest/gtest.h>

#include <vector>

#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

using StoreWritePage = StoreTest;
using SqliteWritePage = SqliteStoreTest;

namespace {
}  // namespace

TEST_P(StoreWritePage, InsertsItemsThenUpdatesThemWithoutDuplicates) {
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
  // The same items again: seen (last_seen_at moves), not changed.
  EXPECT_EQ(second->updated, 0);
  EXPECT_EQ(second->unchanged, 5);
  EXPECT_EQ(*db->count_restaurants(), 5);
  const std::string where = " FROM restaurants WHERE contentid = '2750144'";
  EXPECT_EQ(query_text(*db, "SELECT first_seen_at" + where), k_day1);
  EXPECT_EQ(query_text(*db, "SELECT last_seen_at" + where), k_day2);
}

TEST_P(StoreWritePage, StoresTheFieldsAsSnakeCaseColumns) {
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

TEST_P(StoreWritePage, RecordsTheCheckpointWithThePage) {
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

TEST_P(StoreWritePage, AFailedWriteLeavesNeitherRowsNorCheckpoint) {
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

TEST_P(StoreWritePage, PagesWrittenTogetherGiveEachPagesStatsAndCheckpoint) {
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
  EXPECT_EQ((*stats)[1].updated, 0);
  EXPECT_EQ((*stats)[1].unchanged, 2);
  EXPECT_EQ(*db->count_restaurants(), 5);
  auto cps = db->checkpoints(run);
  ASSERT_TRUE(cps.ok());
  ASSERT_EQ(cps->size(), 2u);
  EXPECT_EQ((*cps)[0].page_no, 1);
  EXPECT_EQ((*cps)[0].rows, 2);
  EXPECT_EQ((*cps)[1].page_no, 2);
  EXPECT_EQ((*cps)[1].rows, 5);
}

TEST_P(StoreWritePage, OneFailedPageStoresNoneOfThePagesWrittenWithIt) {
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

TEST_P(StoreWritePage, SyncListShowflagZeroHidesTheRow) {
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

TEST_P(StoreWritePage, TheVisibleListingNeverHidesAndUnhidesAHiddenRow) {
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

TEST_P(StoreWritePage, AHiddenItemsBlankCodesDoNotEraseKnownOnes) {
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

TEST_P(StoreWritePage, RawJsonIsTheItemAsReceived) {
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

TEST_P(StoreWritePage, KeepsTheOddCharactersOfRealData) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto items = fixture_items("areaBasedSyncList2.json");
  ASSERT_TRUE(db->write_page(page_of(items, new_run(*db), k_day1, 1, true)).ok());
  EXPECT_EQ(query_text(*db, "SELECT addr1 FROM restaurants WHERE contentid = '2924134'"),
            "서울 송파구 올림픽로 300¸ 2층");
}

TEST_F(SqliteWritePage, CoordinatesAreRealAndNullWhenNotANumber) {
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

TEST_F(SqliteWritePage, NumbersBecomeTextAndMissingFieldsEmptyText) {
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

TEST_P(StoreWritePage, SkipsItemsWithoutAContentid) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  auto items = nlohmann::json::parse(R"([{"title": "no id"}, {"contentid": ""}, {"contentid": "7"}])");
  auto stats = db->write_page(page_of(items, new_run(*db), k_day1));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->skipped, 2);
  EXPECT_EQ(stats->inserted, 1);
  EXPECT_EQ(*db->count_restaurants(), 1);
}

TEST_P(StoreWritePage, CountsRowsByArea) {
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

TEST_F(SqliteWritePage, ADiskFullIsReportedClearlyAndNothingIsStored) {
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
  EXPECT_NE(stats.error().message.find(path.string() + "에 쓰다가 디스크가 가득 찼습니다"), std::string::npos)
      << stats.error().message;
  EXPECT_EQ(*db->count_restaurants(), 0);
  EXPECT_TRUE(db->checkpoints(run)->empty());
}

// Pages of more rows than one insert statement takes (new rows go many at a time; from the first
// stored contentid on, a page's rows go one at a time): every row lands with its own values and is
// counted once, as inserted or updated, wherever the stored rows and duplicates fall.
namespace {

nlohmann::json numbered_items(int from, int count, const std::string& title = "식당") {
  const auto sample = fixture_items("areaBasedList2.json")[0];
  nlohmann::json items = nlohmann::json::array();
  for (int i = from; i < from + count; ++i) {
    auto item = sample;
    item["contentid"] = std::to_string(5000000 + i);
    item["title"] = title + " " + std::to_string(i);
    item["mapx"] = std::to_string(127.0 + i / 1000.0);
    items.push_back(item);
  }
  return items;
}

}  // namespace

TEST_F(SqliteWritePage, LargePagesOfNewRowsAreStoredRowByRowIdentically) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  for (int count : {31, 32, 33, 64, 100}) {
    const int from = count * 1000;
    auto stats = db->write_page(page_of(numbered_items(from, count), run, k_day1, count));
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_EQ(stats->inserted, count);
    EXPECT_EQ(stats->updated, 0);
    for (int i : {from, from + count / 2, from + count - 1}) {
      const std::string where =
          " FROM restaurants WHERE contentid = '" + std::to_string(5000000 + i) + "'";
      EXPECT_EQ(query_text(*db, "SELECT title" + where), "식당 " + std::to_string(i));
      EXPECT_EQ(query_text(*db, "SELECT printf('%.3f', mapx)" + where),
                std::to_string(127.0 + i / 1000.0).substr(0, 7));
      EXPECT_EQ(query_text(*db, "SELECT first_seen_at = last_seen_at AND last_seen_at = '" +
                                    std::string(k_day1) + "'" + where),
                "1");
      const std::string title = "\"식당 " + std::to_string(i) + "\"";
      EXPECT_NE(query_text(*db, "SELECT raw_json" + where).find(title), std::string::npos);
    }
  }
  EXPECT_EQ(*db->count_restaurants(), 31 + 32 + 33 + 64 + 100);
}

TEST_P(StoreWritePage, StoredRowsAmongNewOnesAreUpdatedAndCountedOnce) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  // Rows 5, 40 and 99 of the page are stored already (the first inside the first 32 rows).
  for (int i : {5, 40, 99})
    ASSERT_TRUE(db->write_page(page_of(numbered_items(i, 1, "옛 이름"), run, k_day1, i)).ok());
  auto stats = db->write_page(page_of(numbered_items(0, 100, "새 이름"), run, k_day2, 1000));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->inserted, 97);
  EXPECT_EQ(stats->updated, 3);
  EXPECT_EQ(*db->count_restaurants(), 100);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE title LIKE '새 이름 %' AND "
                            "last_seen_at = '" + std::string(k_day2) + "'"),
            "100");
  const std::string first_seen = "SELECT first_seen_at FROM restaurants WHERE contentid = ";
  EXPECT_EQ(query_text(*db, first_seen + "'5000040'"), k_day1);
  EXPECT_EQ(query_text(*db, first_seen + "'5000041'"), k_day2);

  // The nightly case: every row stored.
  auto again = db->write_page(page_of(numbered_items(0, 100, "세 번째"), run, k_day2, 1001));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->updated, 100);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE title LIKE '세 번째 %'"), "100");
}

TEST_P(StoreWritePage, AContentidTwiceInALargePageCountsOnceAsEachAndKeepsTheLaterValues) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  auto items = numbered_items(0, 70);
  items[20]["contentid"] = items[3]["contentid"];  // both inside the first 32 rows
  items[50]["contentid"] = items[45]["contentid"];
  auto stats = db->write_page(page_of(items, new_run(*db), k_day1));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->inserted, 68);
  EXPECT_EQ(stats->updated, 2);
  EXPECT_EQ(*db->count_restaurants(), 68);
  EXPECT_EQ(query_text(*db, "SELECT title FROM restaurants WHERE contentid = '5000003'"), "식당 20");
  EXPECT_EQ(query_text(*db, "SELECT title FROM restaurants WHERE contentid = '5000045'"), "식당 50");
}

TEST_P(StoreWritePage, LargeSyncPagesHideAndKeepKnownCodesAsSmallOnesDo) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  ASSERT_TRUE(db->write_page(page_of(numbered_items(10, 1), run, k_day1, 1, false, 34)).ok());
  auto items = numbered_items(0, 40);
  for (int i : {2, 10, 35}) {
    items[i]["showflag"] = "0";
    items[i]["lDongRegnCd"] = "";
    items[i]["title"] = "";
  }
  auto stats = db->write_page(page_of(items, run, k_day2, 2, true, 0));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->inserted, 39);
  EXPECT_EQ(stats->updated, 1);
  EXPECT_EQ(stats->hidden, 3);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE hidden = 1"), "3");
  // The stored row that the sync list hid keeps its title and province.
  const std::string where = " FROM restaurants WHERE contentid = '5000010'";
  EXPECT_EQ(query_text(*db, "SELECT title" + where), "식당 10");
  EXPECT_EQ(query_text(*db, "SELECT area_code" + where), "34");
  EXPECT_EQ(query_text(*db, "SELECT hidden" + where), "1");
}

// A parameter keeps its text between rows when a field equals the one it already holds: every
// column must still be its row's own field, for new rows (many a statement) and stored ones (one
// at a time), whatever the pattern of blanks and repeats across rows and statements.
TEST_F(SqliteWritePage, EveryColumnIsItsOwnRowsFieldWhateverRepeatsAcrossRows) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto run = new_run(*db);
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"addr1", "addr1"}, {"addr2", "addr2"}, {"areacode", "areacode"}, {"cat1", "cat1"},
      {"cat2", "cat2"}, {"cat3", "cat3"}, {"contenttypeid", "contenttypeid"},
      {"createdtime", "createdtime"}, {"firstimage", "firstimage"}, {"firstimage2", "firstimage2"},
      {"cpyrht_div_cd", "cpyrhtDivCd"}, {"mlevel", "mlevel"}, {"modifiedtime", "modifiedtime"},
      {"sigungucode", "sigungucode"}, {"tel", "tel"}, {"title", "title"}, {"zipcode", "zipcode"},
      {"ldong_regn_cd", "lDongRegnCd"}, {"ldong_signgu_cd", "lDongSignguCd"},
      {"lcls_systm1", "lclsSystm1"}, {"lcls_systm2", "lclsSystm2"}, {"lcls_systm3", "lclsSystm3"}};
  std::string mismatch = "SELECT COUNT(*) FROM restaurants WHERE 0";
  for (const auto& [column, field] : columns)
    mismatch += " OR " + column + " IS NOT json_extract(raw_json, '$." + field + "')";
  for (int pass = 0; pass < 2; ++pass) {
    auto items = numbered_items(0, 100);
    for (int i = 0; i < 100; ++i) {
      auto& item = items[static_cast<std::size_t>(i)];
      const int k = i + pass * 5;  // the second pass moves every pattern
      item["addr2"] = k % 3 == 0 ? "" : "동 " + std::to_string(k % 5);
      item["tel"] = k % 7 < 3 ? "" : "02-" + std::to_string(k % 4);
      item["cat1"] = k % 2 ? "A05" : "";
      item["areacode"] = k % 11 == 0 ? "" : "1";
      item["firstimage"] = k % 33 == 0 ? "http://img/" + std::to_string(k) : "";
      item["mlevel"] = k < 40 ? "6" : "";
      item["zipcode"] = std::to_string(10000 + k % 32);
      item["lclsSystm3"] = k % 64 < 32 ? "FD010100" : "FD010200";
    }
    auto stats = db->write_page(page_of(items, run, pass == 0 ? k_day1 : k_day2, pass + 1));
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_EQ(stats->inserted, pass == 0 ? 100 : 0);
    EXPECT_EQ(stats->updated, pass == 0 ? 0 : 100);
    EXPECT_EQ(query_text(*db, mismatch), "0") << "pass " << pass;
    EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants WHERE addr2 = ''"), pass == 0 ? "34" : "33");
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreWritePage, ::testing::ValuesIn(store_backends()), backend_name);
