#include "pg_work.hpp"

#include "pg_pending.hpp"

namespace kto::store::pg {
namespace {

constexpr const char* k_now = "COALESCE($8::timestamptz, clock_timestamp())";

// $1 areas, $2 started (pending_from_where, class_condition), $3 the cursor, $4 the limit, $5 the
// kind, $6 the worker, $7 the lease in seconds, $8 now (NULL: the server's clock).
std::string claim_sql(DetailKind kind, PendingClass cls) {
  const std::string now = k_now;
  return "WITH picked AS (SELECT r.contentid, r.contenttypeid, r.modifiedtime, r.area_code" +
         pending_from_where(kind) + class_condition(kind, cls) +
         " AND r.contentid COLLATE \"C\" > $3 AND NOT EXISTS (SELECT 1 FROM detail_claims c "
         "WHERE c.contentid = r.contentid AND c.kind = $5 AND c.lease_until > " + now + ") ORDER BY r.contentid COLLATE \"C\" LIMIT $4::int "
         "FOR UPDATE OF r SKIP LOCKED), "
         "claimed AS (INSERT INTO detail_claims AS dc (contentid, kind, claimed_by, claimed_at, "
         "lease_until) SELECT contentid, $5, $6, " + now + ", " + now +
         " + make_interval(secs => $7::int) FROM picked ON CONFLICT (contentid, kind) DO UPDATE "
         "SET claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at, "
         "lease_until = EXCLUDED.lease_until WHERE dc.lease_until <= EXCLUDED.claimed_at "
         "RETURNING dc.contentid) "
         "SELECT p.contentid, p.contenttypeid, p.modifiedtime, p.area_code, c.contentid IS NOT NULL "
         "FROM picked p LEFT JOIN claimed c ON c.contentid = p.contentid "
         "ORDER BY p.contentid COLLATE \"C\"";
}

Param or_null(const std::string& text) { return text.empty() ? Param{} : Param{text}; }

// A text[] literal: each element quoted, its quotes and backslashes escaped.
std::string text_array(std::span<const std::string> values) {
  std::string out = "{";
  for (const std::string& v : values) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

}  // namespace

Result<std::vector<ClaimedRow>> claim_class(Connection& conn, const ClaimRequest& request) {
  auto rows = conn.exec(claim_sql(request.kind, request.cursor.cls),
                        {or_null(request.areas), or_null(request.started),
                         request.cursor.after_contentid, std::to_string(request.limit),
                         std::string(to_string(request.kind)), request.worker,
                         std::to_string(request.lease_seconds), or_null(request.now)},
                        "상세정보 작업 나누는 중");
  if (!rows) return rows.error();
  std::vector<ClaimedRow> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({{std::string(rows->text(i, 0)), std::string(rows->text(i, 1)),
                    std::string(rows->text(i, 2)), static_cast<int>(rows->integer(i, 3)),
                    request.cursor.cls},
                   rows->text(i, 4) == "t"});
  return out;
}

Result<std::vector<std::string>> claim_details(Connection& conn, const ClaimRequest& request) {
  ClaimRequest backlog = request;
  backlog.cursor = {PendingClass::backlog, ""};
  auto rows = claim_class(conn, backlog);
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (const ClaimedRow& row : *rows)
    if (row.claimed) out.push_back(row.item.contentid);
  return out;
}

Result<long long> renew_claims(Connection& conn, std::string_view worker, int lease_seconds,
                               std::string_view now) {
  auto rows = conn.exec(
      "UPDATE detail_claims SET lease_until = COALESCE($3::timestamptz, clock_timestamp()) + "
      "make_interval(secs => $2::int) WHERE claimed_by = $1",
      {std::string(worker), std::to_string(lease_seconds), or_null(std::string(now))},
      "작업 임대 연장 중");
  if (!rows) return rows.error();
  return rows->affected();
}

Result<void> release_claims(Connection& conn, std::string_view worker, DetailKind kind,
                            std::span<const std::string> contentids) {
  if (contentids.empty()) return {};
  auto done = conn.exec(
      "DELETE FROM detail_claims WHERE claimed_by = $1 AND kind = $2 AND contentid = ANY($3::text[])",
      {std::string(worker), std::string(to_string(kind)), text_array(contentids)}, "작업 반납 중");
  if (!done) return done.error();
  return {};
}

Result<void> release_claim(Connection& conn, std::string_view contentid, std::string_view worker) {
  auto done = conn.exec("DELETE FROM detail_claims WHERE contentid = $1 AND claimed_by = $2",
                        {std::string(contentid), std::string(worker)}, "작업 반납 중");
  if (!done) return done.error();
  return {};
}

Result<long long> held_elsewhere(Connection& conn, std::string_view worker, DetailKind kind,
                                 const std::string& areas) {
  auto rows = conn.exec(
      "SELECT COUNT(*)" + pending_from_where(kind) +
          " AND EXISTS (SELECT 1 FROM detail_claims c WHERE c.contentid = r.contentid AND "
          "c.kind = $2 AND c.claimed_by <> $3)",
      {or_null(areas), std::string(to_string(kind)), std::string(worker)},
      "다른 작업자의 상세정보 세는 중");
  if (!rows) return rows.error();
  return rows->integer(0, 0);
}

}  // namespace kto::store::pg
