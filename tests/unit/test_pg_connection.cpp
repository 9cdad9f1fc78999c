// The libpq layer against a real server (scripts/pg_test_cluster.sh): connection errors as one
// Korean line with the password masked, reconnect-and-rerun, advisory locks, COPY.
#include <gtest/gtest.h>

#include <thread>

#include "hangul.hpp"
#include "kto/util/secrets.hpp"
#include "pg_support.hpp"

namespace kto::store::pg {
namespace {

using test::PgTest;

// The URL with another port / password / database, from the password role's URL
// (postgresql://kto_pw:kto_pw_secret@127.0.0.1:PORT/kto_test).
std::string password_url() { return test::pg_env("KTO_TEST_PG_PASSWORD_URL"); }

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

std::string port_of(const std::string& url) {
  const auto colon = url.rfind(':');
  return url.substr(colon + 1, url.find('/', colon) - colon - 1);
}

void expect_masked(const std::string& message, const std::string& password) {
  EXPECT_EQ(message.find(password), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_TRUE(test::has_hangul(message)) << message;
}

class PgConnectionTest : public PgTest {};

TEST_F(PgConnectionTest, WrongPortSaysTheServerCannotBeReachedWithThePasswordMasked) {
  const std::string url = password_url();
  ASSERT_FALSE(url.empty()) << "KTO_TEST_PG_PASSWORD_URL (scripts/pg_test_cluster.sh)";
  // Port 1 on loopback: nothing listens there.
  const std::string wrong = replace(url, ":" + port_of(url) + "/", ":1/");
  auto conn = Connection::open({.url = wrong, .connect_timeout_s = 2});
  ASSERT_FALSE(conn);
  EXPECT_NE(conn.error().message.find("연결할 수 없습니다"), std::string::npos) << conn.error().message;
  EXPECT_NE(conn.error().message.find("kto_pw:***@127.0.0.1:1/"), std::string::npos)
      << conn.error().message;
  EXPECT_EQ(conn.error().exit_code, ExitCode::failure);
  expect_masked(conn.error().message, "kto_pw_secret");
}

TEST_F(PgConnectionTest, WrongPasswordIsAUsageErrorThatNeverShowsThePassword) {
  const std::string url = password_url();
  ASSERT_FALSE(url.empty());
  const std::string wrong = replace(url, "kto_pw_secret", "Wrong-Pass-9876");
  auto conn = Connection::open({.url = wrong});
  ASSERT_FALSE(conn);
  EXPECT_NE(conn.error().message.find("비밀번호가 틀렸습니다"), std::string::npos) << conn.error().message;
  EXPECT_EQ(conn.error().exit_code, ExitCode::usage);
  expect_masked(conn.error().message, "Wrong-Pass-9876");
  // Any later line that happens to carry the password (a log line, a server message passed
  // on) is masked too.
  EXPECT_EQ(util::redact("libpq: " + wrong + " password=Wrong-Pass-9876 Wrong-Pass-9876")
                .find("Wrong-Pass-9876"),
            std::string::npos);
}

TEST_F(PgConnectionTest, MissingDatabaseSaysToCreateIt) {
  const std::string url = password_url();
  ASSERT_FALSE(url.empty());
  auto conn = Connection::open({.url = replace(url, "/kto_test", "/kto_no_such_db")});
  ASSERT_FALSE(conn);
  EXPECT_NE(conn.error().message.find("데이터베이스가 없습니다"), std::string::npos) << conn.error().message;
  EXPECT_NE(conn.error().message.find("createdb"), std::string::npos);
  EXPECT_EQ(conn.error().exit_code, ExitCode::usage);
  expect_masked(conn.error().message, "kto_pw_secret");
}

TEST_F(PgConnectionTest, AnUnparsableUrlIsAUsageError) {
  auto conn = Connection::open({.url = "postgresql://kto_pw:Sekret-Value-1@127.0.0.1:notaport/x?bogus=1"});
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().exit_code, ExitCode::usage) << conn.error().message;
  expect_masked(conn.error().message, "Sekret-Value-1");
}

TEST_F(PgConnectionTest, TheRightPasswordConnects) {
  const std::string url = password_url();
  ASSERT_FALSE(url.empty());
  auto conn = Connection::open({.url = url});
  ASSERT_TRUE(conn) << conn.error().message;
  EXPECT_EQ((*conn)->display_url().find("kto_pw_secret"), std::string::npos);
  auto who = (*conn)->exec("SELECT current_user");
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->text(0, 0), "kto_pw");
}

TEST_F(PgConnectionTest, AStatementPastTheTimeoutIsOneKoreanLine) {
  auto conn = Connection::open({.url = url(), .statement_timeout_ms = 100});
  ASSERT_TRUE(conn) << conn.error().message;
  auto slow = (*conn)->exec("SELECT pg_sleep(2)", {}, "느린 문장");
  ASSERT_FALSE(slow);
  EXPECT_NE(slow.error().message.find("statement_timeout"), std::string::npos) << slow.error().message;
  EXPECT_TRUE(test::has_hangul(slow.error().message));
  // The connection stays usable.
  EXPECT_TRUE((*conn)->exec("SELECT 1"));
}

TEST_F(PgConnectionTest, ATransactionCutByATerminatedSessionIsRunAgainAndAppliedOnce) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec("CREATE TABLE t (n INTEGER)"));
  int runs = 0;
  auto done = conn->transaction(
      [&](Connection& c) -> Result<void> {
        ++runs;
        auto ins = c.exec("INSERT INTO t VALUES (1)");
        if (!ins) return ins.error();
        if (runs == 1) {
          // The server ends this session mid-transaction, as a restart would.
          auto killed = m_admin->exec("SELECT pg_terminate_backend($1::int, 5000)",
                                      {std::to_string(c.backend_pid())});
          EXPECT_TRUE(killed) << killed.error().message;
        }
        auto more = c.exec("INSERT INTO t VALUES (2)");
        if (!more) return more.error();
        return {};
      },
      "테스트");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(conn->reconnects(), 1);
  auto rows = conn->exec("SELECT COUNT(*), SUM(n) FROM t");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->integer(0, 0), 2);  // each row once: the cut attempt left nothing
  EXPECT_EQ(rows->integer(0, 1), 3);
}

TEST_F(PgConnectionTest, AServerThatStaysAwayGivesTheLostConnectionLine) {
  auto conn = Connection::open({.url = url(), .max_retries = 1,
                                .sleep = [](std::chrono::milliseconds) {}});
  ASSERT_TRUE(conn) << conn.error().message;
  ASSERT_TRUE((*conn)->exec("CREATE TABLE t (n INTEGER)"));
  // Every attempt is terminated: the transaction gives up after max_retries with one line.
  int runs = 0;
  auto done = (*conn)->transaction(
      [&](Connection& c) -> Result<void> {
        ++runs;
        (void)m_admin->exec("SELECT pg_terminate_backend($1::int, 5000)", {std::to_string(c.backend_pid())});
        auto ins = c.exec("INSERT INTO t VALUES (1)");
        if (!ins) return ins.error();
        return {};
      },
      "테스트");
  ASSERT_FALSE(done);
  EXPECT_EQ(runs, 2);
  EXPECT_NE(done.error().message.find("연결이 끊겼습니다"), std::string::npos) << done.error().message;
  auto rows = (*conn)->exec("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->integer(0, 0), 0);
}

TEST_F(PgConnectionTest, AnAdvisoryLockIsExclusiveAcrossConnections) {
  auto a = connect();
  auto b = connect();
  ASSERT_TRUE(a && b);
  const std::string name = unique("area:1");
  auto first = a->try_advisory_lock(name);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  auto second = b->try_advisory_lock(name);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  auto other = b->try_advisory_lock(unique("area:6"));
  ASSERT_TRUE(other);
  EXPECT_TRUE(*other);  // another name is another lock
  ASSERT_TRUE(a->advisory_unlock(name));
  auto after = b->try_advisory_lock(name);
  ASSERT_TRUE(after);
  EXPECT_TRUE(*after);
  EXPECT_EQ(Connection::lock_key("area:1"), Connection::lock_key("area:1"));
  EXPECT_NE(Connection::lock_key("area:1"), Connection::lock_key("area:6"));
}

TEST_F(PgConnectionTest, CopyRoundTripsEveryCharacterAndNull) {
  auto conn = connect();
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->exec("CREATE TABLE c (id INTEGER, body TEXT)"));
  std::vector<Row> rows;
  const std::string tricky = "탭\t줄\n바꿈\r역\\슬래시 \\N 따옴표'\"";
  for (int i = 0; i < 5000; ++i) rows.push_back({std::to_string(i), i == 7 ? Param{} : Param{tricky}});
  auto copied = conn->copy_in("COPY c (id, body) FROM STDIN", rows, "복사");
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(*copied, 5000);
  auto back = conn->exec("SELECT COUNT(*), COUNT(body), MIN(body), MAX(body) FROM c");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->integer(0, 0), 5000);
  EXPECT_EQ(back->integer(0, 1), 4999);
  EXPECT_EQ(back->text(0, 2), tricky);
  EXPECT_EQ(back->text(0, 3), tricky);
  // A bad row fails the COPY as a whole, with one line, and the connection goes on.
  std::vector<Row> bad{{"not a number", Param{"x"}}};
  auto failed = conn->copy_in("COPY c (id, body) FROM STDIN", bad, "복사");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message.find('\n'), std::string::npos);
  EXPECT_TRUE(conn->exec("SELECT 1"));
}

}  // namespace
}  // namespace kto::store::pg
