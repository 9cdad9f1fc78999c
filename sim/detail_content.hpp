#pragma once
// What the detail operations say about an item: made up deterministically from the item's
// contentid and modifiedtime, so the same item answers the same until its modifiedtime changes,
// and then answers something else (as real details change when an item is edited).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataset.hpp"

namespace kto::sim {

// One row of a detail answer: field names and string values in the service's order. A field the
// real service sometimes leaves out is simply not in the list then.
using Fields = std::vector<std::pair<std::string_view, std::string>>;

// detailCommon2: the listing's fields plus telname, homepage (often an HTML <a> tag) and overview
// (long Korean text with <br>).
Fields common_fields(const Item& item);

// detailIntro2: for restaurants (39) the food fields, values often empty, some keys missing; for
// other types a few generic fields.
Fields intro_fields(const Item& item);

// detailImage2: the item's photos (menu = false, imageYN=Y) or a restaurant's menu photos
// (menu = true, imageYN=N). May be empty.
std::vector<Fields> image_rows(const Item& item, bool menu);

// detailInfo2: rows of infoname/infotext. May be empty.
std::vector<Fields> info_rows(const Item& item);

}  // namespace kto::sim
