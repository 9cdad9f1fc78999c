// kto-sim: a stand-in for the TourAPI KorService2 behind the data.go.kr gateway, on loopback.
//
//   kto-sim [--host 127.0.0.1] [--port 0] [--scenario FILE.json] [--seed N] [--restaurants N]
//           [--latency-ms MIN[-MAX]] [--request-log FILE] [--quiet]
//
// The first line on stdout is "listening HOST:PORT". A bad flag or scenario: one line on stderr,
// exit 2. See scenario.hpp for the scenario file.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "dataset.hpp"
#include "gateway.hpp"
#include "kto/util/time.hpp"
#include "scenario.hpp"
#include "server.hpp"

namespace {

using kto::sim::Scenario;

struct Options {
  kto::sim::ServerOptions server;
  std::string scenario_file, request_log;
  std::optional<unsigned long long> seed;
  std::optional<int> restaurants;
  std::optional<std::pair<int, int>> latency;
  bool quiet = false;
};

struct UsageError {
  std::string message;
};

// --help: the usage on stdout, exit 0 (a bad flag is a usage error, exit 2).
struct HelpRequested {};

constexpr const char* k_usage =
    "kto-sim: TourAPI KorService2(data.go.kr 게이트웨이)를 흉내 내는 시뮬레이터 (127.0.0.1에서 실행)\n"
    "\n"
    "사용법: kto-sim [옵션]\n"
    "  --host HOST            들을 주소 (기본값 127.0.0.1)\n"
    "  --port N               포트 (기본값 0: 빈 포트를 골라 첫 줄 'listening HOST:PORT'로 알림)\n"
    "  --scenario FILE.json   데이터, 키와 한도, 장애를 정하는 시나리오 (sim/scenario.hpp 참고)\n"
    "  --seed N               데이터 생성 시드\n"
    "  --restaurants N        음식점 수 (시나리오의 값을 덮어씀)\n"
    "  --latency-ms MIN[-MAX] 응답마다 넣을 지연 (밀리초)\n"
    "  --request-log FILE     요청마다 JSON 한 줄을 기록할 파일\n"
    "  --quiet                시작 안내를 출력하지 않음\n"
    "  -h, --help             이 도움말\n"
    "\n"
    "예:\n"
    "  kto-sim --port 0 --restaurants 13000 --latency-ms 300-1500\n"
    "\n"
    "종료 코드: 0 정상 종료 (SIGINT/SIGTERM), 2 잘못된 옵션이나 시나리오.\n";

template <class T>
T parse_number(const std::string& flag, const std::string& text, T max_value) {
  T value{};
  auto res = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || res.ec != std::errc{} || res.ptr != text.data() + text.size() || value > max_value)
    throw UsageError{flag + "에는 0 이상의 수를 주세요 (받은 값: '" + text + "')"};
  return value;
}

Options parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") throw HelpRequested{};
    if (flag == "--quiet") {
      o.quiet = true;
      continue;
    }
    if (i + 1 >= args.size())
      throw UsageError{"알 수 없는 옵션이거나 값이 빠졌습니다: " + flag + " ('kto-sim --help' 참고)"};
    const std::string& value = args[++i];
    if (flag == "--host") o.server.host = value;
    else if (flag == "--port") o.server.port = parse_number<int>(flag, value, 65535);
    else if (flag == "--scenario") o.scenario_file = value;
    else if (flag == "--seed") o.seed = parse_number<unsigned long long>(flag, value, ~0ULL);
    else if (flag == "--restaurants") o.restaurants = parse_number<int>(flag, value, 10000000);
    else if (flag == "--request-log") o.request_log = value;
    else if (flag == "--latency-ms") {
      auto range = kto::sim::parse_latency_range(value);
      if (!range) throw UsageError{range.error().message};
      o.latency = *range;
    } else {
      throw UsageError{"알 수 없는 옵션입니다: " + flag + " ('kto-sim --help' 참고)"};
    }
  }
  return o;
}

Scenario load_scenario(const Options& o) {
  nlohmann::json doc = nlohmann::json::object();
  if (!o.scenario_file.empty()) {
    std::ifstream in(o.scenario_file);
    if (!in) throw UsageError{"시나리오 " + o.scenario_file + "을(를) 읽을 수 없습니다"};
    std::stringstream text;
    text << in.rdbuf();
    // Comments are allowed: a scenario is written by hand.
    doc = nlohmann::json::parse(text.str(), nullptr, false, true);
    if (doc.is_discarded()) throw UsageError{"시나리오 " + o.scenario_file + "이(가) 올바른 JSON이 아닙니다"};
  }
  auto parsed = kto::sim::parse_scenario(doc);
  if (!parsed) throw UsageError{parsed.error().message};
  Scenario s = std::move(*parsed);
  if (o.seed) s.seed = *o.seed;
  if (o.restaurants) {
    s.dataset.restaurants = *o.restaurants;
    s.dataset.per_province.clear();
  }
  if (o.latency) std::tie(s.latency_min_ms, s.latency_max_ms) = *o.latency;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  Scenario scenario;
  try {
    options = parse_args(argc, argv);
    scenario = load_scenario(options);
  } catch (const HelpRequested&) {
    std::fputs(k_usage, stdout);
    return 0;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "kto-sim: %s\n", e.message.c_str());
    return 2;
  }
  kto::sim::block_stop_signals();
  // Yesterday by default: a nightly run asks for what changed the day before, and no item then
  // carries a modification time in the future.
  auto yesterday = kto::util::kst_compact_date(std::chrono::time_point_cast<kto::util::Millis>(
      std::chrono::system_clock::now() - std::chrono::hours(24)));
  kto::sim::Dataset data(scenario.dataset, scenario.seed, yesterday);
  kto::sim::Gateway gateway(scenario, data, options.request_log);
  if (!gateway.log_ok()) {
    std::fprintf(stderr, "kto-sim: 요청 로그 %s을(를) 열 수 없습니다\n", options.request_log.c_str());
    return 2;
  }
  if (!options.quiet)
    std::fprintf(stderr, "kto-sim: 항목 %s개 (음식점 %s개), 시드 %llu, 키 검사 %s\n",
                 data.summary()["items_total"].dump().c_str(),
                 data.summary()["restaurants"].dump().c_str(),
                 static_cast<unsigned long long>(scenario.seed),
                 scenario.strict_keys ? "엄격" : "없음");
  return kto::sim::run_server(gateway, options.server);
}
