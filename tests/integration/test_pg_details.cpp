// Details on PostgreSQL through the real binary against kto-sim (issue 18): `collect --details`
// stores and exports what SQLite does; two `collector details` processes with working folders of
// their own divide the pending items of one database (each item fetched once, both working); one
// killed with -9 leaves its claimed items to the other once its lease (KTO_DETAIL_LEASE) runs out.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "integration/details_support.hpp"
#include "integration/pg_cli_support.hpp"

namespace {

using namespace kto::test::pg;
using namespace kto::test;
using namespace kto::test::details;

nlohmann::json report_of(Child& child) {
  const std::string out = child.drain_stdout();
  auto doc = nlohmann::json::parse(out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << out << child.drain_stderr();
  return doc;
}

class PgDetails : public PgSchemaTest {
 protected:
  long long count(const std::string& sql) {
    auto r = psql(url(), sql);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 && !r.out.empty() ? std::stoll(r.out) : -1;
  }
  // Two `collector details` processes (two hosts: separate folders) at once on this database;
  // both must end 0. Their --json reports.
  std::pair<nlohmann::json, nlohmann::json> details_side_by_side(CliRunner& first,
                                                                 CliRunner& second) {
    auto a = start_details(first, "5m");
    auto b = start_details(second, "5m");
    EXPECT_EQ(a->wait(), 0) << a->drain_stderr();
    EXPECT_EQ(b->wait(), 0) << b->drain_stderr();
    return {report_of(*a), report_of(*b)};
  }
  // A `collector details --json` process of cli on this test's database.
  std::unique_ptr<Child> start_details(CliRunner& cli, const std::string& lease) {
    cli.env()["KTO_DETAIL_LEASE"] = lease;
    return cli.start({"details", "--details", "common,intro", "--json", "--db", url()});
  }
};

}  // namespace

TEST_F(PgDetails, CollectWithDetailsStoresAndExportsWhatSqliteDoes) {
  SimServer sim({{"dataset", detail_dataset(40, 20)}});
  auto on_pg = collector_for(sim, {k_good_key});
  auto on_sqlite = collector_for(sim, {k_good_key});
  const std::vector<std::string> args{"collect", "--mode", "all", "--details", "common,intro,images"};
  auto pg_args = args;
  pg_args.insert(pg_args.end(), {"--db", url()});
  auto pg_run = collect(on_pg, pg_args);
  ASSERT_EQ(pg_run.exit_code, 0) << pg_run.err;
  EXPECT_EQ(pg_run.report["details_pending"], 0);
  auto sqlite_run = collect(on_sqlite, args);
  ASSERT_EQ(sqlite_run.exit_code, 0) << sqlite_run.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurant_details WHERE common_fetched_at IS NOT NULL"), 60);
  for (const std::string format : {"csv", "jsonl"}) {
    const auto texts = export_both(on_pg, on_sqlite, format, url());
    ASSERT_NE(texts.pg.find("opentimefood"), std::string::npos);
    EXPECT_TRUE(without_times(texts.pg) == without_times(texts.sqlite)) << format << " exports differ";
  }
}

TEST_F(PgDetails, TwoProcessesOnOneDatabaseFetchEachItemOnceAndBothWork) {
  SimServer sim({{"dataset", detail_dataset(120, 0)}, {"latency_ms", {{"min", 5}, {"max", 15}}}});
  auto first = collector_for(sim, {k_good_key});
  auto second = collector_for(sim, {k_good_key2});
  ASSERT_EQ(collect(first, {"collect", "--mode", "regions", "--regions", "1", "--db", url()}).exit_code, 0);
  const auto [ra, rb] = details_side_by_side(first, second);
  auto stats = sim.stats();
  for (const std::string op : {"detailCommon2", "detailIntro2"}) {
    EXPECT_EQ(detail_distinct(stats, op), 120) << op;
    EXPECT_EQ(detail_repeated(stats, op), 0) << op;
  }
  EXPECT_GT(ra["details"]["common"]["fetched"].get<long long>(), 0) << ra.dump();
  EXPECT_GT(rb["details"]["common"]["fetched"].get<long long>(), 0) << rb.dump();
  EXPECT_EQ(ra["details"]["common"]["fetched"].get<long long>() +
                rb["details"]["common"]["fetched"].get<long long>(),
            120);
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurant_details WHERE intro_fetched_at IS NOT NULL"), 120);
  EXPECT_EQ(count("SELECT COUNT(*) FROM detail_claims"), 0);  // every claim given back
}

TEST_F(PgDetails, AProcessKilledMidRunLeavesItsItemsToTheOther) {
  SimServer sim({{"dataset", detail_dataset(150, 0)}, {"latency_ms", {{"min", 20}, {"max", 20}}}});
  auto first = collector_for(sim, {k_good_key});
  auto second = collector_for(sim, {k_good_key2});
  ASSERT_EQ(collect(first, {"collect", "--mode", "regions", "--regions", "1", "--db", url()}).exit_code, 0);
  auto victim = start_details(first, "3s");
  // Frozen while it holds claims, then killed: a process that has just written its chunk holds
  // none until its next claim (its claims go with its writes), and a kill then would show nothing.
  bool holding = false;
  for (int tries = 0; tries < 100 && !holding; ++tries) {
    ASSERT_TRUE(wait_until([&] { return count("SELECT COUNT(*) FROM detail_claims") > 0; }))
        << victim->drain_stderr();
    victim->signal(SIGSTOP);
    holding = count("SELECT COUNT(*) FROM detail_claims") > 0;
    if (!holding) victim->signal(SIGCONT);
  }
  ASSERT_TRUE(holding);
  victim->signal(SIGKILL);
  EXPECT_EQ(victim->wait(), 128 + SIGKILL);
  const long long orphaned = count("SELECT COUNT(*) FROM detail_claims");
  EXPECT_GT(orphaned, 0) << "the killed process held claims";
  auto survivor = start_details(second, "3s");
  EXPECT_EQ(survivor->wait(), 0) << survivor->drain_stderr();
  const auto report = report_of(*survivor);
  EXPECT_EQ(report["details_pending"], 0) << report.dump();
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurant_details WHERE common_fetched_at IS NOT NULL "
                  "AND intro_fetched_at IS NOT NULL"),
            150);
  EXPECT_EQ(count("SELECT COUNT(*) FROM detail_claims"), 0);
  // Only what was in flight when the victim died is fetched twice.
  EXPECT_LE(detail_repeated(sim.stats(), "detailCommon2"), 12);
}

// The check of the shared quota and the shared work together: two hosts (separate working
// folders, no state file between them) with the same two keys of limit 50 make exactly 100 calls
// of each operation between them, each item once, both doing work; the rest stays pending.
TEST_F(PgDetails, TwoProcessesSharingTwoKeysOfFiftyMakeExactlyOneHundredCallsPerOperation) {
  SimServer sim({{"dataset", detail_dataset(180, 0)}, {"latency_ms", {{"min", 5}, {"max", 15}}}});
  auto first = collector_for(sim, {k_good_key, k_good_key2});
  auto second = collector_for(sim, {k_good_key, k_good_key2});
  first.env()["KTO_API_DAILY_LIMIT"] = "50";
  second.env()["KTO_API_DAILY_LIMIT"] = "50";
  ASSERT_EQ(collect(first, {"collect", "--mode", "regions", "--regions", "1", "--db", url()}).exit_code, 0);
  const auto [ra, rb] = details_side_by_side(first, second);
  auto stats = sim.stats();
  for (const std::string op : {"detailCommon2", "detailIntro2"}) {
    EXPECT_EQ(op_calls(stats, op), 100) << op;
    EXPECT_EQ(detail_distinct(stats, op), 100) << op;
    EXPECT_EQ(detail_repeated(stats, op), 0) << op;
  }
  for (const auto* report : {&ra, &rb}) {
    EXPECT_GT((*report)["details"]["common"]["fetched"].get<long long>(), 0) << report->dump();
    EXPECT_GT((*report)["details"]["intro"]["fetched"].get<long long>(), 0) << report->dump();
  }
  EXPECT_EQ(ra["details"]["common"]["fetched"].get<long long>() +
                rb["details"]["common"]["fetched"].get<long long>(),
            100);
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurant_details WHERE common_fetched_at IS NOT NULL"), 100);
  EXPECT_EQ(count("SELECT SUM(calls) FROM key_usage WHERE operation = 'detailCommon2'"), 100);
}

// `collect --details` lets go of the listing's lock once its listing is stored: the details are
// divided by claims, so another host's listing is not refused (5) for as long as they take.
TEST_F(PgDetails, ACollectsDetailsDoNotKeepAnotherHostsListingOut) {
  SimServer sim({{"dataset", detail_dataset(400, 0)}, {"latency_ms", {{"min", 30}, {"max", 30}}}});
  auto first = collector_for(sim, {k_good_key});
  auto second = collector_for(sim, {k_good_key2});
  auto running = first.start({"collect", "--mode", "regions", "--regions", "1", "--details",
                              "common,intro", "--json", "--db", url()});
  // The tables appear when the collector has migrated the new schema; then its details claim items.
  ASSERT_TRUE(wait_until([&] {
    return count("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND "
                 "tablename = 'detail_claims'") > 0 &&
           count("SELECT COUNT(*) FROM detail_claims") > 0;
  })) << running->drain_stderr();
  auto listing = collect(second, {"collect", "--mode", "regions", "--regions", "1", "--db", url()});
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_TRUE(running->running()) << "the details ended before the second listing: nothing shown";
  EXPECT_EQ(running->wait(), 0) << running->drain_stderr();
  EXPECT_EQ(report_of(*running)["details_pending"], 0);
}
