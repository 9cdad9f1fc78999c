// write_metrics: the Prometheus textfile a nightly run leaves for node_exporter.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <variant>

#include "kto/api/operations.hpp"
#include "kto/cli/metrics.hpp"
#include "kto/util/time.hpp"

namespace {

namespace fs = std::filesystem;
using kto::collect::CollectReport;

const std::vector<std::string> k_keys = {"metricsAAAASECRETPARTzero+zero/zero==",
                                         "metricsBBBBSECRETPARTone+one/one=="};

kto::util::TimePoint kst(const std::string& iso) { return *kto::util::parse_iso8601(iso + "+09:00"); }

class CliMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir = fs::temp_directory_path() /
          ("kto-metrics-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir);
    path = dir / "kto.prom";
    auto opened = kto::keys::KeyPool::open(k_keys, {}, clock, std::nullopt);
    ASSERT_TRUE(opened.ok());
    pool = std::move(*opened);
    // Three successful list calls, spread over the keys by the round-robin.
    for (int i = 0; i < 3; ++i) {
      auto lease = std::get<kto::keys::KeyLease>(pool->acquire(kto::api::k_list_operation));
      pool->report(lease, kto::api::k_list_operation, {kto::keys::KeyOutcomeKind::success, "OK"});
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  CollectReport report(kto::store::RunStatus status, kto::ExitCode code) const {
    CollectReport r;
    r.status = status;
    r.exit_code = code;
    r.records = 1234;
    r.api_calls = 3;
    r.started_at = "2026-11-25T02:00:00+09:00";
    r.finished_at = "2026-11-25T02:01:30+09:00";
    return r;
  }

  std::string write(const CollectReport& r) {
    auto ok = kto::cli::write_metrics(path, r, *pool, clock);
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static bool has(const std::string& text, const std::string& line) {
    return text.find(line) != std::string::npos;
  }

  kto::util::FakeClock clock{kst("2026-11-25T02:01:30")};
  fs::path dir, path;
  std::unique_ptr<kto::keys::KeyPool> pool;
};

TEST_F(CliMetrics, SuccessfulRunWritesEveryMetricWithHelpAndType) {
  auto text = write(report(kto::store::RunStatus::success, kto::ExitCode::ok));
  for (const char* name :
       {"kto_keys_total", "kto_keys_usable", "kto_keys_health_percentage", "kto_key_calls_total",
        "kto_run_records", "kto_run_api_calls", "kto_run_status", "kto_run_exit_code",
        "kto_run_last_success_timestamp_seconds", "kto_run_duration_seconds"}) {
    EXPECT_TRUE(has(text, std::string("# HELP ") + name + " ")) << name;
    EXPECT_TRUE(has(text, std::string("# TYPE ") + name + " ")) << name;
  }
  EXPECT_TRUE(has(text, "kto_keys_total 2\n")) << text;
  EXPECT_TRUE(has(text, "kto_keys_usable 2\n")) << text;
  EXPECT_TRUE(has(text, "kto_keys_health_percentage 100\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_records 1234\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_status{status=\"success\"} 1\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_status{status=\"partial\"} 0\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_exit_code 0\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_duration_seconds 90\n")) << text;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch());
  EXPECT_TRUE(has(text, "kto_run_last_success_timestamp_seconds " + std::to_string(now.count()) +
                            "\n"))
      << text;
}

TEST_F(CliMetrics, KeyCallsAreLabelledByIndexAndPreviewNeverTheRawKey) {
  auto text = write(report(kto::store::RunStatus::success, kto::ExitCode::ok));
  EXPECT_TRUE(
      has(text, "kto_key_calls_total{key=\"#0 metricsAAA...\",operation=\"areaBasedList2\"} 2\n"))
      << text;
  EXPECT_TRUE(
      has(text, "kto_key_calls_total{key=\"#1 metricsBBB...\",operation=\"areaBasedList2\"} 1\n"))
      << text;
  for (const auto& key : k_keys) EXPECT_FALSE(has(text, key));
}

TEST_F(CliMetrics, FailedRunKeepsThePreviousLastSuccessTime) {
  write(report(kto::store::RunStatus::success, kto::ExitCode::ok));
  auto first = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch());
  clock.advance(std::chrono::hours(24));
  auto text = write(report(kto::store::RunStatus::partial, kto::ExitCode::partial));
  EXPECT_TRUE(has(text, "kto_run_status{status=\"partial\"} 1\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_status{status=\"success\"} 0\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_exit_code 4\n")) << text;
  EXPECT_TRUE(has(text, "kto_run_last_success_timestamp_seconds " + std::to_string(first.count()) +
                            "\n"))
      << text;
}

TEST_F(CliMetrics, FailedFirstRunHasNoLastSuccessTime) {
  auto text = write(report(kto::store::RunStatus::no_keys, kto::ExitCode::no_keys));
  EXPECT_FALSE(has(text, "kto_run_last_success_timestamp_seconds")) << text;
  EXPECT_TRUE(has(text, "kto_run_exit_code 3\n")) << text;
}

TEST_F(CliMetrics, FileIsWorldReadableAndLeavesNoTemporaryFile) {
  write(report(kto::store::RunStatus::success, kto::ExitCode::ok));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

}  // namespace
