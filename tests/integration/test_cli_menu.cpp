// The interactive menu driven through stdin, `collector regions` and `collector export`.
#include "integration/cli_support.hpp"
#include "integration/sim_fixture.hpp"

namespace {

using kto::test::CliRunner;
using kto::test::contains;
using kto::test::k_key_a;
using kto::test::SimServer;

constexpr const char* k_menu_lines[] = {
    "1. 전국 모든 지역 음식점 데이터 수집",
    "2. 특정 지역 음식점 데이터 수집",
    "3. 주요 지역만 수집 (서울, 부산, 경기, 제주)",
    "4. 사용 가능한 지역 코드 보기",
    "5. API 키 상태 확인",
    "6. API 키 건강 상태 점검",
    "7. 문제 키 복구 시도",
    "8. 음식점 상세정보 수집 (소개, 영업시간, 메뉴; 오늘 남은 한도만큼)",
    "0. 종료",
};

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

nlohmann::json small_scenario() {
  return {{"dataset", {{"restaurants", 60}, {"other_types", 0}, {"hidden", 0}}},
          {"keys", {{k_key_a, {{"status", "valid"}}}}}};
}

TEST(CliMenu, ShowsTheSeedsMenuAndEndsOnZero) {
  CliRunner cli({k_key_a});
  auto r = cli.run({"-i"}, "0\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* line : k_menu_lines) EXPECT_TRUE(contains(r.out, line)) << line;
  EXPECT_TRUE(contains(r.out, "선택하세요 (0-8): ")) << r.out;
  EXPECT_TRUE(contains(r.out, "종료합니다.")) << r.out;
}

TEST(CliMenu, RegionsStatusAndInvalidChoiceThenEndOfInput) {
  CliRunner cli({k_key_a});
  auto r = cli.run({"--interactive"}, "4\n5\n9\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "사용 가능한 지역 코드")) << r.out;
  EXPECT_TRUE(contains(r.out, "제주")) << r.out;
  EXPECT_TRUE(contains(r.out, "API 키 상태 보고서")) << r.out;
  EXPECT_TRUE(contains(r.out, "잘못된 선택입니다. 0-8 사이의 번호를 입력하세요.")) << r.out;
  EXPECT_EQ(count(r.out, "0. 종료"), 4u) << "the menu comes back after every choice";
  EXPECT_FALSE(contains(r.out, "종료합니다.")) << "the end of input just ends the menu";
}

TEST(CliMenu, ExitCodeIsTheLastCommands) {
  CliRunner cli({k_key_a});
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0"}).exit_code, 0);
  auto r = cli.run({"-i"}, "5\n0\n");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_TRUE(contains(r.out, "❌ 심각")) << r.out;
}

TEST(CliMenu, HealthRecoverAndCollectionsAgainstTheSimulator) {
  SimServer sim(small_scenario());
  CliRunner cli({k_key_a}, sim.base_url());
  auto r = cli.run({"-i"}, "6\n7\n3\n2\n99\n2\n1,6\n0\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "건강 상태 점검")) << r.out;
  EXPECT_TRUE(contains(r.out, "정상: 1개")) << r.out;
  EXPECT_TRUE(contains(r.out, "비활성화된 키가 없습니다")) << r.out;
  EXPECT_TRUE(contains(r.out, "지역 코드를 입력하세요 (예: 1,6,31): ")) << r.out;
  EXPECT_TRUE(contains(r.out, "잘못된 지역 코드")) << r.out;
  EXPECT_FALSE(cli.logs("collector_").empty()) << "the collections wrote their log";
  EXPECT_TRUE(std::filesystem::exists(cli.dir() / "data" / "restaurants.db"));

  // The rows the menu's collections stored come out of export.
  auto csv = cli.run({"export", "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(contains(csv.out, "contentid")) << csv.out.substr(0, 200);
  EXPECT_GT(count(csv.out, "\n"), 2u);
}

TEST(CliMenu, NationalCollectionRunsFromChoiceOne) {
  SimServer sim(small_scenario());
  CliRunner cli({k_key_a}, sim.base_url());
  auto r = cli.run({"-i"}, "1\n0\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "종료합니다.")) << r.out;
  auto jsonl = cli.run({"export", "--format", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_EQ(count(jsonl.out, "\n"), 60u);
}

TEST(CliRegions, ListsTheSeventeenCodesAndMarksTheMajorOnes) {
  CliRunner cli({});
  auto r = cli.run({"regions"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "서울")) << r.out;
  EXPECT_TRUE(contains(r.out, "제주")) << r.out;
  EXPECT_TRUE(contains(r.out, "주요 지역")) << r.out;
  auto doc = cli.run_json({"regions"});
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 17u);
  EXPECT_EQ(doc[0]["code"], 1);
  EXPECT_EQ(doc[0]["name"], "서울");
  int major = 0;
  for (const auto& region : doc) major += region["major"].get<bool>() ? 1 : 0;
  EXPECT_EQ(major, 4);
  EXPECT_FALSE(std::filesystem::exists(cli.dir() / "logs")) << "regions writes no log";
}

TEST(CliExport, MissingDatabaseExitsTwoWithoutCreatingOne) {
  CliRunner cli({});
  auto r = cli.run({"export", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "data/restaurants.db에 데이터베이스가 없습니다: 먼저 수집을 하세요")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(cli.dir() / "data" / "restaurants.db"));
}

TEST(CliExport, WritesAnEmptyDatabaseToAFileAtomically) {
  nlohmann::json empty = {{"dataset", {{"restaurants", 0}, {"other_types", 0}, {"hidden", 0}}}};
  SimServer sim(empty);
  CliRunner cli({k_key_a}, sim.base_url());
  auto run = cli.run({"--mode", "regions", "--regions", "39"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto csv = cli.run({"export", "--format", "csv", "--out", "out/rows.csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto path = cli.dir() / "out" / "rows.csv";
  ASSERT_TRUE(std::filesystem::exists(path));
  std::ifstream in(path);
  std::string header;
  std::getline(in, header);
  EXPECT_TRUE(contains(header, "contentid")) << header;
  for (const auto& e : std::filesystem::directory_iterator(cli.dir() / "out"))
    EXPECT_EQ(e.path().filename(), "rows.csv") << "no temporary file is left behind";

  auto jsonl = cli.run({"export", "--format", "jsonl"});
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_TRUE(jsonl.out.empty()) << jsonl.out;
}

}  // namespace
