// Prometheus text format (version 0.0.4) for node_exporter's textfile collector. The file is
// replaced atomically: node_exporter may read it at any moment and must never see half of it.
#include "kto/cli/metrics.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <sstream>

#include "kto/api/operations.hpp"
#include "kto/util/files.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {
namespace {

constexpr const char* k_last_success = "kto_run_last_success_timestamp_seconds";

// Label values escape backslash, double quote and newline (the exposition format's rules).
std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void gauge(std::string& out, const char* name, const char* help, double value) {
  header(out, name, "gauge", help);
  out += fmt::format("{} {}\n", name, value);
}

// The previous file's last-success time, so a failed run does not erase when the last good one
// ended (an alert on "no success for 36 hours" needs it).
std::optional<std::string> previous_last_success(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  auto text = util::read_file(path);
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  std::string line;
  std::string prefix = std::string(k_last_success) + " ";
  while (std::getline(lines, line))
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  return std::nullopt;
}

double run_duration_seconds(const collect::CollectReport& report) {
  auto started = util::parse_iso8601(report.started_at);
  auto finished = util::parse_iso8601(report.finished_at);
  if (!started || !finished || *finished < *started) return 0;
  return std::chrono::duration<double>(*finished - *started).count();
}

void key_metrics(std::string& out, const keys::KeyPool& pool) {
  auto summary = pool.summary(api::k_list_operation);
  gauge(out, "kto_keys_total", "API keys configured.", static_cast<double>(summary.total_keys));
  gauge(out, "kto_keys_usable",
        fmt::format("API keys usable now for {}.", api::k_list_operation).c_str(),
        static_cast<double>(summary.available_keys));
  gauge(out, "kto_keys_health_percentage", "Usable keys / configured keys x 100 (건강도).",
        summary.health_percentage);
  header(out, "kto_key_calls_total", "counter",
         "Calls made today (KST) per key and operation; resets at 00:00 KST.");
  for (const auto& k : pool.detailed_status(api::k_list_operation))
    for (const auto& [op, used] : k.usage_by_operation)
      out += fmt::format("kto_key_calls_total{{key=\"{}\",operation=\"{}\"}} {}\n",
                         label_value("#" + std::to_string(k.index) + " " + k.preview),
                         label_value(op), used);
}

void run_metrics(std::string& out, const collect::CollectReport& report, const util::Clock& clock,
                 const std::optional<std::string>& previous_success) {
  gauge(out, "kto_run_records",
        "Rows received by the last run (a resumed run: with its earlier attempts).",
        static_cast<double>(report.records));
  gauge(out, "kto_run_received", "Rows received by the last invocation alone.",
        static_cast<double>(report.records - report.earlier_records));
  header(out, "kto_run_rows", "gauge",
         "Rows the last invocation received, by what the store did: inserted, updated (content "
         "changed), unchanged.");
  out += fmt::format("kto_run_rows{{result=\"inserted\"}} {}\n", report.inserted);
  out += fmt::format("kto_run_rows{{result=\"updated\"}} {}\n", report.updated);
  out += fmt::format("kto_run_rows{{result=\"unchanged\"}} {}\n", report.unchanged);
  gauge(out, "kto_run_api_calls", "HTTP calls made by the last run.",
        static_cast<double>(report.api_calls));
  header(out, "kto_run_status", "gauge", "1 for the last run's status, 0 for the others.");
  for (store::RunStatus status : store::k_finished_run_statuses)
    out += fmt::format("kto_run_status{{status=\"{}\"}} {}\n", store::to_string(status),
                       report.status == status ? 1 : 0);
  gauge(out, "kto_run_exit_code", "Exit code of the last run (docs/contracts.md).",
        static_cast<double>(static_cast<int>(report.exit_code)));
  std::optional<std::string> last_success = previous_success;
  if (report.status == store::RunStatus::success) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch());
    last_success = std::to_string(now.count());
  }
  if (last_success) {
    header(out, k_last_success, "gauge", "Unix time of the last successful run's end.");
    out += fmt::format("{} {}\n", k_last_success, *last_success);
  }
  gauge(out, "kto_run_duration_seconds", "Wall time of the last run.",
        run_duration_seconds(report));
}

// Per detail operation (the TourAPI operation, as kto_key_calls_total names it): what is left
// and what the run stored.
void details_metrics(std::string& out, const collect::DetailsReport& details) {
  auto per_op = [&](const char* name, const char* type, const char* help, auto value) {
    header(out, name, type, help);
    for (const auto& [op, r] : details.ops)
      out += fmt::format("{}{{operation=\"{}\"}} {}\n", name, collect::operation_of(op), value(r));
  };
  per_op("kto_details_pending", "gauge",
         "Detail calls still pending after the last run, per operation (images: two per item).",
         [](const collect::DetailOpReport& r) { return r.pending; });
  per_op("kto_details_fetched_total", "counter",
         "Items whose details the last run stored, per operation; each run starts from 0.",
         [](const collect::DetailOpReport& r) { return r.fetched; });
  per_op("kto_details_empty_total", "counter",
         "Items the last run found without details (items \"\"), per operation.",
         [](const collect::DetailOpReport& r) { return r.empty; });
  per_op("kto_details_failed_total", "counter",
         "Items still failing after every retry in the last run, per operation.",
         [](const collect::DetailOpReport& r) { return r.failed; });
  if (auto days = details.estimate_days())
    gauge(out, "kto_details_estimate_days",
          "Days the pending details take at the keys' daily limits less the reserve.",
          static_cast<double>(*days));
}

}  // namespace

Result<void> write_metrics(const std::filesystem::path& path, const collect::CollectReport& report,
                           const keys::KeyPool& pool, const util::Clock& clock,
                           const collect::DetailsReport* details) {
  std::string out;
  key_metrics(out, pool);
  run_metrics(out, report, clock, previous_last_success(path));
  if (details) details_metrics(out, *details);
  return util::write_file_atomic(path, out, 0644);
}

Result<void> write_details_metrics(const std::filesystem::path& path,
                                   const collect::DetailsReport& details,
                                   const keys::KeyPool& pool) {
  std::string out;
  key_metrics(out, pool);
  if (auto last_success = previous_last_success(path)) {
    header(out, k_last_success, "gauge", "Unix time of the last successful run's end.");
    out += fmt::format("{} {}\n", k_last_success, *last_success);
  }
  details_metrics(out, details);
  return util::write_file_atomic(path, out, 0644);
}

}  // namespace kto::cli
