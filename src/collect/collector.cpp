#include "kto/collect/collector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "fetch_workers.hpp"
#include "kto/api/regions.hpp"
#include "kto/util/time.hpp"
#include "run_options.hpp"
#include "scope_state.hpp"

namespace kto::collect {
namespace {

using detail::FetchDone;
using detail::FetchWorkers;
using detail::PageTask;
using detail::ScopeState;

// Pages written in one transaction at most: those waiting when the writer gets to them.
constexpr std::size_t k_max_batch = 8;

std::string scope_label(const Scope& scope) {
  std::string label;
  if (const api::Region* r = api::find_region(scope.area_code))
    label = std::string(r->name);
  else
    label = "전국";
  if (!scope.day.empty()) label += " (" + scope.day + ")";
  return label;
}

std::string_view field(util::JsonValue item, std::string_view name) {
  util::JsonValue value = item.find(name);
  return value.is_string() || value.is_number() ? value.text() : std::string_view{};
}

// One job: the run record, its options, the checkpoints of earlier attempts, and the tallies.
class Job {
 public:
  Job(api::TourApiClient& client, store::Store& db, keys::KeyPool& pool,
      const util::Clock& clock, CollectReport& report, const std::atomic<bool>& stop,
      const std::function<void(const Progress&)>& progress)
      : m_client(client), m_db(db), m_pool(pool), m_clock(clock), m_report(report),
        m_stop(stop), m_progress(progress) {}

  void set_checkpoints(std::vector<store::PageCheckpoint> cps) { m_checkpoints = std::move(cps); }
  // Runs the scopes of one phase to the end, a stop, or no keys. Returns whether a --since
  // answer showed that modifiedtime means "since that day".
  bool run_phase(const std::vector<Scope>& scopes, int concurrency);
  RunFlags& flags() { return m_flags; }

 private:
  std::vector<ScopeState> make_states(const std::vector<Scope>& scopes) const;
  void handle_batch(std::vector<ScopeState>& states, std::vector<FetchDone>& batch);
  void handle_failure(ScopeState& state, const FetchDone& done);
  std::optional<store::PageWrite> page_write(const ScopeState& state, const PageTask& task,
                                             const api::Page& page);
  Result<std::optional<int>> sync_item_area(const Scope& scope, util::JsonValue item, int area);
  void page_stored(ScopeState& state, const PageTask& task, const api::Page& page,
                   const store::UpsertStats& stats);
  void dispatch(std::vector<ScopeState>& states, FetchWorkers& workers);
  void halt(std::vector<ScopeState>& states, FetchWorkers& workers);
  void report_progress(const std::vector<ScopeState>& states);
  void finish_phase(const std::vector<ScopeState>& states);

  api::TourApiClient& m_client;
  store::Store& m_db;
  keys::KeyPool& m_pool;
  const util::Clock& m_clock;
  CollectReport& m_report;
  const std::atomic<bool>& m_stop;
  const std::function<void(const Progress&)>& m_progress;
  std::vector<store::PageCheckpoint> m_checkpoints;
  RunFlags m_flags;
  bool m_halted = false;
  detail::FlightLimit m_flight;  // for the whole job: keys proven in one phase stay proven
  bool m_since_semantics = false;
  util::TimePoint m_phase_start{};
  long long m_phase_pages = 0;
  // Pages taken for one transaction beyond the first: they still count against the flight limit,
  // so memory stays at most one page above the concurrency.
  std::size_t m_held = 0;
};

std::vector<ScopeState> Job::make_states(const std::vector<Scope>& scopes) const {
  std::vector<ScopeState> states;
  for (const auto& scope : scopes) {
    ScopeState state(scope, m_report.options.page_size);
    int smallest = m_report.options.page_size;
    for (const auto& cp : m_checkpoints) {
      if (cp.scope != scope.name) continue;
      state.restore(cp.page_no, cp.page_size, cp.rows, cp.total_count);
      smallest = std::min(smallest, cp.page_size);
    }
    // A page size halved in an earlier attempt was refused by the service: keep the smaller one.
    state.set_page_size(smallest);
    states.push_back(std::move(state));
  }
  return states;
}

void Job::dispatch(std::vector<ScopeState>& states, FetchWorkers& workers) {
  if (m_halted) return;
  // First pages before the rest: they tell each scope's size (and the order stays that of an
  // unlimited queue while the flight limit holds pages back).
  for (bool sized : {false, true}) {
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (states[i].failed() || states[i].total().has_value() != sized) continue;
      for (int page : states[i].missing_pages()) {
        if (!m_flight.room(workers.outstanding() + m_held)) return;
        states[i].start(page);
        workers.submit({i, page, states[i].page_size()});
      }
    }
  }
}

void Job::halt(std::vector<ScopeState>& states, FetchWorkers& workers) {
  m_halted = true;
  for (const auto& task : workers.drop_queued()) states[task.scope].abandon(task.page_no);
}

// The province a sync-list item is written under, or nullopt when it is not written. A hidden item
// (showflag 0) comes without its lDong* codes: its stored row, in whatever province, is what it
// hides, so an item hidden anywhere ends hidden. A shown item is written when the run covers its
// province.
Result<std::optional<int>> Job::sync_item_area(const Scope& scope, util::JsonValue item, int area) {
  if (field(item, "showflag") == "0") {
    auto stored = m_db.stored_area_code(field(item, "contentid"));
    if (!stored) return stored.error();
    if (*stored) return std::optional<int>(**stored != 0 ? **stored : area);
  }
  const auto& keep = scope.keep_areas;
  if (keep.empty() || std::find(keep.begin(), keep.end(), area) != keep.end())
    return std::optional<int>(area);
  return std::optional<int>{};
}

// The rows of a page to write; nullopt when a lookup failed (the page is then not stored).
std::optional<store::PageWrite> Job::page_write(const ScopeState& state, const PageTask& task,
                                                const api::Page& page) {
  const Scope& scope = state.scope();
  store::PageWrite write;
  write.run_id = m_report.run_id;
  write.checkpoint = {scope.name, task.page_size, task.page_no, page.total_count,
                      static_cast<int>(page.items.size())};
  write.now = util::format_iso_kst(m_clock.now());
  write.from_sync_list = scope.sync_list;
  write.items.reserve(page.items.size());
  for (util::JsonValue item : page.items) {
    int area = api::derive_area_code(field(item, "areacode"), field(item, "lDongRegnCd"),
                                     scope.area_code);
    // Under "since" semantics the answer for day D holds items changed after D.
    if (!scope.day.empty() && field(item, "modifiedtime").substr(0, 8) > scope.day)
      m_since_semantics = true;
    if (scope.sync_list) {
      auto written = sync_item_area(scope, item, area);
      if (!written) {
        m_report.errors.push_back(written.error().message);
        m_flags.fatal = true;
        return std::nullopt;
      }
      if (!*written) continue;  // a province the run does not cover
      area = **written;
    }
    write.items.push_back({item, area});
    // Provincial scopes count their rows in finish_phase (with those of earlier attempts).
    if (scope.area_code == 0) ++m_report.areas[area].collected;
  }
  return write;
}

void Job::page_stored(ScopeState& state, const PageTask& task, const api::Page& page,
                      const store::UpsertStats& stats) {
  m_report.records += static_cast<long long>(page.items.size());
  m_report.inserted += stats.inserted;
  m_report.updated += stats.updated;
  m_report.unchanged += stats.unchanged;
  m_report.hidden += stats.hidden;
  m_report.stored += stats.inserted + stats.updated;
  state.finish(task.page_no, task.page_size, static_cast<int>(page.items.size()), page.total_count);
  spdlog::debug("{} 페이지 {} 저장: {}건 (전체 {}건)", scope_label(state.scope()), task.page_no,
                page.items.size(), page.total_count);
}

// The pages of a batch that came back whole are written in one transaction; the others are
// handled one by one, in the order they arrived.
void Job::handle_batch(std::vector<ScopeState>& states, std::vector<FetchDone>& batch) {
  std::vector<store::PageWrite> writes;
  std::vector<const FetchDone*> pages;
  for (const FetchDone& done : batch) {
    m_report.api_calls += done.result.calls;
    if (done.result.status != api::FetchStatus::ok) {
      handle_failure(states[done.task.scope], done);
      continue;
    }
    auto write = page_write(states[done.task.scope], done.task, done.result.page);
    if (!write) {
      states[done.task.scope].fail(done.task.page_no);
      continue;
    }
    writes.push_back(std::move(*write));
    pages.push_back(&done);
  }
  if (pages.empty()) return;
  auto stats = m_db.write_pages(writes);
  if (!stats) {
    m_report.errors.push_back(stats.error().message);
    m_flags.fatal = true;
  }
  for (std::size_t i = 0; i < pages.size(); ++i) {
    ScopeState& state = states[pages[i]->task.scope];
    if (stats) page_stored(state, pages[i]->task, pages[i]->result.page, (*stats)[i]);
    if (m_flags.fatal) state.fail(pages[i]->task.page_no);
    if (state.complete() && state.idle())
      spdlog::info("📍 {}: {}건 수집 완료", scope_label(state.scope()), state.rows());
  }
}

void Job::handle_failure(ScopeState& state, const FetchDone& done) {
  const auto& result = done.result;
  std::string where = scope_label(state.scope()) + " 페이지 " + std::to_string(done.task.page_no);
  switch (result.status) {
    case api::FetchStatus::ok:
      break;
    case api::FetchStatus::no_keys:
      state.abandon(done.task.page_no);
      m_flags.no_keys = true;
      if (result.no_key) m_report.no_key_message = result.no_key->message;
      break;
    case api::FetchStatus::page_size_refused:
      state.abandon(done.task.page_no);
      if (done.task.page_size == state.page_size() && !state.halve_page_size()) {
        state.fail(done.task.page_no);
        m_report.errors.push_back(where + ": 빈 응답이 계속됩니다 (page size 1)");
        m_flags.service_failed = true;
      } else {
        spdlog::warn("⚠️ {}: numOfRows={} 요청이 빈 응답으로 거부되어 {}(으)로 줄여 계속합니다",
                     where, done.task.page_size, state.page_size());
      }
      break;
    case api::FetchStatus::request_error:
      state.fail(done.task.page_no);
      m_flags.fatal = true;
      m_report.errors.push_back(where + ": 요청 오류 - " + result.last_outcome.message);
      break;
    case api::FetchStatus::failed:
      state.fail(done.task.page_no);
      m_flags.service_failed = true;
      m_report.errors.push_back(where + ": " + result.last_outcome.message);
      break;
    case api::FetchStatus::cancelled:
      state.abandon(done.task.page_no);
      break;
  }
}

// The provinces with pages in flight, not the one whose page came last (it may have just finished).
std::string in_flight_label(const std::vector<ScopeState>& states) {
  constexpr std::size_t k_max_named = 3;
  std::vector<std::string> names;
  for (const auto& s : states) {
    if (s.idle()) continue;
    std::string name = scope_label(s.scope());
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string label;
  for (std::size_t i = 0; i < names.size() && i < k_max_named; ++i)
    label += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > k_max_named) label += " 외 " + std::to_string(names.size() - k_max_named) + "곳";
  return label.empty() ? "마무리 중" : label;
}

void Job::report_progress(const std::vector<ScopeState>& states) {
  if (!m_progress) return;
  Progress p;
  p.label = in_flight_label(states);
  for (const auto& s : states) {
    p.pages_done += s.pages_done();
    p.pages_total += s.pages_planned();
  }
  p.records = m_report.records;
  p.calls = m_report.api_calls;
  auto elapsed = std::chrono::duration<double>(m_clock.steady_now() - m_phase_start).count();
  long long done_now = p.pages_done - m_phase_pages;
  if (done_now > 0 && p.pages_total > p.pages_done)
    p.eta_seconds = elapsed / static_cast<double>(done_now) *
                    static_cast<double>(p.pages_total - p.pages_done);
  m_progress(p);
}

void Job::finish_phase(const std::vector<ScopeState>& states) {
  bool all_complete = true;
  for (const auto& s : states) {
    all_complete = all_complete && s.complete();
    if (s.scope().area_code != 0) {
      auto& area = m_report.areas[s.scope().area_code];
      area.total_count += s.total().value_or(0);
      area.collected += s.rows();
      area.complete = s.complete();
      area.total_known = s.total().has_value();
    } else if (s.scope().day.empty()) {
      // The national listing: its totalCount is the country's, whatever part of it was received.
      m_report.national = AreaResult{s.total().value_or(0), s.rows(), s.complete(),
                                     s.total().has_value()};
    }
  }
  m_flags.complete = all_complete;
  if (!m_flags.complete && !m_flags.no_keys && !m_stop.load() && !m_flags.fatal)
    m_flags.service_failed = true;
}

bool Job::run_phase(const std::vector<Scope>& scopes, int concurrency) {
  auto states = make_states(scopes);
  m_phase_start = m_clock.steady_now();
  m_since_semantics = false;
  m_phase_pages = 0;
  for (const auto& s : states) m_phase_pages += s.pages_done();
  m_flight.set_max(concurrency);
  FetchWorkers workers(concurrency, [&](const PageTask& task) {
    // The label makes the client's retry lines name the province.
    api::ListRequest req{states[task.scope].scope().operation, states[task.scope].scope().params,
                         task.page_no, task.page_size, scope_label(states[task.scope].scope())};
    // The stop itself, not a copy updated between pages: a page hanging or in back-off must see
    // a signal at once.
    return m_client.fetch(req, &m_stop);
  });
  dispatch(states, workers);
  std::vector<FetchDone> batch;
  while (auto done = workers.next()) {
    batch.push_back(std::move(*done));
    // Pages that arrived while the last ones were written share one transaction.
    workers.take_done(batch, k_max_batch);
    m_held = batch.size() - 1;
    // A page's answer tells how many pages its scope has: the next ones are sent before this one
    // is written, so the network never waits for the disk.
    for (const FetchDone& d : batch) {
      if (d.result.status != api::FetchStatus::ok) continue;
      m_flight.widen();
      states[d.task.scope].learn_total(d.task.page_no, d.task.page_size,
                                       static_cast<int>(d.result.page.items.size()),
                                       d.result.page.total_count);
    }
    dispatch(states, workers);
    handle_batch(states, batch);
    // The written pages go now, not when the next page arrives: their buffers then serve the pages
    // dispatched below, and no more than the concurrency + 1 pages are ever alive.
    batch.clear();
    m_held = 0;
    if (m_stop.load() || m_flags.no_keys || m_flags.fatal) {
      m_flags.interrupted = m_stop.load();
      halt(states, workers);
    }
    dispatch(states, workers);
    report_progress(states);
  }
  finish_phase(states);
  return m_since_semantics;
}

int default_concurrency(keys::KeyPool& pool, const std::string& operation) {
  auto usable = static_cast<int>(pool.summary(operation).available_keys);
  return std::clamp(2 * usable, 2, 8);
}

}  // namespace

Collector::Collector(api::TourApiClient& client, store::Store& db, keys::KeyPool& pool,
                     const util::Clock& clock)
    : m_client(client), m_db(db), m_pool(pool), m_clock(clock) {}

void Collector::on_progress(std::function<void(const Progress&)> callback) {
  m_progress = std::move(callback);
}

CollectReport Collector::run(const CollectOptions& requested, const std::atomic<bool>& stop) {
  CollectReport report;
  report.options = requested;
  report.started_at = util::format_iso_kst(m_clock.now());
  Job job(m_client, m_db, m_pool, m_clock, report, stop, m_progress);
  auto prepared = prepare_run(m_db, requested, report, m_clock);
  if (!prepared) {
    report.errors.push_back(prepared.error().message);
    job.flags().fatal = true;
    settle_status(report, job.flags());
    return report;
  }
  job.set_checkpoints(std::move(prepared->checkpoints));
  const auto& options = report.options;
  std::string operation = options.since ? "areaBasedSyncList2" : "areaBasedList2";
  int concurrency = options.concurrency > 0 ? options.concurrency
                                            : default_concurrency(m_pool, operation);
  if (!options.since) {
    job.run_phase(full_scopes(options), concurrency);
  } else {
    for (const auto& day : prepared->days) {
      bool since_semantics = job.run_phase(since_scopes(options, day), concurrency);
      if (!job.flags().complete) break;
      if (since_semantics) {
        spdlog::info("ℹ️ modifiedtime={}의 응답에 이후 날짜의 변경이 있어 나머지 날짜는 조회하지 않습니다",
                     day);
        break;
      }
    }
  }
  finish_run(m_db, report, job.flags(), m_clock);
  return report;
}

void settle_status(CollectReport& report, const RunFlags& flags) {
  if (flags.interrupted) {
    report.status = store::RunStatus::interrupted;
    report.exit_code = ExitCode::sigint;  // the CLI refines it to 143 for SIGTERM
  } else if (flags.fatal) {
    report.status = store::RunStatus::failed;
    report.exit_code = ExitCode::failure;
  } else if (flags.no_keys) {
    report.status = store::RunStatus::no_keys;
    report.exit_code = ExitCode::no_keys;
  } else if (!flags.complete || flags.service_failed) {
    report.status = store::RunStatus::partial;
    report.exit_code = ExitCode::partial;
  } else {
    report.status = store::RunStatus::success;
    report.exit_code = ExitCode::ok;
  }
}

}  // namespace kto::collect
