// Listing pages: the real answers of the service (fixtures) and every shape it is known to choose.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fakes/fake_transport.hpp"
#include "kto/api/tour_api.hpp"

namespace kto::api {
namespace {

using kto::test::http_answer;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(KTO_FIXTURES_DIR) + "/tourapi/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Page parse_ok(const std::string& body) {
  Page page;
  ApiOutcome outcome = classify(http_answer(200, body), &page);
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
  EXPECT_EQ(outcome.failure, FailureKind::none);
  EXPECT_EQ(outcome.http_status, 200);
  return page;
}

std::string wrap(const std::string& body) {
  return R"({"response":{"header":{"resultCode":"0000","resultMsg":"OK"},"body":)" + body + "}}";
}

TEST(TourApiPage, ParsesAreaBasedListFixture) {
  Page page = parse_ok(fixture("areaBasedList2.json"));
  ASSERT_EQ(page.items.size(), 5u);
  EXPECT_EQ(page.total_count, 50872);
  EXPECT_EQ(page.num_of_rows, 5);
  EXPECT_EQ(page.page_no, 1);
  EXPECT_EQ(page.items[0]["title"], "가가상점");
  EXPECT_EQ(page.items[0]["areacode"], "");
  EXPECT_EQ(page.items[0]["lDongRegnCd"], "44");
  EXPECT_EQ(page.items[1]["contenttypeid"], "39");
  EXPECT_EQ(page.items[1]["lclsSystm3"], "FD020200");
  EXPECT_EQ(page.items[2]["mapx"], "127.1219749520");
  EXPECT_EQ(page.items[4]["contentid"], "1433504");
}

TEST(TourApiPage, ParsesSyncListFixtureWithOddCharacter) {
  Page page = parse_ok(fixture("areaBasedSyncList2.json"));
  ASSERT_EQ(page.items.size(), 5u);
  EXPECT_EQ(page.total_count, 68236);
  EXPECT_EQ(page.items[0]["addr1"], "서울 송파구 올림픽로 300\u00B8 2층");
  EXPECT_EQ(page.items[0]["showflag"], "0");
  EXPECT_EQ(page.items[0]["lDongRegnCd"], "");
  EXPECT_EQ(page.items[1]["showflag"], "1");
  // Stored as raw_json later: dumping must round-trip the odd character.
  EXPECT_NE(page.items[0].raw().find("300\u00B8"), std::string::npos);  // raw_json keeps it
}

TEST(TourApiPage, ParsesCodeListFixtures) {
  Page areas = parse_ok(fixture("areaCode2.json"));
  ASSERT_EQ(areas.items.size(), 5u);
  EXPECT_EQ(areas.total_count, 17);
  EXPECT_EQ(areas.items[0]["name"], "서울");
  EXPECT_TRUE(areas.items[0].find("rnum").is_number());  // kept as received
  EXPECT_EQ(areas.items[0]["rnum"], "1");
  Page ldong = parse_ok(fixture("ldongCode2.json"));
  ASSERT_EQ(ldong.items.size(), 5u);
  EXPECT_EQ(ldong.items[1]["code"], "26");
  EXPECT_EQ(ldong.items[0]["name"], "서울특별시");
}

TEST(TourApiPage, EmptyStringItemsIsSuccessWithNoItems) {
  Page page = parse_ok(fixture("detailInfo2-empty.json"));
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total_count, 0);
  EXPECT_EQ(page.num_of_rows, 0);
  EXPECT_EQ(page.page_no, 1);
}

TEST(TourApiPage, PagePastTheEndIsEmptySuccessKeepingTotal) {
  Page page = parse_ok(wrap(R"({"items":"","numOfRows":0,"pageNo":3,"totalCount":1595})"));
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total_count, 1595);
  EXPECT_EQ(page.page_no, 3);
}

TEST(TourApiPage, SingleObjectItemIsOneItem) {
  Page page = parse_ok(wrap(
      R"({"items":{"item":{"contentid":"1","title":"하나"}},"numOfRows":1,"pageNo":1,"totalCount":1})"));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0]["title"], "하나");
}

TEST(TourApiPage, CountsWrittenAsStringsAreRead) {
  Page page = parse_ok(wrap(
      R"({"items":{"item":[{"contentid":"1"}]},"numOfRows":"10","pageNo":"2","totalCount":"1595"})"));
  EXPECT_EQ(page.total_count, 1595);
  EXPECT_EQ(page.num_of_rows, 10);
  EXPECT_EQ(page.page_no, 2);
}

TEST(TourApiPage, SkipsItemsThatAreNotObjects) {
  Page page = parse_ok(wrap(
      R"({"items":{"item":[{"contentid":"1"},5,null,"x",[],{"contentid":"2"}]},"totalCount":6})"));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1]["contentid"], "2");
}

TEST(TourApiPage, MissingPagingFieldsDefaultToZero) {
  Page page = parse_ok(wrap(R"({"items":{"item":[{"contentid":"1"}]},"totalCount":1})"));
  EXPECT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.page_no, 0);
  EXPECT_EQ(page.num_of_rows, 0);
}

TEST(TourApiPage, MissingItemsIsFineOnlyWhenNothingIsCounted) {
  Page page = parse_ok(wrap(R"({"totalCount":0})"));
  EXPECT_TRUE(page.items.empty());
  ApiOutcome outcome = classify(http_answer(200, wrap(R"({"totalCount":12})")), &page);
  EXPECT_EQ(outcome.failure, FailureKind::malformed_body);
}

TEST(TourApiPage, WrongShapesAreMalformed) {
  const char* bodies[] = {
      R"({"response":{"header":{"resultCode":"0000"}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":"x"}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":"","totalCount":true}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":"","totalCount":"many"}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":"","totalCount":-1}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":"","totalCount":1.5}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":"","pageNo":[],"totalCount":1}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":"","numOfRows":99999999999,"totalCount":1}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":7,"totalCount":1}}})",
      R"({"response":{"header":{"resultCode":"0000"},"body":{"items":{"item":"x"},"totalCount":1}}})",
      R"({"resultCode":"0000","resultMsg":"OK"})",
  };
  for (const char* body : bodies) {
    Page page;
    page.total_count = 42;
    ApiOutcome outcome = classify(http_answer(200, body), &page);
    EXPECT_EQ(outcome.kind, OutcomeKind::service_error) << body;
    EXPECT_EQ(outcome.failure, FailureKind::malformed_body) << body;
    EXPECT_EQ(outcome.message.rfind("잘못된 JSON 응답", 0), 0u) << outcome.message;
    EXPECT_EQ(page.total_count, 42) << "page untouched on failure: " << body;
  }
}

TEST(TourApiPage, StrayInvalidUtf8ByteIsMendedNotFatal) {
  std::string body =
      wrap("{\"items\":{\"item\":[{\"title\":\"\xEA\xB0\x80\xFF\xEA\xB0\x80\"}]},\"totalCount\":1}");
  Page page = parse_ok(body);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0]["title"], "\xEA\xB0\x80\xEF\xBF\xBD\xEA\xB0\x80");
  EXPECT_EQ(page.items[0].raw(), "{\"title\":\"\xEA\xB0\x80\xEF\xBF\xBD\xEA\xB0\x80\"}");
}

TEST(TourApiPage, ParsesServiceAnswerInXml) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><header><resultCode>0000</resultCode>"
      "<resultMsg>OK</resultMsg></header><body><items><item><contentid>2805408</contentid>"
      "<title>가가와 &amp; 친구</title></item><item><contentid>1</contentid></item></items>"
      "<numOfRows>2</numOfRows><pageNo>1</pageNo><totalCount>1595</totalCount></body></response>";
  Page page;
  ApiOutcome outcome = classify(http_answer(200, body, "text/xml"), &page);
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.message;
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0]["title"], "가가와 & 친구");
  EXPECT_EQ(page.items[0]["contentid"], "2805408");
  EXPECT_EQ(page.total_count, 1595);
  EXPECT_EQ(page.num_of_rows, 2);
}

TEST(TourApiPage, NoDataCodeGivesEmptyPage) {
  Page page;
  page.doc = kto::util::JsonDoc::parse("{}");
  page.items.push_back(page.doc->root());
  page.total_count = 9;
  ApiOutcome outcome = classify(kto::test::service_error("03"), &page);
  EXPECT_EQ(outcome.kind, OutcomeKind::no_data);
  EXPECT_TRUE(outcome.ok());
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total_count, 0);
}

TEST(TourApiPage, LargeValidPageParses) {
  auto answer = kto::test::success_page(20000, 20000);
  ASSERT_GT(answer.body.size(), 1'000'000u);
  Page page;
  ApiOutcome outcome = classify(answer, &page);
  EXPECT_EQ(outcome.kind, OutcomeKind::success);
  EXPECT_EQ(page.items.size(), 20000u);
}

}  // namespace
}  // namespace kto::api

namespace kto::api {

TEST(TourApiPage, TakingTheBodyReadsTheSameAnswersAsCopyingIt) {
  for (const char* name : {"areaBasedList2.json", "areaCode2.json", "detailInfo2-empty.json"}) {
    HttpResponse copied = kto::test::http_answer(200, fixture(name), "application/json");
    HttpResponse taken = copied;
    Page copy_page, taken_page;
    ApiOutcome a = classify(copied, &copy_page);
    ApiOutcome b = classify_taking_body(taken, &taken_page);
    EXPECT_EQ(a.kind, b.kind) << name;
    EXPECT_EQ(a.message, b.message) << name;
    ASSERT_EQ(copy_page.items.size(), taken_page.items.size()) << name;
    for (std::size_t i = 0; i < copy_page.items.size(); ++i)
      EXPECT_EQ(copy_page.items[i].raw(), taken_page.items[i].raw()) << name;
    EXPECT_EQ(copied.body, fixture(name));  // the copying form leaves the answer alone
    EXPECT_TRUE(taken.body.empty());        // the taking form took it
  }
  // An XML answer and a quota error are read the same way when taken.
  HttpResponse quota = kto::test::gateway_error("22");
  Page none;
  EXPECT_EQ(classify_taking_body(quota, &none).kind, OutcomeKind::quota_exceeded);
}

}  // namespace kto::api
