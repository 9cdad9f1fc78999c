// OutputFile (files.hpp): what `export --out` writes into, chosen by what the path is.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <streambuf>

#include "kto/util/files.hpp"

namespace kto::util {
namespace fs = std::filesystem;

namespace {

// The kernel's own limit on symlinks followed in one lookup.
constexpr int k_max_links = 40;

// An ostream buffer over a file descriptor that keeps the errno of the first failed write, so the
// message can say why (a full disk, a closed pipe) instead of "the stream went bad".
class FdBuf final : public std::streambuf {
 public:
  FdBuf() { setp(m_buf.data(), m_buf.data() + m_buf.size()); }
  void attach(int fd) { m_fd = fd; }
  int error() const { return m_errno; }

 protected:
  int_type overflow(int_type ch) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    if (m_errno != 0) return false;
    const char* p = pbase();
    while (p < pptr()) {
      ssize_t n = ::write(m_fd, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0) {
        if (errno == EINTR) continue;
        m_errno = errno;
        return false;
      }
      p += n;
    }
    setp(m_buf.data(), m_buf.data() + m_buf.size());
    return true;
  }

  std::array<char, 65536> m_buf{};
  int m_fd = -1;
  int m_errno = 0;
};

// A dangling symlink names the file to create: follow the chain by hand (stat() only fails).
Result<fs::path> follow_links(fs::path path) {
  for (int i = 0; i < k_max_links; ++i) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    std::error_code ec;
    fs::path target = fs::read_symlink(path, ec);
    if (ec) return make_error("'" + path.string() + "' 링크를 읽을 수 없습니다: " + errno_korean(ec.value()));
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return make_error("'" + path.string() + "': " + errno_korean(ELOOP));
}

Error open_error(const fs::path& shown, int err) {
  return make_error("내보낼 파일 '" + shown.string() + "'을(를) 열 수 없습니다: " + errno_korean(err));
}

}  // namespace

struct OutputFile::Impl {
  fs::path shown;   // the path as given, for messages
  fs::path target;  // the regular file renamed over ("" when written in place)
  fs::path tmp;
  int fd = -1;
  bool owns_fd = false;
  bool committed = false;
  FdBuf buf;
  std::ostream out{&buf};

  ~Impl() {
    if (owns_fd && fd >= 0) ::close(fd);
    if (!tmp.empty() && !committed) ::unlink(tmp.c_str());
  }
  void attach(int new_fd, bool owned) {
    fd = new_fd;
    owns_fd = owned;
    buf.attach(new_fd);
  }
  Error write_failed(int err) const {
    return make_error("내보낼 파일 '" + shown.string() + "'에 쓰지 못했습니다: " + errno_korean(err) +
                      (tmp.empty() ? "" : " (원래 파일은 그대로입니다)"));
  }
  Result<void> open_temporary(const fs::path& real, const struct stat* existing);
};

// The temporary file beside the target: the same folder, hence the same file system for rename().
Result<void> OutputFile::Impl::open_temporary(const fs::path& real, const struct stat* existing) {
  fs::path dir = real.parent_path().empty() ? fs::path(".") : real.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("폴더 '" + dir.string() + "'을(를) 만들 수 없습니다: " + errno_korean(ec.value()));
  tmp = dir / ("." + real.filename().string() + ".tmp." + std::to_string(::getpid()));
  int tmp_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (tmp_fd < 0) {
    int err = errno;
    tmp.clear();
    return open_error(shown, err);
  }
  if (existing != nullptr) {
    // The replacement keeps what the old file had: its permissions and, where allowed, its owner.
    ::fchmod(tmp_fd, existing->st_mode & 07777);
    if (::fchown(tmp_fd, existing->st_uid, existing->st_gid) != 0) {
      // Only root may give a file away; anyone else's replacement is theirs, as with any editor.
    }
  }
  target = real;
  attach(tmp_fd, true);
  return {};
}

OutputFile::OutputFile(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
OutputFile::OutputFile(OutputFile&&) noexcept = default;
OutputFile& OutputFile::operator=(OutputFile&&) noexcept = default;
OutputFile::~OutputFile() = default;

Result<OutputFile> OutputFile::open(const fs::path& path) {
  auto impl = std::make_unique<Impl>();
  impl->shown = path;
  if (path == "-") {
    impl->shown = "표준 출력";
    impl->attach(STDOUT_FILENO, false);
    return OutputFile(std::move(impl));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
      // Opened through the path as given: the kernel follows links (/dev/stdout included).
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) return open_error(path, errno);
      impl->attach(fd, true);
      return OutputFile(std::move(impl));
    }
    if (S_ISDIR(st.st_mode))
      return make_error("내보낼 파일 '" + path.string() + "'은(는) 폴더입니다: 파일 이름을 주세요");
    if (!S_ISREG(st.st_mode))
      return make_error("내보낼 파일 '" + path.string() +
                        "'은(는) 일반 파일, FIFO, 문자 장치가 아니라 쓰지 않습니다");
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) return open_error(path, ec.value());
    if (auto ok = impl->open_temporary(real, &st); !ok) return ok.error();
    return OutputFile(std::move(impl));
  }
  if (errno != ENOENT) return open_error(path, errno);
  auto real = follow_links(path);
  if (!real) return real.error();
  if (auto ok = impl->open_temporary(*real, nullptr); !ok) return ok.error();
  return OutputFile(std::move(impl));
}

std::ostream& OutputFile::stream() { return m_impl->out; }

bool OutputFile::atomic() const { return !m_impl->target.empty(); }

std::optional<Error> OutputFile::write_error() const {
  if (m_impl->buf.error() == 0) return std::nullopt;
  return m_impl->write_failed(m_impl->buf.error());
}

Result<void> OutputFile::commit() {
  Impl& impl = *m_impl;
  impl.out.flush();
  if (impl.buf.error() != 0) return impl.write_failed(impl.buf.error());
  if (impl.target.empty()) return {};
  int err = ::fsync(impl.fd) == 0 ? 0 : errno;
  if (::close(impl.fd) != 0 && err == 0) err = errno;
  impl.fd = -1;
  if (err != 0) return impl.write_failed(err);
  if (::rename(impl.tmp.c_str(), impl.target.c_str()) != 0) return impl.write_failed(errno);
  impl.committed = true;
  fs::path dir = impl.target.parent_path().empty() ? fs::path(".") : impl.target.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace kto::util
