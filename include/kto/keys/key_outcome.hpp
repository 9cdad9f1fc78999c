#pragma once
// What a call's answer means for the key that made it: the pool's own words, so that it knows no
// service. The client classifies each answer and hands the pool one of these (api::key_outcome).
#include <string>

namespace kto::keys {

enum class KeyOutcomeKind {
  success,           // the key works (an empty answer counts: the key was accepted)
  key_error,         // the key's fault (unregistered, expired, suspended): toward deactivation
  daily_quota,       // its daily quota of this operation is spent: it rests for that operation
  per_second_limit,  // too many calls a second: the key rests for a moment, no error of its own
  not_key_fault,     // the service failed or the request was wrong: says nothing about the key
};

const char* to_string(KeyOutcomeKind kind);  // "success", "key_error", …

struct KeyOutcome {
  KeyOutcomeKind kind = KeyOutcomeKind::not_key_fault;
  // One short Korean line for log lines and the key's last error, free of keys:
  // "API 오류 (30: 등록되지 않은 키)", "HTTP 502". Read only when the call did not succeed.
  std::string reason;

  bool ok() const { return kind == KeyOutcomeKind::success; }
};

}  // namespace kto::keys
