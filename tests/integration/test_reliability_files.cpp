// Files gone wrong: a corrupt key state is set aside with one warning; a corrupt or foreign
// database, an unwritable data/ or logs/ stop the run with one line before any call and without
// touching the file; a full disk stops it with one line, loses no saved page, and --resume finishes.
#include <sqlite3.h>
#include <unistd.h>

#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

const std::vector<std::string> k_files_run = {"--mode", "regions", "--regions", "1", "--json"};

// Runs a collection that must stop before anything is called: exit code, one stderr line naming
// every part of named, no call, and the database file (if any) byte for byte as it was.
void expect_stopped_before_calling(const SimServer& sim, CliRunner& cli, int exit_code,
                                   const std::vector<std::string>& named) {
  const std::string db_before = read_bytes(db_path(cli));
  auto r = cli.run(k_files_run);
  EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  for (const auto& part : named) EXPECT_TRUE(contains(lines[0], part)) << lines[0];
  EXPECT_TRUE(sim.request_log().empty()) << "a call was made";
  EXPECT_EQ(read_bytes(db_path(cli)), db_before) << "the database file was changed";
  EXPECT_FALSE(std::filesystem::exists(db_path(cli).string() + "-wal"));
}

TEST(ReliabilityFiles, CorruptStateFileIsMovedAsideWithOneWarningAndThePoolStartsFresh) {
  SimServer sim({{"dataset", dataset({{"11", 30}})}});
  auto cli = collector_for(sim, {k_good_key});
  const std::string garbage = "{\"version\": 1, \"keys\": [{\"fingerprint\": ";
  write_bytes(state_path(cli), garbage);

  auto r = cli.run(k_files_run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(contains(lines[0], "api_key_cache.json.corrupt-")) << lines[0];
  std::vector<std::filesystem::path> aside;
  for (const auto& e : std::filesystem::directory_iterator(state_path(cli).parent_path()))
    if (contains(e.path().filename().string(), ".corrupt-")) aside.push_back(e.path());
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(read_bytes(aside[0]), garbage) << "the corrupt file is kept as it was";
  auto state = read_state(cli);
  ASSERT_FALSE(state.is_discarded());
  EXPECT_EQ(state["keys"].size(), 1u);
  EXPECT_EQ(state["keys"][0]["usage"][k_list_op], 1);
  EXPECT_EQ(read_rows(cli).size(), 30u);
}

TEST(ReliabilityFiles, CorruptDatabaseIsNeitherOverwrittenNorCalledFor) {
  SimServer sim({{"dataset", dataset({{"11", 30}})}});
  auto cli = collector_for(sim, {k_good_key});
  std::string noise(16384, '\0');
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7919) % 251);
  write_bytes(db_path(cli), noise);
  expect_stopped_before_calling(sim, cli, 1, {"data/restaurants.db", "SQLite 데이터베이스가 아닙니다"});

  // The same with a valid SQLite header and a damaged body.
  write_bytes(db_path(cli), std::string("SQLite format 3") + std::string(1, '\0') + noise);
  expect_stopped_before_calling(sim, cli, 1, {"data/restaurants.db"});
}

TEST(ReliabilityFiles, ForeignDatabaseIsNotOverwritten) {
  SimServer sim({{"dataset", dataset({{"11", 30}})}});
  auto cli = collector_for(sim, {k_good_key});
  std::filesystem::create_directories(db_path(cli).parent_path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path(cli).c_str(), &db), SQLITE_OK);
  // Someone else's file that even has a table called restaurants.
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE restaurants(name TEXT); INSERT INTO restaurants "
                             "VALUES ('theirs')", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  expect_stopped_before_calling(sim, cli, 1, {"data/restaurants.db", "다른 프로그램의 데이터베이스"});
}

TEST(ReliabilityFiles, UnwritableDataFolderStopsBeforeAnyCall) {
  SimServer sim({{"dataset", dataset({{"11", 30}})}});
  auto cli = collector_for(sim, {k_good_key});
  write_bytes(cli.dir() / "data", "a file where the data folder should be");
  expect_stopped_before_calling(sim, cli, 1, {"data"});
  EXPECT_EQ(read_bytes(cli.dir() / "data"), "a file where the data folder should be");
}

TEST(ReliabilityFiles, UnwritableLogsFolderStopsBeforeAnyCall) {
  SimServer sim({{"dataset", dataset({{"11", 30}})}});
  auto cli = collector_for(sim, {k_good_key});
  write_bytes(cli.dir() / "logs", "a file where the log folder should be");
  expect_stopped_before_calling(sim, cli, 1, {"logs", "--log-dir"});
  EXPECT_FALSE(std::filesystem::exists(cli.dir() / "data")) << "nothing was written";

  if (::geteuid() == 0) return;  // root writes into a read-only folder anyway
  std::filesystem::remove(cli.dir() / "logs");
  std::filesystem::create_directory(cli.dir() / "logs");
  std::filesystem::permissions(cli.dir() / "logs", std::filesystem::perms::owner_read |
                                                       std::filesystem::perms::owner_exec);
  expect_stopped_before_calling(sim, cli, 1, {"logs", "--log-dir"});
  std::filesystem::permissions(cli.dir() / "logs", std::filesystem::perms::owner_all);
}

// A full disk, simulated without privileges: the file size limit (RLIMIT_FSIZE) makes writes past
// it fail, and SIGXFSZ is ignored (the disposition survives exec) so the failure is an error
// return, as ENOSPC would be, instead of a signal.
CommandResult run_with_file_limit(CliRunner& cli, long long kib, std::vector<std::string> args) {
  std::string command = "trap '' XFSZ; ulimit -f " + std::to_string(kib) + " && exec \"$0\" \"$@\"";
  args.insert(args.begin(), {"/bin/sh", "-c", command, KTO_COLLECTOR_BIN});
  CommandOptions options;
  options.cwd = cli.dir();
  options.env = cli.env();
  options.timeout = std::chrono::seconds(60);
  return run_command(args, options);
}

TEST(ReliabilityFiles, FullDiskStopsWithOneLineLosesNothingAndResumes) {
  // 1,500 rows make a database of about 1.5 MB: a limit of 1,000 blocks (512 KB or 1 MB, as the
  // shell counts them) stops the run part way.
  SimServer sim({{"dataset", dataset({{"11", 1500}})}});
  auto cli = collector_for(sim, {k_good_key});
  auto r = run_with_file_limit(cli, 1000, {"--mode", "regions", "--regions", "1", "--page-size",
                                           "100", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(contains(lines[0], "디스크가 가득 찼거나 고장일 수 있습니다")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "data/restaurants.db")) << lines[0];
  auto report = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(report["status"], "failed") << r.out;

  // Nothing saved was lost and nothing half-saved remains: the rows are exactly the saved pages'.
  {
    ReadDb db(db_path(cli));
    auto rows = db.query("SELECT COUNT(*) FROM restaurants")[0][0];
    EXPECT_EQ(rows, db.query("SELECT COALESCE(SUM(rows), 0) FROM run_pages")[0][0]);
    EXPECT_GT(std::stoll(rows), 0) << "the limit left no room for a single page";
    EXPECT_LT(std::stoll(rows), 1500);
  }
  EXPECT_EQ(read_runs(cli)[1].status, "failed");

  auto resumed = collect(cli, {"collect", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.report["run_id"], 1);
  EXPECT_EQ(read_rows(cli).size(), 1500u);
}

}  // namespace
