// `collector regions` (사용 가능한 지역 코드 보기) and `collector export` (the stored restaurants as
// CSV or JSON lines). Neither needs a key nor writes a log file.
#include <iostream>
#include <string_view>

#include "kto/cli/commands.hpp"
#include "kto/cli/reports.hpp"
#include "kto/store/store.hpp"
#include "kto/util/files.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

// A BOM first when asked: Excel opens a CSV without one in the system's legacy code page, and
// the Korean names turn into mojibake. Off by default: scripts (cut, Python's csv, pandas) would
// read it as part of the first column name.
constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

Result<long long> export_rows(store::Store& db, const ExportArgs& args, std::ostream& out) {
  if (args.format == "jsonl") return db.export_jsonl(out);
  if (args.bom) out << k_utf8_bom;
  return db.export_csv(out);
}

// Streams the rows into the output; a regular file is replaced only when every row is written.
// A failed write names the output and the reason (the disk is full) rather than the export.
Result<long long> export_to(store::Store& db, const ExportArgs& args) {
  auto output = util::OutputFile::open(args.out.empty() ? std::string("-") : args.out);
  if (!output) return output.error();
  auto rows = export_rows(db, args, output->stream());
  if (auto failed = output->write_error()) return *failed;
  if (!rows) return rows.error();
  if (auto committed = output->commit(); !committed) return committed.error();
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
  if (args.bom && args.format != "csv")
    return print_error(make_error("--bom은 CSV에만 씁니다: --format csv와 함께 주세요",
                                  ExitCode::usage));
  auto settings = load_settings(global);
  if (!settings) return print_error(settings.error());
  auto db = store::open_store(settings->db_path.string(), store::OpenMode::existing);
  if (!db) return print_error(db.error());
  auto rows = export_to(**db, args);
  if (!rows) return print_error(rows.error());
  bool to_stdout = args.out.empty() || args.out == "-";
  if (!global.quiet)
    std::cerr << "📦 " << *rows << "건 내보냄 (" << args.format << ")"
              << (to_stdout ? "" : " → " + args.out) << "\n";
  return 0;
}

}  // namespace kto::cli
