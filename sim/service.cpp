#include "service.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "kto/util/url.hpp"
#include "details.hpp"
#include "provinces.hpp"
#include "render.hpp"

namespace kto::sim {
namespace {

constexpr std::array<std::string_view, 8> k_operations = {
    "areaBasedList2", "areaBasedSyncList2", "areaCode2",   "ldongCode2",
    "detailCommon2",  "detailIntro2",       "detailImage2", "detailInfo2"};

const char* content_type_of(Format f) {
  return f == Format::json ? "application/json;charset=UTF-8" : "text/xml;charset=UTF-8";
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<long> read_long(std::string_view s) {
  long v = 0;
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The listing filters that compare one field for equality.
using Filter = std::pair<std::string_view, std::string Item::*>;
constexpr std::array<Filter, 11> k_equal_filters = {{
    {"contentTypeId", &Item::contenttypeid}, {"areaCode", &Item::areacode},
    {"sigunguCode", &Item::sigungucode},     {"cat1", &Item::cat1},
    {"cat2", &Item::cat2},                   {"cat3", &Item::cat3},
    {"lDongRegnCd", &Item::lDongRegnCd},     {"lDongSignguCd", &Item::lDongSignguCd},
    {"lclsSystm1", &Item::lclsSystm1},       {"lclsSystm2", &Item::lclsSystm2},
    {"lclsSystm3", &Item::lclsSystm3},
}};

struct ListQuery {
  std::vector<std::pair<std::string Item::*, std::string_view>> equal;
  std::string_view modifiedtime;
  bool modified_since = false;
  bool sync = false;
  std::string_view showflag;

  bool matches(const Item& item) const {
    if (!sync && item.hidden()) return false;
    if (!showflag.empty() && item.showflag != showflag) return false;
    for (const auto& [field, value] : equal)
      if (item.*field != value) return false;
    if (modifiedtime.empty()) return true;
    int cmp = item.modifiedtime.compare(0, modifiedtime.size(), modifiedtime);
    return modified_since ? cmp >= 0 : cmp == 0;
  }
};

// The province index that holds every possible match, or all of them. An unknown code yields -2:
// nothing can match.
int candidate_province(const Params& params) {
  if (auto ldong = params.get("lDongRegnCd"); !ldong.empty()) {
    const Province* p = find_province_by_ldong(ldong);
    return p ? static_cast<int>(p - provinces().data()) : -2;
  }
  if (auto area = params.get("areaCode"); !area.empty()) {
    const Province* p = find_province_by_area(static_cast<int>(read_long(area).value_or(-1)));
    return p ? static_cast<int>(p - provinces().data()) : -2;
  }
  return Dataset::k_all_provinces;
}

Answer serve_list(const Dataset& data, bool sync, const Params& params, const Paging& paging,
                  Format f, const ServiceOptions& options) {
  ListQuery q;
  q.sync = sync;
  q.modified_since = options.modifiedtime_since;
  q.modifiedtime = params.get("modifiedtime");
  if (sync) q.showflag = params.get("showflag");
  for (const auto& [name, field] : k_equal_filters)
    if (auto v = params.get(name); !v.empty()) q.equal.emplace_back(field, v);
  int province = candidate_province(params);
  std::string arrange(params.get("arrange"));
  static const std::vector<std::uint32_t> k_none;
  const auto& order =
      province < 0 ? k_none : data.ordered(arrange.size() == 1 ? arrange[0] : 'C', province);
  std::vector<std::string_view> rows;
  std::vector<std::string> xml_rows;
  long total = 0;
  const long first = paging.first();
  for (std::uint32_t index : order) {
    if (!q.matches(data.items()[index])) continue;
    if (total >= first && total < first + paging.rows) {
      if (f == Format::json)
        rows.push_back(data.json_of(index, sync));
      else
        xml_rows.push_back(item_xml(data.items()[index], sync));
    }
    ++total;
  }
  for (const auto& x : xml_rows) rows.push_back(x);
  return page_answer(f, rows, total, paging, options);
}

// A code list (areaCode2, ldongCode2): the rows of one page of the 17 provinces.
Answer serve_codes(bool ldong, const Params& params, const Paging& paging, Format f,
                   const ServiceOptions& options) {
  std::vector<const Province*> list;
  // With a province given the real one lists its sigungu; this simulator lists none.
  if (params.get(ldong ? "lDongRegnCd" : "areaCode").empty())
    for (const auto& p : provinces()) list.push_back(&p);
  if (ldong)
    std::sort(list.begin(), list.end(), [](const Province* a, const Province* b) {
      return std::stoi(std::string(a->ldong)) < std::stoi(std::string(b->ldong));
    });
  std::vector<std::string> rendered;
  const long total = static_cast<long>(list.size());
  for (long i = paging.first(); i < total && i < paging.first() + paging.rows; ++i) {
    const Province* p = list[static_cast<std::size_t>(i)];
    rendered.push_back(ldong ? code_row(f, int(i + 1), p->ldong, p->full_name)
                             : code_row(f, int(i + 1), std::to_string(p->area_code), p->short_name));
  }
  std::vector<std::string_view> rows(rendered.begin(), rendered.end());
  return page_answer(f, rows, total, paging, options);
}

}  // namespace

Answer service_error(Format f, std::string_view code, std::string_view message) {
  return {200, content_type_of(f), service_error_document(f, code, message),
          "error:" + std::string(code), 0};
}

Answer page_answer(Format f, const std::vector<std::string_view>& rows, long total,
                   const Paging& paging, const ServiceOptions& options) {
  PageMeta meta{static_cast<long>(rows.size()), paging.page, total, options.numbers_as_strings};
  return {200, content_type_of(f), page_document(f, rows, meta), rows.empty() ? "no_data" : "ok",
          static_cast<long>(rows.size())};
}

const std::string* Params::find(std::string_view name) const {
  for (const auto& [k, v] : list)
    if (k == name) return &v;
  return nullptr;
}

std::string_view Params::get(std::string_view name) const {
  const std::string* v = find(name);
  return v ? std::string_view(*v) : std::string_view();
}

Params parse_query(std::string_view raw) {
  Params params;
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string name = util::url_decode_query(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : util::url_decode_query(pair.substr(eq + 1));
    params.list.emplace_back(std::move(name), std::move(value));
  }
  return params;
}

bool is_known_operation(std::string_view operation) {
  return std::find(k_operations.begin(), k_operations.end(), operation) != k_operations.end();
}

Answer serve(const Dataset& data, std::string_view operation, const Params& params,
             const ServiceOptions& options) {
  Format f = params.get("_type") == "json" ? Format::json : Format::xml;
  if (params.get("MobileOS").empty() || params.get("MobileApp").empty())
    return service_error(f, "11", "NO_MANDATORY_REQUEST_PARAMETERS_ERROR");
  for (std::string_view name :
       {"pageNo", "numOfRows", "contentTypeId", "areaCode", "sigunguCode", "contentId"})
    if (auto v = params.get(name); !v.empty() && !read_long(v))
      return service_error(f, "10", "INVALID_REQUEST_PARAMETER_ERROR");
  Paging paging;
  if (auto v = params.get("numOfRows"); !v.empty()) paging.rows = *read_long(v);
  if (auto v = params.get("pageNo"); !v.empty()) paging.page = *read_long(v);
  if (paging.rows < 1 || paging.page < 1) return service_error(f, "10", "INVALID_REQUEST_PARAMETER_ERROR");
  // The real service refuses a too large page with an empty body, not with an error code.
  if (paging.rows > options.max_page_size) return {200, content_type_of(f), "", "refused:page_size", 0};
  if (operation == "areaBasedList2") return serve_list(data, false, params, paging, f, options);
  if (operation == "areaBasedSyncList2") return serve_list(data, true, params, paging, f, options);
  if (operation == "areaCode2") return serve_codes(false, params, paging, f, options);
  if (operation == "ldongCode2") return serve_codes(true, params, paging, f, options);
  if (is_detail_operation(operation)) return serve_detail(data, operation, params, paging, f, options);
  return service_error(f, "12", "NO_OPENAPI_SERVICE_ERROR");
}

}  // namespace kto::sim
