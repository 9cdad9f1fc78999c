#pragma once
// What brings back a key that cannot be used now, in one place, so that `status`, `keys list`,
// `health` and `recover` say the same true thing: a resting key (error cooldown, quota, per-second
// back-off) comes back by itself at a time, or now through `keys reactivate`; a key the pool
// disabled comes back through `recover` once it has been disabled for recovery_after; a key the
// operator disabled comes back only through `keys reactivate`.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"

namespace kto::keys {

// "15:30:00" when t falls on now's KST day, else "2026-11-26 00:00:00".
std::string kst_when(util::TimePoint t, util::TimePoint now);

// How the key comes back: "재사용 가능: 15:30:00", "복구 시도 가능: 지금 ('collector recover')",
// "'collector keys reactivate #0'로 재활성화"; "" for a usable key.
std::string way_back(const KeyStatus& key, util::TimePoint now, std::chrono::seconds recovery_after);

// The key's state and its way back on one line: "수동 비활성화 (키 유출) — 'collector keys
// reactivate #0'로 재활성화", "최근 오류로 대기 중 (7분 후 해제) → 재사용 가능: 15:30:00".
std::string explain(const KeyStatus& key, util::TimePoint now, std::chrono::seconds recovery_after);

// When no key is usable: one line per kind of unusable key, each naming what brings it back (when
// the first resting key returns and `keys reactivate` to lift its rest, `recover` only when a key
// the pool disabled is there for it, `keys reactivate` for the operator's). Empty when a key is
// usable.
std::vector<std::string> advice_without_usable_key(const std::vector<KeyStatus>& keys,
                                                   util::TimePoint now,
                                                   std::chrono::seconds recovery_after);

}  // namespace kto::keys
