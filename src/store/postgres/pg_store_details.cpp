// TEMPORARY (replaced in the same branch before it is merged): details on PostgreSQL are not
// written yet; these answer with one Korean line so that the rest builds.
#include "pg_store.hpp"

namespace kto::store {

namespace {
Error not_yet() { return make_error("PostgreSQL 저장소의 상세정보는 아직 지원하지 않습니다"); }
}  // namespace

Result<PendingChunk> PgStore::pending_details(const PendingQuery&, const PendingCursor&, int) {
  return not_yet();
}
Result<PendingCounts> PgStore::count_pending_details(const PendingQuery&) { return not_yet(); }
Result<DetailWriteStats> PgStore::write_details(std::span<const DetailWrite>) { return not_yet(); }

}  // namespace kto::store
