// Reading the restaurants back: counts and exports. Exports stream row by row from one SELECT
// (one consistent snapshot under WAL), so their memory does not grow with the table.
//
// CSV: RFC 4180 — a header row, CRLF line ends, a field quoted when it holds a comma, a quote, CR
// or LF, quotes doubled. UTF-8 as stored, without a byte order mark, so that scripts (cut, Python's
// csv, pandas) read the first column name cleanly; Excel users import it as UTF-8.
// JSONL: one object a line, columns in table order, INTEGER/REAL as JSON numbers, NULL as null.
// raw_json is left out of both: it repeats the columns in the service's spelling (so are
// common_json and intro_json). The details follow a row's columns (docs/contracts.md "Details"):
// in CSV their columns (empty when none; the detail tel as detail_tel, beside the listing's tel)
// and the originimgurl of its images, space-separated, as item_images and menu_images; in JSONL a
// "details" object (null when none) and an "images" list.
#include <nlohmann/json.hpp>

#include <array>
#include <exception>
#include <string_view>
#include <vector>

#include "detail_columns.hpp"
#include "export_text.hpp"
#include "sqlite_store.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace {

constexpr std::string_view k_raw_json = "raw_json";

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

// Every restaurants column (r.*: columns added by later migrations are exported without touching
// this file), the details' presence and columns, then each image kind's URLs.
std::string export_sql() {
  std::string sql = "SELECT r.*, d.contentid";
  for (std::string_view column : k_detail_export_columns) sql += ", d." + std::string(column);
  for (std::string_view kind : {"item", "menu"})
    sql += ", (SELECT group_concat(originimgurl, ' ') FROM restaurant_images i WHERE i.contentid "
           "= r.contentid AND i.kind = '" + std::string(kind) + "')";
  return sql + " FROM restaurants r LEFT JOIN restaurant_details d ON d.contentid = r.contentid "
               "ORDER BY r.contentid";
}

// Where a row's parts are in export_sql's result.
struct ExportLayout {
  std::vector<int> restaurant;  // restaurants' columns but raw_json
  int details = 0;              // d.contentid: NULL when the row has no details
  int first_detail() const { return details + 1; }
  int first_images() const { return first_detail() + static_cast<int>(k_detail_export_columns.size()); }
};

ExportLayout layout_of(sqlite3_stmt* stmt) {
  ExportLayout layout;
  layout.details = sqlite3_column_count(stmt) - static_cast<int>(k_detail_export_columns.size()) - 3;
  for (int i = 0; i < layout.details; ++i)
    if (sqlite3_column_name(stmt, i) != k_raw_json) layout.restaurant.push_back(i);
  return layout;
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
  const ExportLayout layout = layout_of(stmt);
  for (std::size_t i = 0; i < layout.restaurant.size(); ++i) {
    if (i > 0) out << ',';
    write_csv_field(out, sqlite3_column_name(stmt, layout.restaurant[i]));
  }
  write_csv_detail_header(out);
  const int columns = sqlite3_column_count(stmt);
  int rc = SQLITE_ROW;
  while (out && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    for (std::size_t i = 0; i < layout.restaurant.size(); ++i) {
      if (i > 0) out << ',';
      // NULL (a coordinate that was not a number, details never fetched) becomes an empty field.
      write_csv_field(out, column_view(stmt, layout.restaurant[i]));
    }
    for (int i = layout.first_detail(); i < columns; ++i) {
      out << ',';
      write_csv_field(out, column_view(stmt, i));
    }
    out << "\r\n";
    ++rows;
  }
  return rc;
}

constexpr const char* k_images_sql =
    "SELECT kind, serialnum, originimgurl, smallimageurl, imgname, cpyrht_div_cd FROM "
    "restaurant_images WHERE contentid = ?1 ORDER BY kind, rowid";

// The row's images, both kinds, in the order they were received; false when reading failed.
bool images_json(sqlite3_stmt* stmt, std::string_view contentid, nlohmann::ordered_json& images) {
  StmtGuard guard(stmt);
  bind_view(stmt, 1, contentid);
  images = nlohmann::ordered_json::array();
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    nlohmann::ordered_json image = nlohmann::ordered_json::object();
    for (int i = 0; i < sqlite3_column_count(stmt); ++i)
      image[sqlite3_column_name(stmt, i)] = column_text(stmt, i);
    images.push_back(std::move(image));
  }
  return rc == SQLITE_DONE;
}

int stream_jsonl(sqlite3_stmt* stmt, sqlite3_stmt* images_stmt, std::ostream& out,
                 long long& rows) {
  const ExportLayout layout = layout_of(stmt);
  int rc = SQLITE_ROW;
  while (out && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    for (int i : layout.restaurant) row[sqlite3_column_name(stmt, i)] = column_json(stmt, i);
    nlohmann::ordered_json details = nullptr;
    if (sqlite3_column_type(stmt, layout.details) != SQLITE_NULL) {
      details = nlohmann::ordered_json::object();
      for (std::size_t i = 0; i < k_detail_export_columns.size(); ++i)
        details[k_detail_export_columns[i]] =
            column_json(stmt, layout.first_detail() + static_cast<int>(i));
    }
    row["details"] = std::move(details);
    if (!images_json(images_stmt, column_view(stmt, 0), row["images"])) return SQLITE_ERROR;
    // Real data is not clean: invalid UTF-8 becomes U+FFFD instead of throwing.
    out << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    ++rows;
  }
  return rc;
}

}  // namespace

Result<long long> SqliteStore::export_rows(std::ostream& out, bool csv) {
  static const std::string sql = export_sql();
  const std::string format = csv ? "CSV" : "JSONL";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  auto images = statement(k_images_sql);
  if (!images) return images.error();
  long long rows = 0;
  int rc = SQLITE_DONE;
  try {
    rc = csv ? stream_csv(*stmt, out, rows) : stream_jsonl(*stmt, *images, out, rows);
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
