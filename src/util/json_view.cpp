// The one-pass JSON parser behind JsonDoc: recursive descent over the text, nodes in one vector,
// each container's children gathered on a stack and copied out contiguously when it closes. Nodes
// hold 32-bit positions into the text (or into m_decoded for strings that had escapes).
#include "kto/util/json_view.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kto/util/utf8.hpp"

namespace kto::util {

// Storage of documents that are gone, kept for the next ones. Pages are parsed on the fetching
// threads and freed on the writing one: fresh vectors each time would leave every thread's malloc
// arena holding its own few megabytes of free chunks. A few recycled vectors of the right size
// cost nothing and keep the peak at the pages alive.
class JsonDoc::Recycler {
 public:
  static Recycler& instance() {
    static Recycler recycler;
    return recycler;
  }

  void take(JsonDoc& doc) {
    std::lock_guard lock(m_mutex);
    if (m_kept.empty()) return;
    Storage& kept = m_kept.back();
    doc.m_nodes = std::move(kept.nodes);
    doc.m_children = std::move(kept.children);
    doc.m_decoded = std::move(kept.decoded);
    m_kept.pop_back();
  }

  std::string take_text() {
    std::lock_guard lock(m_mutex);
    if (m_texts.empty()) return {};
    std::string text = std::move(m_texts.back());
    m_texts.pop_back();
    return text;
  }

  void give(JsonDoc& doc) {
    std::string text = std::move(doc.m_text);
    text.clear();
    doc.m_nodes.clear();
    doc.m_children.clear();
    doc.m_decoded.clear();
    Storage kept;
    if (doc.m_nodes.capacity() * sizeof(Node) <= k_max_bytes) kept.nodes = std::move(doc.m_nodes);
    if (doc.m_children.capacity() * sizeof(Child) <= k_max_bytes)
      kept.children = std::move(doc.m_children);
    if (doc.m_decoded.capacity() <= k_max_bytes) kept.decoded = std::move(doc.m_decoded);
    std::lock_guard lock(m_mutex);
    if (m_kept.size() < k_keep) m_kept.push_back(std::move(kept));
    if (m_texts.size() < k_keep && text.capacity() > k_min_text_bytes &&
        text.capacity() <= k_max_bytes)
      m_texts.push_back(std::move(text));
  }

 private:
  struct Storage {
    std::vector<Node> nodes;
    std::vector<Child> children;
    std::string decoded;
  };
  static constexpr std::size_t k_keep = 16;  // more than the pages a run has alive at once
  static constexpr std::size_t k_max_bytes = 16u << 20;
  // Smaller texts are not worth keeping: the allocator serves them from its free lists anyway.
  static constexpr std::size_t k_min_text_bytes = 64u << 10;
  std::mutex m_mutex;
  std::vector<Storage> m_kept;
  std::vector<std::string> m_texts;  // texts' buffers, empty
};

namespace {
std::atomic<int> g_alive{0};
std::atomic<int> g_alive_peak{0};
}  // namespace

JsonDoc::JsonDoc() {
  Recycler::instance().take(*this);
  const int now = g_alive.fetch_add(1, std::memory_order_relaxed) + 1;
  int peak = g_alive_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_alive_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}
JsonDoc::~JsonDoc() {
  g_alive.fetch_sub(1, std::memory_order_relaxed);
  Recycler::instance().give(*this);
}
std::string JsonDoc::recycled_text() { return Recycler::instance().take_text(); }
int JsonDoc::alive() { return g_alive.load(std::memory_order_relaxed); }
int JsonDoc::alive_peak() { return g_alive_peak.load(std::memory_order_relaxed); }
void JsonDoc::reset_alive_peak() { g_alive_peak.store(alive(), std::memory_order_relaxed); }

namespace {

// Positions fit: parse refuses a text longer than JsonDoc::k_max_size.
std::uint32_t u32(std::size_t n) { return static_cast<std::uint32_t>(n); }

// A listing page holds one value per 22-23 bytes: one per 20 reserves once, with room to spare,
// where a tighter guess would fall short and double the vectors. An exact bound (counting
// commas) would cost more than the reservation saves (docs/performance.md, "The JSON reader").
constexpr std::size_t k_bytes_per_value = 20;

// Past the reservation (a text denser than a listing) grow by a quarter, not double: recycled
// vectors keep their capacity for the next pages.
template <typename T>
void make_room(std::vector<T>& v, std::size_t more) {
  if (v.size() + more > v.capacity()) v.reserve(v.size() + more + v.size() / 4 + 16);
}

// A string's text: where it is, in m_text or (decoded) in m_decoded.
struct JsonSpan {
  std::uint32_t at = 0;
  std::uint32_t size = 0;
  bool decoded = false;
};

// The first position at or after i that is not a plain string byte (printable ASCII other than
// the quote and the backslash), or the text's end. Sixteen bytes a step where SSE2 is there (every
// x86-64): strings of an answer are mostly codes, numbers and URLs.
std::size_t skip_plain(std::string_view text, std::size_t i) {
  const std::size_t n = text.size();
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (n - i >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    // Signed: a byte from 0x80 up is negative, so "below a space" also finds non-ASCII bytes.
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
    const __m128i stop = _mm_or_si128(special, _mm_cmplt_epi8(v, space));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    ++i;
  }
  return i;
}

}  // namespace

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
  JsonDoc& m_doc;
  std::string_view m_text;
  int m_max_depth;
  std::size_t m_pos = 0;
  std::size_t m_ws = 0;  // whitespace runs skipped so far: a container is compact when none fell inside
  std::vector<JsonDoc::Child> m_stack;

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

  static std::uint32_t type_bits(JsonType type) {
    return static_cast<std::uint32_t>(type) << JsonDoc::k_size_bits;
  }

  JsonDoc::Node& new_node() {
    make_room(m_doc.m_nodes, 1);
    return m_doc.m_nodes.emplace_back();
  }

  // A number, true, false or null, from start to m_pos: its text is its raw text.
  void add_literal(JsonType type, std::size_t start) {
    JsonDoc::Node& n = new_node();
    n.raw_at = n.first = u32(start);
    n.count = u32(m_pos - start);
    n.bits = type_bits(type) | n.count;
  }

  bool literal(std::string_view word, JsonType type) {
    if (m_text.compare(m_pos, word.size(), word) != 0) return false;
    m_pos += word.size();
    add_literal(type, m_pos - word.size());
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
    add_literal(JsonType::number, start);
    return true;
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

  // A string at m_pos (the opening quote). Without escapes its text is in the document's text.
  // Its UTF-8 is checked here, character by character: outside strings only ASCII is valid JSON,
  // so a parsed text is valid UTF-8 as a whole and nothing else has to read it again.
  bool string(JsonSpan& text) {
    const std::size_t start = ++m_pos;
    const std::size_t n = m_text.size();
    std::size_t i = m_pos;
    while (true) {
      i = skip_plain(m_text, i);
      if (i >= n) return false;
      const auto c = static_cast<unsigned char>(m_text[i]);
      if (c == '"') {
        text = {u32(start), u32(i - start), false};
        m_pos = i + 1;
        return true;
      }
      if (c >= 0x80) {
        const std::size_t len = utf8_sequence_length(m_text, i);
        if (len == 0) return false;
        i += len;
        continue;
      }
      if (c != '\\') return false;  // a control character
      m_pos = i;
      return escaped_string(start, text);
    }
  }

  // The slow path, into m_decoded: decoded text is never longer than the raw text, so one
  // reservation suffices.
  bool escaped_string(std::size_t start, JsonSpan& text) {
    std::size_t end = m_pos;
    while (end < m_text.size() && m_text[end] != '"') end += m_text[end] == '\\' ? 2 : 1;
    std::string& decoded = m_doc.m_decoded;
    const std::size_t at = decoded.size();
    decoded.resize(at + end - start + 1);
    char* out = decoded.data() + at;
    std::size_t used = m_pos - start;
    std::memcpy(out, m_text.data() + start, used);
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(m_text[m_pos]);
      if (c == '"') {
        decoded.resize(at + used);
        text = {u32(at), u32(used), true};
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
        const std::size_t len = c < 0x80 ? 1 : utf8_sequence_length(m_text, m_pos);
        if (len == 0) return false;
        std::memcpy(out + used, m_text.data() + m_pos, len);
        used += len;
        m_pos += len;
      }
    }
    return false;
  }

  // The container's node, by index: its children's nodes follow and may move the vector.
  std::uint32_t open_container(JsonType type) {
    const std::uint32_t node = u32(m_doc.m_nodes.size());
    JsonDoc::Node& n = new_node();
    n.raw_at = u32(m_pos);
    n.bits = type_bits(type);
    return node;
  }

  void close_container(std::uint32_t node, std::size_t stack_start, std::size_t ws_start,
                       std::size_t raw_start) {
    auto& children = m_doc.m_children;
    const auto first = static_cast<std::uint32_t>(children.size());
    make_room(children, m_stack.size() - stack_start);
    children.insert(children.end(), m_stack.begin() + static_cast<std::ptrdiff_t>(stack_start),
                    m_stack.end());
    m_stack.resize(stack_start);
    JsonDoc::Node& n = m_doc.m_nodes[node];
    n.first = first;
    n.count = u32(children.size() - first);
    n.bits |= u32(m_pos - raw_start) | (m_ws == ws_start ? 0 : JsonDoc::k_flag);
  }

  bool container(int depth, bool object) {
    if (depth >= m_max_depth) return false;
    const std::size_t raw_start = m_pos;
    const std::size_t ws_start = m_ws;
    const std::size_t stack_start = m_stack.size();
    const std::uint32_t node = open_container(object ? JsonType::object : JsonType::array);
    const char close = object ? '}' : ']';
    ++m_pos;
    skip_ws();
    if (peek() == close) {
      ++m_pos;
      close_container(node, stack_start, ws_start, raw_start);
      return true;
    }
    while (true) {
      JsonSpan key;
      if (object) {
        if (peek() != '"' || !string(key)) return false;
        skip_ws();
        if (peek() != ':') return false;
        ++m_pos;
        skip_ws();
      }
      const auto child = static_cast<std::uint32_t>(m_doc.m_nodes.size());
      if (!value(depth + 1)) return false;
      m_stack.push_back({key.at, key.size | (key.decoded ? JsonDoc::k_flag : 0), child});
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
        JsonSpan text;
        if (!string(text)) return false;
        JsonDoc::Node& n = new_node();
        n.raw_at = u32(start);
        n.bits = type_bits(JsonType::string) | u32(m_pos - start) |
                 (text.decoded ? JsonDoc::k_flag : 0);
        n.first = text.at;
        n.count = text.size;
        return true;
      }
      case 't': return literal("true", JsonType::boolean);
      case 'f': return literal("false", JsonType::boolean);
      case 'n': return literal("null", JsonType::null);
      default: return number();
    }
  }
};

namespace detail {

std::shared_ptr<const JsonDoc> parse_json_within(std::size_t max_size, std::string text,
                                                 int max_depth, BadUtf8 bad_utf8) {
  max_size = std::min(max_size, JsonDoc::k_max_size);
  if (text.size() > max_size) return nullptr;
  auto parse = [max_depth](std::string& source) -> std::shared_ptr<JsonDoc> {
    std::shared_ptr<JsonDoc> doc(new JsonDoc());
    doc->m_text = std::move(source);
    const std::size_t values = doc->m_text.size() / k_bytes_per_value + 8;
    doc->m_nodes.reserve(values);
    doc->m_children.reserve(values);
    JsonParser parser(*doc, max_depth);
    if (!parser.run()) {
      source = std::move(doc->m_text);  // back to the caller, who may mend it
      return nullptr;
    }
    return doc;
  };
  // The parser checks UTF-8 as it goes, so a valid text is read once. Only a text it refused is
  // read again, to tell bad UTF-8 (mended when asked, then parsed again) from bad JSON.
  if (auto doc = parse(text)) return doc;
  if (bad_utf8 == BadUtf8::refuse || is_valid_utf8(text)) return nullptr;
  text = mend_utf8(text);
  if (text.size() > max_size) return nullptr;  // each bad byte became three
  return parse(text);
}

}  // namespace detail

std::shared_ptr<const JsonDoc> JsonDoc::parse(std::string text, int max_depth, BadUtf8 bad_utf8) {
  return detail::parse_json_within(k_max_size, std::move(text), max_depth, bad_utf8);
}

}  // namespace kto::util
