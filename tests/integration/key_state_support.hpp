#pragma once
// The key state file as tests move time through it: the collector runs on the real clock, so a key
// disabled "two hours ago" or resting "for ten more minutes" is written into the file the next
// run reads (as an earlier run or another process would have left it), instead of sleeping.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "integration/cli_support.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/time.hpp"

namespace kto::test::keystate {

inline std::filesystem::path path_of(const CliRunner& cli) {
  return cli.dir() / "data" / "cache" / "api_key_cache.json";
}

// Now on the system clock, whole seconds (the file's times have no fraction).
inline util::TimePoint now_s() {
  return std::chrono::time_point_cast<std::chrono::seconds>(util::system_clock().now());
}

inline std::string iso(util::TimePoint t) { return util::format_iso_kst(t); }

inline nlohmann::json load(const CliRunner& cli) {
  std::ifstream in(path_of(cli));
  return nlohmann::json::parse(in, nullptr, false);
}

inline void store(const CliRunner& cli, const nlohmann::json& doc) {
  std::ofstream(path_of(cli), std::ios::trunc) << doc.dump(2);
}

// Makes the collector write a state file holding every configured key, all active.
inline void create(CliRunner& cli) {
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0"}).exit_code, 0);
  ASSERT_EQ(cli.run({"keys", "reactivate", "#0"}).exit_code, 0);
  ASSERT_TRUE(std::filesystem::exists(path_of(cli)));
}

// Key index as the pool leaves it after five key errors in a row, `ago` before now.
inline void disable_by_pool(const CliRunner& cli, std::size_t index, std::chrono::minutes ago) {
  auto doc = load(cli);
  auto& key = doc["keys"][index];
  key["is_active"] = false;
  key["deactivated_by"] = "pool";
  key["deactivated_at"] = iso(now_s() - ago);
  key["deactivation_reason"] = "연속 오류 5회: API 오류 (30)";
  key["consecutive_errors"] = 5;
  store(cli, doc);
}

// Moves the deactivation of key index `ago` into the past (keeping who disabled it).
inline void backdate_deactivation(const CliRunner& cli, std::size_t index, std::chrono::minutes ago) {
  auto doc = load(cli);
  doc["keys"][index]["deactivated_at"] = iso(now_s() - ago);
  store(cli, doc);
}

}  // namespace kto::test::keystate
