#include "kto/api/regions.hpp"

#include <algorithm>
#include <charconv>

namespace kto::api {

const std::vector<Region>& all_regions() {
  static const std::vector<Region> k_regions = {
      {1, "11", "서울"},  {2, "28", "인천"},  {3, "30", "대전"},  {4, "27", "대구"},
      {5, "29", "광주"},  {6, "26", "부산"},  {7, "31", "울산"},  {8, "36", "세종"},
      {31, "41", "경기"}, {32, "51", "강원"}, {33, "43", "충북"}, {34, "44", "충남"},
      {35, "47", "경북"}, {36, "48", "경남"}, {37, "52", "전북"}, {38, "46", "전남"},
      {39, "50", "제주"},
  };
  return k_regions;
}

const std::vector<int>& major_area_codes() {
  static const std::vector<int> k_major = {1, 6, 31, 39};
  return k_major;
}

const Region* find_region(int area_code) {
  for (const auto& r : all_regions())
    if (r.area_code == area_code) return &r;
  return nullptr;
}

const Region* find_region_by_ldong(std::string_view ldong) {
  for (const auto& r : all_regions())
    if (r.ldong == ldong) return &r;
  return nullptr;
}

int derive_area_code(std::string_view areacode, std::string_view ldong, int fallback) {
  int code = 0;
  auto res = std::from_chars(areacode.data(), areacode.data() + areacode.size(), code);
  if (res.ec == std::errc{} && res.ptr == areacode.data() + areacode.size() && find_region(code))
    return code;
  if (const Region* r = find_region_by_ldong(ldong)) return r->area_code;
  return fallback;
}

std::string valid_codes_text() {
  std::string out;
  for (const auto& r : all_regions()) {
    if (!out.empty()) out += ", ";
    out += std::to_string(r.area_code) + " " + std::string(r.name);
  }
  return out;
}

ParsedRegions parse_region_list(std::string_view text) {
  ParsedRegions out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  if (trim(text).empty()) {
    out.error = "--regions가 비어 있습니다: --regions 1,6,31처럼 지역 코드를 주세요 (가능한 코드: " +
                valid_codes_text() + ")";
    return out;
  }
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view entry = trim(text.substr(pos, comma - pos));
    if (entry.empty()) {
      out.codes.clear();
      out.error = "--regions '" + std::string(text) + "'에 빈 항목이 있습니다: 지역 코드를 "
                  "쉼표로 나눠 주세요. 예: --regions 1,6,31 (가능한 코드: " + valid_codes_text() + ")";
      return out;
    }
    int code = 0;
    auto res = std::from_chars(entry.data(), entry.data() + entry.size(), code);
    if (res.ec != std::errc{} || res.ptr != entry.data() + entry.size() ||
        !find_region(code)) {
      out.codes.clear();
      out.bad_entry = std::string(entry);
      out.error = "--regions의 '" + std::string(entry) + "'은(는) 없는 지역 코드입니다 (가능한 코드: " +
                  valid_codes_text() + ")";
      return out;
    }
    if (std::find(out.codes.begin(), out.codes.end(), code) == out.codes.end())
      out.codes.push_back(code);
    pos = comma + 1;
  }
  return out;
}

}  // namespace kto::api
