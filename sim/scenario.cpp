#include "scenario.hpp"

#include <algorithm>
#include <charconv>

#include "service.hpp"

namespace kto::sim {
namespace {

using nlohmann::json;

struct FieldError {
  std::string message;
};

// Reading helpers throw FieldError so that one parse function stays linear; parse_scenario turns
// the first one into an Error.
int read_int(const json& obj, const char* name, int fallback, int min_value = 0) {
  if (!obj.contains(name)) return fallback;
  const json& v = obj.at(name);
  if (!v.is_number_integer() || v.get<long long>() < min_value || v.get<long long>() > 1000000000)
    throw FieldError{std::string(name) + "은(는) " + std::to_string(min_value) + " 이상의 정수여야 합니다"};
  return v.get<int>();
}

double read_ratio(const json& obj, const char* name, double fallback) {
  if (!obj.contains(name)) return fallback;
  const json& v = obj.at(name);
  if (!v.is_number() || v.get<double>() < 0.0 || v.get<double>() > 1.0)
    throw FieldError{std::string(name) + "은(는) 0과 1 사이의 수여야 합니다"};
  return v.get<double>();
}

bool read_bool(const json& obj, const char* name, bool fallback) {
  if (!obj.contains(name)) return fallback;
  if (!obj.at(name).is_boolean()) throw FieldError{std::string(name) + "은(는) true나 false여야 합니다"};
  return obj.at(name).get<bool>();
}

const json& read_object(const json& obj, const char* name) {
  const json& v = obj.at(name);
  if (!v.is_object()) throw FieldError{std::string(name) + "은(는) 객체여야 합니다"};
  return v;
}

bool is_compact_date(const std::string& s) {
  if (s.size() != 8) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

void read_dataset(const json& obj, DatasetSpec& out) {
  out.restaurants = read_int(obj, "restaurants", out.restaurants);
  if (obj.contains("per_province")) {
    out.per_province.clear();
    for (const auto& [code, count] : read_object(obj, "per_province").items()) {
      if (!count.is_number_integer() || count.get<long long>() < 0)
        throw FieldError{"per_province." + code + "은(는) 0 이상의 정수여야 합니다"};
      out.per_province[code] = count.get<int>();
    }
  }
  out.blank_areacode_ratio = read_ratio(obj, "blank_areacode_ratio", out.blank_areacode_ratio);
  out.other_types = read_int(obj, "other_types", out.other_types);
  out.hidden = read_int(obj, "hidden", out.hidden);
  out.withdrawn = read_int(obj, "withdrawn", out.withdrawn);
  if (obj.contains("modified_recent")) {
    const json& mr = read_object(obj, "modified_recent");
    out.modified_recent_ratio = read_ratio(mr, "ratio", out.modified_recent_ratio);
    if (mr.contains("date")) {
      if (!mr.at("date").is_string() || !is_compact_date(mr.at("date").get<std::string>()))
        throw FieldError{"modified_recent.date는 YYYYMMDD 문자열이어야 합니다"};
      out.modified_recent_date = mr.at("date").get<std::string>();
    }
  }
}

// {"detailCommon2": 500, …}: known operations only, so that a typo does not silently mean "no limit".
void read_operation_quotas(const json& obj, std::map<std::string, int>& out) {
  for (const auto& [op, limit] : read_object(obj, "operation_quotas").items()) {
    if (!is_known_operation(op)) throw FieldError{"operation_quotas: 알 수 없는 오퍼레이션 '" + op + "'"};
    if (!limit.is_number_integer() || limit.get<long long>() < 0 || limit.get<long long>() > 1000000000)
      throw FieldError{"operation_quotas." + op + "은(는) 0 이상의 정수여야 합니다"};
    out[op] = limit.get<int>();
  }
}

KeyStatus parse_key_status(const std::string& s) {
  if (s == "valid") return KeyStatus::valid;
  if (s == "unregistered") return KeyStatus::unregistered;
  if (s == "expired") return KeyStatus::expired;
  if (s == "disabled") return KeyStatus::disabled;
  throw FieldError{"키 status는 valid, unregistered, expired, disabled 중 하나여야 합니다"};
}

void read_keys(const json& obj, std::map<std::string, KeySpec>& out) {
  for (const auto& [raw, spec] : obj.items()) {
    if (raw.empty()) throw FieldError{"keys: 키가 비어 있으면 안 됩니다"};
    if (!spec.is_object()) throw FieldError{"keys: 각 항목은 객체여야 합니다"};
    KeySpec k = out.count(raw) ? out[raw] : KeySpec{};
    if (spec.contains("status")) {
      if (!spec.at("status").is_string()) throw FieldError{"keys: status는 문자열이어야 합니다"};
      k.status = parse_key_status(spec.at("status").get<std::string>());
    }
    if (spec.contains("daily_quota")) k.daily_quota = read_int(spec, "daily_quota", 0);
    if (spec.contains("per_second")) k.per_second = read_int(spec, "per_second", 0);
    if (spec.contains("operation_quotas")) read_operation_quotas(spec, k.operation_quotas);
    out[raw] = k;
  }
}

FaultKind parse_fault_kind(const json& v) {
  const std::string s = v.is_string() ? v.get<std::string>() : "";
  for (FaultKind k : {FaultKind::http500, FaultKind::html502, FaultKind::hang, FaultKind::empty,
                      FaultKind::truncated, FaultKind::reset, FaultKind::huge, FaultKind::bad_utf8,
                      FaultKind::entities})
    if (s == fault_kind_name(k)) return k;
  throw FieldError{"faults: 알 수 없는 종류 '" + s +
                   "' (가능한 값: http500, html502, hang, empty, truncated, reset, huge, bad_utf8, entities)"};
}

FaultSpec read_faults(const json& obj) {
  FaultSpec f;
  f.rate = read_ratio(obj, "rate", 0.0);
  f.hang_ms = read_int(obj, "hang_ms", f.hang_ms);
  if (obj.contains("huge_bytes")) {
    const json& v = obj.at("huge_bytes");
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > (1LL << 32))
      throw FieldError{"faults.huge_bytes는 0부터 4294967296 사이의 정수여야 합니다"};
    f.huge_bytes = v.get<long long>();
  }
  if (obj.contains("kinds"))
    for (const auto& k : obj.at("kinds")) f.kinds.push_back(parse_fault_kind(k));
  if (obj.contains("operations"))
    for (const auto& op : obj.at("operations")) {
      if (!op.is_string()) throw FieldError{"faults.operations에는 문자열만 넣어야 합니다"};
      f.operations.push_back(op.get<std::string>());
    }
  if (obj.contains("schedule"))
    for (const auto& entry : obj.at("schedule")) {
      if (!entry.is_object()) throw FieldError{"faults.schedule 항목은 객체여야 합니다"};
      ScheduledFault s;
      s.call = read_int(entry, "call", 0, 1);
      s.kind = parse_fault_kind(entry.value("kind", json()));
      f.schedule.push_back(s);
    }
  return f;
}

void read_latency(const json& obj, Scenario& s) {
  s.latency_min_ms = read_int(obj, "min", s.latency_min_ms);
  s.latency_max_ms = read_int(obj, "max", std::max(s.latency_min_ms, s.latency_max_ms));
  if (s.latency_max_ms < s.latency_min_ms) throw FieldError{"latency_ms.max는 min 이상이어야 합니다"};
}

// The fields a scenario and a /control patch share.
void read_service_fields(const json& doc, Scenario& s) {
  if (doc.contains("keys")) read_keys(read_object(doc, "keys"), s.keys);
  s.strict_keys = read_bool(doc, "strict_keys", s.strict_keys);
  s.daily_quota = read_int(doc, "daily_quota", s.daily_quota);
  if (doc.contains("operation_quotas")) read_operation_quotas(doc, s.operation_quotas);
  s.per_second = read_int(doc, "per_second", s.per_second);
  if (doc.contains("gateway_errors")) {
    const json& g = read_object(doc, "gateway_errors");
    if (g.contains("format")) {
      const json& fmt = g.at("format");
      if (fmt != "xml" && fmt != "json") throw FieldError{"gateway_errors.format은 xml이나 json이어야 합니다"};
      s.gateway_errors_json = fmt == "json";
    }
    s.gateway_http_status = read_int(g, "http_status", s.gateway_http_status, 100);
  }
  s.max_page_size = read_int(doc, "max_page_size", s.max_page_size, 1);
  s.numbers_as_strings = read_bool(doc, "numbers_as_strings", s.numbers_as_strings);
  if (doc.contains("modifiedtime_semantics")) {
    const json& m = doc.at("modifiedtime_semantics");
    if (m != "on" && m != "since") throw FieldError{"modifiedtime_semantics는 on이나 since여야 합니다"};
    s.modifiedtime_since = m == "since";
  }
  if (doc.contains("faults")) s.faults = read_faults(read_object(doc, "faults"));
  if (doc.contains("latency_ms")) read_latency(read_object(doc, "latency_ms"), s);
}

}  // namespace

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::http500: return "http500";
    case FaultKind::html502: return "html502";
    case FaultKind::hang: return "hang";
    case FaultKind::empty: return "empty";
    case FaultKind::truncated: return "truncated";
    case FaultKind::reset: return "reset";
    case FaultKind::huge: return "huge";
    case FaultKind::bad_utf8: return "bad_utf8";
    case FaultKind::entities: return "entities";
  }
  return "?";
}

int daily_limit(const Scenario& scenario, const KeySpec& spec, const std::string& operation) {
  if (auto it = spec.operation_quotas.find(operation); it != spec.operation_quotas.end()) return it->second;
  if (spec.daily_quota) return *spec.daily_quota;
  if (auto it = scenario.operation_quotas.find(operation); it != scenario.operation_quotas.end())
    return it->second;
  return scenario.daily_quota;
}

Result<Scenario> parse_scenario(const json& doc) {
  if (!doc.is_object()) return make_error("시나리오: 문서는 JSON 객체여야 합니다");
  Scenario s;
  try {
    if (doc.contains("seed")) {
      if (!doc.at("seed").is_number_unsigned()) throw FieldError{"seed는 0 이상의 정수여야 합니다"};
      s.seed = doc.at("seed").get<std::uint64_t>();
    }
    if (doc.contains("dataset")) read_dataset(read_object(doc, "dataset"), s.dataset);
    read_service_fields(doc, s);
    // A scenario that lists its keys means "only these": the demo's made-up key must then fail.
    if (doc.contains("keys") && !doc.contains("strict_keys")) s.strict_keys = true;
  } catch (const FieldError& e) {
    return make_error("시나리오: " + e.message);
  } catch (const json::exception& e) {
    return make_error("시나리오: 항목의 형식이 맞지 않습니다 (JSON 오류 " + std::to_string(e.id) + ")");
  }
  return s;
}

Result<ControlEffects> apply_control_patch(Scenario& scenario, const json& patch) {
  if (!patch.is_object()) return make_error("control: 패치는 JSON 객체여야 합니다");
  Scenario updated = scenario;
  ControlEffects effects;
  try {
    read_service_fields(patch, updated);
    effects.faults_replaced = patch.contains("faults");
    effects.reset_quotas = read_bool(patch, "reset_quotas", false);
  } catch (const FieldError& e) {
    return make_error("control: " + e.message);
  } catch (const json::exception& e) {
    return make_error(std::string("control: ") + e.what());
  }
  scenario = std::move(updated);
  return effects;
}

Result<std::pair<int, int>> parse_latency_range(const std::string& text) {
  auto read = [](std::string_view s, int& out) {
    auto res = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && res.ec == std::errc{} && res.ptr == s.data() + s.size() && out >= 0;
  };
  std::string_view view(text);
  auto dash = view.find('-');
  int lo = 0, hi = 0;
  bool ok = dash == std::string_view::npos
                ? read(view, lo) && read(view, hi)
                : read(view.substr(0, dash), lo) && read(view.substr(dash + 1), hi);
  if (!ok || hi < lo) return make_error("--latency-ms에는 MIN이나 MIN-MAX 밀리초를 주세요 (받은 값: '" + text + "')");
  return std::make_pair(lo, hi);
}

}  // namespace kto::sim
