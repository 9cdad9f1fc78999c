#include "kto/api/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "kto/util/secrets.hpp"

namespace kto::api {
namespace {

using util::Millis;

// A key that comes back within a minute (a 23 back-off, pacing) is waited for; a longer wait is
// the caller's decision (no_keys).
constexpr Millis k_max_key_wait{60000};
// Waits are cut into slices so that a stop request is noticed within a second.
constexpr Millis k_wait_slice{1000};
// A pool that says "now" but still has no key must not make us spin.
constexpr Millis k_min_key_wait{50};
constexpr int k_max_key_waits = 1000;

Millis full_jitter(const ClientOptions& options, int attempt) {
  // min(max, base × 2^attempt), doubled step by step so that it cannot overflow.
  long long max = options.backoff_max.count();
  long long cap = options.backoff_base.count();
  for (int i = 0; i < attempt && cap < max; ++i) cap *= 2;
  cap = std::clamp(cap, 0LL, std::max(0LL, max));
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<long long> pick(0, cap);
  return Millis(pick(engine));
}

FetchStatus fetch_status(CallStatus status) {
  switch (status) {
    case CallStatus::ok: return FetchStatus::ok;
    case CallStatus::no_keys: return FetchStatus::no_keys;
    case CallStatus::failed: return FetchStatus::failed;
    case CallStatus::request_error: return FetchStatus::request_error;
    case CallStatus::empty_bodies: return FetchStatus::page_size_refused;
    case CallStatus::cancelled: return FetchStatus::cancelled;
  }
  return FetchStatus::failed;
}

std::string seconds_text(Millis d) { return fmt::format("{:.1f}초", static_cast<double>(d.count()) / 1000.0); }

// One call(): the retry loop of one request and its counters.
class Call {
 public:
  Call(Transport& transport, keys::KeyPool& pool, const util::Clock& clock,
       const ClientOptions& options, std::atomic<long long>& calls, const CallRequest& request,
       const std::atomic<bool>* stop)
      : m_transport(transport), m_pool(pool), m_clock(clock), m_options(options),
        m_calls(calls), m_request(request), m_stop(stop),
        m_where(request.where.empty() ? request.operation : request.where) {}

  CallResult run() {
    while (true) {
      if (stopped()) return finish(CallStatus::cancelled);
      std::optional<keys::KeyLease> lease = next_lease();
      if (!lease) return std::move(m_result);
      if (!wait_for_pace(*lease)) {
        // Stopped before the call left: its reservation goes back to the key's quota.
        m_pool.release(*lease, m_request.operation);
        return finish(CallStatus::cancelled);
      }
      Page page;
      HttpResponse response = m_transport.send(request_for(*lease));
      ApiOutcome outcome = classify_taking_body(response, &page);
      m_pool.report(*lease, m_request.operation, key_outcome(outcome));
      ++m_calls;
      ++m_result.calls;
      m_result.last_outcome = outcome;
      // A stop cut the transfer short: the page is abandoned, not failed.
      if (response.error == TransportError::cancelled) return finish(CallStatus::cancelled);
      if (decide(*lease, outcome, response, page)) return std::move(m_result);
    }
  }

 private:
  bool stopped() const { return m_stop && m_stop->load(); }

  CallResult finish(CallStatus status) {
    m_result.status = status;
    return std::move(m_result);
  }

  HttpRequest request_for(const keys::KeyLease& lease) const {
    HttpRequest request;
    request.url = build_url(m_options.base_url, m_request.operation, lease.key,
                            m_options.mobile_app, m_request.params);
    request.timeout = m_options.timeout;
    request.connect_timeout = m_options.connect_timeout;
    request.cancel = m_stop;
    return request;
  }

  // False when a stop was requested during the wait.
  bool pause(Millis duration) const {
    while (duration > Millis::zero()) {
      if (stopped()) return false;
      Millis slice = std::min(duration, k_wait_slice);
      m_clock.sleep_for(slice);
      duration -= slice;
    }
    return !stopped();
  }

  // Pacing: the pool reserved this moment of the key for us, so we wait for it (on the clock)
  // without giving up; if the key slowed down meanwhile (a 23), the pool moves us behind its new
  // pace and we wait again. False when a stop was requested.
  bool wait_for_pace(keys::KeyLease& lease) {
    do {
      auto now = m_clock.now();
      if (lease.not_before > now && !pause(lease.not_before - now)) return false;
    } while (m_pool.repace(lease));
    return true;
  }

  // A key to call with, waiting up to a minute for one; nullopt when m_result is final.
  std::optional<keys::KeyLease> next_lease() {
    for (int waits = 0;; ++waits) {
      auto acquired = m_pool.acquire(m_request.operation);
      if (auto* lease = std::get_if<keys::KeyLease>(&acquired)) return std::move(*lease);
      auto& none = std::get<keys::NoKey>(acquired);
      Millis until = none.earliest ? *none.earliest - m_clock.now() : Millis::max();
      if (until > k_max_key_wait || waits >= k_max_key_waits) {
        m_result.status = CallStatus::no_keys;
        m_result.no_key = std::move(none);
        return std::nullopt;
      }
      until = std::max(until, k_min_key_wait);
      spdlog::debug("⏳ {}: 사용 가능한 키 대기 {}", m_where, seconds_text(until));
      if (!pause(until)) {
        m_result.status = CallStatus::cancelled;
        return std::nullopt;
      }
    }
  }

  // True when the fetch is over (m_result final), false to call again.
  bool decide(const keys::KeyLease& lease, const ApiOutcome& outcome,
              const HttpResponse& response, Page& page) {
    if (outcome.failure != FailureKind::empty_body) m_empty_in_row = 0;
    if (outcome.kind != OutcomeKind::rate_limited) m_refused_since.reset();
    switch (outcome.kind) {
      case OutcomeKind::success:
      case OutcomeKind::no_data:
        m_result.status = CallStatus::ok;
        m_result.page = std::move(page);
        return true;
      case OutcomeKind::key_error:
      case OutcomeKind::quota_exceeded:
        return after_key_failure(lease, outcome);
      case OutcomeKind::rate_limited:
        return after_rate_limit(lease);
      case OutcomeKind::request_error:
        spdlog::warn("❌ {}: 요청 오류 - {} (재시도하지 않음)", m_where, outcome.message);
        m_result.status = CallStatus::request_error;
        return true;
      case OutcomeKind::service_error:
        return after_service_error(lease, outcome, response);
    }
    return finish_failed();
  }

  bool finish_failed() {
    m_result.status = CallStatus::failed;
    return true;
  }

  // The pool knows the key failed and will not hand it out again soon: the next key, at once.
  // The cap only guards against a pool that keeps handing out a failing key.
  bool after_key_failure(const keys::KeyLease& lease, const ApiOutcome& outcome) {
    ++m_key_failures;
    std::size_t cap = m_pool.size() * static_cast<std::size_t>(
                          std::max(1, m_pool.policy().max_consecutive_errors)) + 1;
    if (static_cast<std::size_t>(m_key_failures) > cap) {
      spdlog::warn("❌ {}: 키 오류가 {}회 이어져 포기합니다 ({})", m_where, m_key_failures,
                   outcome.message);
      return finish_failed();
    }
    spdlog::debug("🔄 {}: 키 {} {} - 다른 키로 같은 페이지를 다시 요청합니다", m_where,
                  lease.preview, outcome.message);
    return false;
  }

  // 23 means "slower", not "failed": the pool paced the key, and the call is simply asked again
  // (on the same key at its new pace, or on another). It never counts toward giving the call up;
  // only a gateway that refuses nothing but 23s for rate_limited_give_up (a broken gateway, not a
  // per-second limit) ends it, so that a run cannot hang for ever.
  bool after_rate_limit(const keys::KeyLease& lease) {
    auto now = m_clock.now();
    if (!m_refused_since) m_refused_since = now;
    if (now - *m_refused_since >= m_options.rate_limited_give_up) {
      spdlog::warn("❌ {}: {}분 동안 초당 호출 한도 (23) 응답만 받아 포기합니다", m_where,
                   std::chrono::duration_cast<std::chrono::minutes>(now - *m_refused_since).count());
      return finish_failed();
    }
    spdlog::debug("⏳ {}: 키 {} 초당 호출 한도 (23) - 속도를 늦춰 다시 요청합니다", m_where,
                  lease.preview);
    return false;
  }

  bool after_service_error(const keys::KeyLease& lease, const ApiOutcome& outcome,
                           const HttpResponse& response) {
    if (m_request.empty_bodies_limit && outcome.failure == FailureKind::empty_body &&
        ++m_empty_in_row >= *m_request.empty_bodies_limit) {
      m_result.status = CallStatus::empty_bodies;
      return true;
    }
    std::string detail =
        response.error_message.empty() ? "" : " [" + util::redact(response.error_message) + "]";
    if (++m_service_failures > m_options.max_service_retries) {
      spdlog::warn("❌ {}: {}{} - 재시도 {}회 후 포기", m_where, outcome.message, detail,
                   m_options.max_service_retries);
      return finish_failed();
    }
    Millis delay = full_jitter(m_options, m_service_failures - 1);
    spdlog::warn("⚠️ {}: {}{} - {} 후 재시도 ({}/{}, 키 {})", m_where, outcome.message, detail,
                 seconds_text(delay), m_service_failures, m_options.max_service_retries,
                 lease.preview);
    if (!pause(delay)) {
      m_result.status = CallStatus::cancelled;
      return true;
    }
    return false;
  }

  Transport& m_transport;
  keys::KeyPool& m_pool;
  const util::Clock& m_clock;
  const ClientOptions& m_options;
  std::atomic<long long>& m_calls;
  const CallRequest& m_request;
  const std::atomic<bool>* m_stop;
  std::string m_where;
  CallResult m_result;
  int m_service_failures = 0;
  int m_empty_in_row = 0;
  int m_key_failures = 0;
  std::optional<util::TimePoint> m_refused_since;  // the first of the 23s in a row
};

}  // namespace

TourApiClient::TourApiClient(Transport& transport, keys::KeyPool& pool, const util::Clock& clock,
                             ClientOptions options)
    : m_transport(transport), m_pool(pool), m_clock(clock), m_options(std::move(options)) {}

CallResult TourApiClient::call(const CallRequest& request, const std::atomic<bool>* stop) {
  return Call(m_transport, m_pool, m_clock, m_options, m_calls, request, stop).run();
}

FetchResult TourApiClient::fetch(const ListRequest& request, const std::atomic<bool>* stop) {
  CallRequest page{request.operation, request.params,
                   fmt::format("{}{} 페이지 {} (numOfRows={})",
                               request.label.empty() ? "" : request.label + " ", request.operation,
                               request.page_no, request.num_of_rows),
                   std::nullopt};
  page.params.emplace_back("numOfRows", std::to_string(request.num_of_rows));
  page.params.emplace_back("pageNo", std::to_string(request.page_no));
  // A page the service cannot build comes back as empty bodies; one row is the smallest page.
  if (request.num_of_rows > 1) page.empty_bodies_limit = m_options.empty_body_refusals;
  CallResult answer = call(page, stop);
  FetchResult result;
  result.status = fetch_status(answer.status);
  if (answer.status == CallStatus::empty_bodies)
    spdlog::debug("⚠️ {}: 빈 응답 {}회 연속 - 페이지 크기 거부", page.where,
                  *page.empty_bodies_limit);
  result.page = std::move(answer.page);
  result.last_outcome = std::move(answer.last_outcome);
  result.no_key = std::move(answer.no_key);
  result.calls = answer.calls;
  return result;
}

// The pool's health check and recovery report the outcome themselves, so the probe only asks.
ApiOutcome TourApiClient::probe(const keys::KeyLease& lease) {
  auto now = m_clock.now();
  if (lease.not_before > now) m_clock.sleep_for(lease.not_before - now);
  HttpRequest request;
  request.url = build_url(m_options.base_url, k_probe_operation, lease.key,
                          m_options.mobile_app, {{"numOfRows", "1"}, {"pageNo", "1"}});
  request.timeout = m_options.timeout;
  request.connect_timeout = m_options.connect_timeout;
  HttpResponse response = m_transport.send(request);
  ++m_calls;
  return classify(response);
}

keys::KeyPool::Probe TourApiClient::key_probe() {
  return {std::string(k_probe_operation),
          [this](const keys::KeyLease& lease) { return key_outcome(probe(lease)); }};
}

}  // namespace kto::api
