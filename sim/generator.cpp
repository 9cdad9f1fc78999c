// Generates the simulator's items: Korean names and addresses per province, plausible coordinates
// and codes, and the quirks of real data (blank area codes, odd characters, empty phone numbers).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include "dataset.hpp"
#include "provinces.hpp"

namespace kto::sim {
namespace {

using namespace std::chrono;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_gen(seed) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_gen); }
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(m_gen); }
  bool chance(double p) { return real(0.0, 1.0) < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 m_gen;
};

// A kind of restaurant: its old category (cat3) and its new classification (lclsSystm2/3).
struct Food {
  std::string_view name;
  std::string_view cat3, lcls2, lcls3;
};

const std::vector<Food>& foods() {
  static const std::vector<Food> k_foods = {
      {"순대국", "A05020100", "FD01", "FD010100"}, {"칼국수", "A05020100", "FD01", "FD010100"},
      {"냉면", "A05020100", "FD01", "FD010300"},   {"갈비", "A05020100", "FD01", "FD010200"},
      {"삼겹살", "A05020100", "FD01", "FD010200"}, {"횟집", "A05020100", "FD01", "FD010500"},
      {"국밥", "A05020100", "FD01", "FD010100"},   {"해장국", "A05020100", "FD01", "FD010100"},
      {"비빔밥", "A05020100", "FD01", "FD010100"}, {"곰탕", "A05020100", "FD01", "FD010100"},
      {"족발", "A05020100", "FD01", "FD010200"},   {"닭갈비", "A05020100", "FD01", "FD010200"},
      {"막국수", "A05020100", "FD01", "FD010300"}, {"파스타", "A05020200", "FD02", "FD020300"},
      {"피자", "A05020200", "FD02", "FD020300"},   {"돈까스", "A05020300", "FD02", "FD020200"},
      {"초밥", "A05020300", "FD02", "FD020200"},   {"라멘", "A05020300", "FD02", "FD020200"},
      {"짬뽕", "A05020400", "FD02", "FD020100"},   {"만두", "A05020400", "FD02", "FD020100"},
      {"쌀국수", "A05020700", "FD02", "FD020400"}, {"카페", "A05020900", "FD05", "FD050100"},
      {"베이커리", "A05020900", "FD05", "FD050200"}, {"떡볶이", "A05020100", "FD03", "FD030100"},
  };
  return k_foods;
}

const std::vector<std::string_view> k_prefixes = {
    "할매", "원조", "옛날", "시골", "바다", "명동", "전주", "춘천", "고향", "대박", "행복",
    "청춘", "소문난", "우리", "엄마손", "한옥", "황금", "새벽", "달빛", "가가", "솔밭", "유진"};
const std::vector<std::string_view> k_suffixes = {"", "", "", " 본점", " 2호점", "집", "식당", " 역전점"};
const std::vector<std::string_view> k_roads = {
    "중앙로", "시청로", "역전로", "해안로", "문화로", "번영로", "대학로", "공원로", "시장길",
    "강변로", "올림픽로", "먹자골목길", "중앙번영로", "충장로", "동문로"};
const std::vector<std::string_view> k_dongs = {"반죽동", "역삼동", "신촌동", "중앙동", "남산동", "명륜동"};

// Items of other content types, so that contentTypeId=39 filtering matters.
struct OtherKind {
  std::string_view noun, type, cat1, cat2, cat3, lcls1, lcls2, lcls3;
};
const std::vector<OtherKind> k_others = {
    {"공원", "12", "A01", "A0101", "A01011300", "NA", "NA02", "NA020500"},
    {"전망대", "12", "A02", "A0202", "A02020700", "VE", "VE03", "VE030500"},
    {"박물관", "14", "A02", "A0206", "A02060100", "VE", "VE07", "VE070100"},
    {"책방", "14", "A02", "A0206", "A02061000", "VE", "VE12", "VE120100"},
    {"축제", "15", "A02", "A0207", "A02070200", "EV", "EV01", "EV010200"},
    {"캠핑장", "28", "A03", "A0302", "A03021700", "LS", "LS01", "LS010200"},
    {"펜션", "32", "B02", "B0201", "B02010700", "AC", "AC03", "AC030200"},
    {"터미널시장", "38", "A04", "A0401", "A04010200", "SH", "SH06", "SH060200"},
    {"상점", "38", "A04", "A0401", "A04011000", "SH", "SH05", "SH050200"},
};

std::string fmt(const char* format, auto... args) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

std::string format_timestamp(sys_seconds t) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{t - day};
  return fmt("%04d%02u%02u%02d%02d%02d", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
             int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
}

sys_days parse_compact(const std::string& date) {
  int y = std::stoi(date.substr(0, 4));
  unsigned m = static_cast<unsigned>(std::stoi(date.substr(4, 2)));
  unsigned d = static_cast<unsigned>(std::stoi(date.substr(6, 2)));
  return sys_days{year{y} / month{m} / day{d}};
}

sys_seconds random_time(Rng& rng, sys_days from, sys_days to) {
  int span = static_cast<int>((to - from).count());
  sys_days day = from + days{rng.uniform(0, std::max(span, 0))};
  return day + seconds{rng.uniform(0, 86399)};
}

// Counts per province: exact when per_province is given, else the total split by the weights
// (largest remainder, so the counts add up to the total).
std::vector<int> province_counts(const DatasetSpec& spec) {
  const auto& ps = provinces();
  std::vector<int> counts(ps.size(), 0);
  if (!spec.per_province.empty()) {
    for (std::size_t i = 0; i < ps.size(); ++i) {
      auto it = spec.per_province.find(std::string(ps[i].ldong));
      if (it != spec.per_province.end()) counts[i] = it->second;
    }
    return counts;
  }
  std::vector<std::pair<double, std::size_t>> remainders;
  int assigned = 0;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    double exact = spec.restaurants * ps[i].weight / 100.0;
    counts[i] = static_cast<int>(std::floor(exact));
    assigned += counts[i];
    remainders.emplace_back(exact - counts[i], i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < spec.restaurants; ++k, ++assigned)
    counts[remainders[k % remainders.size()].second] += 1;
  return counts;
}

class Generator {
 public:
  Generator(const DatasetSpec& spec, std::uint64_t seed, const std::string& recent_date)
      : m_spec(spec), m_rng(seed), m_recent(parse_compact(recent_date)) {}

  std::vector<Item> run() {
    auto counts = province_counts(m_spec);
    for (std::size_t p = 0; p < counts.size(); ++p)
      for (int i = 0; i < counts[p]; ++i) m_items.push_back(restaurant(static_cast<int>(p)));
    for (int i = 0; i < m_spec.other_types; ++i) m_items.push_back(other(random_province()));
    for (int i = 0; i < m_spec.hidden; ++i) m_items.push_back(hidden(random_province()));
    withdraw();
    return std::move(m_items);
  }

 private:
  int random_province() { return m_rng.uniform(0, static_cast<int>(provinces().size()) - 1); }

  std::string next_contentid(long& numeric) {
    for (;;) {
      numeric = m_rng.uniform(100000, 3300000);
      if (m_used_ids.insert(numeric).second) return std::to_string(numeric);
    }
  }

  // The fields every kind of item shares: place, address, times, image, phone.
  Item base(int p, bool newer) {
    const Province& prov = provinces()[static_cast<std::size_t>(p)];
    const Sigungu& sgg = m_rng.pick(prov.sigungu);
    Item it;
    it.province = p;
    it.contentid = next_contentid(it.contentid_num);
    std::size_t serial = m_items.size();
    bool dirty = serial % 97 == 5;
    std::string region = newer || m_rng.chance(0.5) ? std::string(prov.full_name)
                                                     : std::string(prov.short_name);
    it.addr1 = region + " " + std::string(sgg.name) + (serial % 89 == 7 ? "  " : " ") +
               std::string(m_rng.pick(k_roads)) + " " + std::to_string(m_rng.uniform(1, 420)) +
               (dirty ? "¸ 2층" : "");
    int a2 = m_rng.uniform(0, 99);
    it.addr2 = a2 < 70 ? "" : a2 < 85 ? "(" + std::string(m_rng.pick(k_dongs)) + ")"
                                      : std::to_string(m_rng.uniform(1, 5)) + "층";
    it.areacode = std::to_string(prov.area_code);
    it.sigungucode = std::to_string(sgg.area_sigungu);
    place(it, prov, newer);
    times(it, newer);
    image(it, newer ? 0.3 : 0.6);
    it.mlevel = "6";
    bool no_tel = dirty || m_rng.chance(0.3);
    it.tel = no_tel ? "" : fmt("%s-%d-%04d", std::string(prov.tel_prefix).c_str(),
                               m_rng.uniform(200, 9999), m_rng.uniform(0, 9999));
    it.zipcode = fmt("%02d%03d", m_rng.uniform(prov.zip_low, prov.zip_high), m_rng.uniform(0, 999));
    it.showflag = "1";
    it.lDongRegnCd = std::string(prov.ldong);
    it.lDongSignguCd = std::string(sgg.ldong_sgg);
    return it;
  }

  void place(Item& it, const Province& prov, bool newer) {
    double lon = prov.lon + m_rng.real(-prov.spread, prov.spread);
    double lat = prov.lat + m_rng.real(-prov.spread, prov.spread) * 0.7;
    // Newer items carry more digits, as in the fixtures.
    it.mapx = newer ? fmt("%.12f", lon) : fmt("%.10f", lon);
    it.mapy = newer ? fmt("%.13f", lat) : fmt("%.10f", lat);
  }

  void times(Item& it, bool newer) {
    sys_seconds modified = m_rng.chance(m_spec.modified_recent_ratio)
                               ? random_time(m_rng, m_recent, m_recent)
                               : random_time(m_rng, sys_days{2015y / 1 / 1}, m_recent - days{1});
    sys_days first = newer ? sys_days{2020y / 1 / 1} : sys_days{2003y / 9 / 5};
    sys_days last = floor<days>(modified);
    sys_seconds created = random_time(m_rng, std::min(first, last), last);
    if (created > modified) created = modified - seconds{m_rng.uniform(1, 3600)};
    it.modifiedtime = format_timestamp(modified);
    it.createdtime = format_timestamp(created);
  }

  void image(Item& it, double share) {
    if (!m_rng.chance(share)) return;
    int folder = m_rng.uniform(0, 99);
    int id = m_rng.uniform(1000000, 3999999);
    const char* base_url = "http://tong.visitkorea.or.kr/cms/resource/";
    it.firstimage = fmt("%s%02d/%d_image2_1.jpg", base_url, folder, id);
    it.firstimage2 = fmt("%s%02d/%d_image3_1.jpg", base_url, folder, id);
    it.cpyrhtDivCd = m_rng.chance(0.5) ? "Type1" : "Type3";
  }

  Item restaurant(int p) {
    bool blank = m_rng.chance(m_spec.blank_areacode_ratio);
    Item it = base(p, blank);
    const Food& food = m_rng.pick(foods());
    it.title = std::string(m_rng.pick(k_prefixes)) + std::string(food.name) +
               std::string(m_rng.pick(k_suffixes));
    it.contenttypeid = "39";
    it.cat1 = "A05";
    it.cat2 = "A0502";
    it.cat3 = std::string(food.cat3);
    it.lclsSystm1 = "FD";
    it.lclsSystm2 = std::string(food.lcls2);
    it.lclsSystm3 = std::string(food.lcls3);
    if (blank) blank_old_codes(it);
    return it;
  }

  Item other(int p) {
    bool blank = m_rng.chance(m_spec.blank_areacode_ratio);
    Item it = base(p, blank);
    const OtherKind& kind = m_rng.pick(k_others);
    it.title = std::string(m_rng.pick(k_prefixes)) + std::string(kind.noun);
    it.contenttypeid = std::string(kind.type);
    it.cat1 = std::string(kind.cat1);
    it.cat2 = std::string(kind.cat2);
    it.cat3 = std::string(kind.cat3);
    it.lclsSystm1 = std::string(kind.lcls1);
    it.lclsSystm2 = std::string(kind.lcls2);
    it.lclsSystm3 = std::string(kind.lcls3);
    if (blank) blank_old_codes(it);
    return it;
  }

  // Hidden items keep their old codes but lost the new ones: only contentid can match them.
  Item hidden(int p) {
    Item it = m_rng.chance(0.5) ? restaurant(p) : other(p);
    if (it.areacode.empty()) {
      const Province& prov = provinces()[static_cast<std::size_t>(p)];
      it.areacode = std::to_string(prov.area_code);
      it.sigungucode = std::to_string(prov.sigungu.front().area_sigungu);
    }
    it.showflag = "0";
    it.lDongRegnCd = it.lDongSignguCd = it.lclsSystm1 = it.lclsSystm2 = it.lclsSystm3 = "";
    return it;
  }

  // Hides spec.withdrawn restaurants, the provinces in turn, after every item is made: the rng is
  // not touched, so the other items are those of the same data set without withdrawals.
  void withdraw() {
    std::vector<std::vector<std::size_t>> by_province(provinces().size());
    for (std::size_t i = 0; i < m_items.size(); ++i)
      if (m_items[i].contenttypeid == "39" && !m_items[i].hidden())
        by_province[static_cast<std::size_t>(m_items[i].province)].push_back(i);
    int left = m_spec.withdrawn;
    for (std::size_t round = 0; left > 0; ++round) {
      bool any = false;
      for (const auto& indices : by_province) {
        if (left == 0 || round >= indices.size()) continue;
        any = true;
        Item& it = m_items[indices[round]];
        it.withdrawn = true;
        it.showflag = "0";
        it.lDongRegnCd = it.lDongSignguCd = it.lclsSystm1 = it.lclsSystm2 = it.lclsSystm3 = "";
        it.modifiedtime = format_timestamp(m_recent).substr(0, 8) + it.modifiedtime.substr(8);
        --left;
      }
      if (!any) break;
    }
  }

  static void blank_old_codes(Item& it) {
    it.areacode = it.sigungucode = it.cat1 = it.cat2 = it.cat3 = "";
  }

  const DatasetSpec& m_spec;
  Rng m_rng;
  sys_days m_recent;
  std::set<long> m_used_ids;
  std::vector<Item> m_items;
};

}  // namespace

std::vector<Item> generate_items(const DatasetSpec& spec, std::uint64_t seed,
                                 const std::string& recent_date) {
  return Generator(spec, seed, recent_date).run();
}

}  // namespace kto::sim
