#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/interval.h"
#include "common/status.h"

namespace freshet::datetime {

// Representations (PostgreSQL's): date = days since 2000-01-01; time = microseconds since
// midnight; timestamp and timestamptz = microseconds since 2000-01-01 00:00:00 (timestamptz in
// UTC). A session time zone is a fixed offset in seconds east of UTC or a named zone resolved
// by the system tz database.

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;
/// Days between 1970-01-01 and 2000-01-01.
inline constexpr int64_t kUnixEpochDays = 10957;

struct TzRules;  // parsed tz database zone (defined in common/datetime_internal.h)

/// A session time zone: a name as the user gave it ("UTC", "Europe/Paris", "+02") and how to
/// get its UTC offset at an instant.
class TimeZone {
 public:
  /// Accepts "UTC", "GMT", "Z", numeric offsets ("+02", "-05:30", "UTC+3") and IANA names
  /// found under /usr/share/zoneinfo. 22023 for unknown zones.
  /// As SET TIME ZONE: a plain number is hours east ("+02", "5.5"); other names are tz database
  /// files (case-insensitive) or POSIX TZ strings, where "UTC+3" and "-05:30" count west
  /// positive; zone abbreviations ("Z", "PST") are the last resort, as fixed offsets.
  static Result<TimeZone> Parse(std::string_view name);
  static TimeZone Utc();
  /// The name as SHOW TimeZone reports it: "Europe/Paris" for "europe/paris", "<+02>-02" for
  /// "+02", upper case for POSIX strings.
  const std::string& name() const { return name_; }
  /// Offset east of UTC, in seconds, at the UTC instant `utc_micros`.
  int32_t OffsetAt(int64_t utc_micros) const;
  /// Offset for a local wall-clock time (for converting local timestamps to UTC).
  int32_t OffsetForLocal(int64_t local_micros) const;
  /// Zone abbreviation in effect at the UTC instant ("CET", "+02"), as to_char's TZ prints it.
  std::string AbbrevAt(int64_t utc_micros) const;
  /// True when the rules come from a tz database file (or a POSIX rule string): answers then
  /// depend on the machine's tzdata version; false for UTC and fixed numeric offsets.
  bool has_rules() const { return rules_ != nullptr; }

 private:
  std::string name_ = "UTC";
  int32_t fixed_offset_ = 0;
  bool fixed_ = true;
  std::shared_ptr<const TzRules> rules_;  // tz database rules; null for numeric offsets
};

// --- Parsing (PostgreSQL input syntax; 22007 invalid format / 22008 field out of range) ---
/// The current time as a timestamp (microseconds since 2000-01-01 UTC).
int64_t NowMicros();

Result<int32_t> ParseDate(std::string_view text);
Result<int64_t> ParseTime(std::string_view text);
Result<int64_t> ParseTimestamp(std::string_view text);
/// Input without an explicit zone is interpreted in `tz`.
Result<int64_t> ParseTimestampTz(std::string_view text, const TimeZone& tz);
/// '1 day', '2 hours 3 minutes', '1 day 02:00:00', '-1 year', '1.5 days', 'P1DT2H', '@ 1 day
/// ago', and bare numbers as seconds.
Result<Interval> ParseInterval(std::string_view text);

// --- Formatting (PostgreSQL ISO DateStyle, postgres IntervalStyle) ---
std::string FormatDate(int32_t days);         // 2024-01-02 (BC dates as '0044-03-15 BC')
std::string FormatTime(int64_t micros);       // 04:05:06[.123456]
std::string FormatTimestamp(int64_t micros);  // 2024-01-02 04:05:06[.5]
std::string FormatTimestampTz(int64_t utc_micros, const TimeZone& tz);  // ...+00 / +05:30
std::string FormatInterval(const Interval& iv);  // 1 year 2 mons 3 days 04:05:06

// --- Calendar helpers ---
int32_t DaysFromCivil(int32_t year, int32_t month, int32_t day);
void CivilFromDays(int32_t days, int32_t* year, int32_t* month, int32_t* day);

// --- Arithmetic (22008 on overflow) ---
Result<int64_t> TimestampPlusInterval(int64_t ts, const Interval& iv);
Result<int64_t> TimestampTzPlusInterval(int64_t ts, const Interval& iv, const TimeZone& tz);
/// ts1 - ts2 as an interval of days and microseconds (PostgreSQL timestamp_mi).
Interval TimestampDiff(int64_t a, int64_t b);
Interval IntervalAdd(const Interval& a, const Interval& b);
Interval IntervalNegate(const Interval& a);
Result<Interval> IntervalMul(const Interval& a, double factor);
Result<Interval> IntervalDiv(const Interval& a, double divisor);  // 22012 on zero
/// age(a, b): symbolic difference in years, months, days (PostgreSQL's timestamp_age).
Interval Age(int64_t a, int64_t b);
Interval JustifyHours(const Interval& iv);
Interval JustifyDays(const Interval& iv);

/// date_trunc(field, ts) for microseconds..millennium; 22023 for unknown fields.
Result<int64_t> DateTrunc(std::string_view field, int64_t ts);
Result<int64_t> DateTruncTz(std::string_view field, int64_t ts, const TimeZone& tz);
Result<Interval> DateTruncInterval(std::string_view field, const Interval& iv);

/// extract(field from ...) as PostgreSQL 14+ returns it (numeric semantics as a double here:
/// callers convert); fields: microseconds, milliseconds, second, minute, hour, day, dow, isodow,
/// doy, week, month, quarter, year, isoyear, decade, century, millennium, epoch, julian,
/// timezone. 22023 for unsupported fields.
/// Unknown units give 22023, known but inapplicable ones 0A000. For infinite inputs monotonic
/// fields return +-Infinity and the others NaN, meaning SQL NULL.
Result<double> ExtractTimestamp(std::string_view field, int64_t ts);
Result<double> ExtractTimestampTz(std::string_view field, int64_t ts, const TimeZone& tz);
Result<double> ExtractDate(std::string_view field, int32_t days);
Result<double> ExtractTime(std::string_view field, int64_t micros);
Result<double> ExtractInterval(std::string_view field, const Interval& iv);

/// to_char(timestamp, pattern) for the common patterns: YYYY YY MM Mon Month MON MONTH DD D DDD
/// HH HH12 HH24 MI SS MS US AM PM am pm Dy Day DY DAY TZ FM prefix, quoted text and separators.
/// (All of PostgreSQL's date/time patterns are handled; PostgreSQL returns NULL where the pattern
/// is empty, this returns "".)
std::string ToChar(int64_t local_micros, std::string_view pattern, std::string_view tz_abbrev);
/// As above, with the zone's offset east of UTC in seconds for TZH, TZM and OF (the 3-argument
/// form infers it from a numeric or well-known abbreviation, else uses 0).
std::string ToChar(int64_t local_micros, std::string_view pattern, std::string_view tz_abbrev,
                   int32_t utc_offset);
/// make_interval(years, months, weeks, days, hours, mins, secs).
Result<Interval> MakeInterval(int32_t years, int32_t months, int32_t weeks, int32_t days,
                              int32_t hours, int32_t mins, double secs);

}  // namespace freshet::datetime
