#pragma once
// UTF-8 as the JSON parser judges it: overlong forms, UTF-16 surrogates and code points past
// U+10FFFF are invalid. Real answers are not always clean; one stray byte in an address is mended
// (U+FFFD) rather than costing the whole page.
#include <string>
#include <string_view>

namespace kto::util {

bool is_valid_utf8(std::string_view text);
// Replaces every byte that is not part of a valid UTF-8 sequence with U+FFFD.
std::string mend_utf8(std::string_view text);

}  // namespace kto::util
