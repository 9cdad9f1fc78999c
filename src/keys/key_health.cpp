// Health checks and recovery: probes run outside the pool's mutex (they are network calls), and
// their outcomes are recorded like any other call.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/keys/key_advice.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

using Planned = detail::ProbePlan;

std::string outcome_error(const KeyOutcome& outcome) {
  if (outcome.ok()) return "";
  return outcome.reason.empty() ? to_string(outcome.kind) : outcome.reason;
}

// With a healthy key, the way back of the others in one line each kind: `recover` only when the
// pool disabled a key, `keys reactivate` for the operator's.
void add_disabled_advice(const std::vector<KeyStatus>& after, std::vector<std::string>& out) {
  auto disabled = [&after](bool manual) {
    return std::any_of(after.begin(), after.end(), [manual](const KeyStatus& k) {
      return k.reason == UnavailableReason::deactivated && k.manual == manual;
    });
  };
  if (disabled(false))
    out.emplace_back("비활성화된 키는 'collector recover'로 복구를 시도할 수 있습니다.");
  if (disabled(true))
    out.emplace_back(
        "수동 비활성화된 키는 'collector keys reactivate ID'로 재활성화해야 다시 사용됩니다.");
}

// after: every key's status once the probes are recorded, so that the advice says what is true
// now (a key that failed its probe rests; a key that only rests is not called disabled).
std::vector<std::string> recommend(const HealthReport& report, const std::vector<KeyStatus>& after,
                                   util::TimePoint now, std::chrono::seconds recovery_after) {
  std::vector<std::string> out;
  if (report.total_keys == 0) {
    out.emplace_back("설정된 KTO API 키가 없습니다. .env 파일의 KTO_API_KEY에 키를 추가하세요.");
    return out;
  }
  if (report.unhealthy_keys == 0) {
    out.emplace_back("모든 키가 정상입니다.");
    return out;
  }
  bool all_daily = std::all_of(report.keys.begin(), report.keys.end(), [](const ProbeResult& p) {
    return p.healthy || (!p.probed && p.reason == UnavailableReason::daily_limit);
  });
  if (report.healthy_keys == 0)
    out.emplace_back(all_daily
                         ? "모든 키가 오늘 한도에 도달했습니다. 00:00 (KST) 이후 다시 시도하세요."
                         : "정상 키가 없습니다.");
  for (const auto& p : report.keys)
    if (!p.healthy)
      out.push_back("문제 키 #" + std::to_string(p.index) + " " + p.preview + ": " + p.error);
  if (report.healthy_keys > 0) {
    out.push_back("정상 키 " + std::to_string(report.healthy_keys) +
                  "개로 수집을 계속할 수 있습니다.");
    add_disabled_advice(after, out);
  } else if (!all_daily) {
    for (auto& line : advice_without_usable_key(after, now, recovery_after))
      out.push_back(std::move(line));
  }
  if (report.healthy_keys > 0 && report.healthy_keys * 2 < report.total_keys)
    out.emplace_back("정상 키가 절반 미만입니다. 새 키 발급을 고려하세요.");
  return out;
}

}  // namespace

// A shared store is asked for each probe's call; a key it refuses (another process spent its
// quota, rested or disabled it) is listed without a call, as the store now says.
void KeyPool::Impl::reserve_probes(std::string_view operation, std::vector<Planned>& plan) {
  bool refused = false;
  for (auto& p : plan) {
    if (!p.held) continue;
    auto got = reserve_shared(p.result.index, operation);
    if (got && *got) p.lease = std::move(**got);
    else if (!got) p.result.error = "키 상태 저장소 오류: " + got.error().message;
    else refused = true;
  }
  if (!refused) return;
  log_save_result(save());
  std::lock_guard lock(mutex);
  auto now = clock.now();
  for (auto& p : plan) {
    if (!p.held || p.lease || !p.result.error.empty()) continue;
    auto status = status_of(keys[p.result.index], operation, now);
    p.result.reason = status.reason;
    p.result.error = explain(status, now, policy.recovery_after);
  }
}

HealthReport KeyPool::check_health(const Probe& probe) {
  auto& d = *m_impl;
  std::vector<Planned> plan;
  {
    std::lock_guard lock(d.mutex);
    auto now = d.clock.now();
    d.roll_day(now);
    for (auto& slot : d.keys) {
      Planned p;
      p.result.index = slot.index;
      p.result.preview = slot.state.preview;
      auto status = d.status_of(slot, probe.operation, now);
      p.result.reason = status.reason;
      if (status.is_available && d.shared()) {
        d.hold(slot, now);  // reserved in the shared store below, outside the pool's lock
        p.held = true;
      } else if (status.is_available) {
        p.lease = d.reserve(slot, probe.operation, now);
      } else {  // listed without a call: a call could not succeed
        p.result.error = explain(status, now, d.policy.recovery_after);
      }
      plan.push_back(std::move(p));
    }
  }
  d.reserve_probes(probe.operation, plan);
  for (auto& p : plan) {
    if (!p.lease) continue;
    auto started = d.clock.steady_now();
    KeyOutcome outcome = probe.call(*p.lease);
    p.result.response_time_ms = (d.clock.steady_now() - started).count();
    d.record_locked(*p.lease, probe.operation, outcome);
    p.result.probed = true;
    p.result.healthy = outcome.ok();
    p.result.error = outcome_error(outcome);
    if (p.result.healthy)
      spdlog::info("🩺 KTO API 키 #{} 점검: {} - 정상 ({}ms)", p.result.index, p.result.preview,
                   p.result.response_time_ms);
    else
      spdlog::warn("🩺 KTO API 키 #{} 점검: {} - 문제: {}", p.result.index, p.result.preview,
                   p.result.error);
  }
  d.save_if_autosave(/*at_once=*/true);  // an operator's check: its findings show at once
  HealthReport report;
  report.total_keys = plan.size();
  for (const auto& p : plan) {
    report.keys.push_back(p.result);
    ++(p.result.healthy ? report.healthy_keys : report.unhealthy_keys);
  }
  auto after = detailed_status(probe.operation);
  report.recommendations = recommend(report, after, d.clock.now(), d.policy.recovery_after);
  return report;
}

bool KeyPool::Impl::may_recover(detail::KeySlot& slot, std::string_view probe_operation,
                                util::TimePoint now, RecoveryResult& r) {
  r.attempted = false;
  if (slot.state.manual) {
    // The operator disabled it (a leaked key, a key being replaced): only they bring it back.
    r.manual = true;
    r.error = explain(status_of(slot, probe_operation, now), now, policy.recovery_after);
    return false;
  }
  auto disabled_for =
      slot.state.deactivated_at ? now - *slot.state.deactivated_at : util::Millis::max();
  if (disabled_for < policy.recovery_after) {
    // A new key answers 30 for a while after it is issued: retrying it early only fails again.
    auto wait = std::chrono::ceil<std::chrono::seconds>(policy.recovery_after - disabled_for);
    r.error = "복구 대기 중 (" + util::format_korean_duration(wait) + " 후 시도 가능)";
    return false;
  }
  // The probe spends a call of its own operation: a key without quota for it cannot be tested.
  detail::KeySlot trial = slot;
  activate(trial);
  if (auto a = availability(trial, probe_operation, now); !a.usable()) {
    r.error = "복구 테스트 불가: " + a.text;
    return false;
  }
  r.attempted = true;
  return true;
}

// The shared store reserves calls only for active keys: the activations go first, then each probe
// is reserved; a key the store refuses (another process spent its quota or rested it meanwhile)
// goes back to how it was, not tried.
void KeyPool::Impl::lease_recoveries(std::string_view operation,
                                     std::vector<detail::RecoveryAttempt>& attempts,
                                     RecoveryReport& report) {
  log_save_result(save());
  for (auto& attempt : attempts) {
    auto& r = report.keys[attempt.position];
    auto got = reserve_shared(r.index, operation);
    if (got && *got) {
      attempt.lease = std::move(**got);
      continue;
    }
    {
      std::lock_guard lock(mutex);
      auto& s = keys[r.index].state;
      s.is_active = attempt.before.is_active;
      s.manual = attempt.before.manual;
      s.deactivated_at = attempt.before.deactivated_at;
      s.deactivation_reason = attempt.before.deactivation_reason;
      mark_urgent();
    }
    r.attempted = false;
    --report.attempted_keys;
    r.error = got ? "복구 테스트 불가: 다른 프로세스가 이 키를 쉬게 했거나 오늘 한도까지 썼습니다"
                  : "복구 테스트 불가: 키 상태 저장소 오류: " + got.error().message;
  }
}

void KeyPool::Impl::fail_recovery(std::size_t index, const std::string& error) {
  std::lock_guard lock(mutex);
  auto& slot = keys[index];
  std::string reason = std::string(detail::k_failed_recovery_prefix) + ": " + error;
  if (slot.state.is_active)
    deactivate(slot, std::move(reason), clock.now());
  else if (!slot.state.manual)  // an operator's deactivation meanwhile keeps its own reason
    slot.state.deactivation_reason = std::move(reason);
}

RecoveryReport KeyPool::attempt_recovery(const Probe& probe) {
  auto& d = *m_impl;
  RecoveryReport report;
  std::vector<detail::RecoveryAttempt> attempts;
  {
    std::lock_guard lock(d.mutex);
    auto now = d.clock.now();
    d.roll_day(now);
    for (auto& slot : d.keys) {
      if (slot.state.is_active) continue;
      RecoveryResult r;
      r.index = slot.index;
      r.preview = slot.state.preview;
      if (d.may_recover(slot, probe.operation, now, r)) {
        detail::RecoveryAttempt attempt{report.keys.size(), std::nullopt, slot.state};
        d.activate(slot);
        spdlog::info("🔄 KTO API 키 #{} 복구 시도: {}", slot.index, slot.state.preview);
        if (d.shared())
          d.hold(slot, now);  // reserved in the store once the activation is there
        else
          attempt.lease = d.reserve(slot, probe.operation, now);
        attempts.push_back(std::move(attempt));
        ++report.attempted_keys;
      }
      report.keys.push_back(std::move(r));
    }
  }
  if (d.shared()) d.lease_recoveries(probe.operation, attempts, report);
  for (auto& attempt : attempts) {
    if (!attempt.lease) continue;
    KeyOutcome outcome = probe.call(*attempt.lease);
    d.record_locked(*attempt.lease, probe.operation, outcome);
    auto& r = report.keys[attempt.position];
    if (outcome.ok()) {
      r.recovered = true;
      ++report.recovered_keys;
      spdlog::info("✅ KTO API 키 #{} 복구 성공: {}", r.index, r.preview);
      continue;
    }
    r.error = outcome_error(outcome);
    ++report.failed_keys;
    spdlog::warn("❌ KTO API 키 #{} 복구 실패: {} - {}", r.index, r.preview, r.error);
    d.fail_recovery(r.index, r.error);
  }
  spdlog::info("🔧 KTO 키 복구 결과: 시도 {}개, 성공 {}개, 실패 {}개", report.attempted_keys,
               report.recovered_keys, report.failed_keys);
  d.save_if_autosave(/*at_once=*/true);  // an operator's check: its findings show at once
  return report;
}

}  // namespace kto::keys
