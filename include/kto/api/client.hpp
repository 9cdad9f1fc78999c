#pragma once
// The TourAPI client: one call of any operation at a time, on the pool's keys, with retries, and
// the listing's pages on top of it. A service failure (5xx, timeout, reset, empty or truncated
// body) is retried with exponential back-off and full jitter on the next usable key; a key or
// quota error switches key at once and asks again; a 23 makes the pool pace the key and the call
// is asked again. A key the pool says cannot be used is never called.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "kto/api/operations.hpp"
#include "kto/api/tour_api.hpp"
#include "kto/api/transport.hpp"
#include "kto/keys/key_pool.hpp"
#include "kto/util/clock.hpp"

namespace kto::api {

struct ClientOptions {
  // Where to call, as whom and how long to wait are settings (config::Settings owns their
  // defaults, KTO_BASE_URL, KTO_MOBILE_APP, KTO_HTTP_TIMEOUT): always given, never defaulted here.
  ClientOptions(std::string url, std::string app, std::chrono::milliseconds call_timeout)
      : base_url(std::move(url)), mobile_app(std::move(app)), timeout(call_timeout) {}

  std::string base_url;
  std::string mobile_app;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds connect_timeout{5000};
  int max_service_retries = 5;                   // retries of one call after service failures
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{20000};
  int empty_body_refusals = 2;  // listing: empty bodies in a row at one page size = size refused
  // A 23 paces the key and the call is asked again, never given up for it; only nothing but 23s
  // for this long (a broken gateway, not a per-second limit) ends the call as failed.
  std::chrono::milliseconds rate_limited_give_up{std::chrono::minutes(10)};
};

// One call of any operation (a listing page, a restaurant's details).
struct CallRequest {
  std::string operation;
  Params params;  // the operation's own; the client adds serviceKey, MobileOS, MobileApp, _type
  // How retry and failure lines name the call ("서울 areaBasedList2 페이지 3 (numOfRows=1000)");
  // "" names it by its operation.
  std::string where;
  // Empty bodies in a row after which the call ends with empty_bodies rather than retrying them
  // as service failures (the listing's sign of a refused page size); nullopt: always retried.
  std::optional<int> empty_bodies_limit;
};

enum class CallStatus {
  ok,             // page holds the answer (possibly no items: NODATA, items "")
  no_keys,        // no key can be used: no_key says until when
  failed,         // the service kept failing after every retry
  request_error,  // the service rejected the request (10, 11, 12, 29): a bug or bad input
  empty_bodies,   // empty_bodies_limit empty bodies in a row
  cancelled,      // stop was requested before or during the call
};

struct CallResult {
  CallStatus status = CallStatus::failed;
  Page page;
  ApiOutcome last_outcome;
  std::optional<keys::NoKey> no_key;
  int calls = 0;  // HTTP calls this call made, retries included
};

// One page of a listing: the paging is added to params.
struct ListRequest {
  std::string operation{k_list_operation};
  Params params;  // contentTypeId, lDongRegnCd, arrange, modifiedtime, showflag … (no paging)
  int page_no = 1;
  int num_of_rows = 1000;
  std::string label;  // what the page belongs to ("서울"), named in the retry and failure lines
};

enum class FetchStatus {
  ok,                 // page holds the answer (possibly no items)
  no_keys,            // no key can be used: no_key says until when
  failed,             // the service kept failing after every retry
  request_error,      // the service rejected the request (10, 11, 12): a bug or bad input
  page_size_refused,  // a large page came back as empty bodies: ask again with a smaller page
  cancelled,          // stop was requested before the call
};

struct FetchResult {
  FetchStatus status = FetchStatus::failed;
  Page page;
  ApiOutcome last_outcome;
  std::optional<keys::NoKey> no_key;
  int calls = 0;  // HTTP calls this fetch made
};

class TourApiClient {
 public:
  TourApiClient(Transport& transport, keys::KeyPool& pool, const util::Clock& clock,
                ClientOptions options);

  // The generic call: the operation with its parameters, asked until an answer is final.
  CallResult call(const CallRequest& request, const std::atomic<bool>* stop = nullptr);
  // One page of a listing (call() with numOfRows and pageNo); a page answered with empty bodies
  // in a row is page_size_refused, so that the caller asks again with a smaller page.
  FetchResult fetch(const ListRequest& request, const std::atomic<bool>* stop = nullptr);
  // One cheap call with one key (k_probe_operation, numOfRows=1), for health and recovery.
  ApiOutcome probe(const keys::KeyLease& lease);
  // The same as the pool's health check and recovery call it: the operation and key_outcome().
  keys::KeyPool::Probe key_probe();
  long long calls() const { return m_calls.load(); }
  const ClientOptions& options() const { return m_options; }

 private:
  Transport& m_transport;
  keys::KeyPool& m_pool;
  const util::Clock& m_clock;
  ClientOptions m_options;
  std::atomic<long long> m_calls{0};
};

}  // namespace kto::api
