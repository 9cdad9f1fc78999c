// What a new user saw (issue 16, points 15 and 17), through the real binaries: `-q` prints nothing
// on a good run and the report when something went wrong; each --help shows its own examples and
// exit codes; `kto-sim --help` is usage, not an error; the menu's wrong codes end with exit 0 and
// speak of codes, not flags.
#include "integration/reliability_support.hpp"

namespace {

using kto::test::CliRunner;
using kto::test::contains;
using kto::test::run_command;
using kto::test::SimServer;

const std::string k_output_key = "useroutpt1SECREToooooooooooooooooooooo+oo/oo==";

nlohmann::json output_scenario() {
  return {{"dataset", {{"restaurants", 60}, {"other_types", 0}, {"hidden", 0}}},
          {"keys", {{k_output_key, {{"status", "valid"}}}}}};
}

TEST(UserQuiet, AGoodCollectionPrintsNothingAtAll) {
  SimServer sim(output_scenario());
  CliRunner cli({k_output_key}, sim.base_url());
  auto r = cli.run({"-q", "--mode", "regions", "--regions", "1,39"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "") << "no report on a good night";
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(cli.logs("collector_").empty()) << "the log still has everything";

  // The same with the subcommand, and --json still prints its document.
  auto again = cli.run({"collect", "-q", "--mode", "regions", "--regions", "39"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out + again.err, "");
  auto json = cli.run({"-q", "--json", "--mode", "regions", "--regions", "39"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out, nullptr, false)["status"], "success") << json.out;
  EXPECT_EQ(json.err, "");
}

TEST(UserQuiet, OtherCommandsAreSilentOnSuccessAndReportOnFailure) {
  SimServer sim(output_scenario());
  CliRunner cli({k_output_key}, sim.base_url());
  for (std::vector<std::string> args : {std::vector<std::string>{"status", "-q"},
                                        {"health", "-q"}, {"keys", "list", "-q"}}) {
    auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << r.err;
    EXPECT_EQ(r.out + r.err, "") << args[0];
  }
  ASSERT_EQ(cli.run({"-q", "--mode", "regions", "--regions", "39"}).exit_code, 0);
  auto exported = cli.run({"export", "-q"});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(exported.out.starts_with("contentid")) << "export's rows are the output asked for";
  EXPECT_EQ(exported.err, "");

  // No usable key: something went wrong, and the report says what.
  ASSERT_EQ(cli.run({"keys", "deactivate", "#0"}).exit_code, 0);
  auto failed = cli.run({"status", "-q"});
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_TRUE(contains(failed.out, "API 키 상태 보고서")) << failed.out;
}

TEST(UserHelp, EachCommandShowsItsOwnExamplesAndExitCodes) {
  CliRunner cli({});
  for (std::vector<std::string> args : {std::vector<std::string>{"regions", "--help"},
                                        {"keys", "--help"}, {"keys", "list", "--help"},
                                        {"health", "--help"}, {"recover", "--help"},
                                        {"export", "--help"}}) {
    auto r = cli.run(args);
    std::string what = args[0] + (args.size() > 2 ? " " + args[1] : std::string());
    EXPECT_EQ(r.exit_code, 0) << what;
    EXPECT_FALSE(contains(r.out, "collector --mode major")) << what << ": the collection examples";
    EXPECT_FALSE(contains(r.out, "야간 증분 수집")) << what;
  }
  for (const char* command : {"health", "recover", "export", "regions"}) {
    auto r = cli.run({command, "--help"});
    EXPECT_TRUE(contains(r.out, "종료 코드")) << command << r.out;
    EXPECT_TRUE(contains(r.out, std::string("collector ") + command)) << command << r.out;
  }
  auto exp = cli.run({"export", "--help"});
  EXPECT_TRUE(contains(exp.out, "--bom")) << exp.out;
  EXPECT_TRUE(contains(exp.out, "1 쓰기 실패")) << exp.out;
  auto top = cli.run({"--help"});
  EXPECT_TRUE(contains(top.out, "collector --mode major")) << "the top help keeps them";
}

TEST(UserHelp, KtoSimHelpIsUsageAndExitsZero) {
  for (const char* flag : {"--help", "-h"}) {
    auto r = run_command({KTO_SIM_BIN, flag});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "사용법: kto-sim")) << r.out;
    EXPECT_TRUE(contains(r.out, "--scenario")) << r.out;
    EXPECT_FALSE(contains(r.err, "알 수 없는 옵션")) << r.err;
  }
  EXPECT_EQ(run_command({KTO_SIM_BIN, "--bogus", "1"}).exit_code, 2) << "a bad flag still is";
}

TEST(UserMenu, WrongCodesThenZeroEndsWithZeroAndSpeaksOfCodes) {
  CliRunner cli({k_output_key});
  auto r = cli.run({"-i"}, "2\n99\n2\n1,,6\n2\n\n0\n");
  EXPECT_EQ(r.exit_code, 0) << "wrong codes ran nothing: " << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "잘못된 지역 코드입니다: '99'")) << r.out;
  EXPECT_TRUE(contains(r.out, "빈 항목이 있습니다: '1,,6'")) << r.out;
  EXPECT_TRUE(contains(r.out, "지역 코드를 입력하지 않았습니다")) << r.out;
  EXPECT_TRUE(contains(r.out, "종료합니다.")) << r.out;
  EXPECT_FALSE(contains(r.out + r.err, "--regions")) << "a menu user typed codes, not flags";
}

}  // namespace
