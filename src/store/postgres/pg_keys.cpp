#include "pg_keys.hpp"

namespace kto::store::pg {
namespace {

std::string s(std::string_view text) { return std::string(text); }

// The whole reservation in one statement: the first call of the day inserts the row with 1; later
// calls add one only while under the key's limit. A row lock makes concurrent reservations take
// turns, and each re-checks the WHERE on the row as the previous one left it.
constexpr const char* k_reserve = R"sql(
INSERT INTO key_usage AS u (fingerprint, day, operation, calls)
SELECT k.fingerprint, $2::date, $3, 1 FROM key_state k
 WHERE k.fingerprint = $1 AND k.is_active AND COALESCE($5::int, k.daily_limit) > 0
   AND NOT EXISTS (SELECT 1 FROM key_cooldowns c WHERE c.fingerprint = k.fingerprint
                     AND c.operation IN ('', $3) AND c.until > $4::timestamptz)
ON CONFLICT (fingerprint, day, operation) DO UPDATE SET calls = u.calls + 1
 WHERE u.calls < (SELECT COALESCE($5::int, k.daily_limit) FROM key_state k
                    WHERE k.fingerprint = u.fingerprint AND k.is_active)
   AND NOT EXISTS (SELECT 1 FROM key_cooldowns c WHERE c.fingerprint = u.fingerprint
                     AND c.operation IN ('', u.operation) AND c.until > $4::timestamptz)
RETURNING u.calls
)sql";

}  // namespace

Result<void> upsert_key(Connection& conn, const KeyRow& key) {
  auto done = conn.exec(
      "INSERT INTO key_state (fingerprint, preview, position, daily_limit) VALUES ($1, $2, $3::int, "
      "$4::int) ON CONFLICT (fingerprint) DO UPDATE SET preview = EXCLUDED.preview, position = "
      "EXCLUDED.position, daily_limit = EXCLUDED.daily_limit",
      {key.fingerprint, key.preview, std::to_string(key.position), std::to_string(key.daily_limit)},
      "키 등록 중");
  if (!done) return done.error();
  return {};
}

Result<bool> insert_key(Connection& conn, const KeyRow& key) {
  auto rows = conn.exec(
      "INSERT INTO key_state (fingerprint, preview, position, daily_limit) VALUES ($1, $2, $3::int, "
      "$4::int) ON CONFLICT (fingerprint) DO NOTHING RETURNING 1",
      {key.fingerprint, key.preview, std::to_string(key.position), std::to_string(key.daily_limit)},
      "키 등록 중");
  if (!rows) return rows.error();
  return rows->size() == 1;
}

Result<void> add_usage(Connection& conn, std::string_view fingerprint, std::string_view kst_day,
                       std::string_view operation, int calls) {
  auto done = conn.exec(
      "INSERT INTO key_usage (fingerprint, day, operation, calls) VALUES ($1, $2::date, $3, "
      "$4::int) ON CONFLICT (fingerprint, day, operation) DO UPDATE SET calls = key_usage.calls + "
      "EXCLUDED.calls",
      {s(fingerprint), s(kst_day), s(operation), std::to_string(calls)}, "키 사용량 저장 중");
  if (!done) return done.error();
  return {};
}

Result<std::optional<int>> reserve_call(Connection& conn, std::string_view fingerprint,
                                        std::string_view kst_day, std::string_view operation,
                                        std::string_view now, std::optional<int> limit) {
  Param cap = limit ? Param(std::to_string(*limit)) : std::nullopt;
  auto rows = conn.exec(k_reserve, {s(fingerprint), s(kst_day), s(operation), s(now), cap},
                        "키 호출 예약 중");
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<int>{};
  return std::optional<int>{static_cast<int>(rows->integer(0, 0))};
}

Result<void> release_call(Connection& conn, std::string_view fingerprint, std::string_view kst_day,
                          std::string_view operation) {
  auto done = conn.exec(
      "UPDATE key_usage SET calls = calls - 1 WHERE fingerprint = $1 AND day = $2::date AND "
      "operation = $3 AND calls > 0",
      {s(fingerprint), s(kst_day), s(operation)}, "키 호출 예약 되돌리는 중");
  if (!done) return done.error();
  return {};
}

Result<void> set_cooldown(Connection& conn, std::string_view fingerprint, std::string_view operation,
                          std::string_view until, std::string_view reason) {
  auto done = conn.exec(
      "INSERT INTO key_cooldowns (fingerprint, operation, until, reason) VALUES ($1, $2, "
      "$3::timestamptz, $4) ON CONFLICT (fingerprint, operation) DO UPDATE SET until = "
      "EXCLUDED.until, reason = EXCLUDED.reason",
      {s(fingerprint), s(operation), s(until), s(reason)}, "키 쉬게 하는 중");
  if (!done) return done.error();
  return {};
}

Result<int> calls_on(Connection& conn, std::string_view fingerprint, std::string_view kst_day,
                     std::string_view operation) {
  auto rows = conn.exec(
      "SELECT COALESCE((SELECT calls FROM key_usage WHERE fingerprint = $1 AND day = $2::date AND "
      "operation = $3), 0)",
      {s(fingerprint), s(kst_day), s(operation)}, "키 사용량 읽는 중");
  if (!rows) return rows.error();
  return static_cast<int>(rows->integer(0, 0));
}

}  // namespace kto::store::pg
