#pragma once
// Call counters for GET /stats and the JSON-lines request log. Keys appear only as fingerprints.
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "service.hpp"

namespace kto::sim {

struct CallRecord {
  std::string operation;
  std::optional<std::string> key_fingerprint;  // of the decoded key; nullopt without a key
  const Params* params = nullptr;              // serviceKey is left out of the log
  std::string outcome;                         // "ok", "no_data", "error:30", "fault:reset", …
  int status = 0;                              // HTTP status; 0 when the connection was reset
  long items = 0;
};

class Stats {
 public:
  // An empty path keeps no log. The file is appended to and flushed after every line.
  explicit Stats(const std::string& log_path);
  ~Stats();
  Stats(const Stats&) = delete;
  Stats& operator=(const Stats&) = delete;

  bool log_ok() const { return m_log_path.empty() || m_log != nullptr; }
  void record(const CallRecord& call);
  // {"calls", "by_operation", "by_outcome",
  //  "by_key": {fp: {op: {calls, ok, errors, refused_daily, refused_per_second}}},
  //  "refusals_by_key": {fp: {"22": n, "23": n}},
  //  "detail_items": {op: {"distinct": n, "repeated": n}}}
  // detail_items counts the contentIds the detail operations answered (ok or no data), so "each
  // item once" is distinct = the items and repeated = 0; detailImage2 is split into
  // "detailImage2/Y" and "detailImage2/N" (item and menu photos are separate calls).
  nlohmann::json to_json() const;
  void reset();

 private:
  struct Counts {
    long calls = 0, ok = 0, errors = 0, refused_daily = 0, refused_per_second = 0;
  };
  void count_detail_item(const CallRecord& call);
  void write_log(const CallRecord& call);

  mutable std::mutex m_mutex;
  long m_calls = 0;
  std::map<std::string, long> m_by_operation;
  std::map<std::string, std::map<std::string, Counts>> m_by_key;
  std::map<std::string, long> m_by_outcome;
  std::map<std::string, std::set<std::string>> m_detail_seen;  // op → contentIds answered
  std::map<std::string, long> m_detail_repeated;
  std::string m_log_path;
  std::FILE* m_log = nullptr;
};

}  // namespace kto::sim
