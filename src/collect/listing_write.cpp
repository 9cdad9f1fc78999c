// The listing's writer side: a batch of pages becomes rows and checkpoints in one transaction,
// and a page that came back without rows is handled by what went wrong.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kto/api/regions.hpp"
#include "kto/util/time.hpp"
#include "listing.hpp"

namespace kto::collect::detail {
namespace {

std::string_view field(util::JsonValue item, std::string_view name) {
  util::JsonValue value = item.find(name);
  return value.is_string() || value.is_number() ? value.text() : std::string_view{};
}

}  // namespace

// The pages of a batch that came back whole are written in one transaction; the others are
// handled one by one, in the order they arrived.
void ListingPhase::write(std::vector<PageDone>& batch) {
  std::vector<store::PageWrite> writes;
  std::vector<const PageDone*> pages;
  for (const PageDone& done : batch) {
    m_job.report.api_calls += done.answer.calls;
    if (done.answer.status != api::FetchStatus::ok) {
      handle_failure(m_states[done.task.scope], done);
      continue;
    }
    auto write = page_write(m_states[done.task.scope], done.task, done.answer.page);
    if (!write) {
      m_states[done.task.scope].fail(done.task.page_no);
      continue;
    }
    writes.push_back(std::move(*write));
    pages.push_back(&done);
  }
  if (pages.empty()) return;
  auto stats = m_job.db.write_pages(writes);
  if (!stats) {
    m_job.report.errors.push_back(stats.error().message);
    m_job.flags.fatal = true;
  }
  for (std::size_t i = 0; i < pages.size(); ++i) {
    ScopeState& state = m_states[pages[i]->task.scope];
    if (stats) page_stored(state, pages[i]->task, pages[i]->answer.page, (*stats)[i]);
    if (m_job.flags.fatal) state.fail(pages[i]->task.page_no);
    if (state.complete() && state.idle())
      spdlog::info("📍 {}: {}건 수집 완료", scope_label(state.scope()), state.rows());
  }
}

void ListingPhase::handle_failure(ScopeState& state, const PageDone& done) {
  const auto& result = done.answer;
  std::string where = scope_label(state.scope()) + " 페이지 " + std::to_string(done.task.page_no);
  switch (result.status) {
    case api::FetchStatus::ok:
      break;
    case api::FetchStatus::no_keys:
      state.abandon(done.task.page_no);
      m_job.flags.no_keys = true;
      if (result.no_key) m_job.report.no_key_message = result.no_key->message;
      break;
    case api::FetchStatus::page_size_refused:
      state.abandon(done.task.page_no);
      if (done.task.page_size == state.page_size() && !state.halve_page_size()) {
        state.fail(done.task.page_no);
        m_job.report.errors.push_back(where + ": 빈 응답이 계속됩니다 (page size 1)");
        m_job.flags.service_failed = true;
      } else {
        spdlog::warn("⚠️ {}: numOfRows={} 요청이 빈 응답으로 거부되어 {}(으)로 줄여 계속합니다",
                     where, done.task.page_size, state.page_size());
      }
      break;
    case api::FetchStatus::request_error:
      state.fail(done.task.page_no);
      m_job.flags.fatal = true;
      m_job.report.errors.push_back(where + ": 요청 오류 - " + result.last_outcome.message);
      break;
    case api::FetchStatus::failed:
      state.fail(done.task.page_no);
      m_job.flags.service_failed = true;
      m_job.report.errors.push_back(where + ": " + result.last_outcome.message);
      break;
    case api::FetchStatus::cancelled:
      state.abandon(done.task.page_no);
      break;
  }
}

// The rows of a page to write; nullopt when a lookup failed (the page is then not stored).
std::optional<store::PageWrite> ListingPhase::page_write(const ScopeState& state,
                                                        const PageTask& task,
                                                        const api::Page& page) {
  const Scope& scope = state.scope();
  store::PageWrite write;
  write.run_id = m_job.report.run_id;
  write.checkpoint = {scope.name, task.page_size, task.page_no, page.total_count,
                      static_cast<int>(page.items.size())};
  write.now = util::format_iso_kst(m_job.clock.now());
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
        m_job.report.errors.push_back(written.error().message);
        m_job.flags.fatal = true;
        return std::nullopt;
      }
      if (!*written) continue;  // a province the run does not cover
      area = **written;
    }
    write.items.push_back({item, area});
    // Provincial scopes count their rows in finish() (with those of earlier attempts).
    if (scope.area_code == 0) ++m_job.report.areas[area].collected;
  }
  return write;
}

// The province a sync-list item is written under, or nullopt when it is not written. A hidden item
// (showflag 0) comes without its lDong* codes: its stored row, in whatever province, is what it
// hides, so an item hidden anywhere ends hidden. A shown item is written when the run covers its
// province.
Result<std::optional<int>> ListingPhase::sync_item_area(const Scope& scope, util::JsonValue item,
                                                        int area) {
  if (field(item, "showflag") == "0") {
    auto stored = m_job.db.stored_area_code(field(item, "contentid"));
    if (!stored) return stored.error();
    if (*stored) return std::optional<int>(**stored != 0 ? **stored : area);
  }
  const auto& keep = scope.keep_areas;
  if (keep.empty() || std::find(keep.begin(), keep.end(), area) != keep.end())
    return std::optional<int>(area);
  return std::optional<int>{};
}

void ListingPhase::page_stored(ScopeState& state, const PageTask& task, const api::Page& page,
                               const store::UpsertStats& stats) {
  CollectReport& report = m_job.report;
  report.records += static_cast<long long>(page.items.size());
  report.inserted += stats.inserted;
  report.updated += stats.updated;
  report.unchanged += stats.unchanged;
  report.hidden += stats.hidden;
  report.stored += stats.inserted + stats.updated;
  state.finish(task.page_no, task.page_size, static_cast<int>(page.items.size()), page.total_count);
  spdlog::debug("{} 페이지 {} 저장: {}건 (전체 {}건)", scope_label(state.scope()), task.page_no,
                page.items.size(), page.total_count);
}

}  // namespace kto::collect::detail
