#pragma once
// Korean time (KST, UTC+9, no daylight saving) and the formats of docs/contracts.md.
#include <optional>
#include <string>
#include <string_view>

#include "kto/util/clock.hpp"

namespace kto::util {

inline constexpr std::chrono::hours k_kst_offset{9};

// "2026-11-25": the KST day the usage counters belong to.
std::string kst_date(TimePoint t);
// "20261125": the compact KST date the TourAPI uses for modifiedtime.
std::string kst_compact_date(TimePoint t);
// The next 00:00 KST strictly after t: when the gateway's daily quotas reset.
TimePoint next_kst_midnight(TimePoint t);
// "2026-11-25T16:30:00+09:00"
std::string format_iso_kst(TimePoint t);
// "15:30:00" in KST, as the original system's 한도 초과 line shows it.
std::string format_hms_kst(TimePoint t);
// "2026-11-25 15:30:00" in KST, for reports.
std::string format_human_kst(TimePoint t);
// "20261125_153000" in KST, for log file names.
std::string format_file_stamp_kst(TimePoint t);
// ISO 8601 with an offset ("Z", "+09:00", "+0900"); nullopt when malformed.
std::optional<TimePoint> parse_iso8601(std::string_view text);
// "YYYYMMDD" → midnight KST of that day; nullopt when malformed or not a real date.
std::optional<TimePoint> parse_compact_date_kst(std::string_view text);
// "90s", "10m", "1h", "1h30m"; nullopt when malformed, empty, or zero-unit.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// "25분", "1시간 5분", "30초": how long until something, in the original guide's words.
std::string format_korean_duration(std::chrono::seconds d);

}  // namespace kto::util
