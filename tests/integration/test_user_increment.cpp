// Issue 16, "data that silently goes stale", through the real collector against kto-sim:
// - the README's nightly line (`collect --resume --since last`, no --mode) after a nationwide
//   collection covers every province the database holds, not the default four;
// - items the service withdrew (showflag 0, sent without lDong* codes, so no query by lDongRegnCd
//   sees them) end hidden in whatever province they are stored, read with one national query a day;
// - the first night, with no successful run to increment from, collects fully instead of exiting 2.
// The service's change between two nights is a second simulator with the same seed and data set
// whose "withdrawn" restaurants are hidden (sim/scenario.hpp).
#include <fstream>
#include <sstream>

#include "integration/collect_support.hpp"
#include "kto/util/clock.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::e2e;

std::string today_kst() { return kto::util::kst_compact_date(kto::util::SystemClock().now()); }

long long calls_of(const SimServer& sim, const std::string& operation) {
  auto stats = sim.stats();
  const auto& by_op = stats["by_operation"];
  return by_op.contains(operation) ? by_op[operation].get<long long>() : 0;
}

// Six provinces, three of them outside `major`; the changed items carry today's date so that
// `--since last` after a run today reads them.
nlohmann::json scenario(int withdrawn) {
  nlohmann::json data = dataset({{"11", 400}, {"26", 200}, {"41", 300}, {"51", 150}, {"47", 120},
                                 {"50", 100}});
  data["modified_recent"] = {{"ratio", 0.05}, {"date", today_kst()}};
  data["withdrawn"] = withdrawn;
  return {{"dataset", data}};
}

// The items of a JSON listing answer: "" (none), one object or an array.
std::vector<nlohmann::json> items_of(const HttpGet& answer) {
  auto body = nlohmann::json::parse(answer.body)["response"]["body"];
  std::vector<nlohmann::json> out;
  if (!body["items"].is_object()) return out;
  const auto& item = body["items"]["item"];
  if (item.is_array())
    for (const auto& i : item) out.push_back(i);
  else
    out.push_back(item);
  return out;
}

// Today's changed restaurants as the sync list gives them, nationally or for one lDongRegnCd.
std::vector<nlohmann::json> changed_today(const SimServer& sim, const std::string& ldong = "") {
  std::string query = "contentTypeId=39&numOfRows=1000&pageNo=1&modifiedtime=" + today_kst();
  if (!ldong.empty()) query += "&lDongRegnCd=" + ldong;
  return items_of(sim.call("areaBasedSyncList2", "any-key-0123456789", query));
}

std::string text_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string collector_logs(const CliRunner& cli) {
  std::string all;
  for (const auto& log : cli.logs("collector_")) all += text_of(log);
  return all;
}

struct StoredRow {
  int area_code = 0;
  std::string ldong, title;
  int hidden = 0;
};

std::map<std::string, StoredRow> stored_rows(const CliRunner& cli) {
  std::map<std::string, StoredRow> out;
  ReadDb db(db_path(cli));
  for (auto& r : db.query("SELECT contentid, area_code, ldong_regn_cd, title, hidden FROM "
                          "restaurants"))
    out[r[0]] = {std::stoi(r[1]), r[2], r[3], std::stoi(r[4])};
  return out;
}

// The rows each province's report line must count: a shown item by its own codes, a hidden one
// under its stored row's province (or, never stored, its areacode).
std::map<int, long long> expected_areas(const std::vector<nlohmann::json>& changed,
                                        const std::map<std::string, StoredRow>& before) {
  std::map<int, long long> out;
  for (const auto& item : changed) {
    auto stored = before.find(item["contentid"].get<std::string>());
    int area = item["showflag"] == "0" && stored != before.end()
                   ? stored->second.area_code
                   : kto::api::derive_area_code(item["areacode"].get<std::string>(),
                                                item["lDongRegnCd"].get<std::string>(), 0);
    ++out[area];
  }
  return out;
}

// The nationwide first night, then the service withdraws restaurants of every province.
class NightAfterNationwide : public ::testing::Test {
 protected:
  void SetUp() override {
    auto full = collect(m_cli, {"--mode", "all"});
    ASSERT_EQ(full.exit_code, 0) << full.err;
    ASSERT_EQ(full.report["stored"], m_first.stats()["dataset"]["restaurants"]);
    m_before = stored_rows(m_cli);
    m_cli.env()["KTO_API_BASE_URL"] = m_next.base_url();
    const auto next_stats = m_next.stats();
    for (const auto& id : next_stats["dataset"]["withdrawn"]) m_withdrawn.push_back(id);
    ASSERT_EQ(m_withdrawn.size(), 12u);
  }

  // The withdrawn items lie in several provinces, outside `major` too, and a query by their
  // province's lDongRegnCd (what increments used to send) never returns them.
  void expect_withdrawn_invisible_by_province() {
    std::set<int> areas;
    for (const auto& id : m_withdrawn) {
      ASSERT_EQ(m_before.count(id), 1u) << id << " was not stored by the full run";
      const StoredRow& row = m_before.at(id);
      areas.insert(row.area_code);
      for (const auto& item : changed_today(m_next, row.ldong))
        EXPECT_NE(item["contentid"], id) << "a provincial query shows withdrawn " << id;
    }
    EXPECT_GE(areas.size(), 6u);
    EXPECT_TRUE(areas.count(32) && areas.count(35)) << "강원 and 경북 are outside major";
    std::set<std::string> national;
    for (const auto& item : changed_today(m_next))
      if (item["showflag"] == "0") {
        EXPECT_EQ(item["lDongRegnCd"], "") << item.dump();
        national.insert(item["contentid"].get<std::string>());
      }
    for (const auto& id : m_withdrawn) EXPECT_EQ(national.count(id), 1u) << id;
  }

  // Every withdrawn row is hidden and kept what it knew: its province, codes and title.
  void expect_withdrawn_hidden() {
    auto after = stored_rows(m_cli);
    for (const auto& id : m_withdrawn) {
      const StoredRow& row = after.at(id);
      EXPECT_EQ(row.hidden, 1) << id;
      EXPECT_EQ(row.area_code, m_before.at(id).area_code) << id;
      EXPECT_EQ(row.ldong, m_before.at(id).ldong) << id;
      EXPECT_EQ(row.title, m_before.at(id).title) << id;
    }
  }

  SimServer m_first{scenario(0)};
  SimServer m_next{scenario(12)};
  CliRunner m_cli = collector_for(m_first, {k_good_key});
  std::map<std::string, StoredRow> m_before;
  std::vector<std::string> m_withdrawn;
};

TEST_F(NightAfterNationwide, TheNightlyLineCoversEveryProvinceWithOneNationalCallADay) {
  expect_withdrawn_invisible_by_province();
  const auto changed = changed_today(m_next);
  const std::string day_before = today_kst();
  m_next.reset_stats();

  auto night = collect(m_cli, {"collect", "--resume", "--since", "last"});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  const auto& r = night.report;
  EXPECT_EQ(r["status"], "success");
  EXPECT_EQ(r["since"], day_before);
  EXPECT_EQ(r["mode"], "all") << "the database holds all 17 provinces";
  EXPECT_EQ(r["scope_source"], "database");
  EXPECT_EQ(r["regions"].size(), 17u);
  // One national areaBasedSyncList2 call for the day (a second if the run crossed midnight KST),
  // where the four default provinces alone used to cost four and the 17 seventeen.
  const long long days = today_kst() == day_before ? 1 : 2;
  EXPECT_EQ(calls_of(m_next, "areaBasedSyncList2"), days);
  EXPECT_EQ(calls_of(m_next, "areaBasedList2"), 0);
  long long collector_calls = 0;
  for (const auto& line : m_next.request_log()) {
    if (line["key_fingerprint"] != kto::util::key_fingerprint(k_good_key)) continue;  // the test's
    ++collector_calls;
    EXPECT_FALSE(line["params"].contains("lDongRegnCd")) << line.dump();
  }
  EXPECT_EQ(collector_calls, days);

  // Every province's changes were written, each under its own province.
  auto expected = expected_areas(changed, m_before);
  ASSERT_GE(expected.size(), 6u);
  for (const auto& [area, n] : expected)
    EXPECT_EQ(r["areas"][std::to_string(area)]["collected"], n) << "province " << area;
  EXPECT_GE(r["hidden"].get<long long>(), static_cast<long long>(m_withdrawn.size()));
  expect_withdrawn_hidden();
}

TEST_F(NightAfterNationwide, TheReportAndTheLogNameTheScopeInKorean) {
  auto night = m_cli.run({"collect", "--resume", "--since", "last"});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  EXPECT_TRUE(contains(night.out, "범위: 전국 (17개 시도) (--mode를 주지 않아 데이터베이스에 있는 "
                                  "지역 전체)"))
      << night.out;
  EXPECT_TRUE(contains(collector_logs(m_cli), "증분 범위: 전국 (17개 시도) - --mode를 주지 않아 "
                                              "데이터베이스에 있는 지역을 모두 갱신합니다"))
      << collector_logs(m_cli);
  expect_withdrawn_hidden();
}

TEST_F(NightAfterNationwide, AnAskedScopeWritesItsProvincesAndHidesWithdrawnItemsOfAnyProvince) {
  const auto changed = changed_today(m_next);
  m_next.reset_stats();
  auto night = collect(m_cli, {"collect", "--since", "last", "--mode", "regions", "--regions", "1"});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  const auto& r = night.report;
  EXPECT_EQ(r["mode"], "regions");
  EXPECT_EQ(r["regions"], nlohmann::json::array({1}));
  EXPECT_EQ(r["scope_source"], "asked");
  EXPECT_LE(calls_of(m_next, "areaBasedSyncList2"), 2);

  // Written: 서울's changes, and every hidden item stored in whatever province; nothing else (a
  // hidden item never stored is kept only when its areacode is 서울's).
  long long seoul_shown = 0, stored_hidden = 0, new_hidden = 0;
  for (const auto& item : changed) {
    const int area = kto::api::derive_area_code(item["areacode"].get<std::string>(),
                                                item["lDongRegnCd"].get<std::string>(), 0);
    if (item["showflag"] == "1")
      seoul_shown += area == 1 ? 1 : 0;
    else if (m_before.count(item["contentid"].get<std::string>()))
      ++stored_hidden;
    else
      new_hidden += area == 1 ? 1 : 0;
  }
  ASSERT_GT(seoul_shown, 0);
  EXPECT_EQ(stored_hidden, static_cast<long long>(m_withdrawn.size()));
  // Written = stored (inserted + updated) + unchanged: a shown item received again as it was is
  // written (last_seen_at) but not counted as updated.
  EXPECT_EQ(r["stored"].get<long long>() + r["unchanged"].get<long long>(),
            seoul_shown + stored_hidden + new_hidden);
  EXPECT_EQ(r["inserted"].get<long long>(), new_hidden);
  EXPECT_EQ(r["hidden"].get<long long>(), stored_hidden + new_hidden);
  expect_withdrawn_hidden();
}

TEST(UserIncrementFirstNight, SinceLastOnAnEmptyDatabaseCollectsTheDefaultScopeFully) {
  SimServer sim(scenario(0));
  auto cli = collector_for(sim, {k_good_key});
  auto night = collect(cli, {"collect", "--resume", "--since", "last"});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  const auto& r = night.report;
  EXPECT_EQ(r["status"], "success");
  EXPECT_TRUE(r["since"].is_null());
  EXPECT_EQ(r["full_for_since_last"], true);
  EXPECT_EQ(r["mode"], "major");
  auto stats = sim.stats();
  EXPECT_EQ(calls_of(sim, "areaBasedSyncList2"), 0);
  EXPECT_EQ(calls_of(sim, "areaBasedList2"), expected_calls(stats, {1, 6, 31, 39}, 1000));
  long long major_rows = 0;
  for (int area : {1, 6, 31, 39}) major_rows += sim_count(stats, ldong_of(area));
  EXPECT_EQ(r["stored"], major_rows);
  EXPECT_TRUE(contains(night.err + collector_logs(cli),
                       "--since last: 성공한 수집이 아직 없어 증분 대신 전체 수집을 합니다 "
                       "(범위: 서울, 부산, 경기, 제주)"))
      << night.err;

  // The second night increments what the first collected: the four default provinces.
  sim.reset_stats();
  auto second = collect(cli, {"collect", "--resume", "--since", "last"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(second.report["since"].is_string());
  EXPECT_EQ(second.report["scope_source"], "database");
  EXPECT_EQ(second.report["regions"], nlohmann::json::array({1, 6, 31, 39}));
  EXPECT_EQ(calls_of(sim, "areaBasedList2"), 0);
}

TEST(UserIncrementFirstNight, SinceLastWithAnAskedScopeCollectsThatScopeAndSaysSo) {
  SimServer sim(scenario(0));
  auto cli = collector_for(sim, {k_good_key});
  auto night = cli.run({"collect", "--since", "last", "--mode", "all"});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  EXPECT_TRUE(contains(night.out, "ℹ️ 성공한 수집이 아직 없어 --since last 대신 전체 수집을 "
                                  "했습니다 (범위: 전국 (17개 시도))"))
      << night.out;
  EXPECT_EQ(static_cast<long long>(stored_rows(cli).size()),
            sim.stats()["dataset"]["restaurants"].get<long long>());
  EXPECT_EQ(calls_of(sim, "areaBasedSyncList2"), 0);
}

TEST(UserIncrementFirstNight, AnExplicitSinceDateOnAnEmptyDatabaseStaysAnIncrement) {
  SimServer sim(scenario(0));
  auto cli = collector_for(sim, {k_good_key});
  auto night = collect(cli, {"collect", "--since", today_kst()});
  ASSERT_EQ(night.exit_code, 0) << night.err;
  EXPECT_EQ(night.report["since"], today_kst());
  EXPECT_EQ(night.report["full_for_since_last"], false);
  // Nothing held: the default scope, said as such.
  EXPECT_EQ(night.report["scope_source"], "default");
  EXPECT_EQ(night.report["mode"], "major");
  EXPECT_EQ(calls_of(sim, "areaBasedList2"), 0);
  EXPECT_GE(calls_of(sim, "areaBasedSyncList2"), 1);
}

// An increment cut off by a spent quota, resumed the next night: with the saved options of this
// version (the scope it derived) and with options saved before scope_source existed.
class CutOffIncrement : public ::testing::TestWithParam<bool> {};

TEST_P(CutOffIncrement, ResumesWithItsSavedScopeAndWithoutRefetchingADay) {
  const bool old_options = GetParam();
  auto sc = scenario(0);
  sc["keys"] = {{k_key_a, {{"daily_quota", 1}}}, {k_key_b, {{"status", "valid"}}}};
  SimServer sim(sc);
  CliRunner cli({k_key_a, k_key_b}, sim.base_url());
  cli.env()["KTO_API_KEY"] = k_key_b;
  ASSERT_EQ(cli.run({"--mode", "all"}).exit_code, 0);
  // Yesterday and today: two days, one call each; the key has one. (The second key stands in for
  // the quota coming back the next night, as in test_collect_nightly.cpp.)
  cli.env()["KTO_API_KEY"] = k_key_a;
  const std::string yesterday = kto::util::kst_compact_date(kto::util::SystemClock().now() -
                                                            std::chrono::hours(24));
  auto cut = collect(cli, {"collect", "--since", yesterday});
  ASSERT_EQ(cut.exit_code, 3) << cut.err;
  EXPECT_EQ(cut.report["scope_source"], "database");
  if (old_options) {
    // What an older collector saved: no scope_source, no full_for_since_last.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path(cli).c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "UPDATE collection_runs SET options = json_remove(options, "
                           "'$.scope_source', '$.full_for_since_last') WHERE id = 2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  cli.env()["KTO_API_KEY"] = k_key_a + "," + k_key_b;
  sim.reset_stats();
  auto resumed = collect(cli, {"collect", "--resume", "--since", "last"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.report["run_id"], cut.report["run_id"]);
  EXPECT_EQ(resumed.report["since"], yesterday);
  EXPECT_EQ(resumed.report["mode"], "all");
  EXPECT_EQ(resumed.report["scope_source"], old_options ? "asked" : "database");
  EXPECT_EQ(calls_of(sim, "areaBasedSyncList2"), 1) << "only the day not yet read";
}

INSTANTIATE_TEST_SUITE_P(SavedOptions, CutOffIncrement, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Older" : "Current"; });

}  // namespace
