#include "kto/util/status_line.hpp"

#include <cstdio>

namespace kto::util {
namespace {

// Back to the start of the line and erase to its end.
constexpr std::string_view k_erase = "\r\033[K";

}  // namespace

void StatusLine::show(std::string text) {
  std::lock_guard lock(m_mutex);
  m_text = std::move(text);
  m_shown = true;
  m_write(std::string(k_erase) + m_text);
}

void StatusLine::clear() {
  std::lock_guard lock(m_mutex);
  if (m_shown) m_write(k_erase);
  m_shown = false;
  m_text.clear();
}

void StatusLine::around(const std::function<void()>& print) {
  std::lock_guard lock(m_mutex);
  if (!m_shown) {
    print();
    return;
  }
  m_write(k_erase);
  print();
  m_write(std::string(k_erase) + m_text);
}

bool StatusLine::shown() const {
  std::lock_guard lock(m_mutex);
  return m_shown;
}

StatusLine& terminal_status_line() {
  static StatusLine line([](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  });
  return line;
}

}  // namespace kto::util
