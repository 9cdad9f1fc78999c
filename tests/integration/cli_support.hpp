#pragma once
// Shared by the test_cli_*.cpp files: the collector run in its own temporary folder (so data/ and
// logs/ land there), with keys and a base URL in the environment, and a check that no raw key
// ever reaches stdout, stderr or a file.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "integration/process.hpp"

namespace kto::test {

// Long keys whose first 10 characters differ, so a preview never is a whole key and a leak of any
// of them is unmistakable.
inline const std::string k_key_a = "alpha12345SECRETPARTaaaaaaaaaaaaaaaa+aa/aa==";
inline const std::string k_key_b = "bravo67890SECRETPARTbbbbbbbbbbbbbbbb+bb/bb==";
// Nothing listens on port 1: a command that should make no call fails loudly if it tries.
inline const std::string k_dead_url = "http://127.0.0.1:1/B551011/KorService2";

class CliRunner {
 public:
  CliRunner(std::vector<std::string> keys, std::string base_url = k_dead_url)
      : m_keys(std::move(keys)) {
    std::string joined;
    for (const auto& k : m_keys) joined += (joined.empty() ? "" : ",") + k;
    m_env = {{"NO_COLOR", "1"}, {"KTO_API_BASE_URL", std::move(base_url)}};
    if (!joined.empty()) m_env["KTO_API_KEY"] = joined;
  }
  ~CliRunner() { expect_no_raw_keys(); }

  CommandResult run(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), KTO_COLLECTOR_BIN);
    CommandOptions options;
    options.cwd = m_dir.path();
    options.env = m_env;
    options.stdin_text = stdin_text;
    options.timeout = std::chrono::seconds(60);
    auto result = run_command(args, options);
    m_outputs.push_back(result.out + "\n" + result.err);
    return result;
  }

  // Starts `collector ARGS` in this folder with this environment and returns at once.
  std::unique_ptr<Child> start(std::vector<std::string> args) const {
    args.insert(args.begin(), KTO_COLLECTOR_BIN);
    CommandOptions options;
    options.cwd = m_dir.path();
    options.env = m_env;
    return std::make_unique<Child>(args, options);
  }

  // Runs a --json command and parses its stdout (a discarded value when it is not JSON).
  nlohmann::json run_json(std::vector<std::string> args, int expected_exit = 0) {
    args.push_back("--json");
    auto r = run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  const std::filesystem::path& dir() const { return m_dir.path(); }
  std::map<std::string, std::string>& env() { return m_env; }

  std::vector<std::filesystem::path> logs(const std::string& prefix) const {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(m_dir.path() / "logs", ec))
      if (e.path().filename().string().starts_with(prefix)) out.push_back(e.path());
    return out;
  }

  // Every stdout, stderr and file of the folder (logs, state, exports): no raw key anywhere.
  void expect_no_raw_keys() const {
    std::vector<std::pair<std::string, std::string>> texts;
    for (std::size_t i = 0; i < m_outputs.size(); ++i)
      texts.emplace_back("output of run " + std::to_string(i), m_outputs[i]);
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(m_dir.path(), ec)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      texts.emplace_back(e.path().string(), buf.str());
    }
    for (const auto& key : m_keys)
      for (const auto& [where, text] : texts)
        EXPECT_EQ(text.find(key), std::string::npos) << "raw key in " << where;
  }

 private:
  TempDir m_dir;
  std::vector<std::string> m_keys;
  std::map<std::string, std::string> m_env;
  std::vector<std::string> m_outputs;
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace kto::test
