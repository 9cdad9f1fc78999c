// The real collector on PostgreSQL (issue 18): --db postgresql://… and KTO_DATABASE_URL, against
// kto-sim; the same rows and the same export as SQLite, --resume after a kill, a second run
// refused with exit 5 naming the first, and a wrong password refused on one masked line. Needs a
// server: KTO_TEST_PG_URL (scripts/pg_test_cluster.sh); unset, the tests skip saying why, and
// fail instead when KTO_TEST_PG_REQUIRED=1 (CI).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "integration/collect_support.hpp"
#include "integration/pg_cli_support.hpp"

namespace {

using namespace kto::test::pg;
using namespace kto::test;
using namespace kto::test::e2e;

class PgCli : public PgSchemaTest {
 protected:
  std::string query(const std::string& sql) const {
    auto r = psql(url(), sql);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  long long count(const std::string& sql) const {
    const std::string text = query(sql);
    return text.empty() ? 0 : std::stoll(text);
  }

};

TEST_F(PgCli, AFullListingStoresTheSameRowsAsSqliteAndExportsTheSameFile) {
  SimServer sim({{"dataset", dataset({{"11", 230}, {"26", 120}, {"50", 40}})}});
  auto on_pg = collector_for(sim, {k_good_key});
  auto on_sqlite = collector_for(sim, {k_good_key});
  auto pg_run = collect(on_pg, {"collect", "--mode", "all", "--page-size", "50", "--db", url()});
  ASSERT_EQ(pg_run.exit_code, 0) << pg_run.err;
  EXPECT_EQ(pg_run.report["status"], "success");
  auto sqlite_run = collect(on_sqlite, {"collect", "--mode", "all", "--page-size", "50"});
  ASSERT_EQ(sqlite_run.exit_code, 0) << sqlite_run.err;
  EXPECT_EQ(pg_run.report["inserted"], sqlite_run.report["inserted"]);

  const auto sqlite_rows = read_rows(on_sqlite);
  ASSERT_FALSE(sqlite_rows.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurants"), static_cast<long long>(sqlite_rows.size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurants WHERE raw_json ? 'contentid'"),
            static_cast<long long>(sqlite_rows.size()));  // JSONB
  EXPECT_FALSE(std::filesystem::exists(on_pg.dir() / "data" / "restaurants.db"));

  for (const std::string format : {"csv", "jsonl"}) {
    const auto [pg_text, sqlite_text] = export_both(on_pg, on_sqlite, format, url());
    ASSERT_GT(pg_text.size(), 1000u);
    EXPECT_TRUE(without_times(pg_text) == without_times(sqlite_text)) << format << " exports differ";
    // Two times a row, in the text SQLite keeps.
    const std::string masked = without_times(pg_text);
    EXPECT_EQ(std::count(masked.begin(), masked.end(), '<'), 2 * static_cast<long>(sqlite_rows.size()));
  }

  // A second night: every row seen again, none changed.
  auto again = collect(on_pg, {"collect", "--mode", "all", "--page-size", "50", "--db", url()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.report["inserted"], 0);
  EXPECT_EQ(again.report["updated"], 0);
}

TEST_F(PgCli, AKilledRunResumesOnPostgresqlWithEveryRowOnce) {
  SimServer sim({{"dataset", dataset({{"11", 900}, {"26", 500}, {"41", 750}, {"50", 99}})},
                 {"latency_ms", {{"min", 40}, {"max", 40}}}});
  auto cli = collector_for(sim, {k_good_key, k_good_key2});
  auto stats = sim.stats();
  const long long pages = expected_calls(stats, {1, 6, 31, 39}, 100);
  {
    CommandOptions options;
    options.cwd = cli.dir();
    options.env = cli.env();
    Child run({KTO_COLLECTOR_BIN, "--mode", "major", "--page-size", "100", "--db", url()}, options);
    ASSERT_TRUE(wait_until([&] {
      auto r = psql(url(), "SELECT COUNT(*) FROM run_pages");
      return r.exit_code == 0 && !r.out.empty() && std::atoll(r.out.c_str()) >= 4;
    })) << "no page was saved: " << run.drain_stderr();
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait(), 128 + SIGKILL);
  }
  const long long saved = count("SELECT COUNT(*) FROM run_pages");
  ASSERT_LT(saved, pages) << "the kill came after the last page";
  const std::size_t calls_before = list_calls(sim.request_log()).size();

  auto resumed = collect(cli, {"collect", "--resume", "--db", url()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.report["status"], "success");
  EXPECT_EQ(resumed.report["run_id"], 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurants"),
            stats["dataset"]["restaurants"].get<long long>());
  EXPECT_EQ(count("SELECT COUNT(*) FROM run_pages WHERE run_id = 1"), pages);
  // The resumed run asks only for the pages not saved.
  auto all = list_calls(sim.request_log());
  EXPECT_EQ(static_cast<long long>(all.size() - calls_before), pages - saved);
}

TEST_F(PgCli, ASecondRunOnTheSameDatabaseIsRefusedWithFiveNamingTheFirst) {
  SimServer sim({{"dataset", dataset({{"11", 900}, {"26", 500}})},
                 {"latency_ms", {{"min", 60}, {"max", 60}}}});
  auto first = collector_for(sim, {k_good_key});
  auto second = collector_for(sim, {k_good_key2});
  CommandOptions options;
  options.cwd = first.dir();
  options.env = first.env();
  Child run({KTO_COLLECTOR_BIN, "--mode", "major", "--page-size", "50", "--db", url()}, options);
  ASSERT_TRUE(wait_until([&] {
    auto r = psql(url(), "SELECT COUNT(*) FROM run_pages");
    return r.exit_code == 0 && !r.out.empty() && std::atoll(r.out.c_str()) >= 1;
  })) << run.drain_stderr();
  auto refused = second.run({"collect", "--mode", "major", "--db", url()});
  EXPECT_EQ(refused.exit_code, 5) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("pid " + std::to_string(run.pid())), std::string::npos) << refused.err;
  run.signal(SIGKILL);
  run.wait();
  // The lock died with the session of the killed run.
  EXPECT_TRUE(wait_until([&] {
    return second.run({"collect", "--mode", "regions", "--regions", "39", "--db", url()}).exit_code == 0;
  }));
}

TEST_F(PgCli, AWrongPasswordIsOneMaskedLine) {
  const std::string good = env_of("KTO_TEST_PG_PASSWORD_URL");
  ASSERT_FALSE(good.empty()) << "scripts/pg_test_cluster.sh exports KTO_TEST_PG_PASSWORD_URL";
  const auto at = good.find('@');
  const auto colon = good.rfind(':', at);
  const std::string wrong = good.substr(0, colon + 1) + "WRONGpw4321" + good.substr(at);
  CliRunner cli({k_key_a});
  for (const auto& args : {std::vector<std::string>{"collect", "--mode", "major", "--db", wrong},
                           std::vector<std::string>{"export", "--format", "csv", "--db", wrong}}) {
    auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("비밀번호가 틀렸습니다"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(":***@"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("WRONGpw4321"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("WRONGpw4321"), std::string::npos) << r.out;
  }
  expect_absent(cli.dir(), "WRONGpw4321", {});
}

TEST_F(PgCli, KtoDatabaseUrlIsTheDefaultStoreAndDbStillWins) {
  SimServer sim({{"dataset", dataset({{"50", 40}})}});
  auto cli = collector_for(sim, {k_good_key});
  cli.env()["KTO_DATABASE_URL"] = url();
  auto run = collect(cli, {"collect", "--mode", "regions", "--regions", "39"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM restaurants"), 40);
  EXPECT_FALSE(std::filesystem::exists(cli.dir() / "data" / "restaurants.db"));
  auto exported = cli.run({"export", "--format", "jsonl", "--out", "rows.jsonl"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string rows = file_text(cli.dir() / "rows.jsonl");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 40);
  // --db beats the setting: an SQLite file.
  auto local = collect(cli, {"collect", "--mode", "regions", "--regions", "39", "--db", "local.db"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_TRUE(std::filesystem::exists(cli.dir() / "local.db"));
  // Not a URL: refused, not taken for a path.
  cli.env()["KTO_DATABASE_URL"] = "data/other.db";
  auto bad = cli.run({"collect", "--mode", "regions", "--regions", "39"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("KTO_DATABASE_URL"), std::string::npos) << bad.err;
}

}  // namespace
