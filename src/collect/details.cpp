#include "kto/collect/details.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "details_work.hpp"
#include "pipeline.hpp"

namespace kto::collect {
namespace {

int default_concurrency(keys::KeyPool& pool, std::string_view operation) {
  auto usable = static_cast<int>(pool.summary(operation).available_keys);
  return std::clamp(2 * usable, 2, 8);
}

std::string trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  auto end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

std::string thousands(long long n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

const char* stop_text(DetailStop stop) {
  switch (stop) {
    case DetailStop::quota: return "오늘 남은 호출이 없어";
    case DetailStop::budget: return "--budget에 닿아";
    default: return "";
  }
}

}  // namespace

const char* to_string(DetailOp op) {
  switch (op) {
    case DetailOp::common: return "common";
    case DetailOp::intro: return "intro";
    case DetailOp::images: return "images";
  }
  return "common";
}

std::string_view operation_of(DetailOp op) {
  switch (op) {
    case DetailOp::common: return "detailCommon2";
    case DetailOp::intro: return "detailIntro2";
    case DetailOp::images: return "detailImage2";
  }
  return "detailCommon2";
}

std::vector<store::DetailKind> kinds_of(DetailOp op) {
  switch (op) {
    case DetailOp::common: return {store::DetailKind::common};
    case DetailOp::intro: return {store::DetailKind::intro};
    case DetailOp::images: return {store::DetailKind::item_images, store::DetailKind::menu_images};
  }
  return {};
}

const char* to_string(DetailStop stop) {
  switch (stop) {
    case DetailStop::none: return "";
    case DetailStop::quota: return "quota";
    case DetailStop::budget: return "budget";
    case DetailStop::no_keys: return "no_keys";
    case DetailStop::interrupted: return "interrupted";
    case DetailStop::fatal: return "fatal";
  }
  return "";
}

Result<std::vector<DetailOp>> parse_detail_list(std::string_view text) {
  if (trim(text).empty()) return std::vector<DetailOp>{DetailOp::common, DetailOp::intro};
  std::vector<DetailOp> ops;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string entry = trim(text.substr(start, comma - start));
    if (entry.empty())
      return make_error("--details '" + std::string(text) +
                            "': 빈 항목이 있습니다. common, intro, images를 쉼표로 구분해 주세요 "
                            "(예: --details common,intro,images)",
                        ExitCode::usage);
    auto it = std::find_if(k_detail_ops.begin(), k_detail_ops.end(),
                           [&](DetailOp op) { return entry == to_string(op); });
    if (it == k_detail_ops.end())
      return make_error("--details '" + std::string(text) + "': '" + entry +
                            "'은(는) 상세정보 종류가 아닙니다. common, intro, images를 쉼표로 "
                            "구분해 주세요 (예: --details common,intro,images)",
                        ExitCode::usage);
    if (std::find(ops.begin(), ops.end(), *it) == ops.end()) ops.push_back(*it);
    start = comma + 1;
  }
  // The order of the work is the operations' own, whatever order they were named in.
  std::sort(ops.begin(), ops.end());
  return ops;
}

Result<long long> parse_budget(std::string_view text) {
  std::string t = trim(text);
  long long n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || n < 1)
    return make_error("--budget '" + std::string(text) +
                          "': 작업별 상세정보 호출 수를 1 이상의 정수로 주세요 (예: --budget 500)",
                      ExitCode::usage);
  return n;
}

long long DetailsReport::pending() const {
  long long n = 0;
  for (const auto& [op, r] : ops) n += r.pending;
  return n;
}

std::optional<long long> DetailsReport::estimate_days() const {
  long long days = 0;
  for (const auto& [op, r] : ops) {
    if (r.pending == 0) continue;
    if (r.per_day <= 0) return std::nullopt;
    days = std::max(days, (r.pending + r.per_day - 1) / r.per_day);
  }
  return days;
}

std::string estimate_line(const DetailsReport& report) {
  long long pending = report.pending();
  if (pending == 0) return "";
  std::string line = "남은 상세정보 " + thousands(pending) + "건";
  auto days = report.estimate_days();
  if (!days) return line + " — 쓸 수 있는 키가 없어 기간을 예상할 수 없습니다";
  std::size_t keys = 0;
  for (const auto& [op, r] : report.ops) keys = std::max(keys, r.keys);
  return line + " — 키 " + std::to_string(keys) + "개로 약 " + std::to_string(*days) + "일";
}

DetailCollector::DetailCollector(api::TourApiClient& client, store::Store& db, keys::KeyPool& pool,
                                 const util::Clock& clock)
    : m_client(client), m_db(db), m_pool(pool), m_clock(clock) {}

namespace {

// What is left of op after the run, and what a day of the keys can do about it.
void count_pending(store::Store& db, keys::KeyPool& pool, const DetailsOptions& options,
                   DetailOp op, DetailOpReport& r, DetailsReport& report) {
  r.pending = 0;
  for (store::DetailKind kind : kinds_of(op)) {
    auto counts = db.count_pending_details({kind, options.area_codes, options.run_id});
    if (!counts) {
      report.errors.push_back(counts.error().message);
      report.exit_code = ExitCode::failure;
      continue;
    }
    r.pending += counts->total();
  }
  auto quota = pool.quota_today(operation_of(op));
  r.per_day = quota.per_day;
  r.keys = quota.keys;
}

void report_error(detail::DetailsJob& job, std::string message) {
  job.report.errors.insert(job.report.errors.begin(), std::move(message));
}

ExitCode settle(const DetailsReport& report, const detail::DetailsJob& job, bool interrupted) {
  if (interrupted) return ExitCode::sigint;  // the CLI refines it to 143 for SIGTERM
  if (job.fatal) return ExitCode::failure;
  if (job.no_keys) return ExitCode::no_keys;
  for (const auto& [op, r] : report.ops)
    if (r.failed > 0) return ExitCode::partial;
  return ExitCode::ok;
}

}  // namespace

// One kind of detail work. On a store several processes share, the walk over the pending items
// passes over those other processes hold; once it is done, while others still hold some, this
// process waits and walks again: what they finish is no longer pending, what they give up (or
// hold no longer because they died and their leases ran out) it takes over.
void DetailCollector::run_kind(detail::Pipeline& pipeline, detail::DetailsJob& job,
                               DetailOpReport& r, detail::OpAllowance& allowance,
                               const store::PendingQuery& query, const DetailsOptions& options,
                               int concurrency, const std::atomic<bool>& stop) {
  std::set<std::string> given_up;
  bool told = false;
  while (true) {
    detail::DetailKindWork work(job, r, allowance, query, options.lease_seconds, given_up);
    pipeline.run(work, concurrency);
    work.release_unsent();
    if (pipeline.halted() || job.fatal || job.no_keys || allowance.stop() != DetailStop::none ||
        stop || !m_db.shares_detail_work())
      return;
    auto held = m_db.details_held_elsewhere(query);
    if (!held) {
      job.fatal = true;
      report_error(job, held.error().message);
      return;
    }
    if (*held == 0) return;
    if (!told)
      spdlog::info("⏳ 다른 작업자가 쥔 {} {}건이 끝나기를 기다립니다 (그 작업자가 멈추면 임대가 끝난 뒤 "
                   "이어 받습니다)", store::to_string(query.kind), *held);
    told = true;
    wait_a_moment(options.lease_seconds, stop);
  }
}

// A short wait between two walks, cut short by a stop: a tenth of a lease, 1 to 5 seconds.
void DetailCollector::wait_a_moment(int lease_seconds, const std::atomic<bool>& stop) {
  const long long wait_ms = std::clamp(lease_seconds * 100LL, 1000LL, 5000LL);
  for (long long waited = 0; waited < wait_ms && !stop; waited += 200)
    m_clock.sleep_for(util::Millis(200));
}

DetailsReport DetailCollector::run(const DetailsOptions& options, const std::atomic<bool>& stop) {
  DetailsReport report;
  detail::DetailsJob job{m_client, m_db, m_clock, stop, report};
  // One pipeline for every operation: keys proven by one stay proven.
  detail::Pipeline pipeline(m_clock, stop);
  for (DetailOp op : options.ops) report.ops[op];  // every operation asked is reported
  for (DetailOp op : options.ops) {
    DetailOpReport& r = report.ops[op];
    const std::string operation(operation_of(op));
    detail::OpAllowance allowance(m_pool, operation, options.budget);
    int concurrency = options.concurrency > 0 ? options.concurrency
                                              : default_concurrency(m_pool, operation);
    for (store::DetailKind kind : kinds_of(op))
      run_kind(pipeline, job, r, allowance, {kind, options.area_codes, options.run_id}, options,
               concurrency, stop);
    r.stop = pipeline.interrupted() ? DetailStop::interrupted
             : job.fatal            ? DetailStop::fatal
             : job.no_keys          ? DetailStop::no_keys
                                    : allowance.stop();
    if (r.stop == DetailStop::quota || r.stop == DetailStop::budget)
      spdlog::info("⏸️ {} ({}): {} 멈춥니다. 남은 항목은 다음 실행에서 이어 받습니다", to_string(op),
                   operation, stop_text(r.stop));
    if (pipeline.halted() || job.fatal || job.no_keys) break;
  }
  for (auto& [op, r] : report.ops) count_pending(m_db, m_pool, options, op, r, report);
  if (report.exit_code == ExitCode::ok) report.exit_code = settle(report, job, pipeline.interrupted());
  return report;
}

}  // namespace kto::collect
