#include "integration/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

namespace kto::test {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> child_environment(const CommandOptions& options) {
  std::vector<std::string> env;
  for (const char* name : {"PATH", "HOME", "LANG", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS"})
    if (const char* v = std::getenv(name); v && options.env.find(name) == options.env.end())
      env.push_back(std::string(name) + "=" + v);
  for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
  return env;
}

void read_available(int fd, std::string& buf) {
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buf.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    return;
  }
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const CommandOptions& options) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  auto env = child_environment(options);
  m_pid = ::fork();
  if (m_pid < 0) throw std::runtime_error("fork failed");
  if (m_pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  // Feed stdin from a thread so a large input never blocks against a full output pipe.
  std::string input = options.stdin_text;
  int in_fd = in_pipe[1];
  std::thread([in_fd, input]() {
    const char* p = input.data();
    std::size_t left = input.size();
    while (left > 0) {
      ssize_t n = ::write(in_fd, p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::close(in_fd);
  }).detach();
  m_out = out_pipe[0];
  m_err = err_pipe[0];
  ::fcntl(m_out, F_SETFL, O_NONBLOCK);
  ::fcntl(m_err, F_SETFL, O_NONBLOCK);
}

Child::~Child() {
  if (m_status < 0 && m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int st = 0;
    ::waitpid(m_pid, &st, 0);
  }
  if (m_out >= 0) ::close(m_out);
  if (m_err >= 0) ::close(m_err);
}

void Child::signal(int sig) {
  if (m_pid > 0 && m_status < 0) ::kill(m_pid, sig);
}

bool Child::running() {
  if (m_status >= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(m_pid, &st, WNOHANG);
  if (r == m_pid) {
    m_status = decode_status(st);
    return false;
  }
  return true;
}

int Child::wait() {
  while (m_status < 0) {
    pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
    ::poll(fds, 2, 50);
    read_available(m_out, m_out_buf);
    read_available(m_err, m_err_buf);
    int st = 0;
    pid_t r = ::waitpid(m_pid, &st, WNOHANG);
    if (r == m_pid) m_status = decode_status(st);
  }
  read_available(m_out, m_out_buf);
  read_available(m_err, m_err_buf);
  return m_status;
}

std::string Child::read_stdout_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto nl = m_out_buf.find('\n');
    if (nl != std::string::npos) {
      std::string line = m_out_buf.substr(0, nl);
      m_out_buf.erase(0, nl + 1);
      return line;
    }
    if (std::chrono::steady_clock::now() > deadline) return "";
    pollfd fd{m_out, POLLIN, 0};
    ::poll(&fd, 1, 20);
    read_available(m_out, m_out_buf);
    read_available(m_err, m_err_buf);
  }
}

std::string Child::drain_stdout() {
  read_available(m_out, m_out_buf);
  return std::exchange(m_out_buf, {});
}

std::string Child::drain_stderr() {
  read_available(m_err, m_err_buf);
  return std::exchange(m_err_buf, {});
}

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options) {
  Child child(argv, options);
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::string out, err;
  while (child.running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      child.signal(SIGKILL);
      break;
    }
    out += child.drain_stdout();
    err += child.drain_stderr();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CommandResult result;
  result.exit_code = child.wait();
  result.out = out + child.drain_stdout();
  result.err = err + child.drain_stderr();
  return result;
}

TempDir::TempDir() {
  std::random_device rd;
  auto base = fs::temp_directory_path();
  for (int i = 0; i < 100; ++i) {
    auto p = base / ("kto-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      m_path = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

}  // namespace kto::test
