// KTO_KEY_RESERVE (issue 17): calls per key and operation left to other programs; checked against
// KTO_API_DAILY_LIMIT, and known to the typo warnings.
#include <gtest/gtest.h>

#include "kto/config/settings.hpp"

using namespace kto::config;

namespace {

SettingsSources with_env(EnvMap env) {
  SettingsSources s;
  s.env_file = "/nonexistent/kto-test/.env";
  s.process_env = std::move(env);
  return s;
}

}  // namespace

TEST(ConfigReserve, DefaultsToZero) {
  auto s = load_settings(with_env({}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->policy.reserve, 0);
}

TEST(ConfigReserve, IsReadBelowTheDailyLimit) {
  auto s = load_settings(with_env({{"KTO_KEY_RESERVE", "100"}, {"KTO_API_DAILY_LIMIT", "1000"}}));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->policy.reserve, 100);
  EXPECT_TRUE(s->warnings.empty());
}

TEST(ConfigReserve, NegativeOrNotANumberIsAUsageErrorNamingIt) {
  for (const char* bad : {"-1", "many", "", "1.5"}) {
    auto s = load_settings(with_env({{"KTO_KEY_RESERVE", bad}}));
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().exit_code, kto::ExitCode::usage);
    EXPECT_NE(s.error().message.find("KTO_KEY_RESERVE"), std::string::npos);
  }
}

TEST(ConfigReserve, AReserveOfTheWholeLimitIsRefused) {
  auto s = load_settings(with_env({{"KTO_KEY_RESERVE", "1000"}}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().exit_code, kto::ExitCode::usage);
  EXPECT_EQ(s.error().message,
            "KTO_KEY_RESERVE=1000은(는) KTO_API_DAILY_LIMIT(1000)보다 작아야 합니다: 남겨 둘 호출 "
            "수를 줄이세요");
}

TEST(ConfigReserve, AMisspelledReserveIsWarnedAbout) {
  auto unknown = unknown_setting("KTO_KEY_RESERVED");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->closest, "KTO_KEY_RESERVE");
  EXPECT_FALSE(unknown_setting("KTO_KEY_RESERVE"));
}
