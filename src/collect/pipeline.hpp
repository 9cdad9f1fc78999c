#pragma once
// The machinery every kind of work shares: workers performing tasks, the flight limit, one writer
// (the calling thread) writing answers in batches, the halt on a stop or on the work's own word,
// and a progress report after each batch. A kind of work (the listing's pages; an item's details)
// only plans its tasks, performs one, and writes what came back.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <vector>

#include "fetch_workers.hpp"
#include "kto/util/clock.hpp"

namespace kto::collect::detail {

// How many tasks may be in flight at once: one until a task comes back answered, then twice as
// many after each answer, up to the concurrency. With untested or bad keys at the head of the list
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

// One kind of work. The pipeline calls every member on the writer's thread except perform.
template <typename Task, typename Answer>
class Work {
 public:
  using Finished = Done<Task, Answer>;
  virtual ~Work() = default;

  // The next task to send, now marked as sent; nullopt when none is ready (answers still to come
  // may make more).
  virtual std::optional<Task> next_task() = 0;
  // Performs one task on a worker thread, beside others: it may only read what the writer leaves
  // alone. Answer must be default-constructible.
  virtual Answer perform(const Task& task) = 0;
  // An answer just back, before it is written (the listing learns a scope's size here, so the
  // next pages go out while this one is written). Returns whether it succeeded, which widens the
  // flight limit.
  virtual bool arrived(const Finished& done) = 0;
  // Writes a batch (one transaction, if the work wants one), in the order the answers arrived.
  // Failed answers come too: the work reports them.
  virtual void write(std::vector<Finished>& batch) = 0;
  // Whether the work wants no more tasks sent (no usable key, a fatal error).
  virtual bool must_halt() const = 0;
  // A task sent but never performed: the pipeline halted before a worker took it.
  virtual void dropped(const Task& task) = 0;
  // After each batch: seconds since the run began, for an estimate (eta_seconds).
  virtual void progress(double elapsed_seconds) = 0;
};

// The seconds left at the pace so far: `done` units in `elapsed` seconds, `left` to go; -1 when
// nothing was done yet or nothing is left.
inline double eta_seconds(double elapsed, long long done, long long left) {
  if (done <= 0 || left <= 0) return -1;
  return elapsed / static_cast<double>(done) * static_cast<double>(left);
}

class Pipeline {
 public:
  // Answers written in one batch at most: those waiting when the writer gets to them.
  static constexpr std::size_t k_max_batch = 8;

  // stop: set by a signal handler; the work's tasks should watch it too, so a task hanging or in
  // back-off ends at once.
  Pipeline(const util::Clock& clock, const std::atomic<bool>& stop,
           std::size_t max_batch = k_max_batch)
      : m_clock(clock), m_stop(stop), m_max_batch(std::max<std::size_t>(1, max_batch)) {}

  // Runs `work` on `concurrency` workers until no task is left or in flight. A pipeline may run
  // several works (or phases) in turn: keys proven by one stay proven (the flight limit), and a
  // halt holds for the rest of the job. A task that threw is rethrown here once the workers end.
  template <typename Task, typename Answer>
  void run(Work<Task, Answer>& work, int concurrency);

  bool halted() const { return m_halted; }
  // Whether the halt came from the stop flag (a signal), not from the work.
  bool interrupted() const { return m_interrupted; }

 private:
  template <typename Task, typename Answer>
  void dispatch(Work<Task, Answer>& work, FetchWorkers<Task, Answer>& workers);
  template <typename Task, typename Answer>
  void halt(Work<Task, Answer>& work, FetchWorkers<Task, Answer>& workers);
  template <typename Task, typename Answer>
  void rethrow_errors(const std::vector<Done<Task, Answer>>& batch);

  const util::Clock& m_clock;
  const std::atomic<bool>& m_stop;
  std::size_t m_max_batch;
  FlightLimit m_flight;
  bool m_halted = false;
  bool m_interrupted = false;
  // Answers taken for one batch beyond the first: they still count against the flight limit, so
  // memory stays at most one answer above the concurrency.
  std::size_t m_held = 0;
};

template <typename Task, typename Answer>
void Pipeline::run(Work<Task, Answer>& work, int concurrency) {
  const util::TimePoint start = m_clock.steady_now();
  m_flight.set_max(concurrency);
  FetchWorkers<Task, Answer> workers(concurrency,
                                     [&work](const Task& task) { return work.perform(task); });
  dispatch(work, workers);
  std::vector<Done<Task, Answer>> batch;
  while (auto done = workers.next()) {
    batch.push_back(std::move(*done));
    // Answers that arrived while the last ones were written share one batch.
    workers.take_done(batch, m_max_batch);
    rethrow_errors(batch);
    m_held = batch.size() - 1;
    for (const auto& d : batch)
      if (work.arrived(d)) m_flight.widen();
    // What the answers told is sent before they are written, so the network never waits for the
    // disk.
    dispatch(work, workers);
    work.write(batch);
    // The written answers go now, not when the next one arrives: their buffers then serve the
    // tasks dispatched below, and no more than the concurrency + 1 answers are ever alive.
    batch.clear();
    m_held = 0;
    if (m_stop.load() || work.must_halt()) {
      m_interrupted = m_stop.load();
      halt(work, workers);
    }
    dispatch(work, workers);
    const std::chrono::duration<double> elapsed = m_clock.steady_now() - start;
    work.progress(elapsed.count());
  }
}

template <typename Task, typename Answer>
void Pipeline::dispatch(Work<Task, Answer>& work, FetchWorkers<Task, Answer>& workers) {
  if (m_halted) return;
  while (m_flight.room(workers.outstanding() + m_held)) {
    auto task = work.next_task();
    if (!task) return;
    workers.submit(*task);
  }
}

template <typename Task, typename Answer>
void Pipeline::halt(Work<Task, Answer>& work, FetchWorkers<Task, Answer>& workers) {
  m_halted = true;
  for (const auto& task : workers.drop_queued()) work.dropped(task);
}

template <typename Task, typename Answer>
void Pipeline::rethrow_errors(const std::vector<Done<Task, Answer>>& batch) {
  for (const auto& d : batch) {
    if (!d.error) continue;
    // A programming error: nothing more is sent, and the workers finish what they hold while the
    // exception unwinds (their destructor joins them).
    m_halted = true;
    std::rethrow_exception(d.error);
  }
}

}  // namespace kto::collect::detail
