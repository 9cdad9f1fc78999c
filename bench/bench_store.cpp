// Storing a page: one transaction of 1,000 upserts and the page's checkpoint, as the collector's
// writer does it; new rows (the first run) and known rows (every nightly run after it). Details:
// a batch of 100 fetched answers in one transaction, and a chunk of pending items among 100,000.
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bench_support.hpp"
#include "kto/api/regions.hpp"
#include "kto/api/tour_api.hpp"
#include "kto/store/store.hpp"
#include "kto/util/clock.hpp"
#include "kto/util/json_view.hpp"
#include "kto/util/time.hpp"

namespace {

constexpr int k_rows = 1000;

// Inserts text after every occurrence of a field's opening ("title":") in a page's text.
void prefix_values(std::string& body, const std::string& field, const std::string& text) {
  const std::string opening = "\"" + field + "\":\"";
  for (auto at = body.find(opening); at != std::string::npos; at = body.find(opening, at + 1))
    body.insert(at + opening.size(), text);
}

// changed: every item of the page has another title and modifiedtime than the plain page's (as
// the service marks a change), so each row is an update.
kto::api::Page parse_page(long first_contentid, bool changed = false) {
  kto::api::HttpResponse response;
  response.status = 200;
  response.body = kto::bench::page_body(k_rows, first_contentid);
  if (changed) {
    prefix_values(response.body, "title", "~");
    prefix_values(response.body, "modifiedtime", "9");
  }
  kto::api::Page page;
  if (!kto::api::classify(response, &page).ok()) throw std::runtime_error("the page did not parse");
  return page;
}


kto::store::PageWrite page_write(const kto::api::Page& page, std::int64_t run_id, int page_no) {
  kto::store::PageWrite write;
  write.run_id = run_id;
  write.checkpoint = {"national", k_rows, page_no, page.total_count, k_rows};
  write.now = kto::util::format_iso_kst(kto::util::system_clock().now());
  for (kto::util::JsonValue item : page.items)
    write.items.push_back(
        {item, kto::api::derive_area_code(item["areacode"], item["lDongRegnCd"], 0)});
  return write;
}

struct Store {
  kto::bench::ScratchDir dir;
  std::unique_ptr<kto::store::Store> db;
  std::int64_t run_id = 0;

  Store() {
    auto opened = kto::store::open_store((dir.path() / "restaurants.db").string());
    if (!opened) throw std::runtime_error(opened.error().message);
    db = std::move(*opened);
    kto::store::RunRecord run;
    run.started_at = kto::util::format_iso_kst(kto::util::system_clock().now());
    run.mode = "all";
    auto id = db->begin_run(run);
    if (!id) throw std::runtime_error(id.error().message);
    run_id = *id;
  }
};

// Every row already stored as it is: the nightly case (each row unchanged, last_seen_at moves).
void BM_UpsertPageKnownRows(benchmark::State& state) {
  Store store;
  const auto page = parse_page(3000000);
  if (!store.db->write_page(page_write(page, store.run_id, 0))) throw std::runtime_error("seed");
  auto write = page_write(page, store.run_id, 0);
  for (auto _ : state) {
    ++write.checkpoint.page_no;
    auto stats = store.db->write_page(write);
    if (!stats) state.SkipWithError(stats.error().message.c_str());
    else if (stats->unchanged != k_rows) state.SkipWithError("rows were not known as they are");
  }
  state.SetItemsProcessed(state.iterations() * k_rows);
}
BENCHMARK(BM_UpsertPageKnownRows)->Unit(benchmark::kMillisecond);

// Every row stored with other content: each one compared field by field and updated.
void BM_UpsertPageChangedRows(benchmark::State& state) {
  Store store;
  const auto plain = parse_page(3000000);
  const auto changed = parse_page(3000000, true);
  if (!store.db->write_page(page_write(plain, store.run_id, 0))) throw std::runtime_error("seed");
  std::array<kto::store::PageWrite, 2> writes{page_write(changed, store.run_id, 0),
                                              page_write(plain, store.run_id, 0)};
  int page_no = 0;
  for (auto _ : state) {
    auto& write = writes[static_cast<std::size_t>(page_no % 2)];
    write.checkpoint.page_no = ++page_no;
    auto stats = store.db->write_page(write);
    if (!stats) state.SkipWithError(stats.error().message.c_str());
    else if (stats->updated != k_rows) state.SkipWithError("rows were not changed");
  }
  state.SetItemsProcessed(state.iterations() * k_rows);
}
BENCHMARK(BM_UpsertPageChangedRows)->Unit(benchmark::kMillisecond);

// Every row new: the first run. Pages are parsed beforehand so only the store is timed.
void BM_UpsertPageNewRows(benchmark::State& state) {
  constexpr long k_pages = 20;
  std::vector<kto::api::Page> pages;
  for (long p = 0; p < k_pages; ++p) pages.push_back(parse_page(3000000 + p * k_rows));
  auto store = std::make_unique<Store>();
  std::vector<kto::store::PageWrite> writes;
  for (const auto& page : pages) writes.push_back(page_write(page, store->run_id, 0));
  std::size_t next = 0;
  int page_no = 0;
  for (auto _ : state) {
    if (next == pages.size()) {
      // Out of fresh pages: go on with a new file so that every row stays an insert.
      state.PauseTiming();
      store = std::make_unique<Store>();
      next = 0;
      state.ResumeTiming();
    }
    auto& write = writes[next++];
    write.run_id = store->run_id;
    write.checkpoint.page_no = ++page_no;
    auto stats = store->db->write_page(write);
    if (!stats) state.SkipWithError(stats.error().message.c_str());
    else if (stats->inserted != k_rows) state.SkipWithError("rows were not new");
  }
  state.SetItemsProcessed(state.iterations() * k_rows);
}
BENCHMARK(BM_UpsertPageNewRows)->Unit(benchmark::kMillisecond);

// A store holding rows restaurants (pages of k_rows), all shown, none with details yet.
std::unique_ptr<Store> store_of(long rows) {
  auto store = std::make_unique<Store>();
  for (long p = 0; p * k_rows < rows; ++p) {
    auto page = parse_page(3000000 + p * k_rows);
    if (!store->db->write_page(page_write(page, store->run_id, static_cast<int>(p))))
      throw std::runtime_error("seed");
  }
  return store;
}

// 100 detailCommon2 answers (the fixture's shape, a long overview) written as the collector's
// writer does: one transaction. Each iteration rewrites other rows' details.
void BM_WriteDetailsBatch100(benchmark::State& state) {
  constexpr int k_batch = 100;
  auto store = store_of(10 * k_rows);
  nlohmann::json answer = nlohmann::json::parse(R"({"contentid":"","contenttypeid":"39",
      "tel":"031-7167-9266","telname":"예약실","homepage":"<a href=\"http://x.kr\">x</a>"})");
  answer["overview"] = std::string(600, 'x') + "<br>" + std::string(600, 'y');
  const auto doc = kto::util::JsonDoc::parse(answer.dump());
  std::vector<kto::store::DetailWrite> batch(k_batch);
  long next = 0;
  for (auto _ : state) {
    for (auto& write : batch) {
      write.contentid = std::to_string(3000000 + next++ % (10 * k_rows));
      write.kind = kto::store::DetailKind::common;
      write.modifiedtime = "20261101000000";
      write.fetched_at = "2026-11-25T02:20:00+09:00";
      write.item = doc->root();
    }
    auto stats = store->db->write_details(batch);
    if (!stats) state.SkipWithError(stats.error().message.c_str());
    else if (stats->written != k_batch) state.SkipWithError("details were not written");
  }
  state.SetItemsProcessed(state.iterations() * k_batch);
}
BENCHMARK(BM_WriteDetailsBatch100)->Unit(benchmark::kMillisecond);

// A chunk of 500 pending items among 100,000 rows, the cursor walking on from chunk to chunk (and
// starting over at the end): the cost of one read of the collector's detail feed.
void BM_PendingChunk100k(benchmark::State& state) {
  auto store = store_of(100 * k_rows);
  const kto::store::PendingQuery query{kto::store::DetailKind::intro, {}, store->run_id};
  kto::store::PendingCursor cursor;
  for (auto _ : state) {
    auto chunk = store->db->pending_details(query, cursor, 500);
    if (!chunk) {
      state.SkipWithError(chunk.error().message.c_str());
      break;
    }
    cursor = chunk->done ? kto::store::PendingCursor{} : chunk->next;
  }
  state.SetItemsProcessed(state.iterations() * 500);
}
BENCHMARK(BM_PendingChunk100k)->Unit(benchmark::kMillisecond);

}  // namespace
