#include "faults.hpp"

#include <algorithm>

#include "render.hpp"

namespace kto::sim {
namespace {

// Invalid UTF-8 (a lone continuation byte, a byte never valid, a cut two-byte sequence) at the
// start of every title, in JSON and XML alike.
void spoil_titles(std::string& body) {
  for (const std::string_view open : {std::string_view("\"title\":\""), std::string_view("<title>")}) {
    for (std::size_t at = body.find(open); at != std::string::npos; at = body.find(open, at)) {
      at += open.size();
      body.insert(at, "\x80\xff\xc3");
    }
  }
}

// A gateway error whose DOCTYPE defines ten levels of ten-fold entities (a billion "lol"s when
// expanded) and whose reason code is an entity meaning 30: a parser that expands entities either
// blows up or reads an unregistered key. Sent with HTTP 200, as the gateway used to.
std::string entity_bomb_document() {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE OpenAPI_ServiceResponse [\n"
                    "  <!ENTITY code \"30\">\n  <!ENTITY lol0 \"lol\">\n";
  for (int level = 1; level <= 9; ++level) {
    doc += "  <!ENTITY lol" + std::to_string(level) + " \"";
    for (int i = 0; i < 10; ++i) doc += "&lol" + std::to_string(level - 1) + ";";
    doc += "\">\n";
  }
  doc += "]>\n<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>&lol9;</errMsg>"
         "<returnAuthMsg>&lol9;</returnAuthMsg><returnReasonCode>&code;</returnReasonCode>"
         "</cmmMsgHeader></OpenAPI_ServiceResponse>";
  return doc;
}

}  // namespace

void apply_fault(Reply& reply, double cut_fraction, long long huge_bytes) {
  Answer& a = reply.answer;
  auto cut = static_cast<std::size_t>(static_cast<double>(a.body.size()) * cut_fraction);
  switch (*reply.fault) {
    case FaultKind::http500:
      a = {500, "text/plain;charset=UTF-8", "Unexpected errors", "", 0};
      break;
    case FaultKind::html502:
      a = {502, "text/html", bad_gateway_page(), "", 0};
      break;
    case FaultKind::empty:
      a.body.clear();
      a.items = 0;
      break;
    case FaultKind::truncated:
      a.body.resize(std::max<std::size_t>(cut, 1));
      a.items = 0;
      break;
    case FaultKind::reset:
      reply.cut_at = std::min(cut, a.body.size());
      a.items = 0;
      break;
    case FaultKind::hang:
      break;
    case FaultKind::huge:
      // Trailing whitespace keeps the document valid: under a client's size limit it is a page.
      if (a.body.size() < static_cast<std::size_t>(huge_bytes))
        a.body.append(static_cast<std::size_t>(huge_bytes) - a.body.size(), ' ');
      break;
    case FaultKind::bad_utf8:
      spoil_titles(a.body);
      break;
    case FaultKind::entities:
      a = {200, "text/xml;charset=UTF-8", entity_bomb_document(), "", 0};
      break;
  }
  a.outcome = std::string("fault:") + fault_kind_name(*reply.fault);
}

}  // namespace kto::sim
