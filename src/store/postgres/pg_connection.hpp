#pragma once
// A small layer over libpq (issue 18; docs/postgresql.md says why libpq): one connection with
// timeouts, parameterised statements, transactions that survive a lost connection, COPY FROM STDIN
// and advisory locks. Every message it returns or logs is one Korean line with the URL's password
// masked. Not a public header: the PostgreSQL store is its one user.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kto/util/result.hpp"

// libpq's handles, declared as libpq-fe.h declares them, so that users of this header (the tests
// among them) do not need libpq's include folder.
typedef struct pg_conn PGconn;      // NOLINT(modernize-use-using)
typedef struct pg_result PGresult;  // NOLINT(modernize-use-using)

namespace kto::store::pg {

struct ConnectOptions {
  std::string url{};  // postgresql://user:password@host:port/dbname?…
  int connect_timeout_s = 10;
  int statement_timeout_ms = 30000;
  // Times a transaction is run again after a lost connection (or a serialization failure).
  int max_retries = 3;
  // Waits between reconnection attempts; injected so tests decide how long a restart may take.
  std::function<void(std::chrono::milliseconds)> sleep{};
};

using Param = std::optional<std::string>;  // nullopt is SQL NULL
using Row = std::vector<Param>;

// The rows of one statement (owns the PGresult).
class Rows {
 public:
  explicit Rows(PGresult* result);
  int size() const;
  int columns() const;
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  long long integer(int row, int col) const;  // 0 for NULL
  long long affected() const;                 // rows an INSERT/UPDATE/DELETE/COPY touched
  std::string_view command() const;           // the command tag: "COMMIT", "ROLLBACK", …

 private:
  std::shared_ptr<PGresult> m_result;
};

class Connection {
 public:
  // Connects, sets statement_timeout and the session's time zone (Asia/Seoul). The password of
  // the URL is registered with util::redact so no log line, error or server message shows it.
  static Result<std::unique_ptr<Connection>> open(ConnectOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with $1… parameters (text). A lost connection is reconnected by the next call;
  // exec itself never reruns a statement (only transaction() knows what is safe to rerun).
  Result<Rows> exec(std::string_view sql, std::span<const Param> params = {},
                    std::string_view doing = "");
  Result<Rows> exec(std::string_view sql, std::initializer_list<Param> params,
                    std::string_view doing = "") {
    return exec(sql, std::span<const Param>(params.begin(), params.size()), doing);
  }

  // Runs body between BEGIN and COMMIT. When the connection is lost (the server restarted, the
  // session was terminated) or the server asks to retry (serialization failure, deadlock), the
  // transaction is rolled back by the server and body is run again, from the start, on a new
  // connection: nothing lost. When the connection died during COMMIT, the server is asked whether
  // the transaction committed (txid_status) before anything is rerun: nothing twice. body must
  // therefore keep its effects inside the database (or make them idempotent).
  Result<void> transaction(const std::function<Result<void>(Connection&)>& body,
                           std::string_view doing);

  // COPY … FROM STDIN (text format) of rows; returns the rows the server took. Run it inside
  // transaction() to make it rerunnable.
  Result<long long> copy_in(std::string_view copy_sql, std::span<const Row> rows,
                            std::string_view doing);

  // Session advisory locks keyed by a stable hash of name (lock_key): held until unlocked or the
  // connection ends. After a reconnect they are taken again; if another session took one
  // meanwhile, the reconnect fails with exit 5.
  Result<bool> try_advisory_lock(std::string_view name);
  Result<void> advisory_unlock(std::string_view name);
  static std::int64_t lock_key(std::string_view name);

  // The URL as it may be shown: the password as "***".
  const std::string& display_url() const { return m_display_url; }
  int reconnects() const { return m_reconnects; }
  PGconn* handle() { return m_conn; }
  int backend_pid() const;

 private:
  explicit Connection(ConnectOptions options);
  Result<void> connect();
  Result<void> reconnect();
  Result<void> run_once(const std::function<Result<void>(Connection&)>& body,
                        std::string_view doing, bool& retry);
  Result<void> body_and_commit(const std::function<Result<void>(Connection&)>& body,
                               std::string_view doing, bool& retry);
  Result<std::optional<bool>> committed(const std::string& xid, std::string_view doing);
  Error lost_error(std::string_view doing) const;
  void note_failure(const PGresult* result);

  ConnectOptions m_options;
  std::string m_display_url;
  PGconn* m_conn = nullptr;
  bool m_lost = false;        // the last failure was a lost connection
  bool m_retryable = false;   // the last failure asked for the transaction to be rerun
  bool m_in_transaction = false;  // between BEGIN and the end of COMMIT
  int m_reconnects = 0;
  std::set<std::string> m_locks;
};

}  // namespace kto::store::pg
