#pragma once
// Prometheus text-format metrics for node_exporter's textfile collector, so a failed nightly run
// alerts someone.
#include <filesystem>

#include "kto/collect/collector.hpp"
#include "kto/collect/details.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/result.hpp"

namespace kto::cli {

// details: the details run after the listing (collect --details), nullptr when none was.
Result<void> write_metrics(const std::filesystem::path& path, const collect::CollectReport& report,
                           const keys::KeyPool& pool, const util::Clock& clock,
                           const collect::DetailsReport* details = nullptr);
// `collector details` alone: the keys and the details; the last successful collection's time is
// kept from the previous file.
Result<void> write_details_metrics(const std::filesystem::path& path,
                                   const collect::DetailsReport& details,
                                   const keys::KeyPool& pool);

}  // namespace kto::cli
