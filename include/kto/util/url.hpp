#pragma once
#include <string>
#include <string_view>

namespace kto::util {

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view text);
// Decodes %XX and leaves '+' as it is (a data.go.kr "Decoding" key may hold a literal '+').
std::string url_decode(std::string_view text);
// Decodes %XX and '+' as space, as an HTTP server decodes a query string.
std::string url_decode_query(std::string_view text);
// True when the text holds at least one valid %XX escape: a key pasted in the portal's "Encoding" form.
bool looks_percent_encoded(std::string_view text);

}  // namespace kto::util
