#pragma once
// What the PostgreSQL store's files share.
#include <string>
#include <string_view>
#include <vector>

namespace kto::store::pg {

// A TIMESTAMPTZ column as the text SQLite stores and the collector writes ("2026-11-25T02:00:00
// +09:00" without the space): KST whatever the session's time zone, so exports and run records
// read the same on both stores.
inline std::string iso_kst(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+09:00\"')";
}

// PostgreSQL keeps no U+0000: not in TEXT ("invalid byte sequence"; libpq would even cut a
// parameter at it), not in JSONB ("unsupported Unicode escape sequence"). SQLite does, and one
// such character in a title must not cost a page, so on PostgreSQL it is stored as U+FFFD, the
// replacement character the JSONL export already uses for bytes it cannot show
// (docs/postgresql.md).
// A decoded value: each NUL byte becomes U+FFFD.
std::string without_nul(std::string_view text);
// A JSON text: each \u0000 escape becomes \ufffd (an escaped backslash before "u0000" is text,
// not an escape, and is left alone). Valid JSON stays valid, of the same length.
std::string json_without_nul(std::string_view raw);

// The provinces as a PostgreSQL int[] literal ("{1,6,31}"); "" (sent as NULL) for every province.
std::string int_array(const std::vector<int>& values);

}  // namespace kto::store::pg
