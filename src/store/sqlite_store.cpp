// The SQLite store: opening the file, the statement cache, runs. Pages are written in
// write_page.cpp, counts and exports in export.cpp, the schema in schema.cpp, the run lock in
// open_store.cpp.
#include "sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <system_error>

#include "kto/util/files.hpp"
#include "sqlite_util.hpp"

namespace kto::store {
namespace fs = std::filesystem;

namespace {

// A writer waits this long for another process's transaction before giving up with SQLITE_BUSY.
constexpr int k_busy_timeout_ms = 5000;

constexpr const char* k_run_columns =
    "id, started_at, finished_at, mode, regions, status, api_calls, records, options";

// 'running', 'partial', … as the SQL compares them.
std::string quoted(RunStatus status) { return "'" + std::string(to_string(status)) + "'"; }

// A status this build does not know (a file written by another program or a later version) is
// an error, not a guess: the run's state decides what --resume does.
Result<RunRecord> read_run(sqlite3_stmt* stmt, const fs::path& file) {
  RunRecord run;
  run.id = sqlite3_column_int64(stmt, 0);
  run.started_at = column_text(stmt, 1);
  run.finished_at = column_text(stmt, 2);
  run.mode = column_text(stmt, 3);
  run.regions = column_text(stmt, 4);
  const auto status = parse_run_status(column_view(stmt, 5));
  if (!status)
    return make_error(file.string() + "의 실행 #" + std::to_string(run.id) + " 상태 '" +
                      column_text(stmt, 5) + "'을(를) 알 수 없습니다: 더 새 kto-collector가 썼다면 "
                      "collector를 업그레이드하세요");
  run.status = *status;
  run.api_calls = sqlite3_column_int64(stmt, 6);
  run.records = sqlite3_column_int64(stmt, 7);
  run.options = column_text(stmt, 8);
  return run;
}

// kto_note_change(changed): counts a true argument in the counter it was registered with and
// returns 0, so the upsert can add it to a column without changing the row.
void note_change(sqlite3_context* ctx, int, sqlite3_value** args) {
  if (sqlite3_value_int(args[0]) != 0) ++*static_cast<long long*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, 0);
}

// SQLite's own words are English; an operator reads the kind of failure in Korean, with
// SQLite's text kept only for the kinds this table does not name.
std::string sqlite_korean(sqlite3* db, int rc) {
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN: return "데이터베이스 파일을 열 수 없음";
    case SQLITE_READONLY: return "읽기 전용";
    case SQLITE_PERM: return "권한 없음";
    case SQLITE_IOERR: return "입출력 오류";
    case SQLITE_FULL: return "저장 공간 부족";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "잠겨 있음";
    case SQLITE_CORRUPT: return "파일이 손상됨";
    case SQLITE_NOTADB: return "데이터베이스 파일이 아님";
    case SQLITE_NOMEM: return "메모리 부족";
    case SQLITE_CONSTRAINT: return "제약 조건 위반";
    default: return std::string("SQLite 오류 ") + std::to_string(rc) + " (" +
                    (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) + ")";
  }
}

}  // namespace

Error sqlite_error(sqlite3* db, int rc, const fs::path& file, const std::string& doing) {
  const std::string name = file.string();
  const std::string detail = sqlite_korean(db, rc);
  // SQLite says SQLITE_FULL only for ENOSPC; a quota (EDQUOT) or a file size limit (EFBIG) comes
  // back as a plain write error, and the errno behind it is not exposed for the WAL file.
  if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_TRUNCATE)
    return make_error(name + "에 쓸 수 없습니다 (" + doing + "): " + detail +
                      " - 디스크가 가득 찼거나 고장일 수 있습니다: 공간을 비우고 다시 실행하세요. "
                      "쓰던 페이지는 저장되지 않았습니다");
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return make_error(name + "은(는) SQLite 데이터베이스가 아닙니다: 다른 곳으로 옮기거나 --db로 다른 파일을 주세요");
    case SQLITE_FULL:
      return make_error(name + "에 쓰다가 디스크가 가득 찼습니다 (" + doing + "): 공간을 비우고 다시 "
                        "실행하세요. 쓰던 페이지는 저장되지 않았습니다");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error(name + "을(를) 다른 프로세스가 " + std::to_string(k_busy_timeout_ms / 1000) +
                        "초 동안 잠그고 있었습니다 (" + doing + ": " + detail + ")");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return make_error(name + "에 쓸 수 없습니다 (" + doing + "): " + detail +
                        ". 폴더 권한을 확인하거나 --db로 다른 파일을 주세요");
    default:
      return make_error(name + " 데이터베이스 오류 (" + doing + "): " + detail);
  }
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const fs::path& path) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  if (ec)
    return make_error(path.string() + "의 폴더를 만들 수 없습니다: " + util::errno_korean(ec.value()));
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteStore> db(new SqliteStore(raw));
  db->m_path = path;
  if (rc != SQLITE_OK) return db->error(rc, "여는 중");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, k_busy_timeout_ms);
  // The upsert calls kto_note_change(changed) in its DO UPDATE (write_page.cpp): the one place that
  // sees the stored row and the new one together, at no extra lookup. Direct-only: no schema,
  // view or trigger of a file may call it.
  rc = sqlite3_create_function_v2(raw, "kto_note_change", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                  &db->m_changed_rows, note_change, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db->error(rc, "여는 중");
  // Nothing may be written (not even the WAL switch, which rewrites the header) before we know
  // the file is an SQLite database of ours or a new one.
  if (auto ours = check_is_ours(raw, path); !ours) return ours.error();
  // A new file gets 16 KiB pages: a row is ~1.5 KB (its columns and raw_json), and pages of 4 KiB
  // hold only two or three, which costs writes and CPU (docs/performance.md, "Store"). A file
  // that already holds tables keeps its page size.
  if (auto ok = db->exec("PRAGMA page_size=16384", "페이지 크기 설정 중"); !ok) return ok.error();
  auto mode = db->statement("PRAGMA journal_mode=WAL");
  if (!mode) return mode.error();
  {
    StmtGuard guard(*mode);
    rc = sqlite3_step(*mode);
    if (rc != SQLITE_ROW) return db->error(rc, "WAL 모드로 바꾸는 중");
    // Some file systems (network mounts) cannot hold a WAL; SQLite then keeps its old journal.
    if (column_view(*mode, 0) != "wal")
      spdlog::warn("{}: WAL 모드를 켤 수 없어 {} 모드로 계속합니다", path.string(), column_view(*mode, 0));
  }
  if (auto ok = db->exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", "PRAGMA 설정 중"); !ok)
    return ok.error();
  if (auto ok = db->migrate(); !ok) return ok.error();
  // After migrate(), when the page size is final: SQLite turns a cache size in KiB into pages with
  // the page size it had when the cache was made (4 KiB before a file is read), so set earlier it
  // would not be the size chosen. k_cache_kib holds the indexes of a national table
  // (docs/performance.md, "Store").
  const std::string cache = "PRAGMA cache_size=-" + std::to_string(k_cache_kib);
  if (auto ok = db->exec(cache.c_str(), "캐시 크기 설정 중"); !ok) return ok.error();
  return db;
}

SqliteStore::~SqliteStore() {
  for (auto& [sql, stmt] : m_statements) sqlite3_finalize(stmt);
  sqlite3_close_v2(m_db);
}

Result<sqlite3_stmt*> SqliteStore::statement(const std::string& sql) {
  auto it = m_statements.find(sql);
  if (it != m_statements.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, "SQL 문 준비 중");
  m_statements.emplace(sql, stmt);
  return stmt;
}

Error SqliteStore::error(int rc, const std::string& doing) const {
  return sqlite_error(m_db, rc, m_path, doing);
}

Result<void> SqliteStore::exec(const char* sql, const std::string& doing) {
  int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, doing);
  return {};
}

Result<std::int64_t> SqliteStore::begin_run(const RunRecord& run) {
  static const std::string sql =
      "INSERT INTO collection_runs (started_at, finished_at, mode, regions, status, api_calls, "
      "records, options) VALUES (?, '', ?, ?, " + quoted(RunStatus::running) + ", ?, ?, ?)";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  bind_view(*stmt, 1, run.started_at);
  bind_view(*stmt, 2, run.mode);
  bind_view(*stmt, 3, run.regions);
  bind_int(*stmt, 4, run.api_calls);
  bind_int(*stmt, 5, run.records);
  bind_view(*stmt, 6, run.options);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_DONE) return error(rc, "새 실행 기록 중");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(m_db));
}

Result<void> SqliteStore::update_run(const RunRecord& run) {
  static const std::string sql =
      "UPDATE collection_runs SET status = ?, finished_at = ?, api_calls = ?, records = ? "
      "WHERE id = ?";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  bind_view(*stmt, 1, to_string(run.status));
  bind_view(*stmt, 2, run.finished_at);
  bind_int(*stmt, 3, run.api_calls);
  bind_int(*stmt, 4, run.records);
  bind_int(*stmt, 5, run.id);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_DONE) return error(rc, "실행 #" + std::to_string(run.id) + " 갱신 중");
  if (sqlite3_changes(m_db) == 0)
    return make_error("실행 #" + std::to_string(run.id) + "이(가) " + m_path.string() + "에 없습니다");
  return {};
}

Result<void> SqliteStore::reopen_run(std::int64_t run_id) {
  static const std::string sql =
      "UPDATE collection_runs SET status = " + quoted(RunStatus::running) +
      ", finished_at = '' WHERE id = ?";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  bind_int(*stmt, 1, run_id);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_DONE) return error(rc, "실행 #" + std::to_string(run_id) + " 다시 여는 중");
  if (sqlite3_changes(m_db) == 0)
    return make_error("실행 #" + std::to_string(run_id) + "이(가) " + m_path.string() + "에 없습니다");
  return {};
}

Result<std::optional<RunRecord>> SqliteStore::one_run(const std::string& sql, std::int64_t id) {
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  if (sqlite3_bind_parameter_count(*stmt) > 0) bind_int(*stmt, 1, id);
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_DONE) return std::optional<RunRecord>{};
  if (rc != SQLITE_ROW) return error(rc, "실행 기록 읽는 중");
  auto run = read_run(*stmt, m_path);
  if (!run) return run.error();
  return std::optional<RunRecord>{std::move(*run)};
}

Result<std::optional<RunRecord>> SqliteStore::find_run(std::int64_t run_id) {
  static const std::string sql =
      std::string("SELECT ") + k_run_columns + " FROM collection_runs WHERE id = ?";
  return one_run(sql, run_id);
}

Result<std::optional<RunRecord>> SqliteStore::latest_resumable_run() {
  static const std::string sql =
      std::string("SELECT ") + k_run_columns +
      " FROM collection_runs WHERE status IN (" + quoted(RunStatus::running) + ", " +
      quoted(RunStatus::interrupted) + ", " + quoted(RunStatus::partial) + ", " +
      quoted(RunStatus::no_keys) + ", " + quoted(RunStatus::failed) +
      ") AND id > (SELECT COALESCE(MAX(id), 0) FROM collection_runs WHERE status = " +
      quoted(RunStatus::success) + ") ORDER BY id DESC LIMIT 1";
  return one_run(sql, 0);
}

Result<std::optional<RunRecord>> SqliteStore::last_successful_run() {
  static const std::string sql = std::string("SELECT ") + k_run_columns +
                                 " FROM collection_runs WHERE status = " +
                                 quoted(RunStatus::success) + " ORDER BY id DESC LIMIT 1";
  return one_run(sql, 0);
}

Result<std::vector<RunRecord>> SqliteStore::successful_runs() {
  static const std::string sql = std::string("SELECT ") + k_run_columns +
                                 " FROM collection_runs WHERE status = " +
                                 quoted(RunStatus::success) + " ORDER BY id";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  std::vector<RunRecord> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    auto run = read_run(*stmt, m_path);
    if (!run) return run.error();
    out.push_back(std::move(*run));
  }
  if (rc != SQLITE_DONE) return error(rc, "실행 기록 읽는 중");
  return out;
}

Result<std::optional<int>> SqliteStore::stored_area_code(std::string_view contentid) {
  static const std::string sql = "SELECT area_code FROM restaurants WHERE contentid = ?";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  bind_view(*stmt, 1, contentid);
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_DONE) return std::optional<int>{};
  if (rc != SQLITE_ROW) return error(rc, "항목 " + std::string(contentid) + " 찾는 중");
  return std::optional<int>{sqlite3_column_int(*stmt, 0)};
}

Result<std::vector<PageCheckpoint>> SqliteStore::checkpoints(std::int64_t run_id) {
  static const std::string sql =
      "SELECT scope, page_size, page_no, total_count, rows FROM run_pages WHERE run_id = ? "
      "ORDER BY scope, page_size, page_no";
  auto stmt = statement(sql);
  if (!stmt) return stmt.error();
  StmtGuard guard(*stmt);
  bind_int(*stmt, 1, run_id);
  std::vector<PageCheckpoint> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW)
    out.push_back({column_text(*stmt, 0), sqlite3_column_int(*stmt, 1), sqlite3_column_int(*stmt, 2),
                   sqlite3_column_int64(*stmt, 3), sqlite3_column_int(*stmt, 4)});
  if (rc != SQLITE_DONE) return error(rc, "실행 #" + std::to_string(run_id) + "의 체크포인트 읽는 중");
  return out;
}

}  // namespace kto::store
