#include "kto/cli/context.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "kto/store/key_state.hpp"
#include "kto/util/time.hpp"

namespace kto::cli {

std::string run_holder(const util::Clock& clock) {
  return "pid " + std::to_string(::getpid()) + ", " + util::format_human_kst(clock.now()) +
         " KST 시작";
}

std::string missing_key_message() {
  return "KTO_API_KEY가 설정되지 않았습니다: data.go.kr 키를 .env(KTO_API_KEY=key1,key2)나 "
         "환경 변수에 넣으세요 (.env.example 참고)";
}

std::string missing_key_message(const config::Settings& settings) {
  if (!settings.api_key_given) return missing_key_message();
  return "KTO_API_KEY에 쓸 수 있는 키가 없습니다 (비어 있거나 쉼표와 자리표시자 "
         "your_api_key_here뿐입니다): data.go.kr 키를 .env(KTO_API_KEY=key1,key2)나 환경 변수에 "
         "넣으세요";
}

Result<config::Settings> load_settings(const GlobalOptions& global) {
  config::SettingsSources sources;
  sources.process_env = config::process_environment();
  sources.env_file = global.env_file;
  sources.env_file_explicit = global.env_file_set;
  if (!global.base_url.empty()) sources.flags["KTO_API_BASE_URL"] = global.base_url;
  if (!global.db.empty()) sources.db_path = global.db;
  if (!global.state_file.empty()) sources.state_file = global.state_file;
  if (!global.log_dir.empty()) sources.log_dir = global.log_dir;
  return config::load_settings(sources);
}

std::string setup_logging(const GlobalOptions& global, const config::Settings& settings,
                          LogKind kind, const util::Clock& clock) {
  util::LogOptions options;
  options.verbosity = global.verbose > 0 ? util::Verbosity::verbose
                      : (global.quiet || global.json) ? util::Verbosity::quiet
                                                      : util::Verbosity::normal;
  std::string path;
  if (kind != LogKind::none) {
    std::string prefix = kind == LogKind::collector ? "collector_" : "api_key_test_";
    path = (settings.log_dir / (prefix + util::format_file_stamp_kst(clock.now()) + ".log")).string();
    std::error_code ec;
    std::filesystem::create_directories(settings.log_dir, ec);
    options.file = path;
  }
  if (!util::init_logging(options)) path.clear();
  for (const auto& w : settings.warnings) spdlog::warn("⚠️ {}", w);
  // Every status or health call writes a log: without a limit the folder grows forever.
  if (kind != LogKind::none) {
    int removed = util::prune_old_logs(settings.log_dir, settings.log_keep_days, clock.now());
    if (removed > 0)
      spdlog::debug("🧹 {}일보다 오래된 로그 {}개를 지웠습니다 (KTO_LOG_KEEP_DAYS)",
                    settings.log_keep_days, removed);
  }
  return path;
}

namespace {

// A collection's log is what the operator reads the morning after: a run that cannot write it
// stops before it calls anything instead of running unrecorded.
Result<void> check_log_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string why;
  if (ec)
    why = ec.message();
  else if (!std::filesystem::is_directory(dir, ec))
    why = "폴더가 아님";
  else if (::access(dir.c_str(), W_OK | X_OK) != 0)
    why = std::strerror(errno);
  if (why.empty()) return {};
  return make_error("로그 폴더 " + dir.string() + "에 쓸 수 없습니다 (" + why +
                    "): 쓸 수 있는 폴더로 만들거나 --log-dir로 다른 폴더를 주세요");
}

}  // namespace

Result<std::unique_ptr<keys::KeyPool>> open_key_pool(const Context& ctx) {
  const auto& s = ctx.settings;
  // With PostgreSQL the keys' state lives in the database every host shares: no state file.
  if (!store::is_postgresql_location(s.db_path.string()))
    return keys::KeyPool::open(s.api_keys, s.policy, *ctx.clock, s.state_file);
  // A host moved to PostgreSQL hands the database what its state file knew of keys the database
  // does not know yet (today's counts, rests, deactivations); the file itself is left as it is.
  std::unique_ptr<keys::KeyStateStore> former;
  if (std::error_code ec; std::filesystem::is_regular_file(s.state_file, ec))
    former = keys::state_file_store(s.state_file, *ctx.clock);
  auto shared = store::open_pg_key_state(s.db_path.string(), std::move(former));
  if (!shared) return shared.error();
  return keys::KeyPool::open(s.api_keys, s.policy, *ctx.clock, std::move(*shared));
}

Result<Context> make_context(const GlobalOptions& global, LogKind kind, bool require_keys) {
  auto settings = load_settings(global);
  if (!settings) return settings.error();
  Context ctx;
  ctx.clock = &util::system_clock();
  ctx.settings = std::move(*settings);
  if (require_keys && !ctx.settings.keys_configured())
    return make_error(missing_key_message(ctx.settings), ExitCode::usage);
  if (kind == LogKind::collector)
    if (auto ok = check_log_folder(ctx.settings.log_dir); !ok) return ok.error();
  ctx.log_file = setup_logging(global, ctx.settings, kind, *ctx.clock);
  if (!global.state_file.empty() && store::is_postgresql_location(ctx.settings.db_path.string()))
    spdlog::warn("⚠️ 저장소가 PostgreSQL이면 키 상태는 데이터베이스에 있어 --state-file은 쓰지 "
                 "않습니다");
  auto pool = open_key_pool(ctx);
  if (!pool) return pool.error();
  ctx.pool = std::move(*pool);
  ctx.transport = api::make_curl_transport();
  api::ClientOptions options(ctx.settings.base_url, ctx.settings.mobile_app,
                             ctx.settings.http_timeout);
  ctx.client = std::make_unique<api::TourApiClient>(*ctx.transport, *ctx.pool, *ctx.clock, options);
  return ctx;
}

}  // namespace kto::cli
