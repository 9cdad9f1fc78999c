#pragma once
// What every command shares: the global options, the settings, logging, and the wired objects
// (transport → key pool → TourAPI client). Commands take what they need and nothing more.
#include <memory>
#include <optional>
#include <string>

#include "kto/api/client.hpp"
#include "kto/api/transport.hpp"
#include "kto/config/settings.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/log.hpp"
#include "kto/util/result.hpp"

namespace kto::cli {

struct GlobalOptions {
  std::string env_file = ".env";
  bool env_file_set = false;
  std::string db;          // "" = settings default
  std::string state_file;
  std::string log_dir;
  int verbose = 0;
  bool quiet = false;
  bool json = false;
  std::string base_url;    // --base-url overrides KTO_API_BASE_URL
};

// Which log file a command writes (docs/contracts.md): collector_… for collections, api_key_test_…
// for status, health and recover.
enum class LogKind { none, collector, key_test };

struct Context {
  config::Settings settings;
  const util::Clock* clock = nullptr;
  std::unique_ptr<api::Transport> transport;
  std::unique_ptr<keys::KeyPool> pool;
  std::unique_ptr<api::TourApiClient> client;
  std::string log_file;  // "" when none
};

Result<config::Settings> load_settings(const GlobalOptions& global);
// Sets up spdlog: console on stderr (quiet with --json unless -v) and the command's log file.
std::string setup_logging(const GlobalOptions& global, const config::Settings& settings,
                          LogKind kind, const util::Clock& clock);
// Settings, logging, the key pool (state file) and the client. require_keys: no key configured is
// a configuration error (exit 2) naming KTO_API_KEY.
Result<Context> make_context(const GlobalOptions& global, LogKind kind, bool require_keys);

// The key pool on the store of the settings: the JSON state file (--state-file), or with a
// PostgreSQL --db the database's key tables shared by every host (no state file then).
Result<std::unique_ptr<keys::KeyPool>> open_key_pool(const Context& ctx);

// Who holds the run lock, for whoever is refused: "pid N, YYYY-MM-DD HH:MM:SS KST 시작".
std::string run_holder(const util::Clock& clock);

// The message for a missing key, shared by every command that needs one.
std::string missing_key_message();
// The same, telling a variable that is not set from one that holds no usable key.
std::string missing_key_message(const config::Settings& settings);

}  // namespace kto::cli
