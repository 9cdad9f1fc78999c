#pragma once
// Shared by the test_reliability_*.cpp files: the real collector against the real kto-sim under
// faults, signals, concurrent runs and bad input. Builds on collect_support.hpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/collect_support.hpp"

namespace kto::test::reliability {

using namespace kto::test::e2e;

// The lines of a text that hold anything but spaces.
inline std::vector<std::string> nonempty_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of(" \t\r") != std::string::npos) out.push_back(line);
  return out;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Every regular file under dir with its bytes, to prove a failed command changed nothing.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file())
      out[std::filesystem::relative(e.path(), dir).string()] = read_bytes(e.path());
  return out;
}

inline std::filesystem::path state_path(const CliRunner& cli) {
  return cli.dir() / "data" / "cache" / "api_key_cache.json";
}

inline nlohmann::json read_state(const CliRunner& cli) {
  return nlohmann::json::parse(read_bytes(state_path(cli)), nullptr, false);
}

// The collector started in the runner's folder, with its environment (plus extra variables).
inline std::unique_ptr<Child> start_collector(CliRunner& cli, std::vector<std::string> args,
                                              const std::map<std::string, std::string>& extra = {}) {
  CommandOptions options;
  options.cwd = cli.dir();
  options.env = cli.env();
  for (const auto& [k, v] : extra) options.env[k] = v;
  args.insert(args.begin(), KTO_COLLECTOR_BIN);
  return std::make_unique<Child>(args, options);
}

// The runs of collection_runs as (status, finished_at) by id.
struct RunRow {
  std::string status, started_at, finished_at;
  long long api_calls = 0, records = 0;
};

inline std::map<long long, RunRow> read_runs(const CliRunner& cli) {
  std::map<long long, RunRow> out;
  ReadDb db(db_path(cli));
  for (auto& r : db.query("SELECT id, status, started_at, COALESCE(finished_at, ''), api_calls, "
                          "records FROM collection_runs"))
    out[std::stoll(r[0])] = {r[1], r[2], r[3], std::stoll(r[4]), std::stoll(r[5])};
  return out;
}

// The contentids the simulator lists for one lDongRegnCd (asked with an unlimited oracle key).
inline std::set<std::string> sim_contentids(const SimServer& sim, const std::string& ldong) {
  std::set<std::string> out;
  for (int page = 1;; ++page) {
    auto r = sim.call(k_list_op, "oracle", "numOfRows=1000&contentTypeId=39&arrange=A&pageNo=" +
                                               std::to_string(page) + "&lDongRegnCd=" + ldong);
    auto items = r.json()["response"]["body"]["items"];
    if (!items.is_object()) break;
    auto list = items["item"];
    if (list.is_object()) list = nlohmann::json::array({list});
    for (const auto& item : list) out.insert(item["contentid"].get<std::string>());
    if (list.size() < 1000) break;
  }
  return out;
}

}  // namespace kto::test::reliability
