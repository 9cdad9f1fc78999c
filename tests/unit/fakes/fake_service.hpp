#pragma once
// A small in-memory TourAPI for collector unit tests: answers areaBasedList2 pages from a list of
// items per lDongRegnCd, like the real paging (last page's numOfRows = its rows, past the end
// items ""). A hook can replace any answer (faults, key errors) by call number.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kto/api/transport.hpp"
#include "kto/util/url.hpp"

namespace kto::test {

class FakeService final : public api::Transport {
 public:
  using Hook = std::function<std::optional<api::HttpResponse>(int call, const std::map<std::string, std::string>& q)>;

  void add_items(const std::string& ldong, int count, int blank_areacode_every = 0) {
    for (int i = 0; i < count; ++i) {
      nlohmann::json item = {
          {"addr1", "주소 " + std::to_string(i)}, {"addr2", ""},
          {"areacode", (blank_areacode_every && i % blank_areacode_every == 0) ? "" : area_of(ldong)},
          {"cat1", "A05"}, {"contentid", ldong + "-" + std::to_string(i)},
          {"contenttypeid", "39"}, {"mapx", "127.0"}, {"mapy", "37.5"},
          {"modifiedtime", "20261120120000"}, {"title", "식당 " + std::to_string(i)},
          {"lDongRegnCd", ldong}};
      m_items[ldong].push_back(item);
    }
  }
  // The seed's area code for the provinces the tests use, as the service fills `areacode`.
  static std::string area_of(const std::string& ldong) {
    static const std::map<std::string, std::string> codes = {
        {"11", "1"}, {"26", "6"}, {"41", "31"}, {"50", "39"}};
    auto it = codes.find(ldong);
    return it == codes.end() ? "" : it->second;
  }
  void set_hook(Hook hook) { m_hook = std::move(hook); }
  int calls() const {
    std::lock_guard lock(m_mutex);
    return m_calls;
  }
  std::vector<std::map<std::string, std::string>> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

  api::HttpResponse send(const api::HttpRequest& request) override {
    auto q = parse_query(request.url);
    int call;
    {
      std::lock_guard lock(m_mutex);
      call = ++m_calls;
      m_requests.push_back(q);
    }
    if (m_hook)
      if (auto r = m_hook(call, q)) return *r;
    return page(q);
  }

  static api::HttpResponse ok_json(const std::string& body) {
    api::HttpResponse r;
    r.status = 200;
    r.body = body;
    return r;
  }

 private:
  static std::map<std::string, std::string> parse_query(const std::string& url) {
    std::map<std::string, std::string> q;
    auto qpos = url.find('?');
    std::string s = qpos == std::string::npos ? "" : url.substr(qpos + 1);
    std::size_t pos = 0;
    while (pos < s.size()) {
      auto amp = s.find('&', pos);
      if (amp == std::string::npos) amp = s.size();
      auto kv = s.substr(pos, amp - pos);
      auto eq = kv.find('=');
      if (eq != std::string::npos) q[kv.substr(0, eq)] = util::url_decode(kv.substr(eq + 1));
      pos = amp + 1;
    }
    auto op = url.substr(0, qpos);
    q["_operation"] = op.substr(op.rfind('/') + 1);
    return q;
  }

  api::HttpResponse page(const std::map<std::string, std::string>& q) const {
    std::vector<nlohmann::json> all;
    if (auto it = q.find("lDongRegnCd"); it != q.end()) {
      if (auto found = m_items.find(it->second); found != m_items.end()) all = found->second;
    } else {
      for (const auto& [_, items] : m_items) all.insert(all.end(), items.begin(), items.end());
    }
    int rows = std::stoi(q.count("numOfRows") ? q.at("numOfRows") : "10");
    int page_no = std::stoi(q.count("pageNo") ? q.at("pageNo") : "1");
    std::size_t begin = static_cast<std::size_t>((page_no - 1) * rows);
    nlohmann::json items_json = "";
    int n = 0;
    if (begin < all.size()) {
      auto end = std::min(all.size(), begin + static_cast<std::size_t>(rows));
      nlohmann::json arr = nlohmann::json::array();
      for (auto i = begin; i < end; ++i) arr.push_back(all[i]);
      n = static_cast<int>(arr.size());
      items_json = {{"item", n == 1 ? arr[0] : arr}};
    }
    nlohmann::json body = {
        {"response",
         {{"header", {{"resultCode", "0000"}, {"resultMsg", "OK"}}},
          {"body", {{"items", items_json}, {"numOfRows", n}, {"pageNo", page_no},
                    {"totalCount", all.size()}}}}}};
    return ok_json(body.dump());
  }

  std::map<std::string, std::vector<nlohmann::json>> m_items;
  Hook m_hook;
  mutable std::mutex m_mutex;
  int m_calls = 0;
  std::vector<std::map<std::string, std::string>> m_requests;
};

}  // namespace kto::test
