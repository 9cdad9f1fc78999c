#include "kto/api/outcome.hpp"

namespace kto::api {

const char* to_string(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::success: return "success";
    case OutcomeKind::no_data: return "no_data";
    case OutcomeKind::key_error: return "key_error";
    case OutcomeKind::quota_exceeded: return "quota_exceeded";
    case OutcomeKind::rate_limited: return "rate_limited";
    case OutcomeKind::service_error: return "service_error";
    case OutcomeKind::request_error: return "request_error";
  }
  return "unknown";
}

}  // namespace kto::api
