// Pages into PostgreSQL: every item of the pages of one transaction goes to the server in one COPY
// (into a temporary table), then one statement a page upserts them with INSERT … ON CONFLICT. Its
// common table expression first compares each incoming row with the stored one (same snapshot,
// before the insert), which gives SQLite's counts: inserted, updated only when the content changed,
// unchanged. A contentid twice in a page is written in two rounds (ON CONFLICT cannot touch a row
// twice in one statement): the later one wins and counts as an update, as on SQLite.
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "../item_columns.hpp"
#include "pg_store.hpp"
#include "pg_store_util.hpp"

namespace kto::store {
namespace {

std::string item_column_list() {
  std::string cols;
  for (const ItemColumn& c : k_item_columns) cols += std::string(c.column) + ", ";
  return cols;
}

// The incoming rows of the transaction: page and round pick a statement's rows. Dropped at COMMIT
// (or ROLLBACK), so a rerun transaction on a new session starts clean.
std::string create_incoming_sql() {
  std::string cols;
  for (const ItemColumn& c : k_item_columns)
    cols += std::string(c.column) + (c.real ? " DOUBLE PRECISION, " : " TEXT NOT NULL, ");
  return "CREATE TEMP TABLE kto_incoming (page INTEGER NOT NULL, round INTEGER NOT NULL, " + cols +
         "area_code INTEGER NOT NULL, raw_json JSONB NOT NULL, hidden SMALLINT NOT NULL) "
         "ON COMMIT DROP";
}

// Whether the incoming row i changes what the stored row r says: SQLite's changed_condition
// (write_page.cpp) in PostgreSQL's words, i for excluded and r for restaurants.
std::string changed_condition(bool sync) {
  std::string plain;
  std::string hidden_item;
  for (std::size_t n = 0; n < k_item_columns.size(); ++n) {
    if (n == k_contentid || n == k_showflag) continue;
    const std::string col = k_item_columns[n].column;
    const std::string differs = "i." + col + " IS DISTINCT FROM r." + col;
    plain += differs + " OR ";
    const std::string given =
        k_item_columns[n].real ? "i." + col + " IS NOT NULL" : "i." + col + " <> ''";
    hidden_item += "(" + given + " AND " + differs + ") OR ";
  }
  const std::string shown = plain + "i.area_code IS DISTINCT FROM r.area_code OR r.hidden <> 0";
  const std::string detail =
      sync ? "CASE WHEN i.hidden = 1 THEN " + hidden_item +
                 "r.hidden = 0 OR (r.area_code = 0 AND i.area_code <> 0) ELSE " + shown + " END"
           : shown;
  return "CASE WHEN i.raw_json = r.raw_json AND i.area_code = r.area_code AND i.hidden = r.hidden "
         "THEN false WHEN i.modifiedtime <> '' AND i.modifiedtime IS DISTINCT FROM r.modifiedtime "
         "THEN true ELSE " + detail + " END";
}

// The update of a stored row: SQLite's build_upsert_sql. A hidden sync item keeps the values (and
// the province) the row already had where it is blank; first_seen_at is never updated.
std::string update_set(bool sync) {
  std::string updates;
  for (std::size_t n = 0; n < k_item_columns.size(); ++n) {
    if (n == k_contentid) continue;
    const std::string col = k_item_columns[n].column;
    const std::string given = k_item_columns[n].real ? "excluded." + col
                                                     : "NULLIF(excluded." + col + ", '')";
    updates += sync ? col + " = CASE WHEN excluded.hidden = 1 THEN COALESCE(" + given +
                          ", restaurants." + col + ") ELSE excluded." + col + " END, "
                    : col + " = excluded." + col + ", ";
  }
  updates += sync ? "area_code = CASE WHEN excluded.hidden = 1 AND restaurants.area_code <> 0 "
                    "THEN restaurants.area_code ELSE excluded.area_code END, "
                  : "area_code = excluded.area_code, ";
  return updates + "raw_json = excluded.raw_json, last_seen_at = excluded.last_seen_at, "
                   "hidden = excluded.hidden";
}

// $1 page, $2 round, $3 the page's time. Answers inserted, updated, unchanged.
std::string upsert_sql(bool sync) {
  const std::string cols = item_column_list();
  return "WITH incoming AS (SELECT * FROM kto_incoming WHERE page = $1::int AND round = $2::int), "
         "classified AS (SELECT r.contentid IS NULL AS is_new, r.contentid IS NOT NULL AND (" +
         changed_condition(sync) + ") AS changed FROM incoming i LEFT JOIN restaurants r "
         "ON r.contentid = i.contentid), "
         "written AS (INSERT INTO restaurants (" + cols +
         "area_code, raw_json, first_seen_at, last_seen_at, hidden) SELECT " + cols +
         "area_code, raw_json, $3::timestamptz, $3::timestamptz, hidden FROM incoming "
         "ON CONFLICT (contentid) DO UPDATE SET " + update_set(sync) + " RETURNING 1) "
         "SELECT COUNT(*) FILTER (WHERE is_new), COUNT(*) FILTER (WHERE changed), "
         "COUNT(*) FILTER (WHERE NOT is_new AND NOT changed) FROM classified";
}

// A coordinate as SQLite's write_page.cpp reads it, as text that parses back to the same double.
pg::Param real_text(std::string_view text) {
  auto value = parse_real(text);
  if (!value) return std::nullopt;
  std::array<char, 32> buf{};
  auto printed = std::to_chars(buf.data(), buf.data() + buf.size(), *value);
  return std::string(buf.data(), printed.ptr);
}

// The COPY rows of one page; counts its skipped and hidden items. Returns the rounds it needs.
int page_rows(const PageWrite& page, int page_index, std::vector<pg::Row>& rows, UpsertStats& stats) {
  std::unordered_map<std::string_view, int> seen;
  int rounds = 0;
  ItemValues values;
  for (const StoredItem& stored : page.items) {
    read_fields(stored.item, values);
    if (values[k_contentid].empty()) {
      ++stats.skipped;  // nothing to key it by
      continue;
    }
    const bool hidden = page.from_sync_list && values[k_showflag] == "0";
    if (hidden) ++stats.hidden;
    const int round = ++seen[values[k_contentid]];
    rounds = std::max(rounds, round);
    pg::Row row;
    row.reserve(k_item_columns.size() + 5);
    row.emplace_back(std::to_string(page_index));
    row.emplace_back(std::to_string(round));
    for (std::size_t n = 0; n < k_item_columns.size(); ++n)
      row.push_back(k_item_columns[n].real ? real_text(values[n]) : pg::Param(pg::without_nul(values[n])));
    row.emplace_back(std::to_string(stored.area_code));
    row.emplace_back(pg::json_without_nul(stored.item.raw()));
    row.emplace_back(hidden ? "1" : "0");
    rows.push_back(std::move(row));
  }
  return rounds;
}

Result<void> insert_checkpoint(pg::Connection& conn, const PageWrite& page, const std::string& doing) {
  const PageCheckpoint& cp = page.checkpoint;
  auto done = conn.exec(
      "INSERT INTO run_pages (run_id, scope, page_size, page_no, total_count, rows, done_at) "
      "VALUES ($1::bigint, $2, $3::int, $4::int, $5::bigint, $6::int, $7::timestamptz) "
      "ON CONFLICT (run_id, scope, page_size, page_no) DO UPDATE SET "
      "total_count = excluded.total_count, rows = excluded.rows, done_at = excluded.done_at",
      {std::to_string(page.run_id), cp.scope, std::to_string(cp.page_size),
       std::to_string(cp.page_no), std::to_string(cp.total_count), std::to_string(cp.rows), page.now},
      doing + " (" + cp.scope + " " + std::to_string(cp.page_no) + "쪽 체크포인트)");
  if (!done) return done.error();
  return {};
}

}  // namespace

Result<UpsertStats> PgStore::write_page(const PageWrite& page) {
  auto stats = write_pages({&page, 1});
  if (!stats) return stats.error();
  return stats->front();
}

Result<std::vector<UpsertStats>> PgStore::write_pages(std::span<const PageWrite> pages) {
  static const std::string create = create_incoming_sql();
  static const std::string copy = "COPY kto_incoming (page, round, " + item_column_list() +
                                  "area_code, raw_json, hidden) FROM STDIN";
  static const std::array<std::string, 2> upserts{upsert_sql(false), upsert_sql(true)};
  const std::string what = doing("페이지 저장 중");
  std::vector<UpsertStats> all;
  auto done = m_conn->transaction(
      [&](pg::Connection& conn) -> Result<void> {
        all.assign(pages.size(), UpsertStats{});  // a rerun starts over
        std::vector<pg::Row> rows;
        std::vector<int> rounds(pages.size(), 0);
        for (std::size_t p = 0; p < pages.size(); ++p)
          rounds[p] = page_rows(pages[p], static_cast<int>(p), rows, all[p]);
        if (auto made = conn.exec(create, {}, what); !made) return made.error();
        if (auto copied = conn.copy_in(copy, rows, what); !copied) return copied.error();
        for (std::size_t p = 0; p < pages.size(); ++p) {
          for (int round = 1; round <= rounds[p]; ++round) {
            auto counts = conn.exec(upserts[pages[p].from_sync_list ? 1 : 0],
                                    {std::to_string(p), std::to_string(round), pages[p].now}, what);
            if (!counts) return counts.error();
            all[p].inserted += static_cast<int>(counts->integer(0, 0));
            all[p].updated += static_cast<int>(counts->integer(0, 1));
            all[p].unchanged += static_cast<int>(counts->integer(0, 2));
          }
          if (auto ok = insert_checkpoint(conn, pages[p], what); !ok) return ok.error();
        }
        return {};
      },
      what);
  if (!done) return done.error();
  return all;
}

}  // namespace kto::store
