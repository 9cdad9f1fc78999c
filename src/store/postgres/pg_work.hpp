#pragma once
// Shared detail work (issues 17 and 18): several processes on one database divide the pending
// items. An item and kind is claimed by one worker under a lease; a worker that dies (kill -9, a
// lost host) stops renewing, its lease runs out and another worker takes the item over. Lease
// times are the server's clock (clock_timestamp()), the one clock every host shares, unless a
// test gives its own.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kto/store/details.hpp"
#include "kto/util/result.hpp"
#include "pg_connection.hpp"

namespace kto::store::pg {

struct ClaimRequest {
  std::string worker{};          // host:pid:random, unique per process
  std::string areas{};           // the provinces as a PostgreSQL array literal: "{1,6,31}"; "" all
  int limit = 50;                // items per claim
  int lease_seconds = 300;       // how long the claim holds without renewal
  std::string now{};             // ISO 8601; "" = the server's clock
  DetailKind kind = DetailKind::common;
  std::string started{};         // the run's started_at ("" = no new class)
  PendingCursor cursor{};        // the class to claim from and where in it
};

struct ClaimedRow {
  PendingItem item;
  bool claimed = false;  // false: another worker took it first (passed over all the same)
};

// Claims up to limit pending items of the request's kind and class after its cursor that no live
// lease of another worker holds. Candidates are locked FOR UPDATE SKIP LOCKED, so concurrent
// claimers pass over each other's rows instead of waiting, and a claim row is only taken over
// when its lease has expired: each item goes to one worker. Returns every row looked at, in order.
Result<std::vector<ClaimedRow>> claim_class(Connection& conn, const ClaimRequest& request);

// claim_class of the backlog of common from the start: the contentids claimed.
Result<std::vector<std::string>> claim_details(Connection& conn, const ClaimRequest& request);

// Extends the worker's leases (a long batch keeps its items).
Result<long long> renew_claims(Connection& conn, std::string_view worker, int lease_seconds,
                               std::string_view now = "");

// The items are done (or given up): their claims go.
Result<void> release_claims(Connection& conn, std::string_view worker, DetailKind kind,
                            std::span<const std::string> contentids);
Result<void> release_claim(Connection& conn, std::string_view contentid, std::string_view worker);

// Pending items of the kind in areas that another worker claimed, its lease live or run out: a
// lease that ran out since the last walk passed the item over is work to take over, not none.
Result<long long> held_elsewhere(Connection& conn, std::string_view worker, DetailKind kind,
                                 const std::string& areas);

}  // namespace kto::store::pg
