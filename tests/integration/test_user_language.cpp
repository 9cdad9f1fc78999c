// One language (issue 16, point 14): the typical mistakes of a new user each get exactly one line
// on stderr, in Korean like the rest of the tool, with the documented exit code. Technical tokens
// (flags, variable names, paths, values) may stay as they are; an English sentence may not.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "hangul.hpp"
#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

// A whitespace-separated token that reads as an English word: letters only (after the quotes and
// punctuation around it), at least one lower-case letter. Flags (--since), variable names
// (KTO_API_KEY), formats (YYYYMMDD), paths, numbers and anything with Hangul are not words.
bool is_english_word(std::string token) {
  const std::string punctuation = "()[]{}'\",:;!?";
  while (!token.empty() && punctuation.find(token.front()) != std::string::npos) token.erase(0, 1);
  while (!token.empty() && punctuation.find(token.back()) != std::string::npos) token.pop_back();
  if (token.empty() || token.front() == '-') return false;
  bool lower = false;
  for (char c : token) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
    lower = lower || std::islower(static_cast<unsigned char>(c));
  }
  return lower;
}

// The longest run of consecutive English words: three or more is a sentence left in English.
std::string english_run(const std::string& line) {
  std::istringstream in(line);
  std::string run, longest;
  int words = 0, most = 0;
  for (std::string token; in >> token;) {
    if (is_english_word(token)) {
      run += (words++ == 0 ? "" : " ") + token;
      if (words > most) most = words, longest = run;
    } else {
      run.clear();
      words = 0;
    }
  }
  return most >= 3 ? longest : "";
}

TEST(UserLanguageChecker, TellsAnEnglishSentenceFromTechnicalTokens) {
  EXPECT_EQ(english_run("collector: another collector run holds the lock"),
            "collector: another collector run holds the lock");
  EXPECT_EQ(english_run("collector: --since 'x'은(는) 날짜가 아닙니다: YYYYMMDD나 'last'를 주세요"), "");
  EXPECT_EQ(english_run("collector: KTO_API_KEY가 없습니다 (.env.example 참고)"), "");
  EXPECT_FALSE(has_hangul("unknown region code '99' in --regions"));
  EXPECT_TRUE(has_hangul("잘못된 지역 코드"));
}

struct Mistake {
  std::string name;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // a "-" before the name: unset it
  int exit_code = 2;
};

void expect_one_korean_line(CliRunner& cli, const Mistake& m) {
  for (const auto& [name, value] : m.env) {
    if (name.starts_with("-"))
      cli.env().erase(name.substr(1));
    else
      cli.env()[name] = value;
  }
  auto r = cli.run(m.args);
  EXPECT_EQ(r.exit_code, m.exit_code) << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(has_hangul(lines[0])) << lines[0];
  EXPECT_EQ(english_run(lines[0]), "") << lines[0];
}

class UserLanguage : public ::testing::TestWithParam<Mistake> {};

TEST_P(UserLanguage, AMistakeGetsOneKoreanLine) {
  CliRunner cli({k_key_a});  // the dead URL: a call would fail loudly
  std::filesystem::create_directory(cli.dir() / "a-folder");
  expect_one_korean_line(cli, GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, UserLanguage,
    ::testing::Values(
        Mistake{"NoKey", {}, {{"-KTO_API_KEY", ""}}},
        Mistake{"NoKeyForStatus", {"status"}, {{"-KTO_API_KEY", ""}}},
        Mistake{"BadMode", {"--mode", "nationwide"}, {}},
        Mistake{"UnknownRegionCode", {"--mode", "regions", "--regions", "99"}, {}},
        Mistake{"RegionsModeWithoutRegions", {"--mode", "regions"}, {}},
        Mistake{"UnknownFlag", {"--bogus"}, {}},
        Mistake{"UnknownFlagOfASubcommand", {"status", "--bogus"}, {}},
        Mistake{"SinceGarbage", {"--since", "garbage"}, {}},
        Mistake{"UnreadableEnvFile", {"--env-file", "a-folder"}, {}},
        Mistake{"MissingEnvFile", {"--env-file", "nowhere.env"}, {}},
        Mistake{"BadDuration", {}, {{"KTO_KEY_ERROR_COOLDOWN", "10x"}}},
        Mistake{"BadDailyLimit", {}, {{"KTO_API_DAILY_LIMIT", "abc"}}},
        Mistake{"ConcurrencyOutOfRange", {"--concurrency", "0"}, {}},
        Mistake{"PageSizeNotANumber", {"--page-size", "abc"}, {}},
        Mistake{"PageSizeWithoutValue", {"--page-size"}, {}},
        Mistake{"DeactivateWithoutId", {"keys", "deactivate"}, {}},
        Mistake{"UnknownKeyId", {"keys", "deactivate", "#9"}, {}},
        Mistake{"BadExportFormat", {"export", "--format", "xml"}, {}},
        Mistake{"ExportWithoutDatabase", {"export"}, {}}),
    [](const auto& param_info) { return param_info.param.name; });

// A second run while the lock is held exits 5 with one Korean line.
TEST(UserLanguage, LockHeldGetsOneKoreanLine) {
  CliRunner cli({k_key_a});
  std::filesystem::create_directories(cli.dir() / "data");
  const auto lock_path = cli.dir() / "data" / "restaurants.db.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  expect_one_korean_line(cli, Mistake{"LockHeld", {"--mode", "regions", "--regions", "1"}, {}, 5});
  ::close(fd);
}

// The help reads in Korean too: CLI11's own headings and the option descriptions.
TEST(UserLanguage, HelpHasNoEnglishSentence) {
  CliRunner cli({k_key_a});
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"},
                                        {"collect", "--help"}, {"keys", "--help"},
                                        {"status", "--help"}, {"export", "--help"}}) {
    auto r = cli.run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      // An example is a command line, not a sentence.
      if (line.find_first_not_of(' ') != std::string::npos &&
          line.substr(line.find_first_not_of(' ')).starts_with("collector "))
        continue;
      EXPECT_EQ(english_run(line), "") << args[0] << ": " << line;
    }
    EXPECT_TRUE(contains(r.out, "사용법")) << r.out;
  }
}

// kto-sim's own mistakes read in Korean as well (its JSON and XML answers imitate the service).
TEST(UserLanguage, SimulatorUsageErrorIsOneKoreanLine) {
  for (std::vector<std::string> args : {std::vector<std::string>{KTO_SIM_BIN, "--bogus", "1"},
                                        {KTO_SIM_BIN, "--port", "x"},
                                        {KTO_SIM_BIN, "--scenario", "/nonexistent.json"}}) {
    auto r = run_command(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    auto lines = nonempty_lines(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_TRUE(has_hangul(lines[0])) << lines[0];
    EXPECT_EQ(english_run(lines[0]), "") << lines[0];
  }
}

}  // namespace
