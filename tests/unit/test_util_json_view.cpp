// JsonDoc, the parser of listing pages: strict JSON (judged against nlohmann, the reference),
// strings decoded, every value's text as received, never a throw.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

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
