// The pool's state in its store (the state file or the database): loaded once at open, then
// read-modify-written by a three-way merge so that a cron run and an operator's command never lose
// each other's updates.
#include <spdlog/spdlog.h>

#include <system_error>

#include "kto/util/files.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
using detail::KeyRecord;

namespace {

const KeyRecord* find_record(const KeySnapshot& state, const std::string& fingerprint) {
  for (const auto& rec : state.keys)
    if (rec.fingerprint == fingerprint) return &rec;
  return nullptr;
}

// Expired rate limits are history: the store keeps only the ones still running.
KeyRecord for_file(KeyRecord rec, util::TimePoint now) {
  std::erase_if(rec.rate_limited_until, [now](const auto& entry) { return entry.second <= now; });
  return rec;
}

// The calls a shared store counted and those this process reserved since: the larger is the
// truth (counts only grow within a day but for a release, which the next sync corrects).
void keep_larger_usage(std::map<std::string, int>& usage, const std::map<std::string, int>& other) {
  for (const auto& [op, n] : other)
    if (usage[op] < n) usage[op] = n;
}

}  // namespace

Result<void> KeyPool::Impl::load() {
  if (!store) return {};
  auto loaded = store->load(identities, day);
  if (!loaded) return loaded.error();
  if (*loaded) adopt(**loaded);
  return {};
}

void KeyPool::Impl::adopt(const KeySnapshot& file) {
  std::lock_guard guard(mutex);
  for (auto& slot : keys) {
    const KeyRecord* rec = find_record(file, slot.state.fingerprint);
    if (!rec) continue;  // a new key starts fresh
    KeyRecord adopted = *rec;
    adopted.preview = slot.state.preview;
    adopted.daily_limit = policy.daily_limit;  // the configuration, not the file, sets the limit
    slot.state = adopted;
    slot.synced = adopted;
  }
  if (file.current_index && *file.current_index < keys.size())
    current_index = synced_index = *file.current_index;
  if (file.day > day) {
    day = file.day;  // another process's clock is ahead: its counters are the current ones
  } else if (file.day < day) {
    for (auto& slot : keys) {
      slot.state.usage.clear();
      slot.synced.usage.clear();
    }
  }
}

Result<void> KeyPool::Impl::save() {
  std::lock_guard save_lock(save_mutex);
  auto result = save_holding_save_mutex();
  if (result) last_save_error.clear();
  return result;
}

bool KeyPool::Impl::save_due() const {
  std::lock_guard guard(mutex);
  if (!dirty) return false;  // a save that started after our change has taken it already
  if (urgent || !last_save_at) return true;
  auto since = clock.steady_now() - *last_save_at;
  // A clock set back (only fakes do that) saves rather than holding counters for the gap.
  return since < util::Millis::zero() || since >= policy.usage_save_interval;
}

void KeyPool::Impl::save_if_autosave(bool at_once) {
  if (!autosave || !store) return;
  // Deferred counters stay dirty: the next save of any kind, save() or the destructor writes them.
  if (!at_once && !save_due()) return;
  save_pending = true;
  // Many workers report at once: one of them saves for all. A thread that finds the save busy
  // leaves its change to the running save, which loops while changes are pending; the re-check
  // after unlocking closes the gap where a change arrives just as the saver lets go.
  for (;;) {
    {
      std::unique_lock save_lock(save_mutex, std::try_to_lock);
      if (!save_lock.owns_lock()) return;
      while (save_pending.exchange(false)) {
        auto result = save_holding_save_mutex();
        if (result) {
          last_save_error.clear();
        } else if (result.error().message != last_save_error) {
          last_save_error = result.error().message;
          spdlog::warn("⚠️ 키 상태를 저장할 수 없습니다: {}", last_save_error);
        }
      }
    }
    if (!save_pending.load()) return;
  }
}

void KeyPool::Impl::log_save_result(const Result<void>& result) {
  if (!result) spdlog::warn("⚠️ 키 상태를 저장할 수 없습니다: {}", result.error().message);
}

Result<void> KeyPool::Impl::save_holding_save_mutex() {
  if (!store) return {};
  std::string on_day;
  bool was_urgent = false;
  {
    std::lock_guard guard(mutex);
    // A run without configured keys must not wipe the keys of everyone else.
    if (keys.empty()) return {};
    roll_day(clock.now());
    on_day = day;
    was_urgent = urgent;
    dirty = urgent = false;  // a change from now on is the next save's
    last_save_at = clock.steady_now();
  }
  std::optional<PendingWrite> pending;
  auto result = store->sync(identities, on_day, [this, &pending](const KeySnapshot* stored) {
    pending = merge_with(stored);
    return pending->out;
  });
  finish_write(pending ? &*pending : nullptr, result.ok(), was_urgent);
  return result;
}

KeyPool::Impl::PendingWrite KeyPool::Impl::merge_with(const KeySnapshot* file) {
  std::lock_guard guard(mutex);
  auto now = clock.now();
  roll_day(now);
  if (file && file->day > day) {
    day = file->day;  // another process's clock is ahead: its counters are the current ones
    for (auto& slot : keys) slot.state.usage = slot.synced.usage = {};
  }
  bool file_is_older = !file || file->day < day;
  PendingWrite pending;
  pending.day = pending.out.day = day;
  for (auto& slot : keys) {
    const KeyRecord* rec = file ? find_record(*file, slot.state.fingerprint) : nullptr;
    // A key missing from the store was dropped by a process configured without it: nobody else
    // changed it, so our view stands.
    KeyRecord base = rec ? *rec : slot.synced;
    if (rec && file_is_older) base.usage.clear();
    KeyRecord merged =
        detail::merge_record(base, slot.state, slot.synced, slot.resets != slot.synced_resets);
    if (shared()) merged.usage = base.usage;  // the store counted every call itself
    pending.out.keys.push_back(for_file(merged, now));
    pending.ours.push_back(slot.state);
    pending.written.push_back(std::move(merged));
    pending.resets.push_back(slot.resets);
  }
  pending.index_before = current_index;
  std::size_t index = current_index;
  if (file && file->current_index && current_index == synced_index &&
      *file->current_index < keys.size())
    index = *file->current_index;
  pending.out.current_index = index;
  return pending;
}

void KeyPool::Impl::finish_write(PendingWrite* pending, bool written, bool was_urgent) {
  std::lock_guard guard(mutex);
  if (!written || !pending) {
    // The store still holds what it held: our changes stay deltas against it for the next try.
    dirty = true;
    urgent = urgent || was_urgent;  // a status change is retried at the next report
    return;
  }
  bool day_moved = pending->day != day;  // the usage merged belongs to a day that is over
  for (std::size_t i = 0; i < keys.size() && i < pending->written.size(); ++i) {
    auto& slot = keys[i];
    KeyRecord& merged = pending->written[i];
    KeyRecord& ours = pending->ours[i];
    if (day_moved) merged.usage.clear(), ours.usage.clear();
    // What changed here while the store was written stays a change against the merged values.
    auto usage_now = slot.state.usage;
    slot.state = detail::merge_record(merged, slot.state, ours, slot.resets != pending->resets[i]);
    if (shared()) {
      slot.state.usage = merged.usage;
      keep_larger_usage(slot.state.usage, usage_now);
    }
    slot.synced = std::move(merged);
    if (shared()) slot.synced.usage = slot.state.usage;
    slot.synced_resets = pending->resets[i];
  }
  synced_index = pending->out.current_index.value_or(current_index);
  if (current_index == pending->index_before) current_index = synced_index;
}

}  // namespace kto::keys
