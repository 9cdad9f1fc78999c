// Shared detail work on PostgreSQL (store.hpp, pg_work.hpp): the store claims the items it hands
// out, one class at a time like pending_details, and a thread of its own keeps the leases alive on
// a connection of its own (the store's connection belongs to the writer), so a batch slower than a
// lease keeps its items while the process lives; when it dies, nothing renews them and another
// process takes them over once they expire.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "pg_pending.hpp"
#include "pg_store.hpp"
#include "pg_store_util.hpp"
#include "pg_work.hpp"

namespace kto::store {
namespace pg {

class LeaseKeeper {
 public:
  LeaseKeeper(std::string url, std::string worker, int lease_seconds)
      : m_url(std::move(url)), m_worker(std::move(worker)), m_lease(lease_seconds),
        m_thread([this] { keep(); }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }
  int lease() const { return m_lease; }

 private:
  // Renews a third of a lease apart: two renewals may fail (a restarting server) before the lease
  // runs out.
  void keep() {
    const auto period = std::chrono::milliseconds(std::max(1000, m_lease * 1000 / 3));
    std::unique_ptr<Connection> conn;
    bool warned = false;
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, period, [this] { return m_stop; })) {
      lock.unlock();
      if (!conn) {
        auto opened = Connection::open({.url = m_url});
        if (opened) conn = std::move(*opened);
      }
      auto renewed = conn ? renew_claims(*conn, m_worker, m_lease)
                          : Result<long long>{make_error("연결 없음")};
      if (!renewed && !warned)
        spdlog::warn("⚠️ 상세정보 작업 임대를 연장하지 못했습니다 (다시 시도합니다): {}",
                     renewed.error().message);
      warned = warned || !renewed;
      lock.lock();
    }
  }

  std::string m_url;
  std::string m_worker;
  int m_lease;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread;  // last: started once the rest is set
};

}  // namespace pg

namespace {

std::string new_worker_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device random;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(random() % 1000000);
}

}  // namespace

PgStore::PgStore(std::unique_ptr<pg::Connection> conn, std::string url)
    : m_conn(std::move(conn)), m_url(std::move(url)), m_worker(new_worker_name()) {}

PgStore::~PgStore() {
  m_leases.reset();
  // What this process still held goes back at once rather than when its leases run out.
  (void)m_conn->exec("DELETE FROM detail_claims WHERE claimed_by = $1", {m_worker}, "작업 반납 중");
}

Result<PendingChunk> PgStore::claim_details(const PendingQuery& query, const PendingCursor& cursor,
                                            int limit, int lease_seconds) {
  if (limit < 1) return make_error("남은 상세정보는 1건 이상씩 읽어야 합니다 (limit " +
                                   std::to_string(limit) + ")");
  auto started = run_started_at(query.run_id);
  if (!started) return started.error();
  if (!m_leases || m_leases->lease() != lease_seconds)
    m_leases = std::make_unique<pg::LeaseKeeper>(m_url, m_worker, lease_seconds);
  PendingChunk chunk;
  chunk.next = cursor;
  pg::ClaimRequest request{.worker = m_worker, .areas = pg::int_array(query.area_codes),
                           .lease_seconds = lease_seconds, .kind = query.kind, .started = *started};
  while (true) {
    request.limit = limit - static_cast<int>(chunk.items.size());
    request.cursor = chunk.next;
    auto rows = pg::claim_class(*m_conn, request);
    if (!rows) return rows.error();
    // Rows another worker took first are passed over like claimed ones: the cursor moves on.
    for (pg::ClaimedRow& row : *rows) {
      chunk.next.after_contentid = row.item.contentid;
      if (row.claimed) chunk.items.push_back(std::move(row.item));
    }
    if (static_cast<int>(chunk.items.size()) == limit) return chunk;
    if (static_cast<int>(rows->size()) == request.limit) continue;  // more in this class
    if (!next_class(chunk.next)) {
      chunk.done = true;
      return chunk;
    }
  }
}

Result<void> PgStore::release_details(DetailKind kind, std::span<const std::string> contentids) {
  auto done = pg::release_claims(*m_conn, m_worker, kind, contentids);
  if (!done) return done.error();
  return {};
}

Result<long long> PgStore::details_held_elsewhere(const PendingQuery& query) {
  auto held = pg::held_elsewhere(*m_conn, m_worker, query.kind, pg::int_array(query.area_codes));
  if (!held) return held.error();
  return *held;
}

}  // namespace kto::store
