#pragma once
// Helpers for integration tests: run a binary and capture its output; start kto-sim on a free port.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kto::test {

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed
  std::string out;
  std::string err;
};

struct CommandOptions {
  std::filesystem::path cwd;                       // "" = current
  std::map<std::string, std::string> env;          // added to a clean environment (PATH, HOME kept)
  std::string stdin_text;
  std::chrono::seconds timeout{120};
};

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

// A running child process (for kill -9 / SIGINT tests and for kto-sim).
class Child {
 public:
  Child(const std::vector<std::string>& argv, const CommandOptions& options);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int pid() const { return m_pid; }
  void signal(int sig);
  // Waits for the exit; returns the exit code (128+signal when killed).
  int wait();
  bool running();
  std::string read_stdout_line(std::chrono::milliseconds timeout);  // "" on timeout
  std::string drain_stdout();
  std::string drain_stderr();

 private:
  int m_pid = -1;
  int m_out = -1;
  int m_err = -1;
  int m_status = -1;
  std::string m_out_buf;
  std::string m_err_buf;
};

// A fresh temporary folder, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace kto::test
