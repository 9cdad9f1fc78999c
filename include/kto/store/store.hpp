#pragma once
// The store: what the collector, the run lifecycle, the commands and export need of a database,
// whichever holds it (docs/contracts.md). Restaurants are upserted by contentid in the same
// transaction as their page's checkpoint (pages that waited for the writer share one), so a crash
// loses at most the pages in memory and a resumed run never fetches a finished page again.
// open_store() picks the implementation from the --db location: a path to an SQLite file
// (src/store/sqlite_store.hpp) or a PostgreSQL URL (src/store/postgres/pg_store.hpp).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kto/store/details.hpp"
#include "kto/store/run_status.hpp"
#include "kto/util/json_view.hpp"
#include "kto/util/result.hpp"

namespace kto::store {

struct RunRecord {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;  // "" while running
  std::string mode;
  std::string regions;      // "1,6,31,39"
  RunStatus status = RunStatus::running;
  long long api_calls = 0;
  long long records = 0;
  std::string options;      // JSON of what the run needs to be resumed (page size, since …)
};

// One finished page of one scope: "area:1" or "national" for a listing, "since:20261124:national"
// for a day of an increment (collect/plan.cpp names them).
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

// The lock a collection run holds from before its first call to its end, so that two runs never
// work on one store at once. Released when destroyed (or when the process dies); it may outlive
// the store that handed it out, so that a run closes its store before the next one starts.
class RunLock {
 public:
  virtual ~RunLock() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // The run lock of this store. holder names this run (its pid and start) to whoever is refused.
  // Held by another run: an error with ExitCode::locked naming that run, or with wait, the lock
  // once that run ends.
  virtual Result<std::unique_ptr<RunLock>> lock_run(bool wait, std::string_view holder) = 0;

  virtual Result<std::int64_t> begin_run(const RunRecord& run) = 0;
  // status, finished_at, api_calls, records
  virtual Result<void> update_run(const RunRecord& run) = 0;
  // Back to running, for --resume.
  virtual Result<void> reopen_run(std::int64_t run_id) = 0;
  virtual Result<std::optional<RunRecord>> find_run(std::int64_t run_id) = 0;
  // The newest run that did not finish (status running, interrupted, partial, no_keys, failed) and
  // was not followed by a successful run, which supersedes it: a nightly `collect --resume` never
  // goes back to an old cut-off run once a later one has succeeded.
  virtual Result<std::optional<RunRecord>> latest_resumable_run() = 0;
  virtual Result<std::optional<RunRecord>> last_successful_run() = 0;
  virtual Result<std::vector<RunRecord>> successful_runs() = 0;  // oldest first

  // The province (area_code) of the stored row of contentid; nullopt when no row has it.
  virtual Result<std::optional<int>> stored_area_code(std::string_view contentid) = 0;

  // One transaction: upsert every item, record the checkpoint.
  virtual Result<UpsertStats> write_page(const PageWrite& page) = 0;
  // Several pages in one transaction (pages already fetched and waiting for the writer): each
  // page's stats in order; on an error nothing of any of them is stored.
  virtual Result<std::vector<UpsertStats>> write_pages(std::span<const PageWrite> pages) = 0;
  virtual Result<std::vector<PageCheckpoint>> checkpoints(std::int64_t run_id) = 0;

  virtual Result<long long> count_restaurants() = 0;
  virtual Result<std::map<int, long long>> count_by_area() = 0;
  // Rows the listings still show (hidden = 0).
  virtual Result<long long> count_visible() = 0;

  // Restaurant details (details.hpp, docs/contracts.md "Details").
  // Up to limit pending items of query.kind from cursor on: new, then changed, then backlog, each
  // by contentid. Each call reads only what it returns (plus the rows it passes over), so memory
  // stays flat however many are pending.
  virtual Result<PendingChunk> pending_details(const PendingQuery& query,
                                               const PendingCursor& cursor, int limit) = 0;
  // How many items of query.kind are pending, by class (the report's "남은 상세정보", metrics).
  virtual Result<PendingCounts> count_pending_details(const PendingQuery& query) = 0;
  // One transaction: every write of the batch or, on an error, none of them. common / intro
  // update their columns, raw text, fetch time and modifiedtime; images replace the item's images
  // of that kind and record the fetch.
  virtual Result<DetailWriteStats> write_details(std::span<const DetailWrite> batch) = 0;

  // Shared detail work (docs/contracts.md "Details"). Whether several processes may fetch this
  // store's details at once, each claiming the items it fetches (PostgreSQL). SQLite: no — one
  // process works under the run lock (exit 5 for the next), so the calls below are pending_details
  // and nothing else.
  virtual bool shares_detail_work() const { return false; }
  // pending_details, but each item returned is claimed by this store under a lease of
  // lease_seconds, renewed while the store is open and lost when its process dies (another then
  // takes the item over); items another live lease holds are passed over.
  virtual Result<PendingChunk> claim_details(const PendingQuery& query, const PendingCursor& cursor,
                                             int limit, int /*lease_seconds*/) {
    return pending_details(query, cursor, limit);
  }
  // The items were written or given up: their claims go.
  virtual Result<void> release_details(DetailKind /*kind*/,
                                       std::span<const std::string> /*contentids*/) {
    return {};
  }
  // Pending items of query.kind another process claimed and has not given back: work still in
  // hand, or left by a process that died (its lease run out or running out), to take over.
  virtual Result<long long> details_held_elsewhere(const PendingQuery& /*query*/) { return 0; }

  // Streams every row (UTF-8): CSV with RFC 4180 quoting and a header, or one JSON object a line.
  // Rows by contentid, every column but raw_json; CSV has CRLF line ends and no BOM; JSONL numbers
  // are JSON numbers. The details follow: CSV their columns (empty when none), JSONL a "details"
  // object (null when none) and an "images" list. Both return the rows written.
  virtual Result<long long> export_csv(std::ostream& out) = 0;
  virtual Result<long long> export_jsonl(std::ostream& out) = 0;

  // The version the store's schema_version table records (k_schema_version once opened).
  virtual Result<int> schema_version() = 0;
  // The newest schema this build writes; opening a store migrates an older one up to it.
  static constexpr int k_schema_version = 2;
};

enum class OpenMode {
  create,    // a missing store is created (collect)
  existing,  // a missing store is a usage error and nothing is created (export)
};

// Opens the store at location (--db): a path to an SQLite file, or a postgresql:// (postgres://)
// URL. It creates the folder and the file (or the tables) when missing (OpenMode::create) and
// migrates. A file that is not an SQLite database, or tables of another program, is an error that
// names the store; nothing is written to it. A URL's password is never shown (docs/postgresql.md).
Result<std::unique_ptr<Store>> open_store(std::string_view location,
                                          OpenMode mode = OpenMode::create);

// What a run does with the store it opens: a listing holds the run lock on every store; detail
// work only where one process works at a time (SQLite): PostgreSQL divides it by claims.
enum class RunKind { listing, details };

struct OpenedStore {
  std::unique_ptr<RunLock> lock;  // declared first: let go only once the store is closed
  std::unique_ptr<Store> store;
};

// open_store() for a run, with its lock held (Store::lock_run: wait and holder as there). SQLite's
// lock is taken before the file is opened, so that a refused run creates and migrates nothing and
// says "locked" (5) even when the file is damaged; PostgreSQL's needs the connection first.
Result<OpenedStore> open_store_for_run(std::string_view location, RunKind kind, bool wait,
                                       std::string_view holder);

}  // namespace kto::store
