// The generic pipeline on its own, with a trivial kind of work (tasks are numbers): the flight
// limit, batches written in the order answers arrived, the halt, and a failing task. No service,
// no database, no sleeping: the work's hooks record what the pipeline did.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "collect/pipeline.hpp"
#include "kto/util/clock.hpp"

using namespace kto;
using collect::detail::Pipeline;

namespace {

struct Answer {
  int task = 0;
  bool ok = false;
};

// Tasks 1..count. Performing one advances the fake clock by a second; writing records the batch.
class NumberWork final : public collect::detail::Work<int, Answer> {
 public:
  NumberWork(int count, int concurrency, util::FakeClock& clock)
      : m_count(count), m_concurrency(concurrency), m_clock(clock) {}

  int failing = 0;                  // this task's answer is a failure
  bool every_answer_fails = false;
  int throwing = 0;                 // this task throws
  int halt_after_written = 0;       // must_halt once this many are written (0: never)
  std::atomic<bool>* stop_after_first_write = nullptr;
  bool wait_for_performed = false;  // write() returns once every task sent was performed

  std::optional<int> next_task() override {
    if (m_halt_seen) calls_after_halt++;
    if (m_sent == m_count) return std::nullopt;
    // What the pipeline may have alive before sending one more: the flight limit, plus the answer
    // the writer is holding while it sends what that answer told.
    if (m_sent - written_count() > limit()) flight_violations++;
    ++m_sent;
    max_alive = std::max(max_alive, m_sent - written_count());
    return m_sent;
  }

  Answer perform(const int& task) override {
    int now = ++m_performing;
    int seen = max_performing.load();
    while (now > seen && !max_performing.compare_exchange_weak(seen, now)) {
    }
    m_clock.advance(std::chrono::seconds(1));
    if (task == throwing) {
      --m_performing;
      throw std::runtime_error("task " + std::to_string(task) + " broke");
    }
    --m_performing;
    {
      std::lock_guard lock(m_mutex);
      ++m_performed;
    }
    m_performed_cv.notify_all();
    return {task, !every_answer_fails && task != failing};
  }

  bool arrived(const Finished& done) override {
    arrival_order.push_back(done.task);
    if (done.answer.ok) ++m_successes;
    return done.answer.ok;
  }

  void write(std::vector<Finished>& batch) override {
    std::vector<int> tasks;
    for (const auto& done : batch) {
      tasks.push_back(done.task);
      if (!done.answer.ok) errors.push_back("task " + std::to_string(done.task) + " failed");
    }
    batches.push_back(tasks);
    if (stop_after_first_write) stop_after_first_write->store(true);
    if (wait_for_performed) {
      std::unique_lock lock(m_mutex);
      m_performed_cv.wait(lock, [this] { return m_performed == m_sent; });
    }
  }

  bool must_halt() const override {
    bool halt = halt_after_written > 0 && written_count() >= halt_after_written;
    if (halt) m_halt_seen = true;
    return halt;
  }
  void dropped(const int& task) override { dropped_tasks.push_back(task); }
  void progress(double elapsed_seconds) override { elapsed.push_back(elapsed_seconds); }

  std::vector<int> written() const {
    std::vector<int> out;
    for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
    return out;
  }
  int written_count() const { return static_cast<int>(written().size()); }
  int sent() const { return m_sent; }

  std::vector<int> arrival_order;
  std::vector<std::vector<int>> batches;
  std::vector<int> dropped_tasks;
  std::vector<std::string> errors;
  std::vector<double> elapsed;
  int flight_violations = 0;
  int calls_after_halt = 0;
  int max_alive = 0;
  std::atomic<int> max_performing{0};

 private:
  int limit() const { return std::min(m_concurrency, 1 << std::min(m_successes, 20)); }

  int m_count;
  int m_concurrency;
  util::FakeClock& m_clock;
  int m_sent = 0;
  int m_successes = 0;
  mutable bool m_halt_seen = false;
  std::atomic<int> m_performing{0};
  std::mutex m_mutex;
  std::condition_variable m_performed_cv;
  int m_performed = 0;
};

std::vector<int> one_to(int n) {
  std::vector<int> out(static_cast<std::size_t>(n));
  std::iota(out.begin(), out.end(), 1);
  return out;
}

std::vector<int> sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class PipelineTest : public ::testing::Test {
 protected:
  util::FakeClock m_clock{util::TimePoint{}};
  std::atomic<bool> m_stop{false};
};

}  // namespace

TEST_F(PipelineTest, RunsEveryTaskOnceAndWritesItsAnswer) {
  NumberWork work(40, 4, m_clock);
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 4);
  EXPECT_EQ(sorted(work.written()), one_to(40));
  EXPECT_TRUE(work.dropped_tasks.empty());
  EXPECT_TRUE(work.errors.empty());
  EXPECT_FALSE(pipeline.halted());
  EXPECT_FALSE(pipeline.interrupted());
}

TEST_F(PipelineTest, FlightLimitDoublesWithEachSuccessUpToTheConcurrency) {
  NumberWork work(40, 4, m_clock);
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 4);
  EXPECT_EQ(work.flight_violations, 0);
  // Once two answers succeeded, every round fills the limit: the concurrency plus the answer the
  // writer holds, and never more.
  EXPECT_EQ(work.max_alive, 4 + 1);
  EXPECT_LE(work.max_performing.load(), 4);
}

TEST_F(PipelineTest, WithoutASuccessOnlyOneTaskIsPerformedAtATime) {
  // Every answer fails (a bad key, a service that is down): one task at a time, whatever the
  // number of workers, so a bad key costs one call and not one per worker.
  NumberWork work(12, 6, m_clock);
  work.every_answer_fails = true;
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 6);
  EXPECT_EQ(work.max_performing.load(), 1);
  EXPECT_EQ(work.flight_violations, 0);
  EXPECT_EQ(work.errors.size(), 12u);  // each failure reached the writer
  EXPECT_EQ(sorted(work.written()), one_to(12));
}

TEST_F(PipelineTest, BatchesAreWrittenInTheOrderAnswersArrivedAndNoLargerThanTheMaximum) {
  NumberWork work(30, 4, m_clock);
  work.wait_for_performed = true;  // answers pile up while the writer writes
  Pipeline pipeline(m_clock, m_stop, 3);
  pipeline.run(work, 4);
  EXPECT_EQ(work.written(), work.arrival_order);
  EXPECT_EQ(sorted(work.written()), one_to(30));
  for (const auto& batch : work.batches) {
    EXPECT_FALSE(batch.empty());
    EXPECT_LE(batch.size(), 3u);
  }
}

TEST_F(PipelineTest, OneWorkerWritesTasksInTheOrderTheyWereSent) {
  NumberWork work(15, 1, m_clock);
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 1);
  EXPECT_EQ(work.written(), one_to(15));
}

TEST_F(PipelineTest, HaltByTheWorkSendsNothingMoreAndWritesWhatWasInFlight) {
  NumberWork work(20, 4, m_clock);
  work.halt_after_written = 1;
  work.wait_for_performed = true;  // tasks 2 and 3, sent after task 1's answer, are done
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 4);
  EXPECT_EQ(work.sent(), 3);
  EXPECT_EQ(work.calls_after_halt, 0);
  EXPECT_EQ(sorted(work.written()), one_to(3));  // performed, so written
  EXPECT_TRUE(work.dropped_tasks.empty());
  EXPECT_TRUE(pipeline.halted());
  EXPECT_FALSE(pipeline.interrupted());  // the work's word, not a signal
}

TEST_F(PipelineTest, StopFlagHaltsForTheRestOfTheJobAndEveryTaskSentIsWrittenOrDropped) {
  NumberWork work(20, 4, m_clock);
  work.stop_after_first_write = &m_stop;
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 4);
  EXPECT_TRUE(pipeline.halted());
  EXPECT_TRUE(pipeline.interrupted());
  EXPECT_EQ(work.sent(), 3);  // task 1, then the two its success let out
  std::vector<int> accounted = work.written();
  accounted.insert(accounted.end(), work.dropped_tasks.begin(), work.dropped_tasks.end());
  EXPECT_EQ(sorted(accounted), one_to(3));

  // A later phase of the same job sends nothing.
  NumberWork later(5, 4, m_clock);
  pipeline.run(later, 4);
  EXPECT_EQ(later.sent(), 0);
  EXPECT_TRUE(later.written().empty());
}

TEST_F(PipelineTest, AFailedTaskIsReportedToTheWriterAndTheOthersGoOn) {
  NumberWork work(10, 4, m_clock);
  work.failing = 3;
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 4);
  EXPECT_EQ(work.errors, std::vector<std::string>{"task 3 failed"});
  EXPECT_EQ(sorted(work.written()), one_to(10));
  EXPECT_FALSE(pipeline.halted());
}

TEST_F(PipelineTest, ATaskThatThrowsIsRethrownOnTheWritersThread) {
  NumberWork work(10, 4, m_clock);
  work.throwing = 2;
  Pipeline pipeline(m_clock, m_stop);
  try {
    pipeline.run(work, 4);
    ADD_FAILURE() << "run() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "task 2 broke");
  }
  EXPECT_TRUE(pipeline.halted());
  auto written = work.written();
  EXPECT_EQ(std::count(written.begin(), written.end(), 2), 0);
}

TEST_F(PipelineTest, ProgressAfterEachBatchWithTheTimeSinceTheRunBegan) {
  NumberWork work(8, 2, m_clock);
  Pipeline pipeline(m_clock, m_stop);
  pipeline.run(work, 2);
  ASSERT_EQ(work.elapsed.size(), work.batches.size());
  EXPECT_TRUE(std::is_sorted(work.elapsed.begin(), work.elapsed.end()));
  EXPECT_DOUBLE_EQ(work.elapsed.back(), 8.0);  // each task advanced the fake clock a second
}

TEST(PipelineEta, ThePaceSoFarTimesWhatIsLeft) {
  EXPECT_DOUBLE_EQ(collect::detail::eta_seconds(10.0, 5, 10), 20.0);
  EXPECT_LT(collect::detail::eta_seconds(10.0, 0, 10), 0);  // nothing done yet: unknown
  EXPECT_LT(collect::detail::eta_seconds(10.0, 5, 0), 0);   // nothing left
}
