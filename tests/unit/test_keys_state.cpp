// The JSON state file: shape, round trip, fingerprints, corruption, several processes.
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "keys_test_support.hpp"

namespace kto::keys::testing {
namespace {

using nlohmann::json;

class KeyPoolState : public KeyPoolTest {
 protected:
  json read_state() { return json::parse(read_text(state_file)); }

  std::vector<fs::path> corrupt_copies() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(state_file.parent_path()))
      if (e.path().filename().string().starts_with("api_key_cache.json.corrupt-"))
        out.push_back(e.path());
    return out;
  }
};

TEST_F(KeyPoolState, StateSurvivesAReopen) {
  {
    auto pool = open_pool(3, {}, true);
    KeyLease a = take(*pool);
    pool->report(a, k_list_operation, key_error());
    KeyLease b = take(*pool);
    pool->report(b, k_list_operation, quota());
    pool->force_deactivate(2, "점검");
  }
  auto pool = open_pool(3, {}, true);
  auto s = pool->detailed_status(k_list_operation);
  EXPECT_EQ(s[0].usage, 1);
  EXPECT_EQ(s[0].consecutive_errors, 1);
  EXPECT_EQ(s[0].reason, UnavailableReason::error_cooldown);
  EXPECT_EQ(s[0].last_error, "API 오류 (30: 등록되지 않은 키)");
  EXPECT_EQ(s[1].reason, UnavailableReason::rate_limited);
  EXPECT_EQ(s[1].rate_limited_until.at(std::string(k_list_operation)),
            kst("2026-11-25T11:00:00"));
  EXPECT_FALSE(s[2].is_active);
  EXPECT_EQ(s[2].deactivation_reason, "점검");
  EXPECT_EQ(s[2].deactivated_at, kst("2026-11-25T10:00:00"));
  EXPECT_EQ(pool->summary(k_list_operation).current_key_index, 2u);
}

TEST_F(KeyPoolState, StateFileHasTheContractShape) {
  auto pool = open_pool(1, {}, true);
  pool->report(take(*pool), k_list_operation, ok());
  json doc = read_state();
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["provider"], "KTO");
  EXPECT_EQ(doc["day"], "2026-11-25");
  EXPECT_EQ(doc["current_index"], 0);
  ASSERT_EQ(doc["keys"].size(), 1u);
  const json& k = doc["keys"][0];
  EXPECT_EQ(k["fingerprint"], util::key_fingerprint(test_keys(1)[0]));
  EXPECT_EQ(k["preview"], "1234567890...");
  EXPECT_EQ(k["daily_limit"], 1000);
  EXPECT_EQ(k["usage"], json({{"areaBasedList2", 1}}));
  EXPECT_TRUE(k["rate_limited_until"].is_object());
  EXPECT_EQ(k["consecutive_errors"], 0);
  EXPECT_EQ(k["total_errors"], 0);
  EXPECT_EQ(k["total_calls"], 1);
  EXPECT_EQ(k["is_active"], true);
  EXPECT_TRUE(k["deactivated_at"].is_null());
  EXPECT_TRUE(k["deactivation_reason"].is_null());
  EXPECT_EQ(k["last_used_at"], "2026-11-25T10:00:00+09:00");
  EXPECT_TRUE(k["last_error_at"].is_null());
  EXPECT_TRUE(k["last_error"].is_null());
}

TEST_F(KeyPoolState, StateFileIsReadableByItsOwnerOnly) {
  auto pool = open_pool(1, {}, true);
  pool->report(take(*pool), k_list_operation, ok());
  struct stat st {};
  ASSERT_EQ(::stat(state_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(KeyPoolState, ReadsTimesWithAnyOffset) {
  fs::create_directories(state_file.parent_path());
  json doc = {{"version", 1}, {"provider", "KTO"}, {"day", "2026-11-25"}, {"current_index", 0},
              {"keys", {{{"fingerprint", util::key_fingerprint(test_keys(1)[0])},
                         {"rate_limited_until", {{"areaBasedList2", "2026-11-25T02:30:00Z"}}}}}}};
  write_text(state_file, doc.dump());
  auto pool = open_pool(1, {}, true);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].available_at, kst("2026-11-25T11:30:00"));
}

TEST_F(KeyPoolState, KeysAreMatchedByFingerprintNotPosition) {
  auto keys = test_keys(4);
  {
    auto pool = open_with({keys[0], keys[1], keys[2]});
    pool->force_deactivate(1, "점검");
    pool->report(take(*pool), k_list_operation, ok());  // key 0 used once
  }
  // .env reordered, key 0 removed, key 3 added.
  auto pool = open_with({keys[3], keys[1], keys[2]});
  auto s = pool->detailed_status(k_list_operation);
  EXPECT_EQ(s[0].preview, "QRSTUVWXYZ...");
  EXPECT_TRUE(s[0].is_active);
  EXPECT_EQ(s[0].total_calls, 0);  // a new key starts fresh
  EXPECT_FALSE(s[1].is_active);    // key 1 is still the disabled one
  EXPECT_EQ(s[1].deactivation_reason, "점검");
  ASSERT_TRUE(pool->save().ok());
  json doc = read_state();
  ASSERT_EQ(doc["keys"].size(), 3u);
  for (const auto& k : doc["keys"])
    EXPECT_NE(k["fingerprint"], util::key_fingerprint(keys[0]));  // removed keys drop out
}

TEST_F(KeyPoolState, CorruptFileIsMovedAsideAndThePoolStartsFresh) {
  fs::create_directories(state_file.parent_path());
  write_text(state_file, "{\"version\": 1, \"keys\": [trunc");
  auto pool = open_pool(2, {}, true);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->summary(k_list_operation).available_keys, 2u);
  auto copies = corrupt_copies();
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].filename(), "api_key_cache.json.corrupt-20261125_100000");
  EXPECT_EQ(read_text(copies[0]), "{\"version\": 1, \"keys\": [trunc");
  EXPECT_FALSE(fs::exists(state_file));
  auto lines = sink->lines();
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.find("손상") != std::string::npos; }),
            1);
}

TEST_F(KeyPoolState, WrongTypesCountAsCorruption) {
  fs::create_directories(state_file.parent_path());
  json doc = {{"version", 1}, {"provider", "KTO"}, {"day", "2026-11-25"}, {"current_index", 0},
              {"keys", {{{"fingerprint", "abc"}, {"usage", "lots"}}}}};
  write_text(state_file, doc.dump());
  auto pool = open_pool(1, {}, true);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(corrupt_copies().size(), 1u);
}

TEST_F(KeyPoolState, NewerVersionIsRefusedAndLeftAlone) {
  fs::create_directories(state_file.parent_path());
  const std::string text = R"({"version": 2, "provider": "KTO", "keys": []})";
  write_text(state_file, text);
  auto pool = KeyPool::open(test_keys(1), {}, clock, state_file);
  ASSERT_FALSE(pool.ok());
  EXPECT_NE(pool.error().message.find("버전"), std::string::npos);
  EXPECT_EQ(read_text(state_file), text);
}

TEST_F(KeyPoolState, MissingFileIsFineAndNothingIsWrittenUntilSomethingChanges) {
  auto pool = open_pool(1, {}, true);
  EXPECT_EQ(pool->summary(k_list_operation).available_keys, 1u);
  pool.reset();
  EXPECT_FALSE(fs::exists(state_file));
}

TEST_F(KeyPoolState, UsageOfAnEarlierDayIsNotCarriedOver) {
  {
    auto pool = open_pool(1, {}, true);
    for (int i = 0; i < 5; ++i) pool->report(take(*pool), k_list_operation, ok());
  }
  clock.set(kst("2026-11-26T00:00:01"));
  auto pool = open_pool(1, {}, true);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].usage, 0);
  EXPECT_EQ(pool->detailed_status(k_list_operation)[0].total_calls, 5);
  pool->report(take(*pool), k_list_operation, ok());
  json doc = read_state();
  EXPECT_EQ(doc["day"], "2026-11-26");
  EXPECT_EQ(doc["keys"][0]["usage"]["areaBasedList2"], 1);
}

TEST_F(KeyPoolState, TwoProcessesSharingTheFileKeepEachOthersUpdates) {
  auto a = open_pool(2, {}, true);
  auto b = open_pool(2, {}, true);
  for (int i = 0; i < 3; ++i) a->report(take(*a), k_list_operation, ok());  // 0,1,0
  for (int i = 0; i < 2; ++i) b->report(take(*b), k_list_operation, ok());  // 0,1
  ASSERT_TRUE(b->force_deactivate(1, "운영자 점검"));
  // A saves after B without having seen B's changes: it must merge, not overwrite. (Past the
  // usage save interval, or A's usage would wait for A's next save.)
  clock.advance(KeyPolicy{}.usage_save_interval);
  a->report(take(*a), k_list_operation, ok());  // key 1
  json doc = read_state();
  EXPECT_EQ(doc["keys"][0]["usage"]["areaBasedList2"], 3);
  EXPECT_EQ(doc["keys"][1]["usage"]["areaBasedList2"], 3);
  EXPECT_EQ(doc["keys"][0]["total_calls"], 3);
  EXPECT_EQ(doc["keys"][1]["is_active"], false);
  EXPECT_EQ(doc["keys"][1]["deactivation_reason"], "운영자 점검");
  // A now knows of B's deactivation and B's usage.
  auto s = a->detailed_status(k_list_operation);
  EXPECT_FALSE(s[1].is_active);
  EXPECT_EQ(s[0].usage, 3);
  // And B's next save keeps A's usage too.
  ASSERT_TRUE(b->save().ok());
  auto c = open_pool(2, {}, true);
  EXPECT_EQ(c->detailed_status(k_list_operation)[0].usage, 3);
  EXPECT_EQ(c->detailed_status(k_list_operation)[1].usage, 3);
  EXPECT_FALSE(c->detailed_status(k_list_operation)[1].is_active);
}

TEST_F(KeyPoolState, ReactivationByAnotherProcessIsNotUndone) {
  auto a = open_pool(1, {}, true);
  auto b = open_pool(1, {}, true);
  a->force_deactivate(0, "점검");
  ASSERT_TRUE(b->save().ok());  // b learns of the deactivation
  EXPECT_FALSE(b->detailed_status(k_list_operation)[0].is_active);
  b->reactivate(0);
  ASSERT_TRUE(a->save().ok());  // a did not touch the flag since: b's decision stands
  EXPECT_TRUE(a->detailed_status(k_list_operation)[0].is_active);
  EXPECT_EQ(read_state()["keys"][0]["is_active"], true);
}

TEST_F(KeyPoolState, FailingSaveIsLoggedOnceAndNeverThrows) {
  auto pool = open_pool(1, {}, true);
  // A folder where the lock file should be: every save fails, even for root.
  fs::remove(fs::path(state_file.string() + ".lock"));
  fs::create_directories(fs::path(state_file.string() + ".lock"));
  KeyLease lease = take(*pool);
  for (int i = 0; i < 3; ++i) pool->report(lease, k_list_operation, ok());
  EXPECT_FALSE(pool->save().ok());
  auto lines = sink->lines();
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) {
                            return l.find("키 상태를 저장할 수 없습니다") != std::string::npos;
                          }),
            1);
  // Once the folder is gone, the calls made meanwhile are saved.
  fs::remove(fs::path(state_file.string() + ".lock"));
  ASSERT_TRUE(pool->save().ok());
  EXPECT_EQ(read_state()["keys"][0]["total_calls"], 3);
}

}  // namespace
}  // namespace kto::keys::testing
