// Reading a parsed JsonDoc: values, members, raw text; and minifying a value's raw text.
#include "kto/util/json_view.hpp"

namespace kto::util {

JsonType JsonValue::type() const { return valid() ? m_doc->m_nodes[m_index].type : JsonType::null; }

std::string_view JsonValue::text() const { return valid() ? m_doc->m_nodes[m_index].text : std::string_view{}; }

std::string_view JsonValue::raw() const { return valid() ? m_doc->m_nodes[m_index].raw : std::string_view{}; }

bool JsonValue::compact() const { return !valid() || m_doc->m_nodes[m_index].compact; }

std::size_t JsonValue::size() const {
  if (!is_object() && !is_array()) return 0;
  return m_doc->m_nodes[m_index].count;
}

JsonValue JsonValue::at(std::size_t i) const {
  if (i >= size()) return {};
  return {m_doc, m_doc->m_children[m_doc->m_nodes[m_index].first + i].node};
}

std::string_view JsonValue::key_at(std::size_t i) const {
  if (!is_object() || i >= size()) return {};
  return m_doc->m_children[m_doc->m_nodes[m_index].first + i].key;
}

JsonValue JsonValue::find(std::string_view key) const {
  if (!is_object()) return {};
  const JsonDoc::Node& node = m_doc->m_nodes[m_index];
  for (std::uint32_t i = 0; i < node.count; ++i) {
    const JsonDoc::Child& child = m_doc->m_children[node.first + i];
    if (child.key == key) return {m_doc, child.node};
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
