// The gateway's key checks, quotas and error documents, and the service's parameter errors.
#include <gtest/gtest.h>

#include "integration/sim_fixture.hpp"
#include "kto/util/url.hpp"

namespace {

using kto::test::HttpGet;
using kto::test::SimServer;

const std::string k_key = "Ab+cD/ef==";  // a "Decoding" key with the characters that go wrong

nlohmann::json strict_scenario() {
  return {{"dataset", {{"restaurants", 50}, {"other_types", 0}, {"hidden", 0}}},
          {"keys",
           {{k_key, {{"status", "valid"}}},
            {"old-key", {{"status", "expired"}}},
            {"new-key", {{"status", "unregistered"}}},
            {"off-key", {{"status", "disabled"}}},
            {"small-key", {{"daily_quota", 3}}},
            {"fast-key", {{"per_second", 2}}}}}};
}

std::string raw_call(const std::string& raw_key) {
  return "/B551011/KorService2/areaCode2?serviceKey=" + raw_key + "&MobileOS=ETC&MobileApp=t&_type=json";
}

void expect_gateway_error(const HttpGet& r, const std::string& code, const std::string& message) {
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.content_type.find("xml"), std::string::npos) << r.content_type;
  EXPECT_NE(r.body.find("<OpenAPI_ServiceResponse>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<returnReasonCode>" + code + "</returnReasonCode>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<returnAuthMsg>" + message + "</returnAuthMsg>"), std::string::npos) << r.body;
}

class SimKeys : public ::testing::Test {
 protected:
  SimServer sim{strict_scenario()};
};

TEST_F(SimKeys, KeyEncodedOnceIsAccepted) {
  auto r = sim.get(raw_call(kto::util::url_encode(k_key)));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["response"]["header"]["resultCode"], "0000");
}

TEST_F(SimKeys, RawKeyWithPlusFailsWithThirty) {
  expect_gateway_error(sim.get(raw_call(k_key)), "30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR");
}

TEST_F(SimKeys, DoubleEncodedKeyFailsWithThirty) {
  auto twice = kto::util::url_encode(kto::util::url_encode(k_key));
  ASSERT_NE(twice.find("%252F"), std::string::npos);
  expect_gateway_error(sim.get(raw_call(twice)), "30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR");
}

TEST_F(SimKeys, MissingOrUnknownKeyFailsWithThirty) {
  expect_gateway_error(sim.get("/B551011/KorService2/areaCode2?MobileOS=ETC&MobileApp=t&_type=json"), "30",
                       "SERVICE_KEY_IS_NOT_REGISTERED_ERROR");
  expect_gateway_error(sim.call("areaCode2", "made-up-key"), "30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR");
  expect_gateway_error(sim.call("areaCode2", "new-key"), "30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR");
}

TEST_F(SimKeys, ExpiredAndDisabledKeysGetTheirCodesAsXmlEvenWhenJsonWasAsked) {
  expect_gateway_error(sim.call("areaBasedList2", "old-key"), "31", "DEADLINE_HAS_EXPIRED_ERROR");
  expect_gateway_error(sim.call("areaBasedList2", "off-key"), "21",
                       "TEMPORARILY_DISABLE_THE_SERVICEKEY_ERROR");
}

TEST_F(SimKeys, DailyQuotaIsCountedPerOperation) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sim.call("areaBasedList2", "small-key").status, 200);
  expect_gateway_error(sim.call("areaBasedList2", "small-key"), "22",
                       "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR");
  EXPECT_EQ(sim.call("areaCode2", "small-key").status, 200);
  sim.control({{"reset_quotas", true}});
  EXPECT_EQ(sim.call("areaBasedList2", "small-key").status, 200);
}

TEST_F(SimKeys, BurstAbovePerSecondLimitGetsTwentyThree) {
  int ok = 0, limited = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = sim.call("areaCode2", "fast-key");
    if (r.status == 200) ++ok;
    if (r.body.find("<returnReasonCode>23</returnReasonCode>") != std::string::npos) ++limited;
  }
  EXPECT_GE(ok, 2);
  EXPECT_GE(limited, 1);
  EXPECT_EQ(ok + limited, 12);
  EXPECT_EQ(sim.stats()["by_outcome"]["error:23"], limited);
}

TEST_F(SimKeys, ControlCanExpireAKeyMidRun) {
  EXPECT_EQ(sim.call("areaCode2", k_key).status, 200);
  sim.control({{"keys", {{k_key, {{"status", "expired"}}}}}});
  expect_gateway_error(sim.call("areaCode2", k_key), "31", "DEADLINE_HAS_EXPIRED_ERROR");
}

TEST_F(SimKeys, MissingMobileOsGetsElevenAsTopLevelJson) {
  auto r = sim.get("/B551011/KorService2/areaBasedList2?serviceKey=" + kto::util::url_encode(k_key) +
                   "&MobileApp=t&_type=json");
  EXPECT_EQ(r.status, 200);
  auto doc = r.json();
  EXPECT_EQ(doc["resultCode"], "11");
  EXPECT_EQ(doc["resultMsg"], "NO_MANDATORY_REQUEST_PARAMETERS_ERROR");
  EXPECT_TRUE(doc.contains("responseTime"));
  EXPECT_FALSE(doc.contains("response"));
}

TEST_F(SimKeys, NonNumericPageNoGetsTen) {
  auto doc = sim.call("areaBasedList2", k_key, "pageNo=abc").json();
  EXPECT_EQ(doc["resultCode"], "10");
  EXPECT_EQ(doc["resultMsg"], "INVALID_REQUEST_PARAMETER_ERROR");
}

TEST_F(SimKeys, RetiredServiceAndUnknownOperationGetTwelve) {
  auto old = sim.get("/B551011/KorService1/areaBasedList1?serviceKey=" + kto::util::url_encode(k_key) +
                     "&MobileOS=ETC&MobileApp=t&_type=json");
  EXPECT_NE(old.body.find("NO_OPENAPI_SERVICE_ERROR"), std::string::npos);
  EXPECT_NE(sim.call("searchKeyword2", k_key).body.find("<returnReasonCode>12"), std::string::npos);
}

TEST(SimKeysDefault, AnyKeyIsValidWithoutAKeysMap) {
  SimServer sim({{"dataset", {{"restaurants", 10}}}});
  EXPECT_EQ(sim.call("areaCode2", "x").status, 200);
  EXPECT_EQ(sim.call("areaCode2", "demo key+/=").status, 200);
}

TEST(SimKeysDefault, GatewayErrorsCanComeAsJsonWithStatus200) {
  SimServer sim({{"dataset", {{"restaurants", 10}}},
                 {"keys", {{"old", {{"status", "expired"}}}}},
                 {"gateway_errors", {{"format", "json"}, {"http_status", 200}}}});
  auto r = sim.call("areaCode2", "old");
  EXPECT_EQ(r.status, 200);
  auto header = r.json()["OpenAPI_ServiceResponse"]["cmmMsgHeader"];
  EXPECT_EQ(header["returnReasonCode"], "31");
  EXPECT_EQ(header["returnAuthMsg"], "DEADLINE_HAS_EXPIRED_ERROR");
}

}  // namespace
