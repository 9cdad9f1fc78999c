// Hostile answers: a body of many megabytes, invalid UTF-8 in item fields and an XML error document
// full of entities each cost at most a retry; the run still stores every restaurant and exits 0.
#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

const std::vector<std::string> k_run = {"--mode", "regions", "--regions", "1", "--page-size",
                                        "100", "--concurrency", "1"};

nlohmann::json scheduled(const std::string& kind, std::vector<int> calls,
                         nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json schedule = nlohmann::json::array();
  for (int call : calls) schedule.push_back({{"call", call}, {"kind", kind}});
  extra["schedule"] = schedule;
  return extra;
}

void expect_success(const CliRunner& cli, const Collected& run, std::size_t rows) {
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.report["status"], "success");
  EXPECT_EQ(read_rows(cli).size(), rows);
}

// Bodies past the client's limit (64 MiB) are cut off while they arrive, then asked again.
TEST(ReliabilityAnswers, BodyPastTheSizeLimitIsRefusedAndTheRunCarriesOn) {
  SimServer sim({{"dataset", dataset({{"11", 250}})},
                 {"faults", scheduled("huge", {1}, {{"huge_bytes", 80LL * 1024 * 1024}})}});
  auto cli = collector_for(sim, {k_good_key});
  auto run = collect(cli, k_run);
  expect_success(cli, run, 250);
  auto calls = list_calls(sim.request_log());
  ASSERT_EQ(calls.size(), 4u) << "page 1 once refused, then the three pages";
  EXPECT_EQ(calls[0]["outcome"], "fault:huge");
  EXPECT_EQ(page_of(calls[0]), page_of(calls[1]));
  expect_no_duplicate_success(calls);
  EXPECT_EQ(read_state(cli)["keys"][0]["consecutive_errors"], 0);
}

// A page of many megabytes under the limit is an answer like any other: stored, not asked again.
TEST(ReliabilityAnswers, PageOfManyMegabytesUnderTheLimitIsStored) {
  SimServer sim({{"dataset", dataset({{"11", 250}})},
                 {"faults", scheduled("huge", {2}, {{"huge_bytes", 24LL * 1024 * 1024}})}});
  auto cli = collector_for(sim, {k_good_key});
  auto run = collect(cli, k_run);
  expect_success(cli, run, 250);
  auto calls = list_calls(sim.request_log());
  EXPECT_EQ(calls.size(), 3u);
  EXPECT_EQ(run.report["api_calls"], 3);
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

// Invalid bytes in item fields are mended (U+FFFD), never a reason to lose the page.
TEST(ReliabilityAnswers, InvalidUtf8InItemFieldsIsMendedAndStored) {
  SimServer sim({{"dataset", dataset({{"11", 150}})},
                 {"faults", {{"rate", 1.0}, {"kinds", {"bad_utf8"}}, {"operations", {k_list_op}}}}});
  auto cli = collector_for(sim, {k_good_key});
  auto run = collect(cli, k_run);
  expect_success(cli, run, 150);
  EXPECT_EQ(list_calls(sim.request_log()).size(), 2u) << "no page was asked twice";
  ReadDb db(db_path(cli));
  auto titles = db.query("SELECT title, raw_json FROM restaurants");
  ASSERT_EQ(titles.size(), 150u);
  for (const auto& row : titles) {
    EXPECT_TRUE(valid_utf8(row[0])) << row[0];
    EXPECT_TRUE(row[0].starts_with("\xEF\xBF\xBD")) << row[0];
    EXPECT_TRUE(valid_utf8(row[1]));
    EXPECT_FALSE(nlohmann::json::parse(row[1], nullptr, false).is_discarded());
  }
  // And the export is valid UTF-8 JSON, line by line.
  auto exported = cli.run({"export", "--format", "jsonl"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(valid_utf8(exported.out));
  EXPECT_EQ(nonempty_lines(exported.out).size(), 150u);
  for (const auto& line : nonempty_lines(exported.out))
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
}

// An XML error whose DOCTYPE defines a billion-laughs chain, and whose reason code is an entity
// meaning 30: nothing is expanded (no memory blow-up, no key blamed), the page is asked again.
TEST(ReliabilityAnswers, XmlErrorWithEntitiesIsNeitherExpandedNorBlamedOnTheKey) {
  SimServer sim({{"dataset", dataset({{"11", 150}})}, {"faults", scheduled("entities", {1, 2})}});
  auto cli = collector_for(sim, {k_good_key});
  auto run = collect(cli, k_run);
  expect_success(cli, run, 150);
  EXPECT_EQ(sim.stats()["by_outcome"]["fault:entities"], 2);
  auto state = read_state(cli);
  ASSERT_FALSE(state.is_discarded());
  EXPECT_EQ(state["keys"][0]["is_active"], true);
  EXPECT_EQ(state["keys"][0]["total_errors"], 0) << "the entity was read as error 30";
  for (const auto& log : cli.logs("collector_"))
    EXPECT_FALSE(contains(read_bytes(log), "lollollol")) << "an entity was expanded";
}

}  // namespace
