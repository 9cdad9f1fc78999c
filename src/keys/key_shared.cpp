// The pool on a store every process shares (the database, issue 18): every lease is reserved in
// the store first, so that any number of processes on any number of hosts never pass a key's daily
// limit together; a refusal makes the pool read the store again (another process's count, rest or
// deactivation) and try the next key.
#include <spdlog/spdlog.h>

#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

NoKey store_failure(const Error& error) {
  NoKey none;
  none.message = "KTO API 키를 예약할 수 없습니다 (키 상태 저장소 오류: " + error.message +
                 "): 데이터베이스를 확인하고 'collect --resume'으로 이어 가세요";
  spdlog::warn("⚠️ {}", none.message);
  return none;
}

}  // namespace

Result<std::optional<KeyLease>> KeyPool::Impl::reserve_shared(std::size_t index,
                                                                std::string_view operation) {
  std::string fingerprint;
  std::string on_day;
  util::TimePoint now;
  {
    std::lock_guard guard(mutex);
    now = clock.now();
    roll_day(now);
    fingerprint = keys[index].state.fingerprint;
    on_day = day;
  }
  auto got = store->reserve(fingerprint, on_day, operation, spendable(), now);
  // One retry: the connection layer reconnects on the next statement after a lost connection.
  if (!got) got = store->reserve(fingerprint, on_day, operation, spendable(), now);
  std::lock_guard guard(mutex);
  auto& slot = keys[index];
  if (!got || !*got) {
    unhold(slot);
    if (!got) return got.error();
    return std::optional<KeyLease>{};
  }
  if (day == on_day) {
    // The store's count, other processes' calls included: what status and the limits see.
    slot.state.usage[std::string(operation)] = **got;
    slot.synced.usage[std::string(operation)] = **got;
  }
  KeyLease lease = schedule(slot, clock.now());
  lease.day = on_day;
  return std::optional<KeyLease>{std::move(lease)};
}

std::variant<KeyLease, NoKey> KeyPool::Impl::acquire_shared(std::string_view operation) {
  std::vector<bool> refused(keys.size(), false);
  for (;;) {
    std::size_t index = 0;
    {
      std::lock_guard guard(mutex);
      auto now = clock.now();
      roll_day(now);
      auto picked = pick(operation, now, refused);
      if (auto* none = std::get_if<NoKey>(&picked)) return std::move(*none);
      auto* slot = std::get<detail::KeySlot*>(picked);
      hold(*slot, now);  // the slow start counts this call while the store is asked
      index = slot->index;
    }
    auto got = reserve_shared(index, operation);
    if (!got) return store_failure(got.error());
    if (*got) {
      std::lock_guard guard(mutex);
      auto& slot = keys[index];
      slot.last_skip = UnavailableReason::none;
      current_index = (index + 1) % keys.size();
      spdlog::debug("✅ KTO 키 #{} 선택: {} (사용량: {}/{}, 오류: {}회)", index, slot.state.preview,
                    detail::usage_of(slot.state, operation), policy.daily_limit,
                    slot.state.consecutive_errors);
      return std::move(**got);
    }
    refused[index] = true;
    spdlog::debug("⏭️ KTO 키 #{} 건너뜀: 공유 키 상태가 호출을 거절했습니다 (다시 읽습니다)", index);
    log_save_result(save());  // learn why: another process's calls, a rest or a deactivation
  }
}

void KeyPool::Impl::release(const KeyLease& lease, std::string_view operation) {
  std::string fingerprint;
  {
    std::lock_guard guard(mutex);
    if (lease.index >= keys.size() || keys[lease.index].key != lease.key) return;
    auto& slot = keys[lease.index];
    unhold(slot);
    if (lease.day != day) return;  // counted on a day that is over: nothing to give back
    const std::string op(operation);
    auto it = slot.state.usage.find(op);
    if (it != slot.state.usage.end() && --it->second <= 0) slot.state.usage.erase(it);
    fingerprint = slot.state.fingerprint;
    if (shared()) {
      slot.synced.usage = slot.state.usage;
    } else {
      dirty = true;
    }
  }
  if (!shared()) return save_if_autosave();
  if (auto given = store->release(fingerprint, lease.day, operation); !given)
    spdlog::warn("⚠️ 쓰지 않은 KTO 키 호출을 되돌릴 수 없습니다: {}", given.error().message);
}

}  // namespace kto::keys
