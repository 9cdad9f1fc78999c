// Whether a key can be used now, and the status reports built on that one answer.
#include <fmt/format.h>

#include "kto/keys/key_pool.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

using detail::usage_of;

std::string until_text(util::TimePoint until, util::TimePoint now) {
  auto left = std::chrono::ceil<std::chrono::seconds>(until - now);
  return util::format_korean_duration(left) + " 후 해제";
}

// The original system shows a key the pool disabled by its error count; a key the operator
// disabled says so, with the operator's reason, so that nobody waits for it to come back by itself.
std::string deactivated_text(const detail::KeyRecord& s) {
  if (s.manual) {
    constexpr std::string_view k_label = "수동 비활성화";
    if (!s.deactivation_reason || *s.deactivation_reason == k_label) return std::string(k_label);
    return std::string(k_label) + " (" + *s.deactivation_reason + ")";
  }
  bool automatic =
      !s.deactivation_reason || s.deactivation_reason->starts_with(detail::k_auto_reason_prefix);
  if (automatic && s.consecutive_errors > 0)
    return fmt::format("비활성화됨 (오류 {}회)", s.consecutive_errors);
  if (s.deactivation_reason) return "비활성화됨 (" + *s.deactivation_reason + ")";
  return "비활성화됨";
}

}  // namespace

const char* to_string(HealthBand band) {
  switch (band) {
    case HealthBand::healthy: return "healthy";
    case HealthBand::warning: return "warning";
    case HealthBand::danger: return "danger";
    case HealthBand::critical: return "critical";
  }
  return "critical";
}

std::string band_label(HealthBand band) {
  switch (band) {
    case HealthBand::healthy: return "🟢 건강";
    case HealthBand::warning: return "🟡 주의";
    case HealthBand::danger: return "🔴 위험";
    case HealthBand::critical: return "❌ 심각";
  }
  return "❌ 심각";
}

HealthBand band_for(std::size_t available, std::size_t total) {
  if (total == 0 || available == 0) return HealthBand::critical;
  // Whole numbers, so that exactly 80 % or 50 % never falls on the wrong side by rounding.
  if (available * 100 >= total * 80) return HealthBand::healthy;
  if (available * 100 >= total * 50) return HealthBand::warning;
  return HealthBand::danger;
}

detail::Availability KeyPool::Impl::availability(const detail::KeySlot& slot,
                                                 std::string_view operation,
                                                 util::TimePoint now) const {
  const auto& s = slot.state;
  detail::Availability a;
  if (!s.is_active) {
    a.reason = UnavailableReason::deactivated;
    a.text = deactivated_text(s);
    return a;
  }
  // The first blocking reason names the state; the key is back when the last one has passed.
  auto block = [&a](UnavailableReason reason, util::TimePoint until, std::string text) {
    if (a.usable()) {
      a.reason = reason;
      a.text = std::move(text);
    }
    a.until = a.until ? std::max(*a.until, until) : until;
  };
  int used = usage_of(s, operation);
  if (used >= spendable())
    block(UnavailableReason::daily_limit, util::next_kst_midnight(now),
          policy.reserve > 0
              ? fmt::format("일일 한도 도달 ({}/{}, 예비 {}회 남김)", used, policy.daily_limit,
                            policy.reserve)
              : fmt::format("일일 한도 도달 ({}/{})", used, policy.daily_limit));
  if (auto it = s.rate_limited_until.find(std::string(operation));
      it != s.rate_limited_until.end() && it->second > now)
    block(UnavailableReason::rate_limited, it->second,
          "Rate limit 제한 중 (" + until_text(it->second, now) + ")");
  if (s.error_cooldown_until && *s.error_cooldown_until > now)
    block(UnavailableReason::error_cooldown, *s.error_cooldown_until,
          "최근 오류로 대기 중 (" + until_text(*s.error_cooldown_until, now) + ")");
  return a;
}

KeyStatus KeyPool::Impl::status_of(const detail::KeySlot& slot, std::string_view operation,
                                   util::TimePoint now) const {
  const auto& s = slot.state;
  auto a = availability(slot, operation, now);
  KeyStatus out;
  out.index = slot.index;
  out.preview = s.preview;
  out.fingerprint = s.fingerprint;
  out.is_active = s.is_active;
  out.manual = !s.is_active && s.manual;
  out.is_available = a.usable();
  out.reason = a.reason;
  out.reason_text = a.text;
  out.available_at = a.until;
  out.usage = usage_of(s, operation);
  out.daily_limit = policy.daily_limit;
  out.usage_by_operation = s.usage;
  out.consecutive_errors = s.consecutive_errors;
  out.total_errors = s.total_errors;
  out.total_calls = s.total_calls;
  for (const auto& [op, until] : s.rate_limited_until)
    if (until > now) out.rate_limited_until[op] = until;
  out.deactivated_at = s.deactivated_at;
  out.deactivation_reason = s.deactivation_reason;
  out.last_used_at = s.last_used_at;
  out.last_error_at = s.last_error_at;
  out.last_error = s.last_error;
  return out;
}

KeyQuota KeyPool::Impl::quota_of(const detail::KeySlot& slot, std::string_view operation,
                                 util::TimePoint now) const {
  const auto& s = slot.state;
  KeyQuota q;
  q.index = slot.index;
  q.preview = s.preview;
  // The gateway's 22 says the operation is spent, whatever our count says: nothing left today.
  auto rested = s.rate_limited_until.find(std::string(operation));
  q.serving = s.is_active && (rested == s.rate_limited_until.end() || rested->second <= now);
  if (q.serving) q.left = std::max(0, spendable() - usage_of(s, operation));
  return q;
}

long long KeyPool::calls_left_today(std::string_view operation) const {
  return quota_today(operation).calls_left;
}

QuotaToday KeyPool::quota_today(std::string_view operation) const {
  auto& d = *m_impl;
  std::lock_guard lock(d.mutex);
  auto now = d.clock.now();
  d.roll_day(now);
  QuotaToday out;
  for (const auto& slot : d.keys) {
    KeyQuota q = d.quota_of(slot, operation, now);
    out.calls_left += q.left;
    if (slot.state.is_active) ++out.keys;
    out.by_key.push_back(std::move(q));
  }
  out.per_day = static_cast<long long>(out.keys) * d.spendable();
  return out;
}

PoolSummary KeyPool::summary(std::string_view operation) const {
  auto& d = *m_impl;
  std::lock_guard lock(d.mutex);
  auto now = d.clock.now();
  d.roll_day(now);
  PoolSummary out;
  out.total_keys = d.keys.size();
  out.active_keys = d.active_count();
  for (const auto& slot : d.keys)
    if (d.availability(slot, operation, now).usable()) ++out.available_keys;
  out.health_percentage =
      out.total_keys == 0
          ? 0.0
          : static_cast<double>(out.available_keys) * 100.0 / static_cast<double>(out.total_keys);
  out.band = band_for(out.available_keys, out.total_keys);
  out.current_key_index = d.current_index;
  return out;
}

std::vector<KeyStatus> KeyPool::detailed_status(std::string_view operation) const {
  auto& d = *m_impl;
  std::lock_guard lock(d.mutex);
  auto now = d.clock.now();
  d.roll_day(now);
  std::vector<KeyStatus> out;
  out.reserve(d.keys.size());
  for (const auto& slot : d.keys) out.push_back(d.status_of(slot, operation, now));
  return out;
}

}  // namespace kto::keys
