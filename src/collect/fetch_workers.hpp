#pragma once
// Fetching workers: a fixed number of threads take page tasks from a queue and hand results back
// to the one writer. At most one page per worker is in flight, so memory does not grow with the
// number of records.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "kto/api/client.hpp"
#include "scope_state.hpp"

namespace kto::collect::detail {

struct FetchDone {
  PageTask task;
  api::FetchResult result;
};

// How many pages may be in flight at once: one until a page comes back, then twice as many after
// each page received, up to the concurrency. With untested or bad keys at the head of the list
// (or a service that is down) the run finds out with one call instead of one call per worker:
// the key pool hands the same bad key to every worker until its first answer is reported.
class FlightLimit {
 public:
  void set_max(int concurrency) { m_max = std::max(1, concurrency); }
  bool room(std::size_t in_flight) const { return in_flight < static_cast<std::size_t>(m_limit); }
  void widen() { m_limit = std::min(m_max, m_limit * 2); }
  int limit() const { return m_limit; }

 private:
  int m_max = 1;
  int m_limit = 1;
};

class FetchWorkers {
 public:
  using Fetch = std::function<api::FetchResult(const PageTask&)>;

  FetchWorkers(int threads, Fetch fetch);
  ~FetchWorkers();
  FetchWorkers(const FetchWorkers&) = delete;
  FetchWorkers& operator=(const FetchWorkers&) = delete;

  void submit(const PageTask& task);
  // Blocks until a result arrives; nullopt when nothing is queued or in flight.
  std::optional<FetchDone> next();
  // Moves results already waiting (up to `max` in all in `out`) without blocking.
  void take_done(std::vector<FetchDone>& out, std::size_t max);
  // Drops tasks not yet started (a stop or no keys); tasks in flight still report.
  std::vector<PageTask> drop_queued();
  std::size_t outstanding() const;

 private:
  void loop();

  Fetch m_fetch;
  mutable std::mutex m_mutex;
  std::condition_variable m_work_cv;
  std::condition_variable m_done_cv;
  std::deque<PageTask> m_queue;
  std::deque<FetchDone> m_done;
  std::size_t m_inflight = 0;
  bool m_closing = false;
  std::vector<std::thread> m_threads;
};

}  // namespace kto::collect::detail
