// The SQLite store's details (details.hpp): pending items by class in chunks, batches of writes.
#include "sqlite_store.hpp"
#include "sqlite_util.hpp"

namespace kto::store {

Result<PendingChunk> SqliteStore::pending_details(const PendingQuery&, const PendingCursor&, int) {
  return make_error("상세정보 저장은 아직 구현되지 않았습니다");
}

Result<PendingCounts> SqliteStore::count_pending_details(const PendingQuery&) {
  return make_error("상세정보 저장은 아직 구현되지 않았습니다");
}

Result<DetailWriteStats> SqliteStore::write_details(std::span<const DetailWrite>) {
  return make_error("상세정보 저장은 아직 구현되지 않았습니다");
}

}  // namespace kto::store
