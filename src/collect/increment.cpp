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

void add_codes(const std::string& text, std::set<int>& codes) {
  auto parsed = api::parse_region_list(text);
  if (parsed.error.empty()) codes.insert(parsed.codes.begin(), parsed.codes.end());
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
    if (is_full_run(run)) add_codes(run.regions, codes);
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

std::string scope_text(const CollectOptions& options) {
  if (options.mode == Mode::all)
    return "전국 (" + std::to_string(api::all_regions().size()) + "개 시도)";
  std::string out;
  for (int code : area_codes_for(options))
    if (const api::Region* r = api::find_region(code))
      out += (out.empty() ? "" : ", ") + std::string(r->name);
  return out.empty() ? std::string("없음") : out;
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
