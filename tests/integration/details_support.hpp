#pragma once
// Shared by the test_details_*.cpp files (issue 17): the real collector fetching details from the
// real kto-sim, and what the simulator and the database say about them.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "integration/collect_support.hpp"

namespace kto::test::details {

using namespace kto::test::e2e;

inline const std::vector<std::string> k_detail_ops = {"detailCommon2", "detailIntro2",
                                                      "detailImage2"};

// Restaurants only (no other types, no hidden items), in Seoul and Busan.
inline nlohmann::json detail_dataset(int seoul, int busan) {
  return {{"per_province", {{"11", seoul}, {"26", busan}}},
          {"blank_areacode_ratio", 0.4},
          {"other_types", 0},
          {"hidden", 0}};
}

// detail_items of GET /stats for op ("detailImage2/Y" for the item photos): {distinct, repeated}.
inline long long detail_distinct(const nlohmann::json& stats, const std::string& op) {
  const auto& d = stats["detail_items"];
  return d.contains(op) ? d[op]["distinct"].get<long long>() : 0;
}
inline long long detail_repeated(const nlohmann::json& stats, const std::string& op) {
  const auto& d = stats["detail_items"];
  return d.contains(op) ? d[op]["repeated"].get<long long>() : 0;
}
inline long long op_calls(const nlohmann::json& stats, const std::string& op) {
  return stats["by_operation"].value(op, 0L);
}

// The contentIds of the detail calls of op in the request log (from line `from` on), in order.
inline std::vector<std::string> detail_ids(const std::vector<nlohmann::json>& log,
                                           const std::string& op, std::size_t from = 0) {
  std::vector<std::string> ids;
  for (std::size_t i = from; i < log.size(); ++i)
    if (log[i]["operation"] == op) ids.push_back(log[i]["params"].value("contentId", std::string()));
  return ids;
}

// Shown restaurants of a province as stored (area code), by contentid.
inline std::set<std::string> shown_ids(const CliRunner& cli, int area_code) {
  std::set<std::string> ids;
  ReadDb db(db_path(cli));
  for (auto& r : db.query("SELECT contentid FROM restaurants WHERE hidden = 0 AND area_code = " +
                          std::to_string(area_code)))
    ids.insert(r[0]);
  return ids;
}

// Rows of restaurant_details with the kind fetched ("common", "intro", "item_images", …).
inline long long details_fetched(const CliRunner& cli, const std::string& kind) {
  if (!std::filesystem::exists(db_path(cli))) return 0;
  ReadDb db(db_path(cli));
  auto r = db.query("SELECT COUNT(*) FROM restaurant_details WHERE " + kind +
                    "_fetched_at IS NOT NULL");
  return r.empty() ? 0 : std::stoll(r[0][0]);
}

inline std::string kst_day(std::chrono::hours offset = std::chrono::hours(0)) {
  auto t = std::chrono::time_point_cast<util::Millis>(std::chrono::system_clock::now() + offset);
  return util::kst_compact_date(t);
}

}  // namespace kto::test::details
