// The PostgreSQL store's details (details.hpp, docs/contracts.md "Details"), as SQLite's
// (sqlite_details.cpp): pending items one class at a time, walking restaurants by contentid in
// byte order from the cursor (an index on contentid COLLATE "C" keeps a chunk from sorting the
// table); a batch of writes is one transaction, rerun whole on a new connection if the server goes
// away, so a kill -9 loses at most the batch in flight.
#include <map>
#include <vector>

#include "pg_pending.hpp"
#include "pg_store.hpp"
#include "pg_store_util.hpp"
#include "pg_work.hpp"

namespace kto::store {
namespace pg {

std::string pending_from_where(DetailKind kind) {
  const std::string p = "d." + std::string(to_string(kind));
  return " FROM restaurants r LEFT JOIN restaurant_details d ON d.contentid = r.contentid"
         " WHERE r.hidden = 0 AND ($1::int[] IS NULL OR r.area_code = ANY($1::int[]))"
         " AND (" + p + "_fetched_at IS NULL OR " + p + "_modifiedtime IS DISTINCT FROM "
         "r.modifiedtime)";
}

std::string class_condition(DetailKind kind, PendingClass cls) {
  const std::string fetched = "d." + std::string(to_string(kind)) + "_fetched_at";
  const std::string older = " AND ($2::timestamptz IS NULL OR r.first_seen_at < $2::timestamptz)";
  switch (cls) {
    case PendingClass::fresh:
      return " AND $2::timestamptz IS NOT NULL AND r.first_seen_at >= $2::timestamptz";
    case PendingClass::changed: return older + " AND " + fetched + " IS NOT NULL";
    case PendingClass::backlog: return older + " AND " + fetched + " IS NULL";
  }
  return "";
}

}  // namespace pg

namespace {

// $3 the cursor's contentid, $4 the limit.
std::string chunk_sql(DetailKind kind, PendingClass cls) {
  return "SELECT r.contentid, r.contenttypeid, r.modifiedtime, r.area_code" +
         pg::pending_from_where(kind) + pg::class_condition(kind, cls) +
         " AND r.contentid COLLATE \"C\" > $3 ORDER BY r.contentid COLLATE \"C\" LIMIT $4::int";
}

std::string count_sql(DetailKind kind) {
  auto count = [&](PendingClass cls) {
    return "COUNT(*) FILTER (WHERE true" + pg::class_condition(kind, cls) + ")";
  };
  return "SELECT " + count(PendingClass::fresh) + ", " + count(PendingClass::changed) + ", " +
         count(PendingClass::backlog) + pg::pending_from_where(kind);
}

// $1 contentid, then the kind's columns; nothing when no restaurants row has the contentid.
std::string details_upsert_sql(DetailKind kind) {
  const std::string p(to_string(kind));
  std::vector<std::pair<std::string, std::string>> columns;  // name, type
  if (kind == DetailKind::common)
    for (std::string_view f : k_common_fields) columns.emplace_back(f, "text");
  if (kind == DetailKind::intro)
    for (std::string_view f : k_intro_fields) columns.emplace_back(f, "text");
  if (kind == DetailKind::common || kind == DetailKind::intro) columns.emplace_back(p + "_json", "jsonb");
  columns.emplace_back(p + "_fetched_at", "timestamptz");
  columns.emplace_back(p + "_modifiedtime", "text");
  std::string names = "contentid";
  std::string values = "$1";
  std::string updates;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& [name, type] = columns[i];
    names += ", " + name;
    values += ", $" + std::to_string(i + 2) + "::" + type;
    updates += (i == 0 ? "" : ", ") + name + " = excluded." + name;
  }
  return "INSERT INTO restaurant_details (" + names + ") SELECT " + values +
         " WHERE EXISTS (SELECT 1 FROM restaurants WHERE contentid = $1) "
         "ON CONFLICT (contentid) DO UPDATE SET " + updates;
}

std::vector<pg::Param> upsert_params(const DetailWrite& write) {
  std::vector<pg::Param> params{write.contentid};
  auto fields = [&](const auto& names) {
    // Not found: the values stay NULL, only the fetch is recorded.
    for (std::string_view field : names)
      params.push_back(write.found ? pg::Param(pg::without_nul(write.item[field])) : std::nullopt);
    params.push_back(write.found ? pg::Param(pg::json_without_nul(write.item.raw())) : std::nullopt);
  };
  if (write.kind == DetailKind::common) fields(k_common_fields);
  if (write.kind == DetailKind::intro) fields(k_intro_fields);
  params.emplace_back(write.fetched_at);
  params.emplace_back(write.modifiedtime);
  return params;
}

Result<void> replace_images(pg::Connection& conn, const DetailWrite& write, const std::string& what) {
  const std::string kind(pg::image_kind(write.kind));
  auto erased = conn.exec("DELETE FROM restaurant_images WHERE contentid = $1 AND kind = $2",
                          {write.contentid, kind}, what);
  if (!erased) return erased.error();
  if (!write.found) return {};
  for (const util::JsonValue& image : write.images) {
    auto added = conn.exec(
        "INSERT INTO restaurant_images (contentid, kind, serialnum, originimgurl, smallimageurl, "
        "imgname, cpyrht_div_cd) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {write.contentid, kind, pg::without_nul(image["serialnum"]),
         pg::without_nul(image["originimgurl"]), pg::without_nul(image["smallimageurl"]),
         pg::without_nul(image["imgname"]), pg::without_nul(image["cpyrhtDivCd"])},
        what);
    if (!added) return added.error();
  }
  return {};
}

pg::Param null_if_empty(const std::string& text) {
  return text.empty() ? pg::Param{} : pg::Param{text};
}

}  // namespace

Result<std::string> PgStore::run_started_at(std::int64_t run_id) {
  if (run_id == 0) return std::string();
  auto run = find_run(run_id);
  if (!run) return run.error();
  if (!*run)
    return make_error(m_conn->display_url() + "에 실행 #" + std::to_string(run_id) +
                      "이(가) 없습니다: 상세정보의 새 항목을 가를 수 없습니다");
  return (*run)->started_at;
}

Result<int> PgStore::read_pending_class(const PendingQuery& query, const std::string& started,
                                        PendingCursor& cursor, int limit, PendingChunk& out) {
  auto rows = m_conn->exec(chunk_sql(query.kind, cursor.cls),
                           {null_if_empty(pg::int_array(query.area_codes)), null_if_empty(started),
                            cursor.after_contentid, std::to_string(limit)},
                           doing("남은 상세정보 읽는 중"));
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) {
    PendingItem item{std::string(rows->text(i, 0)), std::string(rows->text(i, 1)),
                     std::string(rows->text(i, 2)), static_cast<int>(rows->integer(i, 3)),
                     cursor.cls};
    cursor.after_contentid = item.contentid;
    out.items.push_back(std::move(item));
  }
  return rows->size();
}

Result<PendingChunk> PgStore::pending_details(const PendingQuery& query,
                                              const PendingCursor& cursor, int limit) {
  auto started = run_started_at(query.run_id);
  if (!started) return started.error();
  return walk_pending(cursor, limit, [&](PendingCursor& next, int want, PendingChunk& chunk) {
    return read_pending_class(query, *started, next, want, chunk);
  });
}

Result<PendingCounts> PgStore::count_pending_details(const PendingQuery& query) {
  auto started = run_started_at(query.run_id);
  if (!started) return started.error();
  auto rows = m_conn->exec(count_sql(query.kind),
                           {null_if_empty(pg::int_array(query.area_codes)), null_if_empty(*started)},
                           doing("남은 상세정보 세는 중"));
  if (!rows) return rows.error();
  return PendingCounts{rows->integer(0, 0), rows->integer(0, 1), rows->integer(0, 2)};
}

Result<DetailWriteStats> PgStore::write_details(std::span<const DetailWrite> batch) {
  const std::string what = doing("상세정보 저장 중");
  DetailWriteStats stats;
  auto done = m_conn->transaction(
      [&](pg::Connection& conn) -> Result<void> {
        stats = {};  // a rerun starts over
        for (const DetailWrite& write : batch) {
          auto upserted = conn.exec(details_upsert_sql(write.kind), upsert_params(write), what);
          if (!upserted) return upserted.error();
          if (upserted->affected() == 0) {
            ++stats.skipped;  // never listed: nothing can reference it
            continue;
          }
          if (write.kind == DetailKind::item_images || write.kind == DetailKind::menu_images)
            if (auto ok = replace_images(conn, write, what); !ok) return ok;
          ++stats.written;
        }
        // This worker's claims on what it wrote go in the same transaction: a process killed
        // between the write and a separate release would leave claims on done items behind.
        std::map<DetailKind, std::vector<std::string>> written;
        for (const DetailWrite& write : batch) written[write.kind].push_back(write.contentid);
        for (const auto& [kind, contentids] : written)
          if (auto ok = pg::release_claims(conn, m_worker, kind, contentids); !ok) return ok;
        return {};
      },
      what);
  if (!done) return done.error();
  return stats;
}

}  // namespace kto::store
