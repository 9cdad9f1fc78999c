#pragma once
// What the micro-benchmarks share: listing pages in the real shape (items copied from the
// fixtures, with distinct contentids) and a scratch folder that is removed afterwards.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace kto::bench {

// The items of tests/fixtures/tourapi/areaBasedList2.json, turned into restaurants (39).
const std::vector<nlohmann::json>& template_items();

// The body of a successful areaBasedList2 answer holding `rows` restaurants whose contentids start
// at first_contentid; about 40 % have a blank areacode (the real data's completeness trap).
std::string page_body(int rows, long first_contentid, long long total_count = 13000);

// A fresh folder under the system's temporary folder, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// Raw keys that look like the portal's (64 hex characters), distinct for each index.
std::vector<std::string> dummy_keys(std::size_t count);

}  // namespace kto::bench
