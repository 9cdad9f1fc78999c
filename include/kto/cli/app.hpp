#pragma once

namespace kto::cli {

// The one top-level entry: parses flags, runs the command, turns anything left over into one line
// on stderr and an exit code (docs/contracts.md).
int run(int argc, char** argv);

}  // namespace kto::cli
