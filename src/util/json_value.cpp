// Looking members up in a parsed JsonDoc, and minifying a value's raw text. (The accessors the
// store calls for every field are inline in the header.)
#include "kto/util/json_view.hpp"

namespace kto::util {

JsonValue JsonValue::find(std::string_view key) const {
  if (!is_object()) return {};
  const JsonDoc::Node& node = m_doc->m_nodes[m_index];
  for (std::uint32_t i = 0; i < node.count; ++i) {
    const JsonDoc::Child& child = m_doc->m_children[node.first + i];
    if (m_doc->key_of(child) == key) return {m_doc, child.node};
  }
  return {};
}

void json_minify(std::string_view raw, std::string& out) {
  out.reserve(out.size() + raw.size());
  bool in_string = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < raw.size()) out += raw[++i];
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out += c;
    }
  }
}

}  // namespace kto::util
