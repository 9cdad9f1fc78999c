#include <gtest/gtest.h>

#include "collect/scope_state.hpp"
#include "kto/collect/plan.hpp"

using namespace kto::collect;
using kto::collect::detail::ScopeState;

namespace {
Scope seoul() { return {"area:1", "areaBasedList2", {}, 1, false, "", {}}; }
}  // namespace

TEST(CollectScopeState, AsksPageOneThenPagesByTotalCount) {
  ScopeState s(seoul(), 1000);
  EXPECT_EQ(s.missing_pages(), std::vector<int>{1});
  s.start(1);
  EXPECT_TRUE(s.missing_pages().empty());
  s.finish(1, 1000, 1000, 2595);
  EXPECT_EQ(s.missing_pages(), (std::vector<int>{2, 3}));
  s.start(2);
  s.start(3);
  s.finish(3, 1000, 595, 2595);
  s.finish(2, 1000, 1000, 2595);
  EXPECT_TRUE(s.complete());
  EXPECT_EQ(s.rows(), 2595);
}

TEST(CollectScopeState, AnAnswerTellsTheNextPagesBeforeItsPageIsStored) {
  ScopeState s(seoul(), 1000);
  s.start(1);
  // Page 1 answered (not yet written): pages 2 and 3 can be sent, page 1 is neither asked again
  // nor counted as done until it is stored.
  s.learn_total(1, 1000, 1000, 2595);
  EXPECT_EQ(s.missing_pages(), (std::vector<int>{2, 3}));
  EXPECT_FALSE(s.idle());
  EXPECT_EQ(s.rows(), 0);
  EXPECT_EQ(s.pages_done(), 0);
  s.start(2);
  s.start(3);
  s.finish(1, 1000, 1000, 2595);
  EXPECT_TRUE(s.missing_pages().empty());
  EXPECT_FALSE(s.complete());
  // A short page tells the end at once, whatever totalCount claimed.
  ScopeState t(seoul(), 1000);
  t.start(1);
  t.learn_total(1, 1000, 10, 2595);
  EXPECT_TRUE(t.missing_pages().empty());
}

TEST(CollectScopeState, AnEmptyPageEndsTheScopeWhateverTotalCountSaid) {
  ScopeState s(seoul(), 100);
  s.finish(1, 100, 100, 500);
  s.finish(2, 100, 0, 500);
  EXPECT_TRUE(s.complete());
  EXPECT_TRUE(s.missing_pages().empty());
}

TEST(CollectScopeState, ZeroResultsIsComplete) {
  ScopeState s(seoul(), 1000);
  s.finish(1, 1000, 0, 0);
  EXPECT_TRUE(s.complete());
}

TEST(CollectScopeState, HalvedPageSizeKeepsFinishedRows) {
  ScopeState s(seoul(), 1000);
  s.finish(1, 1000, 1000, 3000);
  ASSERT_TRUE(s.halve_page_size());
  // Rows 0..999 are done: at 500 a page, pages 1 and 2 are covered.
  EXPECT_EQ(s.missing_pages(), (std::vector<int>{3, 4, 5, 6}));
}

TEST(CollectScopeState, RestoredPagesAreNotAskedAgain) {
  ScopeState s(seoul(), 1000);
  s.restore(1, 1000, 1000, 2500);
  s.restore(3, 1000, 500, 2500);
  EXPECT_EQ(s.missing_pages(), std::vector<int>{2});
}

TEST(CollectPlan, MajorIsSeoulBusanGyeonggiJejuByLegalDistrictCode) {
  CollectOptions o;
  o.mode = Mode::major;
  auto scopes = full_scopes(o);
  ASSERT_EQ(scopes.size(), 4u);
  std::vector<std::string> ldong;
  for (const auto& s : scopes)
    for (const auto& [k, v] : s.params)
      if (k == "lDongRegnCd") ldong.push_back(v);
  EXPECT_EQ(ldong, (std::vector<std::string>{"11", "26", "41", "50"}));
  for (const auto& s : scopes) {
    bool has_area_code = false;
    for (const auto& [k, v] : s.params) has_area_code |= k == "areaCode";
    EXPECT_FALSE(has_area_code) << "areaCode misses items with a blank areacode";
  }
}

TEST(CollectPlan, AllIsOneNationalListing) {
  CollectOptions o;
  o.mode = Mode::all;
  auto scopes = full_scopes(o);
  ASSERT_EQ(scopes.size(), 1u);
  EXPECT_EQ(scopes[0].name, "national");
}

TEST(CollectPlan, SinceDaysCoverTheWindowInclusive) {
  auto days = since_days("20261123", "20261125");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(*days, (std::vector<std::string>{"20261123", "20261124", "20261125"}));
  EXPECT_FALSE(since_days("20261126", "20261125").ok());
  EXPECT_FALSE(since_days("2026-11-23", "20261125").ok());
}
