#pragma once
// The PostgreSQL tests' server (issue 18): KTO_TEST_PG_URL names it (scripts/pg_test_cluster.sh
// prints it). Unset, a test skips and says how to start one; with KTO_TEST_PG_REQUIRED=1 (CI) it
// fails instead, so CI never skips. Each test works in a schema of its own, dropped at the end,
// so tests run in parallel on one database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "store/postgres/pg_connection.hpp"

namespace kto::test {

inline std::string pg_env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// The URL with search_path set to schema (libpq's URL options parameter).
inline std::string pg_url_with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_base_url = pg_env("KTO_TEST_PG_URL");
    if (m_base_url.empty()) {
      const std::string why =
          "KTO_TEST_PG_URL이 없어 PostgreSQL 테스트를 건너뜁니다 (KTO_TEST_PG_URL unset: start one "
          "with scripts/pg_test_cluster.sh)";
      if (pg_env("KTO_TEST_PG_REQUIRED") == "1") FAIL() << why << " — KTO_TEST_PG_REQUIRED=1";
      GTEST_SKIP() << why;
    }
    static std::atomic<int> counter{0};
    m_schema = "kto_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    auto admin = store::pg::Connection::open({.url = m_base_url});
    ASSERT_TRUE(admin) << admin.error().message;
    m_admin = std::move(*admin);
    auto made = m_admin->exec("CREATE SCHEMA " + m_schema);
    ASSERT_TRUE(made) << made.error().message;
    m_schema_made = true;
  }
  void TearDown() override {
    if (m_schema_made) (void)m_admin->exec("DROP SCHEMA " + m_schema + " CASCADE");
  }

  // A URL whose connections work in this test's schema.
  std::string url() const { return pg_url_with_schema(m_base_url, m_schema); }
  store::pg::ConnectOptions options() const { return {.url = url()}; }
  std::unique_ptr<store::pg::Connection> connect() {
    auto conn = store::pg::Connection::open(options());
    EXPECT_TRUE(conn) << conn.error().message;
    return conn ? std::move(*conn) : nullptr;
  }
  // A unique name for advisory locks: they are database-wide, shared with parallel tests.
  std::string unique(const std::string& name) const { return m_schema + ":" + name; }

  std::string m_base_url;
  std::string m_schema;
  std::unique_ptr<store::pg::Connection> m_admin;  // in the public schema: terminates, drops
  bool m_schema_made = false;
};

}  // namespace kto::test
