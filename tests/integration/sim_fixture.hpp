#pragma once
// SimServer: runs the real kto-sim binary on 127.0.0.1 for one test (or one test suite) and talks
// to it over HTTP with libcurl.
//
//   kto::test::SimServer sim({{"keys", {{"k1", {{"daily_quota", 3}}}}}});
//   auto page = sim.call("areaBasedList2", "k1", "numOfRows=10&contentTypeId=39");
//   EXPECT_EQ(page.status, 200);
//   EXPECT_EQ(page.json()["response"]["body"]["totalCount"], ...);
//   EXPECT_EQ(sim.stats()["calls"], 1);
//
// The scenario is the JSON of sim/scenario.hpp ({} = the default data set, any key valid). Pass
// the collector base_url() as its API base. The server is stopped (SIGTERM) at destruction.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "integration/process.hpp"

namespace kto::test {

struct HttpGet {
  long status = 0;            // 0 when no HTTP answer came
  std::string body;
  std::string content_type;
  int curl_code = 0;          // CURLcode: 0 = the transfer completed
  std::string curl_error;     // curl's message, e.g. "transfer closed with 587 bytes remaining"
  std::chrono::milliseconds elapsed{0};

  bool completed() const { return curl_code == 0; }
  // The body parsed as JSON; a discarded value (is_discarded()) when it is not JSON.
  nlohmann::ordered_json json() const;
};

// One GET or POST with libcurl, no proxy.
HttpGet http_request(const std::string& url, std::chrono::milliseconds timeout,
                     const std::string* post_body = nullptr);

class SimServer {
 public:
  // workdir holds the scenario file and the request log; empty = a private temporary folder.
  // extra_args go to kto-sim after the fixture's own (e.g. {"--latency-ms", "200"}).
  explicit SimServer(const nlohmann::json& scenario = nlohmann::json::object(),
                     const std::filesystem::path& workdir = {},
                     const std::vector<std::string>& extra_args = {});
  ~SimServer();
  // Not copyable. The deleted copy takes a non-const reference on purpose: a const one would make
  // SimServer sim({{"dataset", {...}}}) ambiguous (GCC also tries the braced list as a SimServer).
  SimServer(SimServer&) = delete;
  SimServer& operator=(SimServer&) = delete;

  int port() const { return m_port; }
  std::string root_url() const;  // http://127.0.0.1:PORT
  std::string base_url() const;  // http://127.0.0.1:PORT/B551011/KorService2

  // GET root_url() + path_and_query, e.g. "/B551011/KorService2/areaCode2?…" or "/stats".
  HttpGet get(const std::string& path_and_query,
              std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  HttpGet post(const std::string& path, const std::string& body) const;
  // GET base_url()/operation with serviceKey (URL-encoded once, as a client must), MobileOS=ETC,
  // MobileApp=kto-test, _type=json, then extra_query as given (already encoded).
  HttpGet call(const std::string& operation, const std::string& key,
               const std::string& extra_query = "",
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  nlohmann::json stats() const;                   // GET /stats
  void reset_stats() const;                       // POST /reset-stats
  void control(const nlohmann::json& patch) const;  // POST /control; throws when refused
  std::vector<nlohmann::json> request_log() const;  // the JSON lines logged so far
  const std::filesystem::path& request_log_path() const { return m_log; }

 private:
  std::unique_ptr<TempDir> m_own_dir;
  std::filesystem::path m_log;
  std::unique_ptr<Child> m_child;
  int m_port = 0;
};

// The query of a detail operation for a restaurant: the parameters each operation needs.
inline std::string query_of(const std::string& op, const std::string& id) {
  std::string q = "contentId=" + id;
  if (op == "detailIntro2" || op == "detailInfo2") q += "&contentTypeId=39";
  return q;
}

}  // namespace kto::test
