// Adaptive pacing of each key (issue 17, "The per-second limit"). The gateway refuses a key's
// calls beyond R a second with 23, R unknown and per key; a 23 means "slower", not "failed":
// - the key's interval (the least time between two of its calls, across workers and operations)
//   grows on a 23, ×5/4 or at once to the rate the key just showed, whichever is slower, and
//   shrinks by 1/200 on every success (to unpaced below 20 ms), so that it settles just under the
//   limit (AIMD): a cycle from one 23 to the next is ~45 calls; test_keys_pacing measures 89–93 %
//   of the limit used with 2–5 % of calls refused, at 1–20 calls a second and 10–300 ms latency;
//   a call counted in "the rate the key just showed" whose own 23 comes back later lowers that
//   rate (pace_reestimate);
// - a key starts with a slow start (key_pool.cpp: two calls at a time after its first answer, one
//   more per success), so that the workers' first burst costs one refused call, not one each;
// - calls handed out before a slowdown and still waiting are re-laid at the new pace from the last
//   call already sent (repace), so the slots they held do not stay empty.
// Memory only: a new process learns again in a call or two.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/keys/key_pool.hpp"
#include "kto/util/time.hpp"
#include "pool_impl.hpp"

namespace kto::keys {
namespace {

using detail::KeySlot;
using util::Millis;
using Micros = std::chrono::microseconds;

// The gateway counts the calls of the last second.
constexpr Millis k_window{1000};
// Calls reach the gateway with some jitter: aim a tenth below the rate a key showed.
constexpr long long k_margin_percent = 110;
constexpr Millis k_min_step{20};
// How far apart two calls' leases may be and still reach the gateway in the other order.
constexpr Millis k_reorder{50};
constexpr Millis k_max_interval{10000};
constexpr long long k_decrease_divisor = 200;
// The slow start ends here: past this many calls at a time, the interval alone paces the key.
constexpr int k_slow_start_cap = 16;
constexpr std::size_t k_max_sent = 256;

}  // namespace

Millis KeyPool::Impl::pace_of(const KeySlot& slot) const {
  return std::max(policy.min_interval, std::chrono::ceil<Millis>(slot.interval));
}

util::TimePoint KeyPool::Impl::next_slot(const KeySlot& slot, util::TimePoint now) const {
  if (!slot.last_scheduled) return now;
  return std::max(now, *slot.last_scheduled + pace_of(slot));
}

void KeyPool::Impl::note_sent(KeySlot& slot, util::TimePoint at) {
  slot.sent.push_back(at);
  // Only the last second counts (a little more is kept for calls reported late), and a rate past
  // k_max_sent a second needs no finer estimate: a busy key stays cheap to pace.
  while (!slot.sent.empty() &&
         (at - slot.sent.front() > 2 * k_window || slot.sent.size() > k_max_sent))
    slot.sent.pop_front();
}

namespace {

// Whether a call to be sent at `t` counts in the second of a refused call sent at `refused`, seen
// refused at `seen`. Calls leased a moment apart may reach the gateway in either order (one leased
// 2 ms after the refused one was seen accepted before it), so those within k_reorder after it count
// too: left out, the estimate halves and the key crawls at half its limit for minutes.
bool counts_with(util::TimePoint t, util::TimePoint refused, util::TimePoint seen) {
  return t <= seen && (t <= refused ? refused - t < k_window : t - refused <= k_reorder);
}

// The interval of a key whose gateway accepted `others` calls in one second, less the margin.
Micros interval_for(long long others) {
  return Micros(Micros(k_window).count() * k_margin_percent / 100 / std::max<long long>(1, others));
}

}  // namespace

void KeyPool::Impl::pace_refused(KeySlot& slot, util::TimePoint sent, util::TimePoint now) {
  slot.allowance = 0;  // the slow start is over: the interval says how fast from now on
  // The gateway did not count the refused call: neither does the estimate below.
  if (auto it = std::find(slot.sent.begin(), slot.sent.end(), sent); it != slot.sent.end())
    slot.sent.erase(it);
  if (slot.settled_after && sent <= *slot.settled_after) {
    pace_reestimate(slot, sent, now);
    return;
  }
  Micros slower = std::max(Micros(pace_of(slot)) * 5 / 4, Micros(k_min_step));
  if (!slot.paced) {
    // The first 23 of a regime: the calls this key sent in the second before the refused one
    // (the refused taken out) bound the gateway's limit, so start from that rate, not from 20 ms.
    auto others = std::count_if(slot.sent.begin(), slot.sent.end(), [&](util::TimePoint t) {
      return counts_with(t, sent, now);
    });
    slot.estimate = KeySlot::Estimate{sent, now, others};
    slower = std::max(slower, interval_for(others));
  }
  slot.interval = std::min(slower, Micros(k_max_interval));
  slot.settled_after = std::max(slot.last_scheduled.value_or(sent), sent + k_window);
  relay_schedule(slot, sent, now);
  // Every worker's refused call comes back: one line per key and change of regime.
  auto level = slot.paced ? spdlog::level::debug : spdlog::level::info;
  slot.paced = true;
  spdlog::log(level, "🐢 KTO 키 #{} {}: 초당 호출 한도(23) — 호출 간격을 {}ms로 늘립니다",
              slot.index, slot.state.preview, pace_of(slot).count());
}

// A 23 of a call scheduled before the last slowdown tells nothing that slowdown did not already
// know, unless the regime's estimate counted that call as accepted: two workers' calls sent
// together before the first 23 came back are often refused both, and counting the second makes the
// key run over its limit (at 2 a second, at 367 ms instead of 550) until two more slowdowns.
void KeyPool::Impl::pace_reestimate(KeySlot& slot, util::TimePoint sent, util::TimePoint now) {
  auto& e = slot.estimate;
  if (!e || !counts_with(sent, e->refused, e->seen) || e->others <= 1) {
    spdlog::debug("⏳ KTO 키 #{} {}: 초당 호출 한도(23) — 늦추기 전에 잡힌 호출", slot.index,
                  slot.state.preview);
    return;
  }
  --e->others;
  Micros slower = std::min(interval_for(e->others), Micros(k_max_interval));
  if (slower <= slot.interval) return;
  slot.interval = slower;
  relay_schedule(slot, e->refused, now);
  slot.settled_after = std::max(*slot.settled_after, *slot.last_scheduled);
  spdlog::debug("🐢 KTO 키 #{} {}: 초당 호출 한도(23) — 함께 거절된 호출이 있어 간격을 {}ms로 "
                "늘립니다",
                slot.index, slot.state.preview, pace_of(slot).count());
}

// Re-lays the schedule from the last call already gone (the refused one did not count): the calls
// still waiting take the next slots at the new pace (repace), in place of the ones they held,
// instead of queueing behind them and leaving those slots empty. Nor may it go before the
// gateway's second has room: after a burst, not until a second (and the margin) after the oldest
// call the gateway still counts.
void KeyPool::Impl::relay_schedule(KeySlot& slot, util::TimePoint refused, util::TimePoint now) {
  util::TimePoint gone = refused;
  std::optional<util::TimePoint> oldest_counted;
  for (util::TimePoint t : slot.sent) {
    if (t <= now && t > gone) gone = t;
    if (t <= refused && refused - t < k_window && (!oldest_counted || t < *oldest_counted))
      oldest_counted = t;
  }
  if (oldest_counted) {
    const Millis room = k_window * k_margin_percent / 100;  // the calls' jitter, as above
    gone = std::max(gone, *oldest_counted + room - pace_of(slot));
  }
  slot.last_scheduled = gone;
  ++slot.pace_epoch;
  slot.logged_interval = slot.interval;
}

void KeyPool::Impl::pace_succeeded(KeySlot& slot) {
  if (slot.allowance > 0 && ++slot.allowance > k_slow_start_cap) slot.allowance = 0;
  if (slot.interval <= Micros::zero()) return;
  slot.interval -= std::max(Micros(1), Micros(slot.interval.count() / k_decrease_divisor));
  if (slot.interval < Micros(k_min_step) || slot.interval <= Micros(policy.min_interval)) {
    slot.interval = Micros::zero();
    slot.paced = false;
    slot.estimate.reset();
    spdlog::debug("🐇 KTO 키 #{} {}: 초당 호출 한도에 여유가 있어 호출 간격 조절을 멈춥니다",
                  slot.index, slot.state.preview);
  } else if (slot.interval * 10 <= slot.logged_interval * 9) {
    slot.logged_interval = slot.interval;
    spdlog::debug("🐇 KTO 키 #{} {}: 호출 간격을 {}ms로 줄입니다", slot.index, slot.state.preview,
                  pace_of(slot).count());
  }
}

bool KeyPool::repace(KeyLease& lease) {
  auto& d = *m_impl;
  std::lock_guard lock(d.mutex);
  if (lease.index >= d.keys.size()) return false;
  auto& slot = d.keys[lease.index];
  if (slot.key != lease.key || lease.pace_epoch == slot.pace_epoch) return false;
  auto now = d.clock.now();
  if (auto it = std::find(slot.sent.begin(), slot.sent.end(), lease.not_before);
      it != slot.sent.end())
    slot.sent.erase(it);
  lease.not_before = d.next_slot(slot, now);
  lease.pace_epoch = slot.pace_epoch;
  slot.last_scheduled = lease.not_before;
  d.note_sent(slot, lease.not_before);
  spdlog::debug("⏳ KTO 키 #{} {}: 늦춘 간격에 맞춰 호출을 {}로 미룹니다", slot.index,
                slot.state.preview, util::format_hms_kst(lease.not_before));
  return true;
}

}  // namespace kto::keys
