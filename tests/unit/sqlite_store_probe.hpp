#pragma once
// The tests' way into an SQLite store's own connection, for what only SQLite has (its pragmas,
// page cache and files) and for the SQLite instance of the store contract. The store keeps its
// connection private; this friend is the one way in, and it is here, not in a public header.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_store.hpp"

namespace kto::store {

class SqliteStoreProbe {
 public:
  static sqlite3* connection(SqliteStore& store) { return store.m_db; }

  // The first column of the first row, as text ("" when NULL or no row).
  static std::string query_text(SqliteStore& store, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(store.m_db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }

  static bool exec(SqliteStore& store, const std::string& sql) {
    return sqlite3_exec(store.m_db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
};

}  // namespace kto::store
