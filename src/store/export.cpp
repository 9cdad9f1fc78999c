// Reading the restaurants back: counts and exports. Exports stream row by row from one SELECT
// (one consistent snapshot under WAL), so their memory does not grow with the table.
//
// CSV: RFC 4180 — a header row, CRLF line ends, a field quoted when it holds a comma, a quote, CR
// or LF, quotes doubled. UTF-8 as stored, without a byte order mark, so that scripts (cut, Python's
// csv, pandas) read the first column name cleanly; Excel users import it as UTF-8.
// JSONL: one object a line, columns in table order, INTEGER/REAL as JSON numbers, NULL as null.
// raw_json is left out of both: it repeats the columns in the service's spelling.
#include <nlohmann/json.hpp>

#include <exception>
#include <string_view>
#include <vector>

#include "sqlite_store.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace {

constexpr std::string_view k_raw_json = "raw_json";

void write_csv_field(std::ostream& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << field;
    return;
  }
  out << '"';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

nlohmann::ordered_json column_json(sqlite3_stmt* stmt, int index) {
  switch (sqlite3_column_type(stmt, index)) {
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_column_int64(stmt, index));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, index);
    case SQLITE_NULL:
      return nullptr;
    default:
      return column_text(stmt, index);
  }
}

// The columns to export: every one but raw_json, so that columns added by later migrations are
// exported without touching this file.
std::vector<int> exported_columns(sqlite3_stmt* stmt) {
  std::vector<int> columns;
  for (int i = 0; i < sqlite3_column_count(stmt); ++i)
    if (sqlite3_column_name(stmt, i) != k_raw_json) columns.push_back(i);
  return columns;
}

}  // namespace

Result<long long> SqliteStore::count_restaurants() {
  static const std::string sql = "SELECT COUNT(*) FROM restaurants";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_ROW) return error(rc, "음식점 수 세는 중");
  return static_cast<long long>(sqlite3_column_int64(*stmt, 0));
}

Result<long long> SqliteStore::count_visible() {
  static const std::string sql = "SELECT COUNT(*) FROM restaurants WHERE hidden = 0";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_ROW) return error(rc, "보이는 음식점 수 세는 중");
  return static_cast<long long>(sqlite3_column_int64(*stmt, 0));
}

Result<std::map<int, long long>> SqliteStore::count_by_area() {
  static const std::string sql =
      "SELECT area_code, COUNT(*) FROM restaurants GROUP BY area_code ORDER BY area_code";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  std::map<int, long long> counts;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW)
    counts[sqlite3_column_int(*stmt, 0)] = static_cast<long long>(sqlite3_column_int64(*stmt, 1));
  if (rc != SQLITE_DONE) return error(rc, "지역별 음식점 수 세는 중");
  return counts;
}

// The loops below stream rows until the end or a failed stream; a stream that throws (exceptions()
// set by the caller) is caught by the public functions, which never throw.
namespace {

int stream_csv(sqlite3_stmt* stmt, std::ostream& out, long long& rows) {
  const std::vector<int> columns = exported_columns(stmt);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out << ',';
    write_csv_field(out, sqlite3_column_name(stmt, columns[i]));
  }
  out << "\r\n";
  int rc = SQLITE_ROW;
  while (out && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out << ',';
      // NULL (a coordinate that was not a number) becomes an empty field.
      write_csv_field(out, column_view(stmt, columns[i]));
    }
    out << "\r\n";
    ++rows;
  }
  return rc;
}

int stream_jsonl(sqlite3_stmt* stmt, std::ostream& out, long long& rows) {
  const std::vector<int> columns = exported_columns(stmt);
  int rc = SQLITE_ROW;
  while (out && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    for (int i : columns) row[sqlite3_column_name(stmt, i)] = column_json(stmt, i);
    // Real data is not clean: invalid UTF-8 becomes U+FFFD instead of throwing.
    out << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    ++rows;
  }
  return rc;
}

}  // namespace

Result<long long> SqliteStore::export_rows(std::ostream& out, bool csv) {
  static const std::string sql = "SELECT * FROM restaurants ORDER BY contentid";
  const std::string format = csv ? "CSV" : "JSONL";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  long long rows = 0;
  int rc = SQLITE_DONE;
  try {
    rc = csv ? stream_csv(*stmt, out, rows) : stream_jsonl(*stmt, out, rows);
  } catch (const std::exception&) {
    // The stream's own words ("basic_ios::clear: iostream error") tell an operator nothing.
    return make_error(m_path.string() + "의 " + format + " 내보내기를 쓰지 못했습니다: 출력 스트림 오류");
  }
  if (!out) return make_error(m_path.string() + "의 " + format + " 내보내기를 쓰지 못했습니다");
  if (rc != SQLITE_DONE) return error(rc, format + " 내보내는 중");
  return rows;
}

Result<long long> SqliteStore::export_csv(std::ostream& out) { return export_rows(out, true); }

Result<long long> SqliteStore::export_jsonl(std::ostream& out) { return export_rows(out, false); }

}  // namespace kto::store
