#include "kto/config/settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <system_error>

#include "kto/util/files.hpp"
#include "kto/util/secrets.hpp"
#include "kto/util/time.hpp"
#include "kto/util/url.hpp"

extern char** environ;

namespace kto::config {
namespace fs = std::filesystem;

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Looks a variable up through the layers: flags, process environment, .env.
class Layers {
 public:
  Layers(const EnvMap& flags, const EnvMap& env, const EnvMap& file)
      : m_layers{&flags, &env, &file} {}
  std::optional<std::string> get(const std::string& name) const {
    for (const EnvMap* layer : m_layers)
      if (auto it = layer->find(name); it != layer->end()) return it->second;
    return std::nullopt;
  }

 private:
  std::vector<const EnvMap*> m_layers;
};

Result<int> whole_number(const Layers& layers, const std::string& name, int fallback, int min,
                         int max) {
  auto raw = layers.get(name);
  if (!raw) return fallback;
  std::string v = trim(*raw);
  int n = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || res.ec != std::errc{} || res.ptr != v.data() + v.size() || n < min || n > max)
    return make_error(name + "='" + v + "'은(는) " + std::to_string(min) + "부터 " +
                          std::to_string(max) + "까지의 정수가 아닙니다: .env나 환경 변수에서 고치세요",
                      ExitCode::usage);
  return n;
}

Result<int> positive_int(const Layers& layers, const std::string& name, int fallback, int max) {
  return whole_number(layers, name, fallback, 1, max);
}

Result<std::chrono::seconds> duration(const Layers& layers, const std::string& name,
                                      std::chrono::seconds fallback) {
  auto raw = layers.get(name);
  if (!raw) return fallback;
  std::string v = trim(*raw);
  auto d = util::parse_duration(v);
  if (!d)
    return make_error(name + "='" + v + "'은(는) 시간 길이가 아닙니다: 90s, 10m, 1h 같은 형식으로 주세요",
                      ExitCode::usage);
  if (d->count() <= 0)
    return make_error(name + "='" + v + "'은(는) 0보다 길어야 합니다: 90s, 10m, 1h 같은 형식으로 주세요",
                      ExitCode::usage);
  return *d;
}

Result<EnvMap> read_env_file(const SettingsSources& sources, EnvLines& lines) {
  std::error_code ec;
  if (!fs::exists(sources.env_file, ec)) {
    if (sources.env_file_explicit)
      return make_error("--env-file " + sources.env_file.string() +
                            "이(가) 없습니다: .env 파일의 경로를 주세요",
                        ExitCode::usage);
    return EnvMap{};
  }
  auto text = util::read_file(sources.env_file);
  if (!text)
    return make_error(text.error().message + ": .env 파일을 읽을 수 있게 하거나 --env-file을 주세요",
                      ExitCode::usage);
  return parse_dotenv(*text, sources.env_file.string(), &lines);
}

std::string did_you_mean(const NameSuggestion& s) {
  return "알 수 없는 설정이라 무시합니다 (" + s.closest + "을(를) 뜻했다면 이름을 고치세요)";
}

// A name that looks like a setting but is not one would leave its default in force unnoticed.
// In .env (this tool's file) every such name is reported; the environment is shared with other
// programs, so there only a near miss (a typo, a wrong case) is: a distance of at most 3.
void warn_unknown_names(const SettingsSources& sources, const EnvMap& file, const EnvLines& lines,
                        std::vector<std::string>& warnings) {
  constexpr std::size_t k_env_typo_distance = 3;
  for (const auto& [name, value] : file) {
    auto unknown = unknown_setting(name);
    if (!unknown) continue;
    auto line = lines.find(name);
    warnings.push_back(sources.env_file.string() + ":" +
                       std::to_string(line == lines.end() ? 0 : line->second) + ": " + name + ": " +
                       did_you_mean(*unknown));
  }
  for (const auto& [name, value] : sources.process_env) {
    auto unknown = unknown_setting(name);
    if (unknown && unknown->distance <= k_env_typo_distance)
      warnings.push_back("환경 변수 " + name + ": " + did_you_mean(*unknown));
  }
}

// KTO_API_KEY by the layers, except that an empty (or blank) value in the environment does not
// hide a key written in .env: `KTO_API_KEY= collector …` or a unit's empty Environment= line is
// a mistake, not a wish to run without keys. The .env key is used, and a warning says so.
std::optional<std::string> api_key_value(const SettingsSources& sources, const EnvMap& file,
                                         const Layers& layers, std::vector<std::string>& warnings) {
  const std::string name = "KTO_API_KEY";
  auto env = sources.process_env.find(name);
  auto in_file = file.find(name);
  bool env_blank = env != sources.process_env.end() && trim(env->second).empty();
  bool file_has_key = in_file != file.end() && !trim(in_file->second).empty();
  if (!sources.flags.contains(name) && env_blank && file_has_key) {
    warnings.push_back("환경 변수 KTO_API_KEY가 비어 있어 " + sources.env_file.string() +
                       "의 KTO_API_KEY를 씁니다 (빈 환경 변수는 지우거나 키를 넣으세요)");
    return in_file->second;
  }
  return layers.get(name);
}

}  // namespace

KeyList parse_key_list(std::string_view value) {
  KeyList out;
  std::vector<std::string> canonical;  // decoded forms, to see an Encoding/Decoding pair as one
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t comma = value.find(',', pos);
    if (comma == std::string_view::npos) comma = value.size();
    std::string key = trim(value.substr(pos, comma - pos));
    pos = comma + 1;
    if (key.empty() || key == k_placeholder_key) continue;
    std::string canon = util::looks_percent_encoded(key) ? util::url_decode(key) : key;
    if (std::find(canonical.begin(), canonical.end(), canon) != canonical.end()) {
      out.warnings.push_back("KTO_API_KEY에 중복된 키가 있어 한 번만 사용합니다: " +
                             util::mask_key(canon));
      continue;
    }
    canonical.push_back(canon);
    out.keys.push_back(key);
  }
  return out;
}

Result<Settings> load_settings(const SettingsSources& sources) {
  EnvLines lines;
  auto file = read_env_file(sources, lines);
  if (!file) return file.error();
  Layers layers(sources.flags, sources.process_env, *file);
  Settings s;
  warn_unknown_names(sources, *file, lines, s.warnings);
  if (auto raw = api_key_value(sources, *file, layers, s.warnings)) {
    s.api_key_given = true;
    auto list = parse_key_list(*raw);
    s.api_keys = std::move(list.keys);
    s.warnings.insert(s.warnings.end(), list.warnings.begin(), list.warnings.end());
    for (const auto& k : s.api_keys) util::register_secret(k);
  }
  auto limit = positive_int(layers, "KTO_API_DAILY_LIMIT", 1000, 100000000);
  if (!limit) return limit.error();
  s.policy.daily_limit = *limit;
  // Calls left to other programs sharing the keys; keeping the whole limit would leave a key
  // nothing to spend, which is a slip, not a wish.
  auto reserve = whole_number(layers, "KTO_KEY_RESERVE", 0, 0, 100000000);
  if (!reserve) return reserve.error();
  if (*reserve >= *limit)
    return make_error("KTO_KEY_RESERVE=" + std::to_string(*reserve) + "은(는) KTO_API_DAILY_LIMIT(" +
                          std::to_string(*limit) + ")보다 작아야 합니다: 남겨 둘 호출 수를 줄이세요",
                      ExitCode::usage);
  s.policy.reserve = *reserve;
  auto max_errors = positive_int(layers, "KTO_KEY_MAX_CONSECUTIVE_ERRORS", 5, 1000);
  if (!max_errors) return max_errors.error();
  s.policy.max_consecutive_errors = *max_errors;
  auto cooldown = duration(layers, "KTO_KEY_ERROR_COOLDOWN", std::chrono::minutes(10));
  if (!cooldown) return cooldown.error();
  s.policy.error_cooldown = *cooldown;
  auto rate = duration(layers, "KTO_KEY_RATE_LIMIT_COOLDOWN", std::chrono::hours(1));
  if (!rate) return rate.error();
  s.policy.rate_limit_cooldown = *rate;
  auto recovery = duration(layers, "KTO_KEY_RECOVERY_AFTER", std::chrono::minutes(30));
  if (!recovery) return recovery.error();
  s.policy.recovery_after = *recovery;
  auto timeout = duration(layers, "KTO_HTTP_TIMEOUT", std::chrono::seconds(20));
  if (!timeout) return timeout.error();
  s.http_timeout = *timeout;
  if (auto base = layers.get("KTO_API_BASE_URL")) {
    std::string b = trim(*base);
    while (!b.empty() && b.back() == '/') b.pop_back();
    if (b.rfind("http://", 0) != 0 && b.rfind("https://", 0) != 0)
      return make_error("KTO_API_BASE_URL='" + b + "'은(는) http(s) URL이 아닙니다", ExitCode::usage);
    s.base_url = b;
  }
  if (auto app = layers.get("KTO_MOBILE_APP")) {
    std::string a = trim(*app);
    if (a.empty()) return make_error("KTO_MOBILE_APP이 비어 있습니다: 앱 이름을 주세요", ExitCode::usage);
    s.mobile_app = a;
  }
  auto lease = duration(layers, "KTO_DETAIL_LEASE", std::chrono::minutes(5));
  if (!lease) return lease.error();
  s.detail_lease = *lease;
  // 0 keeps every log; the upper bound (100 years) only catches a slip of the keyboard.
  auto keep = whole_number(layers, "KTO_LOG_KEEP_DAYS", 30, 0, 36500);
  if (!keep) return keep.error();
  s.log_keep_days = *keep;
  // KTO_DATABASE_URL (issue 18): the PostgreSQL store when --db is not given. Only a URL: a path
  // here would be a silent second spelling of --db. Its password is never shown (masked here,
  // registered with util::redact when the store connects).
  if (auto url = layers.get("KTO_DATABASE_URL")) {
    const std::string u = trim(*url);
    if (!u.starts_with("postgresql://") && !u.starts_with("postgres://"))
      return make_error("KTO_DATABASE_URL은(는) postgresql:// 또는 postgres:// URL이어야 합니다 (" +
                            util::mask_url_password(u) + "): SQLite 파일은 --db로 주세요",
                        ExitCode::usage);
    s.db_path = u;
  }
  if (sources.db_path) s.db_path = *sources.db_path;
  if (sources.state_file) s.state_file = *sources.state_file;
  if (sources.log_dir) s.log_dir = *sources.log_dir;
  return s;
}

EnvMap process_environment() {
  EnvMap env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = entry.substr(0, eq);
    if (name.rfind("KTO_", 0) == 0) env[std::string(name)] = std::string(entry.substr(eq + 1));
  }
  return env;
}

}  // namespace kto::config
