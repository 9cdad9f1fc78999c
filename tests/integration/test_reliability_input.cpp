// Bad input: every mistake of flags, settings or .env is refused with exactly one clear line naming
// it, the documented exit code (2: nothing was called), and nothing written in the folder.
#include <unistd.h>

#include "integration/reliability_support.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

struct BadInput {
  std::string name;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // "" value with a "-" prefix on the name: unset it
  std::string dotenv;                      // written to .env when not empty
  std::vector<std::string> named;          // what the one line must name
  int exit_code = 2;
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

// Every file and folder under dir (a folder's value is "<dir>").
std::map<std::string, std::string> everything(const std::filesystem::path& dir) {
  auto out = snapshot(dir);
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_directory()) out[std::filesystem::relative(e.path(), dir).string()] = "<dir>";
  return out;
}

void expect_refused(CliRunner& cli, const std::vector<std::string>& args,
                    const std::vector<std::string>& named, int exit_code) {
  const auto before = everything(cli.dir());
  auto r = cli.run(args);
  EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
  auto lines = nonempty_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  for (const auto& part : named) EXPECT_TRUE(contains(lines[0], part)) << lines[0];
  EXPECT_TRUE(lines[0].starts_with("collector: ")) << lines[0];
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(everything(cli.dir()), before) << "a refused command wrote into its folder";
}

class ReliabilityBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(ReliabilityBadInput, IsRefusedWithOneLineNamingItAndNothingWritten) {
  const BadInput& c = GetParam();
  CliRunner cli({k_key_a});  // the dead URL: a call would fail loudly
  for (const auto& [name, value] : c.env) {
    if (name.starts_with("-"))
      cli.env().erase(name.substr(1));
    else
      cli.env()[name] = value;
  }
  if (!c.dotenv.empty()) write_bytes(cli.dir() / ".env", c.dotenv);
  expect_refused(cli, c.args, c.named, c.exit_code);
}

const std::vector<std::string> k_regions = {"--mode", "regions", "--regions"};

std::vector<std::string> regions(const std::string& list) {
  auto args = k_regions;
  args.push_back(list);
  return args;
}

INSTANTIATE_TEST_SUITE_P(
    Input, ReliabilityBadInput,
    ::testing::Values(
        BadInput{"UnknownRegionCode", regions("1,99"), {}, {}, {"'99'", "--regions", "39 제주"}},
        BadInput{"MalformedRegionCode", regions("1,a"), {}, {}, {"'a'", "--regions"}},
        BadInput{"RegionCodesWithTheWrongSeparator", regions("1;6"), {}, {}, {"'1;6'"}},
        BadInput{"EmptyRegionEntry", regions("1,,6"), {}, {}, {"--regions", "빈 항목"}},
        BadInput{"EmptyRegions", regions(""), {}, {}, {"--regions가 비어 있습니다"}},
        BadInput{"BlankRegions", regions("  "), {}, {}, {"--regions가 비어 있습니다"}},
        BadInput{"RegionsWithoutRegionsMode", {"--mode", "major", "--regions", "1"}, {}, {},
                 {"--regions", "--mode regions"}},
        BadInput{"PageSizeNotANumber", {"--page-size", "abc"}, {}, {}, {"--page-size", "abc"}},
        BadInput{"PageSizeZero", {"--page-size", "0"}, {}, {}, {"--page-size"}},
        BadInput{"ConcurrencyNegative", {"--concurrency", "-1"}, {}, {}, {"--concurrency"}},
        BadInput{"SinceNotADate", {"--since", "2026-13-45"}, {}, {}, {"--since", "2026-13-45"}},
        BadInput{"DailyLimitNotAWholeNumber", {}, {{"KTO_API_DAILY_LIMIT", "1e3"}}, {},
                 {"KTO_API_DAILY_LIMIT", "1e3"}},
        BadInput{"MaxErrorsTooLarge", {}, {{"KTO_KEY_MAX_CONSECUTIVE_ERRORS", "99999999999"}}, {},
                 {"KTO_KEY_MAX_CONSECUTIVE_ERRORS"}},
        BadInput{"CooldownNotADuration", {}, {{"KTO_KEY_ERROR_COOLDOWN", "10x"}}, {},
                 {"KTO_KEY_ERROR_COOLDOWN", "10x"}},
        BadInput{"TimeoutOfZero", {}, {{"KTO_HTTP_TIMEOUT", "0s"}}, {},
                 {"KTO_HTTP_TIMEOUT", "0보다 길어야"}},
        BadInput{"DurationWithoutUnitInDotEnv", {}, {}, "KTO_KEY_RECOVERY_AFTER=30\n",
                 {"KTO_KEY_RECOVERY_AFTER", "'30'"}},
        BadInput{"BaseUrlNotHttp", {}, {{"KTO_API_BASE_URL", "ftp://example.com"}}, {},
                 {"KTO_API_BASE_URL"}},
        BadInput{"MissingKey", {}, {{"-KTO_API_KEY", ""}}, {}, {"KTO_API_KEY가 설정되지 않았습니다"}},
        BadInput{"EmptyKey", {}, {{"KTO_API_KEY", ""}}, {}, {"KTO_API_KEY", "쓸 수 있는 키가 없습니다"}},
        BadInput{"OnlyThePlaceholderKey", {}, {{"KTO_API_KEY", " , your_api_key_here"}}, {},
                 {"KTO_API_KEY", "쓸 수 있는 키가 없습니다"}},
        BadInput{"MissingKeyForHealth", {"health"}, {{"-KTO_API_KEY", ""}}, {}, {"KTO_API_KEY"}},
        BadInput{"MissingKeyForRecover", {"recover"}, {{"-KTO_API_KEY", ""}}, {}, {"KTO_API_KEY"}},
        BadInput{"MalformedDotEnvLine", {}, {{"-KTO_API_KEY", ""}},
                 "# keys\nKTO_API_KEY=abcdefghijklmnopqrstuvwxyz\nTHIS LINE IS WRONG\n",
                 {".env:3:", "NAME=VALUE"}},
        BadInput{"UnterminatedQuoteInDotEnv", {}, {{"-KTO_API_KEY", ""}},
                 "\n\nKTO_API_KEY=\"abcdefghijklmnopqrstuvwxyz\n", {".env:3:", "KTO_API_KEY"}},
        BadInput{"MissingEnvFileGivenByFlag", {"--env-file", "nowhere.env"}, {}, {},
                 {"nowhere.env"}},
        BadInput{"UnknownOption", {"--regoins", "1"}, {}, {}, {"--regoins"}}),
    [](const auto& param_info) { return param_info.param.name; });

// A .env that exists but cannot be read is an error, never a file silently treated as empty.
TEST(ReliabilityInput, UnreadableDotEnvIsRefusedNamingIt) {
  CliRunner cli({});
  std::filesystem::create_directory(cli.dir() / ".env");  // unreadable as a file, even for root
  expect_refused(cli, {}, {".env", "읽을 수 없습니다"}, 2);

  if (::geteuid() == 0) return;  // root reads a mode-000 file anyway
  std::filesystem::remove(cli.dir() / ".env");
  write_bytes(cli.dir() / ".env", "KTO_API_KEY=abcdefghijklmnopqrstuvwxyz\n");
  std::filesystem::permissions(cli.dir() / ".env", std::filesystem::perms::none);
  expect_refused(cli, {}, {".env", "읽을 수 없습니다"}, 2);
  std::filesystem::permissions(cli.dir() / ".env", std::filesystem::perms::owner_all);
}

}  // namespace
