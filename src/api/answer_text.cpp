// Small text helpers for answers: XML nesting, counts written as strings.
#include <charconv>

#include "answer_parse.hpp"

namespace kto::api::detail {

bool xml_nesting_exceeds(std::string_view body, int limit) {
  int depth = 0;
  for (std::size_t i = 0; i + 1 < body.size(); ++i) {
    if (body[i] == '<') {
      char next = body[i + 1];
      if (next == '/') --depth;
      else if (next != '?' && next != '!' && ++depth > limit) return true;
    } else if (body[i] == '/' && body[i + 1] == '>') {
      --depth;
    }
  }
  return false;
}

bool parse_count(std::string_view text, long long& out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty() || text.front() == '-' || text.front() == '+') return false;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  out = value;
  return true;
}

}  // namespace kto::api::detail
