#pragma once
// Files that must never be half-written, and locks shared by every process.
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "kto/util/result.hpp"

namespace kto::util {

// Writes to a temporary file beside path, fsyncs it, renames it over path and fsyncs the folder,
// so a reader sees the old content or the new, never a mix. Creates missing parent folders.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content,
                               unsigned mode = 0600);
// Reads a whole file; an error names the path and the reason.
Result<std::string> read_file(const std::filesystem::path& path);

// The reason of a failed system call in Korean ("저장 공간이 부족합니다"), for messages a person reads.
std::string errno_korean(int err);

// Where a stream of output goes (`export --out`), written the way a shell redirection would,
// never replacing what it should write into:
// - "-" is stdout;
// - a FIFO or a character device (a terminal, /dev/null, /dev/full) is opened and written in place:
//   replacing it with a file would leave its reader nothing and, as root, destroy a device node;
// - a symlink is followed: its target is written and the link kept;
// - a regular file or a new path is written to a temporary file beside it (the same folder, so the
//   rename is atomic) and renamed over it by commit() only: a reader sees the old content or the
//   new, and a failed write (a full disk) leaves the old file as it was. An existing file keeps its
//   mode; a new one gets 0666 less the umask, as any new file.
// Anything else (a folder, a block device, a socket) is refused. Messages are Korean, one line.
class OutputFile {
 public:
  static Result<OutputFile> open(const std::filesystem::path& path);
  OutputFile(OutputFile&&) noexcept;
  OutputFile& operator=(OutputFile&&) noexcept;
  ~OutputFile();  // an uncommitted temporary file is removed

  std::ostream& stream();
  // The first write error, if any (the stream also turns bad).
  std::optional<Error> write_error() const;
  // Flushes; for a regular file also fsyncs, renames the temporary file over the target and fsyncs
  // the folder. After a failure nothing half-written is left under the target's name.
  Result<void> commit();
  // Whether the output is replaced atomically (a regular file or a new path).
  bool atomic() const;

  struct Impl;

 private:
  explicit OutputFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

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
