// `collector keys list | deactivate ID [--reason TEXT] | reactivate ID`: the original
// get_detailed_key_status, force_deactivate_key and reactivate_key for operators.
#include <spdlog/spdlog.h>

#include <iostream>

#include "kto/api/operations.hpp"
#include "kto/cli/commands.hpp"
#include "kto/cli/reports.hpp"
#include "kto/keys/key_advice.hpp"
#include "kto/util/secrets.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

// The one line an unknown or ambiguous ID gets: every ID that would have worked.
Error unknown_id(const keys::KeyPool& pool, const std::string& id) {
  std::string valid;
  for (const auto& k : pool.detailed_status(api::k_list_operation)) {
    if (!valid.empty()) valid += ", ";
    valid += "#" + std::to_string(k.index) + " " + k.preview;
  }
  return make_error("'" + id + "'에 딱 하나로 맞는 키가 없습니다 (#N, N 또는 미리보기 앞부분을 주세요; 키: " +
                        valid + ")",
                    ExitCode::usage);
}

int list_keys(const GlobalOptions& global, const Context& ctx) {
  auto keys = ctx.pool->detailed_status(api::k_list_operation);
  if (global.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& k : keys) list.push_back(key_status_json(k));
    std::cout << list.dump(2) << "\n";
  } else {
    std::cout << render_key_table(keys, ctx.clock->now(), ctx.pool->policy().recovery_after);
  }
  std::cout.flush();
  auto summary = ctx.pool->summary(api::k_list_operation);
  return static_cast<int>(summary.available_keys > 0 ? ExitCode::ok : ExitCode::no_keys);
}

// The result of `keys deactivate`: the key stays off until `keys reactivate`, whoever disabled it.
std::string deactivated_lines(const keys::KeyStatus& k, bool changed) {
  std::string reason = util::redact(k.deactivation_reason.value_or("수동 비활성화"));
  std::string head = changed ? "🔒 KTO API 키 #" + std::to_string(k.index) + " 수동 비활성화: "
                             : "ℹ️ KTO API 키 #" + std::to_string(k.index) + " 이미 비활성화됨: ";
  return head + k.preview + " (사유: " + reason + ")\n  'collector keys reactivate #" +
         std::to_string(k.index) + "'로 재활성화할 때까지 사용하지 않습니다 (자동 복구 없음).\n";
}

// The result of `keys reactivate`: a disabled key enabled, a resting key's rest lifted, or
// nothing to do; and what still keeps the key unusable (the daily limit).
std::string reactivated_lines(const keys::KeyStatus& before, const keys::KeyStatus& k,
                              const keys::PoolSummary& summary, bool changed, util::TimePoint now,
                              std::chrono::seconds recovery_after) {
  std::string id = "KTO API 키 #" + std::to_string(k.index);
  std::string out;
  if (!changed)
    out = "ℹ️ " + id + " 이미 활성 상태: " + k.preview + " (변경 없음)\n";
  else if (!before.is_active)
    out = "🔓 " + id + " 재활성화: " + k.preview + " (활성 키: " +
          std::to_string(summary.active_keys) + "/" + std::to_string(summary.total_keys) + "개)\n";
  else
    out = "🔓 " + id + " 대기 해제: " + k.preview + " (" + util::redact(before.reason_text) + ")\n";
  if (!k.is_available) out += "  " + util::redact(keys::explain(k, now, recovery_after)) + "\n";
  return out;
}

// deactivate / reactivate one key, save, and show the key as it is now. Asking for the state a key
// is already in is no error (exit 0): the line says so, and a script may repeat the command.
int change_key(const GlobalOptions& global, const KeysArgs& args, Context& ctx) {
  auto index = ctx.pool->find(args.id);
  if (!index) return print_error(unknown_id(*ctx.pool, args.id));
  bool deactivate = args.action == "deactivate";
  auto before = ctx.pool->detailed_status(api::k_list_operation).at(*index);
  auto change = deactivate ? ctx.pool->force_deactivate(*index, args.reason)
                           : ctx.pool->reactivate(*index);
  if (auto saved = ctx.pool->save(); !saved) return print_error(saved.error());
  auto status = ctx.pool->detailed_status(api::k_list_operation).at(*index);
  auto summary = ctx.pool->summary(api::k_list_operation);
  auto now = ctx.clock->now();
  if (global.json) {
    auto doc = key_status_json(status);
    doc["changed"] = change.changed;
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << (deactivate ? deactivated_lines(status, change.changed)
                             : reactivated_lines(before, status, summary, change.changed, now,
                                                 ctx.pool->policy().recovery_after))
              << "사용 가능한 키: " << summary.available_keys << "/" << summary.total_keys << "개 ("
              << keys::band_label(summary.band) << ")\n";
  }
  std::cout.flush();
  return 0;
}

}  // namespace

void setup_keys(CLI::App& app, GlobalOptions& global, KeysArgs& args) {
  (void)global;  // --json and the other global flags fall through to the main app
  app.require_subcommand(0, 1);
  app.fallthrough();
  auto* list = app.add_subcommand("list", "모든 키의 자세한 상태 (기본값)");
  list->callback([&args] { args.action = "list"; });
  auto* off = app.add_subcommand("deactivate", "키를 손으로 끄기 (수동 비활성화)");
  off->add_option("ID", args.id, "#N, N 또는 미리보기 앞부분 (1234567890...)")->required();
  off->add_option("--reason", args.reason, "사유 (기본값: 수동 비활성화)")->type_name("TEXT");
  off->callback([&args] { args.action = "deactivate"; });
  auto* on = app.add_subcommand("reactivate", "꺼진 키를 다시 켜기 (재활성화)");
  on->add_option("ID", args.id, "#N, N 또는 미리보기 앞부분 (1234567890...)")->required();
  on->callback([&args] { args.action = "reactivate"; });
  for (auto* sub : {list, off, on}) sub->fallthrough();
  app.footer(
      "예:\n  collector keys list\n  collector keys deactivate '#1' --reason '키 유출'\n"
      "  collector keys deactivate 1234567890\n  collector keys reactivate 1\n"
      "종료 코드: 0 완료 (키가 이미 꺼져 있거나 켜져 있어도: 그렇다고 알려 줌),\n"
      "          2 키가 설정되지 않았거나 ID에 맞는 키가 하나가 아님, 3 (list) 사용 가능한 키가 없음.");
}

int run_keys(const GlobalOptions& global, const KeysArgs& args) {
  auto ctx = make_context(global, LogKind::key_test, true);
  if (!ctx) return print_error(ctx.error());
  if (args.action.empty() || args.action == "list") return list_keys(global, *ctx);
  return change_key(global, args, *ctx);
}

}  // namespace kto::cli
