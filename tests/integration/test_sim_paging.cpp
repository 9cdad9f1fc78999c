// Paging, filters and sorting behave like the real service's, quirks included.
#include <gtest/gtest.h>

#include "integration/sim_fixture.hpp"

namespace {

using nlohmann::ordered_json;

ordered_json body_of(const kto::test::HttpGet& r) { return r.json()["response"]["body"]; }

class SimPaging : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_sim = new kto::test::SimServer(
        {{"seed", 5},
         {"dataset",
          {{"per_province", {{"11", 1595}, {"26", 900}, {"36", 1}}},
           {"modified_recent", {{"ratio", 0.05}, {"date", "20261124"}}}}}});
  }
  static void TearDownTestSuite() {
    delete s_sim;
    s_sim = nullptr;
  }
  static ordered_json list(const std::string& query) {
    return body_of(s_sim->call("areaBasedList2", "key", "contentTypeId=39&" + query));
  }
  static kto::test::SimServer* s_sim;
};
kto::test::SimServer* SimPaging::s_sim = nullptr;

TEST_F(SimPaging, LastPageReportsTheRowsItHoldsAndPagesPastTheEndAreEmpty) {
  auto first = list("lDongRegnCd=11&numOfRows=1000&pageNo=1");
  EXPECT_EQ(first["totalCount"], 1595);
  EXPECT_EQ(first["numOfRows"], 1000);
  EXPECT_EQ(first["items"]["item"].size(), 1000u);
  auto last = list("lDongRegnCd=11&numOfRows=1000&pageNo=2");
  EXPECT_EQ(last["numOfRows"], 595);
  EXPECT_EQ(last["pageNo"], 2);
  EXPECT_EQ(last["items"]["item"].size(), 595u);
  auto past = list("lDongRegnCd=11&numOfRows=1000&pageNo=3");
  EXPECT_EQ(past["items"], "");
  EXPECT_EQ(past["numOfRows"], 0);
  EXPECT_EQ(past["totalCount"], 1595);
}

TEST_F(SimPaging, DefaultsToTenRowsOfPageOne) {
  auto b = list("lDongRegnCd=26");
  EXPECT_EQ(b["numOfRows"], 10);
  EXPECT_EQ(b["pageNo"], 1);
  EXPECT_EQ(b["totalCount"], 900);
}

TEST_F(SimPaging, OneResultIsAnObjectAndNoResultIsAnEmptyString) {
  auto one = list("lDongRegnCd=36&numOfRows=10");
  EXPECT_EQ(one["totalCount"], 1);
  EXPECT_TRUE(one["items"]["item"].is_object());
  auto none = list("lDongRegnCd=50");
  EXPECT_EQ(none["items"], "");
  EXPECT_EQ(none["numOfRows"], 0);
  EXPECT_EQ(none["totalCount"], 0);
}

TEST_F(SimPaging, AreaCodeMissesTheItemsWithABlankAreaCode) {
  auto by_ldong = list("lDongRegnCd=11&numOfRows=1")["totalCount"].get<long>();
  auto by_area = list("areaCode=1&numOfRows=1")["totalCount"].get<long>();
  EXPECT_EQ(by_ldong, 1595);
  EXPECT_GT(by_area, 1595 * 50 / 100);
  EXPECT_LT(by_area, 1595 * 70 / 100);
  auto stats = s_sim->stats()["dataset"];
  EXPECT_EQ(stats["restaurants_by_ldong"]["11"], 1595);
  EXPECT_EQ(stats["restaurants_by_areacode"]["1"], by_area);
  // Held in a variable: a range-for over a member of a temporary reads freed memory (C++20).
  auto page = list("areaCode=1&numOfRows=1000");
  for (const auto& it : page["items"]["item"]) EXPECT_EQ(it["areacode"], "1");
}

TEST_F(SimPaging, ArrangeASortsByTitleAndOPutsImagesFirst) {
  auto items = list("lDongRegnCd=26&numOfRows=900&arrange=A")["items"]["item"];
  for (std::size_t i = 1; i < items.size(); ++i) EXPECT_LE(items[i - 1]["title"], items[i]["title"]);
  auto with_images = list("lDongRegnCd=26&numOfRows=900&arrange=O")["items"]["item"];
  bool seen_blank = false;
  for (const auto& it : with_images) {
    if (it["firstimage"] == "") seen_blank = true;
    else EXPECT_FALSE(seen_blank) << "an item with an image after one without";
  }
  EXPECT_TRUE(seen_blank);
}

TEST_F(SimPaging, ArrangeCSortsByModifiedTimeNewestFirst) {
  auto items = list("lDongRegnCd=11&numOfRows=500&arrange=C")["items"]["item"];
  for (std::size_t i = 1; i < items.size(); ++i)
    EXPECT_GE(items[i - 1]["modifiedtime"], items[i]["modifiedtime"]);
}

TEST_F(SimPaging, ModifiedTimeFiltersTheItemsOfThatKstDay) {
  auto recent = list("modifiedtime=20261124&numOfRows=1000");
  long expected = s_sim->stats()["dataset"]["modified_recent"].get<long>();
  EXPECT_GT(expected, 0);
  EXPECT_EQ(recent["totalCount"], expected);
  for (const auto& it : recent["items"]["item"])
    EXPECT_EQ(it["modifiedtime"].get<std::string>().substr(0, 8), "20261124");
  EXPECT_EQ(list("modifiedtime=20261125")["totalCount"], 0);
}

TEST(SimPagingQuirks, ModifiedTimeCanMeanSinceThatDay) {
  kto::test::SimServer sim({{"dataset", {{"restaurants", 300}, {"modified_recent", {{"ratio", 0.1}, {"date", "20261124"}}}}},
                            {"modifiedtime_semantics", "since"}});
  auto since = body_of(sim.call("areaBasedList2", "k", "contentTypeId=39&modifiedtime=20150101"));
  EXPECT_EQ(since["totalCount"], 300);
  auto recent = body_of(sim.call("areaBasedList2", "k", "contentTypeId=39&modifiedtime=20261124"));
  EXPECT_EQ(recent["totalCount"], sim.stats()["dataset"]["modified_recent"]);
}

TEST(SimPagingQuirks, NumbersCanComeAsStrings) {
  kto::test::SimServer sim({{"dataset", {{"restaurants", 30}}}, {"numbers_as_strings", true}});
  auto b = body_of(sim.call("areaBasedList2", "k", "numOfRows=20&pageNo=2&contentTypeId=39"));
  EXPECT_EQ(b["numOfRows"], "10");
  EXPECT_EQ(b["pageNo"], "2");
  EXPECT_EQ(b["totalCount"], "30");
}

TEST(SimPagingQuirks, TooLargeAPageGetsAnEmptyBodyWithStatus200) {
  kto::test::SimServer sim({{"dataset", {{"restaurants", 30}}}, {"max_page_size", 50}});
  auto refused = sim.call("areaBasedList2", "k", "numOfRows=51");
  EXPECT_EQ(refused.status, 200);
  EXPECT_TRUE(refused.completed());
  EXPECT_EQ(refused.body, "");
  EXPECT_EQ(body_of(sim.call("areaBasedList2", "k", "numOfRows=50&contentTypeId=39"))["numOfRows"], 30);
}

TEST(SimPagingQuirks, SameSeedGivesTheSameDataAndAnotherSeedOther) {
  const std::string query = "numOfRows=200&arrange=A&contentTypeId=39";
  nlohmann::json scenario = {{"seed", 99}, {"dataset", {{"restaurants", 200}, {"modified_recent", {{"date", "20261124"}}}}}};
  kto::test::SimServer a(scenario), b(scenario);
  scenario["seed"] = 100;
  kto::test::SimServer c(scenario);
  auto page_a = a.call("areaBasedList2", "k", query).body;
  EXPECT_EQ(page_a, b.call("areaBasedList2", "k", query).body);
  EXPECT_NE(page_a, c.call("areaBasedList2", "k", query).body);
}

}  // namespace
