#include "stats.hpp"

#include "render.hpp"

namespace kto::sim {

Stats::Stats(const std::string& log_path) : m_log_path(log_path) {
  if (!log_path.empty()) m_log = std::fopen(log_path.c_str(), "a");
}

Stats::~Stats() {
  if (m_log) std::fclose(m_log);
}

void Stats::record(const CallRecord& call) {
  std::lock_guard lock(m_mutex);
  ++m_calls;
  ++m_by_operation[call.operation];
  ++m_by_outcome[call.outcome];
  if (call.key_fingerprint) {
    Counts& c = m_by_key[*call.key_fingerprint][call.operation];
    ++c.calls;
    // An answer of the service, with or without rows, is a success; the rest are errors.
    if (call.outcome == "ok" || call.outcome == "no_data")
      ++c.ok;
    else
      ++c.errors;
    if (call.outcome == "error:22") ++c.refused_daily;
    if (call.outcome == "error:23") ++c.refused_per_second;
  }
  count_detail_item(call);
  write_log(call);
}

void Stats::count_detail_item(const CallRecord& call) {
  if (call.operation.rfind("detail", 0) != 0 || !call.params) return;
  if (call.outcome != "ok" && call.outcome != "no_data") return;
  const std::string* id = call.params->find("contentId");
  if (!id) return;
  std::string op = call.operation;
  if (op == "detailImage2") op += call.params->get("imageYN") == "N" ? "/N" : "/Y";
  if (!m_detail_seen[op].insert(*id).second) ++m_detail_repeated[op];
}

void Stats::write_log(const CallRecord& call) {
  if (!m_log) return;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  if (call.params)
    for (const auto& [name, value] : call.params->list)
      if (name != "serviceKey" && !params.contains(name)) params[name] = value;
  nlohmann::ordered_json line;
  line["ts"] = response_time_now();
  line["operation"] = call.operation;
  line["key_fingerprint"] = call.key_fingerprint ? nlohmann::ordered_json(*call.key_fingerprint)
                                                 : nlohmann::ordered_json(nullptr);
  line["params"] = std::move(params);
  line["outcome"] = call.outcome;
  line["status"] = call.status;
  line["items"] = call.items;
  // Real data may hold broken UTF-8 in a parameter; replace it rather than fail the request.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fputs(text.c_str(), m_log);
  std::fflush(m_log);
}

nlohmann::json Stats::to_json() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json by_key = nlohmann::json::object(), refusals = nlohmann::json::object();
  for (const auto& [fp, ops] : m_by_key) {
    long daily = 0, per_second = 0;
    for (const auto& [op, c] : ops) {
      by_key[fp][op] = {{"calls", c.calls}, {"ok", c.ok}, {"errors", c.errors},
                        {"refused_daily", c.refused_daily}, {"refused_per_second", c.refused_per_second}};
      daily += c.refused_daily;
      per_second += c.refused_per_second;
    }
    refusals[fp] = {{"22", daily}, {"23", per_second}};
  }
  nlohmann::json details = nlohmann::json::object();
  for (const auto& [op, seen] : m_detail_seen) {
    auto repeated = m_detail_repeated.find(op);
    details[op] = {{"distinct", seen.size()},
                   {"repeated", repeated == m_detail_repeated.end() ? 0 : repeated->second}};
  }
  return {{"calls", m_calls},
          {"by_operation", m_by_operation.empty() ? nlohmann::json::object() : nlohmann::json(m_by_operation)},
          {"by_key", by_key},
          {"refusals_by_key", refusals},
          {"detail_items", details},
          {"by_outcome", m_by_outcome.empty() ? nlohmann::json::object() : nlohmann::json(m_by_outcome)}};
}

void Stats::reset() {
  std::lock_guard lock(m_mutex);
  m_calls = 0;
  m_by_operation.clear();
  m_by_key.clear();
  m_by_outcome.clear();
  m_detail_seen.clear();
  m_detail_repeated.clear();
}

}  // namespace kto::sim
