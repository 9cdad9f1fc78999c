#pragma once
// Fetching workers: a fixed number of threads take tasks from a queue, perform them, and hand
// what came back to the one writer. They know nothing of what a task is (a listing page, one
// item's details): the kind of work gives the task type, the answer type and how to perform one.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace kto::collect::detail {

// A performed task and its answer. A task that threw has a default answer and the exception,
// which the writer rethrows on its own thread: a worker thread must not end the process.
template <typename Task, typename Answer>
struct Done {
  Task task;
  Answer answer;
  std::exception_ptr error;
};

template <typename Task, typename Answer>
class FetchWorkers {
 public:
  using Perform = std::function<Answer(const Task&)>;
  using Finished = Done<Task, Answer>;

  FetchWorkers(int threads, Perform perform) : m_perform(std::move(perform)) {
    for (int i = 0; i < threads; ++i) m_threads.emplace_back([this] { loop(); });
  }
  ~FetchWorkers() {
    {
      std::lock_guard lock(m_mutex);
      m_closing = true;
      m_queue.clear();
    }
    m_work_cv.notify_all();
    for (auto& t : m_threads) t.join();
  }
  FetchWorkers(const FetchWorkers&) = delete;
  FetchWorkers& operator=(const FetchWorkers&) = delete;

  void submit(const Task& task) {
    {
      std::lock_guard lock(m_mutex);
      m_queue.push_back(task);
    }
    m_work_cv.notify_one();
  }

  // Blocks until an answer arrives; nullopt when nothing is queued or in flight.
  std::optional<Finished> next() {
    std::unique_lock lock(m_mutex);
    m_done_cv.wait(lock, [this] { return !m_done.empty() || (m_queue.empty() && m_inflight == 0); });
    if (m_done.empty()) return std::nullopt;
    Finished done = std::move(m_done.front());
    m_done.pop_front();
    return done;
  }

  // Moves answers already waiting (up to `max` in all in `out`) without blocking.
  void take_done(std::vector<Finished>& out, std::size_t max) {
    std::lock_guard lock(m_mutex);
    while (out.size() < max && !m_done.empty()) {
      out.push_back(std::move(m_done.front()));
      m_done.pop_front();
    }
  }

  // Drops tasks not yet started (a halt); tasks in flight still report.
  std::vector<Task> drop_queued() {
    std::lock_guard lock(m_mutex);
    std::vector<Task> dropped(m_queue.begin(), m_queue.end());
    m_queue.clear();
    return dropped;
  }

  // Tasks queued, in flight, or back and not yet taken.
  std::size_t outstanding() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size() + m_inflight + m_done.size();
  }

 private:
  void loop() {
    for (;;) {
      Task task;
      {
        std::unique_lock lock(m_mutex);
        m_work_cv.wait(lock, [this] { return m_closing || !m_queue.empty(); });
        if (m_closing) return;
        task = m_queue.front();
        m_queue.pop_front();
        ++m_inflight;
      }
      Finished done{task, Answer{}, nullptr};
      try {
        done.answer = m_perform(task);
      } catch (...) {
        done.error = std::current_exception();
      }
      {
        std::lock_guard lock(m_mutex);
        --m_inflight;
        m_done.push_back(std::move(done));
      }
      m_done_cv.notify_one();
    }
  }

  Perform m_perform;
  mutable std::mutex m_mutex;
  std::condition_variable m_work_cv;
  std::condition_variable m_done_cv;
  std::deque<Task> m_queue;
  std::deque<Finished> m_done;
  std::size_t m_inflight = 0;
  bool m_closing = false;
  std::vector<std::thread> m_threads;
};

}  // namespace kto::collect::detail
