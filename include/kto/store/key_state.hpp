#pragma once
// The key pool's state in the database (issue 18): when the store is PostgreSQL, the keys' counts,
// rests, errors and deactivations live in its key tables, shared by every process on every host,
// instead of each host's JSON state file. Keys are stored by fingerprint and preview only.
#include <memory>
#include <string_view>

#include "kto/keys/key_state_store.hpp"
#include "kto/util/result.hpp"

namespace kto::store {

// A postgresql:// or postgres:// location (--db, KTO_DATABASE_URL): the store is PostgreSQL.
bool is_postgresql_location(std::string_view location);

// The key pool's store in the PostgreSQL database at url (connected, migrated like the store; the
// same errors and exit codes, the password masked). It counts every call: each lease is reserved
// with one atomic statement, so processes together never pass a key's daily limit.
// former: the state this host kept before the database (its JSON state file), or nullptr. A key
// the database does not know yet adopts what former says of it (today's counts, rests, errors,
// deactivation) when it is first registered, so moving a host to PostgreSQL mid-day neither
// forgets the calls already made nor brings back a key the operator turned off. former is only
// read, and only then: once a key is in the database, the database is its truth.
Result<std::unique_ptr<keys::KeyStateStore>> open_pg_key_state(
    std::string_view url, std::unique_ptr<keys::KeyStateStore> former = nullptr);

}  // namespace kto::store
