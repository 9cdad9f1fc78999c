#pragma once
// Files that must never be half-written, and locks shared by every process.
#include <filesystem>
#include <optional>
#include <string>

#include "kto/util/result.hpp"

namespace kto::util {

// Writes to a temporary file beside path, fsyncs it, renames it over path and fsyncs the folder,
// so a reader sees the old content or the new, never a mix. Creates missing parent folders.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                               unsigned mode = 0600);
// Reads a whole file; an error names the path and the reason.
Result<std::string> read_file(const std::filesystem::path& path);

// An advisory lock (flock) on a lock file. The kernel releases it when the process dies, so a
// stale lock of a dead process never blocks anyone.
class FileLock {
 public:
  enum class Mode { exclusive, shared };
  FileLock() = default;
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Blocks until the lock is held.
  static Result<FileLock> acquire(const std::filesystem::path& path, Mode mode = Mode::exclusive);
  // Returns nullopt at once when another process holds it.
  static Result<std::optional<FileLock>> try_acquire(const std::filesystem::path& path,
                                                     Mode mode = Mode::exclusive);
  // Writes a note into the lock file (the holder's pid and start time) for whoever is refused.
  void write_note(std::string_view note);
  static std::string read_note(const std::filesystem::path& path);
  bool held() const { return m_fd >= 0; }
  void release();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace kto::util
