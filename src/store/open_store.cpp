// The store's factory (the --db location picks the implementation) and SQLite's run lock.
#include <spdlog/spdlog.h>

#include <system_error>

#include "kto/store/store.hpp"
#include "kto/util/files.hpp"
#include "postgres/pg_store.hpp"
#include "sqlite_store.hpp"

namespace kto::store {
namespace fs = std::filesystem;

namespace {

// What ccache does with its remote storage: the scheme names the backend: a postgresql:// (or
// postgres://) URL is PostgreSQL, anything else a path to an SQLite file.
bool is_postgresql_url(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

class SqliteRunLock final : public RunLock {
 public:
  explicit SqliteRunLock(util::FileLock lock) : m_lock(std::move(lock)) {}

 private:
  util::FileLock m_lock;
};

}  // namespace

Result<std::unique_ptr<Store>> open_store(std::string_view location, OpenMode mode) {
  // Every message of the PostgreSQL store shows the URL with its password masked.
  if (is_postgresql_url(location)) {
    auto opened = PgStore::open(std::string(location), mode);
    if (!opened) return opened.error();
    return std::unique_ptr<Store>(std::move(*opened));
  }
  const fs::path path(location);
  // Opening creates a missing file; a command that only reads (export) must not leave an empty
  // database behind.
  std::error_code ec;
  if (mode == OpenMode::existing && !fs::is_regular_file(path, ec))
    return make_error(path.string() + "에 데이터베이스가 없습니다: 먼저 수집을 하세요", ExitCode::usage);
  auto opened = SqliteStore::open(path);
  if (!opened) return opened.error();
  return std::unique_ptr<Store>(std::move(*opened));
}

namespace {

// The SQLite file's run lock, a lock file beside it (util::FileLock: let go when the process dies).
Result<std::unique_ptr<RunLock>> lock_sqlite_file(const fs::path& db_path, bool wait,
                                                  std::string_view holder) {
  const std::string lock_path = db_path.string() + ".lock";
  if (std::error_code ec; !db_path.parent_path().empty())
    fs::create_directories(db_path.parent_path(), ec);  // a failure is the lock's error below
  auto lock = util::FileLock::try_acquire(lock_path);
  if (!lock) return lock.error();
  if (!*lock) {
    std::string other = util::FileLock::read_note(lock_path);
    if (!wait)
      return make_error("다른 collector 실행이 잠금을 쥐고 있습니다 (" +
                            (other.empty() ? std::string("누가 쥐었는지 모름") : other) +
                            "): 끝날 때까지 기다리거나 --wait를 주세요",
                        ExitCode::locked);
    spdlog::info("⏳ 다른 수집이 진행 중입니다 ({}): 끝날 때까지 기다립니다", other);
    auto blocking = util::FileLock::acquire(lock_path);
    if (!blocking) return blocking.error();
    *lock = std::move(*blocking);
  }
  util::FileLock held = std::move(**lock);
  held.write_note(holder);
  return std::unique_ptr<RunLock>(std::make_unique<SqliteRunLock>(std::move(held)));
}

}  // namespace

Result<std::unique_ptr<RunLock>> SqliteStore::lock_run(bool wait, std::string_view holder) {
  return lock_sqlite_file(m_path, wait, holder);
}

Result<OpenedStore> open_store_for_run(std::string_view location, RunKind kind, bool wait,
                                       std::string_view holder) {
  OpenedStore out;
  if (!is_postgresql_url(location)) {
    auto locked = lock_sqlite_file(fs::path(location), wait, holder);
    if (!locked) return locked.error();
    out.lock = std::move(*locked);
  }
  auto opened = open_store(location, OpenMode::create);
  if (!opened) return opened.error();
  out.store = std::move(*opened);
  if (!out.lock && (kind == RunKind::listing || !out.store->shares_detail_work())) {
    auto locked = out.store->lock_run(wait, holder);
    if (!locked) return locked.error();
    out.lock = std::move(*locked);
  }
  return out;
}

}  // namespace kto::store
