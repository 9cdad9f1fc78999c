#pragma once
// The walk both stores make to hand out pending detail work (Store::pending_details): a chunk is
// filled one class after another from the cursor, in the order the work is handed out.
#include <string>

#include "kto/store/details.hpp"
#include "kto/util/result.hpp"

namespace kto::store {

// Moves cursor to the start of the class after its own; false after the backlog (the last).
inline bool next_class(PendingCursor& cursor) {
  if (cursor.cls == PendingClass::backlog) return false;
  cursor.cls = cursor.cls == PendingClass::fresh ? PendingClass::changed : PendingClass::backlog;
  cursor.after_contentid.clear();
  return true;
}

// At most limit items from cursor. read_class(cursor, want, chunk) appends up to want items of
// cursor's class to chunk.items, moves cursor past them and answers how many it appended (fewer
// than want: that class has no more).
template <class ReadClass>
Result<PendingChunk> walk_pending(const PendingCursor& cursor, int limit, ReadClass read_class) {
  if (limit < 1)
    return make_error("남은 상세정보는 1건 이상씩 읽어야 합니다 (limit " + std::to_string(limit) + ")");
  PendingChunk chunk;
  chunk.next = cursor;
  while (true) {
    const int want = limit - static_cast<int>(chunk.items.size());
    Result<int> got = read_class(chunk.next, want, chunk);
    if (!got) return got.error();
    if (*got == want) return chunk;  // full: more may follow in this class
    if (!next_class(chunk.next)) {
      chunk.done = true;
      return chunk;
    }
  }
}

}  // namespace kto::store
