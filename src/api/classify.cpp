// classify(): every answer, whatever its shape, becomes exactly one ApiOutcome. The order matters:
// a transport failure first, then an empty body (whatever the status: the service's refusal of a
// large page), then HTML, XML and JSON documents, and the bare status only when no document says
// more.
#include <algorithm>
#include <cctype>

#include "answer_parse.hpp"
#include "kto/api/tour_api.hpp"
#include "result_codes.hpp"

namespace kto::api {
namespace {

ApiOutcome make(OutcomeKind kind, FailureKind failure, int status, std::string message,
                std::string code = {}) {
  ApiOutcome out;
  out.kind = kind;
  out.failure = failure;
  out.code = std::move(code);
  out.message = std::move(message);
  out.http_status = status;
  return out;
}

std::string_view skip_space_and_bom(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  std::size_t i = 0;
  while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
  return body.substr(i);
}

// A proxy's error page (502 Bad Gateway) rather than a document of the service.
bool looks_like_html(std::string_view body) {
  std::string head(body.substr(0, 1024));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return head.find("<html") != std::string::npos || head.find("<!doctype html") != std::string::npos;
}

std::string status_text(int status) { return "HTTP " + std::to_string(status); }

ApiOutcome from_transport_error(const HttpResponse& response) {
  switch (response.error) {
    case TransportError::timeout:
      return make(OutcomeKind::service_error, FailureKind::timeout, response.status, "응답 시간 초과");
    case TransportError::too_large:
      return make(OutcomeKind::service_error, FailureKind::too_large, response.status,
                  "응답이 너무 큼");
    case TransportError::connection:
      return make(OutcomeKind::service_error, FailureKind::connection, response.status, "연결 실패");
    case TransportError::cancelled:
      return make(OutcomeKind::service_error, FailureKind::connection, response.status, "요청 중단");
    case TransportError::other:
    case TransportError::none:
      break;
  }
  return make(OutcomeKind::service_error, FailureKind::connection, response.status, "요청 실패");
}

// No document said anything: the status is all there is.
ApiOutcome from_status(int status, std::string_view format) {
  if (status == 401 || status == 403)
    return make(OutcomeKind::key_error, FailureKind::http_status, status, status_text(status));
  if (status == 429)
    return make(OutcomeKind::rate_limited, FailureKind::http_status, status, status_text(status));
  if (status >= 300 || (status != 0 && status < 200))
    return make(OutcomeKind::service_error, FailureKind::http_status, status, status_text(status));
  return make(OutcomeKind::service_error, FailureKind::malformed_body, status,
              "잘못된 " + std::string(format) + " 응답");
}

ApiOutcome from_answer(detail::ParsedAnswer& answer, int status, std::string_view format,
                       Page* page) {
  if (!answer.recognised) return from_status(status, format);
  const detail::ResultCode& rule = detail::lookup_result_code(answer.code);
  switch (rule.kind) {
    case OutcomeKind::success:
      if (!answer.page_error.empty())
        return make(OutcomeKind::service_error, FailureKind::malformed_body, status,
                    "잘못된 " + std::string(format) + " 응답 (" + answer.page_error + ")",
                    answer.code);
      if (page) *page = std::move(answer.page);
      return make(OutcomeKind::success, FailureKind::none, status, "OK", answer.code);
    case OutcomeKind::no_data:
      if (page) *page = Page{};
      return make(OutcomeKind::no_data, FailureKind::none, status,
                  "데이터 없음 (" + answer.code + ")", answer.code);
    default:
      return make(rule.kind, FailureKind::gateway_code, status, api_error_text(answer.code),
                  answer.code);
  }
}

ApiOutcome classify_unchecked(const HttpResponse& response, std::string* owned_body, Page* page) {
  if (response.error != TransportError::none) return from_transport_error(response);
  std::string_view body = skip_space_and_bom(owned_body ? *owned_body : response.body);
  int status = response.status;
  if (body.empty())
    return make(OutcomeKind::service_error, FailureKind::empty_body, status, "빈 응답");
  if (body.front() == '<') {
    if (looks_like_html(body)) {
      std::string message = status ? status_text(status) + " (HTML 응답)" : "HTML 응답";
      return make(OutcomeKind::service_error, FailureKind::html_page, status, std::move(message));
    }
    detail::ParsedAnswer answer = detail::parse_xml_answer(body);
    return from_answer(answer, status, "XML", page);
  }
  detail::ParsedAnswer answer = owned_body != nullptr
                                    ? detail::parse_json_answer(std::move(*owned_body))
                                    : detail::parse_json_answer(std::string(body));
  return from_answer(answer, status, "JSON", page);
}

ApiOutcome classify_guarded(const HttpResponse& response, std::string* owned_body, Page* page) {
  // Parsing never throws by design; this catch is for what cannot be designed away (an allocation
  // failing on a huge body), so that a worker thread never dies of an answer.
  try {
    return classify_unchecked(response, owned_body, page);
  } catch (...) {
    return make(OutcomeKind::service_error, FailureKind::malformed_body, response.status,
                "응답 처리 실패");
  }
}

}  // namespace

ApiOutcome classify(const HttpResponse& response, Page* page) {
  return classify_guarded(response, nullptr, page);
}

ApiOutcome classify_taking_body(HttpResponse& response, Page* page) {
  std::string body = std::move(response.body);
  response.body.clear();
  return classify_guarded(response, &body, page);
}

}  // namespace kto::api
