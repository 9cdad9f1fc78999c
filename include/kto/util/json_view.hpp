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

namespace detail {
// JsonDoc::parse with a lower size limit than JsonDoc::k_max_size: lets a test see the refusal
// without building a 256 MB text. Nothing else should call it.
std::shared_ptr<const JsonDoc> parse_json_within(std::size_t max_size, std::string text,
                                                 int max_depth, BadUtf8 bad_utf8);
}  // namespace detail

class JsonDoc {
 public:
  // The longest text parse accepts: a value's raw length is kept in 28 bits (the transport caps a
  // body at 64 MB anyway).
  static constexpr std::size_t k_max_size = (std::size_t{1} << 28) - 1;

  // nullptr when text is not exactly one well-formed JSON value, nests deeper than max_depth, or
  // is longer than k_max_size.
  static std::shared_ptr<const JsonDoc> parse(std::string text, int max_depth = 64,
                                              BadUtf8 bad_utf8 = BadUtf8::refuse);

  JsonValue root() const { return JsonValue(this, 0); }
  const std::string& text() const { return m_text; }

  // An empty string holding the buffer of the text of a document now gone (or no buffer), to
  // receive the next answer's body: a body becomes a document's text, so its megabyte goes round
  // instead of being mapped, faulted in page by page and unmapped again for every page fetched.
  static std::string recycled_text();
  // How many documents exist now (all threads), and the most that existed at once since the last
  // reset_alive_peak(): lets a test hold the collector to its promise of at most one page per
  // worker, plus the one being written.
  static int alive();
  static int alive_peak();
  static void reset_alive_peak();

  JsonDoc(const JsonDoc&) = delete;
  JsonDoc& operator=(const JsonDoc&) = delete;
  ~JsonDoc();

 private:
  friend class JsonValue;
  friend class JsonParser;
  friend std::shared_ptr<const JsonDoc> detail::parse_json_within(std::size_t, std::string, int,
                                                                  BadUtf8);
  class Recycler;
  JsonDoc();

  // Positions instead of views: a listing page has ~26,000 values and up to seven pages are alive
  // at once, so a value's size counts (docs/performance.md, "The JSON reader").
  static constexpr std::uint32_t k_size_bits = 28;
  static constexpr std::uint32_t k_size_mask = (1u << k_size_bits) - 1;
  static constexpr std::uint32_t k_flag = 1u << 31;
  struct Node {
    std::uint32_t raw_at = 0;  // raw: m_text[raw_at, raw_at + raw size)
    // Low 28 bits: the raw size; then the JsonType (3 bits); then a flag (k_flag): a string's text
    // is in m_decoded (it had escapes); an object's or an array's raw text holds whitespace.
    std::uint32_t bits = 0;
    std::uint32_t first = 0;  // containers: their first child in m_children; others: text position
    std::uint32_t count = 0;  // containers: how many children; others: text size
  };
  struct Child {
    std::uint32_t key_at = 0;    // an object's key: in m_text, or in m_decoded with k_flag
    std::uint32_t key_bits = 0;  // the key's size, | k_flag when it had escapes; 0 in arrays
    std::uint32_t node = 0;
  };
  static_assert(sizeof(Node) == 16 && sizeof(Child) == 12);

  static JsonType type_of(const Node& n) {
    return static_cast<JsonType>((n.bits >> k_size_bits) & 7u);
  }
  static bool is_container(const Node& n) { return type_of(n) >= JsonType::array; }
  const char* base(std::uint32_t bits) const {
    return (bits & k_flag) != 0 ? m_decoded.data() : m_text.data();
  }
  std::string_view raw_of(const Node& n) const {
    return {m_text.data() + n.raw_at, n.bits & k_size_mask};
  }
  // A string's decoded text or a literal as written (both placed by the parser); a container's raw.
  std::string_view text_of(const Node& n) const {
    return is_container(n) ? raw_of(n) : std::string_view(base(n.bits) + n.first, n.count);
  }
  std::string_view key_of(const Child& c) const {
    return {base(c.key_bits) + c.key_at, c.key_bits & ~k_flag};
  }

  std::string m_text;
  std::vector<Node> m_nodes;
  std::vector<Child> m_children;  // each container's children are contiguous
  std::string m_decoded;          // the text of strings and keys that had escapes, back to back
};

// Inline: the store reads 26 fields of every item through these.
inline JsonType JsonValue::type() const {
  return valid() ? JsonDoc::type_of(m_doc->m_nodes[m_index]) : JsonType::null;
}
inline std::string_view JsonValue::text() const {
  return valid() ? m_doc->text_of(m_doc->m_nodes[m_index]) : std::string_view{};
}
inline std::string_view JsonValue::raw() const {
  return valid() ? m_doc->raw_of(m_doc->m_nodes[m_index]) : std::string_view{};
}
inline bool JsonValue::compact() const {
  if (!valid()) return true;
  const JsonDoc::Node& n = m_doc->m_nodes[m_index];
  return !JsonDoc::is_container(n) || (n.bits & JsonDoc::k_flag) == 0;
}
inline std::size_t JsonValue::size() const {
  if (!valid()) return 0;
  const JsonDoc::Node& n = m_doc->m_nodes[m_index];
  return JsonDoc::is_container(n) ? n.count : 0;
}
inline JsonValue JsonValue::at(std::size_t i) const {
  if (i >= size()) return {};
  return {m_doc, m_doc->m_children[m_doc->m_nodes[m_index].first + i].node};
}
inline std::string_view JsonValue::key_at(std::size_t i) const {
  if (!is_object() || i >= size()) return {};
  return m_doc->key_of(m_doc->m_children[m_doc->m_nodes[m_index].first + i]);
}

// The value's raw text without whitespace between tokens (strings untouched), appended to out.
void json_minify(std::string_view raw, std::string& out);

}  // namespace kto::util
