// The JSON documents of the service and the gateway, and the listing page inside a success.
#include <nlohmann/json.hpp>

#include <climits>
#include <cstdio>

#include "answer_parse.hpp"
#include "result_codes.hpp"

namespace kto::api::detail {
namespace {

using nlohmann::json;

constexpr int k_max_depth = 64;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                           text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

// Codes are strings ("0000", "22"); a number is accepted too and written with two digits, the way
// the table spells the short codes.
bool read_code(const json& value, std::string& out) {
  if (value.is_string()) {
    out = std::string(trim(value.get_ref<const std::string&>()));
    return !out.empty();
  }
  if (value.is_number_integer()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%02lld", value.get<long long>());
    out = buffer;
    return true;
  }
  return false;
}

// Counts arrive as numbers today and as strings in older answers ("1595").
bool read_json_count(const json& value, long long& out) {
  if (value.is_number_unsigned()) {
    auto v = value.get<unsigned long long>();
    if (v > static_cast<unsigned long long>(LLONG_MAX)) return false;
    out = static_cast<long long>(v);
    return true;
  }
  if (value.is_number_integer()) {
    out = value.get<long long>();
    return out >= 0;
  }
  if (value.is_string()) return parse_count(value.get_ref<const std::string&>(), out);
  return false;
}

// numOfRows and pageNo may be missing; when present they must be counts that fit an int.
bool read_small_count(const json& body, const char* name, int& out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  long long v = 0;
  if (!read_json_count(*it, v) || v > INT_MAX) return false;
  out = static_cast<int>(v);
  return true;
}

// items: "" (none), {"item": [...]}, {"item": {...}} (one). Entries of the array that are not
// objects are skipped: one broken entry should not cost the other 999 rows of the page.
std::string read_items(json& items, std::vector<json>& out) {
  if (items.is_null()) return "";
  if (items.is_string())
    return trim(items.get_ref<const std::string&>()).empty() ? "" : "items is a non-empty string";
  if (!items.is_object()) return "items is not an object";
  auto it = items.find("item");
  if (it == items.end() || it->is_null()) return "";
  if (it->is_string() && trim(it->get_ref<const std::string&>()).empty()) return "";
  if (it->is_object()) {
    out.push_back(std::move(*it));
    return "";
  }
  if (!it->is_array()) return "item is neither an array nor an object";
  out.reserve(it->size());
  for (auto& entry : *it)
    if (entry.is_object()) out.push_back(std::move(entry));
  return "";
}

std::string read_page(json& body, Page& page) {
  if (!body.is_object()) return "body missing";
  auto total = body.find("totalCount");
  if (total == body.end() || !read_json_count(*total, page.total_count)) return "totalCount missing";
  if (!read_small_count(body, "numOfRows", page.num_of_rows)) return "numOfRows malformed";
  if (!read_small_count(body, "pageNo", page.page_no)) return "pageNo malformed";
  auto items = body.find("items");
  // A listing that claims rows but has no items at all is a changed shape, not an empty page:
  // taking it for the end of the data would silently drop the rest of the listing.
  if (items == body.end()) return page.total_count == 0 ? "" : "items missing";
  return read_items(*items, page.items);
}

void read_service_document(json& response, ParsedAnswer& out) {
  auto header = response.find("header");
  if (header == response.end() || !header->is_object()) return;
  auto code = header->find("resultCode");
  if (code == header->end() || !read_code(*code, out.code)) return;
  out.recognised = true;
  if (lookup_result_code(out.code).kind != OutcomeKind::success) return;
  auto body = response.find("body");
  if (body == response.end()) {
    out.page_error = "body missing";
    return;
  }
  out.page_error = read_page(*body, out.page);
}

void read_gateway_document(const json& document, ParsedAnswer& out) {
  auto header = document.find("cmmMsgHeader");
  if (header == document.end() || !header->is_object()) return;
  auto code = header->find("returnReasonCode");
  if (code != header->end() && read_code(*code, out.code)) out.recognised = true;
}

}  // namespace

ParsedAnswer parse_json_answer(std::string_view body) {
  ParsedAnswer out;
  if (json_nesting_exceeds(body, k_max_depth)) return out;
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  // Real data is not clean: one stray byte in an address should not cost the whole page.
  if (doc.is_discarded() && !is_valid_utf8(body)) {
    std::string mended = mend_utf8(body);
    doc = json::parse(mended.begin(), mended.end(), nullptr, false);
  }
  if (doc.is_discarded()) return out;
  out.parsed = true;
  if (!doc.is_object()) return out;
  bool listing = false;
  if (auto it = doc.find("response"); it != doc.end() && it->is_object()) {
    read_service_document(*it, out);
    listing = true;
  } else if (auto gw = doc.find("OpenAPI_ServiceResponse"); gw != doc.end() && gw->is_object()) {
    read_gateway_document(*gw, out);
  } else if (auto code = doc.find("resultCode"); code != doc.end() && read_code(*code, out.code)) {
    out.recognised = true;
  }
  // Only the wrapped document carries a listing; a bare success code has no page to give.
  if (!listing && out.recognised && lookup_result_code(out.code).kind == OutcomeKind::success)
    out.page_error = "body missing";
  return out;
}

}  // namespace kto::api::detail
