#pragma once
// CLI11's parse errors in the tool's language: one Korean line naming the flag or value CLI11
// reports.
#include <string>
#include <string_view>

namespace CLI {
class ParseError;
}

namespace kto::cli {

// kind: CLI::Error::get_name() ("ExtrasError", ...); message: its what(). A message no rule
// matches still gets a Korean line, never CLI11's English.
std::string korean_parse_error(std::string_view kind, const std::string& message);

// The same for the error CLI11 threw. Its kind is read from its type: get_name() of some errors
// (ExtrasError of a subcommand) is the app's name instead.
std::string korean_parse_error(const CLI::ParseError& error);

}  // namespace kto::cli
