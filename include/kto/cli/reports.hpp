#pragma once
// The operator's reports in the original guide's words (API 키 상태 보고서, 건강 상태 점검, 복구 결과, 지역
// 코드) and their --json documents (docs/contracts.md). Commands and the interactive menu share them.
// Every key appears by its preview, and every text that came from outside passes through redact().
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"

namespace kto::cli {

// "15:30:00" when t falls on now's KST day, else "2026-11-26 00:00:00".
std::string when_text(util::TimePoint t, util::TimePoint now);

// The original guide's quick report (메뉴 5번): counts, 건강도 and band, one line per key,
// problem keys with their reason and when they come back. recovery_after: when a disabled key may be re-tested.
std::string render_status_report(const keys::PoolSummary& summary,
                                  const std::vector<keys::KeyStatus>& keys, util::TimePoint now,
                                  std::chrono::seconds recovery_after);
// docs/contracts.md's status document.
nlohmann::ordered_json status_json(const keys::PoolSummary& summary,
                           const std::vector<keys::KeyStatus>& keys);
// One key of the status document (also `keys list --json`).
nlohmann::ordered_json key_status_json(const keys::KeyStatus& key);

// `keys list`: every field of every key, one block a key.
std::string render_key_table(const std::vector<keys::KeyStatus>& keys, util::TimePoint now,
                             std::chrono::seconds recovery_after);

// 건강 상태 점검 (메뉴 6번) and its document.
std::string render_health_report(const keys::HealthReport& report, util::TimePoint now);
nlohmann::ordered_json health_json(const keys::HealthReport& report);

// 문제 키 복구 시도 (메뉴 7번) and its document. summary, keys: the pool after the attempt, so
// that with no usable key the report says when keys come back and what brings them back.
std::string render_recovery_report(const keys::RecoveryReport& report,
                                   const keys::PoolSummary& summary,
                                   const std::vector<keys::KeyStatus>& keys, util::TimePoint now,
                                   std::chrono::seconds recovery_after);
nlohmann::ordered_json recovery_json(const keys::RecoveryReport& report);

// 사용 가능한 지역 코드 (메뉴 4번): the 17 provinces, the major ones marked.
std::string render_regions();
nlohmann::ordered_json regions_json();

}  // namespace kto::cli
