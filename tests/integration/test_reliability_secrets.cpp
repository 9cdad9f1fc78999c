// Secrets: every command, error paths included (an unregistered key, a refused connection, a
// timeout), run with recognisable keys: no key, raw, URL-encoded or in part, reaches stdout,
// stderr, the logs, the state file or the database (its WAL included).
#include <signal.h>

#include "integration/reliability_support.hpp"
#include "kto/util/url.hpp"

namespace {

using namespace kto::test;
using namespace kto::test::reliability;

// The first ten characters are the preview the program may show; everything after them is secret.
const std::string k_valid = "PREVIEWok1SECRETvalidvvvvvvvvvvvvvvvvvv+vv/vv==";
const std::string k_unregistered = "PREVIEWno2SECRETunregistereduuuuuuuuuuu+uu/uu==";
// Pasted in the portal's "Encoding" form: the collector must decode it and hide both forms.
const std::string k_encoded_raw = "PREVIEWen3SECRETencodedeeeeeeeeeeeeeeeeee+ee/ee==";

// Every form of every key that must never appear.
std::vector<std::string> forbidden_forms() {
  std::vector<std::string> out;
  for (const std::string& key : {k_valid, k_unregistered, k_encoded_raw}) {
    const std::string secret = key.substr(10);  // the part after the preview
    for (const std::string& form : {key, secret})
      for (const std::string& f : {form, kto::util::url_encode(form),
                                   kto::util::url_encode(kto::util::url_encode(form))})
        out.push_back(f);
  }
  return out;
}

class Leaks {
 public:
  void add(const std::string& where, const std::string& text) { m_texts.emplace_back(where, text); }
  void add(const std::string& what, const CommandResult& r) {
    add(what + " stdout", r.out);
    add(what + " stderr", r.err);
  }
  void add_files(const std::filesystem::path& dir) {
    for (const auto& [name, bytes] : snapshot(dir)) add(name, bytes);
  }
  void expect_none() const {
    const auto forms = forbidden_forms();
    for (const auto& [where, text] : m_texts)
      for (const auto& form : forms)
        EXPECT_EQ(text.find(form), std::string::npos) << "a key (" << form.substr(0, 14)
                                                      << "…) in " << where;
  }
  std::size_t size() const { return m_texts.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> m_texts;
};

nlohmann::json scenario() {
  return {{"dataset", dataset({{"11", 120}})},
          {"keys", {{k_valid, {{"status", "valid"}}},
                    {k_unregistered, {{"status", "unregistered"}}},
                    {k_encoded_raw, {{"status", "valid"}}}}}};
}

std::vector<std::string> pool_keys() {
  return {k_valid, k_unregistered, kto::util::url_encode(k_encoded_raw)};
}

// The commands an operator runs, each with and without --json.
void run_every_command(CliRunner& cli, Leaks& leaks, const std::string& label) {
  const std::vector<std::vector<std::string>> commands = {
      {"--mode", "regions", "--regions", "1", "--page-size", "50"},
      {"status"}, {"status", "--json"}, {"health"}, {"health", "--json"},
      {"recover"}, {"recover", "--json"}, {"keys", "list"}, {"keys", "list", "--json"},
      {"keys", "deactivate", "1", "--reason", "test"}, {"keys", "reactivate", "1"},
      {"regions"}, {"export", "--format", "csv"}, {"export", "--format", "jsonl", "--out", "out.jsonl"}};
  for (const auto& args : commands) {
    std::string what = label;
    for (const auto& a : args) what += " " + a;
    auto r = cli.run(args);
    EXPECT_NE(r.exit_code, -1) << what;
    leaks.add(what, r);
  }
  // The menu: regions, status, health, recovery, a collection of region 1, then quit.
  leaks.add(label + " -i", cli.run({"-i"}, "4\n5\n6\n7\n2\n1\n0\n"));
}

TEST(ReliabilitySecrets, NoCommandLeaksAKeyAnywhere) {
  SimServer sim(scenario());
  auto cli = collector_for(sim, pool_keys());
  cli.env()["KTO_HTTP_TIMEOUT"] = "1s";
  cli.env()["KTO_KEY_RECOVERY_AFTER"] = "1s";
  Leaks leaks;

  run_every_command(cli, leaks, "collector");
  // The unregistered key was called and refused: its error went through every reporting path.
  auto refused = sim.stats()["by_outcome"].value("error:30", 0LL);
  EXPECT_GT(refused, 0) << sim.stats().dump();
  EXPECT_EQ(read_rows(cli).size(), 120u);

  // Timeouts: every answer hangs past the client's timeout for a while.
  sim.control({{"faults", {{"rate", 1.0}, {"kinds", {"hang"}}, {"hang_ms", 1500}}}});
  leaks.add("health (timeout)", cli.run({"health"}));
  leaks.add("recover (timeout)", cli.run({"recover"}));
  sim.control({{"faults", {{"rate", 0.0}}}});

  // A refused connection: nothing listens on the dead port.
  cli.env()["KTO_API_BASE_URL"] = k_dead_url;
  leaks.add("health (refused)", cli.run({"health"}));
  leaks.add("-i health (refused)", cli.run({"-i"}, "6\n0\n"));
  cli.env()["KTO_API_BASE_URL"] = sim.base_url();

  // The database mid-run, its WAL included: a collection killed with pages written.
  sim.control({{"latency_ms", {{"min", 30}, {"max", 30}}}});
  // 60 pages of 2 rows at 30 ms each: the kill comes while pages are being written.
  auto run = start_collector(cli, {"--mode", "regions", "--regions", "1", "--page-size", "2",
                                   "--concurrency", "1"});
  const std::string wal = db_path(cli).string() + "-wal";
  ASSERT_TRUE(wait_until([&] {
    std::error_code ec;
    return std::filesystem::file_size(wal, ec) > 0 && !ec;
  }));
  run->signal(SIGKILL);
  run->wait();
  leaks.add("killed run stdout", run->drain_stdout());
  leaks.add("killed run stderr", run->drain_stderr());
  ASSERT_TRUE(std::filesystem::exists(wal));

  leaks.add_files(cli.dir());
  EXPECT_GT(leaks.size(), 40u);
  leaks.expect_none();
  // And the previews do appear: the checks above looked at real reports.
  auto state = read_bytes(state_path(cli));
  EXPECT_TRUE(contains(state, "PREVIEWok1...")) << state;
  EXPECT_TRUE(contains(state, "PREVIEWen3...")) << state;
}

}  // namespace
