#pragma once
// Shared by the details' store tests: listing rows made to measure (contentid, modifiedtime,
// province, hidden, when first seen) and detail answers to write, each owning its document.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "unit/store_support.hpp"

namespace kto::store::testing {

// The listing modifiedtime the details tests give their rows.
inline const std::string k_mod = "20261101000000";

// Before new_run()'s start ("2026-11-25T02:00:00+09:00"): rows of earlier runs, the backlog.
inline const std::string k_before_run = "2026-11-24T02:00:00+09:00";
// After it: rows first seen in the run, "new".
inline const std::string k_in_run = "2026-11-25T02:10:00+09:00";
inline const std::string k_fetched_at = "2026-11-25T02:20:00+09:00";

inline nlohmann::json listing_item(const std::string& contentid, const std::string& modifiedtime,
                                   bool shown = true) {
  return {{"contentid", contentid},   {"contenttypeid", "39"}, {"title", "식당 " + contentid},
          {"modifiedtime", modifiedtime}, {"showflag", shown ? "1" : "0"}};
}

// Writes rows of one province first seen at now; sync pages carry showflag (hidden rows).
// A vector, not a json: a braced list of one object would make that object, not an array of it.
inline void put_rows(Store& db, std::int64_t run_id, const std::vector<nlohmann::json>& rows,
                     const std::string& now, int area_code = 1, bool sync = false) {
  static int page_no = 0;
  const nlohmann::json items(rows);
  TestPage page = page_of(items, run_id, now, ++page_no, sync, area_code);
  auto stats = db.write_page(page);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
}

// A detail answer to write; its views live in doc.
struct TestDetail {
  std::shared_ptr<const kto::util::JsonDoc> doc;
  DetailWrite write;
};

inline TestDetail detail_of(const std::string& contentid, DetailKind kind,
                            const std::string& modifiedtime, const nlohmann::json& answer) {
  TestDetail detail;
  detail.doc = kto::util::JsonDoc::parse(answer.dump());
  EXPECT_NE(detail.doc, nullptr);
  detail.write.contentid = contentid;
  detail.write.kind = kind;
  detail.write.modifiedtime = modifiedtime;
  detail.write.fetched_at = k_fetched_at;
  if (detail.doc == nullptr) return detail;
  const kto::util::JsonValue root = detail.doc->root();
  if (kind == DetailKind::common || kind == DetailKind::intro) {
    detail.write.item = root;
  } else {
    for (std::size_t i = 0; i < root.size(); ++i) detail.write.images.push_back(root.at(i));
  }
  return detail;
}

// "items": "" — the service has no details of that kind for the item.
inline TestDetail no_details(const std::string& contentid, DetailKind kind,
                             const std::string& modifiedtime) {
  TestDetail detail = detail_of(contentid, kind, modifiedtime, nlohmann::json::array());
  detail.write.found = false;
  return detail;
}

inline Result<DetailWriteStats> write_one(Store& db, const TestDetail& detail) {
  return db.write_details({&detail.write, 1});
}

// Every pending item of the query, read in chunks of limit.
inline std::vector<PendingItem> all_pending(Store& db, const PendingQuery& query, int limit = 1000) {
  std::vector<PendingItem> items;
  PendingCursor cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    auto chunk = db.pending_details(query, cursor, limit);
    EXPECT_TRUE(chunk.ok()) << chunk.error().message;
    if (!chunk.ok()) break;
    items.insert(items.end(), chunk->items.begin(), chunk->items.end());
    if (chunk->done) break;
    cursor = chunk->next;
  }
  return items;
}

inline std::vector<std::string> ids_of(const std::vector<PendingItem>& items) {
  std::vector<std::string> ids;
  for (const PendingItem& item : items) ids.push_back(item.contentid);
  return ids;
}

}  // namespace kto::store::testing
