// `collector regions` (사용 가능한 지역 코드 보기) and `collector export` (the stored restaurants as
// CSV or JSON lines). Neither needs a key nor writes a log file.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "kto/cli/commands.hpp"
#include "kto/cli/reports.hpp"
#include "kto/store/database.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

Result<long long> export_to(store::Database& db, const std::string& format, std::ostream& out) {
  return format == "jsonl" ? db.export_jsonl(out) : db.export_csv(out);
}

// Streams into a temporary file beside path and renames it over path only when every row is
// written, so a reader (or a failed export) never leaves a half-written file under the real name.
Result<long long> export_to_file(store::Database& db, const std::string& format,
                                 const std::filesystem::path& path) {
  auto tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  long long rows = 0;
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (!file) return make_error("cannot write " + tmp.string());
    auto written = export_to(db, format, file);
    file.flush();
    if (!written || !file) {
      file.close();
      std::filesystem::remove(tmp, ec);
      return written ? make_error("cannot write " + tmp.string()) : written.error();
    }
    rows = *written;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return make_error("cannot rename the export to " + path.string() + ": " + ec.message());
  }
  return rows;
}

}  // namespace

void show_regions(bool json, std::ostream& out) {
  if (json)
    out << regions_json().dump(2) << "\n";
  else
    out << render_regions();
  out.flush();
}

int run_regions(const GlobalOptions& global) {
  show_regions(global.json, std::cout);
  return 0;
}

int run_export(const GlobalOptions& global, const ExportArgs& args) {
  auto settings = load_settings(global);
  if (!settings) return print_error(settings.error());
  const auto& path = settings->db_path;
  // Database::open creates a missing file; an export must not leave an empty database behind.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return print_error(make_error(
        "no database at " + path.string() + ": run a collection first", ExitCode::usage));
  auto db = store::Database::open(path);
  if (!db) return print_error(db.error());
  Result<long long> rows = args.out.empty() ? export_to(**db, args.format, std::cout)
                                            : export_to_file(**db, args.format, args.out);
  std::cout.flush();
  if (!rows) return print_error(rows.error());
  if (!global.quiet)
    std::cerr << "📦 " << *rows << "건 내보냄 (" << args.format << ")"
              << (args.out.empty() ? "" : " → " + args.out) << "\n";
  return 0;
}

}  // namespace kto::cli
