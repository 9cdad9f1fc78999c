#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kto/config/settings.hpp"
#include "kto/util/secrets.hpp"

using namespace kto::config;
namespace fs = std::filesystem;

namespace {

SettingsSources no_file() {
  SettingsSources s;
  s.env_file = "/nonexistent/kto-test/.env";
  return s;
}

}  // namespace

TEST(ConfigKeyList, DropsWhitespaceEmptiesPlaceholderAndDuplicates) {
  auto list = parse_key_list(" key1 , ,key2,your_api_key_here,key1,");
  EXPECT_EQ(list.keys, (std::vector<std::string>{"key1", "key2"}));
  ASSERT_EQ(list.warnings.size(), 1u);
  EXPECT_EQ(list.warnings[0].find("key1,"), std::string::npos);
}

TEST(ConfigKeyList, EncodingAndDecodingFormsOfOneKeyAreDuplicates) {
  auto list = parse_key_list("abc+def/ghijklmnopqrstuvwxyz==,abc%2Bdef%2Fghijklmnopqrstuvwxyz%3D%3D");
  EXPECT_EQ(list.keys.size(), 1u);
  EXPECT_EQ(list.warnings.size(), 1u);
}

TEST(ConfigSettings, DefaultsOfTheContract) {
  auto s = load_settings(no_file());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->keys_configured());
  EXPECT_EQ(s->policy.daily_limit, 1000);
  EXPECT_EQ(s->policy.max_consecutive_errors, 5);
  EXPECT_EQ(s->policy.error_cooldown, std::chrono::minutes(10));
  EXPECT_EQ(s->policy.rate_limit_cooldown, std::chrono::hours(1));
  EXPECT_EQ(s->policy.recovery_after, std::chrono::minutes(30));
  EXPECT_EQ(s->base_url, "https://apis.data.go.kr/B551011/KorService2");
  EXPECT_EQ(s->mobile_app, "kto-collector");
  EXPECT_EQ(s->db_path, "data/restaurants.db");
  EXPECT_EQ(s->state_file, "data/cache/api_key_cache.json");
}

TEST(ConfigSettings, FlagsBeatEnvironmentBeatsDotenv) {
  auto dir = fs::temp_directory_path() / "kto-settings-test";
  fs::create_directories(dir);
  {
    std::ofstream(dir / ".env") << "KTO_API_DAILY_LIMIT=100\nKTO_MOBILE_APP=from-file\n"
                                   "KTO_API_BASE_URL=http://file/\n";
  }
  SettingsSources s;
  s.env_file = dir / ".env";
  s.process_env["KTO_API_DAILY_LIMIT"] = "200";
  s.flags["KTO_API_BASE_URL"] = "http://flag";
  auto settings = load_settings(s);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->policy.daily_limit, 200);
  EXPECT_EQ(settings->mobile_app, "from-file");
  EXPECT_EQ(settings->base_url, "http://flag");
  fs::remove_all(dir);
}

TEST(ConfigSettings, InvalidValuesAreUsageErrorsNamingTheVariable) {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"KTO_API_DAILY_LIMIT", "lots"},
           {"KTO_API_DAILY_LIMIT", "0"},
           {"KTO_KEY_MAX_CONSECUTIVE_ERRORS", "-1"},
           {"KTO_KEY_ERROR_COOLDOWN", "10 minutes"},
           {"KTO_KEY_RATE_LIMIT_COOLDOWN", "0s"},
           {"KTO_KEY_RECOVERY_AFTER", ""},
           {"KTO_API_BASE_URL", "ftp://x"}}) {
    auto s = no_file();
    s.process_env[name] = value;
    auto settings = load_settings(s);
    ASSERT_FALSE(settings.ok()) << name << "=" << value;
    EXPECT_EQ(settings.error().exit_code, kto::ExitCode::usage);
    EXPECT_NE(settings.error().message.find(name), std::string::npos) << settings.error().message;
  }
}

TEST(ConfigSettings, DurationsAcceptSecondsMinutesHours) {
  auto s = no_file();
  s.process_env["KTO_KEY_ERROR_COOLDOWN"] = "90s";
  s.process_env["KTO_KEY_RATE_LIMIT_COOLDOWN"] = "2h";
  s.process_env["KTO_KEY_RECOVERY_AFTER"] = "45m";
  auto settings = load_settings(s);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->policy.error_cooldown, std::chrono::seconds(90));
  EXPECT_EQ(settings->policy.rate_limit_cooldown, std::chrono::hours(2));
  EXPECT_EQ(settings->policy.recovery_after, std::chrono::minutes(45));
}

TEST(ConfigSettings, ExplicitEnvFileMustExistDefaultNeedNot) {
  auto s = no_file();
  EXPECT_TRUE(load_settings(s).ok());
  s.env_file_explicit = true;
  auto settings = load_settings(s);
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error().exit_code, kto::ExitCode::usage);
}

TEST(ConfigSettings, ConfiguredKeysAreRegisteredForRedaction) {
  kto::util::clear_secrets();
  auto s = no_file();
  s.process_env["KTO_API_KEY"] = "SETTINGSKEY0123456789abcdefghij";
  auto settings = load_settings(s);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(kto::util::redact("x SETTINGSKEY0123456789abcdefghij y"), "x SETTINGSKE... y");
  kto::util::clear_secrets();
}

TEST(ConfigSettings, AZeroDurationIsRefusedAsNotLongerThanZero) {
  auto s = no_file();
  s.process_env["KTO_HTTP_TIMEOUT"] = "0s";
  auto settings = load_settings(s);
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error().exit_code, kto::ExitCode::usage);
  EXPECT_NE(settings.error().message.find("0보다 길어야"), std::string::npos)
      << settings.error().message;
}

TEST(ConfigSettings, AnEnvFileThatCannotBeReadIsAUsageErrorNamingIt) {
  auto dir = fs::temp_directory_path() / "kto-settings-env-folder";
  fs::remove_all(dir);
  fs::create_directories(dir / ".env");  // a folder: unreadable as a file, even for root
  auto s = no_file();
  s.env_file = dir / ".env";
  auto settings = load_settings(s);
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error().exit_code, kto::ExitCode::usage);
  EXPECT_NE(settings.error().message.find(".env"), std::string::npos) << settings.error().message;
  fs::remove_all(dir);
}

TEST(ConfigSettings, TellsAnEmptyKeyVariableFromAMissingOne) {
  auto s = no_file();
  auto missing = load_settings(s);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->api_key_given);
  s.process_env["KTO_API_KEY"] = " , your_api_key_here";
  auto empty = load_settings(s);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->api_key_given);
  EXPECT_FALSE(empty->keys_configured());
}
