#pragma once
// The TourAPI: building requests (the serviceKey encoded exactly once), classifying every answer
// into one ApiOutcome, and parsing listing pages whatever shape the service chose.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kto/api/outcome.hpp"
#include "kto/api/transport.hpp"
#include "kto/util/json_view.hpp"
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
  // Each item an object (of strings, normally) as received, in the order received; the items
  // live in doc, which a copy of the page shares.
  std::vector<util::JsonValue> items;
  std::shared_ptr<const util::JsonDoc> doc;
  long long total_count = 0;
  int page_no = 0;
  int num_of_rows = 0;
};

// Classifies any HTTP answer (including transport failures). On success, page is filled when
// page != nullptr. Never throws, whatever the body holds.
ApiOutcome classify(const HttpResponse& response, Page* page = nullptr);
// The same, taking the body instead of copying it: the page's items then live in the very buffer
// the answer arrived in (one megabyte less for each page in flight). response.body is left empty.
ApiOutcome classify_taking_body(HttpResponse& response, Page* page);

}  // namespace kto::api
