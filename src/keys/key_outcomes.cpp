// The outcomes of calls: what each answer does to its key (errors, quotas, back-off, validity).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/keys/key_pool.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

using detail::KeySlot;
using detail::usage_of;

std::string outcome_text(const KeyOutcome& outcome) {
  return outcome.reason.empty() ? to_string(outcome.kind) : outcome.reason;
}

}  // namespace

const char* to_string(KeyOutcomeKind kind) {
  switch (kind) {
    case KeyOutcomeKind::success: return "success";
    case KeyOutcomeKind::key_error: return "key_error";
    case KeyOutcomeKind::daily_quota: return "daily_quota";
    case KeyOutcomeKind::per_second_limit: return "per_second_limit";
    case KeyOutcomeKind::not_key_fault: return "not_key_fault";
  }
  return "unknown";
}

void KeyPool::Impl::record_key_error(KeySlot& slot, std::string text, util::TimePoint now) {
  auto& s = slot.state;
  // Whatever it answered before, the key may have been revoked or expired since.
  slot.verified = false;
  ++s.consecutive_errors;
  ++s.total_errors;
  s.last_error = text;
  s.last_error_at = now;
  s.error_cooldown_until = now + std::chrono::duration_cast<util::Millis>(policy.error_cooldown);
  mark_urgent();  // the cooldown must reach the other processes before they pick the key
  spdlog::warn("❌ KTO API 키 #{} 호출 실패: {} - 오류: {} (연속 오류: {}회)", slot.index,
               s.preview, text, s.consecutive_errors);
  if (!s.is_active || s.consecutive_errors < policy.max_consecutive_errors) return;
  deactivate(slot,
             std::string(detail::k_auto_reason_prefix) + " " +
                 std::to_string(s.consecutive_errors) + "회: " + text,
             now);
  spdlog::error("🚨 KTO API 키 #{} 자동 비활성화: {} (누적 오류: {}회)", slot.index, s.preview,
                s.total_errors);
  spdlog::warn("📊 남은 활성 KTO 키: {}/{}개", active_count(), keys.size());
}

void KeyPool::Impl::record_quota(KeySlot& slot, std::string_view operation, std::string text,
                                 util::TimePoint now) {
  auto& s = slot.state;
  auto& rested = s.rate_limited_until[std::string(operation)];
  if (rested > now) {
    // A call that was already in flight when the first 22 came back: the exhaustion is recorded,
    // and a later 22 must neither log it again nor push the end of the rest back.
    spdlog::debug("KTO API 키 #{} 한도 초과 응답 (진행 중이던 호출, 이미 기록됨): {}", slot.index,
                  s.preview);
    return;
  }
  // The quota comes back at 00:00 KST at the latest; waiting a full cooldown past it wastes keys.
  rested = std::min(now + std::chrono::duration_cast<util::Millis>(policy.rate_limit_cooldown),
                    util::next_kst_midnight(now));
  mark_urgent();  // an exhausted key: other processes must stop spending calls on it now
  s.last_error = std::move(text);
  s.last_error_at = now;
  spdlog::warn("🚫 KTO API 키 #{} 한도 초과: {} (재시도 가능: {})", slot.index, s.preview,
               util::format_hms_kst(rested));
}

void KeyPool::Impl::record(KeySlot& slot, std::string_view operation,
                           const KeyOutcome& outcome, util::TimePoint now, util::TimePoint sent) {
  auto& s = slot.state;
  ++s.total_calls;
  s.last_used_at = now;
  if (slot.outstanding > 0) --slot.outstanding;  // whatever it says, one of its calls is back
  dirty = true;  // counters only; the cases below that change the key's status mark it urgent
  switch (outcome.kind) {
    case KeyOutcomeKind::success:
      slot.verified = true;
      reset_errors(slot);
      pace_succeeded(slot);
      spdlog::debug("✅ KTO API 키 #{} 호출 성공: {} (사용량: {}/{})", slot.index, s.preview,
                    usage_of(s, operation), policy.daily_limit);
      return;
    case KeyOutcomeKind::key_error:
      record_key_error(slot, outcome_text(outcome), now);
      return;
    case KeyOutcomeKind::daily_quota:
      record_quota(slot, operation, outcome_text(outcome), now);
      return;
    case KeyOutcomeKind::per_second_limit:
      // "Slower", not "failed": the key is paced, not rested (memory only, nothing for the file
      // but the counters), and stays available.
      pace_refused(slot, sent, now);
      return;
    case KeyOutcomeKind::not_key_fault:
      // The service's fault or ours, never the key's: it must not count toward deactivation.
      spdlog::debug("⚠️ KTO API 키 #{} 호출 중 서비스 오류 (키 문제 아님): {} - {}", slot.index,
                    s.preview, outcome_text(outcome));
      return;
  }
}

void KeyPool::Impl::record_locked(const KeyLease& lease, std::string_view operation,
                                  const KeyOutcome& outcome) {
  std::lock_guard lock(mutex);
  if (lease.index >= keys.size() || keys[lease.index].key != lease.key) {
    spdlog::warn("⚠️ 알 수 없는 KTO 키의 결과를 무시합니다: {}", lease.preview);
    return;
  }
  auto now = clock.now();
  roll_day(now);
  record(keys[lease.index], operation, outcome, now, lease.not_before);
}

}  // namespace kto::keys
