// The collector's slow start: one page in flight until a page comes back, so a bad key at the head
// of the list costs one call, not one call per worker.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "collect/listing.hpp"
#include "fakes/fake_service.hpp"
#include "kto/collect/collector.hpp"
#include "kto/util/json_view.hpp"
#include "kto/util/time.hpp"

using namespace kto;
namespace fs = std::filesystem;

namespace {

// Records when each call starts and ends, so a test can see which calls overlapped.
class RecordingTransport final : public api::Transport {
 public:
  explicit RecordingTransport(api::Transport& inner) : m_inner(inner) {}
  api::HttpResponse send(const api::HttpRequest& request) override {
    bool bad = request.url.find("serviceKey=BAD") != std::string::npos;
    event(bad ? "start bad" : "start good");
    auto response = m_inner.send(request);
    event(bad ? "end bad" : "end good");
    return response;
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(m_mutex);
    return m_events;
  }

 private:
  void event(std::string what) {
    std::lock_guard lock(m_mutex);
    m_events.push_back(std::move(what));
  }
  api::Transport& m_inner;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_events;
};

api::HttpResponse unregistered() {
  api::HttpResponse r;
  r.status = 403;
  r.body = "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg><returnAuthMsg>"
           "SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg><returnReasonCode>30"
           "</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>";
  return r;
}

// One collector run on `transport` with `keys`, a fake clock and a database in a temporary folder
// (removed after); nullopt (and a test failure) when the pool or the database cannot be opened.
std::optional<collect::CollectReport> run_collector(api::Transport& transport,
                                                    const std::vector<std::string>& keys,
                                                    const collect::CollectOptions& run_options) {
  util::FakeClock clock{*util::parse_iso8601("2026-11-25T02:00:00+09:00")};
  auto pool = keys::KeyPool::open(keys, keys::KeyPolicy{}, clock, std::nullopt);
  if (!pool.ok()) {
    ADD_FAILURE() << "the key pool did not open";
    return std::nullopt;
  }
  fs::path dir = fs::temp_directory_path() / ("kto-flight-unit-" + std::to_string(std::random_device{}()));
  std::optional<collect::CollectReport> report;
  {
    auto db = store::open_store((dir / "restaurants.db").string());
    if (!db.ok()) {
      ADD_FAILURE() << "the database did not open";
    } else {
      api::ClientOptions options("http://fake/B551011/KorService2", "kto-collector",
                                 std::chrono::milliseconds(20000));
      api::TourApiClient client(transport, **pool, clock, options);
      collect::Collector collector(client, **db, **pool, clock);
      std::atomic<bool> stop{false};
      report = collector.run(run_options, stop);
    }
  }
  fs::remove_all(dir);
  return report;
}

}  // namespace

TEST(CollectFlightLimit, StartsWithOnePageAndDoublesUpToTheConcurrency) {
  collect::detail::FlightLimit limit;
  limit.set_max(6);
  EXPECT_TRUE(limit.room(0));
  EXPECT_FALSE(limit.room(1));
  limit.widen();
  EXPECT_EQ(limit.limit(), 2);
  limit.widen();
  limit.widen();
  EXPECT_EQ(limit.limit(), 6);
  EXPECT_TRUE(limit.room(5));
  EXPECT_FALSE(limit.room(6));
}

TEST(CollectFlightLimit, BadKeysFirstAreCalledOnceWhateverTheNumberOfWorkers) {
  test::FakeService service;
  service.add_items("11", 2500);
  service.add_items("26", 500);
  service.add_items("50", 1);
  service.set_hook([](int, const auto& q) -> std::optional<api::HttpResponse> {
    if (q.at("serviceKey").rfind("BAD", 0) == 0) return unregistered();
    return std::nullopt;
  });
  RecordingTransport transport(service);
  collect::CollectOptions run_options;
  run_options.concurrency = 8;

  auto report = run_collector(transport,
                              {"BAD-1-0123456789abcdefghij", "BAD-2-0123456789abcdefghij",
                               "GOOD-0123456789abcdefghij"},
                              run_options);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->status, kto::store::RunStatus::success);
  // 서울 3 pages, 부산 1, 경기 1 (empty), 제주 1, and one 30 from each bad key.
  EXPECT_EQ(service.calls(), 8);
  auto events = transport.events();
  ASSERT_GE(events.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(events.begin(), events.begin() + 6),
            (std::vector<std::string>{"start bad", "end bad", "start bad", "end bad", "start good",
                                      "end good"}));
  EXPECT_EQ(std::count(events.begin(), events.end(), "start bad"), 2);
}

TEST(CollectFetchWorkers, TakeDoneMovesOnlyResultsAlreadyBackAndNoMoreThanAsked) {
  std::atomic<int> fetched{0};
  using PageWorkers = collect::detail::FetchWorkers<collect::detail::PageTask, api::FetchResult>;
  PageWorkers workers(3, [&](const collect::detail::PageTask&) {
    ++fetched;
    api::FetchResult result;
    result.status = api::FetchStatus::ok;
    return result;
  });
  std::vector<collect::detail::PageDone> batch;
  workers.take_done(batch, 8);
  EXPECT_TRUE(batch.empty());  // nothing sent, nothing back: it does not wait
  for (int page = 1; page <= 3; ++page) workers.submit({0, page, 100});
  auto first = workers.next();
  ASSERT_TRUE(first.has_value());
  batch.push_back(std::move(*first));
  // The other two arrive on their own time; take_done never blocks for them.
  while (batch.size() < 2) {
    workers.take_done(batch, 2);
    std::this_thread::yield();
  }
  EXPECT_EQ(batch.size(), 2u);  // the limit holds even once the third is back
  auto third = workers.next();
  ASSERT_TRUE(third.has_value());
  EXPECT_FALSE(workers.next().has_value());
  std::vector<int> pages{batch[0].task.page_no, batch[1].task.page_no, third->task.page_no};
  std::sort(pages.begin(), pages.end());
  EXPECT_EQ(pages, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(fetched.load(), 3);
}

// Streaming: however many pages a run has, no more than one page per worker plus the batch's first
// page are alive (written pages are let go before the next ones are sent). The in-process service
// answers at once, so pages pile up on the writer: the worst case for memory.
TEST(CollectFlightLimit, PagesAliveStayWithinTheConcurrencyWhateverTheRunLength) {
  test::FakeService service;
  service.add_items("11", 6000);
  collect::CollectOptions run_options;
  run_options.concurrency = 3;
  run_options.page_size = 100;
  const int alive_before = util::JsonDoc::alive();
  util::JsonDoc::reset_alive_peak();

  auto report = run_collector(service, {"GOOD-0123456789abcdefghij"}, run_options);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->status, kto::store::RunStatus::success);
  EXPECT_GE(service.calls(), 60);  // 서울's 60 pages, and the other provinces' first pages
  EXPECT_GE(util::JsonDoc::alive_peak() - alive_before, 2);  // the writer did fall behind
  EXPECT_LE(util::JsonDoc::alive_peak() - alive_before, run_options.concurrency + 1);
  EXPECT_EQ(util::JsonDoc::alive(), alive_before);
}
