#include "scope_state.hpp"

#include <algorithm>

namespace kto::collect::detail {

bool ScopeState::covered(long long begin, long long end) const {
  for (const auto& [b, e] : m_done)
    if (b <= begin && end <= e) return true;
  return false;
}

void ScopeState::add_range(long long begin, long long end) {
  m_done.emplace_back(begin, end);
  std::sort(m_done.begin(), m_done.end());
  std::vector<std::pair<long long, long long>> merged;
  for (const auto& r : m_done) {
    if (!merged.empty() && r.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  m_done = std::move(merged);
}

long long ScopeState::pages_planned() const {
  if (!m_total) return 1;
  return (*m_total + m_page_size - 1) / m_page_size;
}

long long ScopeState::pages_done() const {
  long long done = 0;
  for (long long p = 1; p <= pages_planned(); ++p) {
    long long begin = (p - 1) * m_page_size;
    if (covered(begin, m_total ? std::min(begin + m_page_size, *m_total) : begin + m_page_size)) ++done;
  }
  return done;
}

bool ScopeState::complete() const {
  if (!m_total || m_failed) return false;
  return *m_total == 0 || covered(0, *m_total);
}

std::vector<int> ScopeState::missing_pages() const {
  std::vector<int> out;
  for_missing_pages([&out](int page) {
    out.push_back(page);
    return true;
  });
  return out;
}

std::optional<int> ScopeState::first_missing_page() const {
  std::optional<int> first;
  for_missing_pages([&first](int page) {
    first = page;
    return false;
  });
  return first;
}

void ScopeState::learn_total(int page_no, int page_size, int rows, long long total_count) {
  long long begin = static_cast<long long>(page_no - 1) * page_size;
  // The service's totalCount can move while the data changes; a short or empty page is the end,
  // whatever the count said, so the plan never loops past the data.
  long long total = m_total ? std::max(*m_total, total_count) : total_count;
  if (rows < page_size) total = std::min(total, begin + rows);
  m_total = total;
}

void ScopeState::finish(int page_no, int page_size, int rows, long long total_count) {
  m_inflight.erase(page_no);
  learn_total(page_no, page_size, rows, total_count);
  const long long begin = static_cast<long long>(page_no - 1) * page_size;
  add_range(begin, begin + page_size);
  m_rows += rows;
}

void ScopeState::restore(int page_no, int page_size, int rows, long long total_count) {
  finish(page_no, page_size, rows, total_count);
}

bool ScopeState::halve_page_size() {
  if (m_page_size <= 1) return false;
  m_page_size /= 2;
  return true;
}

}  // namespace kto::collect::detail
