#include "pg_errors.hpp"

#include <string>

#include "kto/util/secrets.hpp"

namespace kto::store::pg {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// libpq's message on one line (it may span several, and ends with a newline), masked.
std::string one_line(std::string_view message) {
  std::string out;
  for (char c : message) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return util::redact(out);
}

std::string sqlstate(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr ? state : "";
}

std::string with_doing(std::string_view doing) {
  return doing.empty() ? std::string() : " (" + std::string(doing) + ")";
}

}  // namespace

Error connect_error(PGconn* conn, std::string_view display_url) {
  const std::string message = conn != nullptr ? one_line(PQerrorMessage(conn)) : "";
  const std::string where = std::string(display_url);
  if (conn != nullptr && PQconnectionNeedsPassword(conn))
    return make_error("PostgreSQL " + where + "이(가) 비밀번호를 요구합니다: URL에 " +
                          "postgresql://사용자:비밀번호@… 로 넣거나 ~/.pgpass에 적으세요",
                      ExitCode::usage);
  if (contains(message, "password authentication failed") || contains(message, "28P01"))
    return make_error("PostgreSQL " + where + "의 비밀번호가 틀렸습니다: --db / KTO_DATABASE_URL의 " +
                          "사용자와 비밀번호를 확인하세요",
                      ExitCode::usage);
  if (contains(message, "database") && contains(message, "does not exist"))
    return make_error("PostgreSQL " + where + "에 그 데이터베이스가 없습니다: createdb로 만들거나 " +
                          "URL의 데이터베이스 이름을 고치세요",
                      ExitCode::usage);
  if (contains(message, "role") && contains(message, "does not exist"))
    return make_error("PostgreSQL " + where + "에 그 사용자(role)가 없습니다: URL의 사용자 이름을 " +
                          "고치거나 createuser로 만드세요",
                      ExitCode::usage);
  if (contains(message, "Connection refused") || contains(message, "could not connect") ||
      contains(message, "timeout expired") || contains(message, "could not translate host") ||
      contains(message, "No route to host") || contains(message, "Network is unreachable"))
    return make_error("PostgreSQL 서버 " + where + "에 연결할 수 없습니다: 서버가 켜져 있는지, " +
                      "호스트와 포트가 맞는지, 방화벽이 막지 않는지 확인하세요 (" + message + ")");
  return make_error("PostgreSQL " + where + "에 연결하지 못했습니다: " + message);
}

Error statement_error(const PGresult* result, PGconn* conn, std::string_view doing,
                      std::string_view display_url) {
  const std::string state = sqlstate(result);
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message =
      one_line(primary != nullptr ? std::string_view(primary)
                                  : std::string_view(conn != nullptr ? PQerrorMessage(conn) : ""));
  if (is_connection_lost(result, conn))
    return make_error("PostgreSQL 서버 " + std::string(display_url) + "와(과)의 연결이 끊겼습니다" +
                      with_doing(doing) + ": 서버가 재시작되었는지 확인하고 다시 실행하세요 (" +
                      "끝난 부분은 저장되어 있고 --resume이 이어서 합니다)");
  if (state == "57014")
    return make_error("PostgreSQL 문장이 statement_timeout을 넘겨 취소되었습니다" + with_doing(doing) +
                      ": 서버의 잠금과 부하를 확인하고 다시 실행하세요");
  if (state == "42P07")
    return foreign_tables_error(display_url, message);
  return make_error("PostgreSQL 오류" + with_doing(doing) + ": " + message +
                    (state.empty() ? "" : " [" + state + "]"));
}

bool is_connection_lost(const PGresult* result, PGconn* conn) {
  const std::string state = sqlstate(result);
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
    return true;
  return conn == nullptr || PQstatus(conn) == CONNECTION_BAD;
}

bool is_retryable(const PGresult* result) {
  const std::string state = sqlstate(result);
  return state == "40001" || state == "40P01";
}

Error foreign_tables_error(std::string_view display_url, std::string_view tables) {
  return make_error("PostgreSQL " + std::string(display_url) + "에 kto-collector가 만들지 않은 " +
                    "같은 이름의 테이블이 있습니다 (" + std::string(tables) + "): 아무것도 쓰지 " +
                    "않았습니다. 다른 데이터베이스를 쓰거나 URL에 ?options=-csearch_path%3Dkto 로 " +
                    "다른 스키마를 주세요");
}

}  // namespace kto::store::pg
