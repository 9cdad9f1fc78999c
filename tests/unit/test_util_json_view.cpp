// JsonDoc, the parser of listing pages: strict JSON (judged against nlohmann, the reference),
// strings decoded, every value's text as received, never a throw.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "../../fuzz/json_reference.hpp"
#include "kto/util/json_view.hpp"
#include "kto/util/utf8.hpp"

using kto::util::JsonDoc;
using kto::util::JsonType;
using kto::util::JsonValue;

namespace {

bool nlohmann_accepts(const std::string& text) {
  return !nlohmann::json::parse(text, nullptr, false).is_discarded();
}

}  // namespace

TEST(UtilJsonView, ReadsAListingItemAsReceived) {
  const std::string text =
      R"({"response":{"body":{"items":{"item":[{"contentid":"2750144","title":"가가상점",)"
      R"("mapx":"127.12","rnum":1,"none":null}]},"totalCount":1595}}})";
  auto doc = JsonDoc::parse(text);
  ASSERT_NE(doc, nullptr);
  JsonValue body = doc->root().find("response").find("body");
  EXPECT_EQ(body["totalCount"], "1595");
  EXPECT_TRUE(body.find("totalCount").is_number());
  JsonValue items = body.find("items").find("item");
  ASSERT_TRUE(items.is_array());
  ASSERT_EQ(items.size(), 1u);
  JsonValue item = items.at(0);
  EXPECT_EQ(item["title"], "가가상점");
  EXPECT_EQ(item["rnum"], "1");
  EXPECT_TRUE(item.find("none").is_null());
  EXPECT_EQ(item["missing"], "");
  EXPECT_FALSE(item.find("missing").valid());
  EXPECT_EQ(item.key_at(0), "contentid");  // the order received, not sorted
  EXPECT_EQ(item.key_at(1), "title");
  EXPECT_EQ(item.raw(), R"({"contentid":"2750144","title":"가가상점","mapx":"127.12","rnum":1,"none":null})");
  EXPECT_TRUE(item.compact());
}

TEST(UtilJsonView, DecodesEveryEscapeLikeTheReferenceParser) {
  const std::string text =
      R"(["a\"b\\c\/d\b\f\n\r\t", "\u00B8\uAC00", "\ud83c\udf5c", "http:\/\/tong.visitkorea.or.kr\/a.jpg", "\u0000x"])";
  auto doc = JsonDoc::parse(text);
  ASSERT_NE(doc, nullptr);
  const auto reference = nlohmann::json::parse(text);
  ASSERT_EQ(doc->root().size(), reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i)
    EXPECT_EQ(std::string(doc->root().at(i).text()), reference[i].get<std::string>()) << i;
  // The raw text keeps the escapes: raw_json is what the service sent.
  EXPECT_EQ(doc->root().at(3).raw(), R"("http:\/\/tong.visitkorea.or.kr\/a.jpg")");
}

TEST(UtilJsonView, AcceptsAndRefusesExactlyWhatTheReferenceParserDoes) {
  const std::string cases[] = {
      "{}", "[]", " {\"a\" : [1, -0, 0.5, 1e5, 2E-3, true, false, null] } ", "\"x\"", "0", "-1.5e+3",
      "\xEF\xBB\xBF{}",  // a byte order mark
      "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]", "[+1]",
      "[-]", "[1e]", "[tru]", "[nul]", "'x'", "[\"a\nb\"]", "[\"\\x\"]", "[\"\\u12\"]",
      "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "{} {}", "[1] x", "[\"unterminated",
      "[\"\xFF\"]", "[\"\xC0\xAF\"]", "[\"\xED\xA0\x80\"]", "{\"k\":\"\xEA\xB0\"}",
  };
  for (const std::string& text : cases)
    EXPECT_EQ(JsonDoc::parse(text) != nullptr, nlohmann_accepts(text)) << "input: " << text;
}

TEST(UtilJsonView, ANulByteIsNotTheEndOfTheText) {
  // nlohmann stops at a NUL as if the text ended there; a body is all its bytes (found by fuzzing).
  EXPECT_EQ(JsonDoc::parse(std::string("2\0\0\0\xda", 5)), nullptr);
  EXPECT_EQ(JsonDoc::parse(std::string("[1]\0", 4)), nullptr);
  EXPECT_EQ(JsonDoc::parse(std::string("[\"a\0b\"]", 7)), nullptr);  // a raw control character
}

TEST(UtilJsonView, RefusesNestingDeeperThanTheLimitWithoutRecursingIntoIt) {
  EXPECT_NE(JsonDoc::parse(std::string(64, '[') + std::string(64, ']'), 64), nullptr);
  EXPECT_EQ(JsonDoc::parse(std::string(65, '[') + std::string(65, ']'), 64), nullptr);
  // A million levels: refused at the limit, not a stack overflow.
  EXPECT_EQ(JsonDoc::parse(std::string(1000000, '['), 64), nullptr);
}

TEST(UtilJsonView, KeepsLongEscapedStringsAndManyOfThemIntact) {
  // More decoded text than one storage block holds, in strings long and short.
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < 3000; ++i) list.push_back("줄\n" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 50), '"'));
  list.push_back(std::string(100000, '\t'));
  const std::string text = list.dump();
  auto doc = JsonDoc::parse(text);
  ASSERT_NE(doc, nullptr);
  ASSERT_EQ(doc->root().size(), list.size());
  for (std::size_t i = 0; i < list.size(); ++i)
    ASSERT_EQ(std::string(doc->root().at(i).text()), list[i].get<std::string>()) << i;
}

TEST(UtilJsonView, PrettyPrintedValuesAreMarkedAndMinifiedWithoutTouchingStrings) {
  const std::string text = "[{\n  \"title\": \"a  b\",\n  \"n\": [1, 2]\n}, {\"x\":\"y\"}]";
  auto doc = JsonDoc::parse(text);
  ASSERT_NE(doc, nullptr);
  EXPECT_FALSE(doc->root().at(0).compact());
  EXPECT_TRUE(doc->root().at(1).compact());
  std::string out = "prefix:";
  kto::util::json_minify(doc->root().at(0).raw(), out);
  EXPECT_EQ(out, R"(prefix:{"title":"a  b","n":[1,2]})");
  EXPECT_EQ(nlohmann::json::parse(out.substr(7)), nlohmann::json::parse(doc->root().at(0).raw()));
}

TEST(UtilJsonView, AnInvalidValueAnswersEveryQuestionWithNothing) {
  JsonValue none;
  EXPECT_FALSE(none.valid());
  EXPECT_TRUE(none.is_null());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.text(), "");
  EXPECT_FALSE(none.find("a").valid());
  EXPECT_FALSE(none.at(0).valid());
  auto doc = JsonDoc::parse(R"({"a":"b"})");
  ASSERT_NE(doc, nullptr);
  EXPECT_FALSE(doc->root().at(5).valid());
  EXPECT_EQ(doc->root().key_at(5), "");
  EXPECT_FALSE(doc->root().find("a").find("b").valid());  // a string has no members
}

TEST(UtilUtf8, ValidatesStrictly) {
  using kto::util::is_valid_utf8;
  EXPECT_TRUE(is_valid_utf8("plain ascii, longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("가가상점 ¸ 🍜"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xEA\xB0"));          // cut short
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
  EXPECT_FALSE(is_valid_utf8("eight ok\xFF"));      // after a run of ASCII words
}

TEST(UtilUtf8, MendsEachBadByteWithOneReplacementCharacter) {
  EXPECT_EQ(kto::util::mend_utf8("가\xFF가"), "가\xEF\xBF\xBD가");
  EXPECT_EQ(kto::util::mend_utf8("\xEA\xB0"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(kto::util::is_valid_utf8(kto::util::mend_utf8("a\xC0\xAF\xED\xA0\x80z")));
}

using kto::fuzz::to_reference;

TEST(UtilJsonView, DecodesEscapedKeysAndFindsMembersByTheirDecodedName) {
  const std::string text =
      R"({"a\"b":"x\ny","plain":"p","\u00e9t\u00e9":"\u00e9","k\/":["\/"],"":"empty key"})";
  auto doc = JsonDoc::parse(text);
  ASSERT_NE(doc, nullptr);
  const JsonValue root = doc->root();
  ASSERT_EQ(root.size(), 5u);
  EXPECT_EQ(root.key_at(0), "a\"b");
  EXPECT_EQ(root.key_at(2), "été");
  EXPECT_EQ(root.key_at(3), "k/");
  EXPECT_EQ(root.key_at(4), "");
  EXPECT_EQ(root["a\"b"], "x\ny");
  EXPECT_EQ(root.find("a\"b").raw(), R"("x\ny")");
  EXPECT_EQ(root["plain"], "p");
  EXPECT_EQ(root["été"], "é");
  EXPECT_EQ(root.find("k/").at(0).text(), "/");
  EXPECT_EQ(root[""], "empty key");
  EXPECT_FALSE(root.find("a\\\"b").valid());  // the key as written is not its name
  EXPECT_EQ(to_reference(root), nlohmann::json::parse(text));
}

TEST(UtilJsonView, PlacesValuesAtTheVeryStartAndEndOfTheText) {
  const std::pair<std::string, std::string> roots[] = {
      {R"("abc")", "abc"}, {R"("")", ""},      {R"("\n")", "\n"}, {R"("\u0041")", "A"},
      {"123", "123"},      {"-0.5e3", "-0.5e3"}, {"true", "true"}, {"null", "null"},
      {" \"x\" ", "x"},    {"\xEF\xBB\xBF\"bom\"", "bom"},
  };
  for (const auto& [text, expected] : roots) {
    auto doc = JsonDoc::parse(text);
    ASSERT_NE(doc, nullptr) << text;
    EXPECT_EQ(doc->root().text(), expected) << text;
    EXPECT_TRUE(doc->root().compact()) << text;
    EXPECT_EQ(doc->root().size(), 0u) << text;
  }
  auto doc = JsonDoc::parse("\xEF\xBB\xBF[\"\\t\",\"\",1,\"z\"]");
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(doc->root().raw(), R"(["\t","",1,"z"])");
  EXPECT_EQ(doc->root().at(0).text(), "\t");
  EXPECT_EQ(doc->root().at(1).text(), "");
  EXPECT_EQ(doc->root().at(3).text(), "z");
  EXPECT_EQ(doc->root().at(3).raw(), R"("z")");
  EXPECT_EQ(doc->text().size(), doc->root().at(3).raw().data() - doc->text().data() + 4);
}

TEST(UtilJsonView, NestedContainersKeepTheirChildrenTextAndCompactness) {
  const std::string text =
      R"({"a":[{"b":{"c":[1,[2,[]],"\u00e9"]}},{}],"d":{"e":"\t", "f":[ ]},"g":[[[["deep"]]]]})";
  auto doc = JsonDoc::parse(text);
  ASSERT_NE(doc, nullptr);
  const JsonValue root = doc->root();
  EXPECT_FALSE(root.compact());  // the space after "\t", and inside [ ]
  const JsonValue a = root.find("a");
  EXPECT_TRUE(a.compact());
  EXPECT_EQ(a.raw(), R"([{"b":{"c":[1,[2,[]],"\u00e9"]}},{}])");
  EXPECT_EQ(a.text(), a.raw());
  const JsonValue c = a.at(0).find("b").find("c");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.at(1).at(1).size(), 0u);
  EXPECT_TRUE(c.at(1).at(1).is_array());
  EXPECT_EQ(c.at(2).text(), "é");
  EXPECT_TRUE(a.at(1).is_object());
  EXPECT_EQ(a.at(1).size(), 0u);
  EXPECT_FALSE(root.find("d").compact());
  EXPECT_FALSE(root.find("d").find("f").compact());
  EXPECT_EQ(root.find("d").key_at(1), "f");
  EXPECT_EQ(root.find("g").at(0).at(0).at(0).at(0).text(), "deep");
  EXPECT_EQ(to_reference(root), nlohmann::json::parse(text));
}

TEST(UtilJsonView, RefusesATextLongerThanItsPositionsCanAddress) {
  EXPECT_GE(JsonDoc::k_max_size, (std::size_t{256} << 20) - 1);  // the transport caps bodies at 64 MB
  using kto::util::detail::parse_json_within;
  const std::string text = "[1,2,3,4,5]";  // 11 bytes
  EXPECT_EQ(parse_json_within(10, text, 64, kto::util::BadUtf8::refuse), nullptr);
  auto doc = parse_json_within(11, text, 64, kto::util::BadUtf8::refuse);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(doc->root().at(4).text(), "5");
  // Mending makes a text longer (one bad byte, three replacement bytes): judged after mending.
  const std::string bad = "[\"\xFF\"]";  // 5 bytes, 7 once mended
  EXPECT_EQ(parse_json_within(6, bad, 64, kto::util::BadUtf8::mend), nullptr);
  auto mended = parse_json_within(7, bad, 64, kto::util::BadUtf8::mend);
  ASSERT_NE(mended, nullptr);
  EXPECT_EQ(mended->root().at(0).text(), "\xEF\xBF\xBD");
}

TEST(UtilJsonView, RecycledStorageNeverLeaksTextIntoTheNextDocument) {
  std::string first_text;
  {
    auto first = JsonDoc::parse(R"({"k\u0031":"old\tvalue","n":[1,2,3]})");
    ASSERT_NE(first, nullptr);
    first_text = first->root()["k1"];
  }
  EXPECT_EQ(first_text, "old\tvalue");
  auto second = JsonDoc::parse(R"({"k\u0032":"new\nvalue"})");
  auto third = JsonDoc::parse(R"(["\u0033"])");  // alive together
  ASSERT_NE(second, nullptr);
  ASSERT_NE(third, nullptr);
  EXPECT_EQ(second->root().size(), 1u);
  EXPECT_EQ(second->root().key_at(0), "k2");
  EXPECT_EQ(second->root()["k2"], "new\nvalue");
  EXPECT_EQ(third->root().at(0).text(), "3");
}

TEST(UtilJsonView, ReadsMoreValuesThanItsReservationGuessed) {
  // Two bytes a value, past the reservation's cap; and a string full of commas, under it.
  std::string dense = "[";
  for (int i = 0; i < 100000; ++i) dense += i == 0 ? "7" : ",7";
  dense += "]";
  auto doc = JsonDoc::parse(dense);
  ASSERT_NE(doc, nullptr);
  ASSERT_EQ(doc->root().size(), 100000u);
  EXPECT_EQ(doc->root().at(99999).text(), "7");
  auto commas = JsonDoc::parse("[\"" + std::string(100000, ',') + "\",{\"a\":[]}]");
  ASSERT_NE(commas, nullptr);
  EXPECT_EQ(commas->root().at(0).text().size(), 100000u);
  EXPECT_TRUE(commas->root().at(1).find("a").is_array());
}

// The parser checks UTF-8 while it scans a string (a text is read once): a bad sequence anywhere
// (a plain string, after an escape, in a key, past a long ASCII run, outside any string) fails the
// parse when asked to refuse, and is mended (U+FFFD) when asked to mend, exactly as before.
TEST(UtilJsonView, ChecksUtf8WhereverItStandsAndMendsWhenAsked) {
  using kto::util::BadUtf8;
  const std::string long_ascii(37, 'a');
  const struct {
    std::string text;
    std::string mended_text;  // the first string's text once mended; empty: no string to read
  } cases[] = {
      {"[\"\xFF\"]", "\xEF\xBF\xBD"},
      {"[\"가\xEA\xB0\"]", "가\xEF\xBF\xBD\xEF\xBF\xBD"},      // cut short before the quote
      {"[\"" + long_ascii + "\xC0\xAF\"]", long_ascii + "\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong
      {"[\"\\n\xED\xA0\x80\"]", "\n\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // surrogate, after an escape
      {"[\"\\t" + long_ascii + "\xF4\x90\x80\x80\"]",
       "\t" + long_ascii + "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // past U+10FFFF
      {"{\"k\x80\":[\"v\"]}", ""},  // in a key
      {"[\"v\"]\xFF", ""},            // outside any string: bad JSON either way
  };
  for (const auto& c : cases) {
    EXPECT_EQ(JsonDoc::parse(c.text, 64, BadUtf8::refuse), nullptr) << c.text;
    auto mended = JsonDoc::parse(c.text, 64, BadUtf8::mend);
    if (c.text.back() == '\xFF') {
      EXPECT_EQ(mended, nullptr);
      continue;
    }
    ASSERT_NE(mended, nullptr) << c.text;
    JsonValue first = mended->root().is_array() ? mended->root().at(0) : mended->root().at(0).at(0);
    if (!c.mended_text.empty()) {
      EXPECT_EQ(first.text(), c.mended_text) << c.text;
    }
    if (mended->root().is_object()) {
      EXPECT_EQ(mended->root().key_at(0), "k\xEF\xBF\xBD");
    }
  }
  // Valid sequences of every length pass through untouched, escaped or not.
  const std::string valid = "\xC2\xA9 \xEA\xB0\x80 \xF0\x9F\x8D\x9C \xED\x9F\xBF \xEE\x80\x80";
  auto doc = JsonDoc::parse("[\"" + valid + "\",\"\\u0041" + valid + "\"]", 64, BadUtf8::refuse);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(doc->root().at(0).text(), valid);
  EXPECT_EQ(doc->root().at(1).text(), "A" + valid);
}

// A string ends at its quote wherever that falls (any length, any offset in the text, after UTF-8
// bytes, which must never look like a quote, a backslash or a control character).
TEST(UtilJsonView, FindsTheEndOfAStringWhereverItFallsInAWord) {
  const std::string pieces[] = {"a", "\xEA\xB0\x80", "\xC2\xA9", "~", "\x7F"};
  for (std::size_t length = 0; length < 40; ++length) {
    for (const auto& piece : pieces) {
      std::string plain;
      while (plain.size() < length) plain += piece;
      for (std::size_t lead = 0; lead < 16; ++lead) {
        const std::string pad(lead, ' ');  // moves the string across the scan's 16-byte steps
        const std::string quoted = "[" + pad + "\"" + plain + "\"," + pad + "\"" + plain +
                                   "\\\"x\\\\\"]";
        auto doc = JsonDoc::parse(quoted);
        ASSERT_NE(doc, nullptr) << quoted;
        ASSERT_EQ(doc->root().size(), 2u);
        EXPECT_EQ(doc->root().at(0).text(), plain);
        EXPECT_EQ(doc->root().at(1).text(), plain + "\"x\\");
        // A raw control character or a missing quote anywhere is refused, as by the reference.
        for (const char* bad : {"\x01", "\t", "\n"}) {
          const std::string refused = "[" + pad + "\"" + plain + bad + plain + "\"]";
          EXPECT_EQ(JsonDoc::parse(refused), nullptr) << refused;
          EXPECT_FALSE(nlohmann_accepts(refused));
        }
        EXPECT_EQ(JsonDoc::parse("[" + pad + "\"" + plain), nullptr);
      }
    }
  }
}

// A document's text buffer goes back for the next answer's body when the document is gone: empty,
// its capacity kept. Small texts are not kept (the allocator serves them well enough).
TEST(UtilJsonView, TheTextOfADocumentGoneIsRecycledForTheNextBody) {
  const std::size_t none = std::string().capacity();  // no buffer: the string's own few bytes
  for (int i = 0; i < 64 && JsonDoc::recycled_text().capacity() > none; ++i) {
  }  // drains what earlier tests left
  ASSERT_EQ(JsonDoc::recycled_text().capacity(), none);
  const std::string big = "[\"" + std::string(200000, 'x') + "\"]";
  {
    auto doc = JsonDoc::parse(big);
    ASSERT_NE(doc, nullptr);
    EXPECT_EQ(doc->root().at(0).text().size(), 200000u);
  }
  std::string body = JsonDoc::recycled_text();
  EXPECT_TRUE(body.empty());
  EXPECT_GE(body.capacity(), big.size());
  EXPECT_EQ(JsonDoc::recycled_text().capacity(), none);  // one document, one buffer
  {
    auto small = JsonDoc::parse("[1]");
    ASSERT_NE(small, nullptr);
  }
  EXPECT_EQ(JsonDoc::recycled_text().capacity(), none);
  // The recycled buffer parses like any other string.
  body = "{\"a\":\"b\"}";
  auto doc = JsonDoc::parse(std::move(body));
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(doc->root()["a"], "b");
}
