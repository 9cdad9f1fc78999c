// kto-sim: a stand-in for the TourAPI KorService2 behind the data.go.kr gateway, on loopback.
//
//   kto-sim [--host 127.0.0.1] [--port 0] [--scenario FILE.json] [--seed N] [--restaurants N]
//           [--latency-ms MIN[-MAX]] [--daily-quota N] [--operation-quota OP=N]…
//           [--per-second R] [--request-log FILE] [--quiet]
//
// The first line on stdout is "listening HOST:PORT". A bad flag or scenario: one line on stderr,
// exit 2. See scenario.hpp for the scenario file.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
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
  std::optional<int> daily_quota, per_second;
  std::map<std::string, int> operation_quotas;
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
    "  --daily-quota N        키마다, 오퍼레이션마다 하루 호출 한도 (기본값 1000; 넘으면 22)\n"
    "  --operation-quota OP=N 한 오퍼레이션의 하루 한도 (예: detailCommon2=500; 여러 번 줄 수 있음)\n"
    "  --per-second R         키마다 1초(직전 1,000ms) 안에 받아 주는 호출 수 (0: 제한 없음; 넘으면 23)\n"
    "  --request-log FILE     요청마다 JSON 한 줄을 기록할 파일\n"
    "  --quiet                시작 안내를 출력하지 않음\n"
    "  -h, --help             이 도움말\n"
    "\n"
    "오퍼레이션: areaBasedList2, areaBasedSyncList2, areaCode2, ldongCode2와 상세정보\n"
    "  detailCommon2 (contentId만; 옛 ...YN 플래그나 contentTypeId를 보내면 10),\n"
    "  detailIntro2 (contentId, contentTypeId), detailImage2 (contentId, imageYN=Y 사진 / N 메뉴 사진),\n"
    "  detailInfo2 (contentId, contentTypeId). 필수 인자가 빠지면 11, 없는 항목은 \"items\": \"\".\n"
    "  상세정보는 contentid와 modifiedtime에서 만들어지므로 modifiedtime이 바뀌면 함께 바뀝니다.\n"
    "\n"
    "한도: 키마다 오퍼레이션마다 따로 세고 한국 시간 00:00에 다시 시작합니다. 시나리오의\n"
    "  daily_quota, operation_quotas, per_second (키별로도 줄 수 있음)와 같고, 옵션이 시나리오를 덮어씁니다.\n"
    "  GET /stats는 키(지문)와 오퍼레이션별 호출 수, 거절 수(22/23), 오늘 쓴 양과 한도(quota),\n"
    "  상세정보를 받은 항목 수(detail_items)를 보여 줍니다. POST /control {\"reset_quotas\":true}는\n"
    "  다음 날처럼 오늘 쓴 양을 지웁니다.\n"
    "\n"
    "예:\n"
    "  kto-sim --port 0 --restaurants 13000 --latency-ms 300-1500\n"
    "  kto-sim --restaurants 13000 --daily-quota 1000 --operation-quota detailIntro2=300 --per-second 5\n"
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

// "detailCommon2=500".
void add_operation_quota(Options& o, const std::string& value) {
  auto eq = value.find('=');
  std::string op = value.substr(0, eq);
  if (eq == std::string::npos || !kto::sim::is_known_operation(op))
    throw UsageError{"--operation-quota에는 OP=N을 주세요 (OP는 detailCommon2 같은 오퍼레이션, 받은 값: '" +
                     value + "')"};
  o.operation_quotas[op] = parse_number<int>("--operation-quota", value.substr(eq + 1), 1000000000);
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
    else if (flag == "--daily-quota") o.daily_quota = parse_number<int>(flag, value, 1000000000);
    else if (flag == "--per-second") o.per_second = parse_number<int>(flag, value, 1000000);
    else if (flag == "--operation-quota") add_operation_quota(o, value);
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
  if (o.daily_quota) s.daily_quota = *o.daily_quota;
  if (o.per_second) s.per_second = *o.per_second;
  for (const auto& [op, limit] : o.operation_quotas) s.operation_quotas[op] = limit;
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
  auto data = std::make_shared<const kto::sim::Dataset>(scenario.dataset, scenario.seed, yesterday);
  kto::sim::Gateway gateway(scenario, data, options.request_log);
  if (!gateway.log_ok()) {
    std::fprintf(stderr, "kto-sim: 요청 로그 %s을(를) 열 수 없습니다\n", options.request_log.c_str());
    return 2;
  }
  if (!options.quiet)
    std::fprintf(stderr, "kto-sim: 항목 %s개 (음식점 %s개), 시드 %llu, 키 검사 %s\n",
                 data->summary()["items_total"].dump().c_str(),
                 data->summary()["restaurants"].dump().c_str(),
                 static_cast<unsigned long long>(scenario.seed),
                 scenario.strict_keys ? "엄격" : "없음");
  return kto::sim::run_server(gateway, options.server);
}
