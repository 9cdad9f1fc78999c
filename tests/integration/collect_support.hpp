#pragma once
// Shared by the test_collect_*.cpp files: the real collector against the real kto-sim, and the
// means to compare what it stored and what it called with what the simulator holds and logged.
//
// Expected figures are computed from the simulator's own data set (GET /stats "dataset"), never
// hard-coded: a province of n restaurants costs max(1, ceil(n / page size)) calls (an empty
// province still answers page 1 with items ""), and the collector makes no planning call.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "integration/cli_support.hpp"
#include "integration/sim_fixture.hpp"
#include "kto/api/regions.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"

namespace kto::test::e2e {

// The list operation the collector pages through.
inline const std::string k_list_op = "areaBasedList2";

// Keys of the end-to-end scenarios: long, with distinct 10-character previews.
inline const std::string k_good_key = "goodkey001SECRETgggggggggggggggggggggg+gg/gg==";
inline const std::string k_good_key2 = "goodkey002SECREThhhhhhhhhhhhhhhhhhhhhh+hh/hh==";
inline const std::string k_unregistered_key = "unregist30SECRETuuuuuuuuuuuuuuuuuuuuuuuuuu";
inline const std::string k_expired_key = "expiredk31SECRETeeeeeeeeeeeeeeeeeeeeeeeeee";

// A small data set: exact restaurants per lDongRegnCd, a few other types and hidden items (which
// must never be collected by the listing), 40 % with a blank areacode.
inline nlohmann::json dataset(const std::map<std::string, int>& per_province) {
  nlohmann::json p = nlohmann::json::object();
  for (const auto& [code, n] : per_province) p[code] = n;
  return {{"per_province", p}, {"blank_areacode_ratio", 0.4}, {"other_types", 30}, {"hidden", 5}};
}

inline long long pages_for(long long rows, long long page_size) {
  return rows == 0 ? 1 : (rows + page_size - 1) / page_size;
}

inline std::string ldong_of(int area_code) {
  const api::Region* r = api::find_region(area_code);
  return r ? std::string(r->ldong) : std::string();
}

inline long long sim_count(const nlohmann::json& stats, const std::string& ldong) {
  return stats["dataset"]["restaurants_by_ldong"].value(ldong, 0L);
}

// Sum of the pages of the provinces (by area code) at page_size.
inline long long expected_calls(const nlohmann::json& stats, const std::vector<int>& areas,
                                long long page_size) {
  long long calls = 0;
  for (int area : areas) calls += pages_for(sim_count(stats, ldong_of(area)), page_size);
  return calls;
}

// ---- the request log -------------------------------------------------------------------------

// A page of a listing: (lDongRegnCd or "" for national, pageNo, numOfRows).
using PageId = std::tuple<std::string, int, int>;

inline PageId page_of(const nlohmann::json& line) {
  const auto& p = line["params"];
  return {p.value("lDongRegnCd", std::string()), std::stoi(p.value("pageNo", std::string("1"))),
          std::stoi(p.value("numOfRows", std::string("10")))};
}

inline bool is_ok(const nlohmann::json& line) {
  return line["outcome"] == "ok" || line["outcome"] == "no_data";
}

inline std::vector<nlohmann::json> list_calls(const std::vector<nlohmann::json>& log,
                                              std::size_t from = 0) {
  std::vector<nlohmann::json> out;
  for (std::size_t i = from; i < log.size(); ++i)
    if (log[i]["operation"] == k_list_op) out.push_back(log[i]);
  return out;
}

inline long long calls_with_key(const std::vector<nlohmann::json>& calls, const std::string& key) {
  const std::string fp = util::key_fingerprint(key);
  long long n = 0;
  for (const auto& c : calls) n += c["key_fingerprint"] == fp ? 1 : 0;
  return n;
}

// Every page answered successfully at most once (whatever the key).
inline void expect_no_duplicate_success(const std::vector<nlohmann::json>& calls) {
  std::map<PageId, int> seen;
  for (const auto& c : calls)
    if (is_ok(c)) ++seen[page_of(c)];
  for (const auto& [page, n] : seen)
    EXPECT_EQ(n, 1) << "page " << std::get<1>(page) << " of lDongRegnCd '" << std::get<0>(page)
                    << "' (numOfRows " << std::get<2>(page) << ") fetched " << n << " times";
}

// ---- the database ----------------------------------------------------------------------------

struct Row {
  std::string contentid, areacode, ldong, first_seen_at, last_seen_at;
  int area_code = 0;
};

class ReadDb {
 public:
  explicit ReadDb(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(m_db);
      sqlite3_close(m_db);
      m_db = nullptr;
      return;
    }
    sqlite3_busy_timeout(m_db, 5000);
  }
  ~ReadDb() { sqlite3_close(m_db); }
  ReadDb(const ReadDb&) = delete;
  ReadDb& operator=(const ReadDb&) = delete;

  // Each row of the query as text columns; empty on any error (a missing table early in a run).
  std::vector<std::vector<std::string>> query(const std::string& sql) const {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* st = nullptr;
    if (!m_db || sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        auto* text = sqlite3_column_text(st, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* m_db = nullptr;
};

inline std::filesystem::path db_path(const CliRunner& cli) {
  return cli.dir() / "data" / "restaurants.db";
}

// Pages checkpointed so far in cli's database (0 before the file exists): how tests see a run's
// progress from outside, to stop it mid-way.
inline long long count_checkpoints(const CliRunner& cli) {
  if (!std::filesystem::exists(db_path(cli))) return 0;
  ReadDb db(db_path(cli));
  auto r = db.query("SELECT COUNT(*) FROM run_pages");
  return r.empty() ? 0 : std::stoll(r[0][0]);
}

inline std::map<std::string, Row> read_rows(const CliRunner& cli) {
  std::map<std::string, Row> rows;
  ReadDb db(db_path(cli));
  for (auto& r : db.query("SELECT contentid, areacode, ldong_regn_cd, area_code, first_seen_at, "
                          "last_seen_at FROM restaurants"))
    rows[r[0]] = {r[0], r[1], r[2], r[4], r[5], std::stoi(r[3])};
  return rows;
}

// The checkpointed pages of a run, as the request log names them.
inline std::set<PageId> checkpointed_pages(const CliRunner& cli, long long run_id) {
  std::set<PageId> out;
  ReadDb db(db_path(cli));
  for (auto& r : db.query("SELECT scope, page_no, page_size FROM run_pages WHERE run_id = " +
                          std::to_string(run_id))) {
    std::string ldong;
    if (r[0].rfind("area:", 0) == 0) ldong = ldong_of(std::stoi(r[0].substr(5)));
    out.insert({ldong, std::stoi(r[1]), std::stoi(r[2])});
  }
  return out;
}

// Rows per lDongRegnCd, and checks that every row's area_code is its province's, blank areacode
// or not.
inline std::map<std::string, long long> rows_by_ldong(const std::map<std::string, Row>& rows) {
  std::map<std::string, long long> out;
  for (const auto& [id, row] : rows) {
    ++out[row.ldong];
    const api::Region* r = api::find_region_by_ldong(row.ldong);
    EXPECT_TRUE(r != nullptr) << id << " has lDongRegnCd '" << row.ldong << "'";
    if (r) {
      EXPECT_EQ(row.area_code, r->area_code) << id << " (areacode '" << row.areacode << "')";
    }
  }
  return out;
}

inline long long blank_areacode_rows(const std::map<std::string, Row>& rows) {
  long long n = 0;
  for (const auto& [id, row] : rows) n += row.areacode.empty() ? 1 : 0;
  return n;
}

// ---- runs --------------------------------------------------------------------------------------

// A collector in its own folder pointed at the simulator; state, database and logs land there.
inline CliRunner collector_for(const SimServer& sim, std::vector<std::string> keys) {
  return CliRunner(std::move(keys), sim.base_url());
}

// `collector ARGS --json`: the exit code and the parsed report.
struct Collected {
  int exit_code = -1;
  nlohmann::json report;
  std::string err;
};

inline Collected collect(CliRunner& cli, std::vector<std::string> args) {
  args.push_back("--json");
  auto r = cli.run(args);
  return {r.exit_code, nlohmann::json::parse(r.out, nullptr, false), r.err};
}

// What the key pool's state file looks like on the next KST day: the day it counted for is
// yesterday and every quota rest (capped at midnight) has passed.
inline void move_key_state_to_next_day(const CliRunner& cli) {
  auto path = cli.dir() / "data" / "cache" / "api_key_cache.json";
  std::ifstream in(path);
  auto doc = nlohmann::json::parse(in);
  in.close();
  auto yesterday = std::chrono::time_point_cast<util::Millis>(std::chrono::system_clock::now() -
                                                              std::chrono::hours(24));
  doc["day"] = util::kst_date(yesterday);
  for (auto& key : doc["keys"])
    for (auto& [op, until] : key["rate_limited_until"].items()) until = util::format_iso_kst(yesterday);
  std::ofstream(path, std::ios::trunc) << doc.dump(2);
}

// A secret in a form CliRunner does not know (a pasted key's decoded form) is in no output and no
// file of the collector's folder.
inline void expect_absent(const std::filesystem::path& dir, const std::string& secret,
                          const std::vector<std::string>& outputs) {
  for (const auto& out : outputs) EXPECT_EQ(out.find(secret), std::string::npos) << "in an output";
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find(secret), std::string::npos) << "in " << e.path();
  }
}

// Polls until pred() holds or the deadline passes (a guard against a hang, never an assertion of
// speed); returns pred()'s last value.
template <class Pred>
bool wait_until(Pred pred, std::chrono::seconds deadline = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

}  // namespace kto::test::e2e
