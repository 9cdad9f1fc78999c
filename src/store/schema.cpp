// The schema and its migrations. Each step is frozen once released: a later change is one more
// entry in k_migrations, never an edit of an earlier one, because files on disk already hold it.
#include <array>
#include <string>

#include "sqlite_store.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace {

struct Migration {
  int version;
  const char* sql;
};

constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE schema_version (
  version    INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL
);
CREATE TABLE restaurants (
  contentid       TEXT PRIMARY KEY NOT NULL,
  contenttypeid   TEXT NOT NULL DEFAULT '',
  title           TEXT NOT NULL DEFAULT '',
  addr1           TEXT NOT NULL DEFAULT '',
  addr2           TEXT NOT NULL DEFAULT '',
  zipcode         TEXT NOT NULL DEFAULT '',
  tel             TEXT NOT NULL DEFAULT '',
  areacode        TEXT NOT NULL DEFAULT '',
  sigungucode     TEXT NOT NULL DEFAULT '',
  cat1            TEXT NOT NULL DEFAULT '',
  cat2            TEXT NOT NULL DEFAULT '',
  cat3            TEXT NOT NULL DEFAULT '',
  ldong_regn_cd   TEXT NOT NULL DEFAULT '',
  ldong_signgu_cd TEXT NOT NULL DEFAULT '',
  lcls_systm1     TEXT NOT NULL DEFAULT '',
  lcls_systm2     TEXT NOT NULL DEFAULT '',
  lcls_systm3     TEXT NOT NULL DEFAULT '',
  mapx            REAL,
  mapy            REAL,
  mlevel          TEXT NOT NULL DEFAULT '',
  firstimage      TEXT NOT NULL DEFAULT '',
  firstimage2     TEXT NOT NULL DEFAULT '',
  cpyrht_div_cd   TEXT NOT NULL DEFAULT '',
  createdtime     TEXT NOT NULL DEFAULT '',
  modifiedtime    TEXT NOT NULL DEFAULT '',
  showflag        TEXT NOT NULL DEFAULT '',
  area_code       INTEGER NOT NULL DEFAULT 0,
  raw_json        TEXT NOT NULL,
  first_seen_at   TEXT NOT NULL,
  last_seen_at    TEXT NOT NULL,
  hidden          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX restaurants_area_code ON restaurants(area_code);
CREATE TABLE collection_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  mode        TEXT NOT NULL DEFAULT '',
  regions     TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL,
  api_calls   INTEGER NOT NULL DEFAULT 0,
  records     INTEGER NOT NULL DEFAULT 0,
  options     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE run_pages (
  run_id      INTEGER NOT NULL REFERENCES collection_runs(id) ON DELETE CASCADE,
  scope       TEXT NOT NULL,
  page_size   INTEGER NOT NULL,
  page_no     INTEGER NOT NULL,
  total_count INTEGER NOT NULL,
  rows        INTEGER NOT NULL,
  done_at     TEXT NOT NULL,
  PRIMARY KEY (run_id, scope, page_size, page_no)
);
)sql";

// Restaurant details (issue 17). A column is NULL until its operation has answered; an operation
// that answered "no details" has its fetched_at and modifiedtime set and its values NULL. The
// details of a kind are pending while its modifiedtime differs from the listing's: the pending
// query walks restaurants by contentid (its primary key) and finds each row's details by theirs.
constexpr const char* k_schema_v2 = R"sql(
CREATE TABLE restaurant_details (
  contentid                TEXT PRIMARY KEY NOT NULL
                           REFERENCES restaurants(contentid) ON DELETE CASCADE,
  overview                 TEXT,
  homepage                 TEXT,
  tel                      TEXT,
  telname                  TEXT,
  firstmenu                TEXT,
  treatmenu                TEXT,
  opentimefood             TEXT,
  restdatefood             TEXT,
  parkingfood              TEXT,
  reservationfood          TEXT,
  infocenterfood           TEXT,
  packing                  TEXT,
  seat                     TEXT,
  smoking                  TEXT,
  kidsfacility             TEXT,
  chkcreditcardfood        TEXT,
  discountinfofood         TEXT,
  scalefood                TEXT,
  opendatefood             TEXT,
  lcnsno                   TEXT,
  common_json              TEXT,
  intro_json               TEXT,
  common_fetched_at        TEXT,
  common_modifiedtime      TEXT,
  intro_fetched_at         TEXT,
  intro_modifiedtime       TEXT,
  item_images_fetched_at   TEXT,
  item_images_modifiedtime TEXT,
  menu_images_fetched_at   TEXT,
  menu_images_modifiedtime TEXT
);
CREATE TABLE restaurant_images (
  contentid     TEXT NOT NULL REFERENCES restaurants(contentid) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('item', 'menu')),
  serialnum     TEXT NOT NULL DEFAULT '',
  originimgurl  TEXT NOT NULL DEFAULT '',
  smallimageurl TEXT NOT NULL DEFAULT '',
  imgname       TEXT NOT NULL DEFAULT '',
  cpyrht_div_cd TEXT NOT NULL DEFAULT ''
);
CREATE INDEX restaurant_images_item ON restaurant_images(contentid, kind);
)sql";

constexpr std::array k_migrations{
    Migration{1, k_schema_v1},
    Migration{2, k_schema_v2},
};
static_assert(k_migrations.back().version == SqliteStore::k_schema_version,
              "k_schema_version must name the last migration");

// 0 when the file has no schema_version table yet (a new, empty file).
Result<int> read_version(sqlite3* db, const std::filesystem::path& file) {
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
      "name = 'schema_version') THEN 1 ELSE 0 END";
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, file, "스키마 버전 읽는 중");
  rc = sqlite3_step(stmt);
  const bool has_table = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return sqlite_error(db, rc, file, "스키마 버전 읽는 중");
  if (!has_table) return 0;
  rc = sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1, &stmt,
                          nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, file, "스키마 버전 읽는 중");
  rc = sqlite3_step(stmt);
  const int version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) return sqlite_error(db, rc, file, "스키마 버전 읽는 중");
  return version;
}

}  // namespace

Result<void> check_is_ours(sqlite3* db, const std::filesystem::path& file) {
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT COUNT(*), COALESCE(SUM(name = 'schema_version'), 0) FROM sqlite_master "
      "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) {
    Error e = sqlite_error(db, rc, file, "테이블 목록 읽는 중");
    sqlite3_finalize(stmt);
    return e;
  }
  const int tables = sqlite3_column_int(stmt, 0);
  const int ours = sqlite3_column_int(stmt, 1);
  sqlite3_finalize(stmt);
  // Our migrations create schema_version with the first table, in one transaction: tables
  // without it (even one named restaurants) were made by someone else and are left untouched.
  if (tables > 0 && ours == 0)
    return make_error(file.string() + "은(는) 다른 프로그램의 데이터베이스입니다 (테이블은 있지만 "
                      "kto-collector의 schema_version이 없음): 아무것도 쓰지 않았습니다. --db로 다른 "
                      "파일을 주세요");
  return {};
}

Result<int> SqliteStore::schema_version() { return read_version(m_db, m_path); }

Result<void> SqliteStore::migrate() {
  auto current = read_version(m_db, m_path);
  if (!current) return current.error();
  if (*current > k_schema_version)
    return make_error(m_path.string() + "은(는) 더 새 kto-collector가 썼습니다 (스키마 " +
                      std::to_string(*current) + ", 이 버전은 " +
                      std::to_string(k_schema_version) + "까지 앎): collector를 업그레이드하세요");
  for (const Migration& step : k_migrations) {
    if (step.version <= *current) continue;
    const std::string doing = "스키마 " + std::to_string(step.version) + "(으)로 옮기는 중";
    if (auto ok = exec("BEGIN IMMEDIATE", doing); !ok) return ok;
    // Another process may have migrated while this one waited for the write lock.
    auto now = read_version(m_db, m_path);
    Result<void> ok = now ? Result<void>{} : Result<void>{now.error()};
    if (ok && *now < step.version) {
      ok = exec(step.sql, doing);
      const std::string record = "INSERT INTO schema_version (version, applied_at) VALUES (" +
                                 std::to_string(step.version) +
                                 ", strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
      if (ok) ok = exec(record.c_str(), doing);
    }
    if (ok) ok = exec("COMMIT", doing);
    if (!ok) {
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
      return ok;
    }
  }
  return {};
}

}  // namespace kto::store
