#include "item_columns.hpp"

#include <charconv>
#include <cmath>

namespace kto::store {
namespace {

// The column of an item's field, or -1 for a field the table has no column for. The search starts
// after the previous field's column: runs of fields in the table's order cost one comparison.
int column_of(std::string_view key, int& hint) {
  const int n = static_cast<int>(k_item_columns.size());
  int i = hint;
  for (int k = 0; k < n; ++k) {
    if (k_item_columns[static_cast<std::size_t>(i)].key == key) {
      hint = i + 1 == n ? 0 : i + 1;
      return i;
    }
    if (++i == n) i = 0;
  }
  return -1;
}

}  // namespace

void read_fields(util::JsonValue item, ItemValues& values) {
  values.fill({});
  int hint = 0;
  for (std::size_t i = 0; i < item.size(); ++i) {
    const int column = column_of(item.key_at(i), hint);
    if (column < 0) continue;
    const util::JsonValue value = item.at(i);
    values[static_cast<std::size_t>(column)] = value.is_null() ? std::string_view{} : value.text();
  }
}

std::optional<double> parse_real(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

}  // namespace kto::store
