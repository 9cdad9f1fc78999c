// Increments (issue 16): one national sync query a day whatever the run covers, items assigned to
// their provinces locally, hidden items matched by contentid; the scope an increment without an
// asked one covers; saved options of older runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "collect/run_options.hpp"
#include "fakes/fake_service.hpp"
#include "kto/collect/collector.hpp"
#include "kto/collect/increment.hpp"
#include "kto/util/time.hpp"
#include "unit/sqlite_store_probe.hpp"

using namespace kto;
namespace fs = std::filesystem;

namespace {

// A sync-list item: shown in a province (lDongRegnCd), or hidden with the lDong* codes blank.
nlohmann::json sync_item(const std::string& id, const std::string& title, const std::string& ldong,
                         bool shown, const std::string& areacode = "") {
  return {{"areacode", areacode},       {"contentid", id},      {"contenttypeid", "39"},
          {"modifiedtime", "20261125090000"}, {"title", title}, {"showflag", shown ? "1" : "0"},
          {"lDongRegnCd", shown ? ldong : ""}};
}

api::HttpResponse sync_page(const std::vector<nlohmann::json>& items) {
  nlohmann::json body = {
      {"response",
       {{"header", {{"resultCode", "0000"}, {"resultMsg", "OK"}}},
        {"body", {{"items", {{"item", items}}}, {"numOfRows", items.size()}, {"pageNo", 1},
                  {"totalCount", items.size()}}}}}};
  return test::FakeService::ok_json(body.dump());
}

class IncrementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    m_dir = fs::temp_directory_path() / ("kto-increment-unit-" + std::to_string(rd()));
    fs::create_directories(m_dir);
    m_service.add_items("11", 3);  // 서울: 11-0 … 11-2
    m_service.add_items("26", 3);  // 부산: 26-0 … 26-2
    auto db = store::open_store((m_dir / "restaurants.db").string());
    ASSERT_TRUE(db.ok());
    m_db = std::move(*db);
    keys::KeyPolicy policy;
    auto pool = keys::KeyPool::open({"KEY-A-0123456789abcdefghij"}, policy, m_clock, std::nullopt);
    ASSERT_TRUE(pool.ok());
    m_pool = std::move(*pool);
  }
  void TearDown() override {
    m_db.reset();
    fs::remove_all(m_dir);
  }

  collect::CollectReport collect(collect::CollectOptions options) {
    api::ClientOptions client_options("http://fake/B551011/KorService2", "kto-collector",
                                      std::chrono::milliseconds(20000));
    api::TourApiClient client(m_service, *m_pool, m_clock, client_options);
    collect::Collector collector(client, *m_db, *m_pool, m_clock);
    return collector.run(options, m_stop);
  }
  // The collector writes through the Store interface; the rows are read back from the SQLite file.
  std::string column(const std::string& sql) {
    return store::SqliteStoreProbe::query_text(static_cast<store::SqliteStore&>(*m_db), sql);
  }

  util::FakeClock m_clock{*util::parse_iso8601("2026-11-25T10:00:00+09:00")};
  test::FakeService m_service;
  std::atomic<bool> m_stop{false};
  fs::path m_dir;
  std::unique_ptr<store::Store> m_db;
  std::unique_ptr<keys::KeyPool> m_pool;
};

}  // namespace

TEST(IncrementPlan, EveryScopeReadsTheDayNationallyAndKeepsItsProvinces) {
  collect::CollectOptions major;
  auto scopes = collect::since_scopes(major, "20261125");
  ASSERT_EQ(scopes.size(), 1u);
  EXPECT_EQ(scopes[0].name, "since:20261125:national");
  EXPECT_EQ(scopes[0].operation, "areaBasedSyncList2");
  for (const auto& [k, v] : scopes[0].params) EXPECT_NE(k, "lDongRegnCd");
  EXPECT_EQ(scopes[0].keep_areas, (std::vector<int>{1, 6, 31, 39}));

  collect::CollectOptions all;
  all.mode = collect::Mode::all;
  scopes = collect::since_scopes(all, "20261125");
  ASSERT_EQ(scopes.size(), 1u);
  EXPECT_TRUE(scopes[0].keep_areas.empty());
}

TEST_F(IncrementTest, ShownItemsOutsideTheScopeAreSkippedAndHiddenOnesOfAnyProvinceHidden) {
  collect::CollectOptions all;
  all.mode = collect::Mode::all;
  ASSERT_EQ(collect(all).status, kto::store::RunStatus::success);
  m_service.set_hook([](int, const std::map<std::string, std::string>& q)
                         -> std::optional<api::HttpResponse> {
    if (q.at("_operation") != "areaBasedSyncList2") return std::nullopt;
    return sync_page({sync_item("11-1", "서울 새 이름", "11", true),
                      sync_item("26-1", "부산 새 이름", "26", true),
                      sync_item("26-2", "", "", false),          // 부산, hidden: no codes at all
                      sync_item("99-1", "", "", false, "1"),     // never stored, 서울's areacode
                      sync_item("99-2", "", "", false, "6")});   // never stored, 부산's
  });
  const int calls_before = m_service.calls();
  collect::CollectOptions seoul;
  seoul.mode = collect::Mode::regions;
  seoul.regions = {1};
  seoul.since = "20261125";
  auto report = collect(seoul);
  EXPECT_EQ(report.status, kto::store::RunStatus::success);
  EXPECT_EQ(m_service.calls() - calls_before, 1);  // one national call for the one day
  EXPECT_EQ(m_service.requests().back().count("lDongRegnCd"), 0u);

  EXPECT_EQ(column("SELECT title FROM restaurants WHERE contentid = '11-1'"), "서울 새 이름");
  EXPECT_EQ(column("SELECT title FROM restaurants WHERE contentid = '26-1'"), "식당 1");
  EXPECT_EQ(column("SELECT hidden FROM restaurants WHERE contentid = '26-2'"), "1");
  EXPECT_EQ(column("SELECT area_code FROM restaurants WHERE contentid = '26-2'"), "6");
  EXPECT_EQ(column("SELECT title FROM restaurants WHERE contentid = '26-2'"), "식당 2");
  EXPECT_EQ(column("SELECT hidden FROM restaurants WHERE contentid = '99-1'"), "1");
  EXPECT_EQ(column("SELECT COUNT(*) FROM restaurants WHERE contentid = '99-2'"), "0");
  EXPECT_EQ(report.records, 5);
  EXPECT_EQ(report.stored, 3);
  EXPECT_EQ(report.hidden, 2);
  EXPECT_EQ(report.areas.at(1).collected, 2);  // 11-1, 99-1
  EXPECT_EQ(report.areas.at(6).collected, 1);  // 26-2 under its stored province
}

TEST_F(IncrementTest, TheDatabaseHoldsTheProvincesOfItsRowsAndOfItsFullRuns) {
  auto none = collect::held_area_codes(*m_db);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  collect::CollectOptions options;  // major: 서울 and 부산 have rows, 경기 and 제주 none
  ASSERT_EQ(collect(options).status, kto::store::RunStatus::success);
  // A successful increment of 인천 (2) adds nothing: it did not collect 인천.
  store::RunRecord inc;
  inc.started_at = "2026-11-25T11:00:00+09:00";
  inc.mode = "regions";
  inc.regions = "2";
  inc.status = kto::store::RunStatus::success;
  collect::CollectOptions since;
  since.mode = collect::Mode::regions;
  since.regions = {2};
  since.since = "20261125";
  inc.options = collect::options_to_json(since, {"20261125"});
  ASSERT_TRUE(m_db->begin_run(inc).ok());
  auto held = collect::held_area_codes(*m_db);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, (std::vector<int>{1, 6, 31, 39}));

  collect::CollectOptions nightly;
  nightly.since = "20261125";
  nightly.scope_source = collect::ScopeSource::default_mode;
  ASSERT_TRUE(collect::resolve_increment_scope(nightly, *m_db).ok());
  EXPECT_EQ(nightly.mode, collect::Mode::regions);
  EXPECT_EQ(nightly.regions, (std::vector<int>{1, 6, 31, 39}));
  EXPECT_EQ(nightly.scope_source, collect::ScopeSource::database);
  EXPECT_EQ(collect::scope_text(nightly), "서울, 부산, 경기, 제주");

  collect::CollectOptions asked;
  asked.since = "20261125";
  asked.mode = collect::Mode::regions;
  asked.regions = {2};
  ASSERT_TRUE(collect::resolve_increment_scope(asked, *m_db).ok());
  EXPECT_EQ(asked.regions, (std::vector<int>{2}));
  EXPECT_EQ(asked.scope_source, collect::ScopeSource::asked);
}

TEST(IncrementScope, AllProvincesReadAsTheNationAndNotesSayWhy) {
  collect::CollectOptions o;
  o.mode = collect::Mode::all;
  EXPECT_EQ(collect::scope_text(o), "전국 (17개 시도)");
  EXPECT_EQ(collect::scope_note(o), "");
  o.since = "20261125";
  o.scope_source = collect::ScopeSource::database;
  EXPECT_EQ(collect::scope_note(o), "범위: 전국 (17개 시도) (--mode를 주지 않아 데이터베이스에 있는 지역 전체)");
  collect::CollectOptions first;
  first.full_for_since_last = true;
  EXPECT_EQ(collect::scope_note(first),
            "ℹ️ 성공한 수집이 아직 없어 --since last 대신 전체 수집을 했습니다 (범위: 서울, 부산, 경기, 제주)");
}
