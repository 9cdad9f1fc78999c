// `collector status` and `collector keys`: the report from the state file, with no call made.
#include "integration/cli_support.hpp"

namespace {

using kto::test::CliRunner;
using kto::test::contains;
using kto::test::k_key_a;
using kto::test::k_key_b;

TEST(CliStatus, ReportShowsCountsBandAndEveryKeyByPreview) {
  CliRunner cli({k_key_a, k_key_b});
  auto r = cli.run({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "API 키 상태 보고서")) << r.out;
  EXPECT_TRUE(contains(r.out, "전체 키: 2개")) << r.out;
  EXPECT_TRUE(contains(r.out, "사용 가능한 키: 2개")) << r.out;
  EXPECT_TRUE(contains(r.out, "건강도: 100.0% 🟢 건강")) << r.out;
  EXPECT_TRUE(contains(r.out, "#0 alpha12345...")) << r.out;
  EXPECT_TRUE(contains(r.out, "#1 bravo67890...")) << r.out;
  EXPECT_EQ(cli.logs("api_key_test_").size(), 1u);
}

TEST(CliStatus, JsonHasEveryContractField) {
  CliRunner cli({k_key_a, k_key_b});
  auto doc = cli.run_json({"status"});
  ASSERT_TRUE(doc.is_object());
  for (const char* field : {"provider", "total_keys", "active_keys", "available_keys",
                            "health_percentage", "health_band", "current_key_index", "keys"})
    EXPECT_TRUE(doc.contains(field)) << field;
  EXPECT_EQ(doc["provider"], "KTO");
  EXPECT_EQ(doc["health_band"], "healthy");
  ASSERT_EQ(doc["keys"].size(), 2u);
  for (const char* field :
       {"index", "preview", "is_active", "is_available", "unavailable_reason", "usage",
        "usage_by_operation", "daily_limit", "consecutive_errors", "total_errors",
        "rate_limited_until", "deactivated_at", "last_error"})
    EXPECT_TRUE(doc["keys"][0].contains(field)) << field;
  EXPECT_EQ(doc["keys"][1]["preview"], "bravo67890...");
  EXPECT_EQ(doc["keys"][0]["daily_limit"], 1000);
  EXPECT_TRUE(doc["keys"][0]["deactivated_at"].is_null());
}

TEST(CliStatus, DeactivatedKeyShowsReasonAndLowersTheBand) {
  CliRunner cli({k_key_a, k_key_b});
  auto off = cli.run({"keys", "deactivate", "1"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_TRUE(contains(off.out, "수동 비활성화")) << off.out;

  auto r = cli.run({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "- 수동 비활성화 — ")) << r.out;
  EXPECT_TRUE(contains(r.out, "🟡 주의")) << r.out;
  // The operator's deactivation has no recovery time: only `keys reactivate` ends it (issue 16).
  EXPECT_TRUE(contains(r.out, "'collector keys reactivate #1'로 재활성화")) << r.out;
  EXPECT_FALSE(contains(r.out, "복구 시도 가능")) << r.out;

  auto doc = cli.run_json({"status"});
  EXPECT_EQ(doc["health_band"], "warning");
  EXPECT_EQ(doc["available_keys"], 1);
  EXPECT_EQ(doc["keys"][1]["is_active"], false);
  EXPECT_EQ(doc["keys"][1]["unavailable_reason"], "deactivated");
  EXPECT_TRUE(doc["keys"][1]["deactivated_at"].get<std::string>().ends_with("+09:00"));
}

TEST(CliStatus, NoUsableKeyExitsThreeAndNoKeyConfiguredExitsTwo) {
  CliRunner cli({k_key_a});
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0"}).exit_code, 0);
  auto doc = cli.run_json({"status"}, 3);
  EXPECT_EQ(doc["health_band"], "critical");
  auto text = cli.run({"status"});
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_TRUE(contains(text.out, "❌ 심각")) << text.out;

  CliRunner none({});
  auto r = none.run({"status"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "KTO_API_KEY")) << r.err;
}

TEST(CliStatus, WatchPrintsOneReportPerRoundWhenNotATerminal) {
  CliRunner cli({k_key_a});
  auto r = cli.run({"status", "--watch", "1", "--watch-rounds", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto first = r.out.find("API 키 상태 보고서");
  ASSERT_NE(first, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("API 키 상태 보고서", first + 1), std::string::npos) << r.out;
  EXPECT_FALSE(contains(r.out, "\033[")) << "no terminal codes in a pipe";
}

TEST(CliKeys, DeactivateAndReactivateByIndexHashAndPreviewPrefix) {
  CliRunner cli({k_key_a, k_key_b});
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0", "--reason", "키 유출"}).exit_code, 0);
  ASSERT_EQ(cli.run({"keys", "deactivate", "bravo"}).exit_code, 0);
  auto doc = cli.run_json({"keys", "list"}, 3);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[0]["is_active"], false);
  EXPECT_EQ(doc[0]["deactivation_reason"], "키 유출");
  EXPECT_EQ(doc[1]["is_active"], false);

  ASSERT_EQ(cli.run({"keys", "reactivate", "1"}).exit_code, 0);
  auto on = cli.run({"keys", "reactivate", "alpha12345..."});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  EXPECT_TRUE(contains(on.out, "재활성화")) << on.out;
  auto status = cli.run_json({"status"});
  EXPECT_EQ(status["active_keys"], 2);

  auto list = cli.run({"keys", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "#1 bravo67890...")) << list.out;
}

TEST(CliKeys, UnknownIdExitsTwoListingTheValidIds) {
  CliRunner cli({k_key_a, k_key_b});
  auto r = cli.run({"keys", "deactivate", "#7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "#0 alpha12345...")) << r.err;
  EXPECT_TRUE(contains(r.err, "#1 bravo67890...")) << r.err;
  EXPECT_EQ(cli.run({"keys", "reactivate", "zulu"}).exit_code, 2);
  EXPECT_EQ(cli.run_json({"status"})["active_keys"], 2);
}

}  // namespace
