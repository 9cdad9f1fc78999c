// The JSON documents of the service and the gateway, and the listing page inside a success.
#include <climits>
#include <cstdio>

#include "answer_parse.hpp"
#include "kto/util/json_view.hpp"
#include "kto/util/utf8.hpp"
#include "result_codes.hpp"

namespace kto::api::detail {
namespace {

using util::JsonType;
using util::JsonValue;

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

// Codes are strings ("0000", "22"); a whole number is accepted too and written with two digits,
// the way the table spells the short codes.
bool read_code(JsonValue value, std::string& out) {
  if (value.is_string()) {
    out = std::string(trim(value.text()));
    return !out.empty();
  }
  long long number = 0;
  if (value.is_number() && parse_count(value.text(), number)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%02lld", number);
    out = buffer;
    return true;
  }
  return false;
}

// Counts arrive as numbers today and as strings in older answers ("1595").
bool read_json_count(JsonValue value, long long& out) {
  return (value.is_number() || value.is_string()) && parse_count(value.text(), out);
}

// numOfRows and pageNo may be missing; when present they must be counts that fit an int.
bool read_small_count(JsonValue body, std::string_view name, int& out) {
  JsonValue value = body.find(name);
  if (value.is_null()) return true;
  long long v = 0;
  if (!read_json_count(value, v) || v > INT_MAX) return false;
  out = static_cast<int>(v);
  return true;
}

// items: "" (none), {"item": [...]}, {"item": {...}} (one). Entries of the array that are not
// objects are skipped: one broken entry should not cost the other 999 rows of the page.
std::string read_items(JsonValue items, std::vector<JsonValue>& out) {
  if (items.is_null()) return "";
  if (items.is_string()) return trim(items.text()).empty() ? "" : "items is a non-empty string";
  if (!items.is_object()) return "items가 객체가 아님";
  JsonValue item = items.find("item");
  if (item.is_null()) return "";
  if (item.is_string() && trim(item.text()).empty()) return "";
  if (item.is_object()) {
    out.push_back(item);
    return "";
  }
  if (!item.is_array()) return "item이 배열도 객체도 아님";
  out.reserve(item.size());
  for (std::size_t i = 0; i < item.size(); ++i)
    if (JsonValue entry = item.at(i); entry.is_object()) out.push_back(entry);
  return "";
}

std::string read_page(JsonValue body, Page& page) {
  if (!body.is_object()) return "body 없음";
  if (!read_json_count(body.find("totalCount"), page.total_count)) return "totalCount 없음";
  if (!read_small_count(body, "numOfRows", page.num_of_rows)) return "numOfRows 형식 오류";
  if (!read_small_count(body, "pageNo", page.page_no)) return "pageNo 형식 오류";
  JsonValue items = body.find("items");
  // A listing that claims rows but has no items at all is a changed shape, not an empty page:
  // taking it for the end of the data would silently drop the rest of the listing.
  if (!items) return page.total_count == 0 ? "" : "items 없음";
  return read_items(items, page.items);
}

void read_service_document(JsonValue response, ParsedAnswer& out) {
  JsonValue header = response.find("header");
  if (!header.is_object() || !read_code(header.find("resultCode"), out.code)) return;
  out.recognised = true;
  if (lookup_result_code(out.code).kind != OutcomeKind::success) return;
  JsonValue body = response.find("body");
  if (!body) {
    out.page_error = "body 없음";
    return;
  }
  out.page_error = read_page(body, out.page);
}

void read_gateway_document(JsonValue document, ParsedAnswer& out) {
  JsonValue header = document.find("cmmMsgHeader");
  if (header.is_object() && read_code(header.find("returnReasonCode"), out.code)) out.recognised = true;
}

}  // namespace

ParsedAnswer parse_json_answer(std::string body) {
  ParsedAnswer out;
  // Real data is not clean: one stray byte in an address should not cost the whole page.
  auto doc = util::JsonDoc::parse(std::move(body), k_max_depth, util::BadUtf8::mend);
  if (!doc) return out;
  out.parsed = true;
  JsonValue root = doc->root();
  if (!root.is_object()) return out;
  bool listing = false;
  if (JsonValue response = root.find("response"); response.is_object()) {
    read_service_document(response, out);
    listing = true;
  } else if (JsonValue gw = root.find("OpenAPI_ServiceResponse"); gw.is_object()) {
    read_gateway_document(gw, out);
  } else if (read_code(root.find("resultCode"), out.code)) {
    out.recognised = true;
  }
  if (!out.page.items.empty()) out.page.doc = std::move(doc);
  // Only the wrapped document carries a listing; a bare success code has no page to give.
  if (!listing && out.recognised && lookup_result_code(out.code).kind == OutcomeKind::success)
    out.page_error = "body 없음";
  return out;
}

}  // namespace kto::api::detail
