#pragma once
// The data.go.kr gateway in front of the service: it knows the operations, checks the key, counts
// per-second and daily use, injects the scenario's faults, and records every call.
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "dataset.hpp"
#include "scenario.hpp"
#include "service.hpp"
#include "stats.hpp"

namespace kto::sim {

// What the HTTP layer must do with an answer.
struct Reply {
  Answer answer;
  std::optional<FaultKind> fault;  // hang: wait hang_ms first; reset: send part, then drop
  int hang_ms = 0;
  int latency_ms = 0;
  std::size_t cut_at = 0;          // reset: bytes of the body sent before the connection drops
};

class Gateway {
 public:
  Gateway(Scenario scenario, std::shared_ptr<const Dataset> data, const std::string& request_log);

  bool log_ok() const { return m_stats.log_ok(); }
  // One API request: the decoded path ("/B551011/KorService2/areaBasedList2") and the raw query.
  Reply handle(std::string_view path, std::string_view raw_query);
  // GET /stats: the counters and the data set's summary.
  nlohmann::json stats() const;
  void reset_stats() { m_stats.reset(); }
  // POST /control; an error message for a bad patch. Beside the scenario's fields (scenario.hpp) a
  // patch may hold "touch": edits of the data set, see touched().
  Result<void> control(const nlohmann::json& patch);

 private:
  struct Decision {
    std::shared_ptr<const Dataset> data;  // the data set as it was when the call came
    std::optional<Answer> refusal;  // a gateway error instead of the service's answer
    std::optional<FaultKind> fault;
    ServiceOptions options;
    int hang_ms = 0;
    int latency_ms = 0;
    double cut_fraction = 0.5;
    long long huge_bytes = 0;
  };
  Decision decide(std::string_view operation, const std::optional<std::string>& key);
  std::optional<Answer> check_key(std::string_view operation, const std::string* key);
  KeySpec spec_of(const std::string& key) const;
  bool over_per_second(const std::string& key, int per_second);
  void roll_quota_day();
  nlohmann::json quota_json() const;
  Result<std::shared_ptr<const Dataset>> touched(const nlohmann::json& touch) const;
  std::optional<FaultKind> pick_fault(std::string_view operation);
  Answer gateway_error(std::string_view code, std::string_view message) const;

  Stats m_stats;
  mutable std::mutex m_mutex;  // guards everything below
  // Replaced, never changed in place, by a "touch": calls in flight keep the one they started with.
  std::shared_ptr<const Dataset> m_data;
  Scenario m_scenario;
  std::mt19937_64 m_rng;
  long m_call_seq = 0;  // API requests since start-up or since faults were last replaced
  std::string m_quota_day;
  std::map<std::pair<std::string, std::string>, int> m_used;  // (raw key, operation) → calls today
  std::map<std::string, std::deque<long long>> m_second;  // raw key → steady ms of its recent calls
};

}  // namespace kto::sim
