#pragma once
// What an increment covers when no scope was asked for, and how a run says what it covered.
#include <string>
#include <vector>

#include "kto/collect/plan.hpp"
#include "kto/store/store.hpp"

namespace kto::collect {

// The provinces the database holds: those of its stored rows and those its successful full
// collections covered (all 17 after one --mode all, even a province that had no restaurant then),
// in the seed's order.
Result<std::vector<int>> held_area_codes(store::Store& db);

// An increment (options.since) without an asked scope (ScopeSource::default_mode) covers what the
// database holds, as Mode::all (all 17) or Mode::regions, and logs it; a database that holds no
// province keeps the default mode. Anything else is left as it is.
Result<void> resolve_increment_scope(CollectOptions& options, store::Store& db);

// The provinces as a person reads them: "전국 (17개 시도)" or "서울, 부산".
std::string scope_text(const CollectOptions& options);

// The report's line on what a run covered and why (Korean); "" for a full run asked as such.
std::string scope_note(const CollectOptions& options);

}  // namespace kto::collect
