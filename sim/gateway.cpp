#include "gateway.hpp"

#include <algorithm>
#include <chrono>

#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"
#include "faults.hpp"
#include "render.hpp"

namespace kto::sim {
namespace {

constexpr std::string_view k_prefix = "/B551011/";

struct GatewayCode {
  std::string_view code, message;
};
// The gateway's refusals, by cause (docs/service.md's code table).
constexpr GatewayCode k_no_service{"12", "NO_OPENAPI_SERVICE_ERROR"};
constexpr GatewayCode k_disabled{"21", "TEMPORARILY_DISABLE_THE_SERVICEKEY_ERROR"};
constexpr GatewayCode k_daily{"22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR"};
constexpr GatewayCode k_per_second{"23", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_PER_SECOND_EXCEEDS_ERROR"};
constexpr GatewayCode k_unregistered{"30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"};
constexpr GatewayCode k_expired{"31", "DEADLINE_HAS_EXPIRED_ERROR"};

// "/B551011/KorService2/areaBasedList2" → ("KorService2", "areaBasedList2").
std::pair<std::string_view, std::string_view> split_path(std::string_view path) {
  if (path.substr(0, k_prefix.size()) != k_prefix) return {};
  path.remove_prefix(k_prefix.size());
  auto slash = path.find('/');
  if (slash == std::string_view::npos) return {path, {}};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

long long steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

util::TimePoint now_ms() {
  return std::chrono::time_point_cast<util::Millis>(std::chrono::system_clock::now());
}

}  // namespace

Gateway::Gateway(Scenario scenario, std::shared_ptr<const Dataset> data, const std::string& request_log)
    : m_stats(request_log),
      m_data(std::move(data)),
      m_scenario(std::move(scenario)),
      m_rng(m_scenario.seed ^ 0x9e3779b97f4a7c15ULL) {}

Answer Gateway::gateway_error(std::string_view code, std::string_view message) const {
  bool json = m_scenario.gateway_errors_json;
  return {m_scenario.gateway_http_status,
          json ? "application/json;charset=UTF-8" : "text/xml;charset=UTF-8",
          gateway_error_document(json, code, message), "error:" + std::string(code), 0};
}

// Key status, then the per-second window, then the day's use of this operation. Called locked.
std::optional<Answer> Gateway::check_key(std::string_view operation, const std::string* key) {
  if (!key || key->empty()) return gateway_error(k_unregistered.code, k_unregistered.message);
  if (m_scenario.strict_keys && !m_scenario.keys.count(*key))
    return gateway_error(k_unregistered.code, k_unregistered.message);
  const KeySpec spec = spec_of(*key);
  switch (spec.status) {
    case KeyStatus::unregistered: return gateway_error(k_unregistered.code, k_unregistered.message);
    case KeyStatus::expired: return gateway_error(k_expired.code, k_expired.message);
    case KeyStatus::disabled: return gateway_error(k_disabled.code, k_disabled.message);
    case KeyStatus::valid: break;
  }
  if (over_per_second(*key, spec.per_second.value_or(m_scenario.per_second)))
    return gateway_error(k_per_second.code, k_per_second.message);
  roll_quota_day();
  const std::pair<std::string, std::string> counter{*key, std::string(operation)};
  if (m_used[counter] >= daily_limit(m_scenario, spec, counter.second))
    return gateway_error(k_daily.code, k_daily.message);
  return std::nullopt;
}

KeySpec Gateway::spec_of(const std::string& key) const {
  auto it = m_scenario.keys.find(key);
  return it == m_scenario.keys.end() ? KeySpec{} : it->second;
}

// A rolling window: more than per_second accepted calls of one key within the last 1,000 ms is
// refused (and the refused call is not counted, so a client that slows down gets through again).
// Called locked.
bool Gateway::over_per_second(const std::string& key, int per_second) {
  if (per_second <= 0) return false;
  auto& calls = m_second[key];
  const long long now = steady_ms();
  while (!calls.empty() && now - calls.front() >= 1000) calls.pop_front();
  if (static_cast<int>(calls.size()) >= per_second) return true;
  calls.push_back(now);
  return false;
}

// The counters belong to a KST day and start again at 00:00 KST. Called locked.
void Gateway::roll_quota_day() {
  std::string today = util::kst_date(now_ms());
  if (today != m_quota_day) m_quota_day = today, m_used.clear();
}

std::optional<FaultKind> Gateway::pick_fault(std::string_view operation) {
  const FaultSpec& f = m_scenario.faults;
  for (const auto& s : f.schedule)
    if (s.call == m_call_seq) return s.kind;
  if (f.rate <= 0.0) return std::nullopt;
  if (!f.operations.empty() &&
      std::find(f.operations.begin(), f.operations.end(), operation) == f.operations.end())
    return std::nullopt;
  if (std::uniform_real_distribution<double>(0.0, 1.0)(m_rng) >= f.rate) return std::nullopt;
  static const std::vector<FaultKind> k_all = {FaultKind::http500, FaultKind::html502,
                                               FaultKind::hang,    FaultKind::empty,
                                               FaultKind::truncated, FaultKind::reset};
  const auto& kinds = f.kinds.empty() ? k_all : f.kinds;
  return kinds[std::uniform_int_distribution<std::size_t>(0, kinds.size() - 1)(m_rng)];
}

Gateway::Decision Gateway::decide(std::string_view operation, const std::optional<std::string>& key) {
  std::lock_guard lock(m_mutex);
  Decision d;
  d.data = m_data;
  ++m_call_seq;
  const Scenario& s = m_scenario;
  d.options = {s.max_page_size, s.numbers_as_strings, s.modifiedtime_since};
  d.latency_ms = s.latency_max_ms > s.latency_min_ms
                     ? std::uniform_int_distribution<int>(s.latency_min_ms, s.latency_max_ms)(m_rng)
                     : s.latency_min_ms;
  d.hang_ms = s.faults.hang_ms;
  d.huge_bytes = s.faults.huge_bytes;
  if (!is_known_operation(operation)) {
    d.refusal = gateway_error(k_no_service.code, k_no_service.message);
    return d;
  }
  d.refusal = check_key(operation, key ? &*key : nullptr);
  if (d.refusal) return d;
  d.fault = pick_fault(operation);
  d.cut_fraction = std::uniform_real_distribution<double>(0.1, 0.9)(m_rng);
  // A faulted call never reached the service: it does not use the quota.
  if (!d.fault) ++m_used[{*key, std::string(operation)}];
  return d;
}

Reply Gateway::handle(std::string_view path, std::string_view raw_query) {
  auto [service, operation] = split_path(path);
  // A retired or unknown service is as unknown as an unknown operation.
  std::string op_name = service == "KorService2" ? std::string(operation)
                                                 : std::string(service) + "/" + std::string(operation);
  Params params = parse_query(raw_query);
  std::optional<std::string> key;
  if (const std::string* k = params.find("serviceKey")) key = *k;
  Decision d = decide(op_name, key);
  Reply reply;
  reply.latency_ms = d.latency_ms;
  reply.answer = d.refusal ? std::move(*d.refusal) : serve(*d.data, op_name, params, d.options);
  if (d.fault) {
    reply.fault = d.fault;
    reply.hang_ms = d.hang_ms;
    apply_fault(reply, d.cut_fraction, d.huge_bytes);
  }
  CallRecord record{op_name,
                    key ? std::optional<std::string>(util::key_fingerprint(*key)) : std::nullopt,
                    &params,
                    reply.answer.outcome,
                    reply.fault == FaultKind::reset ? 0 : reply.answer.status,
                    reply.answer.items};
  m_stats.record(record);
  return reply;
}

nlohmann::json Gateway::stats() const {
  nlohmann::json out = m_stats.to_json();
  std::shared_ptr<const Dataset> data;
  {
    std::lock_guard lock(m_mutex);
    data = m_data;
  }
  out["dataset"] = data->summary();
  out["quota"] = quota_json();
  return out;
}

// Today's use of every key and operation against its limit, by key fingerprint: what a benchmark
// needs to show "≥ 98 % of the limit used, none exceeded".
nlohmann::json Gateway::quota_json() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json by_key = nlohmann::json::object();
  const std::string today = util::kst_date(now_ms());
  if (today != m_quota_day) return {{"day", today}, {"by_key", by_key}};  // nothing used yet today
  for (const auto& [counter, used] : m_used)
    by_key[util::key_fingerprint(counter.first)][counter.second] = {
        {"used", used}, {"limit", daily_limit(m_scenario, spec_of(counter.first), counter.second)}};
  return {{"day", m_quota_day}, {"by_key", by_key}};
}

// "touch": ["<contentid>", …] gives those items a modifiedtime of now (KST); {"contentids": […],
// "modifiedtime": "yyyyMMddHHmmss"} a given one. Hidden items may be touched too. Called locked.
Result<std::shared_ptr<const Dataset>> Gateway::touched(const nlohmann::json& touch) const {
  const nlohmann::json& ids = touch.is_object() ? touch.value("contentids", nlohmann::json()) : touch;
  if (!ids.is_array()) return make_error("control: touch는 contentid 목록이나 {\"contentids\": […]}여야 합니다");
  std::string stamp = util::kst_compact_date(now_ms()) + util::format_hms_kst(now_ms());
  stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
  if (touch.is_object() && touch.contains("modifiedtime")) {
    const auto& t = touch.at("modifiedtime");
    if (!t.is_string() || t.get<std::string>().size() != 14)
      return make_error("control: touch.modifiedtime은 yyyyMMddHHmmss 문자열이어야 합니다");
    stamp = t.get<std::string>();
  }
  std::vector<std::uint32_t> indices;
  for (const auto& id : ids) {
    long index = id.is_string() ? m_data->index_of(id.get<std::string>()) : -1;
    if (index < 0) return make_error("control: touch: 없는 contentid " + id.dump());
    indices.push_back(static_cast<std::uint32_t>(index));
  }
  auto copy = std::make_shared<Dataset>(*m_data);
  copy->touch(indices, stamp);
  return std::shared_ptr<const Dataset>(std::move(copy));
}

Result<void> Gateway::control(const nlohmann::json& patch) {
  std::lock_guard lock(m_mutex);
  std::shared_ptr<const Dataset> edited;
  if (patch.is_object() && patch.contains("touch")) {
    auto t = touched(patch.at("touch"));
    if (!t) return t.error();
    edited = std::move(*t);
  }
  auto effects = apply_control_patch(m_scenario, patch);
  if (!effects) return effects.error();
  if (edited) m_data = std::move(edited);
  if (effects->faults_replaced) m_call_seq = 0;
  if (effects->reset_quotas) m_used.clear(), m_second.clear();
  return {};
}

}  // namespace kto::sim
