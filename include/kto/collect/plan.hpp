#pragma once
// What a run reads: a list of scopes (one listing query each) and how it pages through them.
#include <optional>
#include <string>
#include <vector>

#include "kto/api/tour_api.hpp"
#include "kto/util/result.hpp"

namespace kto::collect {

enum class Mode { major, all, regions, list };
const char* to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

// Where a run's provinces came from: asked for (--mode/--regions, the menu), the default mode
// (major), or, for an increment without an asked scope, what the database holds.
enum class ScopeSource { asked, default_mode, database };
const char* to_string(ScopeSource source);
std::optional<ScopeSource> parse_scope_source(std::string_view text);

struct CollectOptions {
  Mode mode = Mode::major;
  std::vector<int> regions;       // for Mode::regions
  int page_size = 1000;           // --page-size
  int concurrency = 0;            // --concurrency; 0 = from the number of usable keys
  bool resume = false;            // --resume
  std::optional<std::string> since;  // --since YYYYMMDD (already resolved from "last")
  ScopeSource scope_source = ScopeSource::asked;
  // `--since last` found no successful run to increment from: this run collects fully instead.
  bool full_for_since_last = false;
};

// One listing query that is paged through: "area:1", "national", "since:20261124:area:1" …
struct Scope {
  std::string name;
  std::string operation;  // areaBasedList2 or areaBasedSyncList2
  api::Params params;     // without paging
  int area_code = 0;      // the province it belongs to; 0 for national scopes
  bool sync_list = false;
  std::string day;        // for --since scopes: the YYYYMMDD of modifiedtime
  // A national sync scope of a run that covers some provinces: the shown items of these provinces
  // are written (empty: every item). A hidden item is written when its contentid is stored.
  std::vector<int> keep_areas;
};

// The area codes a mode covers (all and major: by area code).
std::vector<int> area_codes_for(const CollectOptions& options);

// The scopes of a full run: one per province by lDongRegnCd (so items with a blank areacode are
// not lost), or for Mode::all one national listing, which never costs more calls than 17
// provincial ones: ceil(sum / size) ≤ sum of ceil(n / size).
std::vector<Scope> full_scopes(const CollectOptions& options);

// The scope of one day of an increment: areaBasedSyncList2 with modifiedtime=day for the whole
// country, whatever the run covers, because the service sends hidden items (showflag 0) without
// their lDong* codes, so a query by lDongRegnCd never sees them. The items are assigned to their
// provinces locally (keep_areas). One call a day instead of one a day per province.
std::vector<Scope> since_scopes(const CollectOptions& options, const std::string& day);

// The days from since (YYYYMMDD) to today (KST), inclusive; error when since is malformed or in
// the future.
Result<std::vector<std::string>> since_days(const std::string& since, const std::string& today);

}  // namespace kto::collect
