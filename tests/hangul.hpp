#pragma once
// Whether a text holds Korean: the unit and integration tests of "one language" both ask it.
#include <cstddef>
#include <string_view>

namespace kto::test {

inline bool has_hangul(std::string_view text) {
  // Hangul syllables U+AC00..U+D7A3 are encoded in UTF-8 as EA B0 80 .. ED 9E A3.
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if ((b0 > 0xEA && b0 < 0xED) || (b0 == 0xEA && b1 >= 0xB0) || (b0 == 0xED && b1 <= 0x9E))
      return true;
  }
  return false;
}

}  // namespace kto::test
