#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <system_error>

#include "key_record.hpp"
#include "kto/util/files.hpp"
#include "kto/util/time.hpp"

namespace kto::keys::detail {
namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// A wrong shape anywhere makes the whole file corrupt; thrown inside parsing only, and turned into
// ReadStatus::corrupt at the one place that parses.
struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

util::TimePoint to_time(const json& value, const char* field) {
  auto t = util::parse_iso8601(value.get<std::string>());
  if (!t) throw ShapeError(std::string(field) + "의 시각이 잘못됨");
  return *t;
}

std::optional<util::TimePoint> optional_time(const json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return to_time(*it, field);
}

std::optional<std::string> optional_text(const json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

template <class T>
T value_or(const json& obj, const char* field, T fallback) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return fallback;
  return it->get<T>();
}

// The counters are whole numbers; a float or a negative count is not something we wrote.
int count_of(const json& value) {
  if (!value.is_number_integer()) throw ShapeError("횟수가 정수가 아님");
  auto n = value.get<long long>();
  if (n < 0 || n > 1'000'000'000) throw ShapeError("횟수가 범위를 벗어남");
  return static_cast<int>(n);
}

int count_field(const json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return 0;
  return count_of(*it);
}

// "deactivated_by" of a disabled key. A file written before the field existed does not say: the
// pool's own deactivations carry one of its two reasons, so any other reason (the default
// "수동 비활성화" included) came from `keys deactivate`, and a key disabled without a reason is
// taken as the pool's. A leaked key must never come back by itself because of an old file.
bool parse_manual(const json& obj, const KeyRecord& k) {
  if (k.is_active) return false;
  auto it = obj.find("deactivated_by");
  if (it == obj.end() || it->is_null()) {
    if (!k.deactivation_reason) return false;
    const std::string& reason = *k.deactivation_reason;
    return !reason.starts_with(k_auto_reason_prefix) && !reason.starts_with(k_failed_recovery_prefix);
  }
  auto by = it->get<std::string>();
  if (by == "operator") return true;
  if (by == "pool") return false;
  throw ShapeError("deactivated_by가 operator도 pool도 아님");
}

KeyRecord parse_key(const json& obj) {
  if (!obj.is_object()) throw ShapeError("키 항목이 객체가 아님");
  KeyRecord k;
  k.fingerprint = obj.at("fingerprint").get<std::string>();
  if (k.fingerprint.empty()) throw ShapeError("fingerprint가 비어 있음");
  k.preview = value_or<std::string>(obj, "preview", "");
  k.daily_limit = count_field(obj, "daily_limit");
  if (auto it = obj.find("usage"); it != obj.end() && !it->is_null())
    for (const auto& [op, n] : it->get<json::object_t>()) k.usage[op] = count_of(n);
  if (auto it = obj.find("rate_limited_until"); it != obj.end() && !it->is_null())
    for (const auto& [op, t] : it->get<json::object_t>())
      k.rate_limited_until[op] = to_time(t, "rate_limited_until");
  k.error_cooldown_until = optional_time(obj, "error_cooldown_until");
  k.consecutive_errors = count_field(obj, "consecutive_errors");
  k.total_errors = count_field(obj, "total_errors");
  k.total_calls = count_field(obj, "total_calls");
  k.is_active = value_or<bool>(obj, "is_active", true);
  k.deactivated_at = optional_time(obj, "deactivated_at");
  k.deactivation_reason = optional_text(obj, "deactivation_reason");
  k.manual = parse_manual(obj, k);
  k.last_used_at = optional_time(obj, "last_used_at");
  k.last_error_at = optional_time(obj, "last_error_at");
  k.last_error = optional_text(obj, "last_error");
  return k;
}

ReadResult parse_state(const std::string& text) {
  ReadResult out;
  out.status = ReadStatus::corrupt;
  try {
    json doc = json::parse(text);
    if (!doc.is_object()) throw ShapeError("문서가 객체가 아님");
    int version = doc.at("version").get<int>();
    if (version > k_state_version) {
      out.status = ReadStatus::newer_version;
      out.detail = std::to_string(version);
      return out;
    }
    if (version < 1) throw ShapeError("version이 잘못됨");
    StateFile& s = out.state;
    s.version = version;
    s.provider = value_or<std::string>(doc, "provider", "KTO");
    if (s.provider != "KTO") throw ShapeError("provider가 KTO가 아님");
    s.day = doc.at("day").get<std::string>();
    if (!util::parse_iso8601(s.day + "T00:00:00+09:00")) throw ShapeError("day가 잘못됨");
    s.current_index = static_cast<std::size_t>(count_field(doc, "current_index"));
    for (const auto& k : doc.at("keys").get<json::array_t>()) s.keys.push_back(parse_key(k));
    out.status = ReadStatus::ok;
  } catch (const json::parse_error& e) {
    // The library's own words are English: the operator reads the kind of damage in Korean.
    out.detail = "JSON 문법 오류 (" + std::to_string(e.byte) + "번째 바이트)";
  } catch (const json::out_of_range&) {
    out.detail = "필요한 항목이 없음";
  } catch (const json::exception&) {
    out.detail = "항목의 형식이 맞지 않음";
  } catch (const std::exception& e) {
    // ShapeError: already Korean.
    out.detail = e.what();
  }
  return out;
}

ordered_json time_or_null(const std::optional<util::TimePoint>& t) {
  return t ? ordered_json(util::format_iso_kst(*t)) : ordered_json(nullptr);
}

ordered_json text_or_null(const std::optional<std::string>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}

ordered_json key_json(const KeyRecord& k) {
  ordered_json usage = ordered_json::object();
  for (const auto& [op, n] : k.usage) usage[op] = n;
  ordered_json limited = ordered_json::object();
  for (const auto& [op, t] : k.rate_limited_until) limited[op] = util::format_iso_kst(t);
  ordered_json j;
  j["fingerprint"] = k.fingerprint;
  j["preview"] = k.preview;
  j["daily_limit"] = k.daily_limit;
  j["usage"] = usage;
  j["rate_limited_until"] = limited;
  j["consecutive_errors"] = k.consecutive_errors;
  j["total_errors"] = k.total_errors;
  j["total_calls"] = k.total_calls;
  j["is_active"] = k.is_active;
  j["deactivated_at"] = time_or_null(k.deactivated_at);
  j["deactivation_reason"] = text_or_null(k.deactivation_reason);
  j["deactivated_by"] =
      k.is_active ? ordered_json(nullptr) : ordered_json(k.manual ? "operator" : "pool");
  j["last_used_at"] = time_or_null(k.last_used_at);
  j["last_error_at"] = time_or_null(k.last_error_at);
  j["last_error"] = text_or_null(k.last_error);
  j["error_cooldown_until"] = time_or_null(k.error_cooldown_until);
  return j;
}

int add_delta(int file, int ours, int synced) { return std::max(0, file + (ours - synced)); }

template <class T>
const T& pick(const T& file, const T& ours, const T& synced) {
  return ours != synced ? ours : file;
}

}  // namespace

Result<ReadResult> read_state_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) return make_error(path.string() + "을(를) 읽을 수 없습니다: " + util::errno_korean(ec.value()));
    return ReadResult{};
  }
  auto text = util::read_file(path);
  if (!text) return text.error();
  return parse_state(*text);
}

std::string serialize_state(const StateFile& state) {
  ordered_json doc;
  doc["version"] = state.version;
  doc["provider"] = state.provider;
  doc["day"] = state.day;
  doc["current_index"] = state.current_index;
  ordered_json keys = ordered_json::array();
  for (const auto& k : state.keys) keys.push_back(key_json(k));
  doc["keys"] = keys;
  return doc.dump(2) + "\n";
}

Result<fs::path> move_aside(const fs::path& path, util::TimePoint now) {
  std::string base = path.string() + ".corrupt-" + util::format_file_stamp_kst(now);
  fs::path target = base;
  std::error_code ec;
  // Two corrupt files within one second must not overwrite each other's evidence.
  for (int n = 1; fs::exists(target, ec) && n < 100; ++n) target = base + "-" + std::to_string(n);
  fs::rename(path, target, ec);
  if (ec) return make_error(path.string() + "을(를) 옆으로 옮길 수 없습니다: " + util::errno_korean(ec.value()));
  return target;
}

KeyRecord merge_record(const KeyRecord& file, const KeyRecord& ours, const KeyRecord& synced,
                       bool consecutive_reset) {
  KeyRecord out = ours;
  std::set<std::string> ops;
  for (const auto* rec : {&file, &ours, &synced})
    for (const auto& [op, n] : rec->usage) ops.insert(op);
  out.usage.clear();
  for (const auto& op : ops) {
    auto get = [&op](const KeyRecord& r) {
      auto it = r.usage.find(op);
      return it == r.usage.end() ? 0 : it->second;
    };
    int n = add_delta(get(file), get(ours), get(synced));
    if (n > 0) out.usage[op] = n;
  }
  out.total_errors = add_delta(file.total_errors, ours.total_errors, synced.total_errors);
  out.total_calls = add_delta(file.total_calls, ours.total_calls, synced.total_calls);
  out.consecutive_errors =
      consecutive_reset
          ? ours.consecutive_errors
          : add_delta(file.consecutive_errors, ours.consecutive_errors, synced.consecutive_errors);

  // Activation is one decision: its flag, time and reason travel together.
  bool activation_changed = ours.is_active != synced.is_active ||
                            ours.manual != synced.manual ||
                            ours.deactivated_at != synced.deactivated_at ||
                            ours.deactivation_reason != synced.deactivation_reason;
  const KeyRecord& activation = activation_changed ? ours : file;
  out.is_active = activation.is_active;
  out.manual = activation.manual;
  out.deactivated_at = activation.deactivated_at;
  out.deactivation_reason = activation.deactivation_reason;

  bool error_changed =
      ours.last_error_at != synced.last_error_at || ours.last_error != synced.last_error;
  out.last_error_at = error_changed ? ours.last_error_at : file.last_error_at;
  out.last_error = error_changed ? ours.last_error : file.last_error;
  out.error_cooldown_until =
      pick(file.error_cooldown_until, ours.error_cooldown_until, synced.error_cooldown_until);
  out.last_used_at = std::max(file.last_used_at, ours.last_used_at);

  out.rate_limited_until.clear();
  std::set<std::string> limited_ops;
  for (const auto* rec : {&file, &ours, &synced})
    for (const auto& [op, t] : rec->rate_limited_until) limited_ops.insert(op);
  for (const auto& op : limited_ops) {
    auto get = [&op](const KeyRecord& r) -> std::optional<util::TimePoint> {
      auto it = r.rate_limited_until.find(op);
      if (it == r.rate_limited_until.end()) return std::nullopt;
      return it->second;
    };
    if (auto t = pick(get(file), get(ours), get(synced))) out.rate_limited_until[op] = *t;
  }
  return out;
}

}  // namespace kto::keys::detail
