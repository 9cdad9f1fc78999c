#pragma once
// UTF-8 as the JSON parser judges it: overlong forms, UTF-16 surrogates and code points past
// U+10FFFF are invalid. Real answers are not always clean; one stray byte in an address is mended
// (U+FFFD) rather than costing the whole page.
#include <cstddef>
#include <string>
#include <string_view>

namespace kto::util {

// Length of the valid UTF-8 sequence that starts at text[i] (i < text.size()), or 0 when there is
// none. Inline: the JSON parser checks each non-ASCII character of a string as it scans it.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xE0 && c <= 0xEF) {  // first: Hangul is three bytes
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (len > text.size() - i) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return len;
}

bool is_valid_utf8(std::string_view text);
// Replaces every byte that is not part of a valid UTF-8 sequence with U+FFFD.
std::string mend_utf8(std::string_view text);

}  // namespace kto::util
