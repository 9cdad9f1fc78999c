#pragma once
// The TourAPI operations this program calls (docs/service.md): one home for their names. The key
// pool counts calls per operation without knowing what the names mean.
#include <string_view>

namespace kto::api {

// A province's restaurants, page by page (the full listing).
inline constexpr std::string_view k_list_operation = "areaBasedList2";
// What changed on a day (modifiedtime), hidden items included (showflag): the increment.
inline constexpr std::string_view k_sync_operation = "areaBasedSyncList2";
// The cheapest call there is (numOfRows=1): health checks and recovery of keys.
inline constexpr std::string_view k_probe_operation = "areaCode2";

}  // namespace kto::api
