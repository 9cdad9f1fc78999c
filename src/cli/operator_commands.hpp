#pragma once
// The operator's commands as the interactive menu needs them: writing their report to a stream
// instead of std::cout, with the same exit codes as the subcommands (docs/contracts.md).
#include <iosfwd>
#include <string>

#include "kto/cli/context.hpp"
#include "kto/util/result.hpp"

namespace kto::cli {

// One line "collector: <message>" on stderr (redacted); returns the error's exit code.
int print_error(const Error& error);

// 0 when a key is usable, 3 when none (ExitCode::no_keys).
int show_status(const GlobalOptions& global, std::ostream& out);
int show_health(const GlobalOptions& global, std::ostream& out);
int show_recover(const GlobalOptions& global, std::ostream& out);
void show_regions(bool json, std::ostream& out);

}  // namespace kto::cli
