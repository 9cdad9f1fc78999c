#pragma once
// raw_json: the item as received, serialised once per stored item (the store's hot path).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace kto::store {

// Writes exactly what item.dump(-1, ' ', false, error_handler_t::replace) writes, into out (whose
// capacity is reused from item to item). Items are flat objects of strings: those are written by a
// byte loop several times faster than nlohmann's serializer; anything else (numbers, nesting,
// invalid UTF-8) goes through nlohmann itself.
void dump_item(const nlohmann::json& item, std::string& out);

// True when text is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace kto::store
