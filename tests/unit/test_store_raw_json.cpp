// The fast serialiser of raw_json must write byte for byte what nlohmann writes.
#include <gtest/gtest.h>

#include "kto/store/raw_json.hpp"
#include "unit/store_support.hpp"

using namespace kto::store;

namespace {

std::string reference(const nlohmann::json& item) {
  return item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string fast(const nlohmann::json& item) {
  std::string out = "left over from the previous item";
  dump_item(item, out);
  return out;
}

}  // namespace

TEST(StoreRawJson, WritesTheFixtureItemsExactlyAsNlohmannDoes) {
  for (const char* name : {"areaBasedList2.json", "areaBasedSyncList2.json"})
    for (const auto& item : kto::store::testing::fixture_items(name)) EXPECT_EQ(fast(item), reference(item));
}

TEST(StoreRawJson, EscapesQuotesBackslashesAndControlCharactersLikeNlohmann) {
  nlohmann::json item = {{"title", "a \"b\" \\ c\n\r\t\b\f \x01\x1f\x7f end"},
                         {"addr1", "서울 송파구 올림픽로 300¸ 2층 🍜"},
                         {"empty", ""},
                         {"quote\"key", "v"}};
  EXPECT_EQ(fast(item), reference(item));
}

TEST(StoreRawJson, FallsBackToNlohmannForNumbersNestingAndInvalidUtf8) {
  const nlohmann::json cases[] = {
      {{"contentid", 1}, {"title", "x"}},
      {{"nested", {{"a", "b"}}}},
      {{"title", "A\xFF" "B"}},
      {{"title", "\xED\xA0\x80"}},  // a UTF-16 surrogate
      nlohmann::json::array({"not", "an", "object"}),
      nlohmann::json::object(),
  };
  for (const auto& item : cases) EXPECT_EQ(fast(item), reference(item)) << reference(item);
}

TEST(StoreRawJson, ValidatesUtf8Strictly) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("가가상점 ¸ 🍜"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xEA\xB0"));          // cut short
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
}
