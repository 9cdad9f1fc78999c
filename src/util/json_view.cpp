// The one-pass JSON parser behind JsonDoc: recursive descent over the text, nodes in one vector,
// each container's children gathered on a stack and copied out contiguously when it closes.
#include "kto/util/json_view.hpp"

#include <cstring>
#include <mutex>

#include "kto/util/utf8.hpp"

namespace kto::util {

// Storage of documents that are gone, kept for the next ones. Pages are parsed on the fetching
// threads and freed on the writing one: fresh vectors each time left every thread's malloc arena
// holding its own few megabytes of free chunks (measured: ~10 MB of peak RSS per worker). A few
// recycled vectors of the right size cost nothing and keep the peak at the pages alive.
class JsonDoc::Recycler {
 public:
  static Recycler& instance() {
    static Recycler recycler;
    return recycler;
  }

  void take(std::vector<Node>& nodes, std::vector<Child>& children) {
    std::lock_guard lock(m_mutex);
    if (!m_nodes.empty()) {
      nodes = std::move(m_nodes.back());
      m_nodes.pop_back();
    }
    if (!m_children.empty()) {
      children = std::move(m_children.back());
      m_children.pop_back();
    }
  }

  void give(std::vector<Node>& nodes, std::vector<Child>& children) {
    nodes.clear();
    children.clear();
    std::lock_guard lock(m_mutex);
    if (m_nodes.size() < k_keep && nodes.capacity() * sizeof(Node) <= k_max_bytes)
      m_nodes.push_back(std::move(nodes));
    if (m_children.size() < k_keep && children.capacity() * sizeof(Child) <= k_max_bytes)
      m_children.push_back(std::move(children));
  }

 private:
  static constexpr std::size_t k_keep = 16;  // more than the pages a run has alive at once
  static constexpr std::size_t k_max_bytes = 16u << 20;
  std::mutex m_mutex;
  std::vector<std::vector<Node>> m_nodes;
  std::vector<std::vector<Child>> m_children;
};

JsonDoc::JsonDoc() { Recycler::instance().take(m_nodes, m_children); }
JsonDoc::~JsonDoc() { Recycler::instance().give(m_nodes, m_children); }

class JsonParser {
 public:
  JsonParser(JsonDoc& doc, int max_depth) : m_doc(doc), m_text(doc.m_text), m_max_depth(max_depth) {}

  bool run() {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") m_pos = 3;  // a byte order mark, as other parsers allow
    skip_ws();
    if (!value(0)) return false;
    skip_ws();
    return m_pos == m_text.size();
  }

 private:
  static constexpr std::size_t k_block = 64 * 1024;

  JsonDoc& m_doc;
  std::string_view m_text;
  int m_max_depth;
  std::size_t m_pos = 0;
  std::size_t m_ws = 0;  // whitespace runs skipped so far: a container is compact when none fell inside
  std::vector<JsonDoc::Child> m_stack;
  char* m_block = nullptr;  // the current block for decoded strings
  std::size_t m_block_used = k_block;

  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

  void skip_ws() {
    const std::size_t start = m_pos;
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
      ++m_pos;
    }
    if (m_pos != start) ++m_ws;
  }

  std::uint32_t add_node(JsonType type) {
    m_doc.m_nodes.emplace_back();
    m_doc.m_nodes.back().type = type;
    return static_cast<std::uint32_t>(m_doc.m_nodes.size() - 1);
  }

  bool literal(std::string_view word, JsonType type) {
    if (m_text.compare(m_pos, word.size(), word) != 0) return false;
    const std::uint32_t node = add_node(type);
    m_doc.m_nodes[node].text = m_doc.m_nodes[node].raw = m_text.substr(m_pos, word.size());
    m_pos += word.size();
    return true;
  }

  bool digits() {
    const std::size_t start = m_pos;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++m_pos;
    return m_pos > start;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number() {
    const std::size_t start = m_pos;
    if (peek() == '-') ++m_pos;
    if (peek() == '0') ++m_pos;
    else if (!digits()) return false;
    if (peek() == '.') {
      ++m_pos;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++m_pos;
      if (peek() == '+' || peek() == '-') ++m_pos;
      if (!digits()) return false;
    }
    const std::uint32_t node = add_node(JsonType::number);
    m_doc.m_nodes[node].text = m_doc.m_nodes[node].raw = m_text.substr(start, m_pos - start);
    return true;
  }

  char* reserve_decoded(std::size_t size) {
    if (size > k_block / 4) {  // a long string gets a block of its own
      m_doc.m_decoded.push_back(std::make_unique<char[]>(size));
      return m_doc.m_decoded.back().get();
    }
    if (m_block_used + size > k_block) {
      m_doc.m_decoded.push_back(std::make_unique<char[]>(k_block));
      m_block = m_doc.m_decoded.back().get();
      m_block_used = 0;
    }
    char* out = m_block + m_block_used;
    m_block_used += size;
    return out;
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(std::size_t at, std::uint32_t& out) const {
    if (at + 4 > m_text.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int d = hex_digit(m_text[at + k]);
      if (d < 0) return false;
      out = out * 16 + static_cast<std::uint32_t>(d);
    }
    return true;
  }

  static std::size_t put_utf8(std::uint32_t cp, char* out) {
    auto b = [](std::uint32_t v) { return static_cast<char>(v); };
    if (cp < 0x80) {
      out[0] = b(cp);
      return 1;
    }
    if (cp < 0x800) {
      out[0] = b(0xC0 | (cp >> 6));
      out[1] = b(0x80 | (cp & 0x3F));
      return 2;
    }
    if (cp < 0x10000) {
      out[0] = b(0xE0 | (cp >> 12));
      out[1] = b(0x80 | ((cp >> 6) & 0x3F));
      out[2] = b(0x80 | (cp & 0x3F));
      return 3;
    }
    out[0] = b(0xF0 | (cp >> 18));
    out[1] = b(0x80 | ((cp >> 12) & 0x3F));
    out[2] = b(0x80 | ((cp >> 6) & 0x3F));
    out[3] = b(0x80 | (cp & 0x3F));
    return 4;
  }

  // One escape at m_pos (after the backslash) written to out; returns the bytes written or 0.
  std::size_t escape(char* out) {
    const char c = peek();
    ++m_pos;
    switch (c) {
      case '"': case '\\': case '/': *out = c; return 1;
      case 'b': *out = '\b'; return 1;
      case 'f': *out = '\f'; return 1;
      case 'n': *out = '\n'; return 1;
      case 'r': *out = '\r'; return 1;
      case 't': *out = '\t'; return 1;
      case 'u': break;
      default: return 0;
    }
    std::uint32_t cp = 0;
    if (!hex4(m_pos, cp)) return 0;
    m_pos += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return 0;  // a low surrogate first
    if (cp >= 0xD800 && cp <= 0xDBFF) {          // a high one needs its low partner
      std::uint32_t low = 0;
      if (m_text.compare(m_pos, 2, "\\u") != 0 || !hex4(m_pos + 2, low) || low < 0xDC00 ||
          low > 0xDFFF)
        return 0;
      m_pos += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return put_utf8(cp, out);
  }

  // A string at m_pos (the opening quote). Without escapes its text is a view into the document.
  bool string(std::string_view& text) {
    const std::size_t start = ++m_pos;
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(m_text[m_pos]);
      if (c == '"') {
        text = m_text.substr(start, m_pos - start);
        ++m_pos;
        return true;
      }
      if (c == '\\') return escaped_string(start, text);
      if (c < 0x20) return false;
      ++m_pos;
    }
    return false;
  }

  // The slow path: decoded text is never longer than the raw text, so one reservation suffices.
  bool escaped_string(std::size_t start, std::string_view& text) {
    std::size_t end = m_pos;
    while (end < m_text.size() && m_text[end] != '"') end += m_text[end] == '\\' ? 2 : 1;
    char* out = reserve_decoded(end - start + 1);
    std::size_t used = m_pos - start;
    std::memcpy(out, m_text.data() + start, used);
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(m_text[m_pos]);
      if (c == '"') {
        text = std::string_view(out, used);
        ++m_pos;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++m_pos;
        const std::size_t n = escape(out + used);
        if (n == 0) return false;
        used += n;
      } else {
        out[used++] = static_cast<char>(c);
        ++m_pos;
      }
    }
    return false;
  }

  void close_container(std::uint32_t node, std::size_t stack_start, std::size_t ws_start,
                       std::size_t raw_start) {
    auto& children = m_doc.m_children;
    const auto first = static_cast<std::uint32_t>(children.size());
    children.insert(children.end(), m_stack.begin() + static_cast<std::ptrdiff_t>(stack_start),
                    m_stack.end());
    m_stack.resize(stack_start);
    JsonDoc::Node& n = m_doc.m_nodes[node];
    n.first = first;
    n.count = static_cast<std::uint32_t>(children.size() - first);
    n.raw = n.text = m_text.substr(raw_start, m_pos - raw_start);
    n.compact = m_ws == ws_start;
  }

  bool container(int depth, bool object) {
    if (depth >= m_max_depth) return false;
    const std::size_t raw_start = m_pos;
    const std::size_t ws_start = m_ws;
    const std::size_t stack_start = m_stack.size();
    const std::uint32_t node = add_node(object ? JsonType::object : JsonType::array);
    const char close = object ? '}' : ']';
    ++m_pos;
    skip_ws();
    if (peek() == close) {
      ++m_pos;
      close_container(node, stack_start, ws_start, raw_start);
      return true;
    }
    while (true) {
      std::string_view key;
      if (object) {
        if (peek() != '"' || !string(key)) return false;
        skip_ws();
        if (peek() != ':') return false;
        ++m_pos;
        skip_ws();
      }
      const auto child = static_cast<std::uint32_t>(m_doc.m_nodes.size());
      if (!value(depth + 1)) return false;
      m_stack.push_back({key, child});
      skip_ws();
      if (peek() == ',') {
        ++m_pos;
        skip_ws();
        continue;
      }
      if (peek() != close) return false;
      ++m_pos;
      close_container(node, stack_start, ws_start, raw_start);
      return true;
    }
  }

  bool value(int depth) {
    switch (peek()) {
      case '{': return container(depth, true);
      case '[': return container(depth, false);
      case '"': {
        const std::size_t start = m_pos;
        std::string_view text;
        if (!string(text)) return false;
        const std::uint32_t node = add_node(JsonType::string);
        m_doc.m_nodes[node].text = text;
        m_doc.m_nodes[node].raw = m_text.substr(start, m_pos - start);
        return true;
      }
      case 't': return literal("true", JsonType::boolean);
      case 'f': return literal("false", JsonType::boolean);
      case 'n': return literal("null", JsonType::null);
      default: return number();
    }
  }
};

std::shared_ptr<const JsonDoc> JsonDoc::parse(std::string text, int max_depth, BadUtf8 bad_utf8) {
  if (!is_valid_utf8(text)) {
    if (bad_utf8 == BadUtf8::refuse) return nullptr;
    text = mend_utf8(text);
  }
  std::shared_ptr<JsonDoc> doc(new JsonDoc());
  doc->m_text = std::move(text);
  // A listing item is ~27 values; one node per ~25 bytes is a fair first guess.
  doc->m_nodes.reserve(doc->m_text.size() / 25 + 8);
  doc->m_children.reserve(doc->m_text.size() / 25 + 8);
  JsonParser parser(*doc, max_depth);
  if (!parser.run()) return nullptr;
  return doc;
}

}  // namespace kto::util
