#include "collect_report.hpp"

#include <sstream>

#include "kto/api/regions.hpp"
#include "kto/collect/increment.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

constexpr std::size_t k_errors_shown = 5;

const char* status_symbol(const std::string& status) {
  if (status == "success") return "✅";
  if (status == "partial") return "⚠️";
  if (status == "interrupted") return "⏹️";
  return "❌";
}

std::string human_time(const std::string& iso) {
  auto t = util::parse_iso8601(iso);
  return t ? util::format_human_kst(*t) : iso;
}

std::string area_name(int code) {
  if (const api::Region* r = api::find_region(code)) return std::string(r->name);
  return "미분류";
}

}  // namespace

std::string thousands(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string render_collect_summary(const collect::CollectReport& r) {
  std::ostringstream o;
  const std::string rule(50, '=');
  o << rule << "\n📊 음식점 데이터 수집 결과\n" << rule << "\n";
  o << "배치 ID: " << r.run_id << "\n";
  o << "모드: " << collect::to_string(r.options.mode);
  if (r.options.since) o << " (--since " << *r.options.since << ")";
  if (auto note = collect::scope_note(r.options); !note.empty()) o << "\n" << note;
  o << "\n시작: " << human_time(r.started_at) << "\n종료: " << human_time(r.finished_at) << "\n";
  o << "상태: " << status_symbol(r.status) << " " << r.status << "\n";
  o << "API 호출: " << thousands(r.api_calls) << "회\n";
  o << "원본 레코드: " << thousands(r.records) << "건 | 저장: " << thousands(r.stored)
    << "건 (신규 " << thousands(r.inserted) << ", 갱신 " << thousands(r.updated);
  if (r.hidden > 0) o << ", 숨김 " << thousands(r.hidden);
  o << ")\n";
  if (!r.areas.empty()) {
    o << "지역별:\n";
    for (const auto& [code, area] : r.areas) {
      o << "  " << area_name(code) << " (" << code << "): " << thousands(area.collected) << "/"
        << thousands(area.total_count) << "건 " << (area.complete ? "✅" : "⚠️ 미완료") << "\n";
    }
  }
  if (!r.no_key_message.empty()) o << "🔑 " << r.no_key_message << "\n";
  if (!r.errors.empty()) {
    o << "오류: " << r.errors.size() << "건\n";
    for (std::size_t i = 0; i < r.errors.size() && i < k_errors_shown; ++i)
      o << "  - " << r.errors[i] << "\n";
    if (r.errors.size() > k_errors_shown)
      o << "  ... 외 " << r.errors.size() - k_errors_shown << "건\n";
  }
  if (r.status != "success" && r.status != "failed")
    o << "💡 'collector collect --resume'으로 이어서 수집할 수 있습니다.\n";
  o << rule << "\n";
  return util::redact(o.str());
}

nlohmann::json collect_json(const collect::CollectReport& r) {
  nlohmann::json areas = nlohmann::json::object();
  for (const auto& [code, a] : r.areas)
    areas[std::to_string(code)] = {{"name", area_name(code)},
                                   {"total_count", a.total_count},
                                   {"collected", a.collected},
                                   {"complete", a.complete}};
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back(util::redact(e));
  return {{"run_id", r.run_id},
          {"status", r.status},
          {"mode", collect::to_string(r.options.mode)},
          {"regions", collect::area_codes_for(r.options)},
          {"since", r.options.since ? nlohmann::json(*r.options.since) : nlohmann::json(nullptr)},
          {"scope_source", collect::to_string(r.options.scope_source)},
          {"full_for_since_last", r.options.full_for_since_last},
          {"api_calls", r.api_calls},
          {"records", r.records},
          {"stored", r.stored},
          {"inserted", r.inserted},
          {"updated", r.updated},
          {"hidden", r.hidden},
          {"areas", areas},
          {"errors", errors},
          {"no_key_message", r.no_key_message},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"exit_code", static_cast<int>(r.exit_code)}};
}

}  // namespace kto::cli
