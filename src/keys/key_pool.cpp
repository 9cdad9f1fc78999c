// Selection (round robin, skips, reservations) and the outcomes of calls.
#include "kto/keys/key_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

using detail::KeySlot;

int usage_of(const detail::KeyRecord& rec, std::string_view operation) {
  auto it = rec.usage.find(std::string(operation));
  return it == rec.usage.end() ? 0 : it->second;
}

std::string outcome_text(const api::ApiOutcome& outcome) {
  if (!outcome.message.empty()) return outcome.message;
  if (!outcome.code.empty()) return "API 오류 (" + outcome.code + ")";
  return api::to_string(outcome.kind);
}

NoKey no_key(std::optional<util::TimePoint> earliest, std::size_t total) {
  NoKey out;
  out.earliest = earliest;
  if (total == 0)
    out.message = "설정된 KTO API 키가 없습니다 (.env의 KTO_API_KEY를 확인하세요)";
  else if (earliest)
    out.message = "사용 가능한 KTO API 키가 없습니다 (가장 빠른 복구: " +
                  util::format_hms_kst(*earliest) + ")";
  else
    out.message =
        "사용 가능한 KTO API 키가 없습니다 (모든 키 비활성화됨: 'collector recover'로 복구를 "
        "시도하세요)";
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
    case UnavailableReason::backoff: return "backoff";
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
}

KeyLease KeyPool::Impl::reserve(KeySlot& slot, std::string_view operation, util::TimePoint now) {
  ++slot.state.usage[std::string(operation)];
  dirty = true;
  KeyLease lease;
  lease.index = slot.index;
  lease.key = slot.key;
  lease.preview = slot.state.preview;
  lease.not_before = now;
  if (slot.last_scheduled)
    lease.not_before = std::max(now, *slot.last_scheduled + policy.min_interval);
  slot.last_scheduled = lease.not_before;
  return lease;
}

std::size_t KeyPool::Impl::active_count() const {
  return static_cast<std::size_t>(
      std::count_if(keys.begin(), keys.end(), [](const KeySlot& s) { return s.state.is_active; }));
}

void KeyPool::Impl::deactivate(KeySlot& slot, std::string reason, util::TimePoint now) {
  slot.state.is_active = false;
  slot.state.deactivated_at = now;
  slot.state.deactivation_reason = std::move(reason);
  dirty = true;
}

void KeyPool::Impl::reset_errors(KeySlot& slot) {
  if (slot.state.consecutive_errors == 0) return;
  slot.state.consecutive_errors = 0;
  ++slot.resets;
  dirty = true;
}

void KeyPool::Impl::activate(KeySlot& slot) {
  slot.state.is_active = true;
  slot.state.deactivated_at.reset();
  slot.state.deactivation_reason.reset();
  slot.state.error_cooldown_until.reset();
  slot.backoff_until.reset();
  reset_errors(slot);
  dirty = true;
}

void KeyPool::Impl::record_key_error(KeySlot& slot, std::string text, util::TimePoint now) {
  auto& s = slot.state;
  ++s.consecutive_errors;
  ++s.total_errors;
  s.last_error = text;
  s.last_error_at = now;
  s.error_cooldown_until = now + std::chrono::duration_cast<util::Millis>(policy.error_cooldown);
  spdlog::warn("❌ KTO API 키 #{} 호출 실패: {} - 오류: {} (연속 오류: {}회)", slot.index,
               s.preview, text, s.consecutive_errors);
  if (!s.is_active || s.consecutive_errors < policy.max_consecutive_errors) return;
  deactivate(slot, "연속 오류 " + std::to_string(s.consecutive_errors) + "회: " + text, now);
  spdlog::error("🚨 KTO API 키 #{} 자동 비활성화: {} (누적 오류: {}회)", slot.index, s.preview,
                s.total_errors);
  spdlog::warn("📊 남은 활성 KTO 키: {}/{}개", active_count(), keys.size());
}

void KeyPool::Impl::record_quota(KeySlot& slot, std::string_view operation, std::string text,
                                 util::TimePoint now) {
  auto& s = slot.state;
  // The quota comes back at 00:00 KST at the latest; waiting a full cooldown past it wastes keys.
  auto until = std::min(now + std::chrono::duration_cast<util::Millis>(policy.rate_limit_cooldown),
                        util::next_kst_midnight(now));
  s.rate_limited_until[std::string(operation)] = until;
  s.last_error = std::move(text);
  s.last_error_at = now;
  spdlog::warn("🚫 KTO API 키 #{} 한도 초과: {} (재시도 가능: {})", slot.index, s.preview,
               util::format_hms_kst(until));
}

void KeyPool::Impl::record(KeySlot& slot, std::string_view operation,
                           const api::ApiOutcome& outcome, util::TimePoint now) {
  auto& s = slot.state;
  ++s.total_calls;
  s.last_used_at = now;
  dirty = true;
  switch (outcome.kind) {
    case api::OutcomeKind::success:
    case api::OutcomeKind::no_data:
      reset_errors(slot);
      spdlog::debug("✅ KTO API 키 #{} 호출 성공: {} (사용량: {}/{})", slot.index, s.preview,
                    usage_of(s, operation), policy.daily_limit);
      return;
    case api::OutcomeKind::key_error:
      record_key_error(slot, outcome_text(outcome), now);
      return;
    case api::OutcomeKind::quota_exceeded:
      record_quota(slot, operation, outcome_text(outcome), now);
      return;
    case api::OutcomeKind::rate_limited:
      slot.backoff_until = now + policy.per_second_backoff;
      spdlog::debug("⏳ KTO API 키 #{} 초당 호출 제한: {} ({}ms 대기)", slot.index, s.preview,
                    policy.per_second_backoff.count());
      return;
    case api::OutcomeKind::service_error:
    case api::OutcomeKind::request_error:
      // The service's fault or ours, never the key's: it must not count toward deactivation.
      spdlog::debug("⚠️ KTO API 키 #{} 호출 중 서비스 오류 (키 문제 아님): {} - {}", slot.index,
                    s.preview, outcome_text(outcome));
      return;
  }
}

void KeyPool::Impl::record_locked(const KeyLease& lease, std::string_view operation,
                                  const api::ApiOutcome& outcome) {
  std::lock_guard lock(mutex);
  if (lease.index >= keys.size() || keys[lease.index].key != lease.key) {
    spdlog::warn("⚠️ 알 수 없는 KTO 키의 결과를 무시합니다: {}", lease.preview);
    return;
  }
  auto now = clock.now();
  roll_day(now);
  record(keys[lease.index], operation, outcome, now);
}

KeyPool::KeyPool(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KeyPool::~KeyPool() {
  if (!m_impl || !m_impl->autosave || !m_impl->state_file) return;
  bool dirty = false;
  {
    std::lock_guard lock(m_impl->mutex);
    dirty = m_impl->dirty;
  }
  // Reservations made since the last report are real calls (or nearly): keep them.
  if (dirty) m_impl->log_save_result(m_impl->save());
}

Result<std::unique_ptr<KeyPool>> KeyPool::open(std::vector<std::string> keys, KeyPolicy policy,
                                               const util::Clock& clock,
                                               std::optional<std::filesystem::path> state_file) {
  auto impl = std::make_unique<Impl>(policy, clock, std::move(state_file));
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
    impl->keys.push_back(std::move(slot));
  }
  if (auto loaded = impl->load(); !loaded) return loaded.error();
  return std::unique_ptr<KeyPool>(new KeyPool(std::move(impl)));
}

std::variant<KeyLease, NoKey> KeyPool::acquire(std::string_view operation) {
  auto& d = *m_impl;
  std::lock_guard lock(d.mutex);
  auto now = d.clock.now();
  d.roll_day(now);
  const std::size_t n = d.keys.size();
  std::optional<util::TimePoint> earliest;
  for (std::size_t i = 0; i < n; ++i) {
    auto& slot = d.keys[(d.current_index + i) % n];
    auto a = d.availability(slot, operation, now);
    if (a.usable()) {
      slot.last_skip = UnavailableReason::none;
      KeyLease lease = d.reserve(slot, operation, now);
      d.current_index = (slot.index + 1) % n;  // the next call starts at the next key
      spdlog::debug("✅ KTO 키 #{} 선택: {} (사용량: {}/{}, 오류: {}회)", slot.index,
                    slot.state.preview, usage_of(slot.state, operation), d.policy.daily_limit,
                    slot.state.consecutive_errors);
      return lease;
    }
    // Every worker passes the same bad key: say it once, keep the repeats for the log file.
    auto level = slot.last_skip == a.reason ? spdlog::level::debug : spdlog::level::info;
    slot.last_skip = a.reason;
    spdlog::log(level, "⏭️ KTO 키 #{} 건너뜀: {} - {}", slot.index, slot.state.preview, a.text);
    if (a.until && (!earliest || *a.until < *earliest)) earliest = a.until;
  }
  NoKey none = no_key(earliest, n);
  spdlog::warn("{}", none.message);
  return none;
}

void KeyPool::report(const KeyLease& lease, std::string_view operation,
                     const api::ApiOutcome& outcome) {
  m_impl->record_locked(lease, operation, outcome);
  m_impl->save_if_autosave();
}

Result<void> KeyPool::save() { return m_impl->save(); }

void KeyPool::set_autosave(bool on) { m_impl->autosave = on; }

std::size_t KeyPool::size() const { return m_impl->keys.size(); }

const KeyPolicy& KeyPool::policy() const { return m_impl->policy; }

}  // namespace kto::keys
