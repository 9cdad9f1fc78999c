// parse_region_list: every mistake in --regions is named in the message.
#include <gtest/gtest.h>

#include "kto/api/regions.hpp"

namespace {

using kto::api::parse_region_list;

TEST(ApiRegionList, ParsesCodesDroppingDuplicates) {
  auto parsed = parse_region_list(" 1, 6 ,31,1");
  EXPECT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.codes, (std::vector<int>{1, 6, 31}));
}

TEST(ApiRegionList, AnEmptyEntryIsNamedAsEmptyNotAsAnUnknownCode) {
  for (const char* text : {"1,,6", " , ", "1,"}) {
    auto parsed = parse_region_list(text);
    EXPECT_TRUE(parsed.codes.empty()) << text;
    EXPECT_NE(parsed.error.find("빈 항목"), std::string::npos) << parsed.error;
    EXPECT_EQ(parsed.error.find("''은(는) 없는 지역 코드"), std::string::npos) << parsed.error;
  }
}

TEST(ApiRegionList, AnUnknownOrMalformedCodeIsQuoted) {
  for (const char* bad : {"99", "a", "1;6", "0x1"}) {
    auto parsed = parse_region_list(std::string("1,") + bad);
    EXPECT_TRUE(parsed.codes.empty()) << bad;
    EXPECT_NE(parsed.error.find(std::string("'") + bad + "'"), std::string::npos) << parsed.error;
  }
  EXPECT_NE(parse_region_list("").error.find("--regions가 비어 있습니다"), std::string::npos);
}

}  // namespace
