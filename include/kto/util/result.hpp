#pragma once
// A small Result type: failures of the outside world are data, not exceptions.
#include <string>
#include <utility>
#include <variant>

namespace kto {

// Exit codes of docs/contracts.md; an Error carries the one a CLI should end with.
enum class ExitCode : int {
  ok = 0,
  failure = 1,
  usage = 2,
  no_keys = 3,
  partial = 4,
  locked = 5,
  sigint = 130,
  sigterm = 143,
};

struct Error {
  std::string message;
  ExitCode exit_code = ExitCode::failure;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {}        // NOLINT(google-explicit-constructor)
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT
  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const { return m_error; }

 private:
  Error m_error;
  bool m_ok = true;
};

inline Error make_error(std::string message, ExitCode code = ExitCode::failure) {
  return Error{std::move(message), code};
}

}  // namespace kto
