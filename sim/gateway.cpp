#include "gateway.hpp"

#include <algorithm>
#include <chrono>

#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"
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

long long epoch_second() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

util::TimePoint now_ms() {
  return std::chrono::time_point_cast<util::Millis>(std::chrono::system_clock::now());
}

}  // namespace

Gateway::Gateway(Scenario scenario, const Dataset& data, const std::string& request_log)
    : m_data(data),
      m_stats(request_log),
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
  KeySpec spec;
  if (auto it = m_scenario.keys.find(*key); it != m_scenario.keys.end())
    spec = it->second;
  else if (m_scenario.strict_keys)
    return gateway_error(k_unregistered.code, k_unregistered.message);
  switch (spec.status) {
    case KeyStatus::unregistered: return gateway_error(k_unregistered.code, k_unregistered.message);
    case KeyStatus::expired: return gateway_error(k_expired.code, k_expired.message);
    case KeyStatus::disabled: return gateway_error(k_disabled.code, k_disabled.message);
    case KeyStatus::valid: break;
  }
  const int per_second = spec.per_second.value_or(m_scenario.per_second);
  if (per_second > 0) {
    auto& [second, calls] = m_second[*key];
    long long current = epoch_second();
    if (second != current) second = current, calls = 0;
    if (++calls > per_second) return gateway_error(k_per_second.code, k_per_second.message);
  }
  // The counters belong to a KST day and start again at 00:00 KST.
  std::string today = util::kst_date(now_ms());
  if (today != m_quota_day) m_quota_day = today, m_used.clear();
  if (m_used[{*key, std::string(operation)}] >= spec.daily_quota.value_or(m_scenario.daily_quota))
    return gateway_error(k_daily.code, k_daily.message);
  return std::nullopt;
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

namespace {

// Invalid UTF-8 (a lone continuation byte, a byte never valid, a cut two-byte sequence) at the
// start of every title, in JSON and XML alike.
void spoil_titles(std::string& body) {
  for (const std::string_view open : {std::string_view("\"title\":\""), std::string_view("<title>")}) {
    for (std::size_t at = body.find(open); at != std::string::npos; at = body.find(open, at)) {
      at += open.size();
      body.insert(at, "\x80\xff\xc3");
    }
  }
}

// A gateway error whose DOCTYPE defines ten levels of ten-fold entities (a billion "lol"s when
// expanded) and whose reason code is an entity meaning 30: a parser that expands entities either
// blows up or reads an unregistered key. Sent with HTTP 200, as the gateway used to.
std::string entity_bomb_document() {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE OpenAPI_ServiceResponse [\n"
                    "  <!ENTITY code \"30\">\n  <!ENTITY lol0 \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    doc += "  <!ENTITY lol" + std::to_string(level) + " \"";
    for (int i = 0; i < 10; ++i) doc += "&lol" + std::to_string(level - 1) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>&lol9;</errMsg>"
         "<returnAuthMsg>&lol9;</returnAuthMsg><returnReasonCode>&code;</returnReasonCode>"
         "</cmmMsgHeader></OpenAPI_ServiceResponse>";
  return doc;
}

}  // namespace

void Gateway::apply_fault(Reply& reply, double cut_fraction, long long huge_bytes) {
  Answer& a = reply.answer;
  auto cut = static_cast<std::size_t>(static_cast<double>(a.body.size()) * cut_fraction);
  switch (*reply.fault) {
    case FaultKind::http500:
      a = {500, "text/plain;charset=UTF-8", "Unexpected errors", "", 0};
      break;
    case FaultKind::html502:
      a = {502, "text/html", bad_gateway_page(), "", 0};
      break;
    case FaultKind::empty:
      a.body.clear();
      a.items = 0;
      break;
    case FaultKind::truncated:
      a.body.resize(std::max<std::size_t>(cut, 1));
      a.items = 0;
      break;
    case FaultKind::reset:
      reply.cut_at = std::min(cut, a.body.size());
      a.items = 0;
      break;
    case FaultKind::hang:
      break;
    case FaultKind::huge:
      // Trailing whitespace keeps the document valid: under a client's size limit it is a page.
      if (a.body.size() < static_cast<std::size_t>(huge_bytes))
        a.body.append(static_cast<std::size_t>(huge_bytes) - a.body.size(), ' ');
      break;
    case FaultKind::bad_utf8:
      spoil_titles(a.body);
      break;
    case FaultKind::entities:
      a = {200, "text/xml;charset=UTF-8", entity_bomb_document(), "", 0};
      break;
  }
  a.outcome = std::string("fault:") + fault_kind_name(*reply.fault);
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
  reply.answer = d.refusal ? std::move(*d.refusal) : serve(m_data, op_name, params, d.options);
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
  out["dataset"] = m_data.summary();
  return out;
}

Result<void> Gateway::control(const nlohmann::json& patch) {
  std::lock_guard lock(m_mutex);
  auto effects = apply_control_patch(m_scenario, patch);
  if (!effects) return effects.error();
  if (effects->faults_replaced) m_call_seq = 0;
  if (effects->reset_quotas) m_used.clear(), m_second.clear();
  return {};
}

}  // namespace kto::sim
