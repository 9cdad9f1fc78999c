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

keys::KeyOutcome key_outcome(const ApiOutcome& outcome) {
  keys::KeyOutcome out;
  switch (outcome.kind) {
    case OutcomeKind::success:
    case OutcomeKind::no_data: out.kind = keys::KeyOutcomeKind::success; break;
    case OutcomeKind::key_error: out.kind = keys::KeyOutcomeKind::key_error; break;
    case OutcomeKind::quota_exceeded: out.kind = keys::KeyOutcomeKind::daily_quota; break;
    case OutcomeKind::rate_limited: out.kind = keys::KeyOutcomeKind::per_second_limit; break;
    case OutcomeKind::service_error:
    case OutcomeKind::request_error: out.kind = keys::KeyOutcomeKind::not_key_fault; break;
  }
  if (!outcome.message.empty())
    out.reason = outcome.message;
  else if (!outcome.code.empty())
    out.reason = api_error_text(outcome.code);
  else
    out.reason = to_string(outcome.kind);
  return out;
}

}  // namespace kto::api
