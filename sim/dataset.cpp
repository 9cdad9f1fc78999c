#include "dataset.hpp"

#include <algorithm>
#include <charconv>

#include "provinces.hpp"
#include "render.hpp"

namespace kto::sim {
namespace {

// A: title (ties by contentid); C: modified, newest first; D: created, newest first.
bool before(const Item& a, const Item& b, char base) {
  if (base == 'A') {
    if (a.title != b.title) return a.title < b.title;
  } else {
    const std::string& ta = base == 'C' ? a.modifiedtime : a.createdtime;
    const std::string& tb = base == 'C' ? b.modifiedtime : b.createdtime;
    if (ta != tb) return ta > tb;
  }
  return a.contentid_num < b.contentid_num;
}

char base_arrange(char arrange) {
  switch (arrange) {
    case 'O': return 'A';
    case 'Q': return 'C';
    case 'R': return 'D';
    default: return arrange;
  }
}

}  // namespace

Dataset::Dataset(const DatasetSpec& spec, std::uint64_t seed, const std::string& default_recent_date)
    : m_recent_date(spec.modified_recent_date.empty() ? default_recent_date : spec.modified_recent_date),
      m_items(generate_items(spec, seed, m_recent_date)) {
  m_json_list.reserve(m_items.size());
  m_json_sync.reserve(m_items.size());
  m_by_id.reserve(m_items.size());
  for (std::uint32_t i = 0; i < m_items.size(); ++i) m_by_id.emplace(m_items[i].contentid_num, i);
  for (const auto& item : m_items) {
    m_json_list.push_back(item_json(item, false));
    m_json_sync.push_back(item_json(item, true));
  }
  build_orders();
  build_summary();
}

void Dataset::touch(const std::vector<std::uint32_t>& indices, const std::string& modifiedtime) {
  for (std::uint32_t i : indices) {
    Item& item = m_items[i];
    item.modifiedtime = modifiedtime;
    m_json_list[i] = item_json(item, false);
    m_json_sync[i] = item_json(item, true);
  }
  build_orders();
  build_summary();
}

void Dataset::build_orders() {
  for (auto& by_arrange : m_orders)
    for (auto& order : by_arrange) order.clear();
  std::vector<std::uint32_t> all(m_items.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  std::array<std::vector<std::uint32_t>, 3> base_sorted;
  for (std::size_t a = 0; a < k_arranges.size(); ++a) {
    char arrange = k_arranges[a];
    char base = base_arrange(arrange);
    std::vector<std::uint32_t> sorted;
    if (arrange == base) {
      sorted = all;
      std::sort(sorted.begin(), sorted.end(), [&](std::uint32_t x, std::uint32_t y) {
        return before(m_items[x], m_items[y], base);
      });
      base_sorted[a] = sorted;
    } else {
      // O/Q/R: the order of A/C/D, items with an image first.
      sorted = base_sorted[k_arranges.find(base)];
      std::stable_partition(sorted.begin(), sorted.end(),
                            [&](std::uint32_t x) { return !m_items[x].firstimage.empty(); });
    }
    for (std::uint32_t index : sorted)
      m_orders[a][static_cast<std::size_t>(m_items[index].province)].push_back(index);
    m_orders[a][k_all_provinces] = std::move(sorted);
  }
}

const std::vector<std::uint32_t>& Dataset::ordered(char arrange, int province) const {
  auto a = k_arranges.find(arrange);
  if (a == std::string_view::npos) a = k_arranges.find('C');
  if (province < 0 || province > k_all_provinces) province = k_all_provinces;
  return m_orders[a][static_cast<std::size_t>(province)];
}

const Item* Dataset::find(std::string_view contentid) const {
  long index = index_of(contentid);
  return index < 0 ? nullptr : &m_items[static_cast<std::size_t>(index)];
}

long Dataset::index_of(std::string_view contentid) const {
  long id = 0;
  auto res = std::from_chars(contentid.data(), contentid.data() + contentid.size(), id);
  if (contentid.empty() || res.ec != std::errc{} || res.ptr != contentid.data() + contentid.size())
    return -1;
  auto it = m_by_id.find(id);
  // "0123" is not the item 123: the service compares the text.
  if (it == m_by_id.end() || m_items[it->second].contentid != contentid) return -1;
  return static_cast<long>(it->second);
}

void Dataset::build_summary() {
  nlohmann::json by_ldong = nlohmann::json::object(), by_area = nlohmann::json::object();
  for (const auto& p : provinces()) {
    by_ldong[std::string(p.ldong)] = 0;
    by_area[std::to_string(p.area_code)] = 0;
  }
  long restaurants = 0, blank = 0, hidden = 0, others = 0, recent = 0;
  nlohmann::json withdrawn = nlohmann::json::array();
  for (const auto& item : m_items) {
    if (item.withdrawn) withdrawn.push_back(item.contentid);
    if (item.hidden()) {
      ++hidden;
      continue;
    }
    if (item.contenttypeid != "39") {
      ++others;
      continue;
    }
    ++restaurants;
    by_ldong[item.lDongRegnCd] = by_ldong[item.lDongRegnCd].get<long>() + 1;
    if (item.areacode.empty())
      ++blank;
    else
      by_area[item.areacode] = by_area[item.areacode].get<long>() + 1;
    if (item.modifiedtime.compare(0, 8, m_recent_date) == 0) ++recent;
  }
  m_summary = {{"restaurants", restaurants},
               {"restaurants_by_ldong", by_ldong},
               {"restaurants_by_areacode", by_area},
               {"restaurants_blank_areacode", blank},
               {"hidden", hidden},
               {"other_types", others},
               {"modified_recent", recent},
               {"modified_recent_date", m_recent_date},
               {"withdrawn", withdrawn},
               {"items_total", m_items.size()}};
}

}  // namespace kto::sim
