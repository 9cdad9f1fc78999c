#include "kto/collect/plan.hpp"

#include "kto/api/operations.hpp"
#include "kto/api/regions.hpp"
#include "kto/util/time.hpp"

namespace kto::collect {

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::major: return "major";
    case Mode::all: return "all";
    case Mode::regions: return "regions";
    case Mode::list: return "list";
  }
  return "major";
}

std::optional<Mode> parse_mode(std::string_view text) {
  for (Mode m : {Mode::major, Mode::all, Mode::regions, Mode::list})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

const char* to_string(ScopeSource source) {
  switch (source) {
    case ScopeSource::asked: return "asked";
    case ScopeSource::default_mode: return "default";
    case ScopeSource::database: return "database";
  }
  return "asked";
}

std::optional<ScopeSource> parse_scope_source(std::string_view text) {
  for (ScopeSource s : {ScopeSource::asked, ScopeSource::default_mode, ScopeSource::database})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

std::vector<int> area_codes_for(const CollectOptions& options) {
  switch (options.mode) {
    case Mode::major: return api::major_area_codes();
    case Mode::regions: return options.regions;
    case Mode::all: {
      std::vector<int> all;
      for (const auto& r : api::all_regions()) all.push_back(r.area_code);
      return all;
    }
    case Mode::list: break;
  }
  return {};
}

namespace {

api::Params base_params() { return {{"contentTypeId", "39"}, {"arrange", "A"}}; }

std::vector<Scope> scopes_with(const CollectOptions& options, const std::string& prefix,
                               const std::string& operation, const api::Params& extra,
                               bool sync) {
  std::vector<Scope> out;
  auto params = base_params();
  params.insert(params.end(), extra.begin(), extra.end());
  if (options.mode == Mode::all) {
    out.push_back({prefix + "national", operation, params, 0, sync, "", {}});
    return out;
  }
  for (int code : area_codes_for(options)) {
    const api::Region* r = api::find_region(code);
    if (!r) continue;
    auto p = params;
    p.emplace_back("lDongRegnCd", std::string(r->ldong));
    out.push_back({prefix + "area:" + std::to_string(code), operation, p, code, sync, "", {}});
  }
  return out;
}

}  // namespace

std::vector<Scope> full_scopes(const CollectOptions& options) {
  return scopes_with(options, "", std::string(api::k_list_operation), {}, false);
}

std::vector<Scope> since_scopes(const CollectOptions& options, const std::string& day) {
  CollectOptions national = options;
  national.mode = Mode::all;
  auto scopes = scopes_with(national, "since:" + day + ":", std::string(api::k_sync_operation),
                            {{"modifiedtime", day}}, true);
  for (auto& s : scopes) {
    s.day = day;
    if (options.mode != Mode::all) s.keep_areas = area_codes_for(options);
  }
  return scopes;
}

Result<std::vector<std::string>> since_days(const std::string& since, const std::string& today) {
  auto start = util::parse_compact_date_kst(since);
  if (!start)
    return make_error("--since '" + since + "'은(는) 날짜가 아닙니다: YYYYMMDD(예: 20261124)나 'last'를 주세요",
                      ExitCode::usage);
  auto end = util::parse_compact_date_kst(today);
  if (!end || *start > *end)
    return make_error("--since " + since + "은(는) 미래 날짜입니다 (오늘은 " + today + " KST)",
                      ExitCode::usage);
  std::vector<std::string> days;
  for (auto t = *start; t <= *end; t += std::chrono::hours(24)) days.push_back(util::kst_compact_date(t));
  if (days.size() > 366)
    return make_error("--since " + since + "은(는) 1년보다 전입니다: 대신 전체 수집을 하세요",
                      ExitCode::usage);
  return days;
}

}  // namespace kto::collect
