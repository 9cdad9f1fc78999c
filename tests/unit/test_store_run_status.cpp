// A run's status: one enum in code, the same text as before in the database and in --json.
#include <gtest/gtest.h>

#include <sstream>

#include "unit/store_support.hpp"

using namespace kto::store;
using namespace kto::store::testing;

TEST(RunStatusText, EveryStatusHasTheContractsTextAndParsesBack) {
  const std::vector<std::pair<RunStatus, std::string>> texts = {
      {RunStatus::running, "running"}, {RunStatus::success, "success"},
      {RunStatus::partial, "partial"}, {RunStatus::no_keys, "no_keys"},
      {RunStatus::interrupted, "interrupted"}, {RunStatus::failed, "failed"}};
  for (const auto& [status, text] : texts) {
    EXPECT_EQ(to_string(status), text);
    EXPECT_EQ(parse_run_status(text), status) << text;
    std::ostringstream out;
    out << status;
    EXPECT_EQ(out.str(), text);
  }
  for (const char* other : {"", "SUCCESS", "done", "success "})
    EXPECT_EQ(parse_run_status(other), std::nullopt) << other;
}

TEST(RunStatusText, AFinishedRunEndsAsAnythingButRunning) {
  EXPECT_EQ(k_finished_run_statuses.size(), 5u);
  for (RunStatus status : k_finished_run_statuses) EXPECT_NE(status, RunStatus::running);
}

using StoreRunStatus = StoreTest;

TEST_P(StoreRunStatus, TheDatabaseHoldsTheStatusAsItsText) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto id = new_run(*db);
  const std::string where = " FROM collection_runs WHERE id = " + std::to_string(id);
  EXPECT_EQ(query_text(*db, "SELECT status" + where), "running");
  for (RunStatus status : k_finished_run_statuses) {
    RunRecord run;
    run.id = id;
    run.status = status;
    ASSERT_TRUE(db->update_run(run).ok());
    EXPECT_EQ(query_text(*db, "SELECT status" + where), to_string(status));
    EXPECT_EQ((*db->find_run(id))->status, status);
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreRunStatus, ::testing::ValuesIn(store_backends()), backend_name);

using SqliteRunStatus = SqliteStoreTest;

TEST_F(SqliteRunStatus, AStatusThisBuildDoesNotKnowIsAnErrorNotAGuess) {
  auto db = open_db(m_dir / "restaurants.db");
  ASSERT_NE(db, nullptr);
  const auto id = new_run(*db);
  ASSERT_TRUE(SqliteStoreProbe::exec(*db, "UPDATE collection_runs SET status = 'paused'"));
  auto run = db->find_run(id);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find("'paused'"), std::string::npos) << run.error().message;
}
