#include "parse_errors.hpp"

#include <CLI/CLI.hpp>

#include <array>
#include <regex>

namespace kto::cli {
namespace {

struct Rule {
  std::string_view kind;
  const char* pattern;  // matched against CLI11's whole message
  const char* korean;   // std::match_results::format: $1, $2 are the pattern's groups
};

// CLI11 2.x builds these messages in CLI/Error.hpp and its validators; the first rule of a kind
// that matches wins, so each kind ends with a catch-all.
constexpr std::array k_rules{
    Rule{"ExtrasError", R"(The following arguments? (?:was|were) not expected: (.*))",
         "알 수 없는 인자입니다: $1"},
    Rule{"RequiredError", R"((\S+) is required)", "$1이(가) 필요합니다"},
    Rule{"RequiredError", R"(.*)", "필요한 인자가 빠졌습니다"},
    Rule{"ValidationError", R"((\S+): Value (\S+) not in range (\S+) to (\S+))",
         "$1 값 '$2'이(가) 범위 밖입니다: $3~$4 사이로 주세요"},
    Rule{"ValidationError", R"((\S+): Value (\S+) could not be converted.*)",
         "$1 값 '$2'을(를) 읽을 수 없습니다"},
    Rule{"ValidationError", R"((\S+): (\S+) not in \{(.*)\})",
         "$1 값 '$2'은(는) 쓸 수 없습니다: $3 중 하나를 주세요"},
    Rule{"ValidationError", R"((\S+): .*)", "$1 값이 올바르지 않습니다"},
    Rule{"ConversionError", R"(The value (.*) is not an allowed value for (\S+))",
         "$2 값 '$1'을(를) 읽을 수 없습니다"},
    Rule{"ConversionError", R"(Could not convert: (\S+) = (.*))", "$1 값 '$2'을(를) 읽을 수 없습니다"},
    Rule{"ConversionError", R"((\S+): .*)", "$1에는 값을 줄 수 없습니다"},
    Rule{"ArgumentMismatch", R"(Expected .* arguments? to (\S+?),? .*)", "$1에 값이 필요합니다"},
    Rule{"ArgumentMismatch", R"((\S+?):? \d+ required .* missing)", "$1에 값이 필요합니다"},
    Rule{"ArgumentMismatch", R"((\S+?):? .*)", "$1에 준 값의 개수가 맞지 않습니다"},
    Rule{"RequiresError", R"((\S+) requires (\S+))", "$1에는 $2이(가) 필요합니다"},
    Rule{"ExcludesError", R"((\S+) excludes (\S+))", "$1와(과) $2는 함께 쓸 수 없습니다"},
};

template <class E>
bool is(const CLI::ParseError& error) {
  return dynamic_cast<const E*>(&error) != nullptr;
}

std::string_view kind_of(const CLI::ParseError& e) {
  if (is<CLI::ExtrasError>(e)) return "ExtrasError";
  if (is<CLI::RequiredError>(e)) return "RequiredError";
  if (is<CLI::ValidationError>(e)) return "ValidationError";
  if (is<CLI::ConversionError>(e)) return "ConversionError";
  if (is<CLI::ArgumentMismatch>(e)) return "ArgumentMismatch";
  if (is<CLI::RequiresError>(e)) return "RequiresError";
  if (is<CLI::ExcludesError>(e)) return "ExcludesError";
  return "";
}

}  // namespace

std::string korean_parse_error(const CLI::ParseError& error) {
  return korean_parse_error(kind_of(error), error.what());
}

std::string korean_parse_error(std::string_view kind, const std::string& message) {
  for (const Rule& rule : k_rules) {
    if (rule.kind != kind) continue;
    std::smatch match;
    if (std::regex_match(message, match, std::regex(rule.pattern))) return match.format(rule.korean);
  }
  return "명령줄을 해석할 수 없습니다";
}

}  // namespace kto::cli
