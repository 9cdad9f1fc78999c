// The original system's interactive menu (--interactive): the collections and the key management
// commands behind one numbered list, read line by line from a stream so that it can be scripted.
#include <iostream>
#include <string>

#include "kto/api/regions.hpp"
#include "kto/cli/commands.hpp"
#include "operator_commands.hpp"

namespace kto::cli {
namespace {

constexpr const char* k_menu =
    "\n==================================================\n"
    "🍽️ KTO 음식점 데이터 수집 - 대화형 모드\n"
    "==================================================\n"
    "1. 전국 모든 지역 음식점 데이터 수집\n"
    "2. 특정 지역 음식점 데이터 수집\n"
    "3. 주요 지역만 수집 (서울, 부산, 경기, 제주)\n"
    "4. 사용 가능한 지역 코드 보기\n"
    "5. API 키 상태 확인\n"
    "6. API 키 건강 상태 점검\n"
    "7. 문제 키 복구 시도\n"
    "8. 음식점 상세정보 수집 (소개, 영업시간, 메뉴; 오늘 남은 한도만큼)\n"
    "0. 종료\n"
    "==================================================\n";

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// Reads one answer after a prompt; nullopt at the end of the input.
std::optional<std::string> ask(std::istream& in, std::ostream& out, const char* prompt) {
  out << prompt << std::flush;
  std::string line;
  if (!std::getline(in, line)) {
    out << "\n";
    return std::nullopt;
  }
  return trim(line);
}

int collect_mode(const GlobalOptions& global, std::ostream& out, const std::string& mode,
                 const std::string& regions = "") {
  CollectArgs args;
  args.mode = mode;
  args.mode_set = true;
  args.regions = regions;
  args.regions_set = !regions.empty();
  out.flush();
  return run_collect(global, args);
}

// Why a menu entry of codes is refused, in the menu's words: the user typed codes, not flags.
std::string region_entry_problem(const std::string& answer, const api::ParsedRegions& parsed) {
  if (answer.empty()) return "지역 코드를 입력하지 않았습니다";
  if (!parsed.bad_entry.empty()) return "잘못된 지역 코드입니다: '" + parsed.bad_entry + "'";
  return "빈 항목이 있습니다: '" + answer + "' (쉼표로 구분해 입력하세요, 예: 1,6,31)";
}

// Choice 2: the codes are asked for and checked here, so a typo brings the menu back with the
// valid codes instead of an error from the collector. A refused entry ran nothing, so it leaves
// the exit code as it was. False at the end of the input.
bool collect_regions(const GlobalOptions& global, std::istream& in, std::ostream& out, int& last) {
  out << "사용 가능한 지역 코드: " << api::valid_codes_text() << "\n";
  auto answer = ask(in, out, "지역 코드를 입력하세요 (예: 1,6,31): ");
  if (!answer) return false;
  auto parsed = api::parse_region_list(*answer);
  if (!parsed.error.empty() || parsed.codes.empty()) {
    out << "❌ " << region_entry_problem(*answer, parsed) << ". 메뉴로 돌아갑니다.\n";
    return true;
  }
  last = collect_mode(global, out, "regions", *answer);
  return true;
}

}  // namespace

int run_menu(const GlobalOptions& global, std::istream& in, std::ostream& out) {
  // The exit code is the last command's: a script that runs "5\n0\n" learns whether a key is
  // usable. Ending the menu before any command (0 or the end of input) is 0, and so is ending it
  // after entries that ran nothing (a wrong choice, wrong codes).
  int last = 0;
  for (;;) {
    out << k_menu;
    auto choice = ask(in, out, "선택하세요 (0-8): ");
    if (!choice) return last;
    if (*choice == "0") {
      out << "종료합니다.\n";
      return last;
    }
    if (*choice == "1") {
      last = collect_mode(global, out, "all");
    } else if (*choice == "2") {
      if (!collect_regions(global, in, out, last)) return last;
    } else if (*choice == "3") {
      last = collect_mode(global, out, "major");
    } else if (*choice == "4") {
      show_regions(global.json, out);
      last = 0;
    } else if (*choice == "5") {
      last = show_status(global, out);
    } else if (*choice == "6") {
      last = show_health(global, out);
    } else if (*choice == "7") {
      last = show_recover(global, out);
    } else if (*choice == "8") {
      // The stored restaurants of every province, common,intro: what the nightly line does.
      out.flush();
      last = run_details(global, DetailsArgs{});
    } else {
      out << "❌ 잘못된 선택입니다. 0-8 사이의 번호를 입력하세요.\n";
    }
  }
}

}  // namespace kto::cli
