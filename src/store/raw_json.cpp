#include "kto/store/raw_json.hpp"

#include <array>
#include <cstdint>

namespace kto::store {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

// How nlohmann escapes a byte below 0x20 (or a quote, a backslash) with ensure_ascii off: the short
// forms where JSON has them, \u00xx (lowercase hex) otherwise. 0 = written as it is.
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}
constexpr std::array<char, 256> k_escape = make_escape_table();

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;  // bytes copied as they are, flushed in one append
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char esc = k_escape[static_cast<unsigned char>(text[i])];
    if (esc == 0) {
      ++run;
      continue;
    }
    out.append(text.data() + i - run, run);
    run = 0;
    out += '\\';
    out += esc;
    if (esc == 'u') {
      const auto c = static_cast<unsigned char>(text[i]);
      out += "00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    }
  }
  out.append(text.data() + text.size() - run, run);
  out += '"';
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // The lead byte gives the length; C0, C1 and F5…FF never start a sequence.
    std::size_t len = 0;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    else return false;
    std::uint32_t cp = c & (0x7Fu >> len);
    if (static_cast<std::size_t>(end - p) < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if (!is_continuation(p[k])) return false;
      cp = (cp << 6) | (p[k] & 0x3Fu);
    }
    // Overlong forms, UTF-16 surrogates and code points past Unicode are not UTF-8.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += len;
  }
  return true;
}

void dump_item(const nlohmann::json& item, std::string& out) {
  out.clear();
  bool simple = item.is_object();
  if (simple) {
    out += '{';
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (!it->is_string()) {
        simple = false;
        break;
      }
      const std::string& key = it.key();
      const std::string& value = it->get_ref<const std::string&>();
      if (!is_valid_utf8(key) || !is_valid_utf8(value)) {
        simple = false;
        break;
      }
      if (out.size() > 1) out += ',';
      append_escaped(out, key);
      out += ':';
      append_escaped(out, value);
    }
    out += '}';
  }
  if (!simple) out = item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kto::store
