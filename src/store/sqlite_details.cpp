// The SQLite store's details (details.hpp, docs/contracts.md "Details"). Pending items are read one
// class at a time, walking restaurants by contentid (its primary key) from the cursor and finding
// each row's details by theirs: a chunk costs the rows it returns plus the done rows it passes, and
// all chunks together one walk of the table, never a sort of everything pending. A batch of writes
// is one transaction, so a kill -9 loses at most the batch in flight.
#include <array>
#include <string>
#include <string_view>

#include "detail_columns.hpp"
#include "pending_walk.hpp"
#include "sqlite_store.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace {

// The columns of restaurant_details a kind owns: its fetch time and modifiedtime are
// "<prefix>_fetched_at" and "<prefix>_modifiedtime".
std::string prefix_of(DetailKind kind) { return std::string(to_string(kind)); }

// ?1 the provinces as ",1,6," ("" = all), ?2 the run's started_at ("" = no new class).
std::string pending_where(DetailKind kind) {
  const std::string p = "d." + prefix_of(kind);
  return " FROM restaurants r LEFT JOIN restaurant_details d ON d.contentid = r.contentid"
         " WHERE r.hidden = 0 AND (?1 = '' OR instr(?1, ',' || r.area_code || ',') > 0)"
         " AND (" + p + "_fetched_at IS NULL OR " + p + "_modifiedtime IS NOT r.modifiedtime)";
}

std::string class_condition(DetailKind kind, PendingClass cls) {
  const std::string fetched = "d." + prefix_of(kind) + "_fetched_at";
  switch (cls) {
    case PendingClass::fresh: return " AND ?2 <> '' AND r.first_seen_at >= ?2";
    case PendingClass::changed:
      return " AND (?2 = '' OR r.first_seen_at < ?2) AND " + fetched + " IS NOT NULL";
    case PendingClass::backlog:
      return " AND (?2 = '' OR r.first_seen_at < ?2) AND " + fetched + " IS NULL";
  }
  return "";
}

// ?3 the cursor's contentid, ?4 the limit.
std::string chunk_sql(DetailKind kind, PendingClass cls) {
  return "SELECT r.contentid, r.contenttypeid, r.modifiedtime, r.area_code" + pending_where(kind) +
         class_condition(kind, cls) + " AND r.contentid > ?3 ORDER BY r.contentid LIMIT ?4";
}

std::string count_sql(DetailKind kind) {
  auto sum = [&](PendingClass cls) {
    // class_condition starts with " AND "; as a CASE condition it needs a leading true.
    return "COALESCE(SUM(CASE WHEN 1" + class_condition(kind, cls) + " THEN 1 ELSE 0 END), 0)";
  };
  return "SELECT " + sum(PendingClass::fresh) + ", " + sum(PendingClass::changed) + ", " +
         sum(PendingClass::backlog) + pending_where(kind);
}

std::string area_list(const std::vector<int>& area_codes) {
  if (area_codes.empty()) return {};
  std::string list = ",";
  for (int code : area_codes) list += std::to_string(code) + ",";
  return list;
}

std::string details_upsert_sql(DetailKind kind) {
  const std::string p = prefix_of(kind);
  std::vector<std::string> columns;
  if (kind == DetailKind::common)
    for (std::string_view f : k_common_fields) columns.emplace_back(f);
  if (kind == DetailKind::intro)
    for (std::string_view f : k_intro_fields) columns.emplace_back(f);
  if (kind == DetailKind::common || kind == DetailKind::intro) columns.push_back(p + "_json");
  columns.push_back(p + "_fetched_at");
  columns.push_back(p + "_modifiedtime");
  std::string names = "contentid";
  std::string values = "?1";
  std::string updates;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    names += ", " + columns[i];
    values += ", ?" + std::to_string(i + 2);
    updates += (i == 0 ? "" : ", ") + columns[i] + " = excluded." + columns[i];
  }
  return "INSERT INTO restaurant_details (" + names + ") VALUES (" + values +
         ") ON CONFLICT(contentid) DO UPDATE SET " + updates;
}

std::string_view image_kind(DetailKind kind) {
  return kind == DetailKind::menu_images ? "menu" : "item";
}

}  // namespace

Result<std::string> SqliteStore::run_started_at(std::int64_t run_id) {
  if (run_id == 0) return std::string();
  auto run = find_run(run_id);
  if (!run) return run.error();
  if (!*run)
    return make_error(m_path.string() + "에 실행 #" + std::to_string(run_id) +
                      "이(가) 없습니다: 상세정보의 새 항목을 가를 수 없습니다");
  return (*run)->started_at;
}

Result<int> SqliteStore::read_pending_class(const PendingQuery& query, const std::string& started,
                                            PendingCursor& cursor, int limit, PendingChunk& out) {
  auto stmt = statement(chunk_sql(query.kind, cursor.cls));
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  const std::string areas = area_list(query.area_codes);
  bind_view(*stmt, 1, areas);
  bind_view(*stmt, 2, started);
  bind_view(*stmt, 3, cursor.after_contentid);
  bind_int(*stmt, 4, limit);
  int rows = 0;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    PendingItem item{column_text(*stmt, 0), column_text(*stmt, 1), column_text(*stmt, 2),
                     sqlite3_column_int(*stmt, 3), cursor.cls};
    cursor.after_contentid = item.contentid;
    out.items.push_back(std::move(item));
    ++rows;
  }
  if (rc != SQLITE_DONE) return error(rc, "남은 상세정보 읽는 중");
  return rows;
}

Result<PendingChunk> SqliteStore::pending_details(const PendingQuery& query,
                                                  const PendingCursor& cursor, int limit) {
  auto started = run_started_at(query.run_id);
  if (!started) return started.error();
  return walk_pending(cursor, limit, [&](PendingCursor& next, int want, PendingChunk& chunk) {
    return read_pending_class(query, *started, next, want, chunk);
  });
}

Result<PendingCounts> SqliteStore::count_pending_details(const PendingQuery& query) {
  auto started = run_started_at(query.run_id);
  if (!started) return started.error();
  auto stmt = statement(count_sql(query.kind));
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  const std::string areas = area_list(query.area_codes);
  bind_view(*stmt, 1, areas);
  bind_view(*stmt, 2, *started);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_ROW) return error(rc, "남은 상세정보 세는 중");
  return PendingCounts{sqlite3_column_int64(*stmt, 0), sqlite3_column_int64(*stmt, 1),
                       sqlite3_column_int64(*stmt, 2)};
}

Result<bool> SqliteStore::write_detail(const DetailWrite& write) {
  static const std::string exists_sql = "SELECT 1 FROM restaurants WHERE contentid = ?1";
  auto exists = statement(exists_sql);
  if (!exists) return exists.error();
  {
    StmtGuard guard(*exists);
    bind_view(*exists, 1, write.contentid);
    int rc = sqlite3_step(*exists);
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) return error(rc, "상세정보의 음식점 찾는 중");
  }
  auto upsert = statement(details_upsert_sql(write.kind));
  if (!upsert) return upsert.error();
  StmtGuard guard(*upsert);
  bind_view(*upsert, 1, write.contentid);
  int param = 2;
  auto bind_fields = [&](auto& fields) {
    // Not found: the values stay NULL (unbound), only the fetch is recorded.
    for (std::string_view field : fields) {
      if (write.found) bind_view(*upsert, param, write.item[field]);
      ++param;
    }
    if (write.found) bind_view(*upsert, param, write.item.raw());
    ++param;
  };
  if (write.kind == DetailKind::common) bind_fields(k_common_fields);
  if (write.kind == DetailKind::intro) bind_fields(k_intro_fields);
  bind_view(*upsert, param++, write.fetched_at);
  bind_view(*upsert, param, write.modifiedtime);
  int rc = sqlite3_step(*upsert);
  if (rc != SQLITE_DONE) return error(rc, "상세정보 저장 중");
  if (write.kind == DetailKind::item_images || write.kind == DetailKind::menu_images)
    if (auto ok = replace_images(write); !ok) return ok.error();
  return true;
}

Result<void> SqliteStore::replace_images(const DetailWrite& write) {
  static const std::string delete_sql =
      "DELETE FROM restaurant_images WHERE contentid = ?1 AND kind = ?2";
  static const std::string insert_sql =
      "INSERT INTO restaurant_images (contentid, kind, serialnum, originimgurl, smallimageurl, "
      "imgname, cpyrht_div_cd) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
  const std::string_view kind = image_kind(write.kind);
  auto erase = statement(delete_sql);
  if (!erase) return erase.error();
  StmtGuard erase_guard(*erase);
  bind_view(*erase, 1, write.contentid);
  bind_view(*erase, 2, kind);
  if (int rc = sqlite3_step(*erase); rc != SQLITE_DONE) return error(rc, "사진 지우는 중");
  if (!write.found) return {};
  for (const util::JsonValue& image : write.images) {
    auto insert = statement(insert_sql);
    if (!insert) return insert.error();
    StmtGuard guard(*insert);
    bind_view(*insert, 1, write.contentid);
    bind_view(*insert, 2, kind);
    bind_view(*insert, 3, image["serialnum"]);
    bind_view(*insert, 4, image["originimgurl"]);
    bind_view(*insert, 5, image["smallimageurl"]);
    bind_view(*insert, 6, image["imgname"]);
    bind_view(*insert, 7, image["cpyrhtDivCd"]);
    if (int rc = sqlite3_step(*insert); rc != SQLITE_DONE) return error(rc, "사진 저장 중");
  }
  return {};
}

Result<DetailWriteStats> SqliteStore::write_details(std::span<const DetailWrite> batch) {
  if (auto ok = exec("BEGIN IMMEDIATE", "상세정보 저장 시작 중"); !ok) return ok.error();
  DetailWriteStats stats;
  Result<void> ok;
  for (const DetailWrite& write : batch) {
    auto stored = write_detail(write);
    if (!stored) {
      ok = stored.error();
      break;
    }
    ++(*stored ? stats.written : stats.skipped);
  }
  if (ok) ok = exec("COMMIT", "상세정보 저장 중");
  if (!ok) {
    // The error's message was taken before: ROLLBACK would overwrite sqlite3_errmsg.
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return ok.error();
  }
  return stats;
}

}  // namespace kto::store
