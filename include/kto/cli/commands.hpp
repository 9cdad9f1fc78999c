#pragma once
// One function per command: setup_x(CLI::App&, …) declares its flags (with --help examples),
// run_x(…) does the work and returns the exit code of docs/contracts.md.
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <optional>
#include <string>

#include "kto/cli/context.hpp"

namespace kto::cli {

struct CollectArgs {
  std::string mode = "major";
  bool mode_set = false;  // --mode given: an increment without it covers what the database holds;
                          // with --resume, a scope that must match the unfinished run
  std::string regions;
  bool regions_set = false;
  int page_size = 1000;
  int concurrency = 0;
  bool resume = false;
  std::string since;
  std::string metrics_file;
  bool wait = false;  // wait for another run's lock instead of exiting 5
  // --details[=LIST]: the details after the listing; "" when given without a list.
  std::optional<std::string> details;
  std::string budget;  // --budget N, checked with the details ("" = none)
};
void add_collect_options(CLI::App& app, CollectArgs& args);
int run_collect(const GlobalOptions& global, CollectArgs args);

// `collector details`: only the details of the stored restaurants of a scope (no listing).
struct DetailsArgs {
  std::string mode;  // "" = every province the database holds
  std::string regions;
  bool regions_set = false;
  std::optional<std::string> details;  // nullopt or "" = common,intro
  std::string budget;
  int concurrency = 0;
  std::string metrics_file;
  bool wait = false;
};
void setup_details(CLI::App& app, DetailsArgs& args);
int run_details(const GlobalOptions& global, const DetailsArgs& args);

struct StatusArgs {
  bool watch = false;
  int watch_seconds = 5;
  int watch_rounds = 0;  // 0 = until interrupted (tests set a number)
};
void setup_status(CLI::App& app, GlobalOptions& global, StatusArgs& args);
int run_status(const GlobalOptions& global, const StatusArgs& args);

int run_health(const GlobalOptions& global);
int run_recover(const GlobalOptions& global);

struct KeysArgs {
  std::string action;  // list, deactivate, reactivate
  std::string id;
  // "" when --reason is not given: a new deactivation then says 수동 비활성화, and a key already
  // disabled keeps its reason.
  std::string reason;
};
void setup_keys(CLI::App& app, GlobalOptions& global, KeysArgs& args);
int run_keys(const GlobalOptions& global, const KeysArgs& args);

int run_regions(const GlobalOptions& global);

struct ExportArgs {
  std::string format = "csv";
  std::string out;  // "" or "-" = stdout
  bool bom = false;  // CSV only: a UTF-8 byte order mark first, for Excel
};
int run_export(const GlobalOptions& global, const ExportArgs& args);

// The original system's numbered menu, reading choices from in (stdin) so it can be scripted.
int run_menu(const GlobalOptions& global, std::istream& in, std::ostream& out);

}  // namespace kto::cli
