#pragma once
// Shared by the test_keys_*.cpp files: a fake clock at a chosen KST moment, a temp folder for state
// files, outcomes of every kind, and a spdlog sink that captures what the pool logs.
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "kto/keys/key_pool.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::keys::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline util::TimePoint kst(const std::string& iso_without_offset) {
  auto t = util::parse_iso8601(iso_without_offset + "+09:00");
  if (!t) throw std::runtime_error("bad test time " + iso_without_offset);
  return *t;
}

// The pool treats operations as opaque names; the TourAPI's read naturally in state files.
inline constexpr std::string_view k_list_operation = "areaBasedList2";
inline constexpr std::string_view k_probe_operation = "areaCode2";

inline KeyOutcome outcome(KeyOutcomeKind kind, std::string reason = "") {
  return KeyOutcome{kind, std::move(reason)};
}
inline KeyOutcome ok() { return outcome(KeyOutcomeKind::success, "OK"); }
inline KeyOutcome key_error() {
  return outcome(KeyOutcomeKind::key_error, "API 오류 (30: 등록되지 않은 키)");
}
inline KeyOutcome quota() {
  return outcome(KeyOutcomeKind::daily_quota, "API 오류 (22: 일일 한도 초과)");
}
inline KeyOutcome per_second() {
  return outcome(KeyOutcomeKind::per_second_limit, "API 오류 (23: 초당 호출 한도 초과)");
}
inline KeyOutcome service_error() { return outcome(KeyOutcomeKind::not_key_fault, "HTTP 502"); }

// A health or recovery probe spending the probe operation.
inline KeyPool::Probe probe_of(std::function<KeyOutcome(const KeyLease&)> call) {
  return {std::string(k_probe_operation), std::move(call)};
}

// Long, distinct keys, so that a leak of any of them is unmistakable.
inline std::vector<std::string> test_keys(std::size_t n) {
  static const std::vector<std::string> all = {
      "1234567890SECRETPARTzeroAAAAAAAAAAAAAAAAAAAA%2Bzero==",
      "abcdefghijSECRETPARToneBBBBBBBBBBBBBBBBBBBBBB+one/==",
      "xxxxxxxxxxSECRETPARTtwoCCCCCCCCCCCCCCCCCCCCCCCCtwo==",
      "QRSTUVWXYZSECRETPARTthreeDDDDDDDDDDDDDDDDDDDDDthree==",
      "klmnopqrstSECRETPARTfourEEEEEEEEEEEEEEEEEEEEEEEfour==",
  };
  return {all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n)};
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : m_records) out.push_back(r.second);
    return out;
  }
  std::vector<std::pair<spdlog::level::level_enum, std::string>> records() {
    std::lock_guard lock(mutex_);
    return m_records;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    m_records.emplace_back(msg.level, std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  std::vector<std::pair<spdlog::level::level_enum, std::string>> m_records;
};

// Owns a fake clock, a temp folder and a capturing sink on the default logger.
class KeyPoolTest : public ::testing::Test {
 protected:
  KeyPoolTest() : clock(kst("2026-11-25T10:00:00")) {}

  void SetUp() override {
    std::random_device rd;
    dir = fs::temp_directory_path() /
          ("kto-keys-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir);
    state_file = dir / "cache" / "api_key_cache.json";
    sink = std::make_shared<CaptureSink>();
    auto logger = spdlog::default_logger();
    m_old_level = logger->level();
    logger->set_level(spdlog::level::debug);
    logger->sinks().push_back(sink);
  }

  void TearDown() override {
    auto logger = spdlog::default_logger();
    auto& sinks = logger->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
    logger->set_level(m_old_level);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::unique_ptr<KeyPool> open_pool(std::size_t n, KeyPolicy policy = {},
                                     bool with_file = false) {
    return open_with(test_keys(n), policy, with_file);
  }

  std::unique_ptr<KeyPool> open_with(std::vector<std::string> keys, KeyPolicy policy = {},
                                     bool with_file = true) {
    auto pool = KeyPool::open(std::move(keys), policy, clock,
                              with_file ? std::optional<fs::path>(state_file) : std::nullopt);
    EXPECT_TRUE(pool.ok()) << (pool.ok() ? "" : pool.error().message);
    return pool.ok() ? std::move(*pool) : nullptr;
  }

  // Acquires for the list operation and expects a key.
  static KeyLease take(KeyPool& pool, std::string_view op = k_list_operation) {
    auto got = pool.acquire(op);
    if (!std::holds_alternative<KeyLease>(got)) {
      ADD_FAILURE() << "expected a key, got: " << std::get<NoKey>(got).message;
      return {};
    }
    return std::get<KeyLease>(got);
  }

  bool logged(const std::string& line) {
    auto all = sink->lines();
    return std::find(all.begin(), all.end(), line) != all.end();
  }

  std::string all_logs() {
    std::string out;
    for (const auto& l : sink->lines()) out += l + "\n";
    return out;
  }

  util::FakeClock clock;
  fs::path dir;
  fs::path state_file;
  std::shared_ptr<CaptureSink> sink;

 private:
  spdlog::level::level_enum m_old_level = spdlog::level::info;
};

}  // namespace kto::keys::testing
