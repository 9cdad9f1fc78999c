#pragma once
// The columns of restaurant_details both stores write and export (sqlite_details.cpp, export.cpp,
// postgres/pg_store_details.cpp, postgres/pg_store_export.cpp): one list, so that a field added to
// one store cannot be missing from the other.
#include <array>
#include <cstddef>
#include <string_view>

namespace kto::store {

// The fields of detailCommon2 and detailIntro2 the table keeps, each in a column of its name.
inline constexpr std::array<std::string_view, 4> k_common_fields{"overview", "homepage", "tel",
                                                                 "telname"};
inline constexpr std::array<std::string_view, 16> k_intro_fields{
    "firstmenu",        "treatmenu",       "opentimefood",   "restdatefood",
    "parkingfood",      "reservationfood", "infocenterfood", "packing",
    "seat",             "smoking",         "kidsfacility",   "chkcreditcardfood",
    "discountinfofood", "scalefood",       "opendatefood",   "lcnsno"};

// Each kind's "<kind>_fetched_at" and "<kind>_modifiedtime", in k_detail_kinds order.
inline constexpr std::array<std::string_view, 8> k_detail_state_columns{
    "common_fetched_at",      "common_modifiedtime",      "intro_fetched_at",
    "intro_modifiedtime",     "item_images_fetched_at",   "item_images_modifiedtime",
    "menu_images_fetched_at", "menu_images_modifiedtime"};

// The details' columns in an export, in this order after the restaurant's (docs/contracts.md).
inline constexpr auto k_detail_export_columns = [] {
  std::array<std::string_view,
             k_common_fields.size() + k_intro_fields.size() + k_detail_state_columns.size()>
      out{};
  std::size_t n = 0;
  for (auto f : k_common_fields) out[n++] = f;
  for (auto f : k_intro_fields) out[n++] = f;
  for (auto f : k_detail_state_columns) out[n++] = f;
  return out;
}();

}  // namespace kto::store
