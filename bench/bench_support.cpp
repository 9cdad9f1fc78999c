#include "bench_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace kto::bench {
namespace fs = std::filesystem;

namespace {

nlohmann::json read_fixture(const std::string& name) {
  std::ifstream in(std::string(KTO_FIXTURES_DIR) + "/tourapi/" + name);
  if (!in) throw std::runtime_error("cannot read the fixture " + name);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// The completeness trap of the real data: newer items have blank old-style codes but filled lDong*.
void blank_old_codes(nlohmann::json& item) {
  for (const char* field : {"areacode", "sigungucode", "cat1", "cat2", "cat3"}) item[field] = "";
}

}  // namespace

const std::vector<nlohmann::json>& template_items() {
  static const std::vector<nlohmann::json> items = [] {
    std::vector<nlohmann::json> out;
    const nlohmann::json doc = read_fixture("areaBasedList2.json");
    for (auto item : doc.at("response").at("body").at("items").at("item")) {
      item["contenttypeid"] = "39";
      item["areacode"] = "1";
      item["sigungucode"] = "24";
      item["lDongRegnCd"] = "11";
      item["lDongSignguCd"] = "680";
      out.push_back(std::move(item));
    }
    if (out.empty()) throw std::runtime_error("the fixture areaBasedList2.json has no items");
    return out;
  }();
  return items;
}

std::string page_body(int rows, long first_contentid, long long total_count) {
  const auto& templates = template_items();
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < rows; ++i) {
    nlohmann::json item = templates[static_cast<std::size_t>(i) % templates.size()];
    item["contentid"] = std::to_string(first_contentid + i);
    item["title"] = item["title"].get<std::string>() + " " + std::to_string(i);
    if (i % 5 < 2) blank_old_codes(item);
    list.push_back(std::move(item));
  }
  nlohmann::json doc = {
      {"response",
       {{"header", {{"resultCode", "0000"}, {"resultMsg", "OK"}}},
        {"body",
         {{"items", {{"item", std::move(list)}}},
          {"numOfRows", rows},
          {"pageNo", 1},
          {"totalCount", total_count}}}}}};
  return doc.dump();
}

ScratchDir::ScratchDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path candidate = fs::temp_directory_path() / ("kto-bench-" + std::to_string(rd()));
    if (fs::create_directory(candidate)) {
      m_path = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a scratch folder");
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::vector<std::string> dummy_keys(std::size_t count) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < count; ++i) {
    char buffer[80];
    std::snprintf(buffer, sizeof buffer, "%016zx%048x", i + 1, 0xbe7c4u);
    keys.emplace_back(buffer);
  }
  return keys;
}

}  // namespace kto::bench
