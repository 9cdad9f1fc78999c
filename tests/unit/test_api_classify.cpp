// classify(): every answer of the gateway, whatever its shape, becomes exactly one outcome.
#include <gtest/gtest.h>

#include <random>

#include "fakes/fake_transport.hpp"
#include "kto/api/tour_api.hpp"

namespace kto::api {
namespace {

using kto::test::gateway_error;
using kto::test::http_answer;
using kto::test::service_error;
using kto::test::transport_failure;

struct CodeCase {
  const char* code;
  OutcomeKind kind;
};

// The whole table of docs/service.md, through both documents that carry codes.
const CodeCase k_code_cases[] = {
    {"01", OutcomeKind::service_error}, {"02", OutcomeKind::service_error},
    {"03", OutcomeKind::no_data},       {"04", OutcomeKind::service_error},
    {"05", OutcomeKind::service_error}, {"10", OutcomeKind::request_error},
    {"11", OutcomeKind::request_error}, {"12", OutcomeKind::request_error},
    {"20", OutcomeKind::key_error},     {"21", OutcomeKind::key_error},
    {"22", OutcomeKind::quota_exceeded}, {"23", OutcomeKind::rate_limited},
    {"29", OutcomeKind::request_error}, {"30", OutcomeKind::key_error},
    {"31", OutcomeKind::key_error},     {"32", OutcomeKind::key_error},
    {"33", OutcomeKind::key_error},     {"99", OutcomeKind::service_error},
    {"77", OutcomeKind::service_error},  // unknown
};

class ClassifyCode : public ::testing::TestWithParam<CodeCase> {};

TEST_P(ClassifyCode, GatewayXmlDocumentWith403) {
  ApiOutcome outcome = classify(gateway_error(GetParam().code, 403));
  EXPECT_EQ(outcome.kind, GetParam().kind);
  EXPECT_EQ(outcome.code, GetParam().code);
  EXPECT_EQ(outcome.http_status, 403);
  if (GetParam().kind != OutcomeKind::no_data) {
    EXPECT_EQ(outcome.failure, FailureKind::gateway_code);
    // Named: "API 오류 (30: 등록되지 않은 키)".
    EXPECT_EQ(outcome.message.rfind("API 오류 (" + std::string(GetParam().code) + ": ", 0), 0u)
        << outcome.message;
  }
}

TEST_P(ClassifyCode, ServiceJsonDocument) {
  ApiOutcome outcome = classify(service_error(GetParam().code, 200));
  EXPECT_EQ(outcome.kind, GetParam().kind);
  EXPECT_EQ(outcome.code, GetParam().code);
  EXPECT_EQ(outcome.http_status, 200);
}

INSTANTIATE_TEST_SUITE_P(Classify, ClassifyCode, ::testing::ValuesIn(k_code_cases));

TEST(Classify, BothSuccessCodesAreSuccess) {
  for (const char* code : {"00", "0000"}) {
    std::string body = R"({"response":{"header":{"resultCode":")" + std::string(code) +
                       R"("},"body":{"items":"","totalCount":0}}})";
    EXPECT_EQ(classify(http_answer(200, body)).kind, OutcomeKind::success) << code;
  }
}

TEST(Classify, OlderGatewayDocumentWith200) {
  ApiOutcome outcome = classify(gateway_error("30", 200));
  EXPECT_EQ(outcome.kind, OutcomeKind::key_error);
  EXPECT_EQ(outcome.code, "30");
}

TEST(Classify, GatewayDocumentWithSpacesAndDeclaration) {
  std::string body =
      "\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenAPI_ServiceResponse>\n <cmmMsgHeader>\n"
      "  <errMsg>SERVICE ERROR</errMsg>\n  <returnAuthMsg>LIMITED_NUMBER_OF_SERVICE_REQUESTS_"
      "EXCEEDS_ERROR</returnAuthMsg>\n  <returnReasonCode> 22 </returnReasonCode>\n"
      " </cmmMsgHeader>\n</OpenAPI_ServiceResponse>\n";
  ApiOutcome outcome = classify(http_answer(403, body, "text/xml"));
  EXPECT_EQ(outcome.kind, OutcomeKind::quota_exceeded);
  EXPECT_EQ(outcome.code, "22");
  EXPECT_EQ(outcome.message, "API 오류 (22: 일일 한도 초과)");
}

TEST(Classify, GatewayDocumentAsJson) {
  std::string body =
      R"({"OpenAPI_ServiceResponse":{"cmmMsgHeader":{"errMsg":"SERVICE ERROR",)"
      R"("returnAuthMsg":"SERVICE_KEY_IS_NOT_REGISTERED_ERROR","returnReasonCode":"30"}}})";
  ApiOutcome outcome = classify(http_answer(200, body));
  EXPECT_EQ(outcome.kind, OutcomeKind::key_error);
  EXPECT_EQ(outcome.code, "30");
}

TEST(Classify, TopLevelResultCodeWithoutWrapper) {
  std::string body = R"({"responseTime":"2026-05-16T10:00:00","resultCode":"11",)"
                     R"("resultMsg":"NO_MANDATORY_REQUEST_PARAMETERS_ERROR"})";
  ApiOutcome outcome = classify(http_answer(200, body));
  EXPECT_EQ(outcome.kind, OutcomeKind::request_error);
  EXPECT_EQ(outcome.failure, FailureKind::gateway_code);
  EXPECT_EQ(outcome.code, "11");
  EXPECT_EQ(outcome.message, "API 오류 (11: 필수 파라미터 누락)");
}

TEST(Classify, NumericResultCodeIsRead) {
  ApiOutcome outcome = classify(http_answer(200, R"({"resultCode":22})"));
  EXPECT_EQ(outcome.kind, OutcomeKind::quota_exceeded);
  EXPECT_EQ(outcome.code, "22");
}

TEST(Classify, HtmlBadGatewayPage) {
  ApiOutcome outcome = classify(http_answer(
      502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body></body></html>",
      "text/html"));
  EXPECT_EQ(outcome.kind, OutcomeKind::service_error);
  EXPECT_EQ(outcome.failure, FailureKind::html_page);
  EXPECT_EQ(outcome.http_status, 502);
  EXPECT_EQ(outcome.message, "HTTP 502 (HTML 응답)");
}

TEST(Classify, HtmlDetectionIgnoresCase) {
  ApiOutcome outcome = classify(http_answer(200, "  <!DOCTYPE HTML><HTML><BODY>x</BODY></HTML>"));
  EXPECT_EQ(outcome.failure, FailureKind::html_page);
  EXPECT_EQ(outcome.message, "HTTP 200 (HTML 응답)");
}

TEST(Classify, ServerErrorWithoutDocument) {
  ApiOutcome outcome = classify(http_answer(500, "Unexpected errors", "text/plain"));
  EXPECT_EQ(outcome.kind, OutcomeKind::service_error);
  EXPECT_EQ(outcome.failure, FailureKind::http_status);
  EXPECT_EQ(outcome.message, "HTTP 500");
  EXPECT_EQ(outcome.http_status, 500);
  EXPECT_EQ(classify(http_answer(503, R"({"error":"busy"})")).failure, FailureKind::http_status);
}

TEST(Classify, ForbiddenWithoutDocumentIsKeyError) {
  for (int status : {401, 403}) {
    ApiOutcome outcome = classify(http_answer(status, "Forbidden", "text/plain"));
    EXPECT_EQ(outcome.kind, OutcomeKind::key_error) << status;
    EXPECT_EQ(outcome.code, "");
    EXPECT_EQ(outcome.http_status, status);
  }
}

TEST(Classify, TooManyRequestsWithoutDocumentIsRateLimited) {
  EXPECT_EQ(classify(http_answer(429, "slow down")).kind, OutcomeKind::rate_limited);
}

TEST(Classify, EmptyBodyWhateverTheStatus) {
  for (int status : {200, 403, 500}) {
    for (const char* body : {"", "  \r\n\t "}) {
      ApiOutcome outcome = classify(http_answer(status, body));
      EXPECT_EQ(outcome.kind, OutcomeKind::service_error);
      EXPECT_EQ(outcome.failure, FailureKind::empty_body);
      EXPECT_EQ(outcome.message, "빈 응답");
      EXPECT_EQ(outcome.http_status, status);
    }
  }
}

TEST(Classify, TruncatedJsonIsMalformed) {
  std::string body = kto::test::success_page(5, 5).body;
  ApiOutcome outcome = classify(http_answer(200, body.substr(0, body.size() / 2)));
  EXPECT_EQ(outcome.kind, OutcomeKind::service_error);
  EXPECT_EQ(outcome.failure, FailureKind::malformed_body);
  EXPECT_EQ(outcome.message, "잘못된 JSON 응답");
}

TEST(Classify, TruncatedXmlIsMalformedOrByStatus) {
  std::string body = gateway_error("30").body;
  body.resize(body.size() - 30);
  EXPECT_EQ(classify(http_answer(200, body)).failure, FailureKind::malformed_body);
  EXPECT_EQ(classify(http_answer(200, body)).message, "잘못된 XML 응답");
  EXPECT_EQ(classify(http_answer(403, body)).kind, OutcomeKind::key_error);
}

TEST(Classify, UnknownJsonDocumentIsMalformed) {
  for (const char* body : {"[]", "42", "\"x\"", R"({"hello":"world"})", R"({"response":{}})"}) {
    ApiOutcome outcome = classify(http_answer(200, body));
    EXPECT_EQ(outcome.failure, FailureKind::malformed_body) << body;
  }
}

TEST(Classify, TransportFailures) {
  ApiOutcome timeout = classify(transport_failure(TransportError::timeout, "Operation timed out"));
  EXPECT_EQ(timeout.kind, OutcomeKind::service_error);
  EXPECT_EQ(timeout.failure, FailureKind::timeout);
  EXPECT_EQ(timeout.message, "응답 시간 초과");
  ApiOutcome refused = classify(transport_failure(TransportError::connection, "refused"));
  EXPECT_EQ(refused.failure, FailureKind::connection);
  EXPECT_EQ(refused.message, "연결 실패");
  EXPECT_EQ(classify(transport_failure(TransportError::too_large)).failure, FailureKind::too_large);
  EXPECT_EQ(classify(transport_failure(TransportError::other)).kind, OutcomeKind::service_error);
}

TEST(Classify, GarbageBytesNeverThrow) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::string body(static_cast<std::size_t>(rng() % 4096), '\0');
    for (auto& c : body) c = static_cast<char>(rng() & 0xFF);
    if (round % 3 == 1) body.insert(0, "{");
    if (round % 3 == 2) body.insert(0, "<");
    Page page;
    ApiOutcome outcome;
    ASSERT_NO_THROW(outcome = classify(http_answer(200, body), &page));
    EXPECT_FALSE(outcome.ok());
  }
}

TEST(Classify, InvalidUtf8OutsideStringsIsMalformed) {
  ApiOutcome outcome = classify(http_answer(200, "\xFF\xFE\xC3\x28{\"resultCode\":\x80}"));
  EXPECT_EQ(outcome.failure, FailureKind::malformed_body);
}

TEST(Classify, TenMegabyteBodiesAreHandled) {
  std::string junk(10u * 1024u * 1024u, 'x');
  EXPECT_EQ(classify(http_answer(200, junk)).failure, FailureKind::malformed_body);
  // Deep nesting must not blow the stack of the parser.
  std::string nested(10u * 1024u * 1024u, '[');
  EXPECT_EQ(classify(http_answer(200, nested)).failure, FailureKind::malformed_body);
  std::string tags;
  tags.reserve(10u * 1024u * 1024u);
  while (tags.size() < 10u * 1024u * 1024u) tags += "<a>";
  EXPECT_EQ(classify(http_answer(200, tags)).failure, FailureKind::malformed_body);
}

TEST(Classify, BillionLaughsIsNeverExpanded) {
  std::string doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  doctype += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    std::string prev = "&lol" + std::to_string(i - 1) + ";";
    std::string value;
    for (int k = 0; k < 10; ++k) value += prev;
    doctype += "<!ENTITY lol" + std::to_string(i) + " \"" + value + "\">\n";
  }
  doctype += "]>\n";
  std::string gateway = doctype +
                        "<OpenAPI_ServiceResponse><cmmMsgHeader><returnReasonCode>&lol9;"
                        "</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>";
  ApiOutcome outcome = classify(http_answer(200, gateway));
  EXPECT_EQ(outcome.kind, OutcomeKind::service_error);
  EXPECT_LT(outcome.code.size(), 100u);
  EXPECT_LT(outcome.message.size(), 100u);
  ApiOutcome plain = classify(http_answer(200, doctype + "<lolz>&lol9;</lolz>"));
  EXPECT_EQ(plain.failure, FailureKind::malformed_body);
}

TEST(Classify, MessagesNeverCarryTheBody) {
  std::string body = R"({"resultCode":"30","resultMsg":"serviceKey=SECRETSECRETSECRET123"})";
  ApiOutcome outcome = classify(http_answer(200, body));
  EXPECT_EQ(outcome.message.find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace kto::api
