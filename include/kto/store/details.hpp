#pragma once
// Restaurant details (issue 17, docs/contracts.md "Details"): what the store keeps of the detail
// operations and how the collector asks it what is left to fetch. The store names kinds of detail
// work, not TourAPI operations: the collector maps common → detailCommon2, intro → detailIntro2,
// item_images → detailImage2 imageYN=Y, menu_images → detailImage2 imageYN=N.
// Included by store.hpp; the Store's methods that use these types are declared there.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kto/util/json_view.hpp"

namespace kto::store {

enum class DetailKind {
  common,       // overview, homepage, tel, telname (+ common_json)
  intro,        // the 16 restaurant intro fields (+ intro_json)
  item_images,  // restaurant_images kind "item"
  menu_images,  // restaurant_images kind "menu"
};

inline constexpr std::array<DetailKind, 4> k_detail_kinds{
    DetailKind::common, DetailKind::intro, DetailKind::item_images, DetailKind::menu_images};

// "common", "intro", "item_images", "menu_images" (the metrics' and --json's label).
std::string_view to_string(DetailKind kind);
std::optional<DetailKind> parse_detail_kind(std::string_view text);

// Why an item is pending, in the order the work is handed out: new items first, then changed ones,
// then the backlog, so a nightly run keeps up with changes before it works down the rest.
enum class PendingClass {
  fresh,    // first seen in the query's run (no details yet)
  changed,  // details of that kind exist but reflect another modifiedtime than the listing's
  backlog,  // never fetched, and the row is older than the run
};

// "new", "changed", "backlog".
std::string_view to_string(PendingClass cls);

// Which items a detail kind still needs: shown rows (hidden = 0) of the provinces whose details of
// that kind are missing or reflect another modifiedtime than the row's listing modifiedtime.
struct PendingQuery {
  DetailKind kind = DetailKind::common;
  std::vector<int> area_codes;  // provinces (restaurants.area_code); empty = all
  // Rows first seen in this run (first_seen_at at or after its started_at) are "new"; 0: none is,
  // new rows count as backlog (`collector details` without a listing).
  std::int64_t run_id = 0;
};

// Where the next chunk starts: after contentid within class cls (and then the classes after it).
// A default cursor starts at the beginning. Items handed out stay pending until written, but the
// cursor has moved past them, so a chunk never repeats what an earlier one gave.
struct PendingCursor {
  PendingClass cls = PendingClass::fresh;
  std::string after_contentid;  // "" = from the start of the class
};

struct PendingItem {
  std::string contentid;
  std::string contenttypeid;  // detailIntro2 needs it
  std::string modifiedtime;   // the listing's: what the fetched details will reflect
  int area_code = 0;
  PendingClass cls = PendingClass::fresh;
};

struct PendingChunk {
  std::vector<PendingItem> items;  // at most limit, in class order then by contentid
  PendingCursor next;              // pass to the next call
  bool done = false;               // no pending item after next: stop reading
};

struct PendingCounts {
  long long fresh = 0;
  long long changed = 0;
  long long backlog = 0;
  long long total() const { return fresh + changed + backlog; }
};

// One fetched detail answer to store. The item (and images) views must outlive the write.
struct DetailWrite {
  std::string contentid;
  DetailKind kind = DetailKind::common;
  std::string modifiedtime;  // the PendingItem's modifiedtime: what these details reflect
  std::string fetched_at;    // ISO 8601 KST
  // false: the service answered `items: ""` (no details): recorded, so the item is not asked
  // again until its modifiedtime changes. For images that is simply no photos.
  bool found = true;
  // common / intro: the answer's item object. Fields are read by their service names (missing
  // keys are stored as ""), its raw text goes to common_json / intro_json.
  util::JsonValue item;
  // item_images / menu_images: the answer's image objects (contentid, originimgurl, imgname,
  // smallimageurl, cpyrhtDivCd, serialnum); they replace the item's stored images of that kind.
  std::vector<util::JsonValue> images;
};

struct DetailWriteStats {
  int written = 0;
  // Writes whose contentid has no restaurants row (never listed): nothing can reference it.
  int skipped = 0;
};

}  // namespace kto::store
