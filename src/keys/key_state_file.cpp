// The JSON state file as a KeyStateStore: loaded once at open, then read-modify-written under the
// shared lock so that a cron run and an operator's command never lose each other's updates.
#include <spdlog/spdlog.h>

#include <system_error>

#include "key_record.hpp"
#include "kto/keys/key_state_store.hpp"
#include "kto/util/files.hpp"

namespace kto::keys {
namespace fs = std::filesystem;
using detail::ReadStatus;

Result<std::optional<int>> KeyStateStore::reserve(const std::string&, std::string_view,
                                                  std::string_view, int, util::TimePoint) {
  return make_error("이 키 상태 저장소는 호출을 예약하지 않습니다");
}

Result<void> KeyStateStore::release(const std::string&, std::string_view, std::string_view) {
  return make_error("이 키 상태 저장소는 호출을 예약하지 않습니다");
}

namespace {

fs::path lock_path(const fs::path& file) { return fs::path(file.string() + ".lock"); }

Error newer_version_error(const fs::path& file, const std::string& version) {
  return make_error("키 상태 파일 " + file.string() + "의 버전(" + version +
                    ")이 이 프로그램이 아는 버전(" + std::to_string(detail::k_state_version) +
                    ")보다 새롭습니다: 새 버전의 collector를 사용하세요");
}

KeySnapshot snapshot_of(detail::StateFile file) {
  return {std::move(file.day), file.current_index, std::move(file.keys)};
}

class StateFileStore final : public KeyStateStore {
 public:
  StateFileStore(fs::path file, const util::Clock& clock)
      : m_file(std::move(file)), m_clock(clock) {}

  Result<std::optional<KeySnapshot>> load(std::span<const KeyIdentity>, std::string_view) override {
    std::error_code ec;
    if (auto parent = m_file.parent_path(); !parent.empty()) {
      fs::create_directories(parent, ec);
      if (ec)
        return make_error("키 상태 파일 폴더를 만들 수 없습니다: " + parent.string() + ": " +
                          ec.message());
    }
    // Reading alone would be safe (writers replace the file atomically), but moving a corrupt file
    // aside must not race another process's save; a read-only folder still lets status read.
    auto lock = util::FileLock::acquire(lock_path(m_file));
    if (!lock) spdlog::debug("키 상태 파일 잠금 실패 (읽기만 합니다): {}", lock.error().message);
    auto read = detail::read_state_file(m_file);
    if (!read) return read.error();
    switch (read->status) {
      case ReadStatus::missing: return std::optional<KeySnapshot>{};
      case ReadStatus::newer_version: return newer_version_error(m_file, read->detail);
      case ReadStatus::corrupt:
        if (auto moved = set_aside(read->detail); !moved)
          spdlog::warn("⚠️ 손상된 키 상태 파일을 옮길 수 없습니다: {}", moved.error().message);
        return std::optional<KeySnapshot>{};
      case ReadStatus::ok: break;
    }
    return std::optional<KeySnapshot>{snapshot_of(std::move(read->state))};
  }

  Result<void> sync(std::span<const KeyIdentity>, std::string_view, const Merge& merge) override {
    auto lock = util::FileLock::acquire(lock_path(m_file));
    if (!lock) return lock.error();
    auto read = detail::read_state_file(m_file);
    if (!read) return read.error();
    if (read->status == ReadStatus::newer_version) return newer_version_error(m_file, read->detail);
    if (read->status == ReadStatus::corrupt) {
      if (auto moved = set_aside(read->detail); !moved)
        return moved.error();  // never overwrite what we could not set aside
    }
    std::optional<KeySnapshot> stored;
    if (read->status == ReadStatus::ok) stored = snapshot_of(std::move(read->state));
    KeySnapshot out = merge(stored ? &*stored : nullptr);
    detail::StateFile file;
    file.day = std::move(out.day);
    file.current_index = out.current_index.value_or(0);
    file.keys = std::move(out.keys);
    return util::write_file_atomic(m_file, detail::serialize_state(file), 0600);
  }

 private:
  // Moves a corrupt file aside with one warning; the pool then starts from its own state.
  Result<void> set_aside(const std::string& why) {
    auto moved = detail::move_aside(m_file, m_clock.now());
    if (!moved) return moved.error();
    spdlog::warn("⚠️ 키 상태 파일이 손상되어 {}(으)로 옮기고 새로 시작합니다 ({})",
                 moved->string(), why);
    return {};
  }

  fs::path m_file;
  const util::Clock& m_clock;
};

}  // namespace

std::unique_ptr<KeyStateStore> state_file_store(fs::path file, const util::Clock& clock) {
  return std::make_unique<StateFileStore>(std::move(file), clock);
}

}  // namespace kto::keys
