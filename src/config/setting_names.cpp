// The names of the settings this tool reads, and the closest one to a name it does not know: a
// misspelled KTO_* name would otherwise be ignored in silence and its default used.
#include <algorithm>
#include <cctype>
#include <numeric>
#include <vector>

#include "kto/config/settings.hpp"

namespace kto::config {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Levenshtein distance: one insertion, deletion or substitution each.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<std::string_view>& known_setting_names() {
  static const std::vector<std::string_view> k_names = {
      "KTO_API_KEY",          "KTO_API_DAILY_LIMIT",         "KTO_API_BASE_URL",
      "KTO_MOBILE_APP",       "KTO_KEY_MAX_CONSECUTIVE_ERRORS", "KTO_KEY_ERROR_COOLDOWN",
      "KTO_KEY_RATE_LIMIT_COOLDOWN", "KTO_KEY_RECOVERY_AFTER", "KTO_HTTP_TIMEOUT",
      "KTO_LOG_KEEP_DAYS",    "KTO_KEY_RESERVE",            "KTO_DATABASE_URL",
      "KTO_DETAIL_LEASE",
  };
  return k_names;
}

std::optional<NameSuggestion> unknown_setting(std::string_view name) {
  if (upper(name.substr(0, 4)) != "KTO_") return std::nullopt;
  const auto& names = known_setting_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return std::nullopt;
  // Case is compared too: kto_api_key is not read, but the suggestion is plain.
  const std::string wanted = upper(name);
  NameSuggestion best{std::string(names.front()), edit_distance(wanted, names.front())};
  for (std::string_view known : names) {
    std::size_t d = edit_distance(wanted, known);
    if (d < best.distance) best = {std::string(known), d};
  }
  return best;
}

}  // namespace kto::config
