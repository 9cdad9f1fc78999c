#include "fetch_workers.hpp"

namespace kto::collect::detail {

FetchWorkers::FetchWorkers(int threads, Fetch fetch) : m_fetch(std::move(fetch)) {
  for (int i = 0; i < threads; ++i) m_threads.emplace_back([this] { loop(); });
}

FetchWorkers::~FetchWorkers() {
  {
    std::lock_guard lock(m_mutex);
    m_closing = true;
    m_queue.clear();
  }
  m_work_cv.notify_all();
  for (auto& t : m_threads) t.join();
}

void FetchWorkers::submit(const PageTask& task) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(task);
  }
  m_work_cv.notify_one();
}

void FetchWorkers::loop() {
  for (;;) {
    PageTask task;
    {
      std::unique_lock lock(m_mutex);
      m_work_cv.wait(lock, [this] { return m_closing || !m_queue.empty(); });
      if (m_closing) return;
      task = m_queue.front();
      m_queue.pop_front();
      ++m_inflight;
    }
    auto result = m_fetch(task);
    {
      std::lock_guard lock(m_mutex);
      --m_inflight;
      m_done.push_back({task, std::move(result)});
    }
    m_done_cv.notify_one();
  }
}

std::optional<FetchDone> FetchWorkers::next() {
  std::unique_lock lock(m_mutex);
  m_done_cv.wait(lock, [this] {
    return !m_done.empty() || (m_queue.empty() && m_inflight == 0);
  });
  if (m_done.empty()) return std::nullopt;
  FetchDone done = std::move(m_done.front());
  m_done.pop_front();
  return done;
}

void FetchWorkers::take_done(std::vector<FetchDone>& out, std::size_t max) {
  std::lock_guard lock(m_mutex);
  while (out.size() < max && !m_done.empty()) {
    out.push_back(std::move(m_done.front()));
    m_done.pop_front();
  }
}

std::vector<PageTask> FetchWorkers::drop_queued() {
  std::lock_guard lock(m_mutex);
  std::vector<PageTask> dropped(m_queue.begin(), m_queue.end());
  m_queue.clear();
  return dropped;
}

std::size_t FetchWorkers::outstanding() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size() + m_inflight + m_done.size();
}

}  // namespace kto::collect::detail
