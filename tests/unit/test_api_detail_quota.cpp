// A 22 on a detail operation rests that key for that operation only (issue 17, "Quota as a
// schedule"): the call moves to another key, the key keeps serving the other operations, and the
// quota the run schedules against says so.
#include <gtest/gtest.h>

#include "fakes/fake_transport.hpp"
#include "kto/api/client.hpp"
#include "kto/util/time.hpp"

namespace kto::api {
namespace {

using kto::test::FakeTransport;
using kto::test::gateway_error;
using kto::test::http_answer;

using kto::test::k_key_a;
using kto::test::k_key_b;
constexpr std::string_view k_common = "detailCommon2";
constexpr std::string_view k_intro = "detailIntro2";

HttpResponse detail_answer() {
  return http_answer(200, R"({"response":{"header":{"resultCode":"0000","resultMsg":"OK"},)"
                          R"("body":{"items":{"item":[{"contentid":"1"}]},"numOfRows":1,)"
                          R"("pageNo":1,"totalCount":1}}})");
}

class DetailQuota : public ::testing::Test {
 protected:
  DetailQuota() : m_clock(*util::parse_iso8601("2026-11-25T10:00:00+09:00")) {}

  void open(std::vector<std::string> keys) {
    keys::KeyPolicy policy;
    policy.daily_limit = 100;
    auto pool = keys::KeyPool::open(std::move(keys), policy, m_clock, std::nullopt);
    ASSERT_TRUE(pool.ok());
    m_pool = std::move(*pool);
    m_client = std::make_unique<TourApiClient>(m_transport, *m_pool, m_clock, m_options);
  }

  static CallRequest detail(std::string_view op) {
    Params params{{"contentId", "1"}};
    if (op == k_intro) params.emplace_back("contentTypeId", "39");
    return {std::string(op), std::move(params), "", std::nullopt};
  }

  util::FakeClock m_clock;
  FakeTransport m_transport;
  ClientOptions m_options{"http://sim/KorService2", "kto-collector",
                          std::chrono::milliseconds(20000)};
  std::unique_ptr<keys::KeyPool> m_pool;
  std::unique_ptr<TourApiClient> m_client;
};

TEST_F(DetailQuota, A22OnADetailOperationRestsTheKeyForThatOperationOnly) {
  open({k_key_a, k_key_b});
  m_transport.push(gateway_error("22")).push(detail_answer());
  CallResult common = m_client->call(detail(k_common));
  ASSERT_EQ(common.status, CallStatus::ok);
  EXPECT_EQ(m_transport.keys_used(), (std::vector{k_key_a, k_key_b}));  // at once, on the next key

  auto a = m_pool->detailed_status(k_common)[0];
  EXPECT_FALSE(a.is_available);
  EXPECT_EQ(a.reason, keys::UnavailableReason::rate_limited);
  EXPECT_TRUE(a.rate_limited_until.contains(std::string(k_common)));
  EXPECT_EQ(a.consecutive_errors, 0);  // a spent quota is not the key's error
  EXPECT_TRUE(m_pool->detailed_status(k_intro)[0].is_available);
  EXPECT_TRUE(m_pool->detailed_status(k_list_operation)[0].is_available);

  // The other operations still use key A: the round robin starts at A again after B.
  m_transport.push(detail_answer());
  ASSERT_EQ(m_client->call(detail(k_intro)).status, CallStatus::ok);
  EXPECT_EQ(m_transport.keys_used().back(), k_key_a);
  // detailCommon2 goes to B only, and the schedule counts A out for it today.
  m_transport.push(detail_answer());
  ASSERT_EQ(m_client->call(detail(k_common)).status, CallStatus::ok);
  EXPECT_EQ(m_transport.keys_used().back(), k_key_b);
  auto quota = m_pool->quota_today(k_common);
  EXPECT_FALSE(quota.by_key[0].serving);
  EXPECT_EQ(quota.calls_left, 100 - 2);
  EXPECT_EQ(m_pool->calls_left_today(k_intro), 200 - 1);
}

TEST_F(DetailQuota, AllKeysSpentOnOneOperationIsNoKeysForItAloneNotACall) {
  open({k_key_a});
  m_transport.push(gateway_error("22"));
  CallResult spent = m_client->call(detail(k_common));
  EXPECT_EQ(spent.status, CallStatus::no_keys);
  EXPECT_EQ(spent.calls, 1);
  ASSERT_TRUE(spent.no_key.has_value());
  EXPECT_EQ(m_pool->calls_left_today(k_common), 0);
  m_transport.push(detail_answer());
  EXPECT_EQ(m_client->call(detail(k_intro)).status, CallStatus::ok);
  EXPECT_EQ(m_transport.calls(), 2u);
}

}  // namespace
}  // namespace kto::api
