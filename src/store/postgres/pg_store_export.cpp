// Exports from PostgreSQL, byte for byte SQLite's (export.cpp) for the same rows: the same columns
// in the same order, rows by contentid in byte order (COLLATE "C", SQLite's BINARY), times as the
// text SQLite keeps, coordinates in CSV as SQLite renders a REAL (its own printf, "%!.15g") and in
// JSONL as the same doubles. The details follow as on SQLite: their columns (times as SQLite's
// text), each image kind's originimgurls in the order received, in JSONL the images as a list.
// Rows stream through a cursor, so memory does not grow with the table.
#include <sqlite3.h>

#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>

#include "../detail_columns.hpp"
#include "../export_text.hpp"
#include "pg_store.hpp"
#include "pg_store_util.hpp"

namespace kto::store {
namespace {

enum class Kind { text, real, integer };

struct ExportColumn {
  const char* name;
  Kind kind;
  bool time = false;  // TIMESTAMPTZ, exported as SQLite's text
};

// SQLite's restaurants without raw_json, in table order.
const std::vector<ExportColumn>& export_columns() {
  static const std::vector<ExportColumn> k_columns{
      {"contentid", Kind::text},       {"contenttypeid", Kind::text},   {"title", Kind::text},
      {"addr1", Kind::text},           {"addr2", Kind::text},           {"zipcode", Kind::text},
      {"tel", Kind::text},             {"areacode", Kind::text},        {"sigungucode", Kind::text},
      {"cat1", Kind::text},            {"cat2", Kind::text},            {"cat3", Kind::text},
      {"ldong_regn_cd", Kind::text},   {"ldong_signgu_cd", Kind::text}, {"lcls_systm1", Kind::text},
      {"lcls_systm2", Kind::text},     {"lcls_systm3", Kind::text},     {"mapx", Kind::real},
      {"mapy", Kind::real},            {"mlevel", Kind::text},          {"firstimage", Kind::text},
      {"firstimage2", Kind::text},     {"cpyrht_div_cd", Kind::text},   {"createdtime", Kind::text},
      {"modifiedtime", Kind::text},    {"showflag", Kind::text},        {"area_code", Kind::integer},
      {"first_seen_at", Kind::text, true}, {"last_seen_at", Kind::text, true},
      {"hidden", Kind::integer}};
  return k_columns;
}

// The details' columns (k_detail_export_columns). The SELECT has the restaurant's columns,
// d.contentid (NULL: no details), these, each image kind's URLs and the images as a JSON list.
const std::vector<ExportColumn>& detail_columns() {
  static const std::vector<ExportColumn> k_columns = [] {
    std::vector<ExportColumn> columns;
    for (std::string_view name : k_detail_export_columns)  // literals: data() ends with a NUL
      columns.push_back({name.data(), Kind::text, name.ends_with("_fetched_at")});
    return columns;
  }();
  return k_columns;
}

int first_detail() { return static_cast<int>(export_columns().size()) + 1; }
int first_images() { return first_detail() + static_cast<int>(detail_columns().size()); }

constexpr int k_fetch_rows = 2000;

double parse_double(std::string_view text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// A REAL as SQLite turns it into text (sqlite3VdbeMemStringify: "%!.15g").
std::string sqlite_real_text(std::string_view text) {
  char* printed = sqlite3_mprintf("%!.15g", parse_double(text));
  std::string out = printed != nullptr ? printed : "";
  sqlite3_free(printed);
  return out;
}

void csv_header(std::ostream& out) {
  for (std::size_t c = 0; c < export_columns().size(); ++c)
    out << (c > 0 ? "," : "") << export_columns()[c].name;
  write_csv_detail_header(out);
}

void csv_row(const pg::Rows& rows, int r, std::ostream& out) {
  const auto& columns = export_columns();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const int col = static_cast<int>(c);
    if (c > 0) out << ',';
    if (rows.is_null(r, col)) continue;  // a coordinate that was not a number: an empty field
    if (columns[c].kind == Kind::real) write_csv_field(out, sqlite_real_text(rows.text(r, col)));
    else write_csv_field(out, rows.text(r, col));
  }
  // The details and both kinds' URLs: NULL (none) is an empty field.
  for (int col = first_detail(); col < first_images() + 2; ++col) {
    out << ',';
    if (!rows.is_null(r, col)) write_csv_field(out, rows.text(r, col));
  }
  out << "\r\n";
}

void jsonl_row(const pg::Rows& rows, int r, std::ostream& out) {
  const auto& columns = export_columns();
  nlohmann::ordered_json row = nlohmann::ordered_json::object();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const int col = static_cast<int>(c);
    auto& field = row[columns[c].name];
    if (rows.is_null(r, col)) field = nullptr;
    else if (columns[c].kind == Kind::real) field = parse_double(rows.text(r, col));
    else if (columns[c].kind == Kind::integer) field = static_cast<std::int64_t>(rows.integer(r, col));
    else field = std::string(rows.text(r, col));
  }
  nlohmann::ordered_json details = nullptr;
  if (!rows.is_null(r, first_detail() - 1)) {
    details = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < detail_columns().size(); ++c) {
      const int col = first_detail() + static_cast<int>(c);
      details[detail_columns()[c].name] =
          rows.is_null(r, col) ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(std::string(rows.text(r, col)));
    }
  }
  row["details"] = std::move(details);
  // json_build_object keeps its keys in the order given, SQLite's columns'.
  row["images"] = nlohmann::ordered_json::parse(rows.text(r, first_images() + 2), nullptr, false);
  out << row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

std::string select_sql() {
  std::string cols;
  for (const ExportColumn& c : export_columns())
    cols += (cols.empty() ? "" : ", ") + (c.time ? pg::iso_kst("r." + std::string(c.name))
                                                 : "r." + std::string(c.name));
  cols += ", d.contentid";
  for (const ExportColumn& c : detail_columns())
    cols += ", " + (c.time ? pg::iso_kst("d." + std::string(c.name)) : "d." + std::string(c.name));
  // SQLite's images in the order received: its rowid, here the identity column.
  for (const char* kind : {"item", "menu"})
    cols += ", (SELECT string_agg(originimgurl, ' ' ORDER BY id) FROM restaurant_images i "
            "WHERE i.contentid = r.contentid AND i.kind = '" + std::string(kind) + "')";
  cols += ", (SELECT COALESCE(json_agg(json_build_object('kind', kind, 'serialnum', serialnum, "
          "'originimgurl', originimgurl, 'smallimageurl', smallimageurl, 'imgname', imgname, "
          "'cpyrht_div_cd', cpyrht_div_cd) ORDER BY kind COLLATE \"C\", id), '[]') "
          "FROM restaurant_images i WHERE i.contentid = r.contentid)";
  return "DECLARE kto_export NO SCROLL CURSOR FOR SELECT " + cols +
         " FROM restaurants r LEFT JOIN restaurant_details d ON d.contentid = r.contentid"
         " ORDER BY r.contentid COLLATE \"C\"";
}

}  // namespace

Result<long long> PgStore::export_rows(std::ostream& out, bool csv) {
  const std::string format = csv ? "CSV" : "JSONL";
  const std::string what = doing(format + " 내보내는 중");
  // Not transaction(): rows already written cannot be taken back, so a lost connection is an error.
  if (auto begun = m_conn->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}, what); !begun)
    return begun.error();
  long long written = 0;
  auto streamed = [&]() -> Result<void> {
    if (auto declared = m_conn->exec(select_sql(), {}, what); !declared) return declared.error();
    if (csv) csv_header(out);
    while (out) {
      auto rows = m_conn->exec("FETCH " + std::to_string(k_fetch_rows) + " FROM kto_export", {}, what);
      if (!rows) return rows.error();
      for (int r = 0; r < rows->size() && out; ++r, ++written)
        csv ? csv_row(*rows, r, out) : jsonl_row(*rows, r, out);
      if (rows->size() < k_fetch_rows) break;
    }
    return {};
  };
  Result<void> done{};
  try {
    done = streamed();
  } catch (const std::exception&) {
    // The stream's own words ("basic_ios::clear: iostream error") tell an operator nothing.
    done = make_error(m_conn->display_url() + "의 " + format + " 내보내기를 쓰지 못했습니다: 출력 스트림 오류");
  }
  (void)m_conn->exec("COMMIT", {}, what);
  if (!done) return done.error();
  if (!out) return make_error(m_conn->display_url() + "의 " + format + " 내보내기를 쓰지 못했습니다");
  return written;
}

Result<long long> PgStore::export_csv(std::ostream& out) { return export_rows(out, true); }

Result<long long> PgStore::export_jsonl(std::ostream& out) { return export_rows(out, false); }

}  // namespace kto::store
