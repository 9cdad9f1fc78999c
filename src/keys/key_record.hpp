#pragma once
// The durable part of one key's state, as the JSON state file holds it (docs/contracts.md), and the
// three-way merge that lets several processes share that file without losing each other's updates.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kto/keys/key_state_store.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/result.hpp"

namespace kto::keys::detail {

inline constexpr int k_state_version = 1;

// The reasons the pool records when it disables a key itself. A state file written before
// "deactivated_by" existed is read by them: any other reason was an operator's.
inline constexpr std::string_view k_auto_reason_prefix = "연속 오류";
inline constexpr std::string_view k_failed_recovery_prefix = "복구 실패";

using KeyRecord = keys::KeyRecord;  // public: kto/keys/key_state_store.hpp

struct StateFile {
  int version = k_state_version;
  std::string provider = "KTO";
  std::string day;  // "2026-11-25": the KST date the usage counters belong to
  std::size_t current_index = 0;
  std::vector<KeyRecord> keys;
};

enum class ReadStatus { ok, missing, corrupt, newer_version };

struct ReadResult {
  ReadStatus status = ReadStatus::missing;
  StateFile state;
  std::string detail;  // why the file is corrupt, or its version
};

// Reads the state file; an Error only when it exists but cannot be read. A file that does not
// parse, lacks the shape or holds wrong types is "corrupt", never an exception.
Result<ReadResult> read_state_file(const std::filesystem::path& path);
std::string serialize_state(const StateFile& state);
// Renames a corrupt file to <file>.corrupt-<YYYYMMDD_HHMMSS> and returns the new name.
Result<std::filesystem::path> move_aside(const std::filesystem::path& path, util::TimePoint now);

// Three-way merge of one key. file: what the file holds now (usage already zeroed when it belongs
// to an older day); ours: this process's state; synced: what this process last read or wrote.
// Counters add our deltas to the file's values; flags and times take ours when we changed them
// since the last sync, else the file's. consecutive_reset: we reset the error run since then, so
// our count is the truth rather than a delta.
KeyRecord merge_record(const KeyRecord& file, const KeyRecord& ours, const KeyRecord& synced,
                       bool consecutive_reset);

}  // namespace kto::keys::detail
