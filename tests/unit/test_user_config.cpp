// Settings a new user gets wrong (issue 16, points 13 and 18): a misspelled KTO_* name, an empty
// KTO_API_KEY in the environment, KTO_LOG_KEEP_DAYS; and the log files: created with their first
// line only, pruned after KTO_LOG_KEEP_DAYS.
#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "kto/config/settings.hpp"
#include "kto/util/log.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

using namespace kto;
namespace fs = std::filesystem;

namespace {

class TempFolder {
 public:
  TempFolder() {
    std::random_device rd;
    m_path = fs::temp_directory_path() / ("kto-user-config-" + std::to_string(rd()));
    fs::create_directories(m_path);
  }
  ~TempFolder() { fs::remove_all(m_path); }
  const fs::path& path() const { return m_path; }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(m_path / name) << text;
    return m_path / name;
  }

 private:
  fs::path m_path;
};

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& line : lines)
    if (line.find(part) != std::string::npos) return true;
  return false;
}

TEST(SettingNames, TheClosestKnownNameOfAMisspelling) {
  auto typo = config::unknown_setting("KTO_API_KYE");
  ASSERT_TRUE(typo.has_value());
  EXPECT_EQ(typo->closest, "KTO_API_KEY");
  EXPECT_EQ(typo->distance, 2u);
  auto missing_letter = config::unknown_setting("KTO_KEY_RECOVERY_AFTR");
  ASSERT_TRUE(missing_letter.has_value());
  EXPECT_EQ(missing_letter->closest, "KTO_KEY_RECOVERY_AFTER");
  auto lower = config::unknown_setting("kto_log_keep_days");
  ASSERT_TRUE(lower.has_value()) << "a name in the wrong case is not read either";
  EXPECT_EQ(lower->closest, "KTO_LOG_KEEP_DAYS");
  EXPECT_EQ(lower->distance, 0u);
  EXPECT_FALSE(config::unknown_setting("KTO_API_KEY").has_value());
  EXPECT_FALSE(config::unknown_setting("DATABASE_URL").has_value()) << "not this tool's name";
}

TEST(SettingNames, DotenvMisspellingIsWarnedWithFileLineAndClosestName) {
  TempFolder dir;
  config::SettingsSources sources;
  sources.env_file = dir.write(".env", "# keys\nKTO_API_KEY=abcdefghijklmnop\n\nKTO_API_DAILY_LIMT=500\n"
                                       "OTHER_TOOL=1\n");
  auto s = config::load_settings(sources);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->policy.daily_limit, 1000) << "the misspelled name is not read";
  ASSERT_EQ(s->warnings.size(), 1u);
  const std::string& w = s->warnings[0];
  EXPECT_NE(w.find((dir.path() / ".env").string() + ":4: KTO_API_DAILY_LIMT"), std::string::npos) << w;
  EXPECT_NE(w.find("KTO_API_DAILY_LIMIT"), std::string::npos) << w;
  EXPECT_NE(w.find("무시합니다"), std::string::npos) << w;
  util::clear_secrets();
}

TEST(SettingNames, EnvironmentTyposAreWarnedButUnrelatedKtoNamesAreNot) {
  config::SettingsSources sources;
  sources.env_file = "/nonexistent/kto-test/.env";
  sources.process_env = {{"KTO_HTTP_TIMOUT", "5s"}, {"KTO_FUZZ_SECONDS", "60"}};
  auto s = config::load_settings(sources);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->warnings.size(), 1u) << "KTO_FUZZ_SECONDS is far from every setting";
  EXPECT_NE(s->warnings[0].find("환경 변수 KTO_HTTP_TIMOUT"), std::string::npos) << s->warnings[0];
  EXPECT_NE(s->warnings[0].find("KTO_HTTP_TIMEOUT"), std::string::npos) << s->warnings[0];
}

TEST(EmptyEnvironmentKey, DoesNotHideTheDotenvKeyAndSaysWhichIsUsed) {
  TempFolder dir;
  config::SettingsSources sources;
  sources.env_file = dir.write(".env", "KTO_API_KEY=dotenvkey0123456789\n");
  sources.process_env = {{"KTO_API_KEY", " "}};
  auto s = config::load_settings(sources);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->api_keys, std::vector<std::string>{"dotenvkey0123456789"});
  EXPECT_TRUE(any_contains(s->warnings, "환경 변수 KTO_API_KEY가 비어 있어")) << s->warnings.size();
  // A real value in the environment still wins, silently: that is the documented order.
  sources.process_env = {{"KTO_API_KEY", "envkey0123456789"}};
  s = config::load_settings(sources);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->api_keys, std::vector<std::string>{"envkey0123456789"});
  EXPECT_TRUE(s->warnings.empty());
  // With no key in .env the empty value is simply no key (exit 2 later, naming the variable).
  sources.env_file = dir.write("empty.env", "KTO_API_DAILY_LIMIT=10\n");
  sources.process_env = {{"KTO_API_KEY", ""}};
  s = config::load_settings(sources);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->api_key_given);
  EXPECT_FALSE(s->keys_configured());
  util::clear_secrets();
}

TEST(LogKeepDays, DefaultZeroAndInvalidValues) {
  config::SettingsSources sources;
  sources.env_file = "/nonexistent/kto-test/.env";
  auto s = config::load_settings(sources);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->log_keep_days, 30);
  sources.process_env = {{"KTO_LOG_KEEP_DAYS", "0"}};
  s = config::load_settings(sources);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->log_keep_days, 0);
  for (const char* bad : {"-1", "abc", "7d", "", "99999"}) {
    sources.process_env = {{"KTO_LOG_KEEP_DAYS", bad}};
    s = config::load_settings(sources);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().exit_code, ExitCode::usage) << bad;
    EXPECT_NE(s.error().message.find("KTO_LOG_KEEP_DAYS"), std::string::npos);
  }
}

void age(const fs::path& file, std::chrono::hours by) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - by);
}

TEST(LogRetention, DeletesOnlyThisToolsOldLogsInTheFolder) {
  TempFolder dir;
  auto old_run = dir.write("collector_20260101_031000.log", "x");
  auto old_check = dir.write("api_key_test_20260101_120000.log", "x");
  auto recent = dir.write("collector_20261120_031000.log", "x");
  auto other = dir.write("notes.log", "x");
  auto lookalike = dir.write("collector_backup.log", "x");
  fs::create_directory(dir.path() / "archive");
  auto nested = dir.path() / "archive" / "collector_20250101_031000.log";
  std::ofstream(nested) << "x";
  for (const auto& f : {old_run, old_check, other, lookalike, nested}) age(f, std::chrono::hours(24 * 31));
  age(recent, std::chrono::hours(24 * 29));

  auto now = std::chrono::time_point_cast<util::Millis>(std::chrono::system_clock::now());
  EXPECT_EQ(util::prune_old_logs(dir.path(), 0, now), 0) << "0 keeps everything";
  EXPECT_TRUE(fs::exists(old_run));
  EXPECT_EQ(util::prune_old_logs(dir.path(), 30, now), 2);
  EXPECT_FALSE(fs::exists(old_run));
  EXPECT_FALSE(fs::exists(old_check));
  for (const auto& kept : {recent, other, lookalike, nested}) EXPECT_TRUE(fs::exists(kept)) << kept;
  EXPECT_EQ(util::prune_old_logs(dir.path() / "missing", 30, now), 0) << "no folder, no error";
}

TEST(LazyLogFile, IsCreatedWithItsFirstLineOnly) {
  TempFolder dir;
  util::LogOptions options;
  options.console = false;
  options.file = dir.path() / "collector_20261125_031000.log";
  ASSERT_TRUE(util::init_logging(options));
  util::shutdown_logging();
  EXPECT_FALSE(fs::exists(*options.file)) << "nothing logged, no file";
  spdlog::info("첫 줄");
  util::shutdown_logging();
  EXPECT_TRUE(fs::exists(*options.file));
  EXPECT_GT(fs::file_size(*options.file), 0u);

  util::LogOptions unwritable = options;
  unwritable.file = dir.path() / "missing-folder" / "collector_20261125_031000.log";
  EXPECT_FALSE(util::init_logging(unwritable)) << "a file that cannot be made is reported at once";
  spdlog::set_default_logger(spdlog::stderr_color_mt("lazy-log-test-after"));
}

}  // namespace
