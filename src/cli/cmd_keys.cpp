// `collector keys list | deactivate ID [--reason TEXT] | reactivate ID`: the seed's
// get_detailed_key_status, force_deactivate_key and reactivate_key for operators.
#include <spdlog/spdlog.h>

#include <iostream>

#include "kto/cli/commands.hpp"
#include "kto/cli/reports.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

// The one line an unknown or ambiguous ID gets: every ID that would have worked.
Error unknown_id(const keys::KeyPool& pool, const std::string& id) {
  std::string valid;
  for (const auto& k : pool.detailed_status()) {
    if (!valid.empty()) valid += ", ";
    valid += "#" + std::to_string(k.index) + " " + k.preview;
  }
  return make_error("no single key matches '" + id + "' (use #N, N or a preview prefix; keys: " +
                        valid + ")",
                    ExitCode::usage);
}

int list_keys(const GlobalOptions& global, const Context& ctx) {
  auto keys = ctx.pool->detailed_status();
  if (global.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& k : keys) list.push_back(key_status_json(k));
    std::cout << list.dump(2) << "\n";
  } else {
    std::cout << render_key_table(keys, ctx.clock->now(), ctx.pool->policy().recovery_after);
  }
  std::cout.flush();
  auto summary = ctx.pool->summary();
  return static_cast<int>(summary.available_keys > 0 ? ExitCode::ok : ExitCode::no_keys);
}

// deactivate / reactivate one key, save, and show the key as it is now.
int change_key(const GlobalOptions& global, const KeysArgs& args, Context& ctx) {
  auto index = ctx.pool->find(args.id);
  if (!index) return print_error(unknown_id(*ctx.pool, args.id));
  bool deactivate = args.action == "deactivate";
  if (deactivate)
    ctx.pool->force_deactivate(*index, args.reason);
  else
    ctx.pool->reactivate(*index);
  if (auto saved = ctx.pool->save(); !saved) return print_error(saved.error());
  auto status = ctx.pool->detailed_status().at(*index);
  auto summary = ctx.pool->summary();
  if (global.json) {
    std::cout << key_status_json(status).dump(2) << "\n";
  } else if (deactivate) {
    std::cout << "🔒 KTO API 키 #" << status.index << " 수동 비활성화: " << status.preview
              << " (사유: " << (args.reason.empty() ? "수동 비활성화" : args.reason) << ")\n";
  } else {
    std::cout << "🔓 KTO API 키 #" << status.index << " 재활성화: " << status.preview
              << " (활성 키: " << summary.active_keys << "/" << summary.total_keys << "개)\n";
  }
  if (!global.json)
    std::cout << "사용 가능한 키: " << summary.available_keys << "/" << summary.total_keys
              << "개 (" << keys::band_label(summary.band) << ")\n";
  std::cout.flush();
  return 0;
}

}  // namespace

void setup_keys(CLI::App& app, GlobalOptions& global, KeysArgs& args) {
  (void)global;  // --json and the other global flags fall through to the main app
  app.require_subcommand(0, 1);
  app.fallthrough();
  auto* list = app.add_subcommand("list", "every key's detailed status (the default)");
  list->callback([&args] { args.action = "list"; });
  auto* off = app.add_subcommand("deactivate", "disable a key by hand (수동 비활성화)");
  off->add_option("ID", args.id, "#N, N or a preview prefix (1234567890...)")->required();
  off->add_option("--reason", args.reason, "why (default: 수동 비활성화)")->type_name("TEXT");
  off->callback([&args] { args.action = "deactivate"; });
  auto* on = app.add_subcommand("reactivate", "enable a disabled key again (재활성화)");
  on->add_option("ID", args.id, "#N, N or a preview prefix (1234567890...)")->required();
  on->callback([&args] { args.action = "reactivate"; });
  for (auto* sub : {list, off, on}) sub->fallthrough();
  app.footer(
      "Examples:\n  collector keys list\n  collector keys deactivate '#1' --reason '키 유출'\n"
      "  collector keys deactivate 1234567890\n  collector keys reactivate 1\n"
      "Exit codes: 0 done, 2 no key configured or no single key matches ID, 3 (list) no usable key.");
}

int run_keys(const GlobalOptions& global, const KeysArgs& args) {
  auto ctx = make_context(global, LogKind::key_test, true);
  if (!ctx) return print_error(ctx.error());
  if (args.action.empty() || args.action == "list") return list_keys(global, *ctx);
  return change_key(global, args, *ctx);
}

}  // namespace kto::cli
