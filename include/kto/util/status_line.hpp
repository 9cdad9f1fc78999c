#pragma once
// The one-line progress display of a collection on a terminal (stderr). Log lines go to the same
// terminal from other threads: written on top of the progress text they would read
// "…남은 시간 5초[07:20:04] 📍 서울…". So the console log sink goes through the status line: the line
// is erased before a log line is written and drawn again after it.
#include <spdlog/sinks/sink.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace kto::util {

class StatusLine {
 public:
  using Writer = std::function<void(std::string_view)>;
  // write: where the control sequences and the text go (stderr for the real terminal).
  explicit StatusLine(Writer write) : m_write(std::move(write)) {}

  // Draws text in place of what the line showed.
  void show(std::string text);
  // Erases the line for good (the end of a run): later log lines are written as they come.
  void clear();
  // Runs print (which writes whole lines to the same terminal) with the line erased, then draws
  // the line again. When nothing is shown, just runs print.
  void around(const std::function<void()>& print);
  bool shown() const;

 private:
  mutable std::mutex m_mutex;
  Writer m_write;
  std::string m_text;
  bool m_shown = false;
};

// The status line of this process's terminal (stderr).
StatusLine& terminal_status_line();

// A sink that writes through inner with the status line erased around each message.
class StatusLineSink final : public spdlog::sinks::sink {
 public:
  StatusLineSink(std::shared_ptr<spdlog::sinks::sink> inner, StatusLine& line)
      : m_inner(std::move(inner)), m_line(line) {}
  void log(const spdlog::details::log_msg& msg) override {
    m_line.around([&] {
      m_inner->log(msg);
      m_inner->flush();
    });
  }
  void flush() override { m_inner->flush(); }
  void set_pattern(const std::string& pattern) override { m_inner->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    m_inner->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> m_inner;
  StatusLine& m_line;
};

}  // namespace kto::util
