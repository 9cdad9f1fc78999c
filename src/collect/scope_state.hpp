#pragma once
// The progress of one scope: which row ranges are finished, which pages are in flight, and what
// is left. Page numbers are always relative to the current page size; finished work is kept as
// row ranges so a page size that is halved mid-run (or differs in a resumed run) still lines up.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kto/collect/plan.hpp"

namespace kto::collect::detail {

struct PageTask {
  std::size_t scope = 0;
  int page_no = 1;
  int page_size = 1000;
};

class ScopeState {
 public:
  ScopeState(Scope scope, int page_size) : m_scope(std::move(scope)), m_page_size(page_size) {}

  const Scope& scope() const { return m_scope; }
  int page_size() const { return m_page_size; }
  std::optional<long long> total() const { return m_total; }
  long long rows() const { return m_rows; }
  bool failed() const { return m_failed; }
  bool complete() const;
  bool idle() const { return m_inflight.empty(); }
  // Pages the plan still needs, not yet in flight. Without a known total, just page 1.
  std::vector<int> missing_pages() const;
  // The first of missing_pages(), without listing the rest.
  std::optional<int> first_missing_page() const;
  long long pages_planned() const;
  long long pages_done() const;

  void start(int page_no) { m_inflight.insert(page_no); }
  // A finished page: its rows, and the totalCount it reported.
  void finish(int page_no, int page_size, int rows, long long total_count);
  // What a page's answer tells of the scope's size, before the page is stored: the pages after it
  // can be sent while it is written.
  void learn_total(int page_no, int page_size, int rows, long long total_count);
  // Pages done in an earlier run of the same job.
  void restore(int page_no, int page_size, int rows, long long total_count);
  void abandon(int page_no) { m_inflight.erase(page_no); }
  void fail(int page_no) {
    m_inflight.erase(page_no);
    m_failed = true;
  }
  // The service refused this page size: halve it (pages in flight finish at their own size).
  bool halve_page_size();
  void set_page_size(int size) { m_page_size = size; }

 private:
  // Calls visit(page) for each page of missing_pages(), in order, while it returns true.
  template <typename Visit>
  void for_missing_pages(Visit visit) const {
    if (!m_total) {
      if (m_inflight.empty()) visit(1);
      return;
    }
    const long long pages = pages_planned();
    for (long long p = 1; p <= pages; ++p) {
      long long begin = (p - 1) * m_page_size;
      long long end = std::min(begin + m_page_size, *m_total);
      if (covered(begin, end) || m_inflight.count(static_cast<int>(p))) continue;
      if (!visit(static_cast<int>(p))) return;
    }
  }
  bool covered(long long begin, long long end) const;
  void add_range(long long begin, long long end);

  Scope m_scope;
  int m_page_size;
  std::optional<long long> m_total;
  std::vector<std::pair<long long, long long>> m_done;  // sorted, merged [begin, end)
  std::set<int> m_inflight;
  long long m_rows = 0;
  bool m_failed = false;
};

}  // namespace kto::collect::detail
