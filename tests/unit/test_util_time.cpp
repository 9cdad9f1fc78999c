#include <gtest/gtest.h>

#include "kto/util/time.hpp"

using namespace kto::util;
using namespace std::chrono;

TEST(UtilTime, FormatsAndParsesIsoInKst) {
  auto t = parse_iso8601("2026-11-25T06:30:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_iso_kst(*t), "2026-11-25T15:30:00+09:00");
  EXPECT_EQ(format_hms_kst(*t), "15:30:00");
  EXPECT_EQ(parse_iso8601("2026-11-25T15:30:00+09:00"), t);
  EXPECT_EQ(parse_iso8601("2026-11-25T15:30:00+0900"), t);
  EXPECT_FALSE(parse_iso8601("2026-11-25T15:30:00"));
  EXPECT_FALSE(parse_iso8601("2026-02-30T15:30:00Z"));
  EXPECT_FALSE(parse_iso8601("garbage"));
}

TEST(UtilTime, KstDayChangesAtKstMidnightNotUtc) {
  auto before = *parse_iso8601("2026-11-25T23:59:59+09:00");
  auto after = *parse_iso8601("2026-11-26T00:00:00+09:00");
  EXPECT_EQ(kst_date(before), "2026-11-25");
  EXPECT_EQ(kst_date(after), "2026-11-26");
  EXPECT_EQ(next_kst_midnight(before), after);
  EXPECT_EQ(next_kst_midnight(after), *parse_iso8601("2026-11-27T00:00:00+09:00"));
  // 14:59 UTC is 23:59 KST: the UTC date is the same, the KST date changes a minute later.
  EXPECT_EQ(kst_date(*parse_iso8601("2026-11-25T15:00:00Z")), "2026-11-26");
}

TEST(UtilTime, ParsesDurationsOfContracts) {
  EXPECT_EQ(parse_duration("90s"), seconds(90));
  EXPECT_EQ(parse_duration("10m"), minutes(10));
  EXPECT_EQ(parse_duration("1h"), hours(1));
  EXPECT_EQ(parse_duration("1h30m"), minutes(90));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("10"));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("-5m"));
  EXPECT_FALSE(parse_duration("10 minutes"));
}

TEST(UtilTime, KoreanDurationsRoundUpToMinutes) {
  EXPECT_EQ(format_korean_duration(seconds(30)), "30초");
  EXPECT_EQ(format_korean_duration(seconds(24 * 60 + 1)), "25분");
  EXPECT_EQ(format_korean_duration(minutes(60)), "1시간");
  EXPECT_EQ(format_korean_duration(minutes(65)), "1시간 5분");
}

TEST(UtilTime, CompactDatesAreKstMidnight) {
  auto t = parse_compact_date_kst("20261124");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_iso_kst(*t), "2026-11-24T00:00:00+09:00");
  EXPECT_EQ(kst_compact_date(*t), "20261124");
  EXPECT_FALSE(parse_compact_date_kst("20261324"));
  EXPECT_FALSE(parse_compact_date_kst("2026112"));
}
