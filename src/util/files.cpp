#include "kto/util/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kto::util {
namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::strerror(err); }

bool write_all(int fd, std::string_view data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string errno_korean(int err) {
  switch (err) {
    case ENOSPC: return "저장 공간이 부족합니다";
    case EDQUOT: return "디스크 할당량을 넘었습니다";
    case EACCES:
    case EPERM: return "권한이 없습니다";
    case EROFS: return "읽기 전용 파일 시스템입니다";
    case ENOENT: return "경로가 없습니다";
    case ENOTDIR: return "경로 중간에 폴더가 아닌 것이 있습니다";
    case EISDIR: return "폴더입니다";
    case EPIPE: return "읽는 쪽이 닫혔습니다";
    case EIO: return "입출력 오류입니다";
    case ELOOP: return "심볼릭 링크가 너무 많이 이어집니다";
    case ENAMETOOLONG: return "경로가 너무 깁니다";
    case EFBIG: return "파일이 너무 큽니다";
    case EAGAIN: return "잠시 쓸 수 없습니다";
    case EBUSY: return "사용 중입니다";
    case EEXIST: return "이미 있습니다";
    case EINVAL: return "잘못된 인자입니다";
    case EMFILE:
    case ENFILE: return "열린 파일이 너무 많습니다";
    case ENXIO:
    case ENODEV: return "장치가 없습니다";
    case ENOTEMPTY: return "폴더가 비어 있지 않습니다";
    case EXDEV: return "다른 파일 시스템으로는 옮길 수 없습니다";
    default: return "시스템 오류 " + std::to_string(err) + " (" + errno_text(err) + ")";
  }
}

Result<void> write_file_atomic(const fs::path& path, std::string_view content, unsigned mode) {
  std::error_code ec;
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  fs::create_directories(dir, ec);
  if (ec) return make_error("폴더 " + dir.string() + "을(를) 만들 수 없습니다: " + errno_korean(ec.value()));
  fs::path tmp = dir / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return make_error(tmp.string() + "에 쓸 수 없습니다: " + errno_korean(errno));
  // The mode given to open() is reduced by the umask; the contract says 0600 exactly.
  ::fchmod(fd, mode);
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return make_error(path.string() + "에 쓸 수 없습니다: " + errno_korean(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return make_error(path.string() + "을(를) 바꿀 수 없습니다: " + errno_korean(err));
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::string> read_file(const fs::path& path) {
  // POSIX calls rather than a stream: a stream opens a folder "successfully" and then reads it as
  // an empty file, which would turn an unreadable .env into silently missing settings.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path.string() + "을(를) 읽을 수 없습니다: " + errno_korean(errno));
  std::string out;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      out.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return make_error(path.string() + "을(를) 읽을 수 없습니다: " + errno_korean(err));
  }
  ::close(fd);
  return out;
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

FileLock::~FileLock() { release(); }

void FileLock::release() {
  if (m_fd >= 0) {
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
    m_fd = -1;
  }
}

namespace {

Result<int> open_lock_file(const fs::path& path) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("잠금 파일 " + path.string() + "을(를) 열 수 없습니다: " + errno_korean(errno));
  return fd;
}

}  // namespace

Result<FileLock> FileLock::acquire(const fs::path& path, Mode mode) {
  auto fd = open_lock_file(path);
  if (!fd) return fd.error();
  int op = mode == Mode::exclusive ? LOCK_EX : LOCK_SH;
  while (::flock(*fd, op) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(*fd);
    return make_error(path.string() + "을(를) 잠글 수 없습니다: " + errno_korean(err));
  }
  return FileLock(*fd);
}

Result<std::optional<FileLock>> FileLock::try_acquire(const fs::path& path, Mode mode) {
  auto fd = open_lock_file(path);
  if (!fd) return fd.error();
  int op = (mode == Mode::exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  if (::flock(*fd, op) != 0) {
    int err = errno;
    ::close(*fd);
    if (err == EWOULDBLOCK) return std::optional<FileLock>{};
    return make_error(path.string() + "을(를) 잠글 수 없습니다: " + errno_korean(err));
  }
  return std::optional<FileLock>(FileLock(*fd));
}

void FileLock::write_note(std::string_view note) {
  if (m_fd < 0) return;
  if (::ftruncate(m_fd, 0) != 0) return;
  if (::lseek(m_fd, 0, SEEK_SET) < 0) return;
  write_all(m_fd, note);
  ::fsync(m_fd);
}

std::string FileLock::read_note(const fs::path& path) {
  auto text = read_file(path);
  return text ? *text : std::string{};
}

}  // namespace kto::util
