// TourApiClient::call(): the generic call under the listing, as a detail operation will use it (an
// operation and its parameters, no paging), with the listing's rotation, retries and back-off.
#include <gtest/gtest.h>

#include "fakes/fake_transport.hpp"
#include "kto/api/client.hpp"
#include "kto/util/time.hpp"

namespace kto::api {
namespace {

using kto::test::FakeTransport;
using kto::test::gateway_error;
using kto::test::http_answer;
using kto::test::service_error;
using kto::test::transport_failure;

const std::string k_key_a = "AAAAAAAAAAAAAAAAAAAA+/=a";
const std::string k_key_b = "BBBBBBBBBBBBBBBBBBBBbbbb";
constexpr std::string_view k_detail = "detailCommon2";

// A detail answer: one item, or `items: ""` when the service has nothing for the item.
HttpResponse detail_answer(bool with_item) {
  std::string items =
      with_item ? R"({"item":[{"contentid":"2869760","title":"식당","overview":"맛집<br>"}]})"
                : R"("")";
  return http_answer(200, R"({"response":{"header":{"resultCode":"0000","resultMsg":"OK"},)"
                          R"("body":{"items":)" +
                              items + R"(,"numOfRows":1,"pageNo":1,"totalCount":)" +
                              (with_item ? "1" : "0") + "}}}");
}

class ClientCall : public ::testing::Test {
 protected:
  ClientCall() : m_clock(*util::parse_iso8601("2026-11-25T10:00:00+09:00")) {}

  void open(std::vector<std::string> keys) {
    auto pool = keys::KeyPool::open(std::move(keys), {}, m_clock, std::nullopt);
    ASSERT_TRUE(pool.ok());
    m_pool = std::move(*pool);
    m_client = std::make_unique<TourApiClient>(m_transport, *m_pool, m_clock, m_options);
  }

  static CallRequest detail(std::string content_id = "2869760") {
    return {std::string(k_detail), {{"contentId", std::move(content_id)}}, "", std::nullopt};
  }

  long long elapsed_ms() const { return (m_clock.now() - m_start).count(); }

  util::FakeClock m_clock;
  util::TimePoint m_start = m_clock.now();
  FakeTransport m_transport;
  ClientOptions m_options{"http://sim/KorService2", "kto-collector",
                          std::chrono::milliseconds(20000)};
  std::unique_ptr<keys::KeyPool> m_pool;
  std::unique_ptr<TourApiClient> m_client;
};

TEST_F(ClientCall, DetailCallSendsItsOwnParametersAndNoPaging) {
  open({k_key_a});
  m_transport.push(detail_answer(true));
  CallResult result = m_client->call(detail());
  ASSERT_EQ(result.status, CallStatus::ok);
  EXPECT_EQ(result.calls, 1);
  ASSERT_EQ(result.page.items.size(), 1u);
  EXPECT_EQ(result.page.items[0].find("contentid").text(), "2869760");
  EXPECT_EQ(m_transport.urls(),
            (std::vector<std::string>{
                "http://sim/KorService2/detailCommon2?serviceKey=AAAAAAAAAAAAAAAAAAAA%2B%2F%3Da"
                "&MobileOS=ETC&MobileApp=kto-collector&_type=json&contentId=2869760"}));
  EXPECT_EQ(m_pool->detailed_status(k_detail)[0].usage, 1);  // counted against its operation
  EXPECT_EQ(m_pool->detailed_status(k_list_operation)[0].usage, 0);
}

TEST_F(ClientCall, NoItemsIsAnAnswerNotAFailure) {
  open({k_key_a});
  m_transport.push(detail_answer(false));
  CallResult result = m_client->call(detail());
  ASSERT_EQ(result.status, CallStatus::ok);
  EXPECT_TRUE(result.page.items.empty());
  EXPECT_EQ(result.calls, 1);
}

TEST_F(ClientCall, KeyErrorAsksAgainWithTheNextKeyAtOnce) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("30")).push(detail_answer(true));
  CallResult result = m_client->call(detail());
  ASSERT_EQ(result.status, CallStatus::ok);
  EXPECT_EQ(result.calls, 2);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b}));
  for (const auto& url : m_transport.urls())
    EXPECT_EQ(FakeTransport::query_param(url, "contentId"), "2869760");
  EXPECT_EQ(elapsed_ms(), 0);
  EXPECT_EQ(m_pool->detailed_status(k_detail)[0].consecutive_errors, 1);
}

TEST_F(ClientCall, QuotaOfADetailOperationRestsTheKeyForThatOperationOnly) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("22")).push(detail_answer(true));
  ASSERT_EQ(m_client->call(detail()).status, CallStatus::ok);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b}));
  auto a = m_pool->detailed_status(k_detail)[0];
  EXPECT_EQ(a.rate_limited_until.count(std::string(k_detail)), 1u);
  EXPECT_EQ(a.reason, keys::UnavailableReason::rate_limited);  // the 22 rest of that operation
  EXPECT_TRUE(m_pool->detailed_status(k_list_operation)[0].is_available);
}

TEST_F(ClientCall, ServiceFailuresAreRetriedWithBackoff) {
  open({k_key_a});
  m_transport.push(http_answer(500, "Unexpected errors"))
      .push(transport_failure(TransportError::timeout, "Operation timed out"))
      .push(detail_answer(true));
  CallResult result = m_client->call(detail());
  ASSERT_EQ(result.status, CallStatus::ok);
  EXPECT_EQ(result.calls, 3);
  EXPECT_LE(elapsed_ms(), 500 + 1000);  // full jitter: each wait in [0, base × 2^attempt]
  EXPECT_EQ(m_pool->detailed_status(k_detail)[0].consecutive_errors, 0);
}

TEST_F(ClientCall, EmptyBodiesAreServiceFailuresWithoutALimit) {
  m_options.max_service_retries = 3;
  open({k_key_a});
  m_transport.push_times(http_answer(200, ""), 3).push(detail_answer(true));
  CallResult result = m_client->call(detail());
  ASSERT_EQ(result.status, CallStatus::ok);
  EXPECT_EQ(result.calls, 4);
}

TEST_F(ClientCall, EmptyBodiesEndTheCallAtItsLimit) {
  open({k_key_a});
  m_transport.set_handler([](const HttpRequest&) { return http_answer(200, ""); });
  CallRequest request = detail();
  request.empty_bodies_limit = 3;
  CallResult result = m_client->call(request);
  EXPECT_EQ(result.status, CallStatus::empty_bodies);
  EXPECT_EQ(result.calls, 3);
}

TEST_F(ClientCall, GivesUpAfterMaxServiceRetries) {
  m_options.max_service_retries = 2;
  open({k_key_a});
  m_transport.set_handler([](const HttpRequest&) { return http_answer(503, "busy"); });
  CallResult result = m_client->call(detail());
  EXPECT_EQ(result.status, CallStatus::failed);
  EXPECT_EQ(result.calls, 3);
  EXPECT_EQ(result.last_outcome.http_status, 503);
}

TEST_F(ClientCall, PerSecondLimitWaitsAndAsksAgain) {
  open({k_key_a});
  m_transport.push(gateway_error("23")).push(detail_answer(true));
  CallResult result = m_client->call(detail());
  ASSERT_EQ(result.status, CallStatus::ok);
  EXPECT_EQ(result.calls, 2);
  EXPECT_GE(elapsed_ms(), m_pool->policy().per_second_backoff.count());
}

TEST_F(ClientCall, RequestErrorIsNotRetried) {
  open({k_key_a, k_key_b});
  m_transport.push(service_error("10"));
  CallResult result = m_client->call(detail());
  EXPECT_EQ(result.status, CallStatus::request_error);
  EXPECT_EQ(result.calls, 1);
  EXPECT_EQ(result.last_outcome.code, "10");
}

TEST_F(ClientCall, NoKeysWithoutACall) {
  open({k_key_a});
  m_pool->force_deactivate(0, "test");
  CallResult result = m_client->call(detail());
  EXPECT_EQ(result.status, CallStatus::no_keys);
  EXPECT_EQ(result.calls, 0);
  ASSERT_TRUE(result.no_key.has_value());
  EXPECT_EQ(m_transport.calls(), 0u);
}

TEST_F(ClientCall, StopBeforeTheCallCancels) {
  open({k_key_a});
  std::atomic<bool> stop{true};
  CallResult result = m_client->call(detail(), &stop);
  EXPECT_EQ(result.status, CallStatus::cancelled);
  EXPECT_EQ(m_transport.calls(), 0u);
}

}  // namespace
}  // namespace kto::api
