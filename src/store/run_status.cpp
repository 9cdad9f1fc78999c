#include "kto/store/run_status.hpp"

#include <ostream>

namespace kto::store {
namespace {

struct StatusText {
  RunStatus status;
  std::string_view text;
};

constexpr std::array<StatusText, 6> k_texts{{
    {RunStatus::running, "running"},
    {RunStatus::success, "success"},
    {RunStatus::partial, "partial"},
    {RunStatus::no_keys, "no_keys"},
    {RunStatus::interrupted, "interrupted"},
    {RunStatus::failed, "failed"},
}};

}  // namespace

std::string_view to_string(RunStatus status) {
  for (const StatusText& t : k_texts)
    if (t.status == status) return t.text;
  return "failed";  // unreachable: every enumerator is in the table
}

std::optional<RunStatus> parse_run_status(std::string_view text) {
  for (const StatusText& t : k_texts)
    if (t.text == text) return t.status;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, RunStatus status) { return out << to_string(status); }

}  // namespace kto::store
