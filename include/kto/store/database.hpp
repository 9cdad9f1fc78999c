#pragma once
// The SQLite store (docs/contracts.md): restaurants upserted by contentid, in the same transaction
// as their page's checkpoint (pages that waited for the writer share one), so a crash loses at most
// the pages in memory and a resumed run never fetches a finished page again. WAL mode; a
// schema_version table drives migrations.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kto/util/json_view.hpp"
#include "kto/util/result.hpp"

namespace kto::store {

struct RunRecord {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;  // "" while running
  std::string mode;
  std::string regions;      // "1,6,31,39"
  std::string status;       // running success partial no_keys interrupted failed
  long long api_calls = 0;
  long long records = 0;
  std::string options;      // JSON of what the run needs to be resumed (page size, since …)
};

// One finished page of one scope ("area:1", "national", "sync:20261124:area:1" …).
struct PageCheckpoint {
  std::string scope;
  int page_size = 0;
  int page_no = 0;
  long long total_count = 0;
  int rows = 0;
};

struct StoredItem {
  util::JsonValue item;  // the item as received (an object of strings), raw_json is its text
  int area_code;         // the seed's province code the row belongs to
};

struct PageWrite {
  std::int64_t run_id = 0;
  PageCheckpoint checkpoint;
  std::vector<StoredItem> items;
  std::string now;            // ISO 8601 KST: first_seen_at / last_seen_at
  bool from_sync_list = false;  // showflag "0" → hidden = 1; "1" → hidden = 0
};

struct UpsertStats {
  int inserted = 0;
  int updated = 0;    // stored rows whose content changed
  int unchanged = 0;  // stored rows seen again as they were (only last_seen_at moves)
  int hidden = 0;
  int skipped = 0;  // items without a contentid: they cannot be keyed, so they are not stored
};

class Database {
 public:
  // Creates the folder and the file when missing, sets WAL, migrates. A file that is not an SQLite
  // database, or one of another program (no restaurants table but other tables), is an error that
  // names the file; nothing is written to it.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<std::int64_t> begin_run(const RunRecord& run);
  Result<void> update_run(const RunRecord& run);  // status, finished_at, api_calls, records
  Result<void> reopen_run(std::int64_t run_id);   // back to running, for --resume
  Result<std::optional<RunRecord>> find_run(std::int64_t run_id);
  // The newest run that did not finish (status running, interrupted, partial, no_keys, failed) and
  // was not followed by a successful run, which supersedes it: a nightly `collect --resume` never
  // goes back to an old cut-off run once a later one has succeeded.
  Result<std::optional<RunRecord>> latest_resumable_run();
  Result<std::optional<RunRecord>> last_successful_run();
  Result<std::vector<RunRecord>> successful_runs();  // oldest first

  // The province (area_code) of the stored row of contentid; nullopt when no row has it.
  Result<std::optional<int>> stored_area_code(std::string_view contentid);

  // One transaction: upsert every item, record the checkpoint.
  Result<UpsertStats> write_page(const PageWrite& page);
  // Several pages in one transaction (pages already fetched and waiting for the writer): each
  // page's stats in order; on an error nothing of any of them is stored.
  Result<std::vector<UpsertStats>> write_pages(std::span<const PageWrite> pages);
  Result<std::vector<PageCheckpoint>> checkpoints(std::int64_t run_id);

  Result<long long> count_restaurants();
  Result<std::map<int, long long>> count_by_area();

  // Streams every row (UTF-8): CSV with RFC 4180 quoting and a header, or one JSON object a line.
  // Rows by contentid, every column but raw_json; CSV has CRLF line ends and no BOM; JSONL numbers
  // are JSON numbers. Both return the rows written.
  Result<long long> export_csv(std::ostream& out);
  Result<long long> export_jsonl(std::ostream& out);

  sqlite3* handle() { return m_db; }

  // Rows the listings still show (hidden = 0).
  Result<long long> count_visible();
  // The version the file's schema_version table records (k_schema_version after open()).
  Result<int> schema_version();
  const std::filesystem::path& path() const { return m_path; }

  // The newest schema this build writes; open() migrates older files up to it.
  static constexpr int k_schema_version = 1;
  // SQLite's page cache of a connection, whatever the file's page size: a cap on memory.
  static constexpr int k_cache_kib = 8192;

 private:
  explicit Database(sqlite3* db) : m_db(db) {}
  // A cached prepared statement, reset and unbound, ready to bind. A Database is used by one
  // thread at a time.
  Result<sqlite3_stmt*> statement(const std::string& sql);
  Error error(int rc, const std::string& doing) const;
  Result<void> exec(const char* sql, const std::string& doing);
  Result<void> migrate();
  Result<std::optional<RunRecord>> one_run(const std::string& sql, std::int64_t id);
  Result<UpsertStats> upsert_items(const PageWrite& page);
  Result<void> insert_checkpoint(const PageWrite& page);
  Result<long long> export_rows(std::ostream& out, bool csv);

  sqlite3* m_db = nullptr;
  std::filesystem::path m_path;
  std::map<std::string, sqlite3_stmt*> m_statements;
  // Stored rows whose content an upsert changed, counted by the SQL function kto_note_change.
  long long m_changed_rows = 0;
};

}  // namespace kto::store
