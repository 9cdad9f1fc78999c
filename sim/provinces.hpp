#pragma once
// What the generator knows of the 17 provinces: names, a few sigungu, where they lie, their phone
// and postcode prefixes, and how many restaurants each holds relative to the others.
#include <string_view>
#include <vector>

namespace kto::sim {

struct Sigungu {
  std::string_view name;       // "송파구"
  int area_sigungu;            // sigungucode under the old area codes
  std::string_view ldong_sgg;  // lDongSignguCd: "710"
};

struct Province {
  int area_code;               // 1 … 39
  std::string_view ldong;      // "11"
  std::string_view short_name; // "서울" (as areaCode2 and older addresses write it)
  std::string_view full_name;  // "서울특별시" (as ldongCode2 and newer addresses write it)
  double lon, lat, spread;     // centre and half-width of the box items are placed in
  std::string_view tel_prefix; // "02"
  int zip_low, zip_high;       // first two digits of the 5-digit postcode
  double weight;               // share of the country's restaurants, in percent
  std::vector<Sigungu> sigungu;
};

// By area code (1, 2, … 39), like api::all_regions().
const std::vector<Province>& provinces();
const Province* find_province_by_ldong(std::string_view ldong);
const Province* find_province_by_area(int area_code);

}  // namespace kto::sim
