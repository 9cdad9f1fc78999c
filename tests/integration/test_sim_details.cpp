// kto-sim's detail operations (issue 17): parameters, shapes (the fixtures'), contents that are
// deterministic and follow an item's modifiedtime, JSON and XML. Quotas, the per-second limit,
// faults and statistics of these operations are in test_sim_details_limits.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "hangul.hpp"
#include "integration/sim_fixture.hpp"

namespace {

using kto::test::SimServer;
using kto::test::query_of;
using nlohmann::ordered_json;

const std::vector<std::string> k_operations = {"detailCommon2", "detailIntro2", "detailImage2",
                                               "detailInfo2"};
// The restaurant fields of detailIntro2, in the service's order.
const std::vector<std::string> k_intro_fields = {
    "contentid",      "contenttypeid",  "seat",         "kidsfacility",     "firstmenu",
    "treatmenu",      "smoking",        "packing",      "infocenterfood",   "scalefood",
    "parkingfood",    "opendatefood",   "opentimefood", "restdatefood",     "discountinfofood",
    "chkcreditcardfood", "reservationfood", "lcnsno"};

ordered_json load_fixture(const std::string& name) {
  std::ifstream in(std::string(KTO_FIXTURES_DIR) + "/tourapi/" + name);
  return ordered_json::parse(in);
}

std::vector<std::string> keys_of(const ordered_json& obj) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : obj.items()) keys.push_back(k);
  return keys;
}

// The rows of an answer's items as an array (one row comes as an object, none as "").
ordered_json rows_of(const ordered_json& doc) {
  const auto& items = doc["response"]["body"]["items"];
  if (items.is_string()) return ordered_json::array();
  const auto& item = items["item"];
  return item.is_array() ? item : ordered_json::array({item});
}


nlohmann::json scenario(int seed) {
  return {{"seed", seed},
          {"dataset", {{"restaurants", 300}, {"other_types", 20}, {"hidden", 5}, {"withdrawn", 3}}}};
}

class SimDetails : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_sim = new SimServer(scenario(7));
    auto list = s_sim->call("areaBasedList2", "k", "numOfRows=1000&contentTypeId=39&arrange=A");
    s_restaurants = new ordered_json(rows_of(list.json()));
  }
  static void TearDownTestSuite() {
    delete s_sim;
    delete s_restaurants;
  }
  static ordered_json detail(const std::string& op, const std::string& query) {
    return s_sim->call(op, "k", query).json();
  }
  static std::string id(std::size_t i) { return (*s_restaurants)[i]["contentid"].get<std::string>(); }
  static SimServer* s_sim;
  static ordered_json* s_restaurants;
};
SimServer* SimDetails::s_sim = nullptr;
ordered_json* SimDetails::s_restaurants = nullptr;

TEST_F(SimDetails, CommonHasTheListingFieldsPlusTelnameHomepageAndOverview) {
  ASSERT_EQ(s_restaurants->size(), 297u);  // 300 less the 3 withdrawn
  std::set<std::string> listing_keys;
  for (const auto& k : keys_of((*s_restaurants)[0])) listing_keys.insert(k);
  int tags = 0, empty_pages = 0, with_br = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    auto doc = detail("detailCommon2", "contentId=" + id(i));
    ASSERT_TRUE(doc["response"]["body"]["items"]["item"].is_object()) << doc.dump();
    EXPECT_EQ(doc["response"]["body"]["totalCount"], 1);
    auto item = doc["response"]["body"]["items"]["item"];
    std::set<std::string> keys;
    for (const auto& [k, v] : item.items()) {
      keys.insert(k);
      EXPECT_TRUE(v.is_string()) << k;
      if (listing_keys.count(k)) {
        EXPECT_EQ(v, (*s_restaurants)[i][k]) << k;
      }
    }
    for (const auto& k : listing_keys) EXPECT_TRUE(keys.count(k)) << k;
    for (const char* k : {"telname", "homepage", "overview"}) EXPECT_TRUE(keys.count(k)) << k;
    const std::string page = item["homepage"], overview = item["overview"];
    if (page.rfind("<a href=\"http", 0) == 0) ++tags;
    if (page.empty()) ++empty_pages;
    if (overview.find("<br>") != std::string::npos) ++with_br;
    EXPECT_TRUE(kto::test::has_hangul(overview));
    EXPECT_GT(overview.size(), 200u);
  }
  EXPECT_GT(tags, 10);
  EXPECT_GT(empty_pages, 5);
  EXPECT_EQ(with_br, 60);
}

TEST_F(SimDetails, IntroHasTheRestaurantFieldsInOrderOftenEmptySomeMissing) {
  int missing = 0, empty = 0, breaks = 0, weekly = 0;
  for (std::size_t i = 0; i < 80; ++i) {
    auto rows = rows_of(detail("detailIntro2", query_of("detailIntro2", id(i))));
    ASSERT_EQ(rows.size(), 1u);
    auto keys = keys_of(rows[0]);
    // The keys present keep the service's order.
    std::size_t at = 0;
    for (const auto& k : keys) {
      while (at < k_intro_fields.size() && k_intro_fields[at] != k) ++at;
      EXPECT_LT(at, k_intro_fields.size()) << "unexpected or out of order: " << k;
    }
    missing += static_cast<int>(k_intro_fields.size() - keys.size());
    for (const auto& [k, v] : rows[0].items()) {
      ASSERT_TRUE(v.is_string()) << k;
      if (v == "") ++empty;
    }
    const std::string open = rows[0].value("opentimefood", ""), rest = rows[0].value("restdatefood", "");
    if (open.find("<br>") != std::string::npos) ++breaks;
    if (rest.find("매주") != std::string::npos) ++weekly;
    EXPECT_EQ(rows[0]["contentid"], id(i));
    EXPECT_EQ(rows[0]["contenttypeid"], "39");
  }
  EXPECT_GT(missing, 5);
  EXPECT_GT(empty, 80);
  EXPECT_GT(breaks, 5);
  EXPECT_GT(weekly, 5);
}

TEST_F(SimDetails, ImagesOfTheItemAndOfTheMenuWithTheirFieldsOrNone) {
  const std::vector<std::string> fields = {"contentid", "originimgurl", "imgname", "smallimageurl",
                                           "cpyrhtDivCd", "serialnum"};
  int none_y = 0, none_n = 0, some_n = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    auto by_default = detail("detailImage2", "contentId=" + id(i));
    EXPECT_EQ(by_default, detail("detailImage2", "contentId=" + id(i) + "&imageYN=Y"));
    auto menu = detail("detailImage2", "contentId=" + id(i) + "&imageYN=N");
    for (const auto* doc : {&by_default, &menu}) {
      auto rows = rows_of(*doc);
      EXPECT_EQ((*doc)["response"]["body"]["totalCount"], rows.size());
      if (rows.empty()) {
        EXPECT_EQ((*doc)["response"]["body"]["items"], "");
      }
      for (const auto& row : rows) {
        EXPECT_EQ(keys_of(row), fields);
        EXPECT_EQ(row["contentid"], id(i));
        EXPECT_EQ(row["originimgurl"].get<std::string>().rfind("http://tong.visitkorea.or.kr/", 0), 0u);
      }
    }
    none_y += rows_of(by_default).empty();
    none_n += rows_of(menu).empty();
    if (!rows_of(menu).empty()) {
      ++some_n;
      EXPECT_TRUE(kto::test::has_hangul(rows_of(menu)[0]["imgname"].get<std::string>()));  // a dish
    }
    // The listing's image is the first photo.
    const std::string first = (*s_restaurants)[i]["firstimage"];
    if (!first.empty()) {
      EXPECT_EQ(rows_of(by_default)[0]["originimgurl"], first);
    }
  }
  EXPECT_GT(none_y, 0);
  EXPECT_GT(none_n, 0);
  EXPECT_GT(some_n, 0);
}

TEST_F(SimDetails, ImagesArePagedByNumOfRows) {
  for (std::size_t i = 0; i < 100; ++i) {
    auto all = rows_of(detail("detailImage2", "contentId=" + id(i)));
    if (all.size() < 3) continue;
    auto page2 = detail("detailImage2", "contentId=" + id(i) + "&numOfRows=2&pageNo=2");
    EXPECT_EQ(page2["response"]["body"]["totalCount"], all.size());
    EXPECT_EQ(rows_of(page2)[0], all[2]);
    return;
  }
  FAIL() << "no restaurant with three photos among the first 100";
}

TEST_F(SimDetails, InfoRowsHaveInfonameAndInfotextOrNone) {
  int none = 0, some = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    auto rows = rows_of(detail("detailInfo2", query_of("detailInfo2", id(i))));
    (rows.empty() ? none : some) += 1;
    for (const auto& row : rows) {
      EXPECT_EQ(keys_of(row), (std::vector<std::string>{"contentid", "contenttypeid", "serialnum",
                                                        "infoname", "infotext", "fldgubun"}));
      EXPECT_TRUE(kto::test::has_hangul(row["infoname"].get<std::string>()));
    }
  }
  EXPECT_GT(none, 0);
  EXPECT_GT(some, 0);
}

TEST_F(SimDetails, UnknownWithdrawnOrHiddenItemsAnswerTheEmptyFixtureOnEveryOperation) {
  const auto empty = load_fixture("detailInfo2-empty.json");
  std::vector<std::string> ids = {"1", "99999999"};
  const auto withdrawn = s_sim->stats()["dataset"]["withdrawn"];  // not a temporary's member
  for (const auto& w : withdrawn) ids.push_back(w.get<std::string>());
  ASSERT_EQ(ids.size(), 5u);
  for (const auto& op : k_operations)
    for (const auto& gone : ids) EXPECT_EQ(detail(op, query_of(op, gone)), empty) << op << " " << gone;
  // A contentTypeId that is not the item's finds nothing either.
  EXPECT_EQ(detail("detailIntro2", "contentId=" + id(0) + "&contentTypeId=12"), empty);
}

TEST_F(SimDetails, MissingContentIdOrContentTypeIdGetsEleven) {
  for (const auto& op : k_operations) {
    auto doc = detail(op, "");
    EXPECT_EQ(doc["resultCode"], "11") << op;
    EXPECT_EQ(doc["resultMsg"], "NO_MANDATORY_REQUEST_PARAMETERS_ERROR") << op;
  }
  for (std::string op : {"detailIntro2", "detailInfo2"})
    EXPECT_EQ(detail(op, "contentId=" + id(0))["resultCode"], "11") << op;
  EXPECT_EQ(detail("detailImage2", "contentId=" + id(0))["response"]["header"]["resultCode"], "0000");
}

TEST_F(SimDetails, KorServiceOneFlagsAndContentTypeIdOnCommonGetTen) {
  for (std::string flag : {"defaultYN", "firstImageYN", "areacodeYN", "catcodeYN", "addrinfoYN",
                           "mapinfoYN", "overviewYN"}) {
    auto doc = detail("detailCommon2", "contentId=" + id(0) + "&" + flag + "=Y");
    EXPECT_EQ(doc["resultCode"], "10") << flag;
    EXPECT_EQ(doc["resultMsg"], "INVALID_REQUEST_PARAMETER_ERROR") << flag;
  }
  EXPECT_EQ(detail("detailCommon2", "contentId=" + id(0) + "&contentTypeId=39")["resultCode"], "10");
  EXPECT_EQ(detail("detailImage2", "contentId=" + id(0) + "&imageYN=X")["resultCode"], "10");
  EXPECT_EQ(detail("detailCommon2", "contentId=abc")["resultCode"], "10");
}

TEST_F(SimDetails, XmlWithoutTypeJsonEscapesTheHtmlInValues) {
  std::string body;
  for (std::size_t i = 0; i < 40 && body.find("&lt;a href=") == std::string::npos; ++i)
    body = s_sim->get("/B551011/KorService2/detailCommon2?serviceKey=k&MobileOS=ETC&MobileApp=t&contentId=" + id(i)).body;
  EXPECT_EQ(body.rfind("<?xml", 0), 0u) << body;
  EXPECT_NE(body.find("<homepage>&lt;a href=\"http"), std::string::npos) << body;
  EXPECT_NE(body.find("&lt;br&gt;"), std::string::npos);
  EXPECT_NE(body.find("<totalCount>1</totalCount>"), std::string::npos);
  auto none = s_sim->get("/B551011/KorService2/detailImage2?serviceKey=k&MobileOS=ETC&MobileApp=t&contentId=1");
  EXPECT_NE(none.body.find("<items/><numOfRows>0</numOfRows><pageNo>1</pageNo><totalCount>0</totalCount>"),
            std::string::npos) << none.body;
}

TEST_F(SimDetails, AnswersHaveTheShapesOfTheDetailFixtures) {
  // The fixtures detailCommon2/Intro2/Image2.json are simulator-shaped (see the fixtures' README).
  for (std::string op : {"detailCommon2", "detailIntro2", "detailImage2"}) {
    auto fixture = load_fixture(op + ".json");
    auto doc = detail(op, query_of(op, id(0)));
    EXPECT_EQ(keys_of(doc), keys_of(fixture)) << op;
    EXPECT_EQ(keys_of(doc["response"]), keys_of(fixture["response"])) << op;
    EXPECT_EQ(doc["response"]["header"], fixture["response"]["header"]) << op;
    EXPECT_EQ(keys_of(doc["response"]["body"]), keys_of(fixture["response"]["body"])) << op;
  }
  auto common = rows_of(load_fixture("detailCommon2.json"))[0];
  EXPECT_EQ(keys_of(rows_of(detail("detailCommon2", "contentId=" + id(1)))[0]), keys_of(common));
  auto images = rows_of(load_fixture("detailImage2.json"));
  ASSERT_GE(images.size(), 2u);
  for (std::size_t i = 0; i < 100; ++i)
    for (const auto& row : rows_of(detail("detailImage2", "contentId=" + id(i))))
      EXPECT_EQ(keys_of(row), keys_of(images[0]));
}

TEST(SimDetailsVersions, SameItemAndModifiedtimeGiveTheSameDetailsAcrossRestarts) {
  SimServer a(scenario(21)), b(scenario(21));
  auto list = rows_of(a.call("areaBasedList2", "k", "numOfRows=20&contentTypeId=39").json());
  ASSERT_EQ(list.size(), 20u);
  for (const auto& item : list)
    for (const auto& op : k_operations) {
      auto q = query_of(op, item["contentid"]);
      EXPECT_EQ(a.call(op, "k", q).body, b.call(op, "k", q).body) << op;
    }
}

TEST(SimDetailsVersions, TouchedItemsGetANewModifiedtimeAndNewDetailsOthersKeepTheirs) {
  SimServer sim(scenario(21));
  auto list = rows_of(sim.call("areaBasedList2", "k", "numOfRows=40&contentTypeId=39").json());
  ASSERT_EQ(list.size(), 40u);
  auto answers = [&](const std::string& id) {
    std::vector<std::string> all;
    for (const auto& op : k_operations) all.push_back(sim.call(op, "k", query_of(op, id)).body);
    all.push_back(sim.call("detailImage2", "k", "contentId=" + id + "&imageYN=N").body);
    return all;
  };
  std::vector<std::vector<std::string>> before;
  for (const auto& item : list) before.push_back(answers(item["contentid"]));
  std::vector<std::string> touched;
  for (std::size_t i = 0; i < 20; ++i) touched.push_back(list[i]["contentid"]);
  sim.control({{"touch", {{"contentids", touched}, {"modifiedtime", "20301201093000"}}}});
  int new_overview = 0, new_intro = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto now = answers(list[i]["contentid"]);
    if (i >= 20) {
      EXPECT_EQ(now, before[i]) << list[i]["contentid"];
      continue;
    }
    auto common = rows_of(ordered_json::parse(now[0]))[0];
    EXPECT_EQ(common["modifiedtime"], "20301201093000");
    new_overview += common["overview"] != rows_of(ordered_json::parse(before[i][0]))[0]["overview"] ||
                    common["homepage"] != rows_of(ordered_json::parse(before[i][0]))[0]["homepage"];
    new_intro += now[1] != before[i][1];
  }
  EXPECT_GE(new_overview, 15);
  EXPECT_GE(new_intro, 19);
  // The listing shows the edit too: the sync list's modifiedtime filter finds exactly these items.
  auto day = sim.call("areaBasedSyncList2", "k", "numOfRows=100&modifiedtime=20301201").json();
  std::set<std::string> found;
  for (const auto& row : rows_of(day)) found.insert(row["contentid"].get<std::string>());
  EXPECT_EQ(found, std::set<std::string>(touched.begin(), touched.end()));
}

TEST(SimDetailsVersions, TouchOfAnUnknownItemIsRefused) {
  SimServer sim(scenario(21));
  auto r = sim.post("/control", R"({"touch":["1"]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(kto::test::has_hangul(r.body)) << r.body;
}

}  // namespace
