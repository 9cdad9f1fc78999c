// Text the server will take (pg_store_util.hpp): U+0000 out, province lists as arrays.
#include "pg_store_util.hpp"

namespace kto::store::pg {
namespace {
constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
}  // namespace

std::string without_nul(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\0') out += k_replacement;
    else out.push_back(c);
  }
  return out;
}

std::string json_without_nul(std::string_view raw) {
  if (raw.find("\\u0000") == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      out.push_back(raw[i]);
      continue;
    }
    // An escape: two characters, or six for \uXXXX; only \u0000 changes.
    if (raw.substr(i, 6) == "\\u0000") {
      out += "\\ufffd";
      i += 5;
    } else {
      out.push_back(raw[i]);
      out.push_back(raw[i + 1]);
      ++i;
    }
  }
  return out;
}

std::string int_array(const std::vector<int>& values) {
  if (values.empty()) return {};
  std::string out = "{";
  for (int v : values) out += (out.size() > 1 ? "," : "") + std::to_string(v);
  return out + "}";
}

}  // namespace kto::store::pg
