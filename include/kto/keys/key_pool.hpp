#pragma once
// The original system's MultiApiKeyManager: a pool of API keys shared by concurrent workers
// (thread-safe), with round-robin selection, consecutive-error deactivation, per-operation daily
// quotas that reset at 00:00 KST, rate-limit and error cooldowns, recovery, and a durable state
// shared by every process: a JSON state file (flock + atomic replace) or, with PostgreSQL, the
// database (key_state_store.hpp). The raw key lives only in memory.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kto/keys/key_outcome.hpp"
#include "kto/keys/key_state_store.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/result.hpp"

namespace kto::keys {

// Operations are opaque names to the pool: it counts calls, quotas and rests per key and operation,
// whatever service the names belong to.

struct KeyPolicy {
  int daily_limit = 1000;                            // KTO_API_DAILY_LIMIT, per key per operation
  // KTO_KEY_RESERVE: calls per key and operation left unspent each KST day for other programs
  // sharing the keys. A key whose usage of an operation reaches daily_limit − reserve is not
  // handed out for it again that day. 0 ≤ reserve < daily_limit (the settings check it).
  int reserve = 0;
  int max_consecutive_errors = 5;                    // KTO_KEY_MAX_CONSECUTIVE_ERRORS
  std::chrono::seconds error_cooldown{600};          // KTO_KEY_ERROR_COOLDOWN
  std::chrono::seconds rate_limit_cooldown{3600};    // KTO_KEY_RATE_LIMIT_COOLDOWN (capped at KST midnight)
  std::chrono::seconds recovery_after{1800};         // KTO_KEY_RECOVERY_AFTER
  // Pacing: the least time between two calls of one key, across workers and operations. A 23
  // (too many calls a second) does not rest the key: it lengthens this key's interval, and
  // successes shorten it again down to this floor (key_pacing.cpp).
  std::chrono::milliseconds min_interval{0};
  // Saving the state file after every call costs a lock, a read, a merge and an fsync: at 60 calls
  // a second that is real CPU for counters nobody reads that often. So a change of usage counters
  // alone (a success, a reservation, a service error, a 23) is saved at most once per this
  // interval, measured on the clock's steady_now(); the first such change after a quiet interval
  // is saved at once. A change another process or the operator must see (deactivation, error
  // cooldown, a 22, an error run reset, a new KST day, operator commands) is saved at once and
  // carries the deferred counters with it, as do save() and the pool's destructor.
  // A process killed with SIGKILL (or a power cut) may lose the usage counters of at most one
  // interval's calls: the gateway counted them, so the next run may overshoot a key's daily
  // limit by that many and get a 22, which it handles. 0 saves after every call.
  std::chrono::milliseconds usage_save_interval{1000};
};

// A key handed to a worker for one call. not_before is when the call may be sent (pacing).
struct KeyLease {
  std::size_t index = 0;
  std::string key;      // raw; never log it: use preview
  std::string preview;  // "1234567890..."
  util::TimePoint not_before{};
  // The key's pacing regime when this lease was scheduled: a later slowdown re-lays it (repace).
  std::uint64_t pace_epoch = 0;
  std::string day{};  // the KST date its call was counted on (release gives it back there)
};

// No key can be used now. earliest: when the first one comes back (nullopt: none will by itself,
// they are all disabled). message: one Korean line for operators.
struct NoKey {
  std::optional<util::TimePoint> earliest;
  std::string message;
};

// A 23 paces a key and never makes it unavailable: it has no reason here.
enum class UnavailableReason { none, deactivated, daily_limit, rate_limited, error_cooldown };
const char* to_string(UnavailableReason reason);  // "deactivated", "daily_limit", …, "" for none

enum class HealthBand { healthy, warning, danger, critical };
const char* to_string(HealthBand band);  // "healthy" "warning" "danger" "critical"
std::string band_label(HealthBand band); // "🟢 건강" "🟡 주의" "🔴 위험" "❌ 심각"
HealthBand band_for(std::size_t available, std::size_t total);

struct KeyStatus {
  std::size_t index = 0;
  std::string preview;
  std::string fingerprint;
  bool is_active = true;
  // Disabled by the operator (`keys deactivate`): only `keys reactivate` brings it back, never
  // `recover` or a collection. false while active and for keys the pool disabled.
  bool manual = false;
  bool is_available = true;
  UnavailableReason reason = UnavailableReason::none;
  std::string reason_text;                 // the guide's words: "비활성화됨 (오류 5회)", "Rate limit 제한 중 (25분 후 해제)", "수동 비활성화 (키 유출)"
  std::optional<util::TimePoint> available_at;
  int usage = 0;                           // of the operation asked for
  int daily_limit = 0;
  std::map<std::string, int> usage_by_operation;
  int consecutive_errors = 0;
  int total_errors = 0;
  int total_calls = 0;
  std::map<std::string, util::TimePoint> rate_limited_until;
  std::optional<util::TimePoint> deactivated_at;
  std::optional<std::string> deactivation_reason;
  std::optional<util::TimePoint> last_used_at;
  std::optional<util::TimePoint> last_error_at;
  std::optional<std::string> last_error;
};

// What one key may still spend on an operation today (KeyPool::quota_today).
struct KeyQuota {
  std::size_t index = 0;
  std::string preview;
  bool serving = false;  // active and not told by the gateway (22) that the operation is spent
  long long left = 0;    // max(0, daily_limit − reserve − usage today); 0 when not serving
};

// The schedule a run spends against: what the keys have left today for one operation, and what
// they may spend in a whole day (for estimates such as "키 3개로 약 4일").
struct QuotaToday {
  long long calls_left = 0;  // the sum of by_key[].left: calls_left_today()
  std::size_t keys = 0;      // keys that can serve the operation on a day (active ones)
  long long per_day = 0;     // keys × (daily_limit − reserve): a whole day's calls
  std::vector<KeyQuota> by_key;
};

struct PoolSummary {
  std::string provider = "KTO";
  std::size_t total_keys = 0;
  std::size_t active_keys = 0;
  std::size_t available_keys = 0;
  double health_percentage = 0;  // available / total × 100
  HealthBand band = HealthBand::critical;
  std::size_t current_key_index = 0;
};

struct ProbeResult {
  std::size_t index = 0;
  std::string preview;
  bool healthy = false;
  bool probed = false;          // false: skipped (disabled, exhausted) without a call
  long long response_time_ms = 0;
  std::string error;            // "" when healthy; for a key not probed, why and how it comes back
  UnavailableReason reason = UnavailableReason::none;  // why it was not probed
};

struct HealthReport {
  std::size_t total_keys = 0;
  std::size_t healthy_keys = 0;
  std::size_t unhealthy_keys = 0;
  std::vector<ProbeResult> keys;
  std::vector<std::string> recommendations;  // the original guide's 권장사항, Korean
};

struct RecoveryResult {
  std::size_t index = 0;
  std::string preview;
  bool recovered = false;
  std::string error;
  // false: listed but not tried (disabled by the operator, disabled for less than recovery_after,
  // or no quota left for the probe); error says why. Such keys count in neither attempted_keys nor
  // failed_keys.
  bool attempted = true;
  bool manual = false;  // disabled by the operator: recovery never touches it
};

struct RecoveryReport {
  std::size_t attempted_keys = 0;
  std::size_t recovered_keys = 0;
  std::size_t failed_keys = 0;
  std::vector<RecoveryResult> keys;
};

// What an operator's deactivate or reactivate did. found: the index names a key. changed: false
// when the key already was as asked (disabled; active and not resting), and nothing but the
// reason (deactivate with a new one) or the owner of the deactivation changed.
struct KeyChange {
  bool found = false;
  bool changed = false;
  explicit operator bool() const { return found; }
};

class KeyPool {
 public:
  // One cheap call with a key, for health checks and recovery: the operation it spends (counted
  // against the key like any call) and the call itself. The service's client provides it.
  struct Probe {
    std::string operation;
    std::function<KeyOutcome(const KeyLease&)> call;
  };

  // keys: raw keys, already parsed and de-duplicated, in .env order. state_file: nullopt keeps the
  // state in memory only. Loads the state file (matching keys by fingerprint; a corrupt file is
  // moved aside as <file>.corrupt-<time> with one warning) and never fails on its content; fails
  // only when the file exists but cannot be read or its folder cannot be created.
  static Result<std::unique_ptr<KeyPool>> open(std::vector<std::string> keys, KeyPolicy policy,
                                               const util::Clock& clock,
                                               std::optional<std::filesystem::path> state_file);
  // The same on any store (key_state_store.hpp; nullptr keeps the state in memory only). A store
  // that counts calls (the database) is asked before every lease, so that every process together
  // stays within a key's daily limit, and is read again when it refuses one.
  static Result<std::unique_ptr<KeyPool>> open(std::vector<std::string> keys, KeyPolicy policy,
                                               const util::Clock& clock,
                                               std::unique_ptr<KeyStateStore> store);
  ~KeyPool();
  KeyPool(const KeyPool&) = delete;
  KeyPool& operator=(const KeyPool&) = delete;

  // Round-robin from the current index over the keys usable for this operation; logs each skip in
  // the guide's words (⏭️) and the choice (✅ KTO 키 #0 선택: …). Counts the call against the key's
  // usage of the operation at once, so concurrent workers never overshoot the daily limit less
  // the reserve (a key that reached it is skipped as 일일 한도 도달 until 00:00 KST).
  // A key not yet known to work (no success in this process since start or since its last key
  // error) serves one call at a time until that call is reported, then (a slow start) two at a
  // time, one more per success, until its first 23 or 16; when only such busy keys are left,
  // NoKey's earliest is about half a second away (retry shortly; logged at debug, not warn).
  // A paced key is handed out with a not_before in the future (the caller waits, on the clock);
  // among usable keys the first free now in round-robin order is taken, else the one free first.
  std::variant<KeyLease, NoKey> acquire(std::string_view operation);

  // Just before a lease's call is sent: when its key slowed down (a 23) after the lease was
  // handed out, moves lease.not_before behind the key's new pace and returns true (wait until then
  // and ask again); false: send now. Calls already waiting must not keep the old, too fast pace.
  bool repace(KeyLease& lease);

  // Gives back the call of a lease that was never sent (a stop while it waited for its turn).
  void release(const KeyLease& lease, std::string_view operation);

  // Records the outcome of a call made with lease (logs ✅ / ❌ / 🚫 / 🚨 / 🐢 lines) and saves the
  // state. A 23 (per_second_limit) makes the key slower, never unavailable.
  void report(const KeyLease& lease, std::string_view operation, const KeyOutcome& outcome);

  // Calls of operation the keys may still make today (KST), the reserve kept: the sum over the
  // active keys of max(0, daily_limit − reserve − usage today). A key disabled, or resting after
  // the gateway's 22 for this operation, counts 0; a key in a short rest (error cooldown, a 23)
  // counts, since it serves again today. acquire() hands out no more than this many leases.
  long long calls_left_today(std::string_view operation) const;
  QuotaToday quota_today(std::string_view operation) const;

  // Availability and usage as seen by calls of operation.
  PoolSummary summary(std::string_view operation) const;
  std::vector<KeyStatus> detailed_status(std::string_view operation) const;

  // "#1", "1" or a preview prefix ("1234567890", "1234567890..."); nullopt when none or ambiguous.
  std::optional<std::size_t> find(std::string_view selector) const;
  // The operator disables a key until reactivate(): recovery never re-enables it. reason "" keeps
  // the reason of a key already disabled (else "수동 비활성화"); a key the pool had disabled
  // becomes the operator's, keeping the time it was disabled.
  KeyChange force_deactivate(std::size_t index, std::string reason);
  // Enables a disabled key, or lifts the rests of an active one (error cooldown, the gateway's
  // quota rest, per-second back-off): the operator's override. The daily usage stays counted.
  KeyChange reactivate(std::size_t index);

  // Probes every usable key once (disabled or exhausted keys are reported without a call).
  HealthReport check_health(const Probe& probe);
  // Keys the pool disabled at least recovery_after ago are re-enabled and probed at once; a failed
  // probe disables them again. Keys the operator disabled are listed, never touched.
  RecoveryReport attempt_recovery(const Probe& probe);

  // Merges this process's changes into the state file under the lock and replaces it atomically.
  Result<void> save();
  void set_autosave(bool on);

  std::size_t size() const;
  const KeyPolicy& policy() const;

 private:
  struct Impl;
  explicit KeyPool(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace kto::keys
