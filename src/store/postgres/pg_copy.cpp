// COPY FROM STDIN and advisory locks (pg_connection.hpp).
#include <libpq-fe.h>

#include "kto/util/secrets.hpp"
#include "pg_connection.hpp"
#include "pg_errors.hpp"

namespace kto::store::pg {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Sends the buffer when it holds this much: large enough for few round trips, small in memory.
constexpr std::size_t k_copy_chunk = 1 << 20;

// COPY's text format: tab between columns, a newline after a row, \N for NULL, and the
// characters that would break those escaped with a backslash.
void append_row(std::string& out, const Row& row) {
  bool first = true;
  for (const Param& value : row) {
    if (!first) out.push_back('\t');
    first = false;
    if (!value) {
      out += "\\N";
      continue;
    }
    for (char c : *value) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out.push_back(c);
      }
    }
  }
  out.push_back('\n');
}

}  // namespace

Result<long long> Connection::copy_in(std::string_view copy_sql, std::span<const Row> rows,
                                      std::string_view doing) {
  if (m_conn == nullptr || PQstatus(m_conn) == CONNECTION_BAD) {
    if (m_in_transaction) {
      m_lost = m_retryable = true;
      return statement_error(nullptr, m_conn, doing, m_display_url);
    }
    if (auto ok = reconnect(); !ok) return ok.error();
  }
  const std::string sql(copy_sql);
  ResultPtr start(PQexec(m_conn, sql.c_str()), PQclear);
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
    note_failure(start.get());
    return statement_error(start.get(), m_conn, doing, m_display_url);
  }
  std::string buffer;
  buffer.reserve(k_copy_chunk + 4096);
  bool sent = true;
  for (const Row& row : rows) {
    append_row(buffer, row);
    if (buffer.size() >= k_copy_chunk) {
      sent = PQputCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) == 1;
      buffer.clear();
      if (!sent) break;
    }
  }
  if (sent && !buffer.empty())
    sent = PQputCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) == 1;
  // A failed send still ends the COPY so the connection's state is known; the result says why.
  PQputCopyEnd(m_conn, sent ? nullptr : "kto-collector: 보내기 실패");
  ResultPtr end(PQgetResult(m_conn), PQclear);
  while (PGresult* extra = PQgetResult(m_conn)) PQclear(extra);
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
    note_failure(end.get());
    return statement_error(end.get(), m_conn, doing, m_display_url);
  }
  m_lost = m_retryable = false;
  return Rows(end.release()).affected();
}

std::int64_t Connection::lock_key(std::string_view name) {
  // The first 8 bytes of SHA-256("kto-collector:" + name): the same number on every host and
  // build, and apart from other programs' keys on the same server.
  const std::string hex = util::key_fingerprint("kto-collector:" + std::string(name));
  std::uint64_t key = 0;
  for (char c : hex)
    key = (key << 4) | static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  return static_cast<std::int64_t>(key);
}

Result<bool> Connection::try_advisory_lock(std::string_view name) {
  auto rows = exec("SELECT pg_try_advisory_lock($1::bigint)", {std::to_string(lock_key(name))},
                   "잠금을 잡는 중");
  if (!rows) return rows.error();
  const bool got = rows->text(0, 0) == "t";
  if (got) m_locks.emplace(name);
  return got;
}

Result<void> Connection::advisory_unlock(std::string_view name) {
  m_locks.erase(std::string(name));
  auto rows = exec("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(lock_key(name))},
                   "잠금을 푸는 중");
  if (!rows) return rows.error();
  return {};
}

}  // namespace kto::store::pg
