#pragma once
// The TourAPI: building requests (the serviceKey encoded exactly once), classifying every answer
// into one ApiOutcome, and parsing listing pages whatever shape the service chose.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kto/api/outcome.hpp"
#include "kto/api/transport.hpp"
#include "kto/util/result.hpp"

namespace kto::api {

using Params = std::vector<std::pair<std::string, std::string>>;

// The key as it must appear in the query: a key pasted in the portal's "Encoding" form (it holds
// %XX escapes) is decoded first, then every key is percent-encoded exactly once.
std::string encode_service_key(std::string_view key_as_pasted);

// base_url + "/" + operation + "?serviceKey=…&MobileOS=ETC&MobileApp=…&_type=json&" + params
std::string build_url(std::string_view base_url, std::string_view operation,
                      std::string_view key_as_pasted, std::string_view mobile_app,
                      const Params& params);

struct Page {
  std::vector<nlohmann::json> items;  // each item an object of strings, as received
  long long total_count = 0;
  int page_no = 0;
  int num_of_rows = 0;
};

// Classifies any HTTP answer (including transport failures). On success, page is filled when
// page != nullptr. Never throws, whatever the body holds.
ApiOutcome classify(const HttpResponse& response, Page* page = nullptr);

}  // namespace kto::api
