#pragma once
// The KorService2 service behind the gateway: parameter checks, filters, sorting and paging of the
// operations the project uses, with the real one's quirks (docs/service.md). Knows nothing of keys.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataset.hpp"
#include "render.hpp"

namespace kto::sim {

// A request's query parameters, decoded, in the order they came. The first of a repeated name wins.
struct Params {
  std::vector<std::pair<std::string, std::string>> list;
  const std::string* find(std::string_view name) const;
  // The value, or "" when absent.
  std::string_view get(std::string_view name) const;
};

// Splits a raw query string ("a=1&b=%2B") and decodes names and values as an HTTP server does:
// %XX decoded and '+' turned into a space.
Params parse_query(std::string_view raw_query);

struct Answer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string outcome;  // "ok", "no_data", "error:11", "refused:page_size", …
  long items = 0;       // rows in the answer
};

struct ServiceOptions {
  int max_page_size = 1000;
  bool numbers_as_strings = false;
  bool modifiedtime_since = false;
};

// The operations KorService2 answers here; any other gets 12 NO_OPENAPI_SERVICE_ERROR.
bool is_known_operation(std::string_view operation);

struct Paging {
  long rows = 10;
  long page = 1;
  long first() const { return (page - 1) * rows; }
};

// The building blocks the operations share: a service error (top-level JSON or an XML header) and
// a page of already rendered rows with its counts.
Answer service_error(Format f, std::string_view code, std::string_view message);
Answer page_answer(Format f, const std::vector<std::string_view>& rows, long total,
                   const Paging& paging, const ServiceOptions& options);

Answer serve(const Dataset& data, std::string_view operation, const Params& params,
             const ServiceOptions& options);

}  // namespace kto::sim
