#pragma once
// .env parsing: pure, text in, map out. Lines are NAME=VALUE, optionally prefixed by "export ",
// with '#' comments, blank lines, and single- or double-quoted values.
#include <map>
#include <string>
#include <string_view>

#include "kto/util/result.hpp"

namespace kto::config {

using EnvMap = std::map<std::string, std::string>;
// The line each name was last set on, for warnings that point at the line to fix.
using EnvLines = std::map<std::string, int>;

// source names the file in error messages: ".env:3: expected NAME=VALUE …". Errors are usage
// errors (exit 2). lines, when given, receives each name's line number.
Result<EnvMap> parse_dotenv(std::string_view text, std::string_view source = ".env",
                            EnvLines* lines = nullptr);

}  // namespace kto::config
