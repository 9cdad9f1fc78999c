// TourApiClient: retries, key switching and giving up, on a scripted transport, a real key pool
// (memory only) and a fake clock. The exact number of calls matters: each one costs daily quota.
#include <gtest/gtest.h>

#include <thread>

#include "fakes/fake_transport.hpp"
#include "kto/api/client.hpp"
#include "kto/util/time.hpp"

namespace kto::api {
namespace {

using kto::test::FakeTransport;
using kto::test::gateway_error;
using kto::test::http_answer;
using kto::test::service_error;
using kto::test::success_page;
using kto::test::transport_failure;
using std::chrono::milliseconds;

using kto::test::k_key_a;
using kto::test::k_key_b;
const std::string k_key_c = "CCCCCCCCCCCCCCCCCCCCcccc";
const std::string k_key_encoded = "DDDDDDDDDDDDDDDDDDDD%2B%2Fdd";  // an "Encoding" key

class ClientFetch : public ::testing::Test {
 protected:
  ClientFetch() : m_clock(*util::parse_iso8601("2026-11-25T10:00:00+09:00")) {}

  static keys::KeyPolicy limit(int daily_limit) {
    keys::KeyPolicy policy;
    policy.daily_limit = daily_limit;
    return policy;
  }

  void open(std::vector<std::string> keys, keys::KeyPolicy policy = {}) {
    auto pool = keys::KeyPool::open(std::move(keys), policy, m_clock, std::nullopt);
    ASSERT_TRUE(pool.ok());
    m_pool = std::move(*pool);
    m_client = std::make_unique<TourApiClient>(m_transport, *m_pool, m_clock, m_options);
  }

  ListRequest request(int page_no = 1, int rows = 1000) const {
    ListRequest r;
    r.params = {{"contentTypeId", "39"}, {"lDongRegnCd", "11"}, {"arrange", "A"}};
    r.page_no = page_no;
    r.num_of_rows = rows;
    return r;
  }

  long long elapsed_ms() const { return (m_clock.now() - m_start).count(); }

  util::FakeClock m_clock;
  util::TimePoint m_start = m_clock.now();
  FakeTransport m_transport;
  ClientOptions m_options{"http://sim/KorService2", "kto-collector", milliseconds(20000)};
  std::unique_ptr<keys::KeyPool> m_pool;
  std::unique_ptr<TourApiClient> m_client;
};

TEST_F(ClientFetch, ReturnsPageAndSendsKeyEncodedOnce) {
  open({k_key_a});
  m_transport.push(success_page(3, 1595, 2));
  FetchResult result = m_client->fetch(request(2));
  ASSERT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(result.calls, 1);
  EXPECT_EQ(result.page.items.size(), 3u);
  EXPECT_EQ(result.page.total_count, 1595);
  ASSERT_EQ(m_transport.calls(), 1u);
  EXPECT_EQ(m_transport.urls()[0],
            "http://sim/KorService2/areaBasedList2?serviceKey=AAAAAAAAAAAAAAAAAAAA%2B%2F%3Da"
            "&MobileOS=ETC&MobileApp=kto-collector&_type=json&contentTypeId=39&lDongRegnCd=11"
            "&arrange=A&numOfRows=1000&pageNo=2");
  EXPECT_EQ(m_transport.requests()[0].timeout, m_options.timeout);
  EXPECT_EQ(m_transport.requests()[0].connect_timeout, m_options.connect_timeout);
  EXPECT_EQ(m_client->calls(), 1);
}

TEST_F(ClientFetch, DoesNotEncodeAnEncodedKeyAgain) {
  open({k_key_encoded});
  m_transport.push(success_page(1, 1));
  ASSERT_EQ(m_client->fetch(request()).status, FetchStatus::ok);
  std::string url = m_transport.urls().at(0);
  EXPECT_EQ(FakeTransport::query_param(url, "serviceKey"), "DDDDDDDDDDDDDDDDDDDD%2B%2Fdd");
  EXPECT_EQ(url.find("%25"), std::string::npos);
}

TEST_F(ClientFetch, RetriesServiceErrorsWithBackoffThenSucceeds) {
  open({k_key_a});
  m_transport.push(http_answer(500, "Unexpected errors"))
      .push(http_answer(502, "<html><body>502 Bad Gateway</body></html>"))
      .push(transport_failure(TransportError::timeout, "Operation timed out"))
      .push(success_page(2, 2));
  FetchResult result = m_client->fetch(request());
  ASSERT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(result.calls, 4);
  EXPECT_EQ(m_transport.calls(), 4u);
  // Full jitter: each wait lies in [0, base × 2^attempt].
  EXPECT_LE(elapsed_ms(), 500 + 1000 + 2000);
  // A service failure is never the key's fault.
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].consecutive_errors, 0);
  EXPECT_TRUE(m_pool->detailed_status(k_list_operation)[0].is_active);
}

TEST_F(ClientFetch, GivesUpAfterMaxServiceRetries) {
  m_options.max_service_retries = 3;
  open({k_key_a, k_key_b});
  m_transport.set_handler([](const HttpRequest&) { return http_answer(500, "Unexpected errors"); });
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::failed);
  EXPECT_EQ(result.calls, 4);  // the first call and three retries
  EXPECT_EQ(m_transport.calls(), 4u);
  EXPECT_EQ(result.last_outcome.message, "HTTP 500");
  EXPECT_LE(elapsed_ms(), 500 + 1000 + 2000);
  // Retries go round the pool rather than hammering one key.
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b, k_key_a, k_key_b}));
}

TEST_F(ClientFetch, BackoffIsCappedAtMaximum) {
  m_options.max_service_retries = 6;
  m_options.backoff_max = milliseconds(700);
  open({k_key_a});
  m_transport.set_handler([](const HttpRequest&) { return transport_failure(TransportError::connection); });
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::failed);
  EXPECT_EQ(result.calls, 7);
  EXPECT_LE(elapsed_ms(), 6 * 700);
  EXPECT_EQ(result.last_outcome.message, "연결 실패");
}

TEST_F(ClientFetch, SwitchesKeyAtOnceOnUnregisteredKey) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("30")).push(success_page(1, 1));
  FetchResult result = m_client->fetch(request(7));
  ASSERT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(result.calls, 2);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b}));
  EXPECT_EQ(elapsed_ms(), 0);  // no back-off for a key error
  for (const auto& url : m_transport.urls())
    EXPECT_EQ(FakeTransport::query_param(url, "pageNo"), "7");
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].consecutive_errors, 1);
}

TEST_F(ClientFetch, SwitchesKeyAtOnceOnQuotaAndKeepsAwayFromIt) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("22")).push(success_page(1, 3, 1)).push(success_page(1, 3, 2));
  FetchResult first = m_client->fetch(request(1));
  ASSERT_EQ(first.status, FetchStatus::ok);
  EXPECT_EQ(first.calls, 2);
  FetchResult second = m_client->fetch(request(2));
  ASSERT_EQ(second.status, FetchStatus::ok);
  EXPECT_EQ(second.calls, 1);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b, k_key_b}));
  EXPECT_EQ(elapsed_ms(), 0);
}

TEST_F(ClientFetch, NeverCallsADisabledKey) {
  open({k_key_a, k_key_b});
  ASSERT_TRUE(m_pool->force_deactivate(0, "test"));
  m_transport.set_handler([](const HttpRequest&) { return success_page(1, 1); });
  for (int i = 0; i < 4; ++i) ASSERT_EQ(m_client->fetch(request(i + 1)).status, FetchStatus::ok);
  EXPECT_EQ(m_transport.keys_used(), (std::vector<std::string>(4, k_key_b)));
}

TEST_F(ClientFetch, ReturnsNoKeysWhenEveryKeyIsBad) {
  open({k_key_a, k_key_b, k_key_c});
  m_transport.set_handler([](const HttpRequest&) { return gateway_error("30"); });
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::no_keys);
  EXPECT_EQ(result.calls, 3);  // one call per key, then the pool has none left
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b, k_key_c}));
  ASSERT_TRUE(result.no_key.has_value());
  ASSERT_TRUE(result.no_key->earliest.has_value());  // the error cooldown ends
  EXPECT_FALSE(result.no_key->message.empty());
  EXPECT_EQ(result.last_outcome.code, "30");
}

TEST_F(ClientFetch, ReturnsNoKeysWithoutCallingWhenAllAreDisabled) {
  open({k_key_a, k_key_b});
  m_pool->force_deactivate(0, "test");
  m_pool->force_deactivate(1, "test");
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::no_keys);
  EXPECT_EQ(result.calls, 0);
  EXPECT_EQ(m_transport.calls(), 0u);
  ASSERT_TRUE(result.no_key.has_value());
  EXPECT_FALSE(result.no_key->earliest.has_value());
}

TEST_F(ClientFetch, ReturnsNoKeysWhenDailyLimitIsSpent) {
  open({k_key_a}, limit(2));
  m_transport.set_handler([](const HttpRequest&) { return success_page(1, 5); });
  EXPECT_EQ(m_client->fetch(request(1)).status, FetchStatus::ok);
  EXPECT_EQ(m_client->fetch(request(2)).status, FetchStatus::ok);
  FetchResult third = m_client->fetch(request(3));
  EXPECT_EQ(third.status, FetchStatus::no_keys);
  EXPECT_EQ(third.calls, 0);
  EXPECT_EQ(m_transport.calls(), 2u);
  EXPECT_EQ(elapsed_ms(), 0);  // midnight is hours away: no waiting for it
}

TEST_F(ClientFetch, WaitsOutPerSecondLimitAndRetries) {
  open({k_key_a});
  m_transport.push(success_page(1, 1)).push(gateway_error("23")).push(success_page(2, 1));
  ASSERT_EQ(m_client->fetch(request(1)).status, FetchStatus::ok);
  FetchResult result = m_client->fetch(request(2));
  ASSERT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(result.calls, 2);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_a, k_key_a}));
  // Issue 17: the key is paced (here at the rate it showed, 1 call a second, less a tenth).
  EXPECT_EQ(elapsed_ms(), 1100);
  // Not the key's fault.
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].consecutive_errors, 0);
}

TEST_F(ClientFetch, PerSecondLimitMovesToAnotherKeyWithoutWaiting) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("23")).push(success_page(1, 1));
  FetchResult result = m_client->fetch(request());
  ASSERT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b}));
  EXPECT_EQ(elapsed_ms(), 0);
}

TEST_F(ClientFetch, EndlessPerSecondLimitGivesUpOnlyAfterMinutesOfNothingElse) {
  // Issue 17: 23s never count toward giving a page up (it used to end after ten); only a
  // gateway answering nothing but 23s for rate_limited_give_up is taken as broken.
  m_options.rate_limited_give_up = std::chrono::minutes(2);
  open({k_key_a});
  m_transport.set_handler([](const HttpRequest&) { return gateway_error("23"); });
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::failed);
  EXPECT_GT(result.calls, 10);
  EXPECT_GE(elapsed_ms(), 120'000);
  EXPECT_EQ(result.last_outcome.kind, OutcomeKind::rate_limited);
}

TEST_F(ClientFetch, EmptyBodiesInARowMeanPageSizeRefused) {
  open({k_key_a});
  m_transport.set_handler([](const HttpRequest&) { return http_answer(200, ""); });
  FetchResult result = m_client->fetch(request(1, 1000));
  EXPECT_EQ(result.status, FetchStatus::page_size_refused);
  EXPECT_EQ(result.calls, 2);  // empty_body_refusals
  EXPECT_EQ(result.last_outcome.failure, FailureKind::empty_body);
}

TEST_F(ClientFetch, OneEmptyBodyIsRetried) {
  open({k_key_a});
  m_transport.push(http_answer(200, "")).push(success_page(2, 2));
  FetchResult result = m_client->fetch(request(1, 1000));
  EXPECT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(result.calls, 2);
}

TEST_F(ClientFetch, EmptyBodiesAtPageSizeOneAreServiceFailures) {
  m_options.max_service_retries = 2;
  open({k_key_a});
  m_transport.set_handler([](const HttpRequest&) { return http_answer(200, ""); });
  FetchResult result = m_client->fetch(request(1, 1));
  EXPECT_EQ(result.status, FetchStatus::failed);
  EXPECT_EQ(result.calls, 3);
}

TEST_F(ClientFetch, RequestErrorIsNotRetried) {
  open({k_key_a, k_key_b});
  m_transport.set_handler([](const HttpRequest&) {
    return http_answer(200, R"({"resultCode":"11","resultMsg":"NO_MANDATORY_REQUEST_PARAMETERS_ERROR"})");
  });
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::request_error);
  EXPECT_EQ(result.calls, 1);
  EXPECT_EQ(result.last_outcome.code, "11");
}

TEST_F(ClientFetch, BlacklistedAddressIsNotRetriedOnOtherKeys) {
  open({k_key_a, k_key_b});
  m_transport.set_handler([](const HttpRequest&) { return gateway_error("29"); });
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::request_error);
  EXPECT_EQ(result.calls, 1);
}

TEST_F(ClientFetch, NoDataIsAnEmptyPage) {
  open({k_key_a});
  m_transport.push(service_error("03"));
  FetchResult result = m_client->fetch(request());
  EXPECT_EQ(result.status, FetchStatus::ok);
  EXPECT_TRUE(result.page.items.empty());
  EXPECT_EQ(result.calls, 1);
}

TEST_F(ClientFetch, KeyErrorThenServiceErrorThenSuccess) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("31")).push(http_answer(503, "")).push(http_answer(503, "busy"))
      .push(success_page(1, 1));
  FetchResult result = m_client->fetch(request());
  ASSERT_EQ(result.status, FetchStatus::ok);
  EXPECT_EQ(result.calls, 4);
  // Key A rests after its error; B carries the page.
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b, k_key_b, k_key_b}));
}

TEST_F(ClientFetch, StopBeforeTheCallCancels) {
  open({k_key_a});
  std::atomic<bool> stop{true};
  FetchResult result = m_client->fetch(request(), &stop);
  EXPECT_EQ(result.status, FetchStatus::cancelled);
  EXPECT_EQ(result.calls, 0);
  EXPECT_EQ(m_transport.calls(), 0u);
}

TEST_F(ClientFetch, StopDuringBackoffCancels) {
  open({k_key_a});
  std::atomic<bool> stop{false};
  m_transport.set_handler([&stop](const HttpRequest&) {
    stop = true;
    return http_answer(500, "x");
  });
  FetchResult result = m_client->fetch(request(), &stop);
  EXPECT_EQ(result.status, FetchStatus::cancelled);
  EXPECT_EQ(result.calls, 1);
}

TEST_F(ClientFetch, ConcurrentFetchesShareOneClient) {
  open({k_key_a, k_key_b}, limit(100000));
  m_transport.set_handler([](const HttpRequest&) { return success_page(1, 1); });
  std::atomic<int> ok{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t)
    workers.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (m_client->fetch(request(i + 1)).status == FetchStatus::ok) ++ok;
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(m_client->calls(), 100);
  EXPECT_EQ(m_transport.calls(), 100u);
  auto status = m_pool->detailed_status(k_list_operation);
  EXPECT_EQ(status[0].usage + status[1].usage, 100);
}

TEST_F(ClientFetch, ProbeAsksForOneRowOfAreaCodesAndDoesNotReport) {
  open({k_key_a});
  m_transport.push(gateway_error("30"));
  auto acquired = m_pool->acquire(k_probe_operation);
  ASSERT_TRUE(std::holds_alternative<keys::KeyLease>(acquired));
  ApiOutcome outcome = m_client->probe(std::get<keys::KeyLease>(acquired));
  EXPECT_EQ(outcome.kind, OutcomeKind::key_error);
  EXPECT_EQ(m_transport.urls().at(0),
            "http://sim/KorService2/areaCode2?serviceKey=AAAAAAAAAAAAAAAAAAAA%2B%2F%3Da"
            "&MobileOS=ETC&MobileApp=kto-collector&_type=json&numOfRows=1&pageNo=1");
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].consecutive_errors, 0);
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].total_calls, 0);
}

TEST_F(ClientFetch, ProbeSucceedsOnAreaCodeAnswer) {
  open({k_key_a});
  m_transport.push(success_page(1, 17));
  auto acquired = m_pool->acquire(k_probe_operation);
  ASSERT_TRUE(std::holds_alternative<keys::KeyLease>(acquired));
  EXPECT_TRUE(m_client->probe(std::get<keys::KeyLease>(acquired)).ok());
}

// A stop reaches the transfer in flight (the transport abandons it) and the page is given up as
// cancelled, neither failed nor retried.
TEST_F(ClientFetch, TransferCutShortByAStopIsCancelledWithoutRetry) {
  open({k_key_a});
  std::atomic<bool> stop{false};
  m_transport.push(transport_failure(TransportError::cancelled, "Callback aborted"))
      .push(success_page(2, 2));
  FetchResult result = m_client->fetch(request(), &stop);
  EXPECT_EQ(result.status, FetchStatus::cancelled);
  EXPECT_EQ(result.calls, 1);
  EXPECT_EQ(m_transport.calls(), 1u);
  ASSERT_EQ(m_transport.requests().size(), 1u);
  EXPECT_EQ(m_transport.requests()[0].cancel, &stop) << "the transport must see the stop";
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].consecutive_errors, 0);
}

}  // namespace
}  // namespace kto::api
