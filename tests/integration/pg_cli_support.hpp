#pragma once
// What the PostgreSQL tests through the real binary share: the server's settings from the
// environment, psql, and an export with its times blanked (times differ between two runs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "integration/cli_support.hpp"
#include "integration/process.hpp"

namespace kto::test::pg {

inline std::string env_of(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Every "YYYY-MM-DDTHH:MM:SS+09:00" becomes "<time>".
inline std::string without_times(const std::string& text) {
  static constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:dd+09:00";
  auto matches = [&text](std::size_t at) {
    if (at + k_shape.size() > text.size()) return false;
    for (std::size_t i = 0; i < k_shape.size(); ++i) {
      const char c = text[at + i];
      if (k_shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(c)) : c != k_shape[i])
        return false;
    }
    return true;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    if (matches(at)) {
      out += "<time>";
      at += k_shape.size();
    } else {
      out += text[at++];
    }
  }
  return out;
}

// psql from PATH (run_command does not search it).
inline std::string psql_bin() {
  std::string path = env_of("PATH");
  for (std::size_t from = 0; from <= path.size();) {
    const std::size_t to = std::min(path.find(':', from), path.size());
    const auto candidate = std::filesystem::path(path.substr(from, to - from)) / "psql";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    from = to + 1;
  }
  return "psql";
}

inline CommandResult psql(const std::string& url, const std::string& sql) {
  return run_command({psql_bin(), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql});
}

inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The texts of `export --format FORMAT` of the same rows from a folder on PostgreSQL (url) and one
// on SQLite; an export that fails is a test failure and an empty text.
struct BothExports {
  std::string pg;
  std::string sqlite;
};

inline BothExports export_both(CliRunner& on_pg, CliRunner& on_sqlite, const std::string& format,
                               const std::string& url) {
  const std::string out = "out." + format;
  auto pg_out = on_pg.run({"export", "--format", format, "--out", out, "--db", url});
  EXPECT_EQ(pg_out.exit_code, 0) << pg_out.err;
  auto sqlite_out = on_sqlite.run({"export", "--format", format, "--out", out});
  EXPECT_EQ(sqlite_out.exit_code, 0) << sqlite_out.err;
  return {file_text(on_pg.dir() / out), file_text(on_sqlite.dir() / out)};
}

// Each test gets a schema of its own on the test server (KTO_TEST_PG_URL), dropped after it.
// Without a server the test skips saying why, or fails under KTO_TEST_PG_REQUIRED=1 (CI).
class PgSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_base = env_of("KTO_TEST_PG_URL");
    if (m_base.empty()) {
      const std::string why = "KTO_TEST_PG_URL이 없어 PostgreSQL 테스트를 건너뜁니다 (KTO_TEST_PG_URL "
                              "unset: start one with scripts/pg_test_cluster.sh)";
      if (env_of("KTO_TEST_PG_REQUIRED") == "1") FAIL() << why << " — KTO_TEST_PG_REQUIRED=1";
      GTEST_SKIP() << why;
    }
    static std::atomic<int> counter{0};
    m_schema = "kto_it_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    ASSERT_EQ(psql(m_base, "CREATE SCHEMA " + m_schema).exit_code, 0);
    m_made = true;
  }
  void TearDown() override {
    if (m_made) psql(m_base, "DROP SCHEMA " + m_schema + " CASCADE");
  }
  // The URL of this test's schema.
  std::string url() const {
    return m_base + (m_base.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + m_schema;
  }

  std::string m_base;
  std::string m_schema;
  bool m_made = false;
};

}  // namespace kto::test::pg
