#include "pg_connection.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <thread>

#include "kto/util/secrets.hpp"
#include "pg_errors.hpp"

namespace kto::store::pg {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Waits before the reconnection attempts: a restarting server takes a few seconds to accept
// connections again, so the last waits are the longest (about 8 s in all).
constexpr std::array<std::chrono::milliseconds, 6> k_reconnect_waits{
    std::chrono::milliseconds(0),    std::chrono::milliseconds(200),
    std::chrono::milliseconds(500),  std::chrono::milliseconds(1000),
    std::chrono::milliseconds(2000), std::chrono::milliseconds(4000)};

// The server's notices (e.g. "relation already exists, skipping") go to the debug log, masked,
// instead of libpq's default, stderr.
void log_notice(void* /*arg*/, const char* message) {
  std::string text = util::redact(message != nullptr ? message : "");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  spdlog::debug("PostgreSQL 알림: {}", text);
}

// The password of the URL, as libpq parses it (URL or key=value form), for util::redact.
void register_url_password(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (std::string_view(o->keyword) == "password" && o->val != nullptr)
      util::register_password(o->val);
  PQconninfoFree(options);
}

}  // namespace

Rows::Rows(PGresult* result) : m_result(result, PQclear) {}
int Rows::size() const { return PQntuples(m_result.get()); }
int Rows::columns() const { return PQnfields(m_result.get()); }
bool Rows::is_null(int row, int col) const { return PQgetisnull(m_result.get(), row, col) == 1; }
std::string_view Rows::text(int row, int col) const {
  return {PQgetvalue(m_result.get(), row, col),
          static_cast<std::size_t>(PQgetlength(m_result.get(), row, col))};
}

std::string_view Rows::command() const {
  const char* tag = PQcmdStatus(m_result.get());
  return tag != nullptr ? tag : "";
}

int Connection::backend_pid() const { return m_conn != nullptr ? PQbackendPID(m_conn) : 0; }

long long Rows::integer(int row, int col) const {
  const std::string_view value = text(row, col);
  long long out = 0;
  std::from_chars(value.data(), value.data() + value.size(), out);
  return out;
}

long long Rows::affected() const {
  const char* tuples = PQcmdTuples(m_result.get());
  long long out = 0;
  if (tuples != nullptr) std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), out);
  return out;
}

Connection::Connection(ConnectOptions options)
    : m_options(std::move(options)), m_display_url(util::mask_url_password(m_options.url)) {
  if (!m_options.sleep)
    m_options.sleep = [](std::chrono::milliseconds wait) { std::this_thread::sleep_for(wait); };
}

Connection::~Connection() {
  if (m_conn != nullptr) PQfinish(m_conn);
}

Result<std::unique_ptr<Connection>> Connection::open(ConnectOptions options) {
  register_url_password(options.url);
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string why = parse_error != nullptr ? util::redact(parse_error) : "";
    if (parse_error != nullptr) PQfreemem(parse_error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return make_error("PostgreSQL URL " + util::mask_url_password(options.url) + "을(를) 읽을 수 " +
                          "없습니다 (" + why + "): postgresql://사용자:비밀번호@호스트:포트/DB 꼴로 주세요",
                      ExitCode::usage);
  }
  PQconninfoFree(parsed);
  std::unique_ptr<Connection> conn(new Connection(std::move(options)));
  if (auto ok = conn->connect(); !ok) return ok.error();
  return conn;
}

Result<void> Connection::connect() {
  if (m_conn != nullptr) PQfinish(m_conn);
  const std::string timeout = std::to_string(m_options.connect_timeout_s);
  // Our settings come first: what the URL itself says (expanded from dbname) overrides them.
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "kto-collector", "UTF8", m_options.url.c_str(), nullptr};
  m_conn = PQconnectdbParams(keywords, values, 1);
  if (m_conn == nullptr || PQstatus(m_conn) != CONNECTION_OK) return connect_error(m_conn, m_display_url);
  PQsetNoticeProcessor(m_conn, log_notice, nullptr);
  const std::string session = "SET statement_timeout = " +
                              std::to_string(m_options.statement_timeout_ms) +
                              "; SET TimeZone = 'Asia/Seoul'";
  ResultPtr result(PQexec(m_conn, session.c_str()), PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    return statement_error(result.get(), m_conn, "세션 설정 중", m_display_url);
  m_lost = false;
  return {};
}

Result<void> Connection::reconnect() {
  Result<void> last{};
  for (auto wait : k_reconnect_waits) {
    if (wait.count() > 0) m_options.sleep(wait);
    last = connect();
    if (last) break;
  }
  if (!last) return lost_error("다시 연결하는 중");
  ++m_reconnects;
  spdlog::warn("PostgreSQL 서버 {}에 다시 연결했습니다", m_display_url);
  // The server dropped the session's advisory locks with the session: take them again.
  for (const std::string& name : m_locks) {
    auto rows = exec("SELECT pg_try_advisory_lock($1::bigint)", {std::to_string(lock_key(name))},
                     "잠금을 다시 잡는 중");
    if (!rows) return rows.error();
    if (rows->text(0, 0) != "t")
      return make_error("PostgreSQL 연결이 끊긴 사이 다른 실행이 '" + name + "' 잠금을 가져갔습니다: " +
                            "그 실행이 끝난 뒤 다시 실행하세요",
                        ExitCode::locked);
  }
  return {};
}

Error Connection::lost_error(std::string_view doing) const {
  return make_error("PostgreSQL 서버 " + m_display_url + "와(과)의 연결이 끊겼고 다시 연결하지 " +
                    "못했습니다 (" + std::string(doing) + "): 서버가 켜져 있는지 확인하고 다시 " +
                    "실행하세요 (끝난 부분은 저장되어 있고 --resume이 이어서 합니다)");
}

void Connection::note_failure(const PGresult* result) {
  m_lost = is_connection_lost(result, m_conn);
  m_retryable = m_lost || is_retryable(result);
}

Result<Rows> Connection::exec(std::string_view sql, std::span<const Param> params,
                              std::string_view doing) {
  if (m_conn == nullptr || PQstatus(m_conn) == CONNECTION_BAD) {
    // Inside a transaction a new session would run the statement outside it (a COMMIT there
    // "succeeds" with nothing to commit): the transaction fails and transaction() decides.
    if (m_in_transaction) {
      m_lost = m_retryable = true;
      return statement_error(nullptr, m_conn, doing, m_display_url);
    }
    if (auto ok = reconnect(); !ok) return ok.error();
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string text(sql);
  // Without parameters, the simple protocol, which also runs several statements (migrations).
  PGresult* raw = values.empty()
                      ? PQexec(m_conn, text.c_str())
                      : PQexecParams(m_conn, text.c_str(), static_cast<int>(values.size()),
                                     nullptr, values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    m_lost = m_retryable = false;
    return Rows(raw);
  }
  ResultPtr failed(raw, PQclear);
  note_failure(raw);
  return statement_error(raw, m_conn, doing, m_display_url);
}

}  // namespace kto::store::pg
