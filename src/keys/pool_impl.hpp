#pragma once
// KeyPool's insides, shared by key_pool.cpp (selection, outcomes), key_persist.cpp (the state
// file) and key_health.cpp (status, health, recovery). Private to src/keys.
#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <variant>
#include <vector>

#include "key_record.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/keys/key_state_store.hpp"

namespace kto::keys {

namespace detail {

struct KeySlot {
  std::size_t index = 0;
  std::string key;          // raw: memory only, never logged or written
  KeyRecord state;          // this process's view
  KeyRecord synced;         // what this process last read from or wrote to the state file
  // Resets of the error run; differing from synced_resets means "reset since the last sync", so
  // our count is the truth rather than a delta. Counters, not a flag: a reset that happens while a
  // save is writing must survive that save.
  unsigned resets = 0;
  unsigned synced_resets = 0;
  // Pacing (key_pacing.cpp), memory only: when the last lease of this key may be sent; the
  // interval learnt from 23s (0: unpaced); the regime (leases scheduled under an older one are
  // re-laid at the new pace); when recent leases of the key were to be sent (a refused one taken
  // out), to estimate the rate the gateway allows.
  std::optional<util::TimePoint> last_scheduled;
  std::chrono::microseconds interval{0};  // finer than the clock: 1/200 of 50 ms still counts
  std::uint64_t pace_epoch = 0;  // one more at every slowdown: leases of older ones are re-laid
  // 23s of calls sent up to here follow from the calls before the last slowdown (the gateway's
  // second still holds them): they do not slow the key again.
  std::optional<util::TimePoint> settled_after;
  // The first 23 of a regime estimated the limit from the calls around it (`estimate`): one of
  // those refused too, reported later, was not accepted after all and lowers the estimate.
  struct Estimate {
    util::TimePoint refused;  // when the refused call that started the regime was to be sent
    util::TimePoint seen;     // when its 23 came back: only calls leased by then were counted
    long long others = 0;     // the calls counted as accepted in its second
  };
  std::optional<Estimate> estimate;
  std::deque<util::TimePoint> sent;  // in the order handed out, at most k_max_sent
  bool paced = false;                 // slowed by a 23 and not yet back to the configured pace
  std::chrono::microseconds logged_interval{0};  // last logged, so speed-ups are logged rarely
  // The slow start: calls this key may have out at once (0: no limit but the interval); one more
  // per success, none after a 23. outstanding: leases not yet reported.
  int allowance = 1;
  int outstanding = 0;
  // The last reason this key was skipped, so that repeats are logged at debug only.
  UnavailableReason last_skip = UnavailableReason::none;
  // Memory only: the key answered with a success in this process since its last key error. Until
  // it has, it serves one call at a time, so that a bad key wastes one call, not one per worker.
  bool verified = false;
  // While calls are out: when the pool stops waiting for their answers (a lease whose report
  // never comes must not hold the key for the rest of the run).
  std::optional<util::TimePoint> answers_due;
};

struct Availability {
  UnavailableReason reason = UnavailableReason::none;
  std::optional<util::TimePoint> until;  // when usable again; nullopt when usable or disabled
  std::string text;                      // the original guide's words, "" when usable
  bool usable() const { return reason == UnavailableReason::none; }
};

// One key of a health check: its result, and the lease of its probe call.
struct ProbePlan {
  ProbeResult result;
  std::optional<KeyLease> lease;
  bool held = false;  // a shared store's reservation still to make
};

// One key recover() tries: its place in the report, its probe's lease, its state before.
struct RecoveryAttempt {
  std::size_t position = 0;
  std::optional<KeyLease> lease;
  KeyRecord before;
};

std::string describe_key(const KeySlot& slot);  // "#1 abcdefghij..."

// Calls of the day spent on operation by this key.
inline int usage_of(const KeyRecord& rec, std::string_view operation) {
  auto it = rec.usage.find(std::string(operation));
  return it == rec.usage.end() ? 0 : it->second;
}

}  // namespace detail

struct KeyPool::Impl {
  Impl(KeyPolicy p, const util::Clock& c, std::unique_ptr<KeyStateStore> s)
      : policy(p), clock(c), store(std::move(s)) {}

  KeyPolicy policy;
  const util::Clock& clock;
  std::unique_ptr<KeyStateStore> store;  // nullptr: memory only
  std::vector<KeyIdentity> identities;   // the keys as the store knows them, in slot order

  // The store counts every call (the database): each lease is reserved there first.
  bool shared() const { return store && store->counts_calls(); }

  mutable std::mutex mutex;  // guards everything below up to save_mutex
  std::string day;           // KST date of the usage counters
  std::size_t current_index = 0;
  std::size_t synced_index = 0;
  std::vector<detail::KeySlot> keys;
  bool dirty = false;
  // Part of the unsaved change matters to other processes or the operator (a status, not just a
  // usage counter): the next autosave writes at once instead of waiting for the interval.
  bool urgent = false;
  // steady_now() when the last save took the state: counters alone wait until the interval since.
  std::optional<util::TimePoint> last_save_at;

  std::atomic<bool> autosave{true};
  std::mutex save_mutex;  // one save at a time in this process; guards last_save_error
  std::atomic<bool> save_pending{false};
  std::string last_save_error;

  // Calls a key may make of one operation a day: its limit less what is left for others.
  int spendable() const { return std::max(0, policy.daily_limit - policy.reserve); }

  // All of these need `mutex` held.
  KeyQuota quota_of(const detail::KeySlot& slot, std::string_view operation,
                    util::TimePoint now) const;
  void roll_day(util::TimePoint now);
  detail::Availability availability(const detail::KeySlot& slot, std::string_view operation,
                                     util::TimePoint now) const;
  KeyStatus status_of(const detail::KeySlot& slot, std::string_view operation,
                      util::TimePoint now) const;
  // Counts the call against the key and builds the lease (pacing included).
  KeyLease reserve(detail::KeySlot& slot, std::string_view operation, util::TimePoint now);
  // The lease of a call already counted (schedule) and held (one more call out, so that the slow
  // start holds while a shared reservation is under way).
  KeyLease schedule(detail::KeySlot& slot, util::TimePoint now);
  void hold(detail::KeySlot& slot, util::TimePoint now);
  void unhold(detail::KeySlot& slot);
  // Round robin from the current index: the key to lease, or why there is none. skip: keys the
  // shared store refused during this acquire.
  std::variant<detail::KeySlot*, NoKey> pick(std::string_view operation, util::TimePoint now,
                                             const std::vector<bool>& skip);
  // reserve() for acquire(): moves the round robin on and logs the choice.
  KeyLease lease(detail::KeySlot& slot, std::string_view operation, util::TimePoint now);
  // A key with as many calls out as it may have at once (one until it is verified, then the slow
  // start's allowance): when to ask again; nullopt when it can be leased.
  std::optional<util::TimePoint> awaiting_answers(detail::KeySlot& slot, util::TimePoint now);
  // Pacing (key_pacing.cpp): the key's least time between two calls, when its next call may be
  // sent, and what a 23 or a success of a call sent at `sent` does to its pace.
  util::Millis pace_of(const detail::KeySlot& slot) const;
  util::TimePoint next_slot(const detail::KeySlot& slot, util::TimePoint now) const;
  void note_sent(detail::KeySlot& slot, util::TimePoint at);
  void pace_refused(detail::KeySlot& slot, util::TimePoint sent, util::TimePoint now);
  void pace_reestimate(detail::KeySlot& slot, util::TimePoint sent, util::TimePoint now);
  void relay_schedule(detail::KeySlot& slot, util::TimePoint refused, util::TimePoint now);
  void pace_succeeded(detail::KeySlot& slot);
  void log_skip(detail::KeySlot& slot, const detail::Availability& a);
  // sent: when the call was to leave (its lease's not_before).
  void record(detail::KeySlot& slot, std::string_view operation, const KeyOutcome& outcome,
              util::TimePoint now, util::TimePoint sent);
  void record_key_error(detail::KeySlot& slot, std::string text, util::TimePoint now);
  void record_quota(detail::KeySlot& slot, std::string_view operation, std::string text,
                    util::TimePoint now);
  // A change of status, not only of counters: saved at once (KeyPolicy::usage_save_interval).
  void mark_urgent() { dirty = urgent = true; }
  // manual: the operator's deactivation, which recovery never undoes.
  void deactivate(detail::KeySlot& slot, std::string reason, util::TimePoint now,
                  bool manual = false);
  void activate(detail::KeySlot& slot);
  void reset_errors(detail::KeySlot& slot);
  std::size_t active_count() const;
  // Recovery: whether a key the pool disabled may be re-enabled and probed now; when not, r says
  // why (attempted false, manual for the operator's keys).
  bool may_recover(detail::KeySlot& slot, std::string_view probe_operation, util::TimePoint now,
                   RecoveryResult& r);

  // Take `mutex` themselves.
  void record_locked(const KeyLease& lease, std::string_view operation,
                     const KeyOutcome& outcome);
  // A failed recovery probe: the key is disabled again, with the probe's error as its reason.
  void fail_recovery(std::size_t index, const std::string& error);
  Result<void> load();
  Result<void> save();    // blocks for save_mutex
  // The shared store (key_shared.cpp): acquire() reserving each call in the store first, and one
  // reservation for a key already held (nullopt: refused; the pool then reads the store again).
  std::variant<KeyLease, NoKey> acquire_shared(std::string_view operation);
  Result<std::optional<KeyLease>> reserve_shared(std::size_t index, std::string_view operation);
  void release(const KeyLease& lease, std::string_view operation);
  void reserve_probes(std::string_view operation, std::vector<detail::ProbePlan>& plan);
  void lease_recoveries(std::string_view operation, std::vector<detail::RecoveryAttempt>& attempts,
                        RecoveryReport& report);
  // Coalesces: a save already running picks up our change, and a change of usage counters alone
  // waits for usage_save_interval since the last save. at_once: an operator's action, saved now.
  void save_if_autosave(bool at_once = false);
  bool save_due() const;
  void log_save_result(const Result<void>& result);

 private:
  // A merged state on its way to the store, and what to remember once the write is done.
  struct PendingWrite {
    KeySnapshot out;                         // what the store is to hold
    std::vector<detail::KeyRecord> ours;     // our state the merge started from
    std::vector<detail::KeyRecord> written;  // the merged values
    std::vector<unsigned> resets;
    std::string day;
    std::size_t index_before = 0;  // current_index when merged
  };
  Result<void> save_holding_save_mutex();
  void adopt(const KeySnapshot& stored);  // load(): takes `mutex`
  // Pure: merges our state with the stored one without changing ours (it may run twice).
  PendingWrite merge_with(const KeySnapshot* stored);  // takes `mutex`
  void finish_write(PendingWrite* pending, bool written, bool was_urgent);  // takes `mutex`
};

}  // namespace kto::keys
