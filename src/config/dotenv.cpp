#include "kto/config/dotenv.hpp"

#include <cctype>
#include <variant>

namespace kto::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

struct LineError {
  std::string what;
};

// Parses the value part; a quoted value ends at its closing quote, an unquoted one at " #".
std::variant<std::string, LineError> parse_value(std::string_view raw) {
  std::string_view v = trim(raw);
  if (v.empty()) return std::string{};
  char q = v.front();
  if (q == '"' || q == '\'') {
    std::string out;
    std::size_t i = 1;
    for (; i < v.size(); ++i) {
      char c = v[i];
      if (c == q) break;
      if (q == '"' && c == '\\' && i + 1 < v.size()) {
        char n = v[++i];
        out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else {
        out.push_back(c);
      }
    }
    if (i >= v.size()) return LineError{"따옴표가 닫히지 않은 값"};
    std::string_view rest = trim(v.substr(i + 1));
    if (!rest.empty() && rest.front() != '#') return LineError{"닫는 따옴표 뒤에 글자가 더 있음"};
    return out;
  }
  std::size_t hash = v.find(" #");
  if (hash == std::string_view::npos) hash = v.find("\t#");
  if (hash != std::string_view::npos) v = trim(v.substr(0, hash));
  return std::string(v);
}

}  // namespace

Result<EnvMap> parse_dotenv(std::string_view text, std::string_view source, EnvLines* lines) {
  EnvMap out;
  int line_no = 0;
  std::size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // a UTF-8 BOM from Windows editors
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim(text.substr(pos, nl - pos));
    ++line_no;
    pos = nl + 1;
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7));
    auto where = std::string(source) + ":" + std::to_string(line_no) + ": ";
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos)
      return make_error(where + "NAME=VALUE 형식이 아닙니다 (이 줄을 고치거나 #으로 주석 처리하세요)",
                        ExitCode::usage);
    std::string_view name = trim(line.substr(0, eq));
    if (!valid_name(name))
      return make_error(where + "'" + std::string(name.substr(0, 40)) +
                            "'은(는) 변수 이름이 아닙니다 (영문자, 숫자, _만 됩니다)",
                        ExitCode::usage);
    auto value = parse_value(line.substr(eq + 1));
    if (auto* err = std::get_if<LineError>(&value))
      return make_error(where + std::string(name) + ": " + err->what, ExitCode::usage);
    out[std::string(name)] = std::get<std::string>(std::move(value));
    if (lines) (*lines)[std::string(name)] = line_no;
  }
  return out;
}

}  // namespace kto::config
