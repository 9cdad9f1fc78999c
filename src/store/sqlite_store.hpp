#pragma once
// The SQLite store (docs/contracts.md): WAL mode, a schema_version table driving migrations, the
// run lock a file beside the database. Private to the store: nothing outside src/store includes
// SQLite; tests of what only SQLite has (its page cache, its files) reach the connection through
// SqliteStoreProbe (tests/unit/sqlite_store_probe.hpp).
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "kto/store/store.hpp"

namespace kto::store {

class SqliteStore final : public Store {
 public:
  // Creates the folder and the file when missing, sets WAL, migrates. A file that is not an SQLite
  // database, or one of another program (no restaurants table but other tables), is an error that
  // names the file; nothing is written to it.
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // A file lock on "<database>.lock", shared with every collector of that file.
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

  Result<PendingChunk> pending_details(const PendingQuery& query, const PendingCursor& cursor,
                                       int limit) override;
  Result<PendingCounts> count_pending_details(const PendingQuery& query) override;
  Result<DetailWriteStats> write_details(std::span<const DetailWrite> batch) override;

  Result<long long> count_restaurants() override;
  Result<std::map<int, long long>> count_by_area() override;
  Result<long long> count_visible() override;
  Result<long long> export_csv(std::ostream& out) override;
  Result<long long> export_jsonl(std::ostream& out) override;
  Result<int> schema_version() override;

  const std::filesystem::path& path() const { return m_path; }

  // SQLite's page cache of a connection, whatever the file's page size: a cap on memory.
  static constexpr int k_cache_kib = 8192;

 private:
  friend class SqliteStoreProbe;  // tests only
  friend class PageUpsert;        // write_page.cpp: one page's rows

  explicit SqliteStore(sqlite3* db) : m_db(db) {}
  // A cached prepared statement, reset and unbound, ready to bind. A store is used by one thread
  // at a time.
  Result<sqlite3_stmt*> statement(const std::string& sql);
  Error error(int rc, const std::string& doing) const;
  Result<void> exec(const char* sql, const std::string& doing);
  Result<void> migrate();
  Result<std::optional<RunRecord>> one_run(const std::string& sql, std::int64_t id);
  Result<UpsertStats> upsert_items(const PageWrite& page);
  Result<void> insert_checkpoint(const PageWrite& page);
  Result<long long> export_rows(std::ostream& out, bool csv);
  // sqlite_details.cpp
  Result<std::string> run_started_at(std::int64_t run_id);  // "" for run 0
  Result<int> read_pending_class(const PendingQuery& query, const std::string& started,
                                 PendingCursor& cursor, int limit, PendingChunk& out);
  Result<bool> write_detail(const DetailWrite& write);  // false: no restaurants row
  Result<void> replace_images(const DetailWrite& write);

  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
  std::map<std::string, sqlite3_stmt*> m_statements;
  // Stored rows whose content an upsert changed, counted by the SQL function kto_note_change.
  long long m_changed_rows = 0;
};

}  // namespace kto::store
