#include "detail_content.hpp"

#include <cstdint>
#include <cstdio>
#include <random>

namespace kto::sim {
namespace {

// FNV-1a: a stable hash (std::hash may differ between standard libraries).
std::uint64_t fnv1a(std::string_view text, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// A random stream per item, version (modifiedtime) and operation: the operations' contents do not
// depend on the order in which they are asked.
class DetailRng {
 public:
  DetailRng(const Item& item, std::string_view salt)
      : m_gen(fnv1a(salt, fnv1a(item.modifiedtime, fnv1a(item.contentid)))) {}
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_gen); }
  bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(m_gen) < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 m_gen;
};

// The dishes of a kind of restaurant, found by the kind's name in the title.
struct Menu {
  std::string_view keyword;
  std::vector<std::string_view> dishes;
};

const std::vector<Menu>& menus() {
  static const std::vector<Menu> k_menus = {
      {"순대국", {"순대국밥", "모둠순대", "머리고기 수육"}}, {"칼국수", {"바지락칼국수", "들깨칼국수", "왕만두"}},
      {"냉면", {"물냉면", "비빔냉면", "편육"}},             {"갈비", {"돼지갈비", "소갈비", "갈비탕"}},
      {"삼겹살", {"생삼겹살", "목살", "된장찌개"}},         {"횟집", {"모둠회", "광어회", "매운탕"}},
      {"국밥", {"돼지국밥", "순대국밥", "수육백반"}},       {"해장국", {"뼈해장국", "선지해장국", "콩나물국밥"}},
      {"비빔밥", {"전주비빔밥", "돌솥비빔밥", "육회비빔밥"}}, {"곰탕", {"곰탕", "수육", "도가니탕"}},
      {"족발", {"족발", "보쌈", "막국수"}},                 {"닭갈비", {"철판닭갈비", "숯불닭갈비", "막국수"}},
      {"막국수", {"물막국수", "비빔막국수", "메밀전병"}},   {"파스타", {"봉골레 파스타", "크림 파스타", "리조또"}},
      {"피자", {"마르게리타 피자", "고르곤졸라 피자", "샐러드"}}, {"돈까스", {"등심돈까스", "치즈돈까스", "우동"}},
      {"초밥", {"모둠초밥", "연어초밥", "우동"}},           {"라멘", {"돈코츠라멘", "쇼유라멘", "교자"}},
      {"짬뽕", {"짬뽕", "짜장면", "탕수육"}},               {"만두", {"고기만두", "김치만두", "만둣국"}},
      {"쌀국수", {"양지쌀국수", "분짜", "반미"}},           {"카페", {"아메리카노", "카페라테", "수제 케이크"}},
      {"베이커리", {"소금빵", "크루아상", "단팥빵"}},       {"떡볶이", {"떡볶이", "순대", "튀김"}},
  };
  return k_menus;
}

const std::vector<std::string_view>& dishes_of(const Item& item) {
  for (const auto& m : menus())
    if (item.title.find(m.keyword) != std::string::npos) return m.dishes;
  static const std::vector<std::string_view> k_home = {"백반", "김치찌개", "제육볶음"};
  return k_home;
}

// A word with its particle chosen as Korean does: after a final consonant (batchim) the first form
// ("은", "을", "과"), after a vowel the second ("는", "를", "와").
std::string with_particle(std::string_view word, std::string_view after_consonant,
                          std::string_view after_vowel) {
  bool batchim = false;
  if (word.size() >= 3) {
    auto b = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(word[word.size() - 3 + i])); };
    unsigned code = ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    if (code >= 0xAC00 && code <= 0xD7A3) batchim = (code - 0xAC00) % 28 != 0;
  }
  return std::string(word) + std::string(batchim ? after_consonant : after_vowel);
}

// "…/cms/resource/25/3584640_image2_1.jpg" → "3584640": a photo's serial number starts with it.
std::string photo_id(const std::string& url) {
  auto slash = url.rfind('/');
  std::string name = url.substr(slash == std::string::npos ? 0 : slash + 1);
  return name.substr(0, name.find('_'));
}

std::string price(DetailRng& rng) {
  int won = rng.uniform(7, 35) * 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d,%03d원", won / 1000, won % 1000);
  return buf;
}

std::string first_words(const std::string& address) {
  auto second_space = address.find(' ', address.find(' ') + 1);
  return address.substr(0, second_space);
}

std::string homepage(DetailRng& rng, const Item& item) {
  int kind = rng.uniform(0, 99);
  if (kind < 35) return "";
  if (kind < 80) {
    std::string url = "http://www.matjip" + item.contentid + ".co.kr";
    return "<a href=\"" + url + "\" target=\"_blank\" title=\"새창 : 홈페이지로 이동\">" + url + "</a>";
  }
  if (kind < 90) {
    std::string url = "https://blog.naver.com/food" + item.contentid;
    return "<a href=\"" + url + "\" target=\"_blank\" title=\"새창 : 블로그로 이동\">" + url + "</a>";
  }
  return "www.matjip" + item.contentid + ".com";  // some are a bare address
}

std::string overview(DetailRng& rng, const Item& item) {
  const auto& dishes = dishes_of(item);
  std::string area = first_words(item.addr1);
  std::string text = with_particle(item.title, "은", "는") + " " + area + "에 자리한 음식점으로, " +
                     with_particle(dishes[0], "을", "를") + " 대표 메뉴로 내놓는다.";
  text += rng.chance(0.5) ? " 오랜 세월 같은 자리를 지켜 온 곳으로 단골손님이 많다."
                          : " 깔끔한 실내와 친절한 응대로 가족 단위 손님에게 인기가 높다.";
  text += "<br><br>" + with_particle(dishes[1], "과", "와") + " " + std::string(dishes[2]) +
          "도 찾는 이가 많으며, 제철 재료를 쓰는 밑반찬이 정갈하다.";
  if (rng.chance(0.6)) text += " 점심시간에는 인근 직장인들로 붐비니 조금 일찍 찾는 것이 좋다.";
  if (rng.chance(0.5)) text += "<br>주변 관광지와 가까워 여행 중에 들르기 좋다.";
  return text;
}

std::string opentime(DetailRng& rng) {
  switch (rng.uniform(0, 5)) {
    case 0: return "11:30~21:00<br>(브레이크타임 15:00~17:00)";
    case 1: return "10:00~22:00";
    case 2: return "매일 11:00~21:00<br>라스트오더 20:30";
    case 3: return "평일 11:00~22:00<br>주말 11:00~21:00";
    case 4: return "17:00~24:00";
    default: return "";
  }
}

// A permit number: the year, then seven digits.
std::string licence_number(DetailRng& rng) {
  std::string year = std::to_string(rng.uniform(2003, 2024));
  return year + std::to_string(rng.uniform(1000000, 9999999));
}

std::string pick_text(DetailRng& rng, const std::vector<std::string>& choices) { return rng.pick(choices); }

}  // namespace

Fields common_fields(const Item& item) {
  DetailRng rng(item, "detailCommon2");
  std::string telname = rng.chance(0.5) ? "" : rng.chance(0.5) ? item.title : item.title + " 예약실";
  std::string page = homepage(rng, item);
  return {{"contentid", item.contentid}, {"contenttypeid", item.contenttypeid},
          {"title", item.title}, {"createdtime", item.createdtime},
          {"modifiedtime", item.modifiedtime}, {"tel", item.tel}, {"telname", telname},
          {"homepage", page}, {"firstimage", item.firstimage}, {"firstimage2", item.firstimage2},
          {"cpyrhtDivCd", item.cpyrhtDivCd}, {"areacode", item.areacode},
          {"sigungucode", item.sigungucode}, {"lDongRegnCd", item.lDongRegnCd},
          {"lDongSignguCd", item.lDongSignguCd}, {"lclsSystm1", item.lclsSystm1},
          {"lclsSystm2", item.lclsSystm2}, {"lclsSystm3", item.lclsSystm3}, {"cat1", item.cat1},
          {"cat2", item.cat2}, {"cat3", item.cat3}, {"addr1", item.addr1}, {"addr2", item.addr2},
          {"zipcode", item.zipcode}, {"mapx", item.mapx}, {"mapy", item.mapy},
          {"mlevel", item.mlevel}, {"overview", overview(rng, item)}};
}

Fields intro_fields(const Item& item) {
  DetailRng rng(item, "detailIntro2");
  Fields out = {{"contentid", item.contentid}, {"contenttypeid", item.contenttypeid}};
  if (item.contenttypeid != "39") {
    out.emplace_back("infocenter", item.tel);
    out.emplace_back("restdate", pick_text(rng, {"", "연중무휴", "매주 월요일"}));
    out.emplace_back("usetime", pick_text(rng, {"", "09:00~18:00", "상시 개방"}));
    out.emplace_back("parking", pick_text(rng, {"", "가능", "불가"}));
    return out;
  }
  const auto& dishes = dishes_of(item);
  std::string treat = std::string(dishes[0]) + ", " + std::string(dishes[1]) + ", " + std::string(dishes[2]);
  if (rng.chance(0.3)) {
    std::string first = price(rng), second = price(rng);  // two statements: a fixed order of draws
    treat = std::string(dishes[0]) + " " + first + "<br>" + std::string(dishes[1]) + " " + second;
  }
  const Fields food = {
      {"seat", rng.chance(0.5) ? "" : std::to_string(rng.uniform(2, 30) * 4) + "석"},
      {"kidsfacility", pick_text(rng, {"0", "0", "1", ""})},
      {"firstmenu", rng.chance(0.1) ? "" : std::string(dishes[0])},
      {"treatmenu", rng.chance(0.1) ? "" : treat},
      {"smoking", pick_text(rng, {"", "금연", "전석 금연", "불가"})},
      {"packing", pick_text(rng, {"", "가능", "불가", "포장 가능"})},
      {"infocenterfood", rng.chance(0.3) ? "" : item.tel},
      {"scalefood", rng.chance(0.7) ? "" : std::to_string(rng.uniform(3, 40) * 10) + "석"},
      {"parkingfood", pick_text(rng, {"", "가능", "불가", "가능 (10대)", "인근 공영주차장 이용"})},
      {"opendatefood", rng.chance(0.7) ? "" : std::to_string(rng.uniform(1975, 2024)) + "년"},
      {"opentimefood", opentime(rng)},
      {"restdatefood", pick_text(rng, {"", "매주 화요일", "연중무휴", "매주 월요일<br>설·추석 당일", "명절 당일"})},
      {"discountinfofood", rng.chance(0.9) ? "" : "단체 10% 할인"},
      {"chkcreditcardfood", pick_text(rng, {"", "가능", "있음"})},
      {"reservationfood", pick_text(rng, {"", "가능", "불가", "가능 (단체)"})},
      {"lcnsno", rng.chance(0.4) ? "" : licence_number(rng)},
  };
  // The real service leaves some keys out altogether; lcnsno and discountinfofood most often.
  for (const auto& [name, value] : food) {
    bool rare = name == "lcnsno" || name == "discountinfofood";
    if (rng.chance(rare ? 0.2 : 0.04)) continue;
    out.emplace_back(name, value);
  }
  return out;
}

std::vector<Fields> image_rows(const Item& item, bool menu) {
  DetailRng rng(item, menu ? "detailImage2/N" : "detailImage2/Y");
  int count = 0;
  if (menu)
    count = item.contenttypeid == "39" && rng.chance(0.45) ? rng.uniform(1, 4) : 0;
  else
    count = !item.firstimage.empty() ? rng.uniform(1, 6) : rng.chance(0.2) ? rng.uniform(1, 3) : 0;
  const auto& dishes = dishes_of(item);
  int folder = rng.uniform(0, 99), base_id = rng.uniform(1000000, 3999999);
  std::vector<Fields> rows;
  for (int i = 0; i < count; ++i) {
    char origin[128], small[128];
    const char* root = "http://tong.visitkorea.or.kr/cms/resource/";
    std::snprintf(origin, sizeof origin, "%s%02d/%d_image2_1.jpg", root, folder, base_id + i);
    std::snprintf(small, sizeof small, "%s%02d/%d_image3_1.jpg", root, folder, base_id + i);
    // The item's own first photo is its listing image.
    bool listing = !menu && i == 0 && !item.firstimage.empty();
    std::string name = menu ? std::string(dishes[static_cast<std::size_t>(i) % dishes.size()])
                            : item.title + "_" + std::to_string(i + 1);
    rows.push_back({{"contentid", item.contentid},
                    {"originimgurl", listing ? item.firstimage : origin},
                    {"imgname", name},
                    {"smallimageurl", listing ? item.firstimage2 : small},
                    {"cpyrhtDivCd", listing && !item.cpyrhtDivCd.empty() ? item.cpyrhtDivCd
                                                                         : pick_text(rng, {"Type1", "Type3"})},
                    {"serialnum", (listing ? photo_id(item.firstimage) : std::to_string(base_id + i)) +
                                      "_" + std::to_string(i + 1)}});
  }
  return rows;
}

std::vector<Fields> info_rows(const Item& item) {
  DetailRng rng(item, "detailInfo2");
  static const std::vector<std::pair<std::string_view, std::vector<std::string>>> k_infos = {
      {"주차", {"가게 앞 3대", "건물 지하 주차장 (2시간 무료)"}},
      {"화장실", {"건물 내 남녀 구분", "가게 내부"}},
      {"외국어 메뉴", {"영어, 중국어, 일본어", "영어"}},
      {"좌석", {"테이블 10개<br>룸 2개", "좌식 40석"}},
  };
  std::vector<Fields> rows;
  if (rng.chance(0.6)) return rows;
  int serial = 0;
  for (const auto& [name, texts] : k_infos) {
    if (rng.chance(0.5)) continue;
    rows.push_back({{"contentid", item.contentid}, {"contenttypeid", item.contenttypeid},
                    {"serialnum", std::to_string(serial++)}, {"infoname", std::string(name)},
                    {"infotext", rng.pick(texts)}, {"fldgubun", "1"}});
  }
  return rows;
}

}  // namespace kto::sim
