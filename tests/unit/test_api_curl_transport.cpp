// The libcurl transport against a tiny HTTP server on loopback (no internet): status, body,
// headers, limits, redirects, connection reuse, and curl's error messages redacted.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kto/api/transport.hpp"
#include "kto/util/secrets.hpp"

namespace kto::api {
namespace {

// Keeps every connection alive (one thread each), answering every request with `reply`.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::string reply, bool answer = true)
      : m_reply(std::move(reply)), m_answer(answer) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    listen(m_listen, 8);
    m_thread = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    m_stop = true;
    m_thread.join();
    for (auto& t : m_connection_threads) t.join();
    ::close(m_listen);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  std::vector<std::string> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  int connections() const { return m_connections.load(); }

 private:
  bool wait_readable(int fd) const {
    while (!m_stop) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }

  void serve() {
    while (wait_readable(m_listen)) {
      int fd = ::accept(m_listen, nullptr, nullptr);
      if (fd < 0) continue;
      ++m_connections;
      m_connection_threads.emplace_back([this, fd] {
        serve_connection(fd);
        ::close(fd);
      });
    }
  }

  void serve_connection(int fd) {
    std::string buffer;
    while (wait_readable(fd)) {
      char chunk[4096];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = buffer.find("\r\n\r\n")) != std::string::npos) {
        {
          std::lock_guard lock(m_mutex);
          m_requests.push_back(buffer.substr(0, end));
        }
        buffer.erase(0, end + 4);
        if (m_answer) ::send(fd, m_reply.data(), m_reply.size(), MSG_NOSIGNAL);
      }
    }
  }

  std::string m_reply;
  bool m_answer;
  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  mutable std::mutex m_mutex;
  std::vector<std::string> m_requests;
  std::vector<std::thread> m_connection_threads;  // touched by the accepting thread only
  std::thread m_thread;
};

std::string reply(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json;charset=UTF-8\r\n" +
         extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A port nobody listens on: bound, then released.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

HttpRequest get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = std::chrono::milliseconds(5000);
  request.connect_timeout = std::chrono::milliseconds(2000);
  return request;
}

TEST(CurlTransport, ReturnsStatusBodyAndContentType) {
  LoopbackServer server(reply(200, R"({"ok":true})"));
  auto transport = make_curl_transport();
  HttpResponse response = transport->send(get(server.url("/KorService2/areaCode2?x=1")));
  EXPECT_EQ(response.error, TransportError::none) << response.error_message;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(response.content_type, "application/json;charset=UTF-8");
  ASSERT_EQ(server.requests().size(), 1u);
  std::string request = server.requests()[0];
  EXPECT_EQ(request.rfind("GET /KorService2/areaCode2?x=1 HTTP/1.1", 0), 0u) << request;
  EXPECT_NE(request.find("User-Agent: kto-collector/" KTO_VERSION " (+https://github.com/kto-collector)"),
            std::string::npos) << request;
  EXPECT_NE(request.find("Accept-Encoding: "), std::string::npos) << request;
  EXPECT_NE(request.find("gzip"), std::string::npos) << request;
}

TEST(CurlTransport, KeepsNonSuccessStatusAsData) {
  LoopbackServer server(reply(403, "<OpenAPI_ServiceResponse/>"));
  auto transport = make_curl_transport();
  HttpResponse response = transport->send(get(server.url("/x")));
  EXPECT_EQ(response.error, TransportError::none);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, "<OpenAPI_ServiceResponse/>");
}

TEST(CurlTransport, ReusesTheConnection) {
  LoopbackServer server(reply(200, "{}"));
  auto transport = make_curl_transport();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(transport->send(get(server.url("/x"))).status, 200);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(CurlTransport, DoesNotFollowRedirects) {
  LoopbackServer server(reply(302, "", "Location: http://127.0.0.1:1/elsewhere\r\n"));
  auto transport = make_curl_transport();
  HttpResponse response = transport->send(get(server.url("/x")));
  EXPECT_EQ(response.error, TransportError::none);
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(CurlTransport, RefusesBodyPastTheLimit) {
  LoopbackServer server(reply(200, std::string(100000, 'x')));
  auto transport = make_curl_transport();
  HttpRequest request = get(server.url("/x"));
  request.max_body_bytes = 1000;
  HttpResponse response = transport->send(request);
  EXPECT_EQ(response.error, TransportError::too_large);
  EXPECT_TRUE(response.body.empty());
}

TEST(CurlTransport, SilentServerTimesOut) {
  LoopbackServer server("", /*answer=*/false);
  auto transport = make_curl_transport();
  HttpRequest request = get(server.url("/x"));
  request.timeout = std::chrono::milliseconds(300);
  HttpResponse response = transport->send(request);
  EXPECT_EQ(response.error, TransportError::timeout);
  EXPECT_EQ(response.status, 0);
}

TEST(CurlTransport, SetCancelFlagAbandonsTheTransfer) {
  LoopbackServer server("", /*answer=*/false);
  auto transport = make_curl_transport();
  std::atomic<bool> cancel{true};  // a stop that came before or during the call
  HttpRequest request = get(server.url("/x"));
  request.timeout = std::chrono::seconds(60);
  request.cancel = &cancel;
  HttpResponse response = transport->send(request);
  EXPECT_EQ(response.error, TransportError::cancelled);
  EXPECT_EQ(response.status, 0);
}

TEST(CurlTransport, ConnectionRefusedIsRedactedConnectionError) {
  const std::string key = "RAWKEY0123456789abcdef+/==";
  util::register_secret(key);
  auto transport = make_curl_transport();
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) +
                    "/KorService2/areaCode2?serviceKey=" + key + "&MobileOS=ETC";
  HttpResponse response = transport->send(get(url));
  EXPECT_EQ(response.error, TransportError::connection);
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error_message.empty());
  EXPECT_EQ(response.error_message.find("RAWKEY0123456789abcdef"), std::string::npos);
}

TEST(CurlTransport, RejectedUrlIsOtherErrorAndRedacted) {
  // A URL curl rejects: whatever curl says about it must not carry the key.
  const std::string key = "RAWKEYabcdefghij0123456789";
  util::register_secret(key);
  auto transport = make_curl_transport();
  HttpResponse response = transport->send(get("gopher://" + key + "/?serviceKey=" + key));
  EXPECT_EQ(response.error, TransportError::other);
  EXPECT_FALSE(response.error_message.empty());
  EXPECT_EQ(response.error_message.find(key), std::string::npos) << response.error_message;
}

TEST(CurlTransport, SharedAcrossThreads) {
  LoopbackServer server(reply(200, "{}"));
  auto transport = make_curl_transport();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i)
        if (transport->send(get(server.url("/x"))).status == 200) ++ok;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(server.requests().size(), 20u);
  // Handles are pooled: never more connections than threads that ran at once.
  EXPECT_LE(server.connections(), 4);
}

}  // namespace
}  // namespace kto::api
