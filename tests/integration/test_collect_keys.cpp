// The real collector's key handling against kto-sim's gateway: bad keys are passed over after one
// call, a key pasted in its "Encoding" form works, a spent quota moves the run to the next key,
// and a run stopped by spent quotas finishes on the next day with only the missing pages.
#include "integration/collect_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::e2e;

const std::vector<int> k_major = {1, 6, 31, 39};

nlohmann::json key_spec(const std::string& status, int quota = 1000) {
  return {{"status", status}, {"daily_quota", quota}};
}

long long errors_of(const std::vector<nlohmann::json>& calls) {
  long long n = 0;
  for (const auto& c : calls) n += is_ok(c) ? 0 : 1;
  return n;
}

// Exactly one line of the collector's own (the rest of stderr is the log).
long long collector_lines(const std::string& err) {
  long long n = 0;
  std::size_t at = 0;
  while ((at = err.find("collector: ", at)) != std::string::npos) ++n, ++at;
  return n;
}

TEST(CollectKeys, BadKeysFirstAreCalledOnceAndTheGoodKeyDoesTheRun) {
  SimServer sim({{"dataset", dataset({{"11", 120}, {"26", 30}, {"41", 5}, {"50", 1}})},
                 {"keys", {{k_unregistered_key, key_spec("unregistered")},
                           {k_expired_key, key_spec("expired")},
                           {k_good_key, key_spec("valid")}}}});
  auto cli = collector_for(sim, {k_unregistered_key, k_expired_key, k_good_key});
  auto stats = sim.stats();

  auto run = collect(cli, {"--mode", "major", "--page-size", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["status"], "success");
  EXPECT_EQ(static_cast<long long>(read_rows(cli).size()), stats["dataset"]["restaurants"].get<long long>());

  // 2 + 1 + 1 + 1 pages on the good key; one 30 and one 31, then the bad keys rest.
  auto log = list_calls(sim.request_log());
  const long long pages = expected_calls(stats, k_major, 100);
  EXPECT_EQ(calls_with_key(log, k_good_key), pages);
  EXPECT_EQ(calls_with_key(log, k_unregistered_key), 1);
  EXPECT_EQ(calls_with_key(log, k_expired_key), 1);
  EXPECT_EQ(static_cast<long long>(log.size()), pages + 2);
  EXPECT_EQ(run.report["api_calls"], pages + 2);
  EXPECT_EQ(sim.stats()["by_outcome"].value("error:30", 0), 1);
  EXPECT_EQ(sim.stats()["by_outcome"].value("error:31", 0), 1);
  expect_no_duplicate_success(log);
}

TEST(CollectKeys, KeyPastedUrlEncodedIsSentEncodedOnce) {
  const std::string raw = "encoded12+SECRET/part+more/xyz0123456789==";
  const std::string pasted = "encoded12%2BSECRET%2Fpart%2Bmore%2Fxyz0123456789%3D%3D";
  SimServer sim({{"dataset", dataset({{"11", 150}, {"50", 2}})},
                 {"keys", {{raw, key_spec("valid")}}}});
  auto cli = collector_for(sim, {pasted});
  auto stats = sim.stats();

  auto run = collect(cli, {"--mode", "major", "--page-size", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto log = list_calls(sim.request_log());
  // 2 + 1 (부산, empty) + 1 (경기, empty) + 1: every one with the raw key, as decoded by the gateway.
  EXPECT_EQ(static_cast<long long>(log.size()), expected_calls(stats, k_major, 100));
  EXPECT_EQ(calls_with_key(log, raw), static_cast<long long>(log.size()));
  EXPECT_EQ(errors_of(log), 0);
  EXPECT_EQ(static_cast<long long>(read_rows(cli).size()), 152);
  expect_absent(cli.dir(), raw, {run.err, run.report.dump()});
}

TEST(CollectKeys, OnlyBadKeysExitThreeWithOneClearLine) {
  SimServer sim({{"dataset", dataset({{"11", 50}, {"26", 50}})},
                 {"keys", {{k_unregistered_key, key_spec("unregistered")},
                           {k_expired_key, key_spec("expired")}}}});
  auto cli = collector_for(sim, {k_unregistered_key, k_expired_key});

  auto r = cli.run({"--mode", "major"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(collector_lines(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "collector: 사용 가능한 KTO API 키가 없습니다")) << r.err;
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(calls_with_key(log, k_unregistered_key), 1);
  EXPECT_EQ(calls_with_key(log, k_expired_key), 1);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_TRUE(read_rows(cli).empty());
}

// 서울 250, 부산 100, 경기 150, 제주 1 at 100 a page: 3 + 1 + 2 + 1 = 7 pages.
nlohmann::json quota_dataset() { return dataset({{"11", 250}, {"26", 100}, {"41", 150}, {"50", 1}}); }

TEST(CollectKeys, SpentQuotaSwitchesToTheNextKey) {
  SimServer sim({{"dataset", quota_dataset()},
                 {"keys", {{k_good_key, key_spec("valid", 2)}, {k_good_key2, key_spec("valid")}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto stats = sim.stats();

  auto run = collect(cli, {"--mode", "major", "--page-size", "100", "--concurrency", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(static_cast<long long>(read_rows(cli).size()), 501);
  // The first key: its 2 pages and one 22; the second key: the other 5 pages.
  auto log = list_calls(sim.request_log());
  const long long pages = expected_calls(stats, k_major, 100);
  EXPECT_EQ(calls_with_key(log, k_good_key), 3);
  EXPECT_EQ(calls_with_key(log, k_good_key2), pages - 2);
  EXPECT_EQ(sim.stats()["by_outcome"].value("error:22", 0), 1);
  EXPECT_EQ(static_cast<long long>(log.size()), pages + 1);
  expect_no_duplicate_success(log);
}

TEST(CollectKeys, ConfiguredDailyLimitStopsBeforeTheGatewayRefuses) {
  SimServer sim({{"dataset", quota_dataset()}, {"daily_quota", 2}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  cli.env()["KTO_API_DAILY_LIMIT"] = "2";

  auto run = collect(cli, {"--mode", "major", "--page-size", "100"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.report["status"], "no_keys");
  // Two calls a key, none refused: the pool knew the limit.
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(calls_with_key(log, k_good_key), 2);
  EXPECT_EQ(calls_with_key(log, k_good_key2), 2);
  EXPECT_EQ(errors_of(log), 0);
}

TEST(CollectKeys, AllQuotasSpentExitsThreeAndNextDayResumeFetchesOnlyMissingPages) {
  SimServer sim({{"dataset", quota_dataset()},
                 {"keys", {{k_good_key, key_spec("valid", 2)}, {k_good_key2, key_spec("valid", 2)}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto stats = sim.stats();
  const long long pages = expected_calls(stats, k_major, 100);

  auto first = collect(cli, {"--mode", "major", "--page-size", "100", "--concurrency", "1"});
  EXPECT_EQ(first.exit_code, 3) << first.err;
  EXPECT_EQ(first.report["status"], "no_keys");
  // Each key: 2 pages, then one 22.
  auto day1 = list_calls(sim.request_log());
  EXPECT_EQ(calls_with_key(day1, k_good_key), 3);
  EXPECT_EQ(calls_with_key(day1, k_good_key2), 3);
  EXPECT_EQ(errors_of(day1), 2);
  long long stored = 0;
  for (const auto& c : day1) stored += is_ok(c) ? c["items"].get<long long>() : 0;
  EXPECT_EQ(static_cast<long long>(read_rows(cli).size()), stored) << "the 4 pages are saved";
  EXPECT_EQ(checkpointed_pages(cli, first.report["run_id"]).size(), 4u);

  // The next day: the gateway's counters and the pool's are back.
  sim.control({{"reset_quotas", true}});
  move_key_state_to_next_day(cli);
  auto second = collect(cli, {"--resume"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.report["status"], "success");
  EXPECT_EQ(second.report["run_id"], first.report["run_id"]);
  auto day2 = list_calls(sim.request_log());
  day2.erase(day2.begin(), day2.begin() + static_cast<long>(day1.size()));
  EXPECT_EQ(static_cast<long long>(day2.size()), pages - 4) << "only the 3 missing pages";
  EXPECT_EQ(errors_of(day2), 0);
  expect_no_duplicate_success(list_calls(sim.request_log()));
  EXPECT_EQ(static_cast<long long>(read_rows(cli).size()), stats["dataset"]["restaurants"].get<long long>());
}

}  // namespace
