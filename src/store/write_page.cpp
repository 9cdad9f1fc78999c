// One page, one transaction: the items are upserted by contentid and the page's checkpoint is
// recorded with them, so a crash loses at most the pages in memory and a resumed run never fetches
// a stored page again. Pages that arrived while the writer was busy share one transaction: each
// commit rewrites the index pages its inserts touched, and the contentid index takes random keys.
// This is the hot path of a collection: statements are prepared once, new rows go many to a
// statement, text is bound without copies, and raw_json is the item's text as received.
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "item_columns.hpp"
#include "sqlite_store.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace {

// Rows one insert statement takes. Running a statement has a fixed cost (its three cursors made
// and freed, its halt, the reset) that one-row statements pay for every row (docs/performance.md,
// "Store").
constexpr int k_rows_per_statement = 32;
// ?1 is the time (first_seen_at and last_seen_at); a row's parameters follow, k_params_per_row
// each: its fields (in k_item_columns order), area_code, raw_json, hidden.
constexpr int k_params_per_row = static_cast<int>(k_item_columns.size()) + 3;
constexpr int k_param_area_code = static_cast<int>(k_item_columns.size());  // offsets in a row
constexpr int k_param_raw_json = k_param_area_code + 1;
constexpr int k_param_hidden = k_param_area_code + 2;
static_assert(1 + k_rows_per_statement * k_params_per_row <= 32766,
              "SQLite's limit on parameters (SQLITE_MAX_VARIABLE_NUMBER)");

int row_param(int row, int offset) { return 2 + row * k_params_per_row + offset; }


// "restaurants (columns) VALUES (row 1), (row 2), …" with the parameters above.
std::string columns_and_values(int rows) {
  std::string cols;
  for (const ItemColumn& c : k_item_columns) cols += std::string(c.column) + ", ";
  std::string values;
  for (int row = 0; row < rows; ++row) {
    values += row == 0 ? "(" : ", (";
    for (int offset = 0; offset < k_params_per_row; ++offset) {
      values += "?" + std::to_string(row_param(row, offset)) + ", ";
      if (offset == k_param_raw_json) values += "?1, ?1, ";  // first_seen_at, last_seen_at
    }
    values.resize(values.size() - 2);
    values += ")";
  }
  return "restaurants (" + cols +
         "area_code, raw_json, first_seen_at, last_seen_at, hidden) VALUES " + values;
}

// New rows, many at once. OR FAIL: a contentid already stored stops the statement there and keeps
// the rows before it (the caller upserts the rest one by one), and, unlike the default ABORT, it
// needs no statement journal: with ABORT (or an upsert clause, whose update may abort) SQLite
// copies every page a many-row statement touches before it writes it, which multiplies the
// writes of a run (docs/performance.md, "Store").
std::string build_insert_sql(int rows) { return "INSERT OR FAIL INTO " + columns_and_values(rows); }

// Whether the upsert's DO UPDATE changes what a stored row says (its fields, province or hidden
// flag): a row seen again as it was is unchanged, not updated. An identical raw_json (with the
// same province and flag) settles it at once (CASE evaluates lazily): the nightly case. showflag
// is left out: the listing does not send it, and hidden already says what it means. A hidden sync
// item changes only the fields it does not leave blank (see build_upsert_sql).
std::string changed_condition(bool sync) {
  std::string plain;
  std::string hidden_item;
  for (std::size_t i = 0; i < k_item_columns.size(); ++i) {
    if (i == k_contentid || i == k_showflag) continue;
    const std::string col = k_item_columns[i].column;
    plain += "excluded." + col + " IS NOT restaurants." + col + " OR ";
    hidden_item += "(NULLIF(excluded." + col + ", '') IS NOT NULL AND excluded." + col +
                   " IS NOT restaurants." + col + ") OR ";
  }
  const std::string shown =
      plain + "excluded.area_code IS NOT restaurants.area_code OR restaurants.hidden <> 0";
  const std::string detail =
      sync ? "CASE WHEN excluded.hidden = 1 THEN " + hidden_item +
                 "restaurants.hidden = 0 OR (restaurants.area_code = 0 AND excluded.area_code <> 0) "
                 "ELSE " + shown + " END"
           : shown;
  // A new non-blank modifiedtime is a change under both statements (even for a hidden item) and is
  // how the service marks one: a changed row is then settled by one more comparison.
  return "CASE WHEN excluded.raw_json = restaurants.raw_json AND excluded.area_code = "
         "restaurants.area_code AND excluded.hidden = restaurants.hidden THEN 0 "
         "WHEN excluded.modifiedtime <> '' AND excluded.modifiedtime IS NOT restaurants.modifiedtime "
         "THEN 1 ELSE " + detail + " END";
}

// One row, new or stored. sync: the statement for sync-list pages, where a hidden item must not
// erase what the row knew. A listing page never hides (hidden is always 0), so its statement skips
// those CASEs: the nightly run rewrites every row, and each row spares their evaluation.
std::string build_upsert_sql(bool sync) {
  std::string updates;
  for (std::size_t i = 0; i < k_item_columns.size(); ++i) {
    if (i == k_contentid) continue;
    const std::string col = k_item_columns[i].column;
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
  // first_seen_at is left out of the update: it keeps the day the item was first listed. The
  // update always runs (last_seen_at moves), and kto_note_change, adding 0 to hidden, tells the
  // store whether the row's content changed.
  return "INSERT INTO " + columns_and_values(1) + " ON CONFLICT(contentid) DO UPDATE SET " +
         updates + area_code +
         "raw_json = excluded.raw_json, last_seen_at = excluded.last_seen_at, "
         "hidden = excluded.hidden + kto_note_change(" + changed_condition(sync) + ")";
}

// A sync-list item the service no longer shows (showflag "0"); a listing never hides.
bool is_hidden(const PageWrite& page, const ItemValues& fields) {
  return page.from_sync_list && fields[k_showflag] == "0";
}

// Binds a row's fields. bound: the texts the row's parameters hold (a data() of nullptr: not
// bound since the statement was fetched). A parameter keeps its value through sqlite3_reset, and
// the text it points to (the page's document) lives until the page is written, so a field equal
// to the one its parameter already holds is not bound again: codes, "39", blanks (most of a
// row's binding work; docs/performance.md, "Store").
void bind_fields(sqlite3_stmt* stmt, int row, const ItemValues& values, ItemValues& bound) {
  for (std::size_t i = 0; i < k_item_columns.size(); ++i) {
    const int index = row_param(row, static_cast<int>(i));
    if (!k_item_columns[i].real) {
      if (bound[i].data() != nullptr && bound[i] == values[i]) continue;
      bind_view(stmt, index, values[i]);
      bound[i] = values[i].data() != nullptr ? values[i] : std::string_view("");
    } else if (auto real = parse_real(values[i])) {
      sqlite3_bind_double(stmt, index, *real);
    } else {
      sqlite3_bind_null(stmt, index);
    }
  }
}

}  // namespace

// Writes one page's rows: new rows many to a statement while they keep being new, stored rows
// (and the rest of a page once one of its rows was stored) one at a time. The state below was
// once ten locals shared by two lambdas; it lives on the writer's stack as before, so a page
// costs no allocation beyond the rows' minified raw_json.
class PageUpsert {
 public:
  PageUpsert(SqliteStore& store, const PageWrite& page, std::int64_t max_rowid)
      : m_store(store), m_page(page), m_max_rowid(max_rowid) {}

  Result<UpsertStats> run() {
    std::size_t waiting = 0;
    for (const StoredItem& stored : m_page.items) {
      read_fields(stored.item, m_values[waiting]);
      if (m_values[waiting][k_contentid].empty()) {
        ++m_stats.skipped;  // nothing to key it by
        continue;
      }
      m_items[waiting++] = &stored;
      if (waiting == k_rows_per_statement) {
        if (auto ok = flush(waiting); !ok) return ok.error();
        waiting = 0;
      }
    }
    if (auto ok = flush(waiting); !ok) return ok.error();
    return m_stats;
  }

 private:
  // The two statements, prepared once and reset between runs (not unbound: every parameter is
  // bound again); reset and unbound when the page is done.
  enum Kind : std::size_t { one_row, many_rows };

  // Writes the waiting rows 0 … waiting - 1, counting each as inserted, updated (its content
  // changed) or unchanged, and as hidden.
  Result<void> flush(std::size_t waiting) {
    std::size_t first = 0;
    for (std::size_t r = first; r < waiting; ++r)
      if (is_hidden(m_page, m_values[r])) ++m_stats.hidden;
    if (m_rows_are_new && waiting - first == k_rows_per_statement) {
      auto inserted = write_rows(many_rows, first, waiting - first);
      if (!inserted) return inserted.error();
      m_stats.inserted += *inserted;
      first += static_cast<std::size_t>(*inserted);
      if (first == waiting) return {};
      m_rows_are_new = false;  // the rest of the page, from the stored row on, one by one
    }
    for (std::size_t r = first; r < waiting; ++r) {
      const long long changed_before = m_store.m_changed_rows;
      auto inserted = write_rows(one_row, r, 1);
      if (!inserted) return inserted.error();
      if (*inserted != 0) ++m_stats.inserted;
      else ++(m_store.m_changed_rows != changed_before ? m_stats.updated : m_stats.unchanged);
    }
    return {};
  }

  // Prepares the statement of kind at its first use in the page, with the page's time bound.
  Result<void> prepare(Kind kind) {
    static const std::string insert_many = build_insert_sql(k_rows_per_statement);
    static const std::string list_upsert = build_upsert_sql(false);
    static const std::string sync_upsert = build_upsert_sql(true);
    const std::string& sql =
        kind == many_rows ? insert_many : m_page.from_sync_list ? sync_upsert : list_upsert;
    auto stmt = m_store.statement(sql);
    if (!stmt) return stmt.error();
    m_prepared[kind] = *stmt;
    m_guards[kind].emplace(*stmt);
    bind_view(*stmt, 1, m_page.now);  // kept through resets
    return {};
  }

  // Binds waiting row `index` as the statement's row `row`.
  void bind_row(sqlite3_stmt* stmt, Kind kind, std::size_t row, std::size_t index) {
    const int r = static_cast<int>(row);
    const ItemValues& fields = m_values[index];
    const StoredItem& stored = *m_items[index];
    bind_fields(stmt, r, fields, m_bound[kind][row]);
    // raw_json is the item's own text; a pretty-printed answer is stored without its indentation.
    std::string_view raw_text = stored.item.raw();
    if (!stored.item.compact()) {
      std::string& raw = m_minified[index];
      raw.clear();
      util::json_minify(raw_text, raw);
      raw_text = raw;
    }
    bind_int(stmt, row_param(r, k_param_area_code), stored.area_code);
    bind_view(stmt, row_param(r, k_param_raw_json), raw_text);
    bind_int(stmt, row_param(r, k_param_hidden), is_hidden(m_page, fields) ? 1 : 0);
  }

  // Binds the waiting rows first … first + rows - 1 and steps. Returns the rows inserted: all of
  // them, or for many rows the ones before a contentid already stored (SQLITE_CONSTRAINT, which
  // stopped the statement there).
  Result<int> write_rows(Kind kind, std::size_t first, std::size_t rows) {
    if (m_prepared[kind] == nullptr) {
      if (auto ok = prepare(kind); !ok) return ok.error();
    } else {
      sqlite3_reset(m_prepared[kind]);
    }
    sqlite3_stmt* const stmt = m_prepared[kind];
    for (std::size_t r = 0; r < rows; ++r) bind_row(stmt, kind, r, first + r);
    // An insert sets the last rowid; the DO UPDATE of an upsert leaves it alone, so a 0 left in
    // place means that no row was new.
    sqlite3_set_last_insert_rowid(m_store.m_db, 0);
    const int rc = sqlite3_step(stmt);
    // Extended result codes are on (open()): the conflict names its constraint.
    const bool stopped_at_stored_row =
        kind == many_rows && (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE);
    if (rc != SQLITE_DONE && !stopped_at_stored_row) {
      const std::string from(m_values[first][k_contentid]);
      const std::string to(m_values[first + rows - 1][k_contentid]);
      return m_store.error(rc, rows == 1 ? "항목 " + from + " 저장 중" : "항목 " + from + "~" + to + " 저장 중");
    }
    const std::int64_t last = sqlite3_last_insert_rowid(m_store.m_db);
    if (last == 0) return 0;
    const auto inserted = static_cast<int>(last - m_max_rowid);
    m_max_rowid = last;
    return inserted;
  }

  SqliteStore& m_store;
  const PageWrite& m_page;
  // Rowids of this table are given in order (the largest so far plus one), so the rows a
  // statement inserted are its last insert's rowid minus the largest before it.
  std::int64_t m_max_rowid;
  // The rows waiting for a statement: their fields (views into the page's document), their items
  // and, for a pretty-printed answer, their raw_json without its indentation.
  std::array<ItemValues, k_rows_per_statement> m_values;
  std::array<const StoredItem*, k_rows_per_statement> m_items{};
  std::array<std::string, k_rows_per_statement> m_minified;
  UpsertStats m_stats;
  std::array<sqlite3_stmt*, 2> m_prepared{};
  std::array<std::optional<StmtGuard>, 2> m_guards;
  std::array<std::array<ItemValues, k_rows_per_statement>, 2> m_bound{};  // see bind_fields
  // A page's rows are new on a first run and stored on every later one: once a contentid of the
  // page turned out to be stored, its other rows go one at a time.
  bool m_rows_are_new = true;
};

Result<UpsertStats> SqliteStore::write_page(const PageWrite& page) {
  auto stats = write_pages({&page, 1});
  if (!stats) return stats.error();
  return stats->front();
}

Result<std::vector<UpsertStats>> SqliteStore::write_pages(std::span<const PageWrite> pages) {
  if (auto ok = exec("BEGIN IMMEDIATE", "페이지 저장 시작 중"); !ok) return ok.error();
  std::vector<UpsertStats> all;
  all.reserve(pages.size());
  Result<void> ok;
  for (const PageWrite& page : pages) {
    auto stats = upsert_items(page);
    ok = stats ? insert_checkpoint(page) : Result<void>{stats.error()};
    if (!ok) break;
    all.push_back(*stats);
  }
  if (ok) ok = exec("COMMIT", "페이지 저장 중");
  if (!ok) {
    // The error's message was taken before: ROLLBACK would overwrite sqlite3_errmsg.
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return ok.error();
  }
  return all;
}

Result<UpsertStats> SqliteStore::upsert_items(const PageWrite& page) {
  auto largest = statement("SELECT COALESCE(MAX(rowid), 0) FROM restaurants");
  if (!largest) return largest.error();
  std::int64_t max_rowid = 0;
  {
    StmtGuard guard(*largest);
    const int rc = sqlite3_step(*largest);
    if (rc != SQLITE_ROW) return error(rc, "페이지 저장 중");
    max_rowid = sqlite3_column_int64(*largest, 0);
  }
  PageUpsert upsert(*this, page, max_rowid);
  return upsert.run();
}

Result<void> SqliteStore::insert_checkpoint(const PageWrite& page) {
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
  if (rc != SQLITE_DONE) return error(rc, cp.scope + " " + std::to_string(cp.page_no) +
                                              "쪽 체크포인트 기록 중");
  return {};
}

}  // namespace kto::store
