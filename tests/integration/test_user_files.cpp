// What a new user hit with files (issue 16, points 9, 13 and 18), through the real binary:
// `export --out` writes into FIFOs, devices, symlinks' targets and stdout instead of replacing
// them; `--bom`; a misspelled KTO_* name and an empty KTO_API_KEY are warned about; old logs are
// pruned and no empty log is written.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "integration/reliability_support.hpp"
#include "kto/util/files.hpp"

namespace {

using kto::test::CliRunner;
using kto::test::CommandOptions;
using kto::test::CommandResult;
using kto::test::contains;
using kto::test::run_command;
using kto::test::SimServer;
using kto::test::reliability::nonempty_lines;
using kto::test::reliability::read_bytes;
using kto::test::reliability::write_bytes;
namespace fs = std::filesystem;

const std::string k_files_key = "userfiles1SECRETffffffffffffffffffffff+ff/ff==";

// 400 restaurants: an export of about 130 KB, above the file size limit of the full-disk test.
nlohmann::json files_scenario() {
  return {{"dataset", {{"restaurants", 400}, {"other_types", 0}, {"hidden", 0}}},
          {"keys", {{k_files_key, {{"status", "valid"}}}}}};
}

// A database with rows to export.
class UserExport : public ::testing::Test {
 protected:
  void SetUp() override {
    auto run = m_cli.run({"--mode", "all"});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    auto reference = m_cli.run({"export", "--format", "csv"});
    ASSERT_EQ(reference.exit_code, 0) << reference.err;
    m_csv = reference.out;
    ASSERT_GT(nonempty_lines(m_csv).size(), 10u);
  }

  SimServer m_sim{files_scenario()};
  CliRunner m_cli{{k_files_key}, m_sim.base_url()};
  std::string m_csv;  // what export prints on stdout
};

bool named_fifo(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

TEST_F(UserExport, StreamsIntoAFifoThatAReaderIsReading) {
  auto fifo = m_cli.dir() / "rows.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A second name for the FIFO: if the export replaced the first, the reader blocked on the FIFO
  // is still reached through this one and the test fails instead of hanging.
  auto spare = m_cli.dir() / "rows.fifo.spare";
  ASSERT_EQ(::link(fifo.c_str(), spare.c_str()), 0);
  auto reader = std::async(std::launch::async, [&] {
    int fd = ::open(fifo.c_str(), O_RDONLY);  // blocks until the collector opens it for writing
    std::string text;
    char buf[4096];
    for (ssize_t n; fd >= 0 && (n = ::read(fd, buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<std::size_t>(n));
    if (fd >= 0) ::close(fd);
    return text;
  });
  auto r = m_cli.run({"export", "--format", "csv", "--out", "rows.fifo"});
  int unblock = ::open(spare.c_str(), O_WRONLY | O_NONBLOCK);  // fails (ENXIO) once read
  if (unblock >= 0) ::close(unblock);
  std::string received = reader.get();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(received, m_csv) << "the reader gets every row";
  EXPECT_TRUE(named_fifo(fifo)) << "the FIFO is still a FIFO";
  EXPECT_TRUE(contains(r.err, "→ rows.fifo")) << r.err;
}

TEST_F(UserExport, WritesASymlinksTargetAndKeepsTheLink) {
  write_bytes(m_cli.dir() / "real" / "rows.csv", "old content\n");
  fs::permissions(m_cli.dir() / "real" / "rows.csv", fs::perms(0640));
  fs::create_symlink("real/rows.csv", m_cli.dir() / "link.csv");
  auto r = m_cli.run({"export", "--format", "csv", "--out", "link.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(m_cli.dir() / "link.csv")) << "the link is kept";
  EXPECT_EQ(fs::read_symlink(m_cli.dir() / "link.csv"), "real/rows.csv");
  EXPECT_EQ(read_bytes(m_cli.dir() / "real" / "rows.csv"), m_csv) << "its target is written";
  EXPECT_EQ(fs::status(m_cli.dir() / "real" / "rows.csv").permissions(), fs::perms(0640))
      << "the replaced file keeps its mode";
  for (const auto& e : fs::directory_iterator(m_cli.dir() / "real"))
    EXPECT_EQ(e.path().filename(), "rows.csv") << "no temporary file is left";

  // A dangling link names the file to create: it is made, and the link stays a link.
  fs::create_symlink("made/by-export.csv", m_cli.dir() / "dangling.csv");
  auto dangling = m_cli.run({"export", "--format", "csv", "--out", "dangling.csv"});
  ASSERT_EQ(dangling.exit_code, 0) << dangling.err;
  EXPECT_TRUE(fs::is_symlink(m_cli.dir() / "dangling.csv"));
  EXPECT_EQ(read_bytes(m_cli.dir() / "made" / "by-export.csv"), m_csv);
}

TEST_F(UserExport, DashIsStdout) {
  auto r = m_cli.run({"export", "--format", "csv", "--out", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, m_csv);
  EXPECT_FALSE(fs::exists(m_cli.dir() / "-")) << "no file named -";
}

TEST_F(UserExport, BomIsAddedOnlyWhenAskedAndOnlyToCsv) {
  EXPECT_EQ(m_csv.substr(0, 9), "contentid") << "no BOM by default: scripts read the header cleanly";
  auto bom = m_cli.run({"export", "--format", "csv", "--bom"});
  ASSERT_EQ(bom.exit_code, 0) << bom.err;
  EXPECT_EQ(bom.out, "\xEF\xBB\xBF" + m_csv);
  auto to_file = m_cli.run({"export", "--bom", "--out", "excel.csv"});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(read_bytes(m_cli.dir() / "excel.csv"), "\xEF\xBB\xBF" + m_csv);
  auto jsonl = m_cli.run({"export", "--format", "jsonl", "--bom"});
  EXPECT_EQ(jsonl.exit_code, 2) << jsonl.err;
  EXPECT_TRUE(contains(jsonl.err, "--bom은 CSV에만")) << jsonl.err;
  EXPECT_TRUE(jsonl.out.empty());
}

TEST_F(UserExport, AFailedWriteLeavesTheOldFileAndOneKoreanLine) {
  // A full disk without privileges: past the file size limit writes fail (EFBIG) as ENOSPC would.
  // 80 blocks (40 or 80 KB, as the shell counts them) leave room for SQLite's 32 KB shared-memory
  // file but not for the export.
  ASSERT_GT(m_csv.size(), 100u * 1024u);
  write_bytes(m_cli.dir() / "rows.csv", "old content\n");
  CommandOptions options;
  options.cwd = m_cli.dir();
  options.env = m_cli.env();
  auto r = run_command({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 80 && exec \"$0\" \"$@\"",
                        KTO_COLLECTOR_BIN, "export", "--format", "csv", "--out", "rows.csv"},
                       options);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(contains(lines[0], "rows.csv")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "쓰지 못했습니다")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "원래 파일은 그대로입니다")) << lines[0];
  EXPECT_EQ(read_bytes(m_cli.dir() / "rows.csv"), "old content\n");
  for (const auto& e : fs::directory_iterator(m_cli.dir()))
    EXPECT_FALSE(contains(e.path().filename().string(), ".tmp")) << e.path();
}

TEST_F(UserExport, DevFullIsWrittenNotReplaced) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "only root could replace /dev/full: as another user the bug cannot show";
  struct stat before {};
  if (::stat("/dev/full", &before) != 0 || !S_ISCHR(before.st_mode))
    GTEST_SKIP() << "this machine has no /dev/full character device";
  auto r = m_cli.run({"export", "--format", "csv", "--out", "/dev/full"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(contains(lines[0], "/dev/full")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "저장 공간이 부족합니다")) << lines[0];
  struct stat after {};
  ASSERT_EQ(::stat("/dev/full", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode)) << "the device node is still a device";
  EXPECT_EQ(after.st_rdev, before.st_rdev);
  EXPECT_EQ(after.st_ino, before.st_ino);
}

TEST_F(UserExport, RefusesAFolder) {
  fs::create_directory(m_cli.dir() / "out");
  auto r = m_cli.run({"export", "--out", "out"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "폴더입니다")) << r.err;
  EXPECT_TRUE(fs::is_directory(m_cli.dir() / "out"));
}

// ---- .env and the environment ------------------------------------------------------------------

TEST(UserDotenv, MisspelledNameIsWarnedWithFileLineAndTheCloseName) {
  CliRunner cli({});
  write_bytes(cli.dir() / ".env", "KTO_API_KEY=" + k_files_key + "\n# limits\nKTO_API_DAILY_LIMT=5\n");
  auto r = cli.run({"status", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, ".env:3: KTO_API_DAILY_LIMT")) << r.err;
  EXPECT_TRUE(contains(r.err, "KTO_API_DAILY_LIMIT을(를) 뜻했다면")) << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_EQ(doc["keys"][0]["daily_limit"], 1000) << "the misspelled setting is not read";
  EXPECT_EQ(r.err.find(k_files_key), std::string::npos);
}

TEST(UserDotenv, EnvironmentTypoIsWarnedToo) {
  CliRunner cli({k_files_key});
  cli.env()["KTO_KEY_ERROR_COOLDWN"] = "1m";
  auto r = cli.run({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "환경 변수 KTO_KEY_ERROR_COOLDWN")) << r.err;
  EXPECT_TRUE(contains(r.err, "KTO_KEY_ERROR_COOLDOWN")) << r.err;
}

TEST(UserDotenv, EmptyEnvironmentKeyWarnsAndTheDotenvKeyIsUsed) {
  CliRunner cli({});
  write_bytes(cli.dir() / ".env", "KTO_API_KEY=" + k_files_key + "\n");
  cli.env()["KTO_API_KEY"] = "";
  auto r = cli.run({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "환경 변수 KTO_API_KEY가 비어 있어 .env의 KTO_API_KEY를 씁니다"))
      << r.err;
  EXPECT_TRUE(contains(r.out, "전체 키: 1개")) << r.out;
}

// ---- logs ------------------------------------------------------------------------------------

void age(const fs::path& file, std::chrono::hours by) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - by);
}

TEST(UserLogs, OldLogsOfThisToolArePrunedAfterKeepDays) {
  CliRunner cli({k_files_key});
  auto logs = cli.dir() / "logs";
  write_bytes(logs / "collector_20250101_031000.log", "old run\n");
  write_bytes(logs / "api_key_test_20250102_120000.log", "old check\n");
  write_bytes(logs / "collector_20261120_031000.log", "last week\n");
  write_bytes(logs / "my_notes.log", "not the tool's\n");
  age(logs / "collector_20250101_031000.log", std::chrono::hours(24 * 40));
  age(logs / "api_key_test_20250102_120000.log", std::chrono::hours(24 * 40));
  age(logs / "collector_20261120_031000.log", std::chrono::hours(24 * 7));
  age(logs / "my_notes.log", std::chrono::hours(24 * 400));

  cli.env()["KTO_LOG_KEEP_DAYS"] = "0";  // keep everything
  ASSERT_EQ(cli.run({"status"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(logs / "collector_20250101_031000.log"));

  cli.env()["KTO_LOG_KEEP_DAYS"] = "5";
  ASSERT_EQ(cli.run({"status"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(logs / "collector_20261120_031000.log")) << "older than 5 days";
  EXPECT_TRUE(fs::exists(logs / "my_notes.log")) << "only the tool's own names are pruned";

  cli.env().erase("KTO_LOG_KEEP_DAYS");  // the default: 30 days
  write_bytes(logs / "collector_20261120_031000.log", "last week\n");
  age(logs / "collector_20261120_031000.log", std::chrono::hours(24 * 7));
  write_bytes(logs / "collector_20250101_031000.log", "old run\n");
  age(logs / "collector_20250101_031000.log", std::chrono::hours(24 * 40));
  ASSERT_EQ(cli.run({"status"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(logs / "collector_20250101_031000.log"));
  EXPECT_TRUE(fs::exists(logs / "collector_20261120_031000.log"));
  EXPECT_FALSE(cli.logs("api_key_test_").empty()) << "today's own log is kept";
}

TEST(UserLogs, InvalidKeepDaysIsAUsageError) {
  CliRunner cli({k_files_key});
  cli.env()["KTO_LOG_KEEP_DAYS"] = "a month";
  auto r = cli.run({"status"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "KTO_LOG_KEEP_DAYS")) << r.err;
}

TEST(UserLogs, ARunRefusedByTheLockLeavesNoEmptyLog) {
  CliRunner cli({k_files_key});
  fs::create_directories(cli.dir() / "data");
  auto lock = kto::util::FileLock::try_acquire(cli.dir() / "data" / "restaurants.db.lock");
  ASSERT_TRUE(lock.ok() && lock->has_value());
  auto r = cli.run({"--mode", "regions", "--regions", "39"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cli.dir() / "logs", ec))
    EXPECT_GT(fs::file_size(e.path()), 0u) << "an empty log: " << e.path();
  EXPECT_TRUE(cli.logs("collector_").empty()) << "nothing was logged, so no file";
}

}  // namespace
