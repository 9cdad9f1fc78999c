#pragma once
// The pending detail work in PostgreSQL's words (SQLite's sqlite_details.cpp): which rows a kind
// still needs, by class, walked by contentid in byte order (COLLATE "C", SQLite's BINARY) from a
// cursor. Shared by the store's reads (pg_store_details.cpp) and its claims (pg_work.cpp).
#include <array>
#include <string>
#include <string_view>

#include "kto/store/details.hpp"

namespace kto::store::pg {

inline constexpr std::array<std::string_view, 4> k_common_fields{"overview", "homepage", "tel",
                                                                 "telname"};
inline constexpr std::array<std::string_view, 16> k_intro_fields{
    "firstmenu",        "treatmenu",   "opentimefood",   "restdatefood",
    "parkingfood",      "reservationfood", "infocenterfood", "packing",
    "seat",             "smoking",     "kidsfacility",   "chkcreditcardfood",
    "discountinfofood", "scalefood",   "opendatefood",   "lcnsno"};

// "item" or "menu": restaurant_images.kind of an image kind.
inline std::string_view image_kind(DetailKind kind) {
  return kind == DetailKind::menu_images ? "menu" : "item";
}

// FROM … WHERE of the pending rows of kind. $1 the provinces (int[], NULL = all), $2 the run's
// started_at (timestamptz, NULL = no new class).
std::string pending_from_where(DetailKind kind);
// " AND …" narrowing pending_from_where to one class.
std::string class_condition(DetailKind kind, PendingClass cls);
// The next class in the order the work is handed out; nullopt after the backlog.
inline bool next_class(PendingCursor& cursor) {
  if (cursor.cls == PendingClass::backlog) return false;
  cursor.cls = cursor.cls == PendingClass::fresh ? PendingClass::changed : PendingClass::backlog;
  cursor.after_contentid.clear();
  return true;
}

}  // namespace kto::store::pg
