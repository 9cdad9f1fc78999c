#pragma once
// The documents the service and its gateway send, in JSON (`_type=json`) and XML (the default).
// JSON is written by hand: pages of 1,000 pre-rendered items are only concatenated.
#include <string>
#include <string_view>
#include <vector>

#include "dataset.hpp"

namespace kto::sim {

enum class Format { json, xml };

void append_json_string(std::string& out, std::string_view text);
void append_xml_text(std::string& out, std::string_view text);

// One item as the listing sends it: every field a string, in the fixtures' order. The sync list's
// form adds showflag before lDongRegnCd.
std::string item_json(const Item& item, bool sync);
std::string item_xml(const Item& item, bool sync);

// A row of a code list (areaCode2, ldongCode2): {"rnum":1,"code":"1","name":"서울"}.
std::string code_row(Format format, int rnum, std::string_view code, std::string_view name);

struct PageMeta {
  long num_of_rows = 0;  // the rows this page holds (the real one's quirk), or the asked size
  long page_no = 1;
  long total_count = 0;
  bool numbers_as_strings = false;
};

// The success document. Rows are already rendered in the format; no rows gives "items": "", one row
// gives "item": {…} (an object), more give an array.
std::string page_document(Format format, const std::vector<std::string_view>& rows,
                          const PageMeta& meta);

// A service error: top-level JSON without the response wrapper, or a <response> header in XML.
std::string service_error_document(Format format, std::string_view code, std::string_view message);

// The gateway's OpenAPI_ServiceResponse (key and quota errors), XML or JSON.
std::string gateway_error_document(bool json, std::string_view reason_code, std::string_view message);

// "2026-11-25T15:30:00.123+09:00": now, in KST with milliseconds.
std::string response_time_now();

// The nginx-like page of an html502 fault.
std::string bad_gateway_page();

}  // namespace kto::sim
