// The simulator's answers have the shapes of the real service's (the fixtures).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "integration/sim_fixture.hpp"

namespace {

using nlohmann::ordered_json;

ordered_json load_fixture(const std::string& name) {
  std::ifstream in(std::string(KTO_FIXTURES_DIR) + "/tourapi/" + name);
  return ordered_json::parse(in);
}

std::vector<std::string> keys_of(const ordered_json& obj) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : obj.items()) keys.push_back(k);
  return keys;
}

class SimShapes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_sim = new kto::test::SimServer(
        {{"seed", 11},
         {"dataset", {{"restaurants", 2000}, {"other_types", 200}, {"hidden", 30}}}});
  }
  static void TearDownTestSuite() {
    delete s_sim;
    s_sim = nullptr;
  }
  static ordered_json body(const kto::test::HttpGet& r) { return r.json()["response"]["body"]; }
  static kto::test::SimServer* s_sim;
};
kto::test::SimServer* SimShapes::s_sim = nullptr;

TEST_F(SimShapes, ListItemsHaveTheFixtureFieldsInTheSameOrderAllStrings) {
  auto fixture = load_fixture("areaBasedList2.json");
  auto r = s_sim->call("areaBasedList2", "any-key", "numOfRows=5&pageNo=1");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  EXPECT_EQ(keys_of(doc["response"]), keys_of(fixture["response"]));
  EXPECT_EQ(doc["response"]["header"], fixture["response"]["header"]);
  EXPECT_EQ(keys_of(doc["response"]["body"]), keys_of(fixture["response"]["body"]));
  const auto expected = keys_of(fixture["response"]["body"]["items"]["item"][0]);
  ASSERT_EQ(doc["response"]["body"]["items"]["item"].size(), 5u);
  for (const auto& item : doc["response"]["body"]["items"]["item"]) {
    EXPECT_EQ(keys_of(item), expected);
    for (const auto& [k, v] : item.items()) EXPECT_TRUE(v.is_string()) << k;
  }
  EXPECT_TRUE(doc["response"]["body"]["numOfRows"].is_number());
  EXPECT_TRUE(doc["response"]["body"]["totalCount"].is_number());
}

TEST_F(SimShapes, SyncListItemsCarryShowflagWhereTheFixtureHasIt) {
  auto fixture = load_fixture("areaBasedSyncList2.json");
  auto r = s_sim->call("areaBasedSyncList2", "any-key", "numOfRows=5");
  ASSERT_EQ(r.status, 200);
  const auto expected = keys_of(fixture["response"]["body"]["items"]["item"][0]);
  auto page = body(r);  // a range-for over a member of a temporary reads freed memory (C++20)
  for (const auto& item : page["items"]["item"]) EXPECT_EQ(keys_of(item), expected);
}

TEST_F(SimShapes, CodeListsEqualTheFixtures) {
  for (std::string op : {"areaCode2", "ldongCode2"}) {
    auto fixture = load_fixture(op + ".json");
    auto r = s_sim->call(op, "any-key", "numOfRows=5&pageNo=1");
    ASSERT_EQ(r.status, 200) << op;
    EXPECT_EQ(r.json(), fixture) << op;
  }
  auto all = body(s_sim->call("ldongCode2", "k", "numOfRows=17"));
  EXPECT_EQ(all["items"]["item"][16]["name"], "전북특별자치도");
}

TEST_F(SimShapes, AnswersXmlWithoutTypeJson) {
  auto r = s_sim->get("/B551011/KorService2/areaCode2?serviceKey=k&MobileOS=ETC&MobileApp=t");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("xml"), std::string::npos);
  EXPECT_NE(r.body.find("<resultCode>0000</resultCode>"), std::string::npos);
  EXPECT_NE(r.body.find("<name>서울</name>"), std::string::npos);
}

TEST_F(SimShapes, RestaurantsCarryFoodCodesAndSomeHaveBlankAreaCodes) {
  auto items = body(s_sim->call("areaBasedList2", "k", "numOfRows=1000&contentTypeId=39"))["items"]["item"];
  ASSERT_EQ(items.size(), 1000u);
  int blank = 0, dirty = 0, no_tel = 0;
  for (const auto& it : items) {
    EXPECT_EQ(it["contenttypeid"], "39");
    EXPECT_EQ(it["lclsSystm1"], "FD");
    EXPECT_FALSE(it["lDongRegnCd"].get<std::string>().empty());
    EXPECT_EQ(it["createdtime"].get<std::string>().size(), 14u);
    EXPECT_LE(it["createdtime"], it["modifiedtime"]);
    if (it["areacode"] == "") {
      ++blank;
      EXPECT_EQ(it["cat1"], "");
    } else {
      EXPECT_EQ(it["cat1"], "A05");
      EXPECT_EQ(it["cat2"], "A0502");
    }
    if (it["addr1"].get<std::string>().find("¸") != std::string::npos) ++dirty;
    if (it["tel"] == "") ++no_tel;
  }
  EXPECT_GT(blank, 300);
  EXPECT_LT(blank, 500);
  EXPECT_GT(dirty, 0);
  EXPECT_GT(no_tel, 0);
}

TEST_F(SimShapes, ContentIdsAreUniqueAcrossAllPages) {
  std::set<std::string> ids;
  long total = 0;
  for (int page = 1; page <= 3; ++page) {
    auto b = body(s_sim->call("areaBasedSyncList2", "k", "numOfRows=1000&pageNo=" + std::to_string(page)));
    total = b["totalCount"].get<long>();
    if (b["items"] == "") break;
    for (const auto& it : b["items"]["item"]) ids.insert(it["contentid"].get<std::string>());
  }
  EXPECT_EQ(total, 2000 + 200 + 30);
  EXPECT_EQ(static_cast<long>(ids.size()), total);
}

TEST_F(SimShapes, ContentTypeIdFilterLeavesOtherTypesOut) {
  EXPECT_EQ(body(s_sim->call("areaBasedList2", "k", "numOfRows=1"))["totalCount"], 2200);
  EXPECT_EQ(body(s_sim->call("areaBasedList2", "k", "numOfRows=1&contentTypeId=39"))["totalCount"], 2000);
  EXPECT_EQ(body(s_sim->call("areaBasedList2", "k", "numOfRows=1&contentTypeId=12"))["items"]["item"]
                ["contenttypeid"], "12");
}

TEST_F(SimShapes, HiddenItemsAppearOnlyInTheSyncListWithBlankLdongCodes) {
  auto hidden = body(s_sim->call("areaBasedSyncList2", "k", "numOfRows=100&showflag=0"));
  EXPECT_EQ(hidden["totalCount"], 30);
  for (const auto& it : hidden["items"]["item"]) {
    EXPECT_EQ(it["showflag"], "0");
    EXPECT_EQ(it["lDongRegnCd"], "");
    EXPECT_EQ(it["lclsSystm1"], "");
  }
  EXPECT_EQ(body(s_sim->call("areaBasedSyncList2", "k", "numOfRows=1"))["totalCount"], 2230);
  EXPECT_EQ(body(s_sim->call("areaBasedList2", "k", "numOfRows=1"))["totalCount"], 2200);
  EXPECT_EQ(s_sim->stats()["dataset"]["hidden"], 30);
}

TEST_F(SimShapes, DetailCommonAnswersOneItemAsAnObject) {
  auto first = body(s_sim->call("areaBasedList2", "k", "numOfRows=1&contentTypeId=39"))["items"]["item"];
  auto detail = body(s_sim->call("detailCommon2", "k", "contentId=" + first["contentid"].get<std::string>()));
  ASSERT_TRUE(detail["items"]["item"].is_object());
  EXPECT_EQ(detail["items"]["item"]["title"], first["title"]);
  EXPECT_EQ(body(s_sim->call("detailCommon2", "k", "contentId=1"))["items"], "");
}

}  // namespace
