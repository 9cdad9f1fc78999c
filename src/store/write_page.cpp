// One page, one transaction: the items are upserted by contentid and the page's checkpoint is
// recorded with them, so a crash loses at most the pages in memory and a resumed run never fetches
// a stored page again. Pages that arrived while the writer was busy share one transaction: each
// commit rewrites the index pages its inserts touched, and the contentid index takes random keys. This is the hot path of a collection: statements are prepared once, text is
// bound without copies, and raw_json is the item's text as received.
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "kto/store/database.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace {

struct ItemColumn {
  std::string_view key;  // the item's field
  const char* column;    // its column in restaurants
  bool real;             // stored as REAL (coordinates), NULL when not a number
};

// The item's fields in the order of the upsert's first parameters (?1 … ?26), which is the order
// the service sends them in (areaBasedSyncList2 adds showflag after zipcode): reading an item then
// costs one comparison a field.
constexpr std::array<ItemColumn, 26> k_item_columns{{
    {"addr1", "addr1", false},                 {"addr2", "addr2", false},
    {"areacode", "areacode", false},           {"cat1", "cat1", false},
    {"cat2", "cat2", false},                   {"cat3", "cat3", false},
    {"contentid", "contentid", false},         {"contenttypeid", "contenttypeid", false},
    {"createdtime", "createdtime", false},     {"firstimage", "firstimage", false},
    {"firstimage2", "firstimage2", false},     {"cpyrhtDivCd", "cpyrht_div_cd", false},
    {"mapx", "mapx", true},                    {"mapy", "mapy", true},
    {"mlevel", "mlevel", false},               {"modifiedtime", "modifiedtime", false},
    {"sigungucode", "sigungucode", false},     {"tel", "tel", false},
    {"title", "title", false},                 {"zipcode", "zipcode", false},
    {"showflag", "showflag", false},           {"lDongRegnCd", "ldong_regn_cd", false},
    {"lDongSignguCd", "ldong_signgu_cd", false}, {"lclsSystm1", "lcls_systm1", false},
    {"lclsSystm2", "lcls_systm2", false},      {"lclsSystm3", "lcls_systm3", false},
}};
constexpr int k_contentid = 6;
constexpr int k_showflag = 20;
static_assert(k_item_columns[k_contentid].key == "contentid");
static_assert(k_item_columns[k_showflag].key == "showflag");
// Parameters after the item's fields.
constexpr int k_param_area_code = 27;
constexpr int k_param_raw_json = 28;
constexpr int k_param_first_seen = 29;
constexpr int k_param_last_seen = 30;
constexpr int k_param_hidden = 31;

// sync: the statement for sync-list pages, where a hidden item must not erase what the row knew.
// A listing page never hides (hidden is always 0), so its statement skips those CASEs: the
// nightly run rewrites every row, and 26 fewer expressions a row is a measurable share of it.
std::string build_upsert_sql(bool sync) {
  std::string cols;
  std::string params;
  std::string updates;
  for (std::size_t i = 0; i < k_item_columns.size(); ++i) {
    const std::string col = k_item_columns[i].column;
    cols += col + ", ";
    params += "?" + std::to_string(i + 1) + ", ";
    if (i == k_contentid) continue;
    // The sync list blanks most codes of a hidden item: a blank there is not news, so a hidden
    // item keeps the values (and the province) the row already had.
    if (sync)
      updates += col + " = CASE WHEN excluded.hidden = 1 THEN COALESCE(NULLIF(excluded." + col +
                 ", ''), restaurants." + col + ") ELSE excluded." + col + " END, ";
    else
      updates += col + " = excluded." + col + ", ";
  }
  const std::string area_code =
      sync ? "area_code = CASE WHEN excluded.hidden = 1 AND restaurants.area_code <> 0 "
             "THEN restaurants.area_code ELSE excluded.area_code END, "
           : "area_code = excluded.area_code, ";
  // first_seen_at is left out of the update: it keeps the day the item was first listed.
  return "INSERT INTO restaurants (" + cols +
         "area_code, raw_json, first_seen_at, last_seen_at, hidden) VALUES (" + params +
         "?27, ?28, ?29, ?30, ?31) ON CONFLICT(contentid) DO UPDATE SET " + updates + area_code +
         "raw_json = excluded.raw_json, last_seen_at = excluded.last_seen_at, "
         "hidden = excluded.hidden";
}

// The column of an item's field, or -1 for a field the table has no column for. The search starts
// after the previous field's column: runs of fields in the table's order cost one comparison.
int column_of(std::string_view key, int& hint) {
  const int n = static_cast<int>(k_item_columns.size());
  int i = hint;
  for (int k = 0; k < n; ++k) {
    if (k_item_columns[static_cast<std::size_t>(i)].key == key) {
      hint = i + 1 == n ? 0 : i + 1;
      return i;
    }
    if (++i == n) i = 0;
  }
  return -1;
}

// Reads every field in one pass over the item. The service sends strings, but numbers (and worse)
// must not be lost: everything becomes text, an object or array its JSON. The views point into
// the page's document, alive until the step.
void read_fields(util::JsonValue item, std::array<std::string_view, k_item_columns.size()>& values) {
  values.fill({});
  int hint = 0;
  for (std::size_t i = 0; i < item.size(); ++i) {
    const int column = column_of(item.key_at(i), hint);
    if (column < 0) continue;
    const util::JsonValue value = item.at(i);
    values[static_cast<std::size_t>(column)] = value.is_null() ? std::string_view{} : value.text();
  }
}

std::optional<double> parse_real(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

void bind_fields(sqlite3_stmt* stmt, const std::array<std::string_view, k_item_columns.size()>& values) {
  for (std::size_t i = 0; i < k_item_columns.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (!k_item_columns[i].real) {
      bind_view(stmt, index, values[i]);
    } else if (auto real = parse_real(values[i])) {
      sqlite3_bind_double(stmt, index, *real);
    } else {
      sqlite3_bind_null(stmt, index);
    }
  }
}

}  // namespace

Result<UpsertStats> Database::write_page(const PageWrite& page) {
  auto stats = write_pages({&page, 1});
  if (!stats) return stats.error();
  return stats->front();
}

Result<std::vector<UpsertStats>> Database::write_pages(std::span<const PageWrite> pages) {
  if (auto ok = exec("BEGIN IMMEDIATE", "starting to store a page"); !ok) return ok.error();
  std::vector<UpsertStats> all;
  all.reserve(pages.size());
  Result<void> ok;
  for (const PageWrite& page : pages) {
    auto stats = upsert_items(page);
    ok = stats ? insert_checkpoint(page) : Result<void>{stats.error()};
    if (!ok) break;
    all.push_back(*stats);
  }
  if (ok) ok = exec("COMMIT", "storing a page");
  if (!ok) {
    // The error's message was taken before: ROLLBACK would overwrite sqlite3_errmsg.
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return ok.error();
  }
  return all;
}

Result<UpsertStats> Database::upsert_items(const PageWrite& page) {
  static const std::string list_sql = build_upsert_sql(false);
  static const std::string sync_sql = build_upsert_sql(true);
  auto upsert = statement(page.from_sync_list ? sync_sql : list_sql);
  if (!upsert) return upsert.error();
  StmtGuard upsert_guard(*upsert);
  std::array<std::string_view, k_item_columns.size()> values;
  std::string raw;
  UpsertStats stats;
  bind_view(*upsert, k_param_first_seen, page.now);
  bind_view(*upsert, k_param_last_seen, page.now);
  for (const StoredItem& stored : page.items) {
    read_fields(stored.item, values);
    if (values[k_contentid].empty()) {
      ++stats.skipped;
      continue;
    }
    sqlite3_reset(*upsert);
    bind_fields(*upsert, values);
    const bool hidden = page.from_sync_list && values[k_showflag] == "0";
    // raw_json is the item's own text; a pretty-printed answer is stored without its indentation.
    std::string_view raw_text = stored.item.raw();
    if (!stored.item.compact()) {
      raw.clear();
      util::json_minify(raw_text, raw);
      raw_text = raw;
    }
    bind_int(*upsert, k_param_area_code, stored.area_code);
    bind_view(*upsert, k_param_raw_json, raw_text);
    bind_int(*upsert, k_param_hidden, hidden ? 1 : 0);

    // An insert sets the last rowid; the DO UPDATE of an upsert leaves it alone. Rowids of this
    // table are never 0, so a 0 left in place tells an update without a second look-up (a
    // contentid twice in one page counts once as each).
    sqlite3_set_last_insert_rowid(m_db, 0);
    const int rc = sqlite3_step(*upsert);
    if (rc != SQLITE_DONE) return error(rc, "storing item " + std::string(values[k_contentid]));
    ++(sqlite3_last_insert_rowid(m_db) != 0 ? stats.inserted : stats.updated);
    if (hidden) ++stats.hidden;
  }
  return stats;
}

Result<void> Database::insert_checkpoint(const PageWrite& page) {
  static const std::string sql =
      "INSERT INTO run_pages (run_id, scope, page_size, page_no, total_count, rows, done_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, scope, page_size, page_no) DO UPDATE SET "
      "total_count = excluded.total_count, rows = excluded.rows, done_at = excluded.done_at";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  const PageCheckpoint& cp = page.checkpoint;
  bind_int(*stmt, 1, page.run_id);
  bind_view(*stmt, 2, cp.scope);
  bind_int(*stmt, 3, cp.page_size);
  bind_int(*stmt, 4, cp.page_no);
  bind_int(*stmt, 5, cp.total_count);
  bind_int(*stmt, 6, cp.rows);
  bind_view(*stmt, 7, page.now);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_DONE) return error(rc, "recording the checkpoint of " + cp.scope + " page " +
                                              std::to_string(cp.page_no));
  return {};
}

}  // namespace kto::store
