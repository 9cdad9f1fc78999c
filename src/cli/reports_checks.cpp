// The health check (건강 상태 점검), recovery (문제 키 복구 시도) and region code reports.
#include <fmt/format.h>

#include <algorithm>

#include "kto/api/regions.hpp"
#include "kto/keys/key_advice.hpp"
#include "kto/cli/reports.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

constexpr const char* k_rule = "==================================================";
constexpr const char* k_thin_rule = "--------------------------------------------------";

bool is_major(int code) {
  const auto& major = api::major_area_codes();
  return std::find(major.begin(), major.end(), code) != major.end();
}

}  // namespace

std::string render_health_report(const keys::HealthReport& r, util::TimePoint now) {
  std::string out = fmt::format("🏥 API 키 건강 상태 점검 ({} KST)\n{}\n",
                                util::format_human_kst(now), k_rule);
  for (const auto& k : r.keys) {
    if (k.healthy)
      out += fmt::format("  ✅ #{} {} 정상 (응답 {}ms)\n", k.index, k.preview, k.response_time_ms);
    else if (k.probed)
      out += fmt::format("  ❌ #{} {} 문제 (응답 {}ms) - {}\n", k.index, k.preview,
                         k.response_time_ms, util::redact(k.error));
    else  // not called: disabled (❌), or only resting until a known time (⏳)
      out += fmt::format("  {} #{} {} 점검 안 함 - {}\n",
                         k.reason == keys::UnavailableReason::deactivated ? "❌" : "⏳", k.index,
                         k.preview, util::redact(k.error));
  }
  out += fmt::format("{}\n전체 키: {}개 | 정상: {}개 | 문제: {}개\n", k_thin_rule, r.total_keys,
                     r.healthy_keys, r.unhealthy_keys);
  if (!r.recommendations.empty()) {
    out += "\n💡 권장사항:\n";
    for (const auto& line : r.recommendations) out += "  - " + util::redact(line) + "\n";
  }
  return out;
}

nlohmann::ordered_json health_json(const keys::HealthReport& r) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& k : r.keys)
    list.push_back({
        {"index", k.index},
        {"preview", k.preview},
        {"is_healthy", k.healthy},
        {"probed", k.probed},
        {"response_time_ms", k.probed ? nlohmann::ordered_json(k.response_time_ms) : nlohmann::ordered_json(nullptr)},
        {"error", k.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(util::redact(k.error))},
        {"unavailable_reason", k.reason == keys::UnavailableReason::none
                                   ? nlohmann::ordered_json(nullptr)
                                   : nlohmann::ordered_json(keys::to_string(k.reason))},
    });
  nlohmann::ordered_json advice = nlohmann::ordered_json::array();
  for (const auto& line : r.recommendations) advice.push_back(util::redact(line));
  return {{"total_keys", r.total_keys},
          {"healthy_keys", r.healthy_keys},
          {"unhealthy_keys", r.unhealthy_keys},
          {"keys", list},
          {"recommendations", advice}};
}

std::string render_recovery_report(const keys::RecoveryReport& r, const keys::PoolSummary& s,
                                   const std::vector<keys::KeyStatus>& keys, util::TimePoint now,
                                   std::chrono::seconds recovery_after) {
  std::string out = fmt::format("🔧 문제 키 복구 시도 ({} KST)\n{}\n", util::format_human_kst(now),
                                k_rule);
  if (r.keys.empty()) out += "  비활성화된 키가 없습니다.\n";
  for (const auto& k : r.keys) {
    if (k.recovered)
      out += fmt::format("  ✅ #{} {} 복구 성공\n", k.index, k.preview);
    else if (k.attempted)
      out += fmt::format("  ❌ #{} {} 복구 실패 - {}\n", k.index, k.preview, util::redact(k.error));
    else
      out += fmt::format("  {} #{} {} 시도 안 함 - {}\n", k.manual ? "🔒" : "⏳", k.index, k.preview,
                         util::redact(k.error));
  }
  out += fmt::format("{}\n시도: {}개 | 복구: {}개 | 실패: {}개\n", k_thin_rule, r.attempted_keys,
                     r.recovered_keys, r.failed_keys);
  out += fmt::format("현재 사용 가능한 키: {}/{}개 (건강도 {:.1f}% {})\n", s.available_keys,
                     s.total_keys, s.health_percentage, keys::band_label(s.band));
  if (s.available_keys == 0) {
    // What is true now: keys that only rest come back at a time, recover is for disabled keys.
    out += "\n💡 사용 가능한 키가 없습니다.\n";
    for (const auto& line : keys::advice_without_usable_key(keys, now, recovery_after))
      out += "  - " + util::redact(line) + "\n";
    if (r.failed_keys > 0) out += "  - 복구에 실패한 키는 새 키 발급이 필요할 수 있습니다.\n";
  }
  return out;
}

nlohmann::ordered_json recovery_json(const keys::RecoveryReport& r) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& k : r.keys)
    list.push_back({
        {"index", k.index},
        {"preview", k.preview},
        {"attempted", k.attempted},
        {"recovered", k.recovered},
        {"manual", k.manual},
        {"error", k.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(util::redact(k.error))},
    });
  return {{"attempted_keys", r.attempted_keys},
          {"recovered_keys", r.recovered_keys},
          {"failed_keys", r.failed_keys},
          {"keys", list}};
}

std::string render_regions() {
  std::string out = "📍 사용 가능한 지역 코드:\n";
  for (const auto& r : api::all_regions())
    out += fmt::format("  {:>2}: {} (lDongRegnCd {}){}\n", r.area_code, r.name, r.ldong,
                       is_major(r.area_code) ? " ⭐" : "");
  std::string major;
  for (int code : api::major_area_codes()) {
    const auto* r = api::find_region(code);
    if (!major.empty()) major += ", ";
    major += fmt::format("{} {}", code, r ? r->name : "?");
  }
  out += "\n⭐ 주요 지역 (--mode major): " + major + "\n";
  out += "예: collector --mode regions --regions 1,6,31\n";
  return out;
}

nlohmann::ordered_json regions_json() {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& r : api::all_regions())
    list.push_back({{"code", r.area_code},
                    {"name", std::string(r.name)},
                    {"ldong_regn_cd", std::string(r.ldong)},
                    {"major", is_major(r.area_code)}});
  return list;
}

}  // namespace kto::cli
