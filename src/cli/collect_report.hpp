#pragma once
// The original system's collection summary and the collect --json document.
#include <nlohmann/json.hpp>

#include <string>

#include "kto/collect/collector.hpp"

namespace kto::cli {

std::string render_collect_summary(const collect::CollectReport& report);
nlohmann::json collect_json(const collect::CollectReport& report);
std::string thousands(long long n);

}  // namespace kto::cli
