#pragma once
// Small helpers over the SQLite C API shared by the store's sources (not a public header).
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "kto/util/result.hpp"

namespace kto::store {

// Resets a cached statement when the scope ends, so that a statement left half-stepped (an early
// return, an error) never keeps a read transaction open and blocks the WAL checkpoint.
class StmtGuard {
 public:
  explicit StmtGuard(sqlite3_stmt* stmt) : m_stmt(stmt) {}
  ~StmtGuard() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }
  StmtGuard(const StmtGuard&) = delete;
  StmtGuard& operator=(const StmtGuard&) = delete;

 private:
  sqlite3_stmt* m_stmt;
};

// Binds text that outlives the step (SQLITE_STATIC: no copy). An empty view may hold a null
// pointer, which SQLite would store as NULL: it is bound as an empty string instead.
inline int bind_view(sqlite3_stmt* stmt, int index, std::string_view text) {
  const char* data = text.data() != nullptr ? text.data() : "";
  return sqlite3_bind_text64(stmt, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

inline int bind_int(sqlite3_stmt* stmt, int index, std::int64_t value) {
  return sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(value));
}

inline std::string column_text(sqlite3_stmt* stmt, int index) {
  const unsigned char* text = sqlite3_column_text(stmt, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt, index))};
}

inline std::string_view column_view(sqlite3_stmt* stmt, int index) {
  const unsigned char* text = sqlite3_column_text(stmt, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt, index))};
}

// One message per failure, naming the file and, where the user can act, what to do.
Error sqlite_error(sqlite3* db, int rc, const std::filesystem::path& file, const std::string& doing);

// Reads the file's table list before anything is written: a file that is not a database, or a
// database of another program, is refused (schema.cpp).
Result<void> check_is_ours(sqlite3* db, const std::filesystem::path& file);

}  // namespace kto::store
