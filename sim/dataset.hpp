#pragma once
// The simulator's data: items generated once at start-up from the seed, pre-rendered as JSON and
// pre-sorted per province for every `arrange`, so a 1,000-row page is a scan and a concatenation.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario.hpp"

namespace kto::sim {

// Every value is a string, as the service sends them; the order of the fields is the fixtures'.
struct Item {
  std::string addr1, addr2, areacode, cat1, cat2, cat3, contentid, contenttypeid, createdtime,
      firstimage, firstimage2, cpyrhtDivCd, mapx, mapy, mlevel, modifiedtime, sigungucode, tel,
      title, zipcode, showflag, lDongRegnCd, lDongSignguCd, lclsSystm1, lclsSystm2, lclsSystm3;
  int province = 0;       // index into provinces(): where the item really lies
  long contentid_num = 0;
  bool withdrawn = false;  // a restaurant the data set's "withdrawn" hid
  bool hidden() const { return showflag == "0"; }
};

// Makes the items (restaurants, other types, hidden ones) of a data set; deterministic in the seed.
std::vector<Item> generate_items(const DatasetSpec& spec, std::uint64_t seed,
                                 const std::string& recent_date);

class Dataset {
 public:
  // The orders `arrange` can ask for.
  static constexpr std::string_view k_arranges = "ACDOQR";
  static constexpr int k_all_provinces = 17;

  // default_recent_date ("YYYYMMDD") applies when the spec names no modified_recent date.
  Dataset(const DatasetSpec& spec, std::uint64_t seed, const std::string& default_recent_date);

  const std::vector<Item>& items() const { return m_items; }
  // Pre-rendered JSON object of an item: the listing's form, or the sync list's (with showflag).
  const std::string& json_of(std::uint32_t index, bool sync) const {
    return sync ? m_json_sync[index] : m_json_list[index];
  }
  // Indices of the items of a province (or k_all_provinces) in the order of an arrange letter
  // (an unknown letter gives the default, C).
  const std::vector<std::uint32_t>& ordered(char arrange, int province) const;
  const Item* find(std::string_view contentid) const;
  const std::string& recent_date() const { return m_recent_date; }
  // An edit of the service: these items (indices) get the given modifiedtime; the listings' order
  // and the summary follow, and so do their details (they derive from the modifiedtime).
  void touch(const std::vector<std::uint32_t>& indices, const std::string& modifiedtime);
  // The index of an item, or -1.
  long index_of(std::string_view contentid) const;
  // The "dataset" block of GET /stats: what a test can expect the collector to find.
  const nlohmann::json& summary() const { return m_summary; }

 private:
  void build_orders();
  void build_summary();

  std::string m_recent_date;
  std::vector<Item> m_items;
  std::vector<std::string> m_json_list;
  std::vector<std::string> m_json_sync;
  std::array<std::array<std::vector<std::uint32_t>, k_all_provinces + 1>, k_arranges.size()> m_orders;
  // contentid → index: detail calls look one item up each, thousands of times a run.
  std::unordered_map<long, std::uint32_t> m_by_id;
  nlohmann::json m_summary;
};

}  // namespace kto::sim
