// The key pool's state in PostgreSQL through the real binary (issue 18): working folders that
// share a database share the keys' counts and states. `status` in one folder shows what a collect
// in another spent; `keys deactivate` in one stops a running collect in another; no JSON state
// file is written. Needs KTO_TEST_PG_URL (scripts/pg_test_cluster.sh): unset, the tests skip
// saying why, and fail instead when KTO_TEST_PG_REQUIRED=1 (CI).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "integration/collect_support.hpp"
#include "integration/pg_cli_support.hpp"

namespace {

using namespace kto::test::pg;
using namespace kto::test;
using namespace kto::test::e2e;

class PgKeysCli : public PgSchemaTest {};

TEST_F(PgKeysCli, StatusInAnotherFolderShowsTheCallsACollectMadeAndNoStateFileIsWritten) {
  SimServer sim({{"dataset", dataset({{"11", 230}, {"26", 120}})}});
  auto host_a = collector_for(sim, {k_good_key, k_good_key2});
  auto host_b = collector_for(sim, {k_good_key, k_good_key2});
  auto run = collect(host_a, {"collect", "--mode", "regions", "--regions", "1,6", "--page-size",
                              "50", "--db", url()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const long long made = run.report["api_calls"].get<long long>();
  ASSERT_GT(made, 0);
  EXPECT_FALSE(std::filesystem::exists(host_a.dir() / "data" / "cache" / "api_key_cache.json"));

  auto status = host_b.run_json({"status", "--db", url()});
  ASSERT_TRUE(status.is_object());
  long long seen = 0;
  for (const auto& key : status["keys"]) seen += key["usage_by_operation"].value(k_list_op, 0LL);
  EXPECT_EQ(seen, made);  // host B's folder never called: these are host A's calls
  EXPECT_FALSE(std::filesystem::exists(host_b.dir() / "data" / "cache" / "api_key_cache.json"));
  // The operator's change made in B is what A sees.
  ASSERT_EQ(host_b.run({"keys", "deactivate", "#1", "--reason", "점검", "--db", url()}).exit_code, 0);
  auto listed = host_a.run_json({"keys", "list", "--db", url()});
  ASSERT_TRUE(listed.is_object() || listed.is_array()) << listed;
  auto again = host_a.run_json({"status", "--db", url()});
  EXPECT_EQ(again["keys"][1]["is_active"], false);
  EXPECT_EQ(again["keys"][1]["deactivated_by"], "operator");
  EXPECT_EQ(again["keys"][1]["deactivation_reason"], "점검");
}

TEST_F(PgKeysCli, KeysDeactivateInOneFolderStopsACollectInAnother) {
  SimServer sim({{"dataset", dataset({{"11", 3000}})}, {"latency_ms", {{"min", 150}, {"max", 150}}}});
  auto collecting = collector_for(sim, {k_good_key});
  auto operator_host = collector_for(sim, {k_good_key});
  CommandOptions options;
  options.cwd = collecting.dir();
  options.env = collecting.env();
  Child run({KTO_COLLECTOR_BIN, "collect", "--mode", "regions", "--regions", "1", "--page-size",
             "10", "--concurrency", "2", "--db", url()},
            options);
  ASSERT_TRUE(wait_until([&] { return list_calls(sim.request_log()).size() >= 3; }))
      << run.drain_stderr();
  auto off = operator_host.run({"keys", "deactivate", "#0", "--reason", "키 유출", "--db", url()});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  const std::size_t at_deactivation = list_calls(sim.request_log()).size();
  const int code = run.wait();
  EXPECT_EQ(code, 3) << run.drain_stderr();  // no usable key: checkpointed, resumable
  // Only the calls already on their way when the key was disabled were made after it.
  const std::size_t total = list_calls(sim.request_log()).size();
  EXPECT_LE(total, at_deactivation + 2);
  EXPECT_LT(total, 300u);  // 300 pages in all: the run did not go on
}

}  // namespace

// A host moves from SQLite to PostgreSQL mid-day: the calls its state file counted and the key its
// operator turned off are in the database from the first command on, and the file is left as is.
TEST_F(PgKeysCli, AHostMovedToPostgresqlBringsTodaysCallsAndItsOperatorsChanges) {
  SimServer sim({{"dataset", dataset({{"11", 230}})}});
  auto host = collector_for(sim, {k_good_key, k_good_key2});
  ASSERT_EQ(host.run({"keys", "deactivate", "#1", "--reason", "점검"}).exit_code, 0);
  auto before = collect(host, {"collect", "--mode", "regions", "--regions", "1", "--page-size", "50"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  const long long made = before.report["api_calls"].get<long long>();
  ASSERT_GT(made, 0);
  const auto file = host.dir() / "data" / "cache" / "api_key_cache.json";
  ASSERT_TRUE(std::filesystem::exists(file));
  const auto written = std::filesystem::last_write_time(file);

  auto status = host.run_json({"status", "--db", url()});
  ASSERT_TRUE(status.is_object()) << status;
  EXPECT_EQ(status["keys"][0]["usage_by_operation"].value(k_list_op, 0LL), made);
  EXPECT_EQ(status["keys"][1]["is_active"], false);
  EXPECT_EQ(status["keys"][1]["deactivated_by"], "operator");
  EXPECT_EQ(status["keys"][1]["deactivation_reason"], "점검");
  EXPECT_EQ(std::filesystem::last_write_time(file), written);
  // The database's calls go on from there.
  auto after = collect(host, {"collect", "--mode", "regions", "--regions", "1", "--page-size", "50",
                              "--db", url()});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  auto again = host.run_json({"status", "--db", url()});
  EXPECT_EQ(again["keys"][0]["usage_by_operation"].value(k_list_op, 0LL),
            made + after.report["api_calls"].get<long long>());
}
