#include "kto/collect/increment.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "kto/api/regions.hpp"

namespace kto::collect {
namespace {

// A run record of a full collection: its saved options have no "since". Records whose options
// cannot be read say nothing about what they covered.
bool is_full_run(const store::RunRecord& run) {
  auto j = nlohmann::json::parse(run.options, nullptr, false);
  return !j.is_discarded() && j.is_object() && (!j.contains("since") || j["since"].is_null());
}

// One text for both styles of scope_text: `mode` as the run names it, and its provinces.
std::string scope_text_of(std::string_view mode, bool all, const std::vector<int>& codes,
                          ScopeStyle style) {
  const bool with_codes = style == ScopeStyle::mode_and_codes;
  if (all)
    return with_codes ? "모드 all (전국)"
                      : "전국 (" + std::to_string(api::all_regions().size()) + "개 시도)";
  std::string names;
  for (int code : codes) {
    const api::Region* r = api::find_region(code);
    names += (names.empty() ? "" : ", ") + (r ? std::string(r->name) : std::string("?"));
    if (with_codes) names += "(" + std::to_string(code) + ")";
  }
  if (with_codes) return "모드 " + std::string(mode) + " (" + names + ")";
  return names.empty() ? std::string("없음") : names;
}

}  // namespace

Result<std::vector<int>> held_area_codes(store::Store& db) {
  std::set<int> codes;
  auto counts = db.count_by_area();
  if (!counts) return counts.error();
  for (const auto& [code, n] : *counts)
    if (n > 0) codes.insert(code);
  auto runs = db.successful_runs();
  if (!runs) return runs.error();
  for (const auto& run : *runs)
    if (is_full_run(run)) {
      auto held = area_codes_of(run.regions);
      codes.insert(held.begin(), held.end());
    }
  std::vector<int> out;
  for (const auto& r : api::all_regions())
    if (codes.count(r.area_code)) out.push_back(r.area_code);
  return out;
}

Result<void> resolve_increment_scope(CollectOptions& options, store::Store& db) {
  if (!options.since || options.scope_source != ScopeSource::default_mode) return {};
  auto held = held_area_codes(db);
  if (!held) return held.error();
  if (held->empty()) {
    spdlog::info("📍 증분 범위: {} - 데이터베이스에 수집된 지역이 없어 기본 모드(major)로 "
                 "증분합니다",
                 scope_text(options));
    return {};
  }
  if (held->size() == api::all_regions().size()) {
    options.mode = Mode::all;
    options.regions.clear();
  } else {
    options.mode = Mode::regions;
    options.regions = *held;
  }
  options.scope_source = ScopeSource::database;
  spdlog::info("📍 증분 범위: {} - --mode를 주지 않아 데이터베이스에 있는 지역을 모두 "
               "갱신합니다",
               scope_text(options));
  return {};
}

std::vector<int> area_codes_of(const std::string& regions) {
  auto parsed = api::parse_region_list(regions);
  return parsed.error.empty() ? parsed.codes : std::vector<int>{};
}

std::string scope_text(const CollectOptions& options, ScopeStyle style) {
  return scope_text_of(to_string(options.mode), options.mode == Mode::all,
                       area_codes_for(options), style);
}

std::string scope_text(const store::RunRecord& run, ScopeStyle style) {
  return scope_text_of(run.mode, parse_mode(run.mode) == Mode::all, area_codes_of(run.regions),
                       style);
}

std::string scope_note(const CollectOptions& options) {
  const std::string scope = scope_text(options);
  if (options.full_for_since_last)
    return "ℹ️ 성공한 수집이 아직 없어 --since last 대신 전체 수집을 했습니다 (범위: " + scope + ")";
  if (!options.since) return "";
  switch (options.scope_source) {
    case ScopeSource::database:
      return "범위: " + scope + " (--mode를 주지 않아 데이터베이스에 있는 지역 전체)";
    case ScopeSource::default_mode:
      return "범위: " + scope + " (기본 모드 major: 데이터베이스에 수집된 지역이 없습니다)";
    case ScopeSource::asked:
      break;
  }
  return "범위: " + scope + " (요청한 범위)";
}

}  // namespace kto::collect
