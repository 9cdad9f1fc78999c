// One language (issue 16, point 14): result codes are named in Korean from their one table, and
// CLI11's parse errors become one Korean line naming the flag or value.
#include <gtest/gtest.h>

#include "hangul.hpp"
#include "api/result_codes.hpp"
#include "cli/parse_errors.hpp"
#include "fakes/fake_transport.hpp"
#include "kto/api/tour_api.hpp"

namespace kto {
namespace {

using test::has_hangul;

TEST(UserLanguage, EveryResultCodeHasAKoreanName) {
  ASSERT_FALSE(api::detail::all_result_codes().empty());
  for (const auto& entry : api::detail::all_result_codes()) {
    EXPECT_FALSE(entry.name.empty()) << entry.code;
    EXPECT_TRUE(has_hangul(entry.korean)) << entry.code << ": " << entry.korean;
  }
}

TEST(UserLanguage, AClassifiedCodeReadsWithItsName) {
  EXPECT_EQ(api::classify(test::gateway_error("30", 200)).message, "API 오류 (30: 등록되지 않은 키)");
  EXPECT_EQ(api::classify(test::gateway_error("22", 200)).message, "API 오류 (22: 일일 한도 초과)");
  EXPECT_EQ(api::api_error_text("23"), "API 오류 (23: 초당 호출 한도 초과)");
  EXPECT_EQ(api::api_error_text("77"), "API 오류 (77: 알 수 없는 코드)");
}

struct ParseCase {
  const char* kind;
  const char* message;  // what CLI11 2.x says
  const char* korean;
};

TEST(UserLanguage, ParseErrorsBecomeOneKoreanLineNamingTheFlag) {
  const ParseCase cases[] = {
      {"ExtrasError", "The following argument was not expected: --bogus", "알 수 없는 인자입니다: --bogus"},
      {"ExtrasError", "The following arguments were not expected: a b", "알 수 없는 인자입니다: a b"},
      {"RequiredError", "ID is required", "ID이(가) 필요합니다"},
      {"ValidationError", "--concurrency: Value 0 not in range 1 to 32",
       "--concurrency 값 '0'이(가) 범위 밖입니다: 1~32 사이로 주세요"},
      {"ValidationError", "--format: xml not in {csv,jsonl}",
       "--format 값 'xml'은(는) 쓸 수 없습니다: csv,jsonl 중 하나를 주세요"},
      {"ConversionError", "Could not convert: --page-size = abc", "--page-size 값 'abc'을(를) 읽을 수 없습니다"},
      {"ConversionError", "--resume: too many inputs for a flag", "--resume에는 값을 줄 수 없습니다"},
      {"ArgumentMismatch", "--page-size: 1 required INT missing", "--page-size에 값이 필요합니다"},
      {"ArgumentMismatch", "Expected exactly 1 arguments to --db, got 0", "--db에 값이 필요합니다"},
      {"ExcludesError", "--a excludes --b", "--a와(과) --b는 함께 쓸 수 없습니다"},
      {"HorribleError", "something English", "명령줄을 해석할 수 없습니다"},
  };
  for (const auto& c : cases) EXPECT_EQ(cli::korean_parse_error(c.kind, c.message), c.korean) << c.message;
}

}  // namespace
}  // namespace kto
