// The libcurl transport. Handles are kept in a small pool and reused, so each worker thread keeps
// its connection to the gateway alive between pages instead of paying a TLS handshake per call.
#include <curl/curl.h>
#include <signal.h>

#include <chrono>
#include <csignal>
#include <mutex>
#include <vector>

#include "kto/api/transport.hpp"
#include "kto/util/json_view.hpp"
#include "kto/util/secrets.hpp"

namespace kto::api {
namespace {

constexpr const char* k_user_agent =
    "kto-collector/" KTO_VERSION " (+https://github.com/kto-collector)";

// curl_global_init is not thread-safe on every libcurl build; a function-local static is.
void init_curl_once() {
  static const bool k_initialised = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    // With CURLOPT_NOSIGNAL curl no longer ignores SIGPIPE for us, and a TLS write on a connection
    // the gateway already closed would kill the whole run. A program that set its own handler
    // keeps it.
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
      std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)k_initialised;
}

struct Transfer {
  std::string* body = nullptr;
  std::size_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* cancel = nullptr;
  CURL* handle = nullptr;
};

// Called by curl about once a second and whenever data moves: non-zero aborts the transfer.
int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* transfer = static_cast<const Transfer*>(user);
  return transfer->cancel != nullptr && transfer->cancel->load() ? 1 : 0;
}

// Returning less than asked makes curl stop with CURLE_WRITE_ERROR: a body past the limit is
// refused while it arrives instead of after it filled the memory.
std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  if (transfer->body->size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;
  }
  // The whole body at once when its length is announced (an uncompressed answer): a megabyte
  // grown by doubling leaves the megabyte before it behind in the allocator.
  if (transfer->body->empty() && transfer->handle != nullptr) {
    curl_off_t length = -1;
    if (curl_easy_getinfo(transfer->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
        length > 0 && static_cast<std::size_t>(length) <= transfer->max_bytes)
      transfer->body->reserve(static_cast<std::size_t>(length));
  }
  transfer->body->append(data, bytes);
  return bytes;
}

TransportError map_error(CURLcode code, bool too_large) {
  if (too_large || code == CURLE_FILESIZE_EXCEEDED) return TransportError::too_large;
  if (code == CURLE_ABORTED_BY_CALLBACK) return TransportError::cancelled;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::timeout;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:  // a handshake cut short: the same transient trouble
      return TransportError::connection;
    default:
      return TransportError::other;
  }
}

class CurlTransport final : public Transport {
 public:
  CurlTransport() { init_curl_once(); }
  ~CurlTransport() override {
    for (CURL* handle : m_idle) curl_easy_cleanup(handle);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse send(const HttpRequest& request) override {
    CURL* handle = take_handle();
    if (!handle) {
      HttpResponse failed;
      failed.error = TransportError::other;
      failed.error_message = "curl_easy_init failed";
      return failed;
    }
    HttpResponse response = perform(handle, request);
    give_back(handle);
    return response;
  }

 private:
  CURL* take_handle() {
    {
      std::lock_guard lock(m_mutex);
      if (!m_idle.empty()) {
        CURL* handle = m_idle.back();
        m_idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void give_back(CURL* handle) {
    std::lock_guard lock(m_mutex);
    m_idle.push_back(handle);
  }

  static void configure(CURL* handle, const HttpRequest& request, Transfer& transfer,
                        char* error_buffer) {
    // reset() keeps the live connections and the DNS cache, which is what the pool is for.
    curl_easy_reset(handle);
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, k_user_agent);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.max_body_bytes));
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    if (transfer.cancel != nullptr) {
      curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &check_cancel);
      curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
      curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    }
  }

  static HttpResponse perform(CURL* handle, const HttpRequest& request) {
    HttpResponse response;
    // A listing page's body becomes its document's text: start from a buffer one left behind.
    response.body = util::JsonDoc::recycled_text();
    Transfer transfer{&response.body, request.max_body_bytes, false, request.cancel, handle};
    char error_buffer[CURL_ERROR_SIZE] = {};
    configure(handle, request, transfer, error_buffer);
    auto start = std::chrono::steady_clock::now();
    CURLcode code = curl_easy_perform(handle);
    response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    const char* content_type = nullptr;
    if (curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK && content_type)
      response.content_type = content_type;
    // The handle outlives this call: it must not keep pointing at our stack.
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
    if (code != CURLE_OK) {
      response.error = map_error(code, transfer.too_large);
      // curl's words can carry the URL, and the URL carries the key.
      response.error_message =
          util::redact(error_buffer[0] ? error_buffer : curl_easy_strerror(code));
      if (response.error == TransportError::too_large) response.body.clear();
    }
    return response;
  }

  std::mutex m_mutex;
  std::vector<CURL*> m_idle;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport() { return std::make_unique<CurlTransport>(); }

}  // namespace kto::api
