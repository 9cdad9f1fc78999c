#include "kto/util/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "kto/util/secrets.hpp"

namespace kto::util {
namespace {

// Operators read times in KST whatever the machine's zone (reports, the state file and the seed's
// lines are KST): the sink shifts each message's time by +9 h and formats it as UTC.
constexpr std::chrono::hours k_kst_offset{9};

// Wraps a sink so that every message is passed through redact() before it is written: a key that
// reaches a log call by mistake is still masked.
class RedactingSink final : public spdlog::sinks::sink {
 public:
  explicit RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner) : m_inner(std::move(inner)) {}

  void log(const spdlog::details::log_msg& msg) override {
    std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg.time + k_kst_offset, msg.source, msg.logger_name, msg.level,
                                  clean);
    m_inner->log(copy);
  }
  void flush() override { m_inner->flush(); }
  void set_pattern(const std::string& pattern) override {
    m_inner->set_formatter(
        std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc));
  }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    m_inner->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> m_inner;
};

spdlog::level::level_enum console_level(Verbosity v) {
  switch (v) {
    case Verbosity::quiet: return spdlog::level::warn;
    case Verbosity::verbose: return spdlog::level::debug;
    case Verbosity::normal: break;
  }
  return spdlog::level::info;
}

}  // namespace

bool init_logging(const LogOptions& options) {
  std::vector<spdlog::sink_ptr> sinks;
  if (options.console) {
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    const char* no_color = std::getenv("NO_COLOR");
    bool color = stderr_is_tty() && (no_color == nullptr || *no_color == '\0');
    console->set_color_mode(color ? spdlog::color_mode::always : spdlog::color_mode::never);
    auto wrapped = std::make_shared<RedactingSink>(console);
    wrapped->set_pattern("%^[%H:%M:%S] %v%$");
    wrapped->set_level(console_level(options.verbosity));
    sinks.push_back(wrapped);
  }
  bool file_ok = true;
  if (options.file) {
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file->string(), false);
      auto wrapped = std::make_shared<RedactingSink>(file);
      wrapped->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
      wrapped->set_level(spdlog::level::debug);
      sinks.push_back(wrapped);
    } catch (const spdlog::spdlog_ex&) {
      file_ok = false;
    }
  }
  auto logger = std::make_shared<spdlog::logger>("kto", sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::debug);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  if (!file_ok)
    spdlog::warn("로그 파일을 열 수 없습니다: {} (콘솔에만 기록합니다)", options.file->string());
  return file_ok;
}

void shutdown_logging() {
  if (auto logger = spdlog::default_logger()) logger->flush();
}

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }
bool stdin_is_tty() { return ::isatty(STDIN_FILENO) == 1; }

}  // namespace kto::util
