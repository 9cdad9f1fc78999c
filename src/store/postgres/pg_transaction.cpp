// Connection::transaction: rerun on a lost connection, never twice (pg_connection.hpp).
#include <spdlog/spdlog.h>

#include <libpq-fe.h>

#include "pg_connection.hpp"
#include "pg_errors.hpp"

namespace kto::store::pg {

Result<void> Connection::transaction(const std::function<Result<void>(Connection&)>& body,
                                     std::string_view doing) {
  Result<void> last{};
  for (int attempt = 0; attempt <= m_options.max_retries; ++attempt) {
    bool retry = false;
    last = run_once(body, doing, retry);
    if (last || !retry) return last;
    spdlog::warn("PostgreSQL 트랜잭션을 처음부터 다시 실행합니다 ({}, {}번째): {}", doing,
                 attempt + 1, last.error().message);
  }
  return last;
}

// One attempt. retry is set when the attempt failed in a way that a rerun may fix and that left
// nothing of it in the database.
Result<void> Connection::run_once(const std::function<Result<void>(Connection&)>& body,
                                  std::string_view doing, bool& retry) {
  retry = false;
  auto begin = exec("BEGIN", {}, doing);
  if (!begin) {
    retry = m_retryable;
    return begin.error();
  }
  m_in_transaction = true;
  Result<void> done = body_and_commit(body, doing, retry);
  m_in_transaction = false;
  return done;
}

Result<void> Connection::body_and_commit(const std::function<Result<void>(Connection&)>& body,
                                         std::string_view doing, bool& retry) {
  // The transaction's id, assigned now, so that after a lost COMMIT the server can say whether
  // it committed.
  auto xid = exec("SELECT txid_current()::text", {}, doing);
  Result<void> done = xid ? body(*this) : Result<void>{xid.error()};
  if (!done) {
    retry = m_retryable;
    if (!m_lost) (void)exec("ROLLBACK", {}, doing);
    return done;
  }
  auto commit = exec("COMMIT", {}, doing);
  // A transaction that failed inside (an error body let pass) ends in ROLLBACK, not COMMIT.
  if (commit && commit->command() == "ROLLBACK")
    return make_error("PostgreSQL 트랜잭션이 오류로 취소되었습니다 (" + std::string(doing) +
                      "): 저장되지 않았습니다. 로그의 앞선 오류를 확인하세요");
  if (commit) return {};
  if (!m_lost) {
    retry = m_retryable;
    return commit.error();
  }
  // The connection died while COMMIT was on its way: it may or may not have committed.
  m_in_transaction = false;
  const std::string id(xid->text(0, 0));
  auto outcome = committed(id, doing);
  if (!outcome) return outcome.error();
  if (!outcome->has_value())
    return make_error("PostgreSQL 서버와의 연결이 COMMIT 중에 끊겨 (" + std::string(doing) +
                      ") 저장되었는지 알 수 없습니다: 서버 상태를 확인하고 --resume으로 다시 실행하세요");
  if (**outcome) return {};
  retry = true;
  return commit.error();
}

// Whether transaction xid committed: true, false (aborted: rerun it), nullopt (unknown).
Result<std::optional<bool>> Connection::committed(const std::string& xid, std::string_view doing) {
  auto rows = exec("SELECT txid_status($1::bigint)", {xid}, doing);
  if (!rows) return rows.error();
  if (rows->is_null(0, 0)) return std::optional<bool>{};
  const std::string_view status = rows->text(0, 0);
  if (status == "committed") return std::optional<bool>{true};
  if (status == "aborted") return std::optional<bool>{false};
  return std::optional<bool>{};  // "in progress" after its session died cannot last; unknown
}

}  // namespace kto::store::pg
