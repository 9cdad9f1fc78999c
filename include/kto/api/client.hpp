#pragma once
// The TourAPI client: one page at a time, on the pool's keys, with retries. A service failure (5xx,
// timeout, reset, empty or truncated body) is retried with exponential back-off and full jitter on
// the next usable key; a key or quota error switches key at once and retries the same page; a 23
// waits seconds. A key the pool says cannot be used is never called.
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
  std::string base_url = "https://apis.data.go.kr/B551011/KorService2";
  std::string mobile_app = "kto-collector";
  std::chrono::milliseconds timeout{20000};
  std::chrono::milliseconds connect_timeout{5000};
  int max_service_retries = 5;                   // retries of one page after service failures
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{20000};
  int empty_body_refusals = 2;                   // empty bodies in a row at one size = size refused
  int max_rate_limited_retries = 10;             // 23 answers for one page before it is given up
};

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
