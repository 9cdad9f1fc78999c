#pragma once
// Reading the documents the gateway and the service send, before the code table decides what they
// mean. Private to src/api: classify() is the only caller. Nothing here throws on any input.
#include <string>
#include <string_view>

#include "kto/api/tour_api.hpp"
#include "kto/util/utf8.hpp"

namespace kto::api::detail {

struct ParsedAnswer {
  bool parsed = false;      // the body is well-formed JSON / XML
  bool recognised = false;  // a known document carrying a result code
  std::string code;         // "0000", "22", … (trimmed)
  std::string page_error;   // for a success code: why the page cannot be read ("" when fine)
  Page page;                // filled for a success code
};

// {"response":{"header":…,"body":…}}, {"OpenAPI_ServiceResponse":{"cmmMsgHeader":…}} and a bare
// {"resultCode":…}. A body that is not valid UTF-8 is mended (U+FFFD) before it is parsed.
ParsedAnswer parse_json_answer(std::string body);
// <OpenAPI_ServiceResponse> (the gateway's key and quota errors) and <response> (the service in
// XML). Entities of a DOCTYPE are never expanded.
ParsedAnswer parse_xml_answer(std::string_view body);

using util::is_valid_utf8;
using util::mend_utf8;

// Answers are a few levels deep; an XML body nested deeper than limit is refused before pugixml
// builds millions of nodes out of it (the JSON parser counts depth itself). The scan is rough (it
// ignores comments and CDATA), which only matters for documents that are absurd anyway.
bool xml_nesting_exceeds(std::string_view body, int limit);

// "1595" or 1595 → 1595; nullopt-like false for anything else (negative, fraction, garbage).
bool parse_count(std::string_view text, long long& out);

}  // namespace kto::api::detail
