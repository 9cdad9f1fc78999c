// The simulator's hostile answers, as a client sees them on the wire: "huge" (the answer padded
// to huge_bytes), "bad_utf8" (invalid bytes in every title) and "entities" (a billion-laughs XML
// error whose reason code is an entity). Only used when named: the default kinds stay the six.
#include <gtest/gtest.h>

#include "integration/sim_fixture.hpp"

namespace {

using kto::test::SimServer;

const nlohmann::json k_hostile_set = {{"restaurants", 30}, {"other_types", 0}, {"hidden", 0}};
const std::string k_hostile_page = "numOfRows=10&contentTypeId=39";

SimServer scheduled(const std::string& kind, nlohmann::json extra = nlohmann::json::object()) {
  extra["schedule"] = {{{"call", 1}, {"kind", kind}}};
  return SimServer({{"dataset", k_hostile_set}, {"faults", extra}});
}

TEST(SimHostile, HugePadsAValidAnswerToTheAskedSize) {
  SimServer sim = scheduled("huge", {{"huge_bytes", 3 * 1024 * 1024}});
  auto huge = sim.call("areaBasedList2", "k", k_hostile_page);
  EXPECT_EQ(huge.status, 200);
  EXPECT_EQ(huge.body.size(), 3u * 1024 * 1024);
  EXPECT_EQ(huge.json()["response"]["body"]["numOfRows"], 10) << "still a valid document";
  EXPECT_EQ(sim.stats()["by_outcome"]["fault:huge"], 1);
}

TEST(SimHostile, BadUtf8SpoilsEveryTitleAndNothingElse) {
  SimServer sim = scheduled("bad_utf8");
  auto bad = sim.call("areaBasedList2", "k", k_hostile_page);
  auto good = sim.call("areaBasedList2", "k", k_hostile_page);
  EXPECT_EQ(bad.status, 200);
  std::size_t spoiled = 0;
  for (std::size_t at = bad.body.find("\"title\":\"\x80\xff\xc3"); at != std::string::npos;
       at = bad.body.find("\"title\":\"\x80\xff\xc3", at + 1))
    ++spoiled;
  EXPECT_EQ(spoiled, 10u);
  EXPECT_EQ(bad.body.size(), good.body.size() + 30);
}

TEST(SimHostile, EntitiesIsAnXmlGatewayErrorWithAnEntityBomb) {
  SimServer sim = scheduled("entities");
  auto bomb = sim.call("areaBasedList2", "k", k_hostile_page);
  EXPECT_EQ(bomb.status, 200);
  EXPECT_NE(bomb.content_type.find("xml"), std::string::npos);
  EXPECT_NE(bomb.body.find("<!ENTITY lol9 \"&lol8;&lol8;"), std::string::npos);
  EXPECT_NE(bomb.body.find("<returnReasonCode>&code;</returnReasonCode>"), std::string::npos);
  EXPECT_LT(bomb.body.size(), 4096u) << "small on the wire, huge when expanded";
}

}  // namespace
