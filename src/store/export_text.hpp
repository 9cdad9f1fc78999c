#pragma once
// What both stores' exports write the same way (export.cpp, postgres/pg_store_export.cpp), so that
// their files stay byte for byte the same.
#include <ostream>
#include <string_view>

namespace kto::store {

// A CSV field (RFC 4180): quoted only when it holds a comma, a quote or a line break.
void write_csv_field(std::ostream& out, std::string_view field);

// The CSV header's part after the restaurant's columns: the details' columns (their tel as
// detail_tel, the restaurant having one), then item_images and menu_images, and the line's end.
void write_csv_detail_header(std::ostream& out);

}  // namespace kto::store
