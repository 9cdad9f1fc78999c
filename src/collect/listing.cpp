#include "listing.hpp"

#include <algorithm>

#include "kto/api/regions.hpp"

namespace kto::collect::detail {
namespace {

std::vector<ScopeState> make_states(const std::vector<Scope>& scopes, int page_size,
                                    const std::vector<store::PageCheckpoint>& checkpoints) {
  std::vector<ScopeState> states;
  for (const auto& scope : scopes) {
    ScopeState state(scope, page_size);
    int smallest = page_size;
    for (const auto& cp : checkpoints) {
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

}  // namespace

std::string scope_label(const Scope& scope) {
  std::string label;
  if (const api::Region* r = api::find_region(scope.area_code))
    label = std::string(r->name);
  else
    label = "전국";
  if (!scope.day.empty()) label += " (" + scope.day + ")";
  return label;
}

ListingPhase::ListingPhase(ListingJob& job, const std::vector<Scope>& scopes)
    : m_job(job), m_states(make_states(scopes, job.report.options.page_size, job.checkpoints)) {
  for (const auto& s : m_states) m_pages_before += s.pages_done();
}

std::optional<PageTask> ListingPhase::next_task() {
  // First pages before the rest: they tell each scope's size (and the order stays that of an
  // unlimited queue while the flight limit holds pages back).
  for (bool sized : {false, true}) {
    for (std::size_t i = 0; i < m_states.size(); ++i) {
      ScopeState& state = m_states[i];
      if (state.failed() || state.total().has_value() != sized) continue;
      if (auto page = state.first_missing_page()) {
        state.start(*page);
        return PageTask{i, *page, state.page_size()};
      }
    }
  }
  return std::nullopt;
}

api::FetchResult ListingPhase::perform(const PageTask& task) {
  // Workers only read a state's scope, which nothing changes during the phase.
  const Scope& scope = m_states[task.scope].scope();
  // The label makes the client's retry lines name the province.
  api::ListRequest req{scope.operation, scope.params, task.page_no, task.page_size,
                       scope_label(scope)};
  // The stop itself, not a copy updated between pages: a page hanging or in back-off must see
  // a signal at once.
  return m_job.client.fetch(req, &m_job.stop);
}

bool ListingPhase::arrived(const PageDone& done) {
  if (done.answer.status != api::FetchStatus::ok) return false;
  // A page's answer tells how many pages its scope has.
  m_states[done.task.scope].learn_total(done.task.page_no, done.task.page_size,
                                        static_cast<int>(done.answer.page.items.size()),
                                        done.answer.page.total_count);
  return true;
}

void ListingPhase::progress(double elapsed_seconds) {
  if (!m_job.progress) return;
  Progress p;
  p.label = in_flight_label(m_states);
  for (const auto& s : m_states) {
    p.pages_done += s.pages_done();
    p.pages_total += s.pages_planned();
  }
  p.records = m_job.report.records;
  p.calls = m_job.report.api_calls;
  p.eta_seconds = eta_seconds(elapsed_seconds, p.pages_done - m_pages_before,
                              p.pages_total - p.pages_done);
  m_job.progress(p);
}

void ListingPhase::finish() {
  CollectReport& report = m_job.report;
  RunFlags& flags = m_job.flags;
  bool all_complete = true;
  for (const auto& s : m_states) {
    all_complete = all_complete && s.complete();
    if (s.scope().area_code != 0) {
      auto& area = report.areas[s.scope().area_code];
      area.total_count += s.total().value_or(0);
      area.collected += s.rows();
      area.complete = s.complete();
      area.total_known = s.total().has_value();
    } else if (s.scope().day.empty()) {
      // The national listing: its totalCount is the country's, whatever part of it was received.
      report.national = AreaResult{s.total().value_or(0), s.rows(), s.complete(),
                                   s.total().has_value()};
    }
  }
  flags.complete = all_complete;
  if (!flags.complete && !flags.no_keys && !m_job.stop.load() && !flags.fatal)
    flags.service_failed = true;
}

}  // namespace kto::collect::detail
