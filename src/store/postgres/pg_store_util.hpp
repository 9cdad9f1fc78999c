#pragma once
// What the PostgreSQL store's files share.
#include <string>

namespace kto::store::pg {

// A TIMESTAMPTZ column as the text SQLite stores and the collector writes ("2026-11-25T02:00:00
// +09:00" without the space): KST whatever the session's time zone, so exports and run records
// read the same on both stores.
inline std::string iso_kst(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+09:00\"')";
}

}  // namespace kto::store::pg
