#pragma once
// The original system's province codes (areaCode) and the legal-district province codes
// (lDongRegnCd) the collector queries by, because many newer items have a blank areacode (docs/service.md).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kto::api {

struct Region {
  int area_code;           // the original system's: 1 서울 … 39 제주
  std::string_view ldong;  // lDongRegnCd: "11" …
  std::string_view name;   // "서울"
};

const std::vector<Region>& all_regions();         // the 17 provinces, by area code
const std::vector<int>& major_area_codes();       // 1, 6, 31, 39
const Region* find_region(int area_code);
const Region* find_region_by_ldong(std::string_view ldong);

// The row's province: its areacode when filled, else the one its lDongRegnCd maps to, else
// fallback (the province that was queried).
int derive_area_code(std::string_view areacode, std::string_view ldong, int fallback);

// "1,6, 31" → {1, 6, 31}; an error message naming the bad entry and listing the valid codes.
struct ParsedRegions {
  std::vector<int> codes;
  std::string error;
  std::string bad_entry;  // the entry that is not a code ("" when the input or an entry is empty)
};
ParsedRegions parse_region_list(std::string_view text);
std::string valid_codes_text();  // "1 서울, 2 인천, …"

}  // namespace kto::api
