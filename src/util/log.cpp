#include "kto/util/log.hpp"

#include <spdlog/details/file_helper.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string_view>

#include "kto/util/secrets.hpp"
#include "kto/util/status_line.hpp"

namespace kto::util {
namespace {

// Operators read times in KST whatever the machine's zone (reports, the state file and the original
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

// The log file is created with its first line, not when logging is set up: a command that logs
// nothing (a run refused by the lock, a quiet check) leaves no empty file behind.
class LazyFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LazyFileSink(std::filesystem::path path) : m_path(std::move(path)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!m_open) {
      // init_logging checked the folder; a file that still cannot be made loses its lines rather
      // than logging about the log from inside the logger.
      if (m_failed) return;
      try {
        m_file.open(m_path.string(), false);
        m_open = true;
      } catch (const spdlog::spdlog_ex&) {
        m_failed = true;
        return;
      }
    }
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    m_file.write(formatted);
  }
  void flush_() override {
    if (m_open) m_file.flush();
  }

 private:
  std::filesystem::path m_path;
  spdlog::details::file_helper m_file;
  bool m_open = false;
  bool m_failed = false;
};

// Whether the file can be made (or appended to) when its first line comes.
bool can_write(const std::filesystem::path& file) {
  if (::access(file.c_str(), F_OK) == 0) return ::access(file.c_str(), W_OK) == 0;
  std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
  return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

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
    // A progress line on the terminal is erased before each log line and drawn again after it.
    auto around_status = std::make_shared<StatusLineSink>(console, terminal_status_line());
    auto wrapped = std::make_shared<RedactingSink>(around_status);
    wrapped->set_pattern("%^[%H:%M:%S] %v%$");
    wrapped->set_level(console_level(options.verbosity));
    sinks.push_back(wrapped);
  }
  bool file_ok = true;
  if (options.file) {
    file_ok = can_write(*options.file);
    if (file_ok) {
      auto wrapped = std::make_shared<RedactingSink>(std::make_shared<LazyFileSink>(*options.file));
      wrapped->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
      wrapped->set_level(spdlog::level::debug);
      sinks.push_back(wrapped);
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

namespace {

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// collector_YYYYMMDD_HHMMSS.log or api_key_test_YYYYMMDD_HHMMSS.log: this tool's own names only,
// anything else in the folder is someone else's.
bool is_own_log(std::string_view name) {
  for (std::string_view prefix : {std::string_view("collector_"), std::string_view("api_key_test_")}) {
    if (!name.starts_with(prefix)) continue;
    std::string_view stamp = name.substr(prefix.size());  // YYYYMMDD_HHMMSS.log
    return stamp.size() == 19 && all_digits(stamp.substr(0, 8)) && stamp[8] == '_' &&
           all_digits(stamp.substr(9, 6)) && stamp.substr(15) == ".log";
  }
  return false;
}

}  // namespace

int prune_old_logs(const std::filesystem::path& dir, int keep_days, TimePoint now) {
  if (keep_days <= 0) return 0;
  const auto cutoff = now - std::chrono::hours(24) * keep_days;
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code entry_ec;
    if (!entry.is_regular_file(entry_ec) ||
        !is_own_log(entry.path().filename().string()))
      continue;
    auto written = entry.last_write_time(entry_ec);
    if (entry_ec) continue;
    auto written_sys = std::chrono::time_point_cast<Millis>(
        std::chrono::file_clock::to_sys(written));
    if (written_sys < cutoff && std::filesystem::remove(entry.path(), entry_ec)) ++removed;
  }
  return removed;
}

void shutdown_logging() {
  if (auto logger = spdlog::default_logger()) logger->flush();
}

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }
bool stdin_is_tty() { return ::isatty(STDIN_FILENO) == 1; }

}  // namespace kto::util
