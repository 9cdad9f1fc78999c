#pragma once
// A read-only JSON document built in one pass over the text, for the listing pages: 1,000 items of
// 26 strings each would cost a DOM tens of thousands of allocations; here a string without escapes
// is a view into the text, and every value keeps the text it was received as (raw_json stores it).
// Strict RFC 8259: anything else (a trailing comma, a lone surrogate, a control character in a
// string, invalid UTF-8, nesting deeper than the limit) is refused. Never throws on any input.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kto::util {

enum class JsonType : std::uint8_t { null, boolean, number, string, array, object };

class JsonDoc;

// Text that is not valid UTF-8: refused (as JSON requires), or mended first (each bad byte becomes
// U+FFFD), for answers where one stray byte in an address should not cost a whole page.
enum class BadUtf8 { refuse, mend };

// A value inside a JsonDoc; a default-constructed (or not found) value is invalid and answers
// every question with "nothing": type null, size 0, empty text. Valid only while its doc lives.
class JsonValue {
 public:
  JsonValue() = default;

  bool valid() const { return m_doc != nullptr; }
  explicit operator bool() const { return valid(); }
  JsonType type() const;
  bool is_object() const { return valid() && type() == JsonType::object; }
  bool is_array() const { return valid() && type() == JsonType::array; }
  bool is_string() const { return valid() && type() == JsonType::string; }
  bool is_number() const { return valid() && type() == JsonType::number; }
  bool is_null() const { return !valid() || type() == JsonType::null; }

  // A string's decoded text; a number, true, false or null: its literal as written; an object or
  // an array: its raw text.
  std::string_view text() const;
  // The value exactly as it appears in the document, whitespace included.
  std::string_view raw() const;
  // True when the value's raw text holds no whitespace between tokens (the service's own form).
  bool compact() const;

  // Members of an object or elements of an array, in the order received; 0 for anything else.
  std::size_t size() const;
  JsonValue at(std::size_t i) const;
  std::string_view key_at(std::size_t i) const;  // an object's i-th key (decoded); "" otherwise
  // The first member called key; invalid when there is none or this is not an object.
  JsonValue find(std::string_view key) const;
  // The text of member key ("" when missing): item["title"].
  std::string_view operator[](std::string_view key) const { return find(key).text(); }

 private:
  friend class JsonDoc;
  JsonValue(const JsonDoc* doc, std::uint32_t index) : m_doc(doc), m_index(index) {}
  const JsonDoc* m_doc = nullptr;
  std::uint32_t m_index = 0;
};

class JsonDoc {
 public:
  // nullptr when text is not exactly one well-formed JSON value or nests deeper than max_depth.
  static std::shared_ptr<const JsonDoc> parse(std::string text, int max_depth = 64,
                                              BadUtf8 bad_utf8 = BadUtf8::refuse);

  JsonValue root() const { return JsonValue(this, 0); }
  const std::string& text() const { return m_text; }

  JsonDoc(const JsonDoc&) = delete;
  JsonDoc& operator=(const JsonDoc&) = delete;
  ~JsonDoc();

 private:
  friend class JsonValue;
  friend class JsonParser;
  class Recycler;
  JsonDoc();

  struct Node {
    std::string_view text;   // decoded string / literal
    std::string_view raw;    // as received
    std::uint32_t first = 0; // containers: their children in m_children
    std::uint32_t count = 0;
    JsonType type = JsonType::null;
    bool compact = true;
  };
  struct Child {
    std::string_view key;  // "" for array elements
    std::uint32_t node = 0;
  };

  std::string m_text;
  std::vector<Node> m_nodes;
  std::vector<Child> m_children;  // each container's children are contiguous
  std::vector<std::unique_ptr<char[]>> m_decoded;  // blocks holding strings that had escapes
};

// Inline: the store reads 26 fields of every item through these.
inline JsonType JsonValue::type() const {
  return valid() ? m_doc->m_nodes[m_index].type : JsonType::null;
}
inline std::string_view JsonValue::text() const {
  return valid() ? m_doc->m_nodes[m_index].text : std::string_view{};
}
inline std::string_view JsonValue::raw() const {
  return valid() ? m_doc->m_nodes[m_index].raw : std::string_view{};
}
inline bool JsonValue::compact() const { return !valid() || m_doc->m_nodes[m_index].compact; }
inline std::size_t JsonValue::size() const {
  return is_object() || is_array() ? m_doc->m_nodes[m_index].count : 0;
}
inline JsonValue JsonValue::at(std::size_t i) const {
  if (i >= size()) return {};
  return {m_doc, m_doc->m_children[m_doc->m_nodes[m_index].first + i].node};
}
inline std::string_view JsonValue::key_at(std::size_t i) const {
  if (!is_object() || i >= size()) return {};
  return m_doc->m_children[m_doc->m_nodes[m_index].first + i].key;
}

// The value's raw text without whitespace between tokens (strings untouched), appended to out.
void json_minify(std::string_view raw, std::string& out);

}  // namespace kto::util
