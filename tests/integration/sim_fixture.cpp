#include "integration/sim_fixture.hpp"

#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "kto/util/url.hpp"

namespace kto::test {
namespace fs = std::filesystem;

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string write_scenario(const fs::path& dir, const nlohmann::json& scenario) {
  static std::atomic<int> counter{0};
  auto path = dir / ("kto-sim-scenario-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++) + ".json");
  std::ofstream(path) << scenario.dump(2);
  return path.string();
}

}  // namespace

nlohmann::ordered_json HttpGet::json() const {
  return nlohmann::ordered_json::parse(body, nullptr, false);
}

HttpGet http_request(const std::string& url, std::chrono::milliseconds timeout,
                     const std::string* post_body) {
  HttpGet out;
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (post_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  auto start = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(curl);
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  out.curl_code = static_cast<int>(rc);
  out.curl_error = rc == CURLE_OK ? "" : (error[0] ? error : curl_easy_strerror(rc));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  char* type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) out.content_type = type;
  curl_easy_cleanup(curl);
  return out;
}

SimServer::SimServer(const nlohmann::json& scenario, const fs::path& workdir,
                     const std::vector<std::string>& extra_args) {
  fs::path dir = workdir;
  if (dir.empty()) {
    m_own_dir = std::make_unique<TempDir>();
    dir = m_own_dir->path();
  }
  std::string scenario_file = write_scenario(dir, scenario);
  m_log = fs::path(scenario_file).replace_extension(".requests.jsonl");
  std::vector<std::string> argv = {KTO_SIM_BIN, "--port", "0", "--quiet", "--scenario",
                                   scenario_file, "--request-log", m_log.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  m_child = std::make_unique<Child>(argv, CommandOptions{});
  // Generous: a loaded CI machine builds the default 13,000 restaurants slowly.
  std::string line = m_child->read_stdout_line(std::chrono::seconds(30));
  const std::string prefix = "listening 127.0.0.1:";
  if (line.rfind(prefix, 0) != 0)
    throw std::runtime_error("kto-sim did not start: '" + line + "' " + m_child->drain_stderr());
  m_port = std::stoi(line.substr(prefix.size()));
}

SimServer::~SimServer() {
  m_child->signal(SIGTERM);
  for (int i = 0; i < 100 && m_child->running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // A server still running here is killed by Child's destructor.
}

std::string SimServer::root_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
std::string SimServer::base_url() const { return root_url() + "/B551011/KorService2"; }

HttpGet SimServer::get(const std::string& path_and_query, std::chrono::milliseconds timeout) const {
  return http_request(root_url() + path_and_query, timeout);
}

HttpGet SimServer::post(const std::string& path, const std::string& body) const {
  return http_request(root_url() + path, std::chrono::seconds(10), &body);
}

HttpGet SimServer::call(const std::string& operation, const std::string& key,
                        const std::string& extra_query, std::chrono::milliseconds timeout) const {
  std::string url = base_url() + "/" + operation + "?serviceKey=" + util::url_encode(key) +
                    "&MobileOS=ETC&MobileApp=kto-test&_type=json";
  if (!extra_query.empty()) url += "&" + extra_query;
  return http_request(url, timeout);
}

nlohmann::json SimServer::stats() const {
  auto r = get("/stats");
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || doc.is_discarded()) throw std::runtime_error("GET /stats failed: " + r.body);
  return doc;
}

void SimServer::reset_stats() const {
  if (post("/reset-stats", "").status != 200) throw std::runtime_error("POST /reset-stats failed");
}

void SimServer::control(const nlohmann::json& patch) const {
  auto r = post("/control", patch.dump());
  if (r.status != 200) throw std::runtime_error("POST /control refused: " + r.body);
}

std::vector<nlohmann::json> SimServer::request_log() const {
  std::vector<nlohmann::json> lines;
  std::ifstream in(m_log);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace kto::test
