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
  // former: open_pg_key_state's (key_state.hpp), or nullptr.
  static Result<std::unique_ptr<PgKeyState>> open(
      const std::string& url, std::unique_ptr<keys::KeyStateStore> former = nullptr);

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
  PgKeyState(std::unique_ptr<Connection> conn, std::unique_ptr<keys::KeyStateStore> former)
      : m_conn(std::move(conn)), m_former(std::move(former)) {}
  std::string doing(std::string_view what) const;
  // Registers the keys; those new to the database first take what m_former kept of them.
  Result<void> register_keys(std::span<const keys::KeyIdentity> keys, std::string_view day);

  std::mutex m_mutex;  // a libpq connection serves one statement at a time
  std::unique_ptr<Connection> m_conn;
  std::unique_ptr<keys::KeyStateStore> m_former;  // read once, at the first load; then dropped
};

}  // namespace kto::store::pg
