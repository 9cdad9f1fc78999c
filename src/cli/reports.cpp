// The key status report (API 키 상태 보고서), the detailed key table and the status document.
#include "kto/cli/reports.hpp"

#include <fmt/format.h>

#include <cmath>

#include "kto/api/operations.hpp"
#include "kto/keys/key_advice.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

constexpr const char* k_rule = "==================================================";

nlohmann::ordered_json iso_or_null(const std::optional<util::TimePoint>& t) {
  return t ? nlohmann::ordered_json(util::format_iso_kst(*t)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json text_or_null(const std::optional<std::string>& s) {
  return s ? nlohmann::ordered_json(util::redact(*s)) : nlohmann::ordered_json(nullptr);
}

// One decimal, as the report shows it, so scripts and humans read the same number.
double one_decimal(double v) { return std::round(v * 10.0) / 10.0; }

const char* icon_for(const keys::KeyStatus& k) {
  switch (k.reason) {
    case keys::UnavailableReason::none: return "✅";
    case keys::UnavailableReason::deactivated: return k.manual ? "🔒" : "❌";
    case keys::UnavailableReason::daily_limit:
    case keys::UnavailableReason::rate_limited: return "🚫";
    case keys::UnavailableReason::error_cooldown: return "⏳";
  }
  return "❓";
}

std::string usage_list(const keys::KeyStatus& k) {
  if (k.usage_by_operation.empty()) return "0/" + std::to_string(k.daily_limit);
  std::string out;
  for (const auto& [op, used] : k.usage_by_operation) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}/{}", op, used, k.daily_limit);
  }
  return out;
}

}  // namespace

std::string when_text(util::TimePoint t, util::TimePoint now) {
  if (util::kst_date(t) == util::kst_date(now)) return util::format_hms_kst(t);
  return util::format_human_kst(t);
}

std::string render_status_report(const keys::PoolSummary& s, const std::vector<keys::KeyStatus>& keys,
                                  util::TimePoint now, std::chrono::seconds recovery_after) {
  std::string out;
  out += fmt::format("📊 API 키 상태 보고서 ({} KST)\n{}\n", util::format_human_kst(now), k_rule);
  out += fmt::format("제공자: {}\n전체 키: {}개\n활성 키: {}개\n사용 가능한 키: {}개\n",
                     s.provider, s.total_keys, s.active_keys, s.available_keys);
  out += fmt::format("건강도: {:.1f}% {}\n현재 키 인덱스: #{}\n", s.health_percentage,
                     keys::band_label(s.band), s.current_key_index);
  out += "\n🔑 키별 상태:\n";
  // Every operation the key spent calls on today: a health check or an increment uses quota too.
  for (const auto& k : keys)
    out += fmt::format("  {} #{} {} (사용량: {}, 오류: {}회)\n", icon_for(k), k.index, k.preview,
                       usage_list(k), k.consecutive_errors);
  bool header = false;
  for (const auto& k : keys) {
    if (k.is_available) continue;
    if (!header) out += "\n⚠️ 문제 키:\n";
    header = true;
    out += fmt::format("  ⏭️ #{} {} - {}\n", k.index, k.preview,
                       util::redact(keys::explain(k, now, recovery_after)));
  }
  if (s.total_keys > 0 && s.available_keys == 0) {
    out += "\n💡 사용 가능한 키가 없습니다.\n";
    for (const auto& line : keys::advice_without_usable_key(keys, now, recovery_after))
      out += "  - " + util::redact(line) + "\n";
  }
  return out;
}

nlohmann::ordered_json key_status_json(const keys::KeyStatus& k) {
  nlohmann::ordered_json usage_by_op = nlohmann::ordered_json::object();
  for (const auto& [op, used] : k.usage_by_operation) usage_by_op[op] = used;
  nlohmann::ordered_json limited = nlohmann::ordered_json::object();
  for (const auto& [op, until] : k.rate_limited_until) limited[op] = util::format_iso_kst(until);
  auto list_limit = k.rate_limited_until.find(std::string(api::k_list_operation));
  return {
      {"index", k.index},
      {"preview", k.preview},
      {"is_active", k.is_active},
      {"is_available", k.is_available},
      {"unavailable_reason", k.reason == keys::UnavailableReason::none
                                 ? nlohmann::ordered_json(nullptr)
                                 : nlohmann::ordered_json(keys::to_string(k.reason))},
      {"unavailable_text", k.reason_text.empty() ? nlohmann::ordered_json(nullptr)
                                                 : nlohmann::ordered_json(util::redact(k.reason_text))},
      {"available_at", iso_or_null(k.available_at)},
      {"usage", k.usage},
      {"usage_by_operation", usage_by_op},
      {"daily_limit", k.daily_limit},
      {"consecutive_errors", k.consecutive_errors},
      {"total_errors", k.total_errors},
      {"total_calls", k.total_calls},
      {"rate_limited_until", list_limit == k.rate_limited_until.end()
                                 ? nlohmann::ordered_json(nullptr)
                                 : nlohmann::ordered_json(util::format_iso_kst(list_limit->second))},
      {"rate_limited_until_by_operation", limited},
      {"deactivated_at", iso_or_null(k.deactivated_at)},
      {"deactivation_reason", text_or_null(k.deactivation_reason)},
      {"deactivated_by", k.is_active ? nlohmann::ordered_json(nullptr)
                                     : nlohmann::ordered_json(k.manual ? "operator" : "pool")},
      {"last_used_at", iso_or_null(k.last_used_at)},
      {"last_error_at", iso_or_null(k.last_error_at)},
      {"last_error", text_or_null(k.last_error)},
  };
}

nlohmann::ordered_json status_json(const keys::PoolSummary& s, const std::vector<keys::KeyStatus>& keys) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& k : keys) list.push_back(key_status_json(k));
  return {
      {"provider", s.provider},
      {"total_keys", s.total_keys},
      {"active_keys", s.active_keys},
      {"available_keys", s.available_keys},
      {"health_percentage", one_decimal(s.health_percentage)},
      {"health_band", keys::to_string(s.band)},
      {"current_key_index", s.current_key_index},
      {"keys", list},
  };
}

std::string render_key_table(const std::vector<keys::KeyStatus>& keys, util::TimePoint now,
                             std::chrono::seconds recovery_after) {
  std::string out = fmt::format("🔑 KTO API 키 상세 상태 ({}개, {} KST)\n{}\n", keys.size(),
                                util::format_human_kst(now), k_rule);
  for (const auto& k : keys) {
    out += fmt::format("{} #{} {}  {}\n", icon_for(k), k.index, k.preview,
                       k.is_available ? std::string("사용 가능") : util::redact(k.reason_text));
    out += fmt::format("    사용량: {}\n", usage_list(k));
    out += fmt::format("    오류: 연속 {}회, 누적 {}회 | 총 호출: {}회\n", k.consecutive_errors,
                       k.total_errors, k.total_calls);
    out += fmt::format("    마지막 사용: {}\n",
                       k.last_used_at ? when_text(*k.last_used_at, now) : std::string("없음"));
    if (k.last_error)
      out += fmt::format("    마지막 오류: {}{}\n", util::redact(*k.last_error),
                         k.last_error_at ? " (" + when_text(*k.last_error_at, now) + ")" : "");
    if (k.deactivated_at)
      out += fmt::format("    비활성화: {}{}\n", when_text(*k.deactivated_at, now),
                         k.deactivation_reason
                             ? " (사유: " + util::redact(*k.deactivation_reason) + ")"
                             : "");
    if (!k.is_available)
      if (auto back = keys::way_back(k, now, recovery_after); !back.empty())
        out += "    " + back + "\n";
  }
  return out;
}

}  // namespace kto::cli
