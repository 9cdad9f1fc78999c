#pragma once
// Prometheus text-format metrics for node_exporter's textfile collector, so a failed nightly run
// alerts someone.
#include <filesystem>

#include "kto/collect/collector.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/result.hpp"

namespace kto::cli {

Result<void> write_metrics(const std::filesystem::path& path, const collect::CollectReport& report,
                           const keys::KeyPool& pool, const util::Clock& clock);

}  // namespace kto::cli
