// Selection: round robin, skips, reservations, and one call at a time for a key not yet known
// to work. The outcomes of calls are in key_outcomes.cpp.
#include "kto/keys/key_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

using detail::KeySlot;
using detail::usage_of;

// A key not yet known to work serves one call at a time. The others ask again this soon: about
// the time a call takes, so that they start as soon as its answer says the key works.
constexpr util::Millis k_first_answer_retry{500};
// Longer than any call (the request timeout is about 20 s): past it the lease is taken as lost.
constexpr util::Millis k_first_answer_timeout{std::chrono::minutes(2)};

// What brings back keys that are all disabled: `recover` only for those the pool disabled.
std::string all_disabled_advice(std::size_t manual, std::size_t total) {
  if (manual == 0) return "모든 키 비활성화됨: 'collector recover'로 복구를 시도하세요";
  if (manual == total)
    return "모든 키가 수동 비활성화됨: 'collector keys reactivate ID'로 재활성화하세요";
  return "모든 키 비활성화됨: 자동 비활성화된 키는 'collector recover'로 복구를 시도하고, 수동 "
         "비활성화된 키는 'collector keys reactivate ID'로 재활성화하세요";
}

// awaiting: some key was passed over only because its first call is still out. manual: keys the
// operator disabled.
NoKey no_key(std::optional<util::TimePoint> earliest, std::size_t total, std::size_t manual,
             bool awaiting) {
  NoKey out;
  out.earliest = earliest;
  if (awaiting)
    out.message = "사용 가능한 KTO API 키가 없습니다 (확인 중인 키의 응답 대기: 잠시 후 재시도)";
  else if (total == 0)
    out.message = "설정된 KTO API 키가 없습니다 (.env의 KTO_API_KEY를 확인하세요)";
  else if (earliest)
    out.message = "사용 가능한 KTO API 키가 없습니다 (가장 빠른 복구: " +
                  util::format_hms_kst(*earliest) + ")";
  else
    out.message = "사용 가능한 KTO API 키가 없습니다 (" + all_disabled_advice(manual, total) + ")";
  return out;
}

}  // namespace

const char* to_string(UnavailableReason reason) {
  switch (reason) {
    case UnavailableReason::none: return "";
    case UnavailableReason::deactivated: return "deactivated";
    case UnavailableReason::daily_limit: return "daily_limit";
    case UnavailableReason::rate_limited: return "rate_limited";
    case UnavailableReason::error_cooldown: return "error_cooldown";
  }
  return "";
}

std::string detail::describe_key(const KeySlot& slot) {
  return "#" + std::to_string(slot.index) + " " + slot.state.preview;
}

void KeyPool::Impl::roll_day(util::TimePoint now) {
  std::string today = util::kst_date(now);
  if (today <= day) return;
  // The gateway's counters reset at 00:00 KST: yesterday's usage says nothing about today.
  for (auto& slot : keys) {
    slot.state.usage.clear();
    slot.synced.usage.clear();
  }
  spdlog::info("📅 KST 날짜가 바뀌어 KTO 키 사용량을 초기화합니다 ({} → {})", day, today);
  day = std::move(today);
  mark_urgent();
}

KeyLease KeyPool::Impl::reserve(KeySlot& slot, std::string_view operation, util::TimePoint now) {
  ++slot.state.usage[std::string(operation)];
  dirty = true;  // a counter: saved with the next save, not at once
  ++slot.outstanding;
  return schedule(slot, now);
}

KeyLease KeyPool::Impl::schedule(KeySlot& slot, util::TimePoint now) {
  KeyLease lease;
  lease.index = slot.index;
  lease.key = slot.key;
  lease.preview = slot.state.preview;
  lease.day = day;
  lease.not_before = next_slot(slot, now);
  lease.pace_epoch = slot.pace_epoch;
  slot.last_scheduled = lease.not_before;
  note_sent(slot, lease.not_before);
  slot.answers_due = lease.not_before + k_first_answer_timeout;
  return lease;
}

void KeyPool::Impl::hold(KeySlot& slot, util::TimePoint now) {
  ++slot.outstanding;
  if (!slot.answers_due || *slot.answers_due < now) slot.answers_due = now + k_first_answer_timeout;
}

void KeyPool::Impl::unhold(KeySlot& slot) {
  if (slot.outstanding > 0) --slot.outstanding;
}

std::optional<util::TimePoint> KeyPool::Impl::awaiting_answers(KeySlot& slot,
                                                               util::TimePoint now) {
  if (slot.outstanding > 0 && slot.answers_due && *slot.answers_due <= now)
    slot.outstanding = 0;  // leases whose reports never came: the key must not stay held
  int allowed = slot.verified ? slot.allowance : 1;
  if (allowed <= 0 || slot.outstanding < allowed || !slot.answers_due) return std::nullopt;
  return std::min(now + k_first_answer_retry, *slot.answers_due);
}

KeyLease KeyPool::Impl::lease(KeySlot& slot, std::string_view operation, util::TimePoint now) {
  slot.last_skip = UnavailableReason::none;
  KeyLease lease = reserve(slot, operation, now);
  current_index = (slot.index + 1) % keys.size();  // the next call starts at the next key
  spdlog::debug("✅ KTO 키 #{} 선택: {} (사용량: {}/{}, 오류: {}회)", slot.index, slot.state.preview,
                usage_of(slot.state, operation), policy.daily_limit, slot.state.consecutive_errors);
  return lease;
}

void KeyPool::Impl::log_skip(KeySlot& slot, const detail::Availability& a) {
  // Every worker passes the same bad key: say it once, keep the repeats for the log file.
  auto level = slot.last_skip == a.reason ? spdlog::level::debug : spdlog::level::info;
  slot.last_skip = a.reason;
  spdlog::log(level, "⏭️ KTO 키 #{} 건너뜀: {} - {}", slot.index, slot.state.preview, a.text);
}

std::size_t KeyPool::Impl::active_count() const {
  return static_cast<std::size_t>(
      std::count_if(keys.begin(), keys.end(), [](const KeySlot& s) { return s.state.is_active; }));
}

void KeyPool::Impl::deactivate(KeySlot& slot, std::string reason, util::TimePoint now,
                               bool manual) {
  slot.state.is_active = false;
  slot.state.manual = manual;
  slot.state.deactivated_at = now;
  slot.state.deactivation_reason = std::move(reason);
  mark_urgent();
}

void KeyPool::Impl::reset_errors(KeySlot& slot) {
  if (slot.state.consecutive_errors == 0) return;
  slot.state.consecutive_errors = 0;
  ++slot.resets;
  mark_urgent();  // a key back in good standing: other processes stop counting it as failing
}

void KeyPool::Impl::activate(KeySlot& slot) {
  slot.state.is_active = true;
  slot.state.manual = false;
  slot.state.deactivated_at.reset();
  slot.state.deactivation_reason.reset();
  slot.state.error_cooldown_until.reset();
  reset_errors(slot);
  mark_urgent();
}

KeyPool::KeyPool(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KeyPool::~KeyPool() {
  if (!m_impl || !m_impl->autosave || !m_impl->store) return;
  bool dirty = false;
  {
    std::lock_guard lock(m_impl->mutex);
    dirty = m_impl->dirty;
  }
  // Reservations made since the last report are real calls (or nearly), and counters deferred by
  // usage_save_interval are still dirty: keep them.
  if (dirty) m_impl->log_save_result(m_impl->save());
}

Result<std::unique_ptr<KeyPool>> KeyPool::open(std::vector<std::string> keys, KeyPolicy policy,
                                               const util::Clock& clock,
                                               std::optional<std::filesystem::path> state_file) {
  return open(std::move(keys), policy, clock,
              state_file ? state_file_store(std::move(*state_file), clock) : nullptr);
}

Result<std::unique_ptr<KeyPool>> KeyPool::open(std::vector<std::string> keys, KeyPolicy policy,
                                               const util::Clock& clock,
                                               std::unique_ptr<KeyStateStore> store) {
  auto impl = std::make_unique<Impl>(policy, clock, std::move(store));
  impl->day = util::kst_date(clock.now());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    util::register_secret(keys[i]);
    detail::KeySlot slot;
    slot.index = i;
    slot.state.fingerprint = util::key_fingerprint(keys[i]);
    slot.state.preview = util::mask_key(keys[i]);
    slot.state.daily_limit = policy.daily_limit;
    slot.synced = slot.state;
    slot.key = std::move(keys[i]);
    impl->identities.push_back({slot.state.fingerprint, slot.state.preview, i, policy.daily_limit});
    impl->keys.push_back(std::move(slot));
  }
  if (auto loaded = impl->load(); !loaded) return loaded.error();
  return std::unique_ptr<KeyPool>(new KeyPool(std::move(impl)));
}

std::variant<KeySlot*, NoKey> KeyPool::Impl::pick(std::string_view operation,
                                                   util::TimePoint now,
                                                   const std::vector<bool>& skip) {
  const std::size_t n = keys.size();
  std::optional<util::TimePoint> earliest;
  bool awaiting = false;
  auto note = [&earliest](util::TimePoint t) { if (!earliest || t < *earliest) earliest = t; };
  // Round robin over the usable keys, the first one free now; when every one is paced, the one
  // whose next call may leave first (a paced key must not hold calls another key could make now).
  KeySlot* best = nullptr;
  util::TimePoint best_at{};
  for (std::size_t i = 0; i < n; ++i) {
    auto& slot = keys[(current_index + i) % n];
    auto a = availability(slot, operation, now);
    if (!a.usable()) {
      log_skip(slot, a);
      if (a.until) note(*a.until);
      continue;
    }
    if (slot.index < skip.size() && skip[slot.index]) {
      // The shared store refused it and says nothing more yet: ask again shortly.
      note(now + k_first_answer_retry);
      continue;
    }
    if (auto retry = awaiting_answers(slot, now)) {
      // Busy, not broken: a debug line only, and the reports still count the key as available.
      if (slot.verified)
        spdlog::debug("⏭️ KTO 키 #{} 건너뜀: {} - 응답 확인 중 (동시 호출 {}개까지)", slot.index,
                      slot.state.preview, slot.allowance);
      else
        spdlog::debug("⏭️ KTO 키 #{} 건너뜀: {} - 첫 응답 확인 중", slot.index, slot.state.preview);
      awaiting = true;
      note(*retry);
      continue;
    }
    auto at = next_slot(slot, now);
    if (!best || at < best_at) best = &slot, best_at = at;
    if (at <= now) break;
  }
  if (best) return best;
  auto manual = static_cast<std::size_t>(std::count_if(
      keys.begin(), keys.end(), [](const KeySlot& s) { return !s.state.is_active && s.state.manual; }));
  NoKey none = no_key(earliest, n, manual, awaiting);
  // Waiting for a first answer is a normal moment of a start-up, not worth a warning per worker.
  spdlog::log(awaiting ? spdlog::level::debug : spdlog::level::warn, "{}", none.message);
  return none;
}

std::variant<KeyLease, NoKey> KeyPool::acquire(std::string_view operation) {
  auto& d = *m_impl;
  if (d.shared()) return d.acquire_shared(operation);
  std::lock_guard lock(d.mutex);
  auto now = d.clock.now();
  d.roll_day(now);
  auto picked = d.pick(operation, now, {});
  if (auto* slot = std::get_if<KeySlot*>(&picked)) return d.lease(**slot, operation, now);
  return std::get<NoKey>(std::move(picked));
}

void KeyPool::release(const KeyLease& lease, std::string_view operation) {
  m_impl->release(lease, operation);
}

void KeyPool::report(const KeyLease& lease, std::string_view operation,
                     const KeyOutcome& outcome) {
  m_impl->record_locked(lease, operation, outcome);
  m_impl->save_if_autosave();
}

Result<void> KeyPool::save() { return m_impl->save(); }

void KeyPool::set_autosave(bool on) { m_impl->autosave = on; }

std::size_t KeyPool::size() const { return m_impl->keys.size(); }

const KeyPolicy& KeyPool::policy() const { return m_impl->policy; }

}  // namespace kto::keys
