#include "pg_work.hpp"

namespace kto::store::pg {
namespace {

constexpr const char* k_claim = R"sql(
WITH pending AS (
  SELECT r.contentid FROM restaurants r
    LEFT JOIN restaurant_details d ON d.contentid = r.contentid
    LEFT JOIN detail_claims c ON c.contentid = r.contentid AND c.kind = 'common'
   WHERE r.hidden = 0 AND r.area_code = ANY($2::int[])
     AND (d.common_fetched_at IS NULL OR d.common_modifiedtime IS DISTINCT FROM r.modifiedtime)
     AND (c.contentid IS NULL OR c.lease_until <= $5::timestamptz)
   ORDER BY r.contentid
   LIMIT $3::int
   FOR UPDATE OF r SKIP LOCKED)
INSERT INTO detail_claims AS dc (contentid, kind, claimed_by, claimed_at, lease_until)
SELECT contentid, 'common', $1, $5::timestamptz, $5::timestamptz + make_interval(secs => $4::int)
  FROM pending
ON CONFLICT (contentid, kind) DO UPDATE
   SET claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at,
       lease_until = EXCLUDED.lease_until
 WHERE dc.lease_until <= $5::timestamptz
RETURNING dc.contentid
)sql";

}  // namespace

Result<std::vector<std::string>> claim_details(Connection& conn, const ClaimRequest& request) {
  auto rows = conn.exec(k_claim,
                        {request.worker, request.areas, std::to_string(request.limit),
                         std::to_string(request.lease_seconds), request.now},
                        "상세 정보 작업 나누는 중");
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (int i = 0; i < rows->size(); ++i) out.emplace_back(rows->text(i, 0));
  return out;
}

Result<long long> renew_claims(Connection& conn, std::string_view worker, int lease_seconds,
                               std::string_view now) {
  auto rows = conn.exec(
      "UPDATE detail_claims SET lease_until = $3::timestamptz + make_interval(secs => $2::int) "
      "WHERE claimed_by = $1",
      {std::string(worker), std::to_string(lease_seconds), std::string(now)}, "작업 임대 연장 중");
  if (!rows) return rows.error();
  return rows->affected();
}

Result<void> release_claim(Connection& conn, std::string_view contentid, std::string_view worker) {
  auto done = conn.exec("DELETE FROM detail_claims WHERE contentid = $1 AND claimed_by = $2",
                        {std::string(contentid), std::string(worker)}, "작업 반납 중");
  if (!done) return done.error();
  return {};
}

}  // namespace kto::store::pg
