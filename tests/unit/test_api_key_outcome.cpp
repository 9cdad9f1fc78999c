// key_outcome(): what each classified answer means for the key that made the call, the only way
// the key pool learns of the TourAPI's answers.
#include <gtest/gtest.h>

#include "api/result_codes.hpp"
#include "fakes/fake_transport.hpp"
#include "kto/api/tour_api.hpp"

namespace kto::api {
namespace {

using keys::KeyOutcomeKind;
using kto::test::gateway_error;
using kto::test::http_answer;
using kto::test::service_error;
using kto::test::success_page;
using kto::test::transport_failure;

KeyOutcomeKind expected_for(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::success:
    case OutcomeKind::no_data: return KeyOutcomeKind::success;
    case OutcomeKind::key_error: return KeyOutcomeKind::key_error;
    case OutcomeKind::quota_exceeded: return KeyOutcomeKind::daily_quota;
    case OutcomeKind::rate_limited: return KeyOutcomeKind::per_second_limit;
    case OutcomeKind::service_error:
    case OutcomeKind::request_error: return KeyOutcomeKind::not_key_fault;
  }
  return KeyOutcomeKind::not_key_fault;
}

TEST(KeyOutcome, EveryResultCodeOfTheTableMapsByItsClass) {
  for (const auto& entry : detail::all_result_codes()) {
    if (entry.kind == OutcomeKind::success) continue;  // a bare success code carries no page
    SCOPED_TRACE(std::string(entry.code));
    ApiOutcome outcome = classify(gateway_error(entry.code));
    ASSERT_EQ(outcome.kind, entry.kind);
    keys::KeyOutcome mapped = key_outcome(outcome);
    EXPECT_EQ(mapped.kind, expected_for(entry.kind));
    if (entry.kind != OutcomeKind::no_data) {
      EXPECT_EQ(mapped.reason, api_error_text(entry.code));  // "API 오류 (30: 등록되지 않은 키)"
    }
  }
}

TEST(KeyOutcome, EachClassOfCodeAsThePoolSeesIt) {
  EXPECT_EQ(key_outcome(classify(success_page(3, 3))).kind, KeyOutcomeKind::success);
  EXPECT_TRUE(key_outcome(classify(success_page(3, 3))).ok());
  EXPECT_TRUE(key_outcome(classify(service_error("03"))).ok());  // NODATA: the key was accepted
  EXPECT_EQ(key_outcome(classify(gateway_error("30"))).kind, KeyOutcomeKind::key_error);
  EXPECT_EQ(key_outcome(classify(gateway_error("31"))).kind, KeyOutcomeKind::key_error);
  EXPECT_EQ(key_outcome(classify(gateway_error("22"))).kind, KeyOutcomeKind::daily_quota);
  EXPECT_EQ(key_outcome(classify(gateway_error("23"))).kind, KeyOutcomeKind::per_second_limit);
  EXPECT_EQ(key_outcome(classify(service_error("10"))).kind, KeyOutcomeKind::not_key_fault);
  EXPECT_EQ(key_outcome(classify(service_error("29"))).kind, KeyOutcomeKind::not_key_fault);
  EXPECT_EQ(key_outcome(classify(service_error("99"))).kind, KeyOutcomeKind::not_key_fault);
  EXPECT_EQ(key_outcome(classify(service_error("77"))).kind, KeyOutcomeKind::not_key_fault);
  EXPECT_FALSE(key_outcome(classify(gateway_error("22"))).ok());
}

TEST(KeyOutcome, AnswersWithoutACodeMapByTheirStatusOrFailure) {
  EXPECT_EQ(key_outcome(classify(http_answer(401, ""))).kind, KeyOutcomeKind::not_key_fault)
      << "an empty body is the service's refusal of a page, whatever the status";
  EXPECT_EQ(key_outcome(classify(http_answer(403, "Forbidden"))).kind, KeyOutcomeKind::key_error);
  EXPECT_EQ(key_outcome(classify(http_answer(429, "slow down"))).kind,
            KeyOutcomeKind::per_second_limit);
  keys::KeyOutcome bad_gateway = key_outcome(classify(http_answer(502, "<html>bad</html>")));
  EXPECT_EQ(bad_gateway.kind, KeyOutcomeKind::not_key_fault);
  EXPECT_EQ(bad_gateway.reason, "HTTP 502 (HTML 응답)");
  keys::KeyOutcome timeout = key_outcome(classify(transport_failure(TransportError::timeout)));
  EXPECT_EQ(timeout.kind, KeyOutcomeKind::not_key_fault);
  EXPECT_EQ(timeout.reason, "응답 시간 초과");
}

TEST(KeyOutcome, ReasonFallsBackToTheCodesTextThenTheKindsName) {
  ApiOutcome coded;
  coded.kind = OutcomeKind::key_error;
  coded.code = "30";
  EXPECT_EQ(key_outcome(coded).reason, "API 오류 (30: 등록되지 않은 키)");
  ApiOutcome bare;
  bare.kind = OutcomeKind::service_error;
  EXPECT_EQ(key_outcome(bare).reason, "service_error");
  ApiOutcome named = coded;
  named.message = "HTTP 401";
  EXPECT_EQ(key_outcome(named).reason, "HTTP 401");
}

}  // namespace
}  // namespace kto::api
