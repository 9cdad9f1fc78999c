// Details that survive what nights bring, through the real binary against kto-sim (issue 17): a
// kill -9 mid-details loses at most what was in flight, 20 % faults still complete, items the
// service edited are fetched again before the backlog, and the nightly line keeps up.
#include <signal.h>

#include "integration/details_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::details;

TEST(DetailsReliability, KillNineMidDetailsThenARerunCompletes) {
  SimServer sim({{"dataset", detail_dataset(240, 0)}, {"latency_ms", {{"min", 20}, {"max", 20}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  {
    CommandOptions options;
    options.cwd = cli.dir();
    options.env = cli.env();
    Child run({KTO_COLLECTOR_BIN, "details", "--details", "common"}, options);
    ASSERT_TRUE(wait_until([&] { return details_fetched(cli, "common") >= 30; }))
        << run.drain_stderr();
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait(), 128 + SIGKILL);
  }
  const long long saved = details_fetched(cli, "common");
  ASSERT_LT(saved, 240) << "the kill came after the last item";
  auto rerun = cli.run_json({"details", "--details", "common"});
  EXPECT_EQ(rerun["status"], "success");
  EXPECT_EQ(rerun["details_pending"], 0);
  EXPECT_EQ(details_fetched(cli, "common"), 240);
  auto stats = sim.stats();
  EXPECT_EQ(detail_distinct(stats, "detailCommon2"), 240);
  // Fetched twice at most: the calls in flight and the batch being written when the process died
  // (concurrency 4 with two keys, a batch of at most 8).
  EXPECT_LE(detail_repeated(stats, "detailCommon2"), 12);
  EXPECT_EQ(rerun["details"]["common"]["calls"].get<long long>(), 240 - saved);
}

TEST(DetailsReliability, TwentyPercentFaultsStillComplete) {
  SimServer sim({{"dataset", detail_dataset(80, 0)},
                 {"faults", {{"rate", 0.2},
                             {"kinds", {"http500", "html502", "empty", "truncated", "reset"}},
                             {"operations", {"detailCommon2", "detailIntro2"}}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto run = collect(cli, {"collect", "--mode", "regions", "--regions", "1", "--details"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["details_pending"], 0);
  EXPECT_EQ(run.report["details"]["common"]["failed"], 0);
  EXPECT_GT(run.report["details"]["common"]["calls"].get<long long>(), 80) << "faults were retried";
  auto stats = sim.stats();
  EXPECT_EQ(detail_distinct(stats, "detailCommon2"), 80);
  EXPECT_EQ(detail_distinct(stats, "detailIntro2"), 80);
  EXPECT_EQ(details_fetched(cli, "intro"), 80);
}

TEST(DetailsReliability, ChangedItemsAreFetchedAgainBeforeTheBacklog) {
  SimServer sim({{"dataset", detail_dataset(60, 0)}});
  auto cli = collector_for(sim, {k_good_key});
  ASSERT_EQ(collect(cli, {"--mode", "regions", "--regions", "1"}).exit_code, 0);
  // 20 items get details; 40 stay in the backlog.
  ASSERT_EQ(cli.run_json({"details", "--details", "common", "--budget", "20"})["details_pending"], 40);
  std::vector<std::string> done;
  for (const auto& id : detail_ids(sim.request_log(), "detailCommon2")) done.push_back(id);
  ASSERT_EQ(done.size(), 20u);
  const std::vector<std::string> edited = {done[3], done[11], done[17]};
  sim.control({{"touch", edited}});
  const std::size_t before = sim.request_log().size();

  // The nightly line: the increment sees the edits, and the details take them first.
  auto night = collect(cli, {"collect", "--since", "last", "--details", "common", "--budget", "3"});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  auto refetched = detail_ids(sim.request_log(), "detailCommon2", before);
  std::sort(refetched.begin(), refetched.end());
  auto expected = edited;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(refetched, expected);
  EXPECT_EQ(night.report["details_pending"], 40);

  // The next nights work down the backlog; nothing already current is asked again.
  auto next = collect(cli, {"collect", "--since", "last", "--details", "common"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.report["details"]["common"]["calls"], 40);
  EXPECT_EQ(next.report["details_pending"], 0);
  auto stats = sim.stats();
  EXPECT_EQ(detail_distinct(stats, "detailCommon2"), 60);
  EXPECT_EQ(detail_repeated(stats, "detailCommon2"), 3) << "only the edited items twice";
}

}  // namespace
