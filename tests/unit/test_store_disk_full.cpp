// A write the disk refuses is reported as a possibly full disk naming the file, and leaves no half-stored
// page. The full disk is simulated without privileges: the file size limit (RLIMIT_FSIZE) makes
// writes past it fail with EFBIG, and SIGXFSZ is ignored so the failure is an error return, as
// ENOSPC would be.
#include <signal.h>
#include <sys/resource.h>

#include "store_support.hpp"

namespace kto::store::testing {
namespace {

class SqliteDiskFull : public SqliteStoreTest {
 protected:
  // Applies the limit for the duration of one call, then restores the process's own.
  template <class F>
  auto with_file_limit(rlim_t bytes, F&& call) {
    struct sigaction ignore {}, old_action {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, &old_action);
    rlimit old_limit{};
    getrlimit(RLIMIT_FSIZE, &old_limit);
    rlimit limit = old_limit;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
    auto result = call();
    setrlimit(RLIMIT_FSIZE, &old_limit);
    sigaction(SIGXFSZ, &old_action, nullptr);
    return result;
  }
};

TEST_F(SqliteDiskFull, RefusedWriteIsReportedAsAPossiblyFullDiskAndStoresNothingOfThePage) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_TRUE(db);
  auto run = new_run(*db);
  // 200 items of about 4 KB: far more than the limit below leaves room for.
  nlohmann::json items = nlohmann::json::array();
  const auto sample = fixture_items("areaBasedList2.json")[0];
  for (int i = 0; i < 200; ++i) {
    auto item = sample;
    item["contentid"] = std::to_string(9000000 + i);
    item["addr2"] = std::string(4000, 'x');
    items.push_back(item);
  }
  auto page = page_of(items, run, "2026-11-25T02:00:00+09:00");

  auto written = with_file_limit(256 * 1024, [&] { return db->write_page(page); });
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find("디스크가 가득 찼거나 고장일 수 있습니다"), std::string::npos)
      << written.error().message;
  EXPECT_NE(written.error().message.find("restaurants.db"), std::string::npos);
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants"), "0");
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM run_pages"), "0");

  // Once there is room again, the same page is stored whole.
  auto again = db->write_page(page);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(query_text(*db, "SELECT COUNT(*) FROM restaurants"), "200");
}

}  // namespace
}  // namespace kto::store::testing
