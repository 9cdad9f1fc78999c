#pragma once
// The PostgreSQL schema (issue 18): SQLite's tables with PostgreSQL's types, plus the tables that
// let several hosts share one database: the key pool's state and the claims on detail work.
#include <string>
#include <vector>

#include "kto/store/store.hpp"
#include "kto/util/result.hpp"
#include "pg_connection.hpp"

namespace kto::store::pg {

// The newest schema this build writes; migrate() brings older databases up to it. A version means
// the same on both stores (2: the details), so it is the Store's one number.
constexpr int k_schema_version = Store::k_schema_version;

// Every table kto-collector makes, in the order the migrations make them.
const std::vector<std::string>& our_tables();

// In one transaction, under an advisory lock (so concurrent processes migrate once): refuses
// tables of our names that kto-collector did not make (nothing written), refuses a schema newer
// than this build knows, then applies the missing steps up to up_to (tests stop early).
Result<void> migrate(Connection& conn, int up_to = k_schema_version);

// The version schema_version records; 0 when there is none.
Result<int> schema_version(Connection& conn);

}  // namespace kto::store::pg
