#pragma once
// The scenario of kto-sim: which data it serves, which keys it knows and which faults it injects.
//
// A scenario is a JSON file given with --scenario; every field is optional and command-line flags
// override it (--seed, --restaurants, --latency-ms). Without a scenario the simulator serves the
// default data set and accepts ANY non-empty key as valid.
//
// {
//   "seed": 42,                                   // the data set and the fault RNG derive from it
//   "dataset": {
//     "restaurants": 13000,                       // total, spread over the 17 provinces by
//                                                 // realistic weights (Seoul ≈ 12 %, Gyeonggi ≈ 20 %)
//     "per_province": {"11": 1595, "26": 900},    // OR exact counts by lDongRegnCd (others get 0)
//     "blank_areacode_ratio": 0.4,                // share with blank areacode/sigungucode/cat1..3
//                                                 // but filled lDong*/lclsSystm* (the trap)
//     "other_types": 300,                         // items of contentTypeIds 12, 14, 15, 28, 32, 38
//     "hidden": 50,                               // only in areaBasedSyncList2, showflag "0",
//                                                 // blank lDong*/lclsSystm* codes
//     "withdrawn": 0,                             // restaurants a simulator without this field
//                                                 // (same seed and data set) shows, now hidden as
//                                                 // above (areacode kept as it was, blank or not)
//                                                 // with a modifiedtime on the modified_recent
//                                                 // day; spread over the provinces in turn.
//                                                 // GET /stats lists their contentids.
//     "modified_recent": {"ratio": 0.01, "date": "20261124"}
//                                                 // this share gets a modifiedtime on that KST day
//                                                 // (default: yesterday in KST); the rest are older
//   },
//   "keys": {"<raw key>": {"status": "valid"|"unregistered"|"expired"|"disabled",
//                          "daily_quota": 1000, "per_second": 0,
//                          "operation_quotas": {"detailCommon2": 500}}},
//                                                 // a "keys" map turns on strict checking: an
//                                                 // unknown key gets 30. "strict_keys": false keeps
//                                                 // accepting unknown keys while the listed ones
//                                                 // follow their entry.
//   "daily_quota": 1000, "per_second": 0,         // defaults for keys without their own
//                                                 // (per_second 0 = unlimited). Every operation
//                                                 // has its own daily count per key; beyond the
//                                                 // limit a call gets 22, beyond per_second calls
//                                                 // in the last 1,000 ms (rolling) it gets 23.
//   "operation_quotas": {"detailIntro2": 300},    // daily limits of single operations; a key's
//                                                 // limit for an operation is, first found: its
//                                                 // operation_quotas, its daily_quota, these,
//                                                 // daily_quota. Counts restart at 00:00 KST.
//   "gateway_errors": {"format": "xml"|"json", "http_status": 403},
//   "max_page_size": 1000,                        // numOfRows above it: HTTP 200, empty body
//   "numbers_as_strings": false,                  // numOfRows/pageNo/totalCount as "10"
//   "modifiedtime_semantics": "on"|"since",       // modifiedtime=YYYYMMDD: that KST day, or since it
//   "faults": {"rate": 0.2,                       // share of authorised calls that fail
//              "kinds": ["http500","html502","hang","empty","truncated","reset"],
//                                                 // (default: these six). Three more are only
//                                                 // used when named: "huge" (the answer padded
//                                                 // with whitespace to huge_bytes), "bad_utf8"
//                                                 // (invalid UTF-8 bytes at the start of every
//                                                 // title), "entities" (HTTP 200, an XML gateway
//                                                 // error whose DOCTYPE defines a billion-laughs
//                                                 // entity chain and whose reason code is an
//                                                 // entity meaning 30)
//              "hang_ms": 30000,
//              "huge_bytes": 83886080,
//              "operations": ["areaBasedList2"],  // default: all operations
//              "schedule": [{"call": 3, "kind": "http500"}]},
//                                                 // the 3rd API request (1-based, counted from
//                                                 // start-up or from the last /control patch that
//                                                 // set "faults") fails so, if its key passes
//   "latency_ms": {"min": 0, "max": 0}            // added to every API answer (uniform random)
// }
//
// POST /control takes a patch with any of: faults (replaces them), latency_ms, keys (merged by key),
// daily_quota, operation_quotas (merged by operation), per_second, gateway_errors, max_page_size, numbers_as_strings,
// modifiedtime_semantics, strict_keys, and "reset_quotas": true (forgets today's usage: the next
// KST day as far as quotas go). The gateway also takes "touch": ["<contentid>", …] (those items
// are edited now: a new modifiedtime, so new details) or {"contentids": […], "modifiedtime":
// "yyyyMMddHHmmss"}.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kto/util/result.hpp"

namespace kto::sim {

struct DatasetSpec {
  int restaurants = 13000;
  std::map<std::string, int> per_province;  // lDongRegnCd → count; empty = use the weights
  double blank_areacode_ratio = 0.4;
  int other_types = 300;
  int hidden = 50;
  int withdrawn = 0;  // see "withdrawn" above
  double modified_recent_ratio = 0.01;
  std::string modified_recent_date;  // "YYYYMMDD"; empty = yesterday in KST
};

enum class KeyStatus { valid, unregistered, expired, disabled };

struct KeySpec {
  KeyStatus status = KeyStatus::valid;
  std::optional<int> daily_quota;  // nullopt = the scenario's default
  std::optional<int> per_second;
  std::map<std::string, int> operation_quotas;  // operation → daily limit of this key
};

enum class FaultKind { http500, html502, hang, empty, truncated, reset, huge, bad_utf8, entities };

struct ScheduledFault {
  long call = 0;  // 1-based
  FaultKind kind = FaultKind::http500;
};

struct FaultSpec {
  double rate = 0.0;
  std::vector<FaultKind> kinds;  // empty = the six wire faults (http500 … reset)
  int hang_ms = 30000;
  long long huge_bytes = 80LL * 1024 * 1024;  // the size of a "huge" answer
  std::vector<std::string> operations;  // empty = all
  std::vector<ScheduledFault> schedule;
};

struct Scenario {
  std::uint64_t seed = 42;
  DatasetSpec dataset;
  std::map<std::string, KeySpec> keys;  // raw key → spec
  bool strict_keys = false;
  int daily_quota = 1000;
  std::map<std::string, int> operation_quotas;  // operation → the default daily limit
  int per_second = 0;
  bool gateway_errors_json = false;
  int gateway_http_status = 403;
  int max_page_size = 1000;
  bool numbers_as_strings = false;
  bool modifiedtime_since = false;
  FaultSpec faults;
  int latency_min_ms = 0;
  int latency_max_ms = 0;
};

// The whole scenario from a JSON document; an error names the offending field.
Result<Scenario> parse_scenario(const nlohmann::json& doc);
// Applies a POST /control patch. Tells whether the patch set "faults" (the schedule restarts then)
// and whether it asked to reset the quotas.
struct ControlEffects {
  bool faults_replaced = false;
  bool reset_quotas = false;
};
Result<ControlEffects> apply_control_patch(Scenario& scenario, const nlohmann::json& patch);

// "MIN" or "MIN-MAX" (milliseconds).
Result<std::pair<int, int>> parse_latency_range(const std::string& text);

const char* fault_kind_name(FaultKind kind);

// The daily limit of one key (spec) for one operation: see "operation_quotas" above.
int daily_limit(const Scenario& scenario, const KeySpec& spec, const std::string& operation);

}  // namespace kto::sim
