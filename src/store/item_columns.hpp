#pragma once
// What both stores write of a listing item (write_page.cpp for SQLite, postgres/pg_store_write.cpp):
// its fields and their columns in restaurants, and how a field is read from the service's JSON.
// One table, so that the two stores cannot drift apart.
#include <array>
#include <optional>
#include <string_view>

#include "kto/util/json_view.hpp"

namespace kto::store {

struct ItemColumn {
  std::string_view key;  // the item's field
  const char* column;    // its column in restaurants
  bool real;             // a number (coordinates): REAL / DOUBLE PRECISION, NULL when not a number
};

// The order of SQLite's upsert parameters (?1 … ?26), which is the order the service sends the
// fields in (areaBasedSyncList2 adds showflag after zipcode): reading an item then costs one
// comparison a field.
inline constexpr std::array<ItemColumn, 26> k_item_columns{{
    {"addr1", "addr1", false},                 {"addr2", "addr2", false},
    {"areacode", "areacode", false},           {"cat1", "cat1", false},
    {"cat2", "cat2", false},                   {"cat3", "cat3", false},
    {"contentid", "contentid", false},         {"contenttypeid", "contenttypeid", false},
    {"createdtime", "createdtime", false},     {"firstimage", "firstimage", false},
    {"firstimage2", "firstimage2", false},     {"cpyrhtDivCd", "cpyrht_div_cd", false},
    {"mapx", "mapx", true},                    {"mapy", "mapy", true},
    {"mlevel", "mlevel", false},               {"modifiedtime", "modifiedtime", false},
    {"sigungucode", "sigungucode", false},     {"tel", "tel", false},
    {"title", "title", false},                 {"zipcode", "zipcode", false},
    {"showflag", "showflag", false},           {"lDongRegnCd", "ldong_regn_cd", false},
    {"lDongSignguCd", "ldong_signgu_cd", false}, {"lclsSystm1", "lcls_systm1", false},
    {"lclsSystm2", "lcls_systm2", false},      {"lclsSystm3", "lcls_systm3", false},
}};
inline constexpr std::size_t k_contentid = 6;
inline constexpr std::size_t k_showflag = 20;
static_assert(k_item_columns[k_contentid].key == "contentid");
static_assert(k_item_columns[k_showflag].key == "showflag");

// An item's fields, in k_item_columns order; views into the page's document (empty: missing or
// null).
using ItemValues = std::array<std::string_view, k_item_columns.size()>;

// Reads every field in one pass over the item. The service sends strings, but numbers (and worse)
// must not be lost: everything becomes text, an object or array its JSON. The views point into
// the page's document.
void read_fields(util::JsonValue item, ItemValues& values);

// A coordinate's text as a number: blanks around it allowed, anything else (empty, not a number,
// not finite) nullopt, stored as NULL.
std::optional<double> parse_real(std::string_view text);

}  // namespace kto::store
