#pragma once
// The time seam: every rule of the key pool (10 minutes, 1 hour, 30 minutes, KST midnight) and every
// back-off reads time and waits through a Clock, so tests advance a FakeClock instead of sleeping.
#include <atomic>
#include <chrono>

namespace kto::util {

using SysClock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<SysClock, std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Waits; a fake clock advances itself instead, so back-off is tested without sleeping.
  virtual void sleep_for(Millis duration) const = 0;
  // Monotonic time for measuring durations (response times); fakes return now().
  virtual TimePoint steady_now() const { return now(); }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
  void sleep_for(Millis duration) const override;
  TimePoint steady_now() const override;
};

// Thread-safe fake for tests: time moves only when told, or when someone "sleeps".
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : m_now(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(Millis(m_now.load())); }
  void sleep_for(Millis duration) const override { m_now += duration.count(); }
  void advance(Millis duration) { m_now += duration.count(); }
  void set(TimePoint t) { m_now = t.time_since_epoch().count(); }

 private:
  mutable std::atomic<long long> m_now;
};

const Clock& system_clock();

}  // namespace kto::util
