#include "kto/util/clock.hpp"

#include <thread>

namespace kto::util {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<Millis>(SysClock::now());
}

void SystemClock::sleep_for(Millis duration) const { std::this_thread::sleep_for(duration); }

TimePoint SystemClock::steady_now() const {
  // Only differences of this value are meaningful; it never jumps with the wall clock.
  auto since = std::chrono::steady_clock::now().time_since_epoch();
  return TimePoint(std::chrono::duration_cast<Millis>(since));
}

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace kto::util
