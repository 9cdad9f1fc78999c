#pragma once
// The HTTP seam: tests give a FakeTransport, the program a libcurl one. Failures are data.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace kto::api {

struct HttpRequest {
  std::string url;  // complete, with the query string (serviceKey already encoded once)
  std::chrono::milliseconds timeout{20000};
  std::chrono::milliseconds connect_timeout{5000};
  std::size_t max_body_bytes = 64u * 1024u * 1024u;
  // When set and true, a transfer in progress is abandoned (TransportError::cancelled): a SIGINT
  // must not wait out a hanging answer.
  const std::atomic<bool>* cancel = nullptr;
};

enum class TransportError { none, timeout, connection, too_large, other, cancelled };

struct HttpResponse {
  int status = 0;  // 0 when no HTTP answer arrived
  std::string content_type;
  std::string body;
  TransportError error = TransportError::none;
  std::string error_message;  // curl's words, passed through redact()
  std::chrono::milliseconds elapsed{0};
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Thread-safe: concurrent workers share one transport.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

// libcurl: connection reuse (one handle per thread), gzip, timeouts, a User-Agent naming the project.
std::unique_ptr<Transport> make_curl_transport();

}  // namespace kto::api
