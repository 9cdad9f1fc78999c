// The run lock on PostgreSQL: a session advisory lock keyed by the database and schema, on a
// connection of its own so that it outlives the store that handed it out and dies with the
// process's session. Who holds it is told by the holder's last statement, which carries its note
// (pg_stat_activity.query): nothing to clean up when a holder dies, no table to migrate.
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include "pg_store.hpp"

namespace kto::store {
namespace {

constexpr std::string_view k_note_mark = "/* kto-collector run lock */ SELECT ";

class PgRunLock final : public RunLock {
 public:
  explicit PgRunLock(std::unique_ptr<pg::Connection> conn) : m_conn(std::move(conn)) {}

 private:
  std::unique_ptr<pg::Connection> m_conn;  // closing it releases the lock
};

// The lock's name: one run at a time per database and schema (what --db names).
Result<std::string> lock_name(pg::Connection& conn) {
  auto rows = conn.exec("SELECT current_database() || '/' || COALESCE(current_schema(), '')", {},
                        "실행 잠금 이름 읽는 중");
  if (!rows) return rows.error();
  return "run:" + std::string(rows->text(0, 0));
}

// Leaves the holder's note as this session's last statement, for whoever is refused.
Result<void> leave_note(pg::Connection& conn, std::string_view holder) {
  char* literal = PQescapeLiteral(conn.handle(), holder.data(), holder.size());
  if (literal == nullptr) return make_error("실행 잠금의 메모를 만들 수 없습니다");
  const std::string sql = std::string(k_note_mark) + literal;
  PQfreemem(literal);
  auto noted = conn.exec(sql, {}, "실행 잠금 메모 남기는 중");
  if (!noted) return noted.error();
  return {};
}

// The note of the session holding name, "" when it cannot be read (not yet written, or hidden
// from this role).
std::string holder_of(pg::Connection& conn, const std::string& name) {
  const std::int64_t key = pg::Connection::lock_key(name);
  const auto bits = static_cast<std::uint64_t>(key);
  auto rows = conn.exec(
      "SELECT a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid LIMIT 1",
      {std::to_string(bits >> 32), std::to_string(bits & 0xffffffffULL)}, "잠금 쥔 실행 찾는 중");
  if (!rows || rows->size() == 0) return "";
  const std::string_view query = rows->text(0, 0);
  if (!query.starts_with(k_note_mark) || query.size() < k_note_mark.size() + 2) return "";
  std::string_view literal = query.substr(k_note_mark.size());
  if (literal.starts_with("E'")) literal.remove_prefix(1);  // PQescapeLiteral's backslash form
  literal = literal.substr(1, literal.size() - 2);
  std::string note;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if ((literal[i] == '\'' || literal[i] == '\\') && i + 1 < literal.size() &&
        literal[i + 1] == literal[i])
      ++i;
    note.push_back(literal[i]);
  }
  return note;
}

}  // namespace

Result<std::unique_ptr<RunLock>> PgStore::lock_run(bool wait, std::string_view holder) {
  auto opened = pg::Connection::open({.url = m_url});
  if (!opened) return opened.error();
  std::unique_ptr<pg::Connection> conn = std::move(*opened);
  auto name = lock_name(*conn);
  if (!name) return name.error();
  auto got = conn->try_advisory_lock(*name);
  if (!got) return got.error();
  if (!*got) {
    const std::string other = holder_of(*conn, *name);
    const std::string who = other.empty() ? std::string("누가 쥐었는지 모름") : other;
    if (!wait)
      return make_error("다른 collector 실행이 " + conn->display_url() + "의 잠금을 쥐고 있습니다 (" +
                            who + "): 끝날 때까지 기다리거나 --wait를 주세요",
                        ExitCode::locked);
    spdlog::info("⏳ 다른 수집이 진행 중입니다 ({}): 끝날 때까지 기다립니다", who);
    // Waiting is not a statement that times out.
    if (auto ok = conn->exec("SET statement_timeout = 0", {}, "잠금 기다리는 중"); !ok) return ok.error();
    auto waited = conn->exec("SELECT pg_advisory_lock($1::bigint)",
                             {std::to_string(pg::Connection::lock_key(*name))}, "잠금 기다리는 중");
    if (!waited) return waited.error();
  }
  if (auto noted = leave_note(*conn, holder); !noted) return noted.error();
  return std::unique_ptr<RunLock>(std::make_unique<PgRunLock>(std::move(conn)));
}

}  // namespace kto::store
