// The real collector killed with SIGKILL while pages are in flight, then `collect --resume`: every
// restaurant ends up stored once, and no page checkpointed before the kill is fetched again.
#include <signal.h>

#include "integration/collect_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::e2e;

TEST(CollectResume, KilledRunResumesWithoutRefetchingSavedPages) {
  // 9 + 5 + 8 + 1 = 23 pages of 100; every answer takes 40 ms, so the kill lands mid-run with
  // pages in flight (at most 4: two keys).
  SimServer sim({{"dataset", dataset({{"11", 900}, {"26", 500}, {"41", 750}, {"50", 99}})},
                 {"latency_ms", {{"min", 40}, {"max", 40}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto stats = sim.stats();
  const long long pages = expected_calls(stats, {1, 6, 31, 39}, 100);

  {
    CommandOptions options;
    options.cwd = cli.dir();
    options.env = cli.env();
    Child run({KTO_COLLECTOR_BIN, "--mode", "major", "--page-size", "100"}, options);
    ASSERT_TRUE(wait_until([&] { return count_checkpoints(cli) >= 4; }))
        << "no page was saved: " << run.drain_stderr();
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait(), 128 + SIGKILL);
  }
  const auto saved = checkpointed_pages(cli, 1);
  const std::size_t calls_before = list_calls(sim.request_log()).size();
  ASSERT_GE(saved.size(), 4u);
  ASSERT_LT(static_cast<long long>(saved.size()), pages) << "the kill came after the last page";
  const std::size_t rows_before = read_rows(cli).size();

  auto resumed = collect(cli, {"collect", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.report["status"], "success");
  EXPECT_EQ(resumed.report["run_id"], 1);

  auto rows = read_rows(cli);
  EXPECT_EQ(static_cast<long long>(rows.size()), stats["dataset"]["restaurants"].get<long long>());
  EXPECT_GE(rows.size(), rows_before);
  rows_by_ldong(rows);  // each row's area_code

  // The resumed run asks exactly for the pages not saved, each once.
  auto all = list_calls(sim.request_log());
  std::vector<nlohmann::json> after(all.begin() + static_cast<long>(calls_before), all.end());
  EXPECT_EQ(static_cast<long long>(after.size()), pages - static_cast<long long>(saved.size()));
  for (const auto& c : after) {
    EXPECT_TRUE(is_ok(c)) << c.dump();
    EXPECT_EQ(saved.count(page_of(c)), 0u) << "refetched a saved page: " << c.dump();
  }
  expect_no_duplicate_success(after);
  // Over both runs: every page, plus at most the pages that were in flight at the kill.
  std::set<PageId> fetched;
  for (const auto& c : all) fetched.insert(page_of(c));
  EXPECT_EQ(static_cast<long long>(fetched.size()), pages);
  EXPECT_EQ(checkpointed_pages(cli, 1).size(), static_cast<std::size_t>(pages));
}

}  // namespace
