// What a new user read in the collect report and got from its flags (issue 16, points 4, 10, 11
// and 12), through the real collector against kto-sim: an increment that succeeded reads as done,
// an interrupted national listing shows the service's total, a resumed run says which figures are
// this attempt's and which the run's, "updated" means changed; --since in the future and
// --page-size above 1,000 are usage errors; --resume refuses a scope that is not the unfinished
// run's and says what it resumes.
#include <sqlite3.h>

#include "integration/collect_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::e2e;

std::string kst_day(std::chrono::hours offset) {
  return kto::util::kst_compact_date(kto::util::SystemClock().now() + offset);
}

long long sim_calls(const SimServer& sim) { return sim.stats()["calls"].get<long long>(); }

long long dataset_restaurants(const SimServer& sim) {
  return sim.stats()["dataset"]["restaurants"].get<long long>();
}

long long run_records(const CliRunner& cli) {
  if (!std::filesystem::exists(db_path(cli))) return 0;
  ReadDb db(db_path(cli));
  auto r = db.query("SELECT COUNT(*) FROM collection_runs");
  return r.empty() ? 0 : std::stoll(r[0][0]);
}

void exec_sql(const CliRunner& cli, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path(cli).c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A national listing of 1,625 restaurants cut off after its first page of 100: key A, the only
// one given, is good for one call.
CommandResult cut_off_national_run_text(CliRunner& cli) {
  cli.env()["KTO_API_KEY"] = k_key_a;
  auto r = cli.run({"--mode", "all", "--page-size", "100", "--concurrency", "1"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  return r;
}

nlohmann::json cut_off_national_run(CliRunner& cli) {
  cli.env()["KTO_API_KEY"] = k_key_a;
  return cli.run_json({"--mode", "all", "--page-size", "100", "--concurrency", "1"}, 3);
}

nlohmann::json small_dataset() {
  return {{"per_province", {{"11", 1200}, {"26", 425}}}, {"other_types", 0}, {"hidden", 0}};
}

// ---- point 12: --page-size --------------------------------------------------------------------

TEST(UserReport, PageSizeOutsideOneToOneThousandIsAUsageErrorBeforeAnything) {
  CliRunner cli({k_key_a});  // nothing listens: a call would fail loudly
  for (const char* size : {"1001", "2000", "0"}) {
    auto r = cli.run({"collect", "--page-size", size});
    EXPECT_EQ(r.exit_code, 2) << size << ": " << r.out << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "--page-size " + std::string(size))) << r.err;
    EXPECT_TRUE(contains(r.err, "1부터 1000 사이")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(db_path(cli)));
}

TEST(UserReport, PageSizeOfOneThousandIsTaken) {
  SimServer sim({{"dataset", small_dataset()}});
  CliRunner cli({k_key_a}, sim.base_url());
  auto report = cli.run_json({"--mode", "regions", "--regions", "6", "--page-size", "1000"});
  EXPECT_EQ(report["status"], "success") << report.dump();
  EXPECT_EQ(report["api_calls"], 1);
}

// ---- point 10: --since in the future ----------------------------------------------------------

TEST(UserReport, SinceInTheFutureIsAUsageErrorWithNoCallAndNoRunRecord) {
  SimServer sim({{"dataset", small_dataset()}});
  CliRunner cli({k_key_a}, sim.base_url());
  const std::string tomorrow = kst_day(std::chrono::hours(24));
  for (std::vector<std::string> args :
       {std::vector<std::string>{"collect", "--since", tomorrow},
        std::vector<std::string>{"collect", "--resume", "--since", tomorrow, "--mode", "all"}}) {
    auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "--since " + tomorrow)) << r.err;
    EXPECT_TRUE(contains(r.err, "미래 날짜")) << r.err;
    EXPECT_FALSE(contains(r.err, "--resume")) << "no advice to resume a run that never was";
  }
  EXPECT_EQ(sim_calls(sim), 0);
  EXPECT_EQ(run_records(cli), 0);

  // Today is not the future.
  auto today = cli.run_json({"collect", "--mode", "regions", "--regions", "6", "--since",
                             kst_day(std::chrono::hours(0))});
  EXPECT_EQ(today["status"], "success") << today.dump();
}

// ---- point 11: --resume and the scope asked for ------------------------------------------------

TEST(UserReport, ResumeRefusesAnotherScopeNamingTheUnfinishedRun) {
  SimServer sim({{"dataset", small_dataset()},
                 {"keys", {{k_key_a, {{"daily_quota", 1}}}, {k_key_b, {{"status", "valid"}}}}}});
  CliRunner cli({k_key_a, k_key_b}, sim.base_url());
  cli.env()["KTO_API_KEY"] = k_key_a;
  auto first = cli.run_json({"--mode", "regions", "--regions", "1", "--page-size", "500",
                             "--concurrency", "1"}, 3);
  ASSERT_EQ(first["status"], "no_keys") << first.dump();
  const std::string id = std::to_string(first["run_id"].get<long long>());
  cli.env()["KTO_API_KEY"] = k_key_a + "," + k_key_b;
  sim.reset_stats();

  for (std::vector<std::string> asked :
       {std::vector<std::string>{"--mode", "regions", "--regions", "6"},
        std::vector<std::string>{"--mode", "all"}, std::vector<std::string>{"--mode", "major"}}) {
    asked.insert(asked.begin(), {"collect", "--resume"});
    auto r = cli.run(asked);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "#" + id)) << r.err;
    EXPECT_TRUE(contains(r.err, "모드 regions (서울(1))")) << r.err;
    EXPECT_TRUE(contains(r.err, "--resume 없이")) << r.err;
  }
  EXPECT_EQ(sim_calls(sim), 0);

  // The matching scope resumes it, and the log (stderr without --json) says what runs.
  auto same = cli.run({"collect", "--resume", "--mode", "regions", "--regions", "1"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(contains(same.out, "배치 ID: " + id + "\n")) << same.out;
  EXPECT_TRUE(contains(same.out, "  서울 (1): 1,200/1,200건 ✅")) << same.out;
  EXPECT_TRUE(contains(same.err, "수집 재개: 수집 #" + id + " (모드 regions (서울(1))")) << same.err;
}

TEST(UserReport, ResumeWithoutAScopeResumesAnAllRunAndSaysSo) {
  SimServer sim({{"dataset", small_dataset()},
                 {"keys", {{k_key_a, {{"daily_quota", 1}}}, {k_key_b, {{"status", "valid"}}}}}});
  CliRunner cli({k_key_a, k_key_b}, sim.base_url());
  auto first = cut_off_national_run(cli);
  ASSERT_EQ(first["status"], "no_keys") << first.dump();
  cli.env()["KTO_API_KEY"] = k_key_a + "," + k_key_b;

  // The nightly line: no scope, --since last, and no successful run yet. The log (stderr without
  // --json) names the run and its real mode.
  auto r = cli.run({"collect", "--resume", "--since", "last"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = std::to_string(first["run_id"].get<long long>());
  EXPECT_TRUE(contains(r.out, "배치 ID: " + id + "\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "모드: all\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "전국: 1,625/1,625건 ✅")) << r.out;
  EXPECT_EQ(dataset_restaurants(sim), 1625);
  EXPECT_TRUE(contains(r.err, "수집 재개: 수집 #" + id + " (모드 all (전국)")) << r.err;
  EXPECT_FALSE(contains(r.err, "모드 major")) << r.err;
}

// ---- point 4: the report ----------------------------------------------------------------------

TEST(UserReport, AnIncrementThatSucceededReadsAsCompleteChangesWithoutTotals) {
  SimServer sim({{"dataset", {{"per_province", {{"11", 400}, {"26", 200}}},
                              {"modified_recent", {{"ratio", 0.05}}}}}});
  CliRunner cli({k_key_a}, sim.base_url());
  ASSERT_EQ(cli.run_json({"--mode", "all"})["status"], "success");
  const std::string since = kst_day(std::chrono::hours(-24));

  auto text = cli.run({"collect", "--mode", "all", "--since", since});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_FALSE(contains(text.out, "미완료")) << text.out;
  EXPECT_TRUE(contains(text.out, "지역별 변경분 (--since " + since)) << text.out;
  EXPECT_TRUE(contains(text.out, "  서울 (1): 변경 ")) << text.out;
  EXPECT_TRUE(contains(text.out, "  제주 (39): 변경 0건 ✅")) << text.out;
  EXPECT_FALSE(contains(text.out, "/0건")) << text.out;

  auto json = cli.run_json({"collect", "--mode", "all", "--since", since});
  ASSERT_EQ(json["status"], "success") << json.dump();
  long long changes = 0;
  for (const auto& [code, area] : json["areas"].items()) {
    EXPECT_TRUE(area["complete"].get<bool>()) << code;
    EXPECT_TRUE(area["total_count"].is_null()) << code;
    changes += area["collected"].get<long long>();
  }
  EXPECT_EQ(changes, json["received"].get<long long>());
  EXPECT_GT(changes, 0);
  // Read twice, the same changes are unchanged the second time.
  EXPECT_EQ(json["updated"], 0);
  EXPECT_EQ(json["unchanged"], json["received"]);
}

TEST(UserReport, AnInterruptedNationalListingShowsTheServicesTotal) {
  SimServer sim({{"dataset", small_dataset()}, {"keys", {{k_key_a, {{"daily_quota", 1}}}}}});
  CliRunner cli({k_key_a}, sim.base_url());
  auto report = cut_off_national_run(cli);
  ASSERT_EQ(report["status"], "no_keys") << report.dump();
  const long long total = dataset_restaurants(sim);
  ASSERT_EQ(total, 1625);
  EXPECT_EQ(report["national"]["total_count"], total);
  EXPECT_EQ(report["national"]["collected"], 100);
  EXPECT_FALSE(report["national"]["complete"].get<bool>());
  // A province's total is not known until the national listing is read to the end.
  for (const auto& [code, area] : report["areas"].items()) {
    EXPECT_TRUE(area["total_count"].is_null()) << code;
    EXPECT_FALSE(area["complete"].get<bool>()) << code;
  }

}

TEST(UserReport, AnInterruptedNationalListingsReportShowsTheServicesTotal) {
  SimServer sim({{"dataset", small_dataset()}, {"keys", {{k_key_a, {{"daily_quota", 1}}}}}});
  CliRunner cli({k_key_a}, sim.base_url());
  auto text = cut_off_national_run_text(cli);
  EXPECT_TRUE(contains(text.out, "전국: 100/1,625건 ⚠️ 미완료")) << text.out;
  EXPECT_TRUE(contains(text.out, "지역별 (저장된 행, 지역별 전체 건수는 끝까지 읽어야 앎)")) << text.out;
  EXPECT_FALSE(contains(text.out, "/100건")) << text.out;
}

TEST(UserReport, AResumedRunNamesThisAttemptsFiguresApartFromTheRuns) {
  SimServer sim({{"dataset", small_dataset()},
                 {"keys", {{k_key_a, {{"daily_quota", 1}}}, {k_key_b, {{"status", "valid"}}}}}});
  CliRunner cli({k_key_a, k_key_b}, sim.base_url());
  auto first = cut_off_national_run(cli);
  ASSERT_EQ(first["status"], "no_keys") << first.dump();
  cli.env()["KTO_API_KEY"] = k_key_a + "," + k_key_b;
  const auto metrics = cli.dir() / "run.prom";

  auto r = cli.run({"collect", "--resume", "--metrics-file", metrics.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = std::to_string(first["run_id"].get<long long>());
  EXPECT_TRUE(contains(r.out, "받은 레코드: 1,525건 (이번 실행; 수집 #" + id + " 전체 1,625건)"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "저장 (이번 실행): 신규 1,525건, 갱신 0건, 변경 없음 0건")) << r.out;
  EXPECT_TRUE(contains(r.out, "전국: 1,625/1,625건 ✅")) << r.out;
  std::ifstream in(metrics);
  const std::string prom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(prom, "kto_run_records 1625\n")) << prom;
  EXPECT_TRUE(contains(prom, "kto_run_received 1525\n")) << prom;
  EXPECT_TRUE(contains(prom, "kto_run_rows{result=\"inserted\"} 1525\n")) << prom;
}

TEST(UserReport, AResumedRunsJsonSaysWhichFiguresAreThisAttempts) {
  SimServer sim({{"dataset", small_dataset()},
                 {"keys", {{k_key_a, {{"daily_quota", 1}}}, {k_key_b, {{"status", "valid"}}}}}});
  CliRunner cli({k_key_a, k_key_b}, sim.base_url());
  auto first = cut_off_national_run(cli);
  ASSERT_EQ(first["status"], "no_keys") << first.dump();
  EXPECT_FALSE(first["resumed"].get<bool>());
  EXPECT_EQ(first["received"], first["records"]);
  cli.env()["KTO_API_KEY"] = k_key_a + "," + k_key_b;

  auto report = cli.run_json({"collect", "--resume"});
  EXPECT_TRUE(report["resumed"].get<bool>()) << report.dump();
  EXPECT_EQ(report["records"], 1625);
  EXPECT_EQ(report["received"], 1525);
  EXPECT_EQ(report["inserted"], 1525);
  EXPECT_EQ(report["stored"], 1525);
  EXPECT_EQ(report["api_calls"].get<long long>(),
            first["api_calls"].get<long long>() + report["attempt_api_calls"].get<long long>());
  EXPECT_EQ(report["national"]["total_count"], 1625);
  EXPECT_TRUE(report["national"]["complete"].get<bool>());
  EXPECT_EQ(report["areas"]["1"]["total_count"], 1200);
  EXPECT_EQ(report["areas"]["6"]["total_count"], 425);
}

TEST(UserReport, ARerunCountsOnlyChangedRowsAsUpdated) {
  SimServer sim({{"dataset", small_dataset()}});
  CliRunner cli({k_key_a}, sim.base_url());
  auto first = cli.run_json({"--mode", "regions", "--regions", "1,6"});
  ASSERT_EQ(first["inserted"], 1625) << first.dump();

  // Nothing changed: every row is unchanged.
  auto same = cli.run_json({"--mode", "regions", "--regions", "1,6"});
  EXPECT_EQ(same["inserted"], 0);
  EXPECT_EQ(same["updated"], 0);
  EXPECT_EQ(same["unchanged"], 1625);
  EXPECT_EQ(same["stored"], 0);

  // Three rows hold an older version (title and raw item) than the service's: those three are
  // updated.
  exec_sql(cli, "UPDATE restaurants SET title = 'old', raw_json = replace(raw_json, '\"title\":\"', "
                "'\"title\":\"old ') WHERE rowid IN (1, 500, 1600)");
  const auto metrics = cli.dir() / "run.prom";
  auto text = cli.run({"--mode", "regions", "--regions", "1,6", "--metrics-file", metrics.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "받은 레코드: 1,625건\n")) << text.out;
  EXPECT_TRUE(contains(text.out, "저장: 신규 0건, 갱신 3건, 변경 없음 1,622건")) << text.out;
  EXPECT_TRUE(contains(text.out, "  서울 (1): 1,200/1,200건 ✅")) << text.out;
  std::ifstream in(metrics);
  const std::string prom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(prom, "kto_run_rows{result=\"updated\"} 3\n")) << prom;
  EXPECT_TRUE(contains(prom, "kto_run_rows{result=\"unchanged\"} 1622\n")) << prom;
}

}  // namespace
