#pragma once
// Logging is set up once: a console sink on stderr (colours only on a terminal, NO_COLOR respected)
// and an optional file sink. Every sink redacts keys, so a key that slips into a message is masked,
// and writes its times in KST (+09:00) whatever the machine's zone.
#include <filesystem>
#include <optional>

#include "kto/util/clock.hpp"

namespace kto::util {

enum class Verbosity { quiet, normal, verbose };

struct LogOptions {
  Verbosity verbosity = Verbosity::normal;
  std::optional<std::filesystem::path> file;  // logs/collector_YYYYMMDD_HHMMSS.log
  bool console = true;
};

// Returns false (and logs to the console only) when the log file cannot be made. The file itself
// is created with the first line logged: a command that logs nothing leaves no empty file.
bool init_logging(const LogOptions& options);

// Deletes this tool's own log files in dir (collector_YYYYMMDD_HHMMSS.log and
// api_key_test_YYYYMMDD_HHMMSS.log, nothing else, not in subfolders) last written more than
// keep_days days before now; keep_days 0 keeps every file. Returns how many were deleted.
int prune_old_logs(const std::filesystem::path& dir, int keep_days, TimePoint now);
void shutdown_logging();

// True when stdout / stderr is a terminal.
bool stdout_is_tty();
bool stderr_is_tty();
bool stdin_is_tty();

}  // namespace kto::util
