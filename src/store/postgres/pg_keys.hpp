#pragma once
// The key pool's shared state in PostgreSQL (issue 18): the statements every process uses, so
// that any number of processes on any number of hosts never exceed a key's daily limit together.
// Keys are known by fingerprint and preview only; the raw key never reaches the database.
#include <optional>
#include <string>
#include <string_view>

#include "kto/util/result.hpp"
#include "pg_connection.hpp"

namespace kto::store::pg {

struct KeyRow {
  std::string fingerprint{};  // util::key_fingerprint
  std::string preview{};    // util::mask_key
  int position = 0;         // the key's place in KTO_API_KEY
  int daily_limit = 1000;
};

// Adds the key or updates its preview, position and limit (its counts and state stay).
Result<void> upsert_key(Connection& conn, const KeyRow& key);
// Adds the key when the database does not know it; true when it was added.
Result<bool> insert_key(Connection& conn, const KeyRow& key);
// Counts calls more of operation on the KST day for the key (adopting another store's counts).
Result<void> add_usage(Connection& conn, std::string_view fingerprint, std::string_view kst_day,
                       std::string_view operation, int calls);

// Reserves one call of operation on the KST day for the key, atomically: one conditional
// INSERT … ON CONFLICT DO UPDATE … WHERE calls < daily_limit RETURNING, which the server
// serialises on the row, so concurrent reservations never pass the limit together. Returns the
// calls now counted, or nullopt when the key is inactive, resting (a cooldown of the operation or
// of the whole key still running at now) or at its limit: limit when given (the calls this
// process may spend: KTO_API_DAILY_LIMIT less KTO_KEY_RESERVE), else the key's daily_limit.
Result<std::optional<int>> reserve_call(Connection& conn, std::string_view fingerprint,
                                        std::string_view kst_day, std::string_view operation,
                                        std::string_view now,
                                        std::optional<int> limit = std::nullopt);

// Gives back a reserved call that was not made (never below zero).
Result<void> release_call(Connection& conn, std::string_view fingerprint, std::string_view kst_day,
                          std::string_view operation);

// Rests the key for operation ('' for every operation) until the given time.
Result<void> set_cooldown(Connection& conn, std::string_view fingerprint, std::string_view operation,
                          std::string_view until, std::string_view reason);

// The calls counted for the key, day and operation (0 when none).
Result<int> calls_on(Connection& conn, std::string_view fingerprint, std::string_view kst_day,
                     std::string_view operation);

}  // namespace kto::store::pg
