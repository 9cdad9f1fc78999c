#pragma once
// Every answer of the gateway is classified into exactly one ApiOutcome. The client reads its kind
// and failure to decide between retrying, switching keys and giving up, and hands the key pool
// what the answer means for the key (key_outcome(): a keys::KeyOutcome with the message as reason).
#include <string>
#include <string_view>

#include "kto/keys/key_outcome.hpp"

namespace kto::api {

enum class OutcomeKind {
  success,        // resultCode 0000/00 with items (possibly none: items "")
  no_data,        // resultCode 03 NODATA_ERROR: a normal empty answer
  key_error,      // gateway codes 20 21 30 31 32 33 (or HTTP 401/403 with such a document): the key's fault
  quota_exceeded, // gateway code 22: the key's daily quota of this operation is spent
  rate_limited,   // gateway code 23: too many calls per second; wait seconds, not the key's fault
  service_error,  // 5xx, HTML pages, empty or truncated bodies, timeouts, resets, codes 01 02 04 05 99
  request_error,  // codes 10 11 12: our request is wrong; retrying cannot help
};

// What went wrong on the wire, when anything did (for service_error).
enum class FailureKind {
  none,
  http_status,      // a non-2xx status without a recognised document
  html_page,        // an HTML page (502 Bad Gateway)
  empty_body,
  malformed_body,   // JSON that does not parse or lacks the expected shape, truncated JSON
  timeout,
  connection,       // refused, reset, DNS
  gateway_code,     // a gateway/service result code
  too_large,        // the body exceeded the client's limit
};

struct ApiOutcome {
  OutcomeKind kind = OutcomeKind::service_error;
  FailureKind failure = FailureKind::none;
  std::string code;     // the gateway's code ("22", "30", "0000"), or "" when there was none
  std::string message;  // short, human, already free of keys: "API 오류 (22: 일일 한도 초과)", "HTTP 502"
  int http_status = 0;

  bool ok() const { return kind == OutcomeKind::success || kind == OutcomeKind::no_data; }
};

const char* to_string(OutcomeKind kind);

// A gateway result code as a person reads it, named from the one table of codes:
// "API 오류 (30: 등록되지 않은 키)"; a code the table does not know reads "알 수 없는 코드".
std::string api_error_text(std::string_view code);

// What the answer means for the key that made the call, as the key pool reads it: a success or
// NODATA (the key was accepted), the key's fault, its daily quota (22), the per-second limit (23),
// or nothing about the key (service failures, request errors). The reason is the outcome's
// message, else the code's text, else the kind's name.
keys::KeyOutcome key_outcome(const ApiOutcome& outcome);

}  // namespace kto::api
