// The PostgreSQL schema against a real server: migrations idempotent and concurrent-safe, foreign
// tables refused with nothing written.
#include <gtest/gtest.h>

#include <thread>

#include "hangul.hpp"
#include "pg_support.hpp"
#include "store/postgres/pg_schema.hpp"

namespace kto::store::pg {
namespace {

class PgSchemaTest : public test::PgTest {
 protected:
  long long count_tables(Connection& conn) {
    auto rows = conn.exec(
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()");
    EXPECT_TRUE(rows);
    return rows ? rows->integer(0, 0) : -1;
  }
};

TEST_F(PgSchemaTest, MigratingTwiceChangesNothing) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  auto first = migrate(*conn);
  ASSERT_TRUE(first) << first.error().message;
  auto version = schema_version(*conn);
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, k_schema_version);
  EXPECT_EQ(count_tables(*conn), static_cast<long long>(our_tables().size()));
  auto second = migrate(*conn);
  ASSERT_TRUE(second) << second.error().message;
  auto rows = conn->exec("SELECT COUNT(*) FROM schema_version");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->integer(0, 0), k_schema_version);  // one row a step, none twice
}

TEST_F(PgSchemaTest, AnOlderSchemaIsBroughtUpToDate) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(migrate(*conn, 1));
  EXPECT_EQ(*schema_version(*conn), 1);
  ASSERT_TRUE(conn->exec(
      "INSERT INTO restaurants (contentid, raw_json, first_seen_at, last_seen_at) VALUES "
      "('1', '{\"contentid\":\"1\"}', now(), now())"));
  auto up = migrate(*conn);
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(*schema_version(*conn), k_schema_version);
  auto kept = conn->exec("SELECT raw_json->>'contentid' FROM restaurants");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->text(0, 0), "1");
}

TEST_F(PgSchemaTest, ProcessesMigratingAtOnceMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto conn = Connection::open(options());
      if (conn && migrate(**conn)) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  auto conn = connect();
  ASSERT_TRUE(conn);
  auto rows = conn->exec("SELECT COUNT(*) FROM schema_version");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->integer(0, 0), k_schema_version);
}

TEST_F(PgSchemaTest, TablesOfOurNamesThatAreNotOursAreRefusedAndNothingIsWritten) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec("CREATE TABLE restaurants (id SERIAL PRIMARY KEY, name TEXT)"));
  auto refused = migrate(*conn);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("kto-collector가 만들지 않은"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("restaurants"), std::string::npos);
  EXPECT_TRUE(test::has_hangul(refused.error().message));
  EXPECT_EQ(count_tables(*conn), 1);  // no schema_version, no other table
}

TEST_F(PgSchemaTest, AnUnmarkedSchemaVersionIsNotOurs) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec("CREATE TABLE schema_version (version INTEGER)"));
  auto refused = migrate(*conn);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("schema_version"), std::string::npos) << refused.error().message;
  EXPECT_EQ(count_tables(*conn), 1);
}

TEST_F(PgSchemaTest, AForeignTableMetByALaterStepRollsTheStepBack) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(migrate(*conn, 1));
  // Another program made a table that step 2 would make, after our step 1.
  ASSERT_TRUE(conn->exec("CREATE TABLE key_state (x INTEGER)"));
  auto refused = migrate(*conn);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("kto-collector가 만들지 않은"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(*schema_version(*conn), 1);
  auto key_usage = conn->exec("SELECT to_regclass('key_usage') IS NULL");
  ASSERT_TRUE(key_usage);
  EXPECT_EQ(key_usage->text(0, 0), "t");  // nothing of step 2 stayed
}

TEST_F(PgSchemaTest, OtherTablesOfTheApplicationAreLeftAlone) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec("CREATE TABLE app_users (id INTEGER)"));
  auto ok = migrate(*conn);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(count_tables(*conn), static_cast<long long>(our_tables().size()) + 1);
}

TEST_F(PgSchemaTest, ANewerSchemaIsRefused) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(migrate(*conn));
  ASSERT_TRUE(conn->exec("INSERT INTO schema_version (version) VALUES (99)"));
  auto refused = migrate(*conn);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("업그레이드"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace kto::store::pg
