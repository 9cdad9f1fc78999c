#pragma once
// The details as the CLI runs and shows them: the flags checked before anything is opened, the
// run after a listing (collect --details) or alone (collector details), the report's block, the
// --json fields and how the details' outcome and the listing's make one exit code.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "kto/cli/context.hpp"
#include "kto/collect/details.hpp"
#include "kto/store/store.hpp"

namespace kto::cli {

// --details LIST and --budget N as options (nullopt: no details asked). A bad list or budget is
// a usage error naming it; --budget without details too (require_details).
Result<std::optional<collect::DetailsOptions>> details_options(
    const std::optional<std::string>& list, const std::string& budget, int concurrency,
    bool require_details);

// Runs the details of options on the context's keys, stopping at a signal.
collect::DetailsReport run_detail_work(Context& ctx, store::Store& db,
                                       const collect::DetailsOptions& options);

// The report's block: per operation what was fetched, had none, failed and is left, and the
// estimate line.
std::string render_details_summary(const collect::DetailsReport& report);
// Adds "details", "details_pending", "details_estimate_days" and "details_estimate" to doc.
void add_details_json(nlohmann::json& doc, const collect::DetailsReport& report);
// The run's status word for an exit code: success, partial, no_keys, interrupted, failed.
const char* status_of(ExitCode code);

// A listing's exit code and its details': a signal first, then the listing's trouble, then the
// details'.
ExitCode combined_exit(ExitCode listing, ExitCode details);

}  // namespace kto::cli
