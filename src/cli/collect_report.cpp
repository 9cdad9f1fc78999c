#include "collect_report.hpp"

#include <sstream>

#include "kto/api/regions.hpp"
#include "kto/collect/increment.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

constexpr std::size_t k_errors_shown = 5;

const char* status_symbol(store::RunStatus status) {
  switch (status) {
    case store::RunStatus::success: return "✅";
    case store::RunStatus::partial: return "⚠️";
    case store::RunStatus::interrupted: return "⏹️";
    case store::RunStatus::running:
    case store::RunStatus::no_keys:
    case store::RunStatus::failed: return "❌";
  }
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

const char* done_mark(bool complete) { return complete ? "✅" : "⚠️ 미완료"; }

// Calls and rows; a resumed job's earlier attempts are named apart, so every figure on a line is
// about the same thing. Stored rows are new, updated (their content changed) or unchanged.
void render_counts(std::ostream& o, const collect::CollectReport& r) {
  const long long received = r.records - r.earlier_records;
  o << "API 호출: " << thousands(r.api_calls - r.earlier_api_calls) << "회";
  if (r.resumed)
    o << " (이번 실행; 수집 #" << r.run_id << " 전체 " << thousands(r.api_calls) << "회)";
  o << "\n받은 레코드: " << thousands(received) << "건";
  if (r.resumed)
    o << " (이번 실행; 수집 #" << r.run_id << " 전체 " << thousands(r.records) << "건)";
  o << "\n저장" << (r.resumed ? " (이번 실행)" : "") << ": 신규 " << thousands(r.inserted)
    << "건, 갱신 " << thousands(r.updated) << "건, 변경 없음 " << thousands(r.unchanged) << "건";
  if (r.hidden > 0) o << " (숨김 " << thousands(r.hidden) << "건)";
  o << "\n";
}

std::string area_line(int code, const collect::AreaResult& area, bool increment) {
  std::string line = "  " + area_name(code) + " (" + std::to_string(code) + "): ";
  if (increment) line += "변경 " + thousands(area.collected) + "건";
  else if (area.total_known)
    line += thousands(area.collected) + "/" + thousands(area.total_count) + "건";
  else
    line += thousands(area.collected) + "건";
  return line + " " + done_mark(area.complete) + "\n";
}

void render_areas(std::ostream& o, const collect::CollectReport& r) {
  if (r.national) {
    o << "전국: " << thousands(r.national->collected) << "/";
    o << (r.national->total_known ? thousands(r.national->total_count) : std::string("?"));
    o << "건 " << done_mark(r.national->complete) << "\n";
  }
  if (r.areas.empty()) return;
  if (r.options.since)
    o << "지역별 변경분 (--since " << *r.options.since << "부터 오늘까지):\n";
  else if (r.national)
    o << "지역별 (저장된 행" << (r.national->complete ? "" : ", 지역별 전체 건수는 끝까지 읽어야 앎")
      << "):\n";
  else
    o << "지역별 (받은 건수/서비스 전체 건수):\n";
  for (const auto& [code, area] : r.areas) o << area_line(code, area, r.options.since.has_value());
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
  render_counts(o, r);
  render_areas(o, r);
  if (!r.no_key_message.empty()) o << "🔑 " << r.no_key_message << "\n";
  if (!r.errors.empty()) {
    o << "오류: " << r.errors.size() << "건\n";
    for (std::size_t i = 0; i < r.errors.size() && i < k_errors_shown; ++i)
      o << "  - " << r.errors[i] << "\n";
    if (r.errors.size() > k_errors_shown)
      o << "  ... 외 " << r.errors.size() - k_errors_shown << "건\n";
  }
  if (r.status != store::RunStatus::success && r.status != store::RunStatus::failed)
    o << "💡 'collector collect --resume'으로 이어서 수집할 수 있습니다.\n";
  o << rule << "\n";
  return util::redact(o.str());
}

namespace {

// total_count is null where the service gave no total: an increment's province (its changes have
// none) or a province of a national listing that did not finish.
nlohmann::json area_json(int code, const collect::AreaResult& a) {
  return {{"name", code == 0 ? std::string("전국") : area_name(code)},
          {"total_count", a.total_known ? nlohmann::json(a.total_count) : nlohmann::json(nullptr)},
          {"collected", a.collected},
          {"complete", a.complete}};
}

}  // namespace

nlohmann::json collect_json(const collect::CollectReport& r) {
  nlohmann::json areas = nlohmann::json::object();
  for (const auto& [code, a] : r.areas)
    areas[std::to_string(code)] = area_json(code, a);
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back(util::redact(e));
  return {{"run_id", r.run_id},
          {"status", store::to_string(r.status)},
          {"mode", collect::to_string(r.options.mode)},
          {"regions", collect::area_codes_for(r.options)},
          {"since", r.options.since ? nlohmann::json(*r.options.since) : nlohmann::json(nullptr)},
          {"scope_source", collect::to_string(r.options.scope_source)},
          {"full_for_since_last", r.options.full_for_since_last},
          {"api_calls", r.api_calls},
          {"records", r.records},
          {"resumed", r.resumed},
          {"received", r.records - r.earlier_records},
          {"attempt_api_calls", r.api_calls - r.earlier_api_calls},
          {"stored", r.stored},
          {"inserted", r.inserted},
          {"updated", r.updated},
          {"unchanged", r.unchanged},
          {"hidden", r.hidden},
          {"areas", areas},
          {"national", r.national ? area_json(0, *r.national) : nlohmann::json(nullptr)},
          {"errors", errors},
          {"no_key_message", r.no_key_message},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"exit_code", static_cast<int>(r.exit_code)}};
}

}  // namespace kto::cli
