#pragma once
// Starting, resuming and finishing the run record of a job.
#include <string>
#include <vector>

#include "kto/collect/collector.hpp"

namespace kto::collect {

struct PreparedRun {
  std::vector<store::PageCheckpoint> checkpoints;  // pages finished by earlier attempts
  std::vector<std::string> days;                   // --since: the days to read, in order
};

// A new run, or with options.resume the newest unfinished one (its own options win, so the
// resumed job asks for exactly the pages it planned).
Result<PreparedRun> prepare_run(store::Store& db, const CollectOptions& requested,
                                CollectReport& report, const util::Clock& clock);
void finish_run(store::Store& db, CollectReport& report, const RunFlags& flags,
                const util::Clock& clock);

std::string options_to_json(const CollectOptions& options, const std::vector<std::string>& days);
std::string regions_text(const std::vector<int>& codes);

}  // namespace kto::collect
