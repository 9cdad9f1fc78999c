// The way back of every unusable key, and the advice when none is usable (key_advice.hpp).
#include "kto/keys/key_advice.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "kto/util/time.hpp"

namespace kto::keys {
namespace {

bool rests(const KeyStatus& k) {
  return !k.is_available && k.reason != UnavailableReason::deactivated;
}

// Keys that rest are back at available_at; a rest of the configured daily limit cannot be lifted
// by `keys reactivate` (the calls were made), the others can.
const KeyStatus* first_back(const std::vector<KeyStatus>& keys, bool liftable_only) {
  const KeyStatus* first = nullptr;
  for (const auto& k : keys) {
    if (!rests(k) || !k.available_at) continue;
    if (liftable_only && k.reason == UnavailableReason::daily_limit) continue;
    if (!first || *k.available_at < *first->available_at) first = &k;
  }
  return first;
}

util::TimePoint recoverable_at(const KeyStatus& k, std::chrono::seconds recovery_after) {
  if (!k.deactivated_at) return util::TimePoint{};  // disabled since always: at once
  return *k.deactivated_at + std::chrono::duration_cast<util::Millis>(recovery_after);
}

std::string resting_line(const std::vector<KeyStatus>& keys, std::size_t resting, bool only_resting,
                         util::TimePoint now) {
  const KeyStatus* first = first_back(keys, false);
  if (!first) return "";
  std::string head = only_resting
                         ? std::string("비활성화된 키는 없고 모든 키가 대기 중입니다: ")
                         : fmt::format("대기 중인 키 {}개 중 ", resting);
  return fmt::format("{}첫 키(#{})가 {} (KST)에 다시 사용 가능합니다.", head, first->index,
                     kst_when(*first->available_at, now));
}

std::string recover_line(const std::vector<const KeyStatus*>& pool_off, util::TimePoint now,
                         std::chrono::seconds recovery_after) {
  util::TimePoint ready = recoverable_at(*pool_off.front(), recovery_after);
  for (const auto* k : pool_off) ready = std::min(ready, recoverable_at(*k, recovery_after));
  return fmt::format("자동 비활성화된 키 {}개: 'collector recover'(메뉴 7번)로 복구를 시도하세요 ({}).",
                     pool_off.size(),
                     ready <= now ? std::string("지금 가능") : kst_when(ready, now) + "부터 가능");
}

std::string reactivate_line(const std::vector<const KeyStatus*>& manual_off) {
  std::string ids;
  for (const auto* k : manual_off) ids += (ids.empty() ? "#" : ", #") + std::to_string(k->index);
  std::string command = manual_off.size() == 1 ? "'collector keys reactivate " + ids + "'"
                                               : "'collector keys reactivate ID'(" + ids + ")";
  return fmt::format(
      "수동 비활성화된 키 {}개: 'collector recover'로는 복구되지 않습니다. {}로 재활성화하세요.",
      manual_off.size(), command);
}

}  // namespace

std::string kst_when(util::TimePoint t, util::TimePoint now) {
  if (util::kst_date(t) == util::kst_date(now)) return util::format_hms_kst(t);
  return util::format_human_kst(t);
}

std::string way_back(const KeyStatus& k, util::TimePoint now, std::chrono::seconds recovery_after) {
  if (k.is_available) return "";
  if (k.reason != UnavailableReason::deactivated)
    return k.available_at ? "재사용 가능: " + kst_when(*k.available_at, now) : "";
  if (k.manual) return "'collector keys reactivate #" + std::to_string(k.index) + "'로 재활성화";
  auto at = recoverable_at(k, recovery_after);
  return "복구 시도 가능: " + (at <= now ? std::string("지금") : kst_when(at, now)) +
         " ('collector recover')";
}

std::string explain(const KeyStatus& k, util::TimePoint now, std::chrono::seconds recovery_after) {
  std::string back = way_back(k, now, recovery_after);
  if (back.empty()) return k.reason_text;
  // An operator's deactivation is not something that passes: no arrow towards a time.
  return k.reason_text + (k.manual ? " — " : " → ") + back;
}

std::vector<std::string> advice_without_usable_key(const std::vector<KeyStatus>& keys,
                                                   util::TimePoint now,
                                                   std::chrono::seconds recovery_after) {
  std::vector<std::string> out;
  std::vector<const KeyStatus*> pool_off, manual_off;
  std::size_t resting = 0;
  for (const auto& k : keys) {
    if (k.is_available) return {};
    if (rests(k))
      ++resting;
    else
      (k.manual ? manual_off : pool_off).push_back(&k);
  }
  if (resting > 0) {
    if (auto line = resting_line(keys, resting, pool_off.empty() && manual_off.empty(), now);
        !line.empty())
      out.push_back(std::move(line));
    if (const KeyStatus* lift = first_back(keys, true))
      out.push_back(fmt::format("기다리지 않으려면 'collector keys reactivate #{}'로 대기를 해제할 수 "
                                "있습니다.",
                                lift->index));
  }
  if (!pool_off.empty()) out.push_back(recover_line(pool_off, now, recovery_after));
  if (!manual_off.empty()) out.push_back(reactivate_line(manual_off));
  return out;
}

}  // namespace kto::keys
