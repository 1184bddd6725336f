#pragma once

// Private helpers shared by the datetime_*.cc files. Not part of the datetime interface.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/datetime.h"
#include "common/status.h"

namespace freshet::datetime {

// --- tz database rules (TZif data plus the POSIX TZ footer) -------------------------------------

/// One local time type of a zone.
struct ZoneType {
  int32_t utoff = 0;  // seconds east of UTC
  bool isdst = false;
  std::string abbr;
};

/// A POSIX TZ rule date ("Jn", "n" or "Mm.w.d") plus the local transition time.
struct PosixDate {
  char kind = 'M';  // 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month.week.weekday)
  int day = 0;
  int week = 0;
  int month = 0;
  int32_t secs = 7200;  // local time of day of the transition
};

/// A parsed POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3".
struct PosixTz {
  std::string std_abbr;
  std::string dst_abbr;
  int32_t std_off = 0;  // seconds east
  int32_t dst_off = 0;  // seconds east
  bool has_dst = false;
  PosixDate start;
  PosixDate end;
};

/// Parses a POSIX TZ string (PostgreSQL flavour: the standard abbreviation may be empty).
bool ParsePosixTz(std::string_view text, PosixTz* out);

struct TzRules {
  std::vector<int64_t> trans;       // transition instants, Unix seconds, ascending
  std::vector<uint8_t> trans_type;  // type index in effect from each transition
  std::vector<ZoneType> types;
  int default_type = 0;  // type before the first transition
  int before_type = 0;   // lowest-numbered standard type (for local-time resolution)
  bool has_posix = false;
  PosixTz posix;  // governs instants after the last transition
  int posix_std_type = 0;
  int posix_dst_type = 0;

  /// Local time type at the Unix instant t.
  const ZoneType& TypeAt(int64_t t) const;
  /// PostgreSQL's pg_next_dst_boundary: offsets before/after the first transition strictly after
  /// t. Returns false (with *before set) when no transition follows.
  bool NextBoundary(int64_t t, int32_t* before, int64_t* boundary, int32_t* after) const;
  /// PostgreSQL's DetermineTimeZoneOffset for a local wall-clock time in Unix seconds; returns
  /// the offset east of UTC. Gaps resolve with the pre-transition offset, overlaps with the later.
  int32_t LocalToOffset(int64_t local) const;
  /// True when the zone has a single offset forever.
  bool IsFixed(int32_t* offset) const;
};

// --- Calendar ------------------------------------------------------------------------------------

inline constexpr int32_t kPostgresEpochJdate = 2451545;  // Julian day of 2000-01-01
inline constexpr int32_t kUnixEpochJdate = 2440588;      // Julian day of 1970-01-01
inline constexpr int64_t kSecsPerDay = 86400;
inline constexpr int64_t kMicrosPerHour = 3600LL * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerMinute = 60LL * kMicrosPerSecond;
/// Seconds between 1970-01-01 and 2000-01-01.
inline constexpr int64_t kUnixEpochOffsetSecs = kUnixEpochDays * kSecsPerDay;

// Valid ranges as PostgreSQL defines them (4714-11-24 BC .. 294276 AD / 5874897 AD).
inline constexpr int64_t kMinTimestamp = -211813488000000000LL;
inline constexpr int64_t kEndTimestamp = 9223371331200000000LL;        // exclusive
inline constexpr int32_t kMinDate = -kPostgresEpochJdate;              // Julian day 0
inline constexpr int32_t kEndDate = 2147483494 - kPostgresEpochJdate;  // exclusive
// Infinite values use PostgreSQL's encodings.
inline constexpr int64_t kTimestampNoBegin = INT64_MIN;
inline constexpr int64_t kTimestampNoEnd = INT64_MAX;
inline constexpr int32_t kDateNoBegin = INT32_MIN;
inline constexpr int32_t kDateNoEnd = INT32_MAX;

inline bool TimestampIsFinite(int64_t ts) {
  return ts != kTimestampNoBegin && ts != kTimestampNoEnd;
}
inline bool IsValidTimestamp(int64_t ts) { return ts >= kMinTimestamp && ts < kEndTimestamp; }
inline bool IsValidDate(int32_t d) { return d >= kMinDate && d < kEndDate; }

/// Broken-down time; year is astronomical (0 = 1 BC).
struct Tm {
  int year = 2000;
  int mon = 1;
  int mday = 1;
  int hour = 0;
  int min = 0;
  int sec = 0;
  int32_t fsec = 0;  // microseconds
};

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsLeap(int year);
int DaysInMonth(int year, int mon);
int Date2J(int year, int mon, int day);
void J2Date(int jd, int* year, int* mon, int* day);
/// Day of week of a Julian day, 0 = Sunday.
int J2Day(int jd);
/// PostgreSQL's IS_VALID_JULIAN: within 4713-11-24 BC .. 5874898-06-03.
bool IsValidJulian(int year, int mon, int day);
/// Splits a finite timestamp.
void TimestampToTm(int64_t ts, Tm* tm);
/// Joins fields (fields may exceed their usual ranges, e.g. sec 60); false when out of range.
bool TmToTimestamp(const Tm& tm, int64_t* out);
int DateToIsoWeek(int year, int mon, int day);
int DateToIsoYear(int year, int mon, int day);
/// Julian day of the Monday starting ISO week `week` of ISO year `isoyear`.
int IsoWeekToJ(int isoyear, int week);

/// True when the named zone (as TimeZone::Parse resolves it) has a single fixed offset.
bool ZoneHasFixedOffset(std::string_view name);

/// Fixed-offset zone abbreviations known to timestamp input ("est", "cest", "z", ...).
bool LookupZoneAbbrev(std::string_view lower, int32_t* offset_east, bool* isdst);

// --- Formatting pieces ---------------------------------------------------------------------------

/// Appends n zero-padded to at least `width` digits (n >= 0).
void AppendPadded(std::string* out, int64_t n, int width);
/// Appends "SS[.ffffff]" (trailing fractional zeros trimmed), absolute values.
void AppendSeconds(std::string* out, int sec, int32_t fsec);
/// Appends "+HH[:MM[:SS]]" for an offset east of UTC (PostgreSQL's EncodeTimezone).
void AppendOffset(std::string* out, int32_t east);
/// Appends "YYYY-MM-DD" (year as PostgreSQL prints it, without the BC suffix).
void AppendDate(std::string* out, const Tm& tm);

/// PostgreSQL's unit lookup for date_trunc/extract (deltatktbl then datetktbl).
enum class Unit {
  kUnknown,
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kTz,
  kTzHour,
  kTzMinute,
  kDow,
  kIsoDow,
  kDoy,
  kIsoYear,
  kJulian,
  kEpoch,
  kTableBreak,  // separates deltatktbl from datetktbl entries in the unit table
};
/// `with_date_tokens`: extract also accepts datetktbl's units ("dow", "epoch", "julian", ...);
/// date_trunc only takes deltatktbl's.
Unit LookupUnit(std::string_view lower, bool with_date_tokens);
/// True for datetktbl's reserved words that are not units ("now", "infinity", ...).
bool IsReservedWord(std::string_view lower);

}  // namespace freshet::datetime
