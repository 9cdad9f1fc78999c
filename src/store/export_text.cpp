#include "export_text.hpp"

#include "detail_columns.hpp"

namespace kto::store {

void write_csv_field(std::ostream& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << field;
    return;
  }
  out << '"';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

void write_csv_detail_header(std::ostream& out) {
  for (std::string_view column : k_detail_export_columns)
    out << ',' << (column == "tel" ? "detail_tel" : column);
  out << ",item_images,menu_images\r\n";
}

}  // namespace kto::store
