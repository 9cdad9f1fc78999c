#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "kto/util/files.hpp"
#include "kto/util/log.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

using namespace kto::util;
namespace fs = std::filesystem;

namespace {

fs::path temp_log() {
  std::random_device rd;
  return fs::temp_directory_path() / ("kto-log-" + std::to_string(rd()) + ".log");
}

TEST(UtilLog, FileLinesCarryKstTimesAndMaskedKeys) {
  auto path = temp_log();
  const std::string key = "LOGTESTKEY0123456789SECRETSECRETSECRET";
  register_secret(key);
  LogOptions options;
  options.console = false;
  options.file = path;
  ASSERT_TRUE(init_logging(options));
  auto before = std::chrono::system_clock::now();
  spdlog::info("key {} used", key);
  auto after = std::chrono::system_clock::now();
  shutdown_logging();
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find(key), std::string::npos);
  EXPECT_NE(text->find("LOGTESTKEY..."), std::string::npos) << *text;
  // "[YYYY-MM-DD HH:MM:SS.mmm]": the KST wall time of the call, whatever TZ the machine has.
  auto stamp = text->substr(1, 19);
  auto logged = parse_iso8601(stamp.substr(0, 10) + "T" + stamp.substr(11) + "+09:00");
  ASSERT_TRUE(logged.has_value()) << stamp;
  EXPECT_GE(*logged, std::chrono::floor<std::chrono::seconds>(before));
  EXPECT_LE(*logged, after);
  spdlog::set_default_logger(spdlog::stderr_color_mt("kto-test-log"));
  clear_secrets();
  fs::remove(path);
}

}  // namespace
