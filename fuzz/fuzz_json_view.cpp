// libFuzzer target: the listing pages' JSON parser (util::JsonDoc) against nlohmann, the reference.
// Whatever nlohmann reads, JsonDoc reads too (within the depth limit) and to the same values; a
// text JsonDoc refuses is one nlohmann refuses. Two known differences are allowed: a number too
// large for a double (nlohmann refuses it; JsonDoc keeps its literal, stored as text), and a NUL
// byte, where nlohmann stops reading as if the text ended (JsonDoc refuses what follows).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json_reference.hpp"
#include "kto/util/json_view.hpp"

namespace {

using kto::fuzz::to_reference;

// The deepest nesting of brackets outside strings (the text is one nlohmann accepted).
int nesting(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

bool has_huge_number(const std::string& text) {
  // Cheap and conservative: an exponent or a long run of digits may overflow a double.
  std::size_t digits = 0;
  for (char c : text) {
    if (c == 'e' || c == 'E') return true;
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits > 300) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = kto::util::JsonDoc::parse(text, 64);
  if (text.find('\0') != std::string::npos) return 0;
  const nlohmann::json reference = nlohmann::json::parse(text, nullptr, false);
  if (doc && reference.is_discarded() && !has_huge_number(text)) std::abort();  // JsonDoc too lax
  if (!doc && !reference.is_discarded()) {
    // JsonDoc may refuse only what nests deeper than its limit.
    if (nesting(text) > 64) return 0;
    std::abort();  // JsonDoc too strict
  }
  if (doc && !reference.is_discarded() && to_reference(doc->root()) != reference) std::abort();
  return 0;
}
