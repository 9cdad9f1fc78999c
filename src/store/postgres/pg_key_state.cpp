// The key pool's state in PostgreSQL: rows in, rows out, the pool's own merge in between (see
// pg_key_state.hpp). Times travel as milliseconds since the epoch, as the pool keeps them.
#include "pg_key_state.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>

#include "kto/store/key_state.hpp"
#include "pg_keys.hpp"
#include "pg_schema.hpp"

namespace kto::store {
namespace pg {
namespace {

using keys::KeyRecord;
using keys::KeySnapshot;

std::string ms_of(std::string_view column) {
  return "(extract(epoch FROM " + std::string(column) + ") * 1000)::bigint";
}

const std::string& state_columns() {
  static const std::string k_columns =
      "fingerprint, preview, daily_limit, consecutive_errors, total_errors, total_calls, "
      "is_active, COALESCE(deactivated_by, ''), " + ms_of("deactivated_at") +
      ", deactivation_reason, " + ms_of("last_used_at") + ", " + ms_of("last_error_at") +
      ", last_error";
  return k_columns;
}

// '{a,b}': fingerprints are hexadecimal, nothing to quote.
std::string text_array(std::span<const keys::KeyIdentity> keys) {
  std::string out = "{";
  for (const auto& k : keys) out += (out.size() > 1 ? "," : "") + k.fingerprint;
  return out + "}";
}

std::optional<util::TimePoint> time_at(const Rows& rows, int row, int col) {
  if (rows.is_null(row, col)) return std::nullopt;
  return util::TimePoint(util::Millis(rows.integer(row, col)));
}

std::optional<std::string> text_at(const Rows& rows, int row, int col) {
  if (rows.is_null(row, col)) return std::nullopt;
  return std::string(rows.text(row, col));
}

Param ms_param(const std::optional<util::TimePoint>& t) {
  if (!t) return std::nullopt;
  return std::to_string(t->time_since_epoch().count());
}

int int_at(const Rows& rows, int row, int col) { return static_cast<int>(rows.integer(row, col)); }

KeyRecord record_at(const Rows& rows, int i) {
  KeyRecord k;
  k.fingerprint = rows.text(i, 0);
  k.preview = rows.text(i, 1);
  k.daily_limit = int_at(rows, i, 2);
  k.consecutive_errors = int_at(rows, i, 3);
  k.total_errors = int_at(rows, i, 4);
  k.total_calls = int_at(rows, i, 5);
  k.is_active = rows.text(i, 6) == "t";
  k.manual = !k.is_active && rows.text(i, 7) == "operator";
  k.deactivated_at = time_at(rows, i, 8);
  k.deactivation_reason = text_at(rows, i, 9);
  k.last_used_at = time_at(rows, i, 10);
  k.last_error_at = time_at(rows, i, 11);
  k.last_error = text_at(rows, i, 12);
  return k;
}

KeyRecord* find(KeySnapshot& snap, std::string_view fingerprint) {
  for (auto& k : snap.keys)
    if (k.fingerprint == fingerprint) return &k;
  return nullptr;
}

// The keys' rows, their usage of day and their rests. lock: FOR UPDATE, so that concurrent merges
// take turns on the same keys.
Result<KeySnapshot> read_snapshot(Connection& c, std::span<const keys::KeyIdentity> keys,
                                  std::string_view day, bool lock) {
  const std::string fps = text_array(keys);
  auto rows = c.exec("SELECT " + state_columns() + " FROM key_state WHERE fingerprint = ANY($1::text[]) "
                     "ORDER BY fingerprint" + (lock ? " FOR UPDATE" : ""), {fps}, "키 상태 읽는 중");
  if (!rows) return rows.error();
  KeySnapshot snap;
  snap.day = std::string(day);
  for (int i = 0; i < rows->size(); ++i) snap.keys.push_back(record_at(*rows, i));
  auto usage = c.exec("SELECT fingerprint, operation, calls FROM key_usage WHERE fingerprint = "
                      "ANY($1::text[]) AND day = $2::date", {fps, std::string(day)},
                      "키 사용량 읽는 중");
  if (!usage) return usage.error();
  for (int i = 0; i < usage->size(); ++i)
    if (auto* k = find(snap, usage->text(i, 0)); k && usage->integer(i, 2) > 0)
      k->usage[std::string(usage->text(i, 1))] = int_at(*usage, i, 2);
  auto rests = c.exec("SELECT fingerprint, operation, " + ms_of("until") +
                      " FROM key_cooldowns WHERE fingerprint = ANY($1::text[])", {fps},
                      "키 휴식 읽는 중");
  if (!rests) return rests.error();
  for (int i = 0; i < rests->size(); ++i) {
    auto* k = find(snap, rests->text(i, 0));
    if (!k) continue;
    auto until = *time_at(*rests, i, 2);
    if (rests->text(i, 1).empty()) k->error_cooldown_until = until;
    else k->rate_limited_until[std::string(rests->text(i, 1))] = until;
  }
  return snap;
}

Result<void> write_record(Connection& c, const KeyRecord& k) {
  auto updated = c.exec(
      "UPDATE key_state SET consecutive_errors = $2::int, total_errors = $3::bigint, "
      "total_calls = $4::bigint, is_active = $5::boolean, deactivated_by = $6, "
      "deactivated_at = to_timestamp($7::bigint / 1000.0), deactivation_reason = $8, "
      "last_used_at = to_timestamp($9::bigint / 1000.0), "
      "last_error_at = to_timestamp($10::bigint / 1000.0), last_error = $11 WHERE fingerprint = $1",
      {k.fingerprint, std::to_string(k.consecutive_errors), std::to_string(k.total_errors),
       std::to_string(k.total_calls), k.is_active ? "true" : "false",
       k.is_active ? Param{} : Param(k.manual ? "operator" : "pool"), ms_param(k.deactivated_at),
       k.deactivation_reason, ms_param(k.last_used_at), ms_param(k.last_error_at), k.last_error},
      "키 상태 저장 중");
  if (!updated) return updated.error();
  auto rest = [&c, &k](const std::string& operation, util::TimePoint until) -> Result<void> {
    auto done = c.exec("INSERT INTO key_cooldowns (fingerprint, operation, until, reason) VALUES "
                       "($1, $2, to_timestamp($3::bigint / 1000.0), $4)",
                       {k.fingerprint, operation, ms_param(until),
                        std::string(operation.empty() ? "key_error" : "daily_quota")},
                       "키 휴식 저장 중");
    if (!done) return done.error();
    return {};
  };
  if (k.error_cooldown_until)
    if (auto ok = rest("", *k.error_cooldown_until); !ok) return ok;
  for (const auto& [operation, until] : k.rate_limited_until)
    if (auto ok = rest(operation, until); !ok) return ok;
  return {};
}

// The statement's clock: the pool's time (a fake one in tests), to the millisecond, in UTC.
std::string timestamp_text(util::TimePoint t) {
  auto ms = t.time_since_epoch().count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  long long frac = ((ms % 1000) + 1000) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lld+00", text, frac);
  return out;
}

}  // namespace

Result<std::unique_ptr<PgKeyState>> PgKeyState::open(const std::string& url,
                                                     std::unique_ptr<keys::KeyStateStore> former) {
  auto conn = Connection::open({.url = url});
  if (!conn) return conn.error();
  if (auto ok = migrate(**conn); !ok) return ok.error();
  return std::unique_ptr<PgKeyState>(new PgKeyState(std::move(*conn), std::move(former)));
}

Result<void> PgKeyState::register_keys(std::span<const keys::KeyIdentity> keys,
                                       std::string_view day) {
  auto row_of = [](const keys::KeyIdentity& k) {
    return KeyRow{k.fingerprint, k.preview, static_cast<int>(k.position), k.daily_limit};
  };
  std::optional<KeySnapshot> kept;
  if (m_former) {
    auto known = m_conn->exec("SELECT COUNT(*) FROM key_state WHERE fingerprint = ANY($1::text[])",
                              {text_array(keys)}, doing("키 상태 읽는 중"));
    if (!known) return known.error();
    if (known->integer(0, 0) < static_cast<long long>(keys.size())) {
      // A file that cannot be read keeps nothing worth stopping the run for: the database starts
      // from zero, as it would without the file.
      auto former = m_former->load(keys, day);
      if (!former)
        spdlog::warn("⚠️ 이 호스트의 키 상태 파일을 데이터베이스로 가져오지 못했습니다: {}",
                     former.error().message);
      else
        kept = std::move(*former);
    }
    m_former.reset();
  }
  if (!kept) {
    for (const auto& k : keys)
      if (auto ok = upsert_key(*m_conn, row_of(k)); !ok) return ok.error();
    return {};
  }
  std::vector<std::string> adopted;
  auto done = m_conn->transaction(
      [&](Connection& c) -> Result<void> {
        adopted.clear();
        for (const auto& k : keys) {
          auto added = insert_key(c, row_of(k));
          if (!added) return added.error();
          const KeyRecord* record = find(*kept, k.fingerprint);
          if (!*added || !record) {
            if (auto ok = upsert_key(c, row_of(k)); !ok) return ok.error();
            continue;
          }
          if (auto ok = write_record(c, *record); !ok) return ok;
          // The file's counters are of its day: another day's are not today's calls.
          if (kept->day == day)
            for (const auto& [operation, calls] : record->usage)
              if (auto ok = add_usage(c, k.fingerprint, day, operation, calls); !ok) return ok;
          adopted.push_back(k.preview);
        }
        return {};
      },
      doing("키 상태 가져오는 중"));
  if (!done) return done.error();
  for (const auto& preview : adopted)
    spdlog::info("📥 KTO 키 {}: 이 호스트의 상태 파일에 있던 키 상태(사용량, 휴식, 비활성화)를 "
                 "데이터베이스로 가져왔습니다",
                 preview);
  return {};
}

std::string PgKeyState::doing(std::string_view what) const {
  return m_conn->display_url() + " " + std::string(what);
}

Result<std::optional<keys::KeySnapshot>> PgKeyState::load(std::span<const keys::KeyIdentity> keys,
                                                          std::string_view day) {
  std::lock_guard lock(m_mutex);
  if (auto ok = register_keys(keys, day); !ok) return ok.error();
  auto snap = read_snapshot(*m_conn, keys, day, false);
  if (!snap) return snap.error();
  return std::optional<KeySnapshot>{std::move(*snap)};
}

Result<void> PgKeyState::sync(std::span<const keys::KeyIdentity> keys, std::string_view day,
                              const Merge& merge) {
  std::lock_guard lock(m_mutex);
  const std::string fps = text_array(keys);
  return m_conn->transaction(
      [&](Connection& c) -> Result<void> {
        auto stored = read_snapshot(c, keys, day, true);
        if (!stored) return stored.error();
        KeySnapshot out = merge(&*stored);
        auto cleared = c.exec("DELETE FROM key_cooldowns WHERE fingerprint = ANY($1::text[])",
                              {fps}, "키 휴식 저장 중");
        if (!cleared) return cleared.error();
        for (const auto& k : out.keys)
          if (auto ok = write_record(c, k); !ok) return ok;
        return {};
      },
      doing("키 상태 저장 중"));
}

Result<std::optional<int>> PgKeyState::reserve(const std::string& fingerprint, std::string_view day,
                                               std::string_view operation, int limit,
                                               util::TimePoint now) {
  std::lock_guard lock(m_mutex);
  return reserve_call(*m_conn, fingerprint, day, operation, timestamp_text(now), limit);
}

Result<void> PgKeyState::release(const std::string& fingerprint, std::string_view day,
                                 std::string_view operation) {
  std::lock_guard lock(m_mutex);
  return release_call(*m_conn, fingerprint, day, operation);
}

}  // namespace pg

bool is_postgresql_location(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<keys::KeyStateStore>> open_pg_key_state(
    std::string_view url, std::unique_ptr<keys::KeyStateStore> former) {
  auto opened = pg::PgKeyState::open(std::string(url), std::move(former));
  if (!opened) return opened.error();
  return std::unique_ptr<keys::KeyStateStore>(std::move(*opened));
}

}  // namespace kto::store
