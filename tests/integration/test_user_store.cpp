// The store behind --db (issue 15, point 3; PostgreSQL since issue 18): a postgresql:// URL of a
// server that cannot be reached is one Korean line (exit 1) before anything is called or created
// locally, and the URL's password is never shown.
#include "hangul.hpp"
#include "integration/reliability_support.hpp"
#include "kto/util/files.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

// Port 1 of the loopback: nothing listens there, and no name to resolve.
const std::string k_url = "postgresql://kto:SECRETPASSWORD@127.0.0.1:1/kto";

void expect_refused_url(const SimServer& sim, CliRunner& cli, const CommandResult& r) {
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(has_hangul(lines[0])) << lines[0];
  EXPECT_TRUE(contains(lines[0], "kto:***@127.0.0.1:1/kto")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "PostgreSQL")) << lines[0];
  EXPECT_FALSE(contains(r.err + r.out, "SECRETPASSWORD")) << r.err;
  EXPECT_TRUE(sim.request_log().empty()) << "a call was made";
  // Nothing was made of the URL: no folder "postgresql:", no lock file, no database.
  EXPECT_FALSE(std::filesystem::exists(cli.dir() / "postgresql:"));
  EXPECT_FALSE(std::filesystem::exists(db_path(cli)));
}

TEST(UserStore, AnUnreachablePostgresqlServerForCollectIsOneMaskedKoreanLineBeforeAnyCall) {
  SimServer sim({{"dataset", dataset({{"11", 20}})}});
  auto cli = collector_for(sim, {k_good_key});
  expect_refused_url(sim, cli, cli.run({"--db", k_url, "--mode", "regions", "--regions", "1"}));
  expect_refused_url(sim, cli, cli.run({"collect", "--db", k_url, "--mode", "regions",
                                        "--regions", "1", "--json"}));
}

TEST(UserStore, AnUnreachablePostgresqlServerForExportIsOneMaskedKoreanLine) {
  SimServer sim({{"dataset", dataset({{"11", 20}})}});
  auto cli = collector_for(sim, {k_good_key});
  expect_refused_url(sim, cli, cli.run({"export", "--db", k_url}));
}

// The lock now comes from the store: a run next to a held lock still ends 5 with nothing stored
// by it, and the one after it runs.
TEST(UserStore, TheStoresRunLockStillRefusesASecondRunWithFive) {
  SimServer sim({{"dataset", dataset({{"11", 20}})}});
  auto cli = collector_for(sim, {k_good_key});
  std::filesystem::create_directories(cli.dir() / "data");
  {
    auto held = kto::util::FileLock::try_acquire(cli.dir() / "data" / "restaurants.db.lock");
    ASSERT_TRUE(held.ok() && held->has_value());
    auto refused = cli.run({"--mode", "regions", "--regions", "1"});
    EXPECT_EQ(refused.exit_code, 5) << refused.err;
    EXPECT_EQ(nonempty_lines(refused.err).size(), 1u) << refused.err;
    EXPECT_TRUE(sim.request_log().empty());
    // The lock is taken before the database is opened: a refused run leaves no empty file.
    EXPECT_FALSE(std::filesystem::exists(cli.dir() / "data" / "restaurants.db"));
  }
  auto run = collect(cli, {"--mode", "regions", "--regions", "1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_rows(cli).size(), 20u);
}

}  // namespace
