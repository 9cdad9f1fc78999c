#include "kto/util/time.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace kto::util {
namespace {

using namespace std::chrono;

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
};

Civil to_kst_civil(TimePoint t) {
  auto local = time_point_cast<seconds>(t) + k_kst_offset;
  auto day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{local - day};
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
          unsigned(hms.hours().count()), unsigned(hms.minutes().count()),
          unsigned(hms.seconds().count())};
}

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  auto res = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return res.ec == std::errc{};
}

std::optional<sys_days> make_day(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(m)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

}  // namespace

std::string kst_date(TimePoint t) {
  auto c = to_kst_civil(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string kst_compact_date(TimePoint t) {
  auto c = to_kst_civil(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", c.year, c.month, c.day);
  return buf;
}

TimePoint next_kst_midnight(TimePoint t) {
  auto local = time_point_cast<seconds>(t) + k_kst_offset;
  auto next_day = floor<days>(local) + days{1};
  return time_point_cast<Millis>(next_day - k_kst_offset);
}

std::string format_iso_kst(TimePoint t) {
  auto c = to_kst_civil(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u+09:00", c.year, c.month, c.day,
                c.hour, c.minute, c.second);
  return buf;
}

std::string format_hms_kst(TimePoint t) {
  auto c = to_kst_civil(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", c.hour, c.minute, c.second);
  return buf;
}

std::string format_human_kst(TimePoint t) {
  auto c = to_kst_civil(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u:%02u", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string format_file_stamp_kst(TimePoint t) {
  auto c = to_kst_civil(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u_%02u%02u%02u", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!read_int(s, 0, 4, y) || !read_int(s, 5, 2, mo) || !read_int(s, 8, 2, d) ||
      !read_int(s, 11, 2, h) || !read_int(s, 14, 2, mi) || !read_int(s, 17, 2, se))
    return std::nullopt;
  auto day = make_day(y, mo, d);
  if (!day || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t pos = 19;
  long long millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
  }
  int offset_minutes = 0;
  std::string_view rest = s.substr(pos);
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    int oh, om;
    bool colon = rest.size() == 6 && rest[3] == ':';
    if (!(rest.size() == 5 || colon)) return std::nullopt;
    if (!read_int(rest, 1, 2, oh) || !read_int(rest, colon ? 4 : 3, 2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
  } else {
    // docs/contracts.md: times carry an offset; a time without one is ambiguous and refused.
    return std::nullopt;
  }
  auto t = *day + hours{h} + minutes{mi} + seconds{se} - minutes{offset_minutes};
  return time_point_cast<Millis>(t) + Millis{millis};
}

std::optional<TimePoint> parse_compact_date_kst(std::string_view s) {
  int y, m, d;
  if (s.size() != 8 || !read_int(s, 0, 4, y) || !read_int(s, 4, 2, m) || !read_int(s, 6, 2, d))
    return std::nullopt;
  auto day = make_day(y, m, d);
  if (!day) return std::nullopt;
  return time_point_cast<Millis>(*day - k_kst_offset);
}

std::optional<std::chrono::seconds> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  long long total = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    if (pos == start || pos == s.size() || pos - start > 9) return std::nullopt;
    long long n = 0;
    std::from_chars(s.data() + start, s.data() + pos, n);
    switch (s[pos]) {
      case 's': total += n; break;
      case 'm': total += n * 60; break;
      case 'h': total += n * 3600; break;
      case 'd': total += n * 86400; break;
      default: return std::nullopt;
    }
    ++pos;
  }
  return std::chrono::seconds{total};
}

std::string format_korean_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s < 0) s = 0;
  if (s < 60) return std::to_string(s) + "초";
  // Round up to whole minutes: "25분 후 해제" should never be early.
  long long m = (s + 59) / 60;
  if (m < 60) return std::to_string(m) + "분";
  long long h = m / 60;
  m %= 60;
  return m == 0 ? std::to_string(h) + "시간" : std::to_string(h) + "시간 " + std::to_string(m) + "분";
}

}  // namespace kto::util
