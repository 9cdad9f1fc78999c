#pragma once
// Shared detail work (issues 17 and 18): several processes on one database divide the pending
// items. An item is claimed by one worker under a lease; a worker that dies (kill -9, a lost host)
// stops renewing, its lease runs out and another worker takes the item over.
#include <string>
#include <string_view>
#include <vector>

#include "kto/util/result.hpp"
#include "pg_connection.hpp"

namespace kto::store::pg {

struct ClaimRequest {
  std::string worker{};          // host:pid:random, unique per process
  std::string areas{};           // the provinces as a PostgreSQL array literal: "{1,6,31}"
  int limit = 50;              // items per claim
  int lease_seconds = 300;     // how long the claim holds without renewal
  std::string now{};             // ISO 8601, from the injected clock
};

// Claims up to limit shown items of the areas whose details are missing or older than their
// modifiedtime and that no live lease holds. Candidates are locked FOR UPDATE SKIP LOCKED, so
// concurrent claimers pass over each other's rows instead of waiting, and the claim row is only
// taken over when its lease has expired: each item goes to one worker. Returns the contentids.
Result<std::vector<std::string>> claim_details(Connection& conn, const ClaimRequest& request);

// Extends the worker's leases (a long batch keeps its items).
Result<long long> renew_claims(Connection& conn, std::string_view worker, int lease_seconds,
                               std::string_view now);

// The item is done (or given up): its claim goes.
Result<void> release_claim(Connection& conn, std::string_view contentid, std::string_view worker);

}  // namespace kto::store::pg
