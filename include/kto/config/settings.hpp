#pragma once
// Settings come from flags, then the process environment, then the .env file, then defaults
// (docs/contracts.md). Every value is checked: an invalid one is a usage error, never a silent
// default.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kto/config/dotenv.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/result.hpp"

namespace kto::config {

inline constexpr const char* k_default_base_url = "https://apis.data.go.kr/B551011/KorService2";
inline constexpr const char* k_placeholder_key = "your_api_key_here";

struct KeyList {
  std::vector<std::string> keys;
  std::vector<std::string> warnings;  // duplicates, never showing a raw key
};

// "k1, k2,,k1" → {k1, k2} with a warning for the duplicate; whitespace, empty entries and the
// placeholder are dropped. Keys pasted in both the portal's Encoding and Decoding forms count as
// duplicates.
KeyList parse_key_list(std::string_view value);

struct Settings {
  std::vector<std::string> api_keys;
  keys::KeyPolicy policy;
  std::string base_url = k_default_base_url;
  std::string mobile_app = "kto-collector";
  std::chrono::milliseconds http_timeout{20000};
  std::filesystem::path db_path = "data/restaurants.db";
  std::filesystem::path state_file = "data/cache/api_key_cache.json";
  std::filesystem::path log_dir = "logs";
  int log_keep_days = 30;  // KTO_LOG_KEEP_DAYS; 0 keeps every log
  // KTO_DETAIL_LEASE: how long a claimed detail item stays a process's own without renewal on a
  // shared (PostgreSQL) store; a process that dies loses its items to the others after this.
  std::chrono::seconds detail_lease{300};
  std::vector<std::string> warnings;
  bool api_key_given = false;  // KTO_API_KEY was set, even if it held no usable key
  // Where each value came from does not matter to the program; whether a key was set does.
  bool keys_configured() const { return !api_keys.empty(); }
};

struct SettingsSources {
  EnvMap flags;                            // values given as flags, by variable name
  EnvMap process_env;                      // the process environment (KTO_* only is enough)
  std::filesystem::path env_file = ".env";
  bool env_file_explicit = false;          // --env-file given: then it must exist
  std::optional<std::filesystem::path> db_path, state_file, log_dir;
};

Result<Settings> load_settings(const SettingsSources& sources);

// The process environment as a map (KTO_* and NO_COLOR).
EnvMap process_environment();

// The settings this tool reads (the README's table).
const std::vector<std::string_view>& known_setting_names();
struct NameSuggestion {
  std::string closest;    // the known name nearest to the unknown one
  std::size_t distance;   // its edit distance (after upper-casing)
};
// For a name that looks like a setting (KTO_…, any case) but is not one: the closest known name.
// nullopt for a known name or one without the prefix.
std::optional<NameSuggestion> unknown_setting(std::string_view name);

}  // namespace kto::config
