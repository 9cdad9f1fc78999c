#pragma once
// A collection run's status: one type in code, one text in the database (collection_runs.status)
// and in `collect --json` (docs/contracts.md). to_string and parse_run_status are its only
// translation between the two.
#include <array>
#include <iosfwd>
#include <optional>
#include <string_view>

namespace kto::store {

enum class RunStatus {
  running,      // begun, not finished (or its process died)
  success,      // everything asked for was collected
  partial,      // some scopes are incomplete; resumable
  no_keys,      // no usable key was left; resumable
  interrupted,  // stopped by a signal after saving its progress; resumable
  failed,       // the database or the request itself failed
};

// What a finished run ends as, in the order the metrics file lists them.
inline constexpr std::array<RunStatus, 5> k_finished_run_statuses{
    RunStatus::success, RunStatus::partial, RunStatus::no_keys, RunStatus::interrupted,
    RunStatus::failed};

// "running", "success", "partial", "no_keys", "interrupted", "failed".
std::string_view to_string(RunStatus status);
// nullopt for any other text.
std::optional<RunStatus> parse_run_status(std::string_view text);
// Its text, so that test failures and logs read as the database does.
std::ostream& operator<<(std::ostream& out, RunStatus status);

}  // namespace kto::store
