#pragma once
// The PostgreSQL store (issue 18; docs/postgresql.md): the same tables, runs, checkpoints, upserts
// and exports as the SQLite store, in a server several hosts share. Rows are written by COPY into
// a temporary table and one INSERT … ON CONFLICT per page, whose common table expression compares
// each row with the stored one first (the counts). The run lock is a session advisory lock on a
// connection of its own, released when the run ends or its session dies. Private to the store.
#include <memory>
#include <string>

#include "kto/store/store.hpp"
#include "pg_connection.hpp"

namespace kto::store {
namespace pg {
class LeaseKeeper;
}

class PgStore final : public Store {
 public:
  // Connects to url (postgresql://…), refuses tables of our names that are not ours, migrates.
  // OpenMode::existing: a database without kto-collector's tables is a usage error and nothing
  // is created.
  static Result<std::unique_ptr<PgStore>> open(const std::string& url, OpenMode mode);
  ~PgStore() override;  // gives back the claims it still holds

  Result<std::unique_ptr<RunLock>> lock_run(bool wait, std::string_view holder) override;

  Result<std::int64_t> begin_run(const RunRecord& run) override;
  Result<void> update_run(const RunRecord& run) override;
  Result<void> reopen_run(std::int64_t run_id) override;
  Result<std::optional<RunRecord>> find_run(std::int64_t run_id) override;
  Result<std::optional<RunRecord>> latest_resumable_run() override;
  Result<std::optional<RunRecord>> last_successful_run() override;
  Result<std::vector<RunRecord>> successful_runs() override;
  Result<std::optional<int>> stored_area_code(std::string_view contentid) override;

  Result<UpsertStats> write_page(const PageWrite& page) override;
  Result<std::vector<UpsertStats>> write_pages(std::span<const PageWrite> pages) override;
  Result<std::vector<PageCheckpoint>> checkpoints(std::int64_t run_id) override;

  Result<long long> count_restaurants() override;
  Result<std::map<int, long long>> count_by_area() override;
  Result<long long> count_visible() override;
  Result<PendingChunk> pending_details(const PendingQuery& query, const PendingCursor& cursor,
                                       int limit) override;
  Result<PendingCounts> count_pending_details(const PendingQuery& query) override;
  Result<DetailWriteStats> write_details(std::span<const DetailWrite> batch) override;
  bool shares_detail_work() const override { return true; }
  Result<PendingChunk> claim_details(const PendingQuery& query, const PendingCursor& cursor,
                                     int limit, int lease_seconds) override;
  Result<void> release_details(DetailKind kind, std::span<const std::string> contentids) override;
  Result<long long> details_held_elsewhere(const PendingQuery& query) override;
  // This process's name on its claims (host:pid:random).
  const std::string& worker() const { return m_worker; }
  Result<long long> export_csv(std::ostream& out) override;
  Result<long long> export_jsonl(std::ostream& out) override;
  // The same versions as SQLite's (2: the details); PostgreSQL's version 2 also has the tables
  // only a shared server needs (docs/postgresql.md).
  Result<int> schema_version() override;

  // The store's connection (tests query it; nothing else should).
  pg::Connection& connection() { return *m_conn; }

 private:
  PgStore(std::unique_ptr<pg::Connection> conn, std::string url);
  Result<std::vector<RunRecord>> runs(const std::string& where, std::span<const pg::Param> params);
  Result<std::optional<RunRecord>> one_run(const std::string& where,
                                           std::span<const pg::Param> params);
  Result<long long> count(const char* sql, std::string_view doing);
  Result<UpsertStats> upsert_page(pg::Connection& conn, const PageWrite& page);
  Result<long long> export_rows(std::ostream& out, bool csv);
  Result<std::string> run_started_at(std::int64_t run_id);
  Result<int> read_pending_class(const PendingQuery& query, const std::string& started,
                                 PendingCursor& cursor, int limit, PendingChunk& out);
  std::string doing(std::string_view what) const;

  std::unique_ptr<pg::Connection> m_conn;
  std::string m_url;  // with its password: the run lock opens its own connection
  std::string m_worker;
  std::unique_ptr<pg::LeaseKeeper> m_leases;  // from the first claim on
};

}  // namespace kto::store
