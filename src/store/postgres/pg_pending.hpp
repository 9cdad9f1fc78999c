#pragma once
// The pending detail work in PostgreSQL's words (SQLite's sqlite_details.cpp): which rows a kind
// still needs, by class, walked by contentid in byte order (COLLATE "C", SQLite's BINARY) from a
// cursor. Shared by the store's reads (pg_store_details.cpp) and its claims (pg_work.cpp).
#include <array>
#include <string>
#include <string_view>

#include "../detail_columns.hpp"
#include "../pending_walk.hpp"
#include "kto/store/details.hpp"

namespace kto::store::pg {

// "item" or "menu": restaurant_images.kind of an image kind.
inline std::string_view image_kind(DetailKind kind) {
  return kind == DetailKind::menu_images ? "menu" : "item";
}

// FROM … WHERE of the pending rows of kind. $1 the provinces (int[], NULL = all), $2 the run's
// started_at (timestamptz, NULL = no new class).
std::string pending_from_where(DetailKind kind);
// " AND …" narrowing pending_from_where to one class.
std::string class_condition(DetailKind kind, PendingClass cls);

}  // namespace kto::store::pg
