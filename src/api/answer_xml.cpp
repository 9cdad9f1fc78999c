// The XML documents: the gateway's key and quota errors (sent as XML even when JSON was asked) and
// the service's own answer in XML, read the same way as its JSON twin.
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <climits>

#include "answer_parse.hpp"
#include "result_codes.hpp"

namespace kto::api::detail {
namespace {

constexpr int k_max_depth = 64;
constexpr std::size_t k_max_xml_bytes = 16u * 1024u * 1024u;

std::string trimmed_value(pugi::xml_node node) {
  std::string_view text = node.child_value();
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\r' ||
                           text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' ||
                           text.back() == '\t'))
    text.remove_suffix(1);
  return std::string(text);
}

bool read_small_count(pugi::xml_node body, const char* name, int& out) {
  pugi::xml_node node = body.child(name);
  if (!node) return true;
  long long v = 0;
  if (!parse_count(trimmed_value(node), v) || v > INT_MAX) return false;
  out = static_cast<int>(v);
  return true;
}

// Every item becomes the JSON object its JSON twin would have been: field name → text.
nlohmann::json item_object(pugi::xml_node item) {
  nlohmann::json object = nlohmann::json::object();
  for (pugi::xml_node field : item.children())
    if (field.type() == pugi::node_element)
      object[mend_utf8(field.name())] = mend_utf8(field.child_value());
  return object;
}

std::string read_page(pugi::xml_node body, Page& page) {
  if (!body) return "body 없음";
  if (!parse_count(trimmed_value(body.child("totalCount")), page.total_count))
    return "totalCount 없음";
  if (!read_small_count(body, "numOfRows", page.num_of_rows)) return "numOfRows 형식 오류";
  if (!read_small_count(body, "pageNo", page.page_no)) return "pageNo 형식 오류";
  pugi::xml_node items = body.child("items");
  if (!items) return page.total_count == 0 ? "" : "items 없음";
  // The items become the JSON document their JSON twin would have sent, read the same way.
  nlohmann::json list = nlohmann::json::array();
  for (pugi::xml_node item : items.children("item")) list.push_back(item_object(item));
  if (list.empty()) return "";
  page.doc = util::JsonDoc::parse(list.dump(), k_max_depth);
  if (!page.doc) return "items를 읽을 수 없음";
  const util::JsonValue root = page.doc->root();
  for (std::size_t i = 0; i < root.size(); ++i) page.items.push_back(root.at(i));
  return "";
}

bool is_success(const std::string& code) {
  return lookup_result_code(code).kind == OutcomeKind::success;
}

}  // namespace

ParsedAnswer parse_xml_answer(std::string_view body) {
  ParsedAnswer out;
  // A node costs pugixml tens of bytes: nothing the service sends as XML comes near these limits.
  if (body.size() > k_max_xml_bytes || xml_nesting_exceeds(body, k_max_depth)) return out;
  pugi::xml_document doc;
  // parse_default leaves out parse_doctype: a DOCTYPE is skipped, its entities never expanded (a
  // billion-laughs body costs nothing). pugixml expands only the five predefined entities.
  pugi::xml_parse_result result =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_auto);
  if (!result) return out;
  out.parsed = true;
  if (pugi::xml_node header = doc.child("OpenAPI_ServiceResponse").child("cmmMsgHeader")) {
    out.code = trimmed_value(header.child("returnReasonCode"));
    out.recognised = !out.code.empty();
    if (out.recognised && is_success(out.code)) out.page_error = "body 없음";
    return out;
  }
  pugi::xml_node response = doc.child("response");
  out.code = trimmed_value(response.child("header").child("resultCode"));
  out.recognised = !out.code.empty();
  if (out.recognised && is_success(out.code)) out.page_error = read_page(response.child("body"), out.page);
  return out;
}

}  // namespace kto::api::detail
