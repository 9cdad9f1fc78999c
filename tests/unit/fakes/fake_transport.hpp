#pragma once
// A scripted Transport for tests: answers come from a queue (first in, first out), then from a
// handler; every request is recorded. Thread-safe, so concurrent workers can share one.
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kto/api/transport.hpp"
#include "kto/util/url.hpp"

namespace kto::test {

class FakeTransport final : public api::Transport {
 public:
  using Handler = std::function<api::HttpResponse(const api::HttpRequest&)>;

  FakeTransport() = default;
  explicit FakeTransport(Handler handler) : m_handler(std::move(handler)) {}

  // Queues one answer; queued answers are used before the handler.
  FakeTransport& push(api::HttpResponse response) {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(response));
    return *this;
  }
  FakeTransport& push_times(const api::HttpResponse& response, int times) {
    for (int i = 0; i < times; ++i) push(response);
    return *this;
  }
  void set_handler(Handler handler) {
    std::lock_guard lock(m_mutex);
    m_handler = std::move(handler);
  }

  api::HttpResponse send(const api::HttpRequest& request) override {
    Handler handler;
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
      if (!m_queue.empty()) {
        api::HttpResponse next = std::move(m_queue.front());
        m_queue.pop_front();
        return next;
      }
      handler = m_handler;
      if (!handler) ++m_unscripted;
    }
    if (handler) return handler(request);
    // Nothing was scripted: a failure the test will see (and unscripted() counts it).
    api::HttpResponse none;
    none.error = api::TransportError::other;
    none.error_message = "FakeTransport: no scripted answer";
    return none;
  }

  std::vector<api::HttpRequest> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  std::vector<std::string> urls() const {
    std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    for (const auto& r : m_requests) out.push_back(r.url);
    return out;
  }
  // The serviceKey of every request, decoded once: the raw key each call was made with.
  std::vector<std::string> keys_used() const {
    std::vector<std::string> out;
    for (const auto& url : urls()) out.push_back(util::url_decode(query_param(url, "serviceKey")));
    return out;
  }
  std::size_t calls() const {
    std::lock_guard lock(m_mutex);
    return m_requests.size();
  }
  std::size_t pending() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size();
  }
  std::size_t unscripted() const {
    std::lock_guard lock(m_mutex);
    return m_unscripted;
  }

  // The value of name in url's query string, as sent (still percent-encoded); "" when absent.
  static std::string query_param(std::string_view url, std::string_view name) {
    std::size_t q = url.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view query = url.substr(q + 1);
    while (!query.empty()) {
      std::size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      std::size_t eq = pair.find('=');
      if (pair.substr(0, eq) == name)
        return eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
    return {};
  }

 private:
  mutable std::mutex m_mutex;
  std::deque<api::HttpResponse> m_queue;
  Handler m_handler;
  std::vector<api::HttpRequest> m_requests;
  std::size_t m_unscripted = 0;
};

// Answers of the service and the gateway, as tests need them.
inline api::HttpResponse http_answer(int status, std::string body,
                                     std::string content_type = "application/json;charset=UTF-8") {
  api::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

// Two keys for the client's tests: the first as a "Decoding" key (+, / and = escaped in a URL).
inline const std::string k_key_a = "AAAAAAAAAAAAAAAAAAAA+/=a";
inline const std::string k_key_b = "BBBBBBBBBBBBBBBBBBBBbbbb";

// The gateway's XML error document (key, quota and rate errors), HTTP 403 as seen since 2026.
inline api::HttpResponse gateway_error(std::string_view code, int status = 403) {
  std::string body =
      "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
      "<returnAuthMsg>GATEWAY_ERROR</returnAuthMsg><returnReasonCode>" +
      std::string(code) + "</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>";
  return http_answer(status, std::move(body), "text/xml;charset=UTF-8");
}

// A service error in the JSON wrapper ({"response":{"header":{"resultCode":code}}}).
inline api::HttpResponse service_error(std::string_view code, int status = 200) {
  return http_answer(status, R"({"response":{"header":{"resultCode":")" + std::string(code) +
                                 R"(","resultMsg":"ERROR"}}})");
}

// A success page holding `count` minimal restaurant items.
inline api::HttpResponse success_page(int count, long long total, int page_no = 1) {
  std::string items;
  for (int i = 0; i < count; ++i) {
    if (i) items += ",";
    items += R"({"contentid":")" + std::to_string(1000 + (page_no - 1) * 1000 + i) +
             R"(","contenttypeid":"39","title":"식당 )" + std::to_string(i) + R"("})";
  }
  std::string body = R"({"response":{"header":{"resultCode":"0000","resultMsg":"OK"},"body":{"items":)" +
                     (count ? R"({"item":[)" + items + "]}" : std::string(R"("")")) +
                     R"(,"numOfRows":)" + std::to_string(count) + R"(,"pageNo":)" +
                     std::to_string(page_no) + R"(,"totalCount":)" + std::to_string(total) + "}}}";
  return http_answer(200, std::move(body));
}

inline api::HttpResponse transport_failure(api::TransportError error, std::string message = {}) {
  api::HttpResponse r;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

}  // namespace kto::test
