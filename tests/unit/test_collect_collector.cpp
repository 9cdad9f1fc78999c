#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "fakes/fake_service.hpp"
#include "fakes/fake_transport.hpp"
#include "kto/collect/collector.hpp"
#include "kto/util/time.hpp"

using namespace kto;
namespace fs = std::filesystem;

namespace {

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    m_dir = fs::temp_directory_path() / ("kto-collector-unit-" + std::to_string(rd()));
    fs::create_directories(m_dir);
    m_service.add_items("11", 2500, 3);  // 서울: a third with a blank areacode
    m_service.add_items("26", 500);      // 부산
    m_service.add_items("50", 1);        // 제주: one item comes as an object
    // 경기 (41) has none: items "".
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::unique_ptr<keys::KeyPool> make_pool(int daily_limit = 1000) {
    keys::KeyPolicy policy;
    policy.daily_limit = daily_limit;
    auto pool = keys::KeyPool::open({"KEY-A-0123456789abcdefghij", "KEY-B-0123456789abcdefghij"},
                                    policy, m_clock, std::nullopt);
    EXPECT_TRUE(pool.ok());
    return std::move(*pool);
  }
  std::unique_ptr<store::Store> open_db() {
    auto db = store::open_store((m_dir / "restaurants.db").string());
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return std::move(*db);
  }
  collect::CollectReport collect(keys::KeyPool& pool, store::Store& db,
                                 collect::CollectOptions options) {
    api::ClientOptions client_options("http://fake/B551011/KorService2", "kto-collector",
                                      std::chrono::milliseconds(20000));
    api::TourApiClient client(m_service, pool, m_clock, client_options);
    collect::Collector collector(client, db, pool, m_clock);
    return collector.run(options, m_stop);
  }

  util::FakeClock m_clock{*util::parse_iso8601("2026-11-25T02:00:00+09:00")};
  test::FakeService m_service;
  std::atomic<bool> m_stop{false};
  fs::path m_dir;
};

using test::gateway_error;

}  // namespace

TEST_F(CollectorTest, MajorCollectsEveryRowWithOneCallPerPage) {
  auto pool = make_pool();
  auto db = open_db();
  auto report = collect(*pool, *db, {});
  EXPECT_EQ(report.status, kto::store::RunStatus::success);
  EXPECT_EQ(report.exit_code, ExitCode::ok);
  EXPECT_EQ(report.records, 3001);
  EXPECT_EQ(*db->count_restaurants(), 3001);
  // 서울 3 pages, 부산 1, 경기 1 (empty), 제주 1.
  EXPECT_EQ(m_service.calls(), 6);
  EXPECT_EQ(report.api_calls, 6);
  EXPECT_EQ(report.areas.at(1).collected, 2500);
  EXPECT_EQ(report.areas.at(1).total_count, 2500);
  EXPECT_TRUE(report.areas.at(1).complete);
  EXPECT_TRUE(report.areas.at(31).complete);
  for (const auto& q : m_service.requests()) {
    EXPECT_EQ(q.at("arrange"), "A");
    EXPECT_EQ(q.at("contentTypeId"), "39");
    EXPECT_EQ(q.count("areaCode"), 0u);
  }
}

TEST_F(CollectorTest, ASecondRunUpdatesInsteadOfDuplicating) {
  auto pool = make_pool();
  auto db = open_db();
  ASSERT_EQ(collect(*pool, *db, {}).status, kto::store::RunStatus::success);
  auto again = collect(*pool, *db, {});
  EXPECT_EQ(again.status, kto::store::RunStatus::success);
  EXPECT_EQ(again.inserted, 0);
  // The service answered the same: every row seen again, none changed.
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 3001);
  EXPECT_EQ(*db->count_restaurants(), 3001);
}

TEST_F(CollectorTest, AllReadsOneNationalListing) {
  auto pool = make_pool();
  auto db = open_db();
  collect::CollectOptions options;
  options.mode = collect::Mode::all;
  auto report = collect(*pool, *db, options);
  EXPECT_EQ(report.status, kto::store::RunStatus::success);
  EXPECT_EQ(m_service.calls(), 4);  // ceil(3001 / 1000)
  EXPECT_EQ(*db->count_restaurants(), 3001);
  EXPECT_EQ(report.areas.at(1).collected, 2500);
  EXPECT_EQ(report.areas.at(6).collected, 500);
}

TEST_F(CollectorTest, QuotaRunningOutStopsWithNoKeysAndResumeFetchesOnlyWhatIsLeft) {
  // Every call after the third is refused with 22 for every key.
  m_service.set_hook([](int call, const auto&) -> std::optional<api::HttpResponse> {
    if (call > 3) return gateway_error("22");
    return std::nullopt;
  });
  auto pool = make_pool();
  auto db = open_db();
  collect::CollectOptions one_at_a_time;
  one_at_a_time.concurrency = 1;  // first pages in area order: 서울 1/3, 부산 1/1, 경기 (empty)
  auto first = collect(*pool, *db, one_at_a_time);
  EXPECT_EQ(first.status, kto::store::RunStatus::no_keys);
  EXPECT_EQ(first.exit_code, ExitCode::no_keys);
  EXPECT_EQ(first.records, 1500);  // 서울's first page and all of 부산
  int spent_first = m_service.calls();
  EXPECT_EQ(spent_first, 5);       // 3 pages + one 22 for each of the two keys

  // The next day the quota is back.
  m_service.set_hook(nullptr);
  m_clock.advance(std::chrono::hours(24));
  auto fresh_pool = make_pool();
  collect::CollectOptions options;
  options.resume = true;
  auto second = collect(*fresh_pool, *db, options);
  EXPECT_EQ(second.status, kto::store::RunStatus::success);
  EXPECT_EQ(second.run_id, first.run_id);
  EXPECT_EQ(m_service.calls() - spent_first, 3);  // 서울 2-3, 제주: finished pages not refetched
  EXPECT_EQ(*db->count_restaurants(), 3001);
}

TEST_F(CollectorTest, AnEmptyBodyForALargePageHalvesThePageSize) {
  m_service.set_hook([](int, const auto& q) -> std::optional<api::HttpResponse> {
    if (std::stoi(q.at("numOfRows")) > 500) return test::FakeService::ok_json("");
    return std::nullopt;
  });
  auto pool = make_pool();
  auto db = open_db();
  auto report = collect(*pool, *db, {});
  EXPECT_EQ(report.status, kto::store::RunStatus::success) << (report.errors.empty() ? "" : report.errors[0]);
  EXPECT_EQ(*db->count_restaurants(), 3001);
}

TEST_F(CollectorTest, APageThatKeepsFailingMakesThePartialRunResumable) {
  m_service.set_hook([](int, const auto& q) -> std::optional<api::HttpResponse> {
    if (q.at("lDongRegnCd") == "26") {
      api::HttpResponse r;
      r.status = 500;
      r.body = "Unexpected errors";
      return r;
    }
    return std::nullopt;
  });
  auto pool = make_pool();
  auto db = open_db();
  auto first = collect(*pool, *db, {});
  EXPECT_EQ(first.status, kto::store::RunStatus::partial);
  EXPECT_EQ(first.exit_code, ExitCode::partial);
  EXPECT_FALSE(first.areas.at(6).complete);
  ASSERT_FALSE(first.errors.empty());
  // Service failures never disable a key.
  EXPECT_EQ(pool->summary(api::k_list_operation).active_keys, 2u);

  m_service.set_hook(nullptr);
  int before = m_service.calls();
  collect::CollectOptions options;
  options.resume = true;
  auto second = collect(*pool, *db, options);
  EXPECT_EQ(second.status, kto::store::RunStatus::success);
  EXPECT_EQ(m_service.calls() - before, 1);
  EXPECT_EQ(*db->count_restaurants(), 3001);
}

TEST_F(CollectorTest, AStopBeforeTheFirstPageIsAnInterruptedRun) {
  m_stop = true;
  auto pool = make_pool();
  auto db = open_db();
  auto report = collect(*pool, *db, {});
  EXPECT_EQ(report.status, kto::store::RunStatus::interrupted);
  EXPECT_EQ(m_service.calls(), 0);
}

TEST_F(CollectorTest, UnregisteredKeysAreSkippedAndTheRunStillCompletes) {
  m_service.set_hook([](int, const auto& q) -> std::optional<api::HttpResponse> {
    if (q.at("serviceKey").rfind("KEY-A", 0) == 0) return gateway_error("30");
    return std::nullopt;
  });
  auto pool = make_pool();
  auto db = open_db();
  auto report = collect(*pool, *db, {});
  EXPECT_EQ(report.status, kto::store::RunStatus::success);
  EXPECT_EQ(*db->count_restaurants(), 3001);
  // One 30 per page at most, and key A rests 10 minutes after its first error.
  EXPECT_LE(m_service.calls(), 7);
}
