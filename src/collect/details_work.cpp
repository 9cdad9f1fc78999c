#include "details_work.hpp"

#include <spdlog/spdlog.h>

#include "kto/util/time.hpp"

namespace kto::collect::detail {
namespace {

// Failures named one by one in the report; more are counted, not listed.
constexpr std::size_t k_max_errors = 20;
// A progress line in the log every so many items of one kind.
constexpr long long k_log_every = 500;

// The restaurants' content type: the one detailIntro2 is asked with when a row lacks its own.
constexpr const char* k_restaurant_type = "39";

std::string kind_label(store::DetailKind kind) {
  switch (kind) {
    case store::DetailKind::common: return "상세정보(common)";
    case store::DetailKind::intro: return "소개정보(intro)";
    case store::DetailKind::item_images: return "이미지(images Y)";
    case store::DetailKind::menu_images: return "메뉴 이미지(images N)";
  }
  return "상세정보";
}

}  // namespace

std::string_view operation_of(store::DetailKind kind) {
  switch (kind) {
    case store::DetailKind::common: return "detailCommon2";
    case store::DetailKind::intro: return "detailIntro2";
    case store::DetailKind::item_images:
    case store::DetailKind::menu_images: return "detailImage2";
  }
  return "detailCommon2";
}

api::Params detail_params(store::DetailKind kind, const store::PendingItem& item) {
  api::Params params{{"contentId", item.contentid}};
  switch (kind) {
    case store::DetailKind::common:
      break;
    case store::DetailKind::intro:
      params.emplace_back("contentTypeId",
                          item.contenttypeid.empty() ? k_restaurant_type : item.contenttypeid);
      break;
    case store::DetailKind::item_images:
      params.emplace_back("imageYN", "Y");
      break;
    case store::DetailKind::menu_images:
      params.emplace_back("imageYN", "N");
      break;
  }
  return params;
}

bool OpAllowance::may_send(long long outstanding) {
  if (m_stop != DetailStop::none) return false;
  if (m_budget && m_sent >= *m_budget) {
    m_stop = DetailStop::budget;
    return false;
  }
  // Calls in flight may not have taken their key yet: count them as spent, so that the last
  // calls of the day go out one by one rather than all at once into a refusal.
  if (m_pool.calls_left_today(m_operation) - outstanding > 0) return true;
  if (outstanding == 0) no_keys_left();
  return false;
}

DetailStop OpAllowance::no_keys_left() {
  if (m_stop == DetailStop::none)
    m_stop = m_pool.quota_today(m_operation).keys > 0 ? DetailStop::quota : DetailStop::no_keys;
  return m_stop;
}

DetailKindWork::DetailKindWork(DetailsJob& job, DetailOpReport& report, OpAllowance& allowance,
                               store::PendingQuery query, int lease_seconds,
                               std::set<std::string>& given_up)
    : m_job(job), m_report(report), m_allowance(allowance), m_query(std::move(query)),
      m_lease_seconds(lease_seconds), m_given_up(given_up) {}

// Reads (and, on a shared store, claims) the next chunk when the queue ran dry; false when nothing
// is pending any more (or the store failed, which halts the job).
bool DetailKindWork::refill() {
  while (m_queue.empty() && !m_read_all) {
    const int limit = m_job.db.shares_detail_work() ? k_shared_chunk : k_chunk;
    auto chunk = m_job.db.claim_details(m_query, m_cursor, limit, m_lease_seconds);
    if (!chunk) {
      fatal_error(chunk.error().message);
      return false;
    }
    std::vector<std::string> skipped;
    for (auto& item : chunk->items) {
      if (m_given_up.contains(item.contentid)) skipped.push_back(item.contentid);
      else m_queue.push_back(std::move(item));
    }
    release(skipped);
    m_cursor = chunk->next;
    m_read_all = chunk->done || chunk->items.empty();
  }
  return !m_queue.empty();
}

void DetailKindWork::release(const std::vector<std::string>& contentids) {
  if (contentids.empty()) return;
  // A claim not given back runs out with its lease: worth a warning, not the job.
  if (auto ok = m_job.db.release_details(m_query.kind, contentids); !ok)
    spdlog::warn("⚠️ {}", ok.error().message);
}

void DetailKindWork::release_unsent() {
  std::vector<std::string> unsent;
  for (const auto& item : m_queue) unsent.push_back(item.contentid);
  m_queue.clear();
  release(unsent);
}

void DetailKindWork::dropped(const DetailTask& task) {
  --m_outstanding;
  release({task.item.contentid});
}

std::optional<DetailTask> DetailKindWork::next_task() {
  if (m_job.fatal || m_job.no_keys || !refill()) return std::nullopt;
  if (!m_allowance.may_send(m_outstanding)) {
    if (m_allowance.stop() == DetailStop::no_keys) m_job.no_keys = true;
    return std::nullopt;
  }
  DetailTask task{std::move(m_queue.front())};
  m_queue.pop_front();
  m_allowance.sent();
  ++m_outstanding;
  return task;
}

api::CallResult DetailKindWork::perform(const DetailTask& task) {
  // Workers only read the task and the query's kind, which nothing changes during the run.
  api::CallRequest request{std::string(operation_of(m_query.kind)),
                           detail_params(m_query.kind, task.item),
                           kind_label(m_query.kind) + " " + task.item.contentid, std::nullopt};
  return m_job.client.call(request, &m_job.stop);
}

bool DetailKindWork::arrived(const DetailDone& done) {
  --m_outstanding;
  return done.answer.status == api::CallStatus::ok;
}

// The answers that came back are written in one transaction; the others are counted by what
// went wrong and stay pending.
void DetailKindWork::write(std::vector<DetailDone>& batch) {
  const std::string now = util::format_iso_kst(m_job.clock.now());
  std::vector<store::DetailWrite> writes;
  for (const DetailDone& done : batch) {
    m_report.calls += done.answer.calls;
    if (done.answer.status != api::CallStatus::ok) {
      handle_failure(done);
      continue;
    }
    if (auto w = to_write(done, now)) writes.push_back(std::move(*w));
  }
  if (!writes.empty()) {
    auto stats = m_job.db.write_details(writes);
    if (!stats) {
      fatal_error(stats.error().message);
      return;  // the claims run out with their leases
    }
    for (const auto& w : writes) ++(w.found ? m_report.fetched : m_report.empty);
  }
  // Written, failed or stopped: either way this process is done with them.
  std::vector<std::string> done;
  for (const DetailDone& d : batch) done.push_back(d.task.item.contentid);
  release(done);
}

std::optional<store::DetailWrite> DetailKindWork::to_write(const DetailDone& done,
                                                           const std::string& now) {
  const store::PendingItem& item = done.task.item;
  const auto& items = done.answer.page.items;
  store::DetailWrite w;
  w.contentid = item.contentid;
  w.kind = m_query.kind;
  w.modifiedtime = item.modifiedtime;
  w.fetched_at = now;
  // `items: ""` (or NODATA): the service has no details of this kind for the item; recorded, so
  // that it is not asked again until the item changes.
  w.found = !items.empty();
  if (m_query.kind == store::DetailKind::common || m_query.kind == store::DetailKind::intro) {
    if (w.found) w.item = items.front();
  } else {
    w.images = items;
  }
  return w;
}

void DetailKindWork::handle_failure(const DetailDone& done) {
  const auto& result = done.answer;
  const std::string where = kind_label(m_query.kind) + " " + done.task.item.contentid;
  switch (result.status) {
    case api::CallStatus::ok:
    case api::CallStatus::cancelled:
      break;  // a stop: the item stays pending
    case api::CallStatus::no_keys:
      // Spent for today (the limit counted, or the gateway's 22 on every key): a clean stop of
      // this operation. No key at all (disabled keys, long rests) ends the job.
      if (m_allowance.no_keys_left() == DetailStop::no_keys) {
        m_job.no_keys = true;
        if (result.no_key) m_job.report.no_key_message = result.no_key->message;
      }
      break;
    case api::CallStatus::request_error:
      fatal_error(where + ": 요청 오류 - " + result.last_outcome.message);
      break;
    case api::CallStatus::failed:
    case api::CallStatus::empty_bodies:
      ++m_report.failed;
      m_given_up.insert(done.task.item.contentid);
      add_error(where + ": " + result.last_outcome.message);
      break;
  }
}

void DetailKindWork::add_error(std::string message) {
  auto& errors = m_job.report.errors;
  if (errors.size() < k_max_errors) errors.push_back(std::move(message));
}

// What ends the job comes first in the report, however many failures were listed before it.
void DetailKindWork::fatal_error(std::string message) {
  m_job.fatal = true;
  auto& errors = m_job.report.errors;
  errors.insert(errors.begin(), std::move(message));
}

void DetailKindWork::progress(double /*elapsed_seconds*/) {
  long long done = m_report.fetched + m_report.empty + m_report.failed;
  if (done - m_logged < k_log_every) return;
  m_logged = done;
  spdlog::info("📥 {}: {}건 처리 (호출 {}회)", kind_label(m_query.kind), done, m_report.calls);
}

}  // namespace kto::collect::detail
