// The real collector against the real kto-sim: every restaurant of the provinces asked for lands
// in the database (blank areacode or not), and the run spends exactly one call per page.
#include "integration/collect_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::e2e;

// 서울 1,001 (two pages, the last holding one item, sent as an object), 부산 350, 경기 exactly
// 1,000 (one full page, no second call), 제주 1 (an object item), 인천 40 (not a major region).
const std::map<std::string, int> k_major_sizes = {
    {"11", 1001}, {"26", 350}, {"41", 1000}, {"50", 1}, {"28", 40}};

TEST(CollectE2e, MajorStoresEveryRestaurantOfTheFourProvincesWithOneCallPerPage) {
  SimServer sim({{"dataset", dataset(k_major_sizes)}});
  auto cli = collector_for(sim, {k_good_key});
  auto stats = sim.stats();
  const std::vector<int> major = {1, 6, 31, 39};

  auto run = collect(cli, {"--mode", "major"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["status"], "success");

  auto rows = read_rows(cli);
  auto by_ldong = rows_by_ldong(rows);
  long long expected_rows = 0;
  for (int area : major) {
    std::string ldong = ldong_of(area);
    EXPECT_EQ(by_ldong[ldong], sim_count(stats, ldong)) << "lDongRegnCd " << ldong;
    expected_rows += sim_count(stats, ldong);
    EXPECT_EQ(run.report["areas"][std::to_string(area)]["collected"], sim_count(stats, ldong));
    EXPECT_EQ(run.report["areas"][std::to_string(area)]["complete"], true);
  }
  EXPECT_EQ(by_ldong.count("28"), 0u) << "인천 is not a major region";
  EXPECT_EQ(static_cast<long long>(rows.size()), expected_rows);
  EXPECT_EQ(run.report["records"], expected_rows);
  // The trap: items with a blank areacode are only found by lDongRegnCd. Every one of the major
  // provinces' is stored: the simulator's total less 인천's (asked after the run's figures).
  const long long blank = blank_areacode_rows(rows);
  EXPECT_GT(blank, expected_rows / 4);

  // 2 + 1 + 1 + 1 = 5 calls, all with the page size the service allows, none failing.
  const long long calls = expected_calls(stats, major, 1000);
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(static_cast<long long>(log.size()), calls);
  EXPECT_EQ(sim.stats()["calls"], calls) << "no planning or probe call either";
  EXPECT_EQ(run.report["api_calls"], calls);
  for (const auto& c : log) {
    EXPECT_TRUE(is_ok(c)) << c.dump();
    EXPECT_EQ(c["params"]["numOfRows"], "1000");
    EXPECT_EQ(c["params"]["contentTypeId"], "39");
    EXPECT_FALSE(c["params"].contains("areaCode")) << "areaCode loses the blank-areacode items";
  }
  expect_no_duplicate_success(log);

  auto incheon = sim.call(k_list_op, "oracle", "numOfRows=1000&pageNo=1&contentTypeId=39&lDongRegnCd=28");
  long long incheon_blank = 0;
  const auto incheon_doc = incheon.json();
  ASSERT_EQ(incheon_doc["response"]["body"]["totalCount"], sim_count(stats, "28"));
  for (const auto& item : incheon_doc["response"]["body"]["items"]["item"])
    incheon_blank += item["areacode"] == "" ? 1 : 0;
  EXPECT_EQ(blank, stats["dataset"]["restaurants_blank_areacode"].get<long long>() - incheon_blank);
}

TEST(CollectE2e, AllUsesOneNationalListingWhenThatIsCheaper) {
  SimServer sim({{"dataset", dataset(k_major_sizes)}});
  auto cli = collector_for(sim, {k_good_key});
  auto stats = sim.stats();
  const long long total = stats["dataset"]["restaurants"];

  auto run = collect(cli, {"--mode", "all"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["status"], "success");

  auto rows = read_rows(cli);
  EXPECT_EQ(static_cast<long long>(rows.size()), total);
  auto by_ldong = rows_by_ldong(rows);  // the province comes from lDongRegnCd when areacode is blank
  for (const auto& [ldong, n] : k_major_sizes) EXPECT_EQ(by_ldong[ldong], n) << ldong;
  EXPECT_EQ(blank_areacode_rows(rows), stats["dataset"]["restaurants_blank_areacode"].get<long long>());

  // ceil(2,392 / 1,000) = 3 national pages, where 17 provincial listings would cost 2+1+1+1+1+12.
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(static_cast<long long>(log.size()), pages_for(total, 1000));
  EXPECT_LT(pages_for(total, 1000), expected_calls(stats, {1, 2, 3, 4, 5, 6, 7, 8, 31, 32, 33, 34,
                                                           35, 36, 37, 38, 39}, 1000));
  for (const auto& c : log) EXPECT_FALSE(c["params"].contains("lDongRegnCd")) << c.dump();
  EXPECT_EQ(run.report["api_calls"], pages_for(total, 1000));
  expect_no_duplicate_success(log);
}

TEST(CollectE2e, RegionsCollectsOnlyTheProvincesAsked) {
  SimServer sim({{"dataset", dataset(k_major_sizes)}});
  auto cli = collector_for(sim, {k_good_key});
  auto stats = sim.stats();

  auto run = collect(cli, {"--mode", "regions", "--regions", "1,6,31"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto by_ldong = rows_by_ldong(read_rows(cli));
  EXPECT_EQ(by_ldong, (std::map<std::string, long long>{
                          {"11", sim_count(stats, "11")}, {"26", sim_count(stats, "26")},
                          {"41", sim_count(stats, "41")}}));
  // 2 + 1 + 1 = 4.
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(static_cast<long long>(log.size()), expected_calls(stats, {1, 6, 31}, 1000));
  std::set<std::string> asked;
  for (const auto& c : log) asked.insert(c["params"].value("lDongRegnCd", std::string()));
  EXPECT_EQ(asked, (std::set<std::string>{"11", "26", "41"}));
}

TEST(CollectE2e, ListModeMakesNoCall) {
  SimServer sim({{"dataset", dataset({{"11", 3}})}});
  auto cli = collector_for(sim, {k_good_key});
  auto r = cli.run({"--mode", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "서울")) << r.out;
  EXPECT_TRUE(contains(r.out, "39")) << r.out;
  EXPECT_EQ(sim.stats()["calls"], 0);
  EXPECT_TRUE(sim.request_log().empty());
}

// Page size 100 with numbers sent as strings: 서울 201 (three pages, the last one item as an
// object), 부산 exactly 100 (one page), 경기 none (items ""), 제주 1.
TEST(CollectE2e, SmallPagesCostOneCallEachWhateverTheirShape) {
  SimServer sim({{"dataset", dataset({{"11", 201}, {"26", 100}, {"41", 0}, {"50", 1}})},
                 {"numbers_as_strings", true}});
  auto cli = collector_for(sim, {k_good_key});
  auto stats = sim.stats();

  auto run = collect(cli, {"--mode", "major", "--page-size", "100"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["status"], "success");
  auto rows = read_rows(cli);
  EXPECT_EQ(static_cast<long long>(rows.size()), stats["dataset"]["restaurants"].get<long long>());
  auto by_ldong = rows_by_ldong(rows);
  EXPECT_EQ(by_ldong["11"], 201);
  EXPECT_EQ(by_ldong["50"], 1);
  EXPECT_EQ(run.report["areas"]["31"]["complete"], true);
  EXPECT_EQ(run.report["areas"]["31"]["total_count"], 0);

  // 3 + 1 + 1 + 1 = 6.
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(static_cast<long long>(log.size()), expected_calls(stats, {1, 6, 31, 39}, 100));
  EXPECT_EQ(static_cast<long long>(log.size()), 6);
  std::map<PageId, long long> items;
  for (const auto& c : log) items[page_of(c)] = c["items"];
  EXPECT_EQ(items[(PageId{"11", 3, 100})], 1);
  EXPECT_EQ(items[(PageId{"41", 1, 100})], 0);
  EXPECT_EQ(items.count(PageId{"26", 2, 100}), 0u) << "a full last page needs no extra call";
  expect_no_duplicate_success(log);
}

TEST(CollectE2e, SecondRunSameDayUpdatesRowsAndKeepsFirstSeen) {
  SimServer sim({{"dataset", dataset({{"11", 150}, {"26", 20}, {"50", 1}})}});
  auto cli = collector_for(sim, {k_good_key});
  auto stats = sim.stats();
  const long long total = stats["dataset"]["restaurants"];

  auto first = collect(cli, {"--mode", "major", "--page-size", "100"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto before = read_rows(cli);
  ASSERT_EQ(static_cast<long long>(before.size()), total);
  const std::size_t first_calls = list_calls(sim.request_log()).size();

  auto second = collect(cli, {"--mode", "major", "--page-size", "100"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.report["run_id"], first.report["run_id"]) << "a new run, not a resume";
  EXPECT_EQ(second.report["inserted"], 0);
  // The same data again: every row seen (last_seen_at moves), none changed.
  EXPECT_EQ(second.report["updated"], 0);
  EXPECT_EQ(second.report["unchanged"], total);
  auto after = read_rows(cli);
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [id, row] : after) {
    ASSERT_TRUE(before.count(id)) << id;
    EXPECT_EQ(row.first_seen_at, before.at(id).first_seen_at) << id;
    EXPECT_GE(row.last_seen_at, before.at(id).last_seen_at) << id;
  }
  // The same pages again: 2 + 1 + 1 + 1 (경기 is empty) each time.
  auto log = list_calls(sim.request_log());
  EXPECT_EQ(first_calls, static_cast<std::size_t>(expected_calls(stats, {1, 6, 31, 39}, 100)));
  EXPECT_EQ(log.size(), 2 * first_calls);
  expect_no_duplicate_success(list_calls(sim.request_log(), first_calls));
}

}  // namespace
