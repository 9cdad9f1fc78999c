#include <gtest/gtest.h>

#include "kto/config/dotenv.hpp"

using kto::config::parse_dotenv;

TEST(ConfigDotenv, ParsesTheSeedsExample) {
  auto env = parse_dotenv(
      "# 다중 키 (권장)\nKTO_API_KEY=key1,key2,key3,key4\n\n# 키별 일일 한도\n"
      "KTO_API_DAILY_LIMIT=1000\n");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->at("KTO_API_KEY"), "key1,key2,key3,key4");
  EXPECT_EQ(env->at("KTO_API_DAILY_LIMIT"), "1000");
}

TEST(ConfigDotenv, HandlesQuotesExportCommentsAndBom) {
  auto env = parse_dotenv(
      "\xEF\xBB\xBF" "export A=1\nB=\"two # not a comment\"\nC='x=y'\nD=plain # a comment\n"
      "E=\"line\\nbreak\"\nF=\n");
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->at("A"), "1");
  EXPECT_EQ(env->at("B"), "two # not a comment");
  EXPECT_EQ(env->at("C"), "x=y");
  EXPECT_EQ(env->at("D"), "plain");
  EXPECT_EQ(env->at("E"), "line\nbreak");
  EXPECT_EQ(env->at("F"), "");
}

TEST(ConfigDotenv, KeysWithPlusSlashAndEqualsSurvive) {
  auto env = parse_dotenv("KTO_API_KEY=abc+def/ghi==\n");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->at("KTO_API_KEY"), "abc+def/ghi==");
}

TEST(ConfigDotenv, MalformedLineNamesItsLineNumber) {
  auto env = parse_dotenv("A=1\n# ok\nthis is not a setting\n", ".env");
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.error().message.find(".env:3:"), std::string::npos) << env.error().message;
  EXPECT_EQ(env.error().exit_code, kto::ExitCode::usage);
}

TEST(ConfigDotenv, RejectsBadNamesAndUnterminatedQuotes) {
  EXPECT_FALSE(parse_dotenv("1ABC=x\n").ok());
  EXPECT_FALSE(parse_dotenv("A B=x\n").ok());
  auto quote = parse_dotenv("A=\"open\n");
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.error().message.find(":1:"), std::string::npos);
}
