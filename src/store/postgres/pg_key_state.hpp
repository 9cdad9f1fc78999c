#pragma once
// keys::KeyStateStore on PostgreSQL's key tables (key_state, key_usage, key_cooldowns): loading and
// the three-way merge of the pool run in one transaction over the keys' rows (FOR UPDATE), and
// reservations are pg_keys.hpp's single conditional statement. One connection, one user at a time.
#include <memory>
#include <mutex>
#include <string>

#include "kto/keys/key_state_store.hpp"
#include "pg_connection.hpp"

namespace kto::store::pg {

class PgKeyState final : public keys::KeyStateStore {
 public:
  // Connects and migrates (tables of our names that are not ours are refused, nothing written).
  static Result<std::unique_ptr<PgKeyState>> open(const std::string& url);

  Result<std::optional<keys::KeySnapshot>> load(std::span<const keys::KeyIdentity> keys,
                                                std::string_view day) override;
  Result<void> sync(std::span<const keys::KeyIdentity> keys, std::string_view day,
                    const Merge& merge) override;
  bool counts_calls() const override { return true; }
  Result<std::optional<int>> reserve(const std::string& fingerprint, std::string_view day,
                                     std::string_view operation, int limit,
                                     util::TimePoint now) override;
  Result<void> release(const std::string& fingerprint, std::string_view day,
                       std::string_view operation) override;

 private:
  explicit PgKeyState(std::unique_ptr<Connection> conn) : m_conn(std::move(conn)) {}
  std::string doing(std::string_view what) const;

  std::mutex m_mutex;  // a libpq connection serves one statement at a time
  std::unique_ptr<Connection> m_conn;
};

}  // namespace kto::store::pg
