// The texts of the detail kinds and pending classes (details.hpp): one place translates them.
#include "kto/store/details.hpp"

namespace kto::store {
namespace {

struct KindText {
  DetailKind kind;
  std::string_view text;
};

constexpr std::array<KindText, 4> k_kind_texts{{
    {DetailKind::common, "common"},
    {DetailKind::intro, "intro"},
    {DetailKind::item_images, "item_images"},
    {DetailKind::menu_images, "menu_images"},
}};

}  // namespace

std::string_view to_string(DetailKind kind) {
  for (const KindText& entry : k_kind_texts)
    if (entry.kind == kind) return entry.text;
  return "common";
}

std::optional<DetailKind> parse_detail_kind(std::string_view text) {
  for (const KindText& entry : k_kind_texts)
    if (entry.text == text) return entry.kind;
  return std::nullopt;
}

std::string_view to_string(PendingClass cls) {
  switch (cls) {
    case PendingClass::fresh: return "new";
    case PendingClass::changed: return "changed";
    case PendingClass::backlog: return "backlog";
  }
  return "backlog";
}

}  // namespace kto::store
