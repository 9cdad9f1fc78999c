// The terminal's progress line and the log lines around it (issue 16, point 16): a log line never
// lands on the end of the progress text, the progress names the provinces still in flight, and a
// retry line names its province. The terminal itself is a string here.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <random>
#include <sstream>

#include "fakes/fake_service.hpp"
#include "fakes/fake_transport.hpp"
#include "kto/api/client.hpp"
#include "kto/collect/collector.hpp"
#include "kto/util/status_line.hpp"
#include "kto/util/time.hpp"

using namespace kto;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_erase = "\r\033[K";

// A status line and a log sink writing into the same "terminal".
struct Terminal {
  std::ostringstream screen;
  util::StatusLine line{[this](std::string_view text) { screen << text; }};
  std::shared_ptr<spdlog::logger> logger;

  Terminal() {
    auto console = std::make_shared<spdlog::sinks::ostream_sink_st>(screen);
    auto sink = std::make_shared<util::StatusLineSink>(console, line);
    sink->set_pattern("%v");
    logger = std::make_shared<spdlog::logger>("terminal-test", sink);
  }
};

TEST(StatusLine, LogLineErasesTheProgressAndRedrawsItAfter) {
  Terminal t;
  t.line.show("[서울] 페이지 1/3");
  t.logger->info("📍 부산: 500건 수집 완료");
  EXPECT_EQ(t.screen.str(), std::string(k_erase) + "[서울] 페이지 1/3" + k_erase +
                                "📍 부산: 500건 수집 완료\n" + k_erase + "[서울] 페이지 1/3");
}

TEST(StatusLine, NewProgressReplacesTheOldTextInPlace) {
  Terminal t;
  t.line.show("[서울] 페이지 1/3");
  t.line.show("[서울] 페이지 2/3");
  t.logger->warn("재시도");
  // The redraw after the log line shows the newest text, never the one it replaced.
  EXPECT_EQ(t.screen.str(), std::string(k_erase) + "[서울] 페이지 1/3" + k_erase +
                                "[서울] 페이지 2/3" + k_erase + "재시도\n" + k_erase +
                                "[서울] 페이지 2/3");
}

TEST(StatusLine, WithoutProgressLogLinesAreWrittenAsTheyCome) {
  Terminal t;
  t.logger->info("첫 줄");
  t.line.show("[제주] 페이지 1/1");
  t.line.clear();
  EXPECT_FALSE(t.line.shown());
  t.logger->info("마지막 줄");
  EXPECT_EQ(t.screen.str(), std::string("첫 줄\n") + k_erase + "[제주] 페이지 1/1" + k_erase +
                                "마지막 줄\n");
}

class ProgressLabel : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    m_dir = fs::temp_directory_path() / ("kto-progress-unit-" + std::to_string(rd()));
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::vector<std::string> labels_of_run(const std::vector<int>& regions) {
    auto pool = keys::KeyPool::open({"KEY-A-0123456789abcdefghij"}, {}, m_clock, std::nullopt);
    EXPECT_TRUE(pool.ok());
    auto db = store::open_store((m_dir / "restaurants.db").string());
    EXPECT_TRUE(db.ok());
    api::ClientOptions client_options("http://fake/B551011/KorService2", "kto-collector",
                                      std::chrono::milliseconds(20000));
    api::TourApiClient client(m_service, **pool, m_clock, client_options);
    collect::Collector collector(client, **db, **pool, m_clock);
    std::vector<std::string> labels;
    collector.on_progress([&](const collect::Progress& p) { labels.push_back(p.label); });
    collect::CollectOptions options;
    options.mode = collect::Mode::regions;
    options.regions = regions;
    options.concurrency = 1;  // one page in flight: the label is exactly its province
    auto report = collector.run(options, m_stop);
    EXPECT_EQ(report.status, kto::store::RunStatus::success);
    return labels;
  }

  util::FakeClock m_clock{*util::parse_iso8601("2026-11-25T02:00:00+09:00")};
  test::FakeService m_service;
  std::atomic<bool> m_stop{false};
  fs::path m_dir;
};

TEST_F(ProgressLabel, NamesTheProvinceInFlightNotTheOneThatJustFinished) {
  m_service.add_items("11", 2500);  // 서울: 3 pages
  m_service.add_items("26", 500);   // 부산: 1 page
  auto labels = labels_of_run({1, 6});
  // 서울's first page tells its size; 부산's first page goes next (first pages first), then the
  // rest of 서울. After 부산's only page the label is 서울 (in flight), never 부산 (finished).
  std::vector<std::string> expected = {"부산", "서울", "서울", "마무리 중"};
  EXPECT_EQ(labels, expected);
}

TEST(ClientRetryLine, NamesTheProvinceOfThePage) {
  std::ostringstream logged;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logged);
  sink->set_pattern("%v");
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("retry-test", sink));

  util::FakeClock clock(*util::parse_iso8601("2026-11-25T10:00:00+09:00"));
  auto pool = keys::KeyPool::open({"AAAAAAAAAAAAAAAAAAAA+/=a"}, {}, clock, std::nullopt);
  ASSERT_TRUE(pool.ok());
  kto::test::FakeTransport transport;
  transport.push(kto::test::http_answer(500, "oops"));
  transport.push(kto::test::success_page(1, 1));
  api::ClientOptions options("http://sim/KorService2", "kto-collector",
                             std::chrono::milliseconds(20000));
  api::TourApiClient client(transport, **pool, clock, options);
  api::ListRequest request;
  request.params = {{"contentTypeId", "39"}, {"lDongRegnCd", "50"}};
  request.label = "제주";
  auto result = client.fetch(request);
  EXPECT_EQ(result.status, api::FetchStatus::ok);
  EXPECT_NE(logged.str().find("제주 areaBasedList2 페이지 1"), std::string::npos) << logged.str();
  EXPECT_NE(logged.str().find("재시도"), std::string::npos) << logged.str();
  spdlog::set_default_logger(spdlog::stderr_color_mt("retry-test-after"));
}

}  // namespace
