#pragma once
// What an increment covers when no scope was asked for, and how a run says what it covered.
#include <string>
#include <vector>

#include "kto/collect/plan.hpp"
#include "kto/store/store.hpp"

namespace kto::collect {

// The provinces the database holds: those of its stored rows and those its successful full
// collections covered (all 17 after one --mode all, even a province that had no restaurant then),
// by area code.
Result<std::vector<int>> held_area_codes(store::Store& db);

// An increment (options.since) without an asked scope (ScopeSource::default_mode) covers what the
// database holds, as Mode::all (all 17) or Mode::regions, and logs it; a database that holds no
// province keeps the default mode. Anything else is left as it is.
Result<void> resolve_increment_scope(CollectOptions& options, store::Store& db);

// The provinces of a stored run record ("1,6,31", as the run wrote them); empty when the text
// cannot be read, so a damaged record matches no scope asked for.
std::vector<int> area_codes_of(const std::string& regions);

// How a run's scope reads to a person. names: "전국 (17개 시도)" or "서울, 부산" (the report, the
// increment's lines). mode_and_codes: "모드 all (전국)" or "모드 regions (서울(1), 부산(6))" (what
// a --resume runs or refuses, where the codes are what the flags take).
enum class ScopeStyle { names, mode_and_codes };
std::string scope_text(const CollectOptions& options, ScopeStyle style = ScopeStyle::names);
// The same for a stored run, from its record's mode and regions.
std::string scope_text(const store::RunRecord& run, ScopeStyle style = ScopeStyle::names);

// The report's line on what a run covered and why (Korean); "" for a full run asked as such.
std::string scope_note(const CollectOptions& options);

}  // namespace kto::collect
