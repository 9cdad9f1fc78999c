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

Result<int> positive_int(const Layers& layers, const std::string& name, int fallback, int max) {
  auto raw = layers.get(name);
  if (!raw) return fallback;
  std::string v = trim(*raw);
  int n = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || res.ec != std::errc{} || res.ptr != v.data() + v.size() || n < 1 || n > max)
    return make_error(name + "='" + v + "' is not a whole number from 1 to " +
                          std::to_string(max) + ": fix it in .env or the environment",
                      ExitCode::usage);
  return n;
}

Result<std::chrono::seconds> duration(const Layers& layers, const std::string& name,
                                      std::chrono::seconds fallback) {
  auto raw = layers.get(name);
  if (!raw) return fallback;
  std::string v = trim(*raw);
  auto d = util::parse_duration(v);
  if (!d)
    return make_error(name + "='" + v + "' is not a duration: use forms like 90s, 10m or 1h",
                      ExitCode::usage);
  if (d->count() <= 0)
    return make_error(name + "='" + v + "' must be longer than zero: use forms like 90s, 10m or 1h",
                      ExitCode::usage);
  return *d;
}

Result<EnvMap> read_env_file(const SettingsSources& sources) {
  std::error_code ec;
  if (!fs::exists(sources.env_file, ec)) {
    if (sources.env_file_explicit)
      return make_error("--env-file " + sources.env_file.string() +
                            " does not exist: give the path of your .env file",
                        ExitCode::usage);
    return EnvMap{};
  }
  auto text = util::read_file(sources.env_file);
  if (!text)
    return make_error(text.error().message + ": make the .env file readable or pass --env-file",
                      ExitCode::usage);
  return parse_dotenv(*text, sources.env_file.string());
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
  auto file = read_env_file(sources);
  if (!file) return file.error();
  Layers layers(sources.flags, sources.process_env, *file);
  Settings s;
  if (auto raw = layers.get("KTO_API_KEY")) {
    s.api_key_given = true;
    auto list = parse_key_list(*raw);
    s.api_keys = std::move(list.keys);
    s.warnings = std::move(list.warnings);
    for (const auto& k : s.api_keys) util::register_secret(k);
  }
  auto limit = positive_int(layers, "KTO_API_DAILY_LIMIT", 1000, 100000000);
  if (!limit) return limit.error();
  s.policy.daily_limit = *limit;
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
      return make_error("KTO_API_BASE_URL='" + b + "' is not an http(s) URL", ExitCode::usage);
    s.base_url = b;
  }
  if (auto app = layers.get("KTO_MOBILE_APP")) {
    std::string a = trim(*app);
    if (a.empty()) return make_error("KTO_MOBILE_APP is empty: give an app name", ExitCode::usage);
    s.mobile_app = a;
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
