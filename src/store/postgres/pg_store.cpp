// The PostgreSQL store: opening, runs, checkpoints, counts. Pages are written in
// pg_store_write.cpp, exports in pg_store_export.cpp, the run lock in pg_run_lock.cpp.
#include "pg_store.hpp"

#include <array>

#include "pg_schema.hpp"
#include "pg_store_util.hpp"

namespace kto::store {
namespace {

// 'running', 'partial', … as the SQL compares them.
std::string quoted(RunStatus status) { return "'" + std::string(to_string(status)) + "'"; }

const std::string& run_columns() {
  static const std::string k_columns = "id, " + pg::iso_kst("started_at") + ", COALESCE(" +
                                       pg::iso_kst("finished_at") +
                                       ", ''), mode, regions, status, api_calls, records, options";
  return k_columns;
}

Result<RunRecord> read_run(const pg::Rows& rows, int i, const std::string& where) {
  RunRecord run;
  run.id = rows.integer(i, 0);
  run.started_at = rows.text(i, 1);
  run.finished_at = rows.text(i, 2);
  run.mode = rows.text(i, 3);
  run.regions = rows.text(i, 4);
  const auto status = parse_run_status(rows.text(i, 5));
  // A status this build does not know is an error, not a guess: it decides what --resume does.
  if (!status)
    return make_error(where + "의 실행 #" + std::to_string(run.id) + " 상태 '" +
                      std::string(rows.text(i, 5)) + "'을(를) 알 수 없습니다: 더 새 kto-collector가 "
                      "썼다면 collector를 업그레이드하세요");
  run.status = *status;
  run.api_calls = rows.integer(i, 6);
  run.records = rows.integer(i, 7);
  run.options = rows.text(i, 8);
  return run;
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, OpenMode mode) {
  auto conn = pg::Connection::open({.url = url});
  if (!conn) return conn.error();
  if (mode == OpenMode::existing) {
    // A command that only reads (export) must not create tables in a database that has none.
    auto version = pg::schema_version(**conn);
    if (!version) return version.error();
    if (*version == 0)
      return make_error("PostgreSQL " + (*conn)->display_url() + "에 수집된 데이터가 없습니다: " +
                            "먼저 수집을 하세요",
                        ExitCode::usage);
  }
  if (auto ok = pg::migrate(**conn); !ok) return ok.error();
  return std::unique_ptr<PgStore>(new PgStore(std::move(*conn), url));
}

std::string PgStore::doing(std::string_view what) const {
  return m_conn->display_url() + " " + std::string(what);
}

Result<std::int64_t> PgStore::begin_run(const RunRecord& run) {
  auto rows = m_conn->exec(
      "INSERT INTO collection_runs (started_at, mode, regions, status, api_calls, records, options) "
      "VALUES ($1::timestamptz, $2, $3, " + quoted(RunStatus::running) +
          ", $4::bigint, $5::bigint, $6) RETURNING id",
      {run.started_at, run.mode, run.regions, std::to_string(run.api_calls),
       std::to_string(run.records), run.options},
      doing("새 실행 기록 중"));
  if (!rows) return rows.error();
  return static_cast<std::int64_t>(rows->integer(0, 0));
}

Result<void> PgStore::update_run(const RunRecord& run) {
  auto rows = m_conn->exec(
      "UPDATE collection_runs SET status = $1, finished_at = NULLIF($2, '')::timestamptz, "
      "api_calls = $3::bigint, records = $4::bigint WHERE id = $5::bigint",
      {std::string(to_string(run.status)), run.finished_at, std::to_string(run.api_calls),
       std::to_string(run.records), std::to_string(run.id)},
      doing("실행 #" + std::to_string(run.id) + " 갱신 중"));
  if (!rows) return rows.error();
  if (rows->affected() == 0)
    return make_error("실행 #" + std::to_string(run.id) + "이(가) " + m_conn->display_url() + "에 없습니다");
  return {};
}

Result<void> PgStore::reopen_run(std::int64_t run_id) {
  auto rows = m_conn->exec("UPDATE collection_runs SET status = " + quoted(RunStatus::running) +
                               ", finished_at = NULL WHERE id = $1::bigint",
                           {std::to_string(run_id)},
                           doing("실행 #" + std::to_string(run_id) + " 다시 여는 중"));
  if (!rows) return rows.error();
  if (rows->affected() == 0)
    return make_error("실행 #" + std::to_string(run_id) + "이(가) " + m_conn->display_url() + "에 없습니다");
  return {};
}

Result<std::vector<RunRecord>> PgStore::runs(const std::string& where,
                                             std::span<const pg::Param> params) {
  auto rows = m_conn->exec("SELECT " + run_columns() + " FROM collection_runs " + where, params,
                           doing("실행 기록 읽는 중"));
  if (!rows) return rows.error();
  std::vector<RunRecord> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto run = read_run(*rows, i, m_conn->display_url());
    if (!run) return run.error();
    out.push_back(std::move(*run));
  }
  return out;
}

Result<std::optional<RunRecord>> PgStore::one_run(const std::string& where,
                                                  std::span<const pg::Param> params) {
  auto found = runs(where, params);
  if (!found) return found.error();
  if (found->empty()) return std::optional<RunRecord>{};
  return std::optional<RunRecord>{std::move(found->front())};
}

Result<std::optional<RunRecord>> PgStore::find_run(std::int64_t run_id) {
  const std::array<pg::Param, 1> id{std::to_string(run_id)};
  return one_run("WHERE id = $1::bigint", id);
}

Result<std::optional<RunRecord>> PgStore::latest_resumable_run() {
  static const std::string where =
      "WHERE status IN (" + quoted(RunStatus::running) + ", " + quoted(RunStatus::interrupted) +
      ", " + quoted(RunStatus::partial) + ", " + quoted(RunStatus::no_keys) + ", " +
      quoted(RunStatus::failed) +
      ") AND id > (SELECT COALESCE(MAX(id), 0) FROM collection_runs WHERE status = " +
      quoted(RunStatus::success) + ") ORDER BY id DESC LIMIT 1";
  return one_run(where, {});
}

Result<std::optional<RunRecord>> PgStore::last_successful_run() {
  return one_run("WHERE status = " + quoted(RunStatus::success) + " ORDER BY id DESC LIMIT 1", {});
}

Result<std::vector<RunRecord>> PgStore::successful_runs() {
  return runs("WHERE status = " + quoted(RunStatus::success) + " ORDER BY id", {});
}

Result<std::optional<int>> PgStore::stored_area_code(std::string_view contentid) {
  auto rows = m_conn->exec("SELECT area_code FROM restaurants WHERE contentid = $1",
                           {std::string(contentid)},
                           doing("항목 " + std::string(contentid) + " 찾는 중"));
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<int>{};
  return std::optional<int>{static_cast<int>(rows->integer(0, 0))};
}

Result<std::vector<PageCheckpoint>> PgStore::checkpoints(std::int64_t run_id) {
  auto rows = m_conn->exec(
      "SELECT scope, page_size, page_no, total_count, rows FROM run_pages WHERE run_id = $1::bigint "
      "ORDER BY scope COLLATE \"C\", page_size, page_no",
      {std::to_string(run_id)}, doing("실행 #" + std::to_string(run_id) + "의 체크포인트 읽는 중"));
  if (!rows) return rows.error();
  std::vector<PageCheckpoint> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({std::string(rows->text(i, 0)), static_cast<int>(rows->integer(i, 1)),
                   static_cast<int>(rows->integer(i, 2)), rows->integer(i, 3),
                   static_cast<int>(rows->integer(i, 4))});
  return out;
}

Result<long long> PgStore::count(const char* sql, std::string_view what) {
  auto rows = m_conn->exec(sql, {}, doing(what));
  if (!rows) return rows.error();
  return rows->integer(0, 0);
}

Result<long long> PgStore::count_restaurants() {
  return count("SELECT COUNT(*) FROM restaurants", "음식점 수 세는 중");
}

Result<long long> PgStore::count_visible() {
  return count("SELECT COUNT(*) FROM restaurants WHERE hidden = 0", "보이는 음식점 수 세는 중");
}

Result<std::map<int, long long>> PgStore::count_by_area() {
  auto rows = m_conn->exec(
      "SELECT area_code, COUNT(*) FROM restaurants GROUP BY area_code ORDER BY area_code", {},
      doing("지역별 음식점 수 세는 중"));
  if (!rows) return rows.error();
  std::map<int, long long> counts;
  for (int i = 0; i < rows->size(); ++i)
    counts[static_cast<int>(rows->integer(i, 0))] = rows->integer(i, 1);
  return counts;
}

Result<int> PgStore::schema_version() { return pg::schema_version(*m_conn); }

}  // namespace kto::store
