#pragma once
// Where the key pool keeps its state (issue 18): the seam between the pool and its storage. The
// pool owns the rules (quotas, cooldowns, deactivation, the three-way merge of several processes'
// changes); a store only reads and writes records, known by fingerprint and preview, never the key.
// Two implementations: the JSON state file of one host (state_file_store, here) and the database
// shared by every host (the PostgreSQL store's, in src/store/postgres), which also counts every
// call itself so that all processes together never pass a key's daily limit.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kto/util/clock.hpp"
#include "kto/util/result.hpp"

namespace kto::keys {

// The durable part of one key's state (docs/contracts.md: the state file's "keys" entries).
struct KeyRecord {
  std::string fingerprint;
  std::string preview;
  int daily_limit = 0;
  std::map<std::string, int> usage;  // of the KST day of the pool
  std::map<std::string, util::TimePoint> rate_limited_until;  // the gateway's 22, per operation
  std::optional<util::TimePoint> error_cooldown_until;        // after a key error, every operation
  int consecutive_errors = 0;
  int total_errors = 0;
  int total_calls = 0;
  bool is_active = true;
  // Who disabled the key (meaningful only while !is_active): the operator (`keys deactivate`,
  // until `keys reactivate`) or the pool (until `recover`). Stored as "deactivated_by".
  bool manual = false;
  std::optional<util::TimePoint> deactivated_at;
  std::optional<std::string> deactivation_reason;
  std::optional<util::TimePoint> last_used_at;
  std::optional<util::TimePoint> last_error_at;
  std::optional<std::string> last_error;
};

// A configured key as a store sees it: never the key itself.
struct KeyIdentity {
  std::string fingerprint;   // util::key_fingerprint
  std::string preview;       // util::mask_key
  std::size_t position = 0;  // its place in KTO_API_KEY
  int daily_limit = 0;       // KTO_API_DAILY_LIMIT
};

// The keys' state as a store holds it.
struct KeySnapshot {
  std::string day;                           // the KST date the usage counters belong to
  std::optional<std::size_t> current_index;  // the round robin's place, where the store keeps one
  std::vector<KeyRecord> keys;               // the keys it knows, matched by fingerprint
};

class KeyStateStore {
 public:
  virtual ~KeyStateStore() = default;

  // Reads the state of the configured keys (usage of day); nullopt when there is none yet. May
  // register the keys (fingerprint and preview). An Error when the store cannot be read.
  virtual Result<std::optional<KeySnapshot>> load(std::span<const KeyIdentity> keys,
                                                  std::string_view day) = 0;

  // Read-modify-write, atomic against every other process: reads what is stored (merge gets
  // nullptr when nothing is) and writes what merge returns. merge may be called again when the
  // store reruns the exchange (a database transaction after a lost connection): it must not change
  // anything but its answer.
  using Merge = std::function<KeySnapshot(const KeySnapshot* stored)>;
  virtual Result<void> sync(std::span<const KeyIdentity> keys, std::string_view day,
                            const Merge& merge) = 0;

  // True for a store every process shares that counts the calls itself: the pool then reserves
  // each call with reserve() before handing out a key, and gives it back with release() when the
  // call was not made; the usage counters of sync() are the store's, never merged deltas.
  virtual bool counts_calls() const { return false; }
  // One call of operation on day for the key, atomically against every process: the calls now
  // counted, or nullopt when refused (the key is disabled or resting at now, or has made limit).
  virtual Result<std::optional<int>> reserve(const std::string& fingerprint, std::string_view day,
                                             std::string_view operation, int limit,
                                             util::TimePoint now);
  virtual Result<void> release(const std::string& fingerprint, std::string_view day,
                               std::string_view operation);
};

// The JSON state file (--state-file): mode 0600, replaced atomically under an advisory lock that
// every process takes; a corrupt file is moved aside as <file>.corrupt-<time> with one warning.
std::unique_ptr<KeyStateStore> state_file_store(std::filesystem::path file,
                                                const util::Clock& clock);

}  // namespace kto::keys
