// One scope_text for the report's lines and for what `collect --resume` runs or refuses: the same
// provinces read the same way whether they come from the flags or from a stored run record.
#include <gtest/gtest.h>

#include "kto/collect/increment.hpp"

using namespace kto;
using collect::ScopeStyle;

namespace {

store::RunRecord record(std::string mode, std::string regions) {
  store::RunRecord run;
  run.mode = std::move(mode);
  run.regions = std::move(regions);
  return run;
}

}  // namespace

TEST(CollectScopeText, NamesStyleReadsProvincesByName) {
  collect::CollectOptions major;
  EXPECT_EQ(collect::scope_text(major), "서울, 부산, 경기, 제주");
  collect::CollectOptions all;
  all.mode = collect::Mode::all;
  EXPECT_EQ(collect::scope_text(all), "전국 (17개 시도)");
  EXPECT_EQ(collect::scope_text(record("regions", "1,6")), "서울, 부산");
}

TEST(CollectScopeText, ModeStyleNamesTheModeAndTheCodesTheFlagsTake) {
  collect::CollectOptions regions;
  regions.mode = collect::Mode::regions;
  regions.regions = {1, 6};
  EXPECT_EQ(collect::scope_text(regions, ScopeStyle::mode_and_codes), "모드 regions (서울(1), 부산(6))");
  collect::CollectOptions all;
  all.mode = collect::Mode::all;
  EXPECT_EQ(collect::scope_text(all, ScopeStyle::mode_and_codes), "모드 all (전국)");
  collect::CollectOptions major;
  EXPECT_EQ(collect::scope_text(major, ScopeStyle::mode_and_codes),
            "모드 major (서울(1), 부산(6), 경기(31), 제주(39))");
}

TEST(CollectScopeText, AStoredRunReadsLikeTheOptionsThatWroteIt) {
  collect::CollectOptions regions;
  regions.mode = collect::Mode::regions;
  regions.regions = {39, 2};
  EXPECT_EQ(collect::scope_text(record("regions", "39,2"), ScopeStyle::mode_and_codes),
            collect::scope_text(regions, ScopeStyle::mode_and_codes));
  EXPECT_EQ(collect::scope_text(record("all", ""), ScopeStyle::mode_and_codes), "모드 all (전국)");
}

TEST(CollectScopeText, RegionsOfARecordAreReadAsTheFlagsAreAndADamagedOneMatchesNothing) {
  EXPECT_EQ(collect::area_codes_of("1,6,31,39"), (std::vector<int>{1, 6, 31, 39}));
  EXPECT_EQ(collect::area_codes_of("1, 6"), (std::vector<int>{1, 6}));
  EXPECT_TRUE(collect::area_codes_of("1,x").empty());
  EXPECT_TRUE(collect::area_codes_of("1,99").empty());
  EXPECT_TRUE(collect::area_codes_of("").empty());
}
