#pragma once
// The gateway's and the service's result codes, in one table (docs/service.md, "Result codes").
// Private to src/api: classify() is the only reader.
#include <span>
#include <string_view>

#include "kto/api/outcome.hpp"

namespace kto::api::detail {

struct ResultCode {
  std::string_view code;
  OutcomeKind kind;
  std::string_view name;    // the gateway's own name for the code, for debug logs
  std::string_view korean;  // its short Korean name, for every line a person reads
};

// The rule for a code; a code the table does not know is a service error (UNKNOWN).
const ResultCode& lookup_result_code(std::string_view code);

// Every code of the table, for tests that check each has its names.
std::span<const ResultCode> all_result_codes();

}  // namespace kto::api::detail
