// The state file: loaded once at open, then read-modify-written under the shared lock so that a
// cron run and an operator's command never lose each other's updates.
#include <spdlog/spdlog.h>

#include <system_error>

#include "kto/util/files.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace fs = std::filesystem;
using detail::KeyRecord;
using detail::ReadStatus;

namespace {

fs::path lock_path(const fs::path& file) { return fs::path(file.string() + ".lock"); }

const KeyRecord* find_record(const detail::StateFile& state, const std::string& fingerprint) {
  for (const auto& rec : state.keys)
    if (rec.fingerprint == fingerprint) return &rec;
  return nullptr;
}

Error newer_version_error(const fs::path& file, const std::string& version) {
  return make_error("키 상태 파일 " + file.string() + "의 버전(" + version +
                    ")이 이 프로그램이 아는 버전(" + std::to_string(detail::k_state_version) +
                    ")보다 새롭습니다: 새 버전의 collector를 사용하세요");
}

// Moves a corrupt file aside with one warning; the pool then starts from its own state.
Result<void> set_aside(const fs::path& file, const std::string& why, util::TimePoint now) {
  auto moved = detail::move_aside(file, now);
  if (!moved) return moved.error();
  spdlog::warn("⚠️ 키 상태 파일이 손상되어 {}(으)로 옮기고 새로 시작합니다 ({})", moved->string(),
               why);
  return {};
}

// Expired rate limits are history: the file keeps only the ones still running.
KeyRecord for_file(KeyRecord rec, util::TimePoint now) {
  std::erase_if(rec.rate_limited_until, [now](const auto& entry) { return entry.second <= now; });
  return rec;
}

}  // namespace

Result<void> KeyPool::Impl::load() {
  if (!state_file) return {};
  std::error_code ec;
  if (auto parent = state_file->parent_path(); !parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec)
      return make_error("키 상태 파일 폴더를 만들 수 없습니다: " + parent.string() + ": " +
                        ec.message());
  }
  // Reading alone would be safe (writers replace the file atomically), but moving a corrupt file
  // aside must not race another process's save; a read-only folder still lets status read.
  auto lock = util::FileLock::acquire(lock_path(*state_file));
  if (!lock) spdlog::debug("키 상태 파일 잠금 실패 (읽기만 합니다): {}", lock.error().message);
  auto read = detail::read_state_file(*state_file);
  if (!read) return read.error();
  switch (read->status) {
    case ReadStatus::missing: return {};
    case ReadStatus::newer_version: return newer_version_error(*state_file, read->detail);
    case ReadStatus::corrupt:
      if (auto moved = set_aside(*state_file, read->detail, clock.now()); !moved)
        spdlog::warn("⚠️ 손상된 키 상태 파일을 옮길 수 없습니다: {}", moved.error().message);
      return {};
    case ReadStatus::ok: break;
  }
  const auto& file = read->state;
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
  current_index = synced_index = file.current_index < keys.size() ? file.current_index : 0;
  if (file.day > day) {
    day = file.day;  // another process's clock is ahead: its counters are the current ones
  } else if (file.day < day) {
    for (auto& slot : keys) {
      slot.state.usage.clear();
      slot.synced.usage.clear();
    }
  }
  return {};
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
  if (!autosave || !state_file) return;
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
  if (!state_file) return {};
  {
    std::lock_guard guard(mutex);
    // A run without configured keys must not wipe the keys of everyone else.
    if (keys.empty()) return {};
  }
  auto lock = util::FileLock::acquire(lock_path(*state_file));
  if (!lock) return lock.error();
  auto read = detail::read_state_file(*state_file);
  if (!read) return read.error();
  if (read->status == ReadStatus::newer_version)
    return newer_version_error(*state_file, read->detail);
  if (read->status == ReadStatus::corrupt) {
    if (auto moved = set_aside(*state_file, read->detail, clock.now()); !moved)
      return moved.error();  // never overwrite what we could not set aside
  }
  const detail::StateFile* file = read->status == ReadStatus::ok ? &read->state : nullptr;
  PendingWrite pending = merge_with(file);
  auto result = util::write_file_atomic(*state_file, pending.text, 0600);
  finish_write(pending, result.ok());
  return result;
}

KeyPool::Impl::PendingWrite KeyPool::Impl::merge_with(const detail::StateFile* file) {
  std::lock_guard guard(mutex);
  auto now = clock.now();
  roll_day(now);
  if (file && file->day > day) {
    day = file->day;  // another process's clock is ahead: its counters are the current ones
    for (auto& slot : keys) slot.state.usage = slot.synced.usage = {};
  }
  bool file_is_older = !file || file->day < day;
  PendingWrite pending;
  detail::StateFile out;
  out.day = day;
  for (auto& slot : keys) {
    const KeyRecord* rec = file ? find_record(*file, slot.state.fingerprint) : nullptr;
    // A key missing from the file was dropped by a process configured without it: nobody else
    // changed it, so our view stands.
    KeyRecord base = rec ? *rec : slot.synced;
    if (rec && file_is_older) base.usage.clear();
    slot.state =
        detail::merge_record(base, slot.state, slot.synced, slot.resets != slot.synced_resets);
    out.keys.push_back(for_file(slot.state, now));
    pending.bases.push_back(std::move(base));
    pending.written.push_back(slot.state);
    pending.resets.push_back(slot.resets);
  }
  if (file && current_index == synced_index && file->current_index < keys.size())
    current_index = file->current_index;
  pending.index = out.current_index = current_index;
  pending.text = detail::serialize_state(out);
  pending.urgent = urgent;
  dirty = urgent = false;
  last_save_at = clock.steady_now();
  return pending;
}

void KeyPool::Impl::finish_write(PendingWrite& pending, bool written) {
  std::lock_guard guard(mutex);
  for (std::size_t i = 0; i < keys.size() && i < pending.written.size(); ++i) {
    auto& slot = keys[i];
    if (written) {
      slot.synced = std::move(pending.written[i]);
      slot.synced_resets = pending.resets[i];
    } else {
      // The file still holds the base: our changes stay deltas against it for the next try.
      slot.synced = std::move(pending.bases[i]);
    }
  }
  if (written) {
    synced_index = pending.index;
  } else {
    dirty = true;
    urgent = urgent || pending.urgent;  // a status change is retried at the next report
  }
}

}  // namespace kto::keys
