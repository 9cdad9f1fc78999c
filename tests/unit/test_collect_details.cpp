// The detail work (issue 17) with fakes: a listing from FakeService, then the details answered by
// a hook; the real SQLite store in a temporary folder, a FakeClock, no sleeping.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <random>
#include <set>

#include "fakes/fake_service.hpp"
#include "fakes/fake_transport.hpp"
#include "kto/collect/collector.hpp"
#include "kto/collect/details.hpp"
#include "kto/util/time.hpp"

using namespace kto;
namespace fs = std::filesystem;

namespace {

using Query = std::map<std::string, std::string>;

api::HttpResponse json_answer(const nlohmann::json& items, long long total) {
  nlohmann::json body = {{"response",
                          {{"header", {{"resultCode", "0000"}, {"resultMsg", "OK"}}},
                           {"body", {{"items", items}, {"numOfRows", total}, {"pageNo", 1},
                                     {"totalCount", total}}}}}};
  return test::FakeService::ok_json(body.dump());
}

using test::gateway_error;

// A detail answer as the service gives it: one item for common and intro, photos for images;
// contentids listed in `empty` have none (items "").
std::optional<api::HttpResponse> detail_answer(const Query& q, const std::set<std::string>& empty) {
  const std::string& op = q.at("_operation");
  if (op.rfind("detail", 0) != 0) return std::nullopt;
  const std::string id = q.at("contentId");
  if (empty.count(id)) return json_answer("", 0);
  if (op == "detailImage2")
    return json_answer({{"item", nlohmann::json::array({{{"contentid", id}, {"serialnum", "1"},
                                                         {"originimgurl", "http://i/" + id}},
                                                        {{"contentid", id}, {"serialnum", "2"},
                                                         {"originimgurl", "http://j/" + id}}})}},
                       2);
  return json_answer({{"item", {{"contentid", id}, {"overview", "소개<br>" + id},
                                {"opentimefood", "11:30~21:00"}}}},
                     1);
}

class DetailsTest : public ::testing::Test {
 protected:
  template <class F>
  auto with_client(keys::KeyPool& pool, F f) {
    api::ClientOptions options("http://fake/B551011/KorService2", "kto-collector",
                               std::chrono::milliseconds(20000));
    api::TourApiClient client(m_service, pool, m_clock, options);
    return f(client);
  }

  void SetUp() override {
    std::random_device rd;
    m_dir = fs::temp_directory_path() / ("kto-details-unit-" + std::to_string(rd()));
    fs::create_directories(m_dir);
    m_service.add_items("11", 30);  // 서울
    m_service.add_items("26", 12);  // 부산
    m_service.set_hook([this](int, const Query& q) { return answer(q); });
    auto db = store::open_store((m_dir / "restaurants.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    m_db = std::move(*db);
    m_pool = make_pool(1000);
    collect::CollectOptions options;
    options.mode = collect::Mode::regions;
    options.regions = {1, 6};
    auto listing = with_client(*m_pool, [&](api::TourApiClient& client) {
      return collect::Collector(client, *m_db, *m_pool, m_clock).run(options, m_stop);
    });
    ASSERT_EQ(listing.exit_code, ExitCode::ok);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::optional<api::HttpResponse> answer(const Query& q) {
    std::lock_guard lock(m_mutex);
    if (q.count("contentId")) m_details.push_back(q);
    if (m_refuse && q.at("_operation") == m_refuse->first && q.at("serviceKey") == m_refuse->second)
      return gateway_error("22");
    return detail_answer(q, m_empty);
  }

  std::unique_ptr<keys::KeyPool> make_pool(int daily_limit, int reserve = 0) {
    keys::KeyPolicy policy;
    policy.daily_limit = daily_limit;
    policy.reserve = reserve;
    auto pool = keys::KeyPool::open({"KEY-A-0123456789abcdefghij", "KEY-B-0123456789abcdefghij"},
                                    policy, m_clock, std::nullopt);
    EXPECT_TRUE(pool.ok());
    return std::move(*pool);
  }

  collect::DetailsReport details(keys::KeyPool& pool, collect::DetailsOptions options) {
    return with_client(pool, [&](api::TourApiClient& client) {
      return collect::DetailCollector(client, *m_db, pool, m_clock).run(options, m_stop);
    });
  }

  // Detail requests of op so far, by contentId.
  std::multiset<std::string> asked(const std::string& op, const std::string& image_yn = "") {
    std::lock_guard lock(m_mutex);
    std::multiset<std::string> ids;
    for (const auto& q : m_details)
      if (q.at("_operation") == op && (image_yn.empty() || q.at("imageYN") == image_yn))
        ids.insert(q.at("contentId"));
    return ids;
  }

  util::FakeClock m_clock{*util::parse_iso8601("2026-11-25T02:00:00+09:00")};
  test::FakeService m_service;
  std::atomic<bool> m_stop{false};
  fs::path m_dir;
  std::unique_ptr<store::Store> m_db;
  std::unique_ptr<keys::KeyPool> m_pool;
  std::mutex m_mutex;
  std::vector<Query> m_details;
  std::set<std::string> m_empty;
  std::optional<std::pair<std::string, std::string>> m_refuse;  // operation, key answered 22
};

TEST(DetailList, ParsesTheOperationsInTheirOwnOrder) {
  using collect::DetailOp;
  EXPECT_EQ(*collect::parse_detail_list(""), (std::vector{DetailOp::common, DetailOp::intro}));
  EXPECT_EQ(*collect::parse_detail_list("images"), (std::vector{DetailOp::images}));
  EXPECT_EQ(*collect::parse_detail_list("images, common,images"),
            (std::vector{DetailOp::common, DetailOp::images}));
  for (const char* bad : {"foo", "common,", "common,,intro", "Common", "image"}) {
    auto r = collect::parse_detail_list(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().exit_code, ExitCode::usage);
    EXPECT_NE(r.error().message.find("common, intro, images"), std::string::npos);
  }
}

TEST(DetailList, BudgetIsAPositiveWholeNumber) {
  EXPECT_EQ(*collect::parse_budget("500"), 500);
  for (const char* bad : {"0", "-3", "", "5x", "1.5", "abc"}) {
    auto r = collect::parse_budget(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().exit_code, ExitCode::usage);
  }
}

TEST(DetailEstimate, PendingOverAWholeDayOfTheKeysRoundedUp) {
  collect::DetailsReport r;
  r.ops[collect::DetailOp::common] = {.pending = 11280, .per_day = 3000, .keys = 3};
  EXPECT_EQ(r.estimate_days(), 4);
  EXPECT_EQ(collect::estimate_line(r), "남은 상세정보 11,280건 — 키 3개로 약 4일");
  // Each operation has its own quota: the longest decides.
  r.ops[collect::DetailOp::intro] = {.pending = 6001, .per_day = 3000, .keys = 3};
  EXPECT_EQ(r.estimate_days(), 4);
  r.ops[collect::DetailOp::intro].pending = 12001;
  EXPECT_EQ(r.estimate_days(), 5);
  // No key to serve it: no estimate, said so.
  r.ops[collect::DetailOp::images] = {.pending = 1, .per_day = 0, .keys = 0};
  EXPECT_FALSE(r.estimate_days().has_value());
  EXPECT_NE(collect::estimate_line(r).find("예상할 수 없습니다"), std::string::npos);
  collect::DetailsReport none;
  none.ops[collect::DetailOp::common] = {};
  EXPECT_EQ(none.estimate_days(), 0);
  EXPECT_EQ(collect::estimate_line(none), "");
}

TEST_F(DetailsTest, EveryItemOfTheProvincesOncePerOperationWithItsOwnParameters) {
  collect::DetailsOptions options;
  options.ops = {collect::DetailOp::common, collect::DetailOp::intro, collect::DetailOp::images};
  options.area_codes = {1};
  m_empty = {"11-3"};
  auto report = details(*m_pool, options);
  EXPECT_EQ(report.exit_code, ExitCode::ok);
  const auto& common = report.ops.at(collect::DetailOp::common);
  EXPECT_EQ(common.fetched, 29);
  EXPECT_EQ(common.empty, 1);
  EXPECT_EQ(common.pending, 0);
  EXPECT_EQ(common.calls, 30);
  EXPECT_EQ(report.ops.at(collect::DetailOp::images).calls, 60);  // Y and N
  for (const auto& [op, yn] : std::vector<std::pair<std::string, std::string>>{
           {"detailCommon2", ""}, {"detailIntro2", ""}, {"detailImage2", "Y"}, {"detailImage2", "N"}}) {
    auto ids = asked(op, yn);
    EXPECT_EQ(ids.size(), 30u) << op << yn;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 30u) << op << yn;
    for (const auto& id : ids) EXPECT_EQ(id.rfind("11-", 0), 0u) << "부산's " << id;
  }
  std::lock_guard lock(m_mutex);
  for (const auto& q : m_details) {
    const std::string& op = q.at("_operation");
    if (op == "detailCommon2") {
      // contentId alone: a KorService1 flag or a contentTypeId is answered with 10.
      for (const char* banned : {"contentTypeId", "defaultYN", "overviewYN", "firstImageYN"})
        EXPECT_EQ(q.count(banned), 0u) << banned;
    }
    if (op == "detailIntro2") {
      EXPECT_EQ(q.at("contentTypeId"), "39");
    }
  }
}

TEST_F(DetailsTest, AnItemWithoutDetailsIsRecordedAndNotAskedAgain) {
  m_empty = {"11-1", "11-2"};
  collect::DetailsOptions options;
  options.ops = {collect::DetailOp::common};
  options.area_codes = {1};
  auto first = details(*m_pool, options);
  EXPECT_EQ(first.ops.at(collect::DetailOp::common).empty, 2);
  auto again = details(*m_pool, options);
  EXPECT_EQ(again.ops.at(collect::DetailOp::common).calls, 0);
  EXPECT_EQ(asked("detailCommon2").size(), 30u);
}

TEST_F(DetailsTest, TheKeysQuotaStopsTheOperationCleanlyWithWhatIsPending) {
  auto pool = make_pool(10, 2);  // 8 calls a key and operation: 16 a day
  collect::DetailsOptions options;
  options.area_codes = {1, 6};  // 42 items
  auto report = details(*pool, options);
  EXPECT_EQ(report.exit_code, ExitCode::ok);
  for (auto op : {collect::DetailOp::common, collect::DetailOp::intro}) {
    const auto& r = report.ops.at(op);
    EXPECT_EQ(r.fetched, 16) << collect::to_string(op);
    EXPECT_EQ(r.calls, 16);
    EXPECT_EQ(r.pending, 26);
    EXPECT_EQ(r.stop, collect::DetailStop::quota);
    EXPECT_EQ(r.per_day, 16);
    EXPECT_EQ(r.keys, 2u);
  }
  EXPECT_EQ(report.estimate_days(), 2);  // 26 / 16
  EXPECT_EQ(pool->calls_left_today("detailCommon2"), 0);

  // The next KST day continues from the database.
  m_clock.advance(std::chrono::hours(24));
  auto next = details(*pool, options);
  EXPECT_EQ(next.ops.at(collect::DetailOp::common).fetched, 16);
  EXPECT_EQ(next.ops.at(collect::DetailOp::common).pending, 10);
  auto ids = asked("detailCommon2");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "an item twice";
}

TEST_F(DetailsTest, BudgetCapsCallsPerOperation) {
  collect::DetailsOptions options;
  options.ops = {collect::DetailOp::common, collect::DetailOp::images};
  options.budget = 5;
  auto report = details(*m_pool, options);
  EXPECT_EQ(report.exit_code, ExitCode::ok);
  EXPECT_EQ(report.ops.at(collect::DetailOp::common).calls, 5);
  EXPECT_EQ(report.ops.at(collect::DetailOp::common).stop, collect::DetailStop::budget);
  EXPECT_EQ(report.ops.at(collect::DetailOp::common).pending, 42 - 5);
  // images: 5 calls of detailImage2 in all, Y before N.
  EXPECT_EQ(report.ops.at(collect::DetailOp::images).calls, 5);
  EXPECT_EQ(asked("detailImage2", "Y").size(), 5u);
  EXPECT_EQ(asked("detailImage2", "N").size(), 0u);
}

TEST_F(DetailsTest, ATwentyTwoRestsThatKeyForThatOperationOnly) {
  m_refuse = {{"detailCommon2", "KEY-A-0123456789abcdefghij"}};
  collect::DetailsOptions options;
  options.area_codes = {1};
  options.concurrency = 1;
  auto report = details(*m_pool, options);
  EXPECT_EQ(report.exit_code, ExitCode::ok);
  EXPECT_EQ(report.ops.at(collect::DetailOp::common).fetched, 30);
  EXPECT_EQ(report.ops.at(collect::DetailOp::intro).fetched, 30);
  auto keys = m_pool->detailed_status("detailCommon2");
  EXPECT_EQ(keys[0].rate_limited_until.count("detailCommon2"), 1u);
  EXPECT_EQ(keys[0].rate_limited_until.count("detailIntro2"), 0u);
  // Key A still served the intro calls.
  EXPECT_GT(keys[0].usage_by_operation["detailIntro2"], 0);
}

}  // namespace
