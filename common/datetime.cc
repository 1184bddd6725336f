// Calendar helpers and time zones (TZif reader, POSIX TZ rules, TimeZone).

#include "common/datetime.h"

#include <dirent.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "common/datetime_internal.h"

namespace freshet::datetime {

// --- Calendar ------------------------------------------------------------------------------------

int32_t DaysFromCivil(int32_t year, int32_t month, int32_t day) {
  // Howard Hinnant's days_from_civil, shifted to the 2000-01-01 epoch.
  int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int32_t>(era * 146097 + doe - 719468 - kUnixEpochDays);
}

void CivilFromDays(int32_t days, int32_t* year, int32_t* month, int32_t* day) {
  int64_t z = static_cast<int64_t>(days) + kUnixEpochDays + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int32_t>(y + (m <= 2 ? 1 : 0));
  *month = static_cast<int32_t>(m);
  *day = static_cast<int32_t>(d);
}

bool IsLeap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int mon) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mon == 2 && IsLeap(year)) return 29;
  return kDays[mon - 1];
}

int Date2J(int year, int mon, int day) {
  return DaysFromCivil(year, mon, day) + kPostgresEpochJdate;
}

void J2Date(int jd, int* year, int* mon, int* day) {
  CivilFromDays(jd - kPostgresEpochJdate, year, mon, day);
}

int J2Day(int jd) {
  int d = (jd + 1) % 7;
  return d < 0 ? d + 7 : d;
}

bool IsValidJulian(int y, int m, int d) {
  return (y > -4713 || (y == -4713 && (m > 11 || (m == 11 && d >= 24)))) &&
         (y < 5874898 || (y == 5874898 && (m < 6 || (m == 6 && d < 3))));
}

void TimestampToTm(int64_t ts, Tm* tm) {
  int64_t date = FloorDiv(ts, kMicrosPerDay);
  int64_t time = ts - date * kMicrosPerDay;
  CivilFromDays(static_cast<int32_t>(date), &tm->year, &tm->mon, &tm->mday);
  tm->hour = static_cast<int>(time / kMicrosPerHour);
  time -= tm->hour * kMicrosPerHour;
  tm->min = static_cast<int>(time / kMicrosPerMinute);
  time -= tm->min * kMicrosPerMinute;
  tm->sec = static_cast<int>(time / kMicrosPerSecond);
  tm->fsec = static_cast<int32_t>(time - tm->sec * kMicrosPerSecond);
}

bool TmToTimestamp(const Tm& tm, int64_t* out) {
  if (!IsValidJulian(tm.year, tm.mon, tm.mday)) return false;
  int64_t date = DaysFromCivil(tm.year, tm.mon, tm.mday);
  int64_t time =
      ((static_cast<int64_t>(tm.hour) * 60 + tm.min) * 60 + tm.sec) * kMicrosPerSecond + tm.fsec;
  int64_t r;
  if (__builtin_mul_overflow(date, kMicrosPerDay, &r) || __builtin_add_overflow(r, time, &r)) {
    return false;
  }
  if (!IsValidTimestamp(r)) return false;
  *out = r;
  return true;
}

int IsoWeekToJ(int isoyear, int week) {
  // The ISO year starts on the Monday of the week containing January 4th.
  int day4 = Date2J(isoyear, 1, 4);
  int day0 = J2Day(day4 - 1);  // 0 = Monday
  return (week - 1) * 7 + day4 - day0;
}

int DateToIsoWeek(int year, int mon, int day) {
  int dayn = Date2J(year, mon, day);
  int day4 = Date2J(year, 1, 4);
  int day0 = J2Day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = Date2J(year - 1, 1, 4);
    day0 = J2Day(day4 - 1);
  }
  int result = (dayn - (day4 - day0)) / 7 + 1;
  if (result >= 52) {
    day4 = Date2J(year + 1, 1, 4);
    day0 = J2Day(day4 - 1);
    if (dayn >= day4 - day0) result = (dayn - (day4 - day0)) / 7 + 1;
  }
  return result;
}

int DateToIsoYear(int year, int mon, int day) {
  int dayn = Date2J(year, mon, day);
  int day4 = Date2J(year, 1, 4);
  int day0 = J2Day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = Date2J(year - 1, 1, 4);
    day0 = J2Day(day4 - 1);
    --year;
  }
  int result = (dayn - (day4 - day0)) / 7 + 1;
  if (result >= 52) {
    day4 = Date2J(year + 1, 1, 4);
    day0 = J2Day(day4 - 1);
    if (dayn >= day4 - day0) ++year;
  }
  return year;
}

int64_t NowMicros() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return us - kUnixEpochOffsetSecs * kMicrosPerSecond;
}

// --- Formatting pieces ---------------------------------------------------------------------------

void AppendPadded(std::string* out, int64_t n, int width) {
  char buf[24];
  int len = 0;
  uint64_t v = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  do {
    buf[len++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (n < 0) out->push_back('-');
  for (int i = len; i < width; ++i) out->push_back('0');
  while (len > 0) out->push_back(buf[--len]);
}

void AppendSeconds(std::string* out, int sec, int32_t fsec) {
  AppendPadded(out, sec < 0 ? -static_cast<int64_t>(sec) : sec, 2);
  if (fsec != 0) {
    int32_t v = fsec < 0 ? -fsec : fsec;
    char digits[6];
    for (int i = 5; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    int n = 6;
    while (n > 1 && digits[n - 1] == '0') --n;
    out->push_back('.');
    out->append(digits, n);
  }
}

void AppendOffset(std::string* out, int32_t east) {
  int32_t sec = east < 0 ? -east : east;
  int32_t min = sec / 60;
  sec -= min * 60;
  int32_t hour = min / 60;
  min -= hour * 60;
  out->push_back(east >= 0 ? '+' : '-');
  AppendPadded(out, hour, 2);
  if (sec != 0) {
    out->push_back(':');
    AppendPadded(out, min, 2);
    out->push_back(':');
    AppendPadded(out, sec, 2);
  } else if (min != 0) {
    out->push_back(':');
    AppendPadded(out, min, 2);
  }
}

void AppendDate(std::string* out, const Tm& tm) {
  AppendPadded(out, tm.year > 0 ? tm.year : 1 - static_cast<int64_t>(tm.year), 4);
  out->push_back('-');
  AppendPadded(out, tm.mon, 2);
  out->push_back('-');
  AppendPadded(out, tm.mday, 2);
}

// --- Keyword tables ------------------------------------------------------------------------------

namespace {

struct AbbrevEntry {
  const char* name;
  int32_t offset;
  bool isdst;
};

// PostgreSQL's "Default" timezone abbreviation set (pg_timezone_abbrevs), sorted by name.
constexpr AbbrevEntry kAbbrevs[] = {
    {"acdt", 37800, true},   {"acsst", 37800, true},  {"acst", 34200, false},
    {"act", -18000, false},  {"acwst", 31500, false}, {"adt", -10800, true},
    {"aedt", 39600, true},   {"aesst", 39600, true},  {"aest", 36000, false},
    {"aft", 16200, false},   {"akdt", -28800, true},  {"akst", -32400, false},
    {"almst", 25200, true},  {"almt", 21600, false},  {"amst", 14400, false},
    {"amt", -14400, false},  {"anast", 43200, false}, {"anat", 43200, false},
    {"arst", -10800, false}, {"art", -10800, false},  {"ast", -14400, false},
    {"awsst", 32400, true},  {"awst", 28800, false},  {"azost", 0, true},
    {"azot", -3600, false},  {"azst", 14400, false},  {"azt", 14400, false},
    {"bdst", 7200, true},    {"bdt", 21600, false},   {"bnt", 28800, false},
    {"bort", 28800, false},  {"bot", -14400, false},  {"bra", -10800, false},
    {"brst", -7200, true},   {"brt", -10800, false},  {"bst", 3600, true},
    {"btt", 21600, false},   {"cadt", 37800, true},   {"cast", 34200, false},
    {"cct", 28800, false},   {"cdt", -18000, true},   {"cest", 7200, true},
    {"cet", 3600, false},    {"cetdst", 7200, true},  {"chadt", 49500, true},
    {"chast", 45900, false}, {"chut", 36000, false},  {"ckt", -36000, false},
    {"clst", -10800, true},  {"clt", -10800, true},   {"cot", -18000, false},
    {"cst", -21600, false},  {"cxt", 25200, false},   {"davt", 25200, false},
    {"ddut", 36000, false},  {"easst", -18000, true}, {"east", -18000, true},
    {"eat", 10800, false},   {"edt", -14400, true},   {"eest", 10800, true},
    {"eet", 7200, false},    {"eetdst", 10800, true}, {"egst", 0, true},
    {"egt", -3600, false},   {"est", -18000, false},  {"fet", 10800, false},
    {"fjst", 46800, true},   {"fjt", 43200, false},   {"fkst", -10800, false},
    {"fkt", -10800, false},  {"fnst", -3600, true},   {"fnt", -7200, false},
    {"galt", -21600, false}, {"gamt", -32400, false}, {"gest", 14400, false},
    {"get", 14400, false},   {"gft", -10800, false},  {"gilt", 43200, false},
    {"gmt", 0, false},       {"gyt", -14400, false},  {"hkt", 28800, false},
    {"hst", -36000, false},  {"ict", 25200, false},   {"idt", 10800, true},
    {"iot", 21600, false},   {"irkst", 28800, false}, {"irkt", 28800, false},
    {"irt", 12600, false},   {"ist", 7200, false},    {"jayt", 32400, false},
    {"jst", 32400, false},   {"kdt", 36000, true},    {"kgst", 21600, true},
    {"kgt", 21600, false},   {"kost", 39600, false},  {"krast", 25200, false},
    {"krat", 25200, false},  {"kst", 32400, false},   {"lhdt", 39600, true},
    {"lhst", 37800, false},  {"ligt", 36000, false},  {"lint", 50400, false},
    {"lkt", 19800, false},   {"magst", 39600, false}, {"magt", 39600, false},
    {"mart", -34200, false}, {"mawt", 18000, false},  {"mdt", -21600, true},
    {"mest", 7200, true},    {"mesz", 7200, true},    {"met", 3600, false},
    {"metdst", 7200, true},  {"mez", 3600, false},    {"mht", 43200, false},
    {"mmt", 23400, false},   {"mpt", 36000, false},   {"msd", 14400, true},
    {"msk", 10800, false},   {"mst", -25200, false},  {"must", 18000, true},
    {"mut", 14400, false},   {"mvt", 18000, false},   {"myt", 28800, false},
    {"ndt", -9000, true},    {"nft", -12600, false},  {"novst", 25200, false},
    {"novt", 25200, false},  {"npt", 20700, false},   {"nst", -12600, false},
    {"nut", -39600, false},  {"nzdt", 46800, true},   {"nzst", 43200, false},
    {"nzt", 43200, false},   {"omsst", 21600, false}, {"omst", 21600, false},
    {"pdt", -25200, true},   {"pet", -18000, false},  {"petst", 43200, false},
    {"pett", 43200, false},  {"pgt", 36000, false},   {"pht", 28800, false},
    {"pkst", 21600, true},   {"pkt", 18000, false},   {"pmdt", -7200, true},
    {"pmst", -10800, false}, {"pont", 39600, false},  {"pst", -28800, false},
    {"pwt", 32400, false},   {"pyst", -10800, true},  {"pyt", -10800, false},
    {"ret", 14400, false},   {"sadt", 37800, true},   {"sast", 7200, false},
    {"sct", 14400, false},   {"sgt", 28800, false},   {"taht", -36000, false},
    {"tft", 18000, false},   {"tjt", 18000, false},   {"tkt", 46800, false},
    {"tmt", 18000, false},   {"tot", 46800, false},   {"trut", 36000, false},
    {"tvt", 43200, false},   {"uct", 0, false},       {"ulast", 32400, true},
    {"ulat", 28800, false},  {"ut", 0, false},        {"utc", 0, false},
    {"uyst", -7200, true},   {"uyt", -10800, false},  {"uzst", 21600, true},
    {"uzt", 18000, false},   {"vet", -14400, false},  {"vlast", 36000, false},
    {"vlat", 36000, false},  {"volt", 10800, false},  {"vut", 39600, false},
    {"wadt", 28800, true},   {"wakt", 43200, false},  {"wast", 25200, false},
    {"wat", 3600, false},    {"wdt", 32400, true},    {"wet", 0, false},
    {"wetdst", 3600, true},  {"wft", 43200, false},   {"wgst", -7200, true},
    {"wgt", -10800, false},  {"xjt", 21600, false},   {"yakst", 32400, false},
    {"yakt", 32400, false},  {"yapt", 36000, false},  {"yekst", 21600, true},
    {"yekt", 18000, false},  {"z", 0, false},         {"zulu", 0, false},
};

struct UnitEntry {
  const char* name;
  Unit unit;
};

// deltatktbl's units, then datetktbl's (first match wins), as extract/date_trunc look them up.
constexpr UnitEntry kUnits[] = {
    {"c", Unit::kCentury},
    {"cent", Unit::kCentury},
    {"centuries", Unit::kCentury},
    {"century", Unit::kCentury},
    {"d", Unit::kDay},
    {"day", Unit::kDay},
    {"days", Unit::kDay},
    {"dec", Unit::kDecade},
    {"decade", Unit::kDecade},
    {"decades", Unit::kDecade},
    {"decs", Unit::kDecade},
    {"h", Unit::kHour},
    {"hour", Unit::kHour},
    {"hours", Unit::kHour},
    {"hr", Unit::kHour},
    {"hrs", Unit::kHour},
    {"m", Unit::kMinute},
    {"microsecon", Unit::kMicrosecond},
    {"mil", Unit::kMillennium},
    {"millennia", Unit::kMillennium},
    {"millennium", Unit::kMillennium},
    {"millisecon", Unit::kMillisecond},
    {"mils", Unit::kMillennium},
    {"min", Unit::kMinute},
    {"mins", Unit::kMinute},
    {"minute", Unit::kMinute},
    {"minutes", Unit::kMinute},
    {"mon", Unit::kMonth},
    {"mons", Unit::kMonth},
    {"month", Unit::kMonth},
    {"months", Unit::kMonth},
    {"ms", Unit::kMillisecond},
    {"msec", Unit::kMillisecond},
    {"msecond", Unit::kMillisecond},
    {"mseconds", Unit::kMillisecond},
    {"msecs", Unit::kMillisecond},
    {"qtr", Unit::kQuarter},
    {"quarter", Unit::kQuarter},
    {"s", Unit::kSecond},
    {"sec", Unit::kSecond},
    {"second", Unit::kSecond},
    {"seconds", Unit::kSecond},
    {"secs", Unit::kSecond},
    {"timezone", Unit::kTz},
    {"timezone_h", Unit::kTzHour},
    {"timezone_m", Unit::kTzMinute},
    {"us", Unit::kMicrosecond},
    {"usec", Unit::kMicrosecond},
    {"usecond", Unit::kMicrosecond},
    {"useconds", Unit::kMicrosecond},
    {"usecs", Unit::kMicrosecond},
    {"w", Unit::kWeek},
    {"week", Unit::kWeek},
    {"weeks", Unit::kWeek},
    {"y", Unit::kYear},
    {"year", Unit::kYear},
    {"years", Unit::kYear},
    {"yr", Unit::kYear},
    {"yrs", Unit::kYear},
    {"", Unit::kTableBreak},  // the rest come from datetktbl
    {"dow", Unit::kDow},
    {"doy", Unit::kDoy},
    {"isodow", Unit::kIsoDow},
    {"isoyear", Unit::kIsoYear},
    {"j", Unit::kJulian},
    {"jd", Unit::kJulian},
    {"julian", Unit::kJulian},
    {"mm", Unit::kMinute},
    {"epoch", Unit::kEpoch},
};

// Reserved words of datetktbl that name no unit: extract reports them as "not supported".
constexpr const char* kReserved[] = {"-infinity", "allballs", "infinity", "now",
                                     "today",     "tomorrow", "yesterday"};

std::string_view Truncate10(std::string_view s) { return s.size() > 10 ? s.substr(0, 10) : s; }

}  // namespace

bool LookupZoneAbbrev(std::string_view lower, int32_t* offset_east, bool* isdst) {
  lower = Truncate10(lower);
  auto it = std::lower_bound(std::begin(kAbbrevs), std::end(kAbbrevs), lower,
                             [](const AbbrevEntry& e, std::string_view k) { return e.name < k; });
  if (it == std::end(kAbbrevs) || it->name != lower) return false;
  *offset_east = it->offset;
  *isdst = it->isdst;
  return true;
}

Unit LookupUnit(std::string_view lower, bool with_date_tokens) {
  lower = Truncate10(lower);
  for (const UnitEntry& e : kUnits) {
    if (e.unit == Unit::kTableBreak) {
      if (!with_date_tokens) break;
      continue;
    }
    if (lower == e.name) return e.unit;
  }
  return Unit::kUnknown;
}

bool IsReservedWord(std::string_view lower) {
  for (const char* r : kReserved) {
    if (lower == r) return true;
  }
  return false;
}

// --- POSIX TZ strings ----------------------------------------------------------------------------

namespace {

/// Parses [+-]hh[:mm[:ss]] (hours up to 167); returns the value in seconds (sign as written).
bool ParsePosixSecs(std::string_view s, size_t* pos, int32_t* out, bool allow_sign) {
  size_t i = *pos;
  int sign = 1;
  if (allow_sign && i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') sign = -1;
    ++i;
  }
  auto num = [&](int max, int* v) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > max) return false;
      ++i;
    }
    *v = n;
    return true;
  };
  int h = 0;
  int m = 0;
  int sec = 0;
  if (!num(167, &h)) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!num(59, &m)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!num(60, &sec)) return false;
    }
  }
  *out = sign * (h * 3600 + m * 60 + sec);
  *pos = i;
  return true;
}

bool ParsePosixName(std::string_view s, size_t* pos, std::string* out) {
  size_t i = *pos;
  if (i < s.size() && s[i] == '<') {
    size_t close = s.find('>', i + 1);
    if (close == std::string_view::npos) return false;
    *out = std::string(s.substr(i + 1, close - i - 1));
    *pos = close + 1;
    return true;
  }
  size_t start = i;
  while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != ',' && s[i] != '-' &&
         s[i] != '+') {
    ++i;
  }
  *out = std::string(s.substr(start, i - start));
  *pos = i;
  return true;
}

bool ParsePosixDate(std::string_view s, size_t* pos, PosixDate* d) {
  size_t i = *pos;
  auto num = [&](int* v) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > 100000) return false;
      ++i;
    }
    *v = n;
    return true;
  };
  if (i < s.size() && s[i] == 'J') {
    ++i;
    d->kind = 'J';
    if (!num(&d->day) || d->day < 1 || d->day > 365) return false;
  } else if (i < s.size() && s[i] == 'M') {
    ++i;
    d->kind = 'M';
    if (!num(&d->month) || d->month < 1 || d->month > 12) return false;
    if (i >= s.size() || s[i++] != '.') return false;
    if (!num(&d->week) || d->week < 1 || d->week > 5) return false;
    if (i >= s.size() || s[i++] != '.') return false;
    if (!num(&d->day) || d->day > 6) return false;
  } else {
    d->kind = 'N';
    if (!num(&d->day) || d->day > 365) return false;
  }
  d->secs = 7200;
  if (i < s.size() && s[i] == '/') {
    ++i;
    if (!ParsePosixSecs(s, &i, &d->secs, true)) return false;
  }
  *pos = i;
  return true;
}

/// Seconds from the start of `year` (UTC) to the transition, given the offset in effect before.
int64_t TransitionTime(int year, const PosixDate& d, int32_t east_before) {
  int64_t day = 0;  // zero-based day of year
  bool leap = IsLeap(year);
  switch (d.kind) {
    case 'J':
      day = d.day - 1;
      if (leap && d.day >= 60) ++day;
      break;
    case 'N':
      day = d.day;
      break;
    default: {
      int first_jd = Date2J(year, d.month, 1);
      int dow = J2Day(first_jd);
      int mday = d.day - dow;
      if (mday < 0) mday += 7;
      int len = DaysInMonth(year, d.month);
      for (int w = 1; w < d.week; ++w) {
        if (mday + 7 >= len) break;
        mday += 7;
      }
      day = first_jd + mday - Date2J(year, 1, 1);
      break;
    }
  }
  return day * kSecsPerDay + d.secs - east_before;
}

int64_t YearStartUnix(int year) {
  return static_cast<int64_t>(DaysFromCivil(year, 1, 1) + kUnixEpochDays) * kSecsPerDay;
}

int YearOfUnix(int64_t t) {
  int32_t y;
  int32_t m;
  int32_t d;
  int64_t days = FloorDiv(t, kSecsPerDay) - kUnixEpochDays;
  if (days < INT32_MIN / 2) days = INT32_MIN / 2;
  if (days > INT32_MAX / 2) days = INT32_MAX / 2;
  CivilFromDays(static_cast<int32_t>(days), &y, &m, &d);
  return y;
}

struct RuleTransition {
  int64_t at;
  bool to_dst;
};

/// Transitions of years y-1 .. y+1, sorted.
int RuleTransitions(const PosixTz& p, int year, RuleTransition* out) {
  int n = 0;
  for (int y = year - 1; y <= year + 1; ++y) {
    int64_t base = YearStartUnix(y);
    out[n++] = {base + TransitionTime(y, p.start, p.std_off), true};
    out[n++] = {base + TransitionTime(y, p.end, p.dst_off), false};
  }
  std::sort(out, out + n,
            [](const RuleTransition& a, const RuleTransition& b) { return a.at < b.at; });
  return n;
}

}  // namespace

bool ParsePosixTz(std::string_view s, PosixTz* out) {
  size_t i = 0;
  PosixTz p;
  if (!ParsePosixName(s, &i, &p.std_abbr)) return false;
  if (i >= s.size()) return false;  // an offset is required
  int32_t west;
  if (!ParsePosixSecs(s, &i, &west, true)) return false;
  p.std_off = -west;
  if (i < s.size()) {
    if (!ParsePosixName(s, &i, &p.dst_abbr) || p.dst_abbr.empty()) return false;
    p.has_dst = true;
    p.dst_off = p.std_off + 3600;
    if (i < s.size() && s[i] != ',' && s[i] != ';') {
      if (!ParsePosixSecs(s, &i, &west, true)) return false;
      p.dst_off = -west;
    }
    if (i >= s.size()) {
      // No rule: PostgreSQL falls back to the US rules of "posixrules".
      p.start = {'M', 0, 2, 3, 7200};
      p.end = {'M', 0, 1, 11, 7200};
    } else {
      if (s[i] != ',' && s[i] != ';') return false;
      ++i;
      if (!ParsePosixDate(s, &i, &p.start)) return false;
      if (i >= s.size() || s[i] != ',') return false;
      ++i;
      if (!ParsePosixDate(s, &i, &p.end)) return false;
      if (i != s.size()) return false;
    }
  }
  *out = std::move(p);
  return true;
}

// --- TzRules -------------------------------------------------------------------------------------

const ZoneType& TzRules::TypeAt(int64_t t) const {
  if (!trans.empty() && t < trans.front()) return types[default_type];
  if (trans.empty() || t >= trans.back()) {
    if (has_posix) {
      if (!posix.has_dst) return types[posix_std_type];
      RuleTransition rt[6];
      int n = RuleTransitions(posix, YearOfUnix(t + posix.std_off), rt);
      bool dst = !rt[0].to_dst;  // state before the earliest computed transition
      for (int k = 0; k < n && rt[k].at <= t; ++k) dst = rt[k].to_dst;
      return types[dst ? posix_dst_type : posix_std_type];
    }
    if (trans.empty()) return types[default_type];
    return types[trans_type.back()];
  }
  size_t k = std::upper_bound(trans.begin(), trans.end(), t) - trans.begin();
  return types[trans_type[k - 1]];
}

bool TzRules::NextBoundary(int64_t t, int32_t* before, int64_t* boundary, int32_t* after) const {
  if (trans.empty() || t >= trans.back()) {
    if (has_posix && posix.has_dst) {
      RuleTransition rt[6];
      int year = YearOfUnix(t + posix.std_off);
      for (int attempt = 0; attempt < 3; ++attempt, ++year) {
        int n = RuleTransitions(posix, year, rt);
        for (int k = 0; k < n; ++k) {
          if (rt[k].at > t) {
            *before = (rt[k].to_dst ? posix.std_off : posix.dst_off);
            *boundary = rt[k].at;
            *after = rt[k].to_dst ? posix.dst_off : posix.std_off;
            return true;
          }
        }
      }
    }
    *before = TypeAt(t).utoff;
    return false;
  }
  if (t < trans.front()) {
    *before = types[before_type].utoff;
    *boundary = trans.front();
    *after = types[trans_type.front()].utoff;
    return true;
  }
  size_t k = std::upper_bound(trans.begin(), trans.end(), t) - trans.begin();
  *before = types[trans_type[k - 1]].utoff;
  *boundary = trans[k];
  *after = types[trans_type[k]].utoff;
  return true;
}

int32_t TzRules::LocalToOffset(int64_t local) const {
  int32_t before;
  int32_t after;
  int64_t boundary;
  if (!NextBoundary(local - kSecsPerDay, &before, &boundary, &after)) return before;
  int64_t beforetime = local - before;
  int64_t aftertime = local - after;
  if (beforetime < boundary && aftertime < boundary) return before;
  if (beforetime > boundary && aftertime >= boundary) return after;
  // Inside a gap or an overlap: the pre-transition reading for gaps, the later one for overlaps.
  return beforetime > aftertime ? before : after;
}

bool TzRules::IsFixed(int32_t* offset) const {
  if (!trans.empty()) return false;
  if (has_posix) {
    if (posix.has_dst) return false;
    *offset = posix.std_off;
    return true;
  }
  *offset = types[default_type].utoff;
  return true;
}

// --- TZif files ----------------------------------------------------------------------------------

namespace {

constexpr const char* kZoneDir = "/usr/share/zoneinfo";

int64_t ReadBE(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

/// Parses TZif data (RFC 8536). Returns null on malformed input.
std::shared_ptr<TzRules> ParseTzif(const std::string& data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t size = data.size();
  auto header = [&](size_t off, int64_t counts[6]) {
    if (off + 44 > size || std::memcmp(p + off, "TZif", 4) != 0) return false;
    for (int i = 0; i < 6; ++i) counts[i] = ReadBE(p + off + 20 + 4 * i, 4);
    for (int i = 0; i < 6; ++i) {
      if (counts[i] < 0 || counts[i] > 100000) return false;
    }
    return true;
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return nullptr;
  char version = static_cast<char>(p[4]);
  size_t off = 44;
  int tsize = 4;
  auto block_size = [&](const int64_t* cc, int ts) {
    return static_cast<size_t>(cc[3] * ts + cc[3] + cc[4] * 6 + cc[5] + cc[2] * (ts + 4) + cc[1] +
                               cc[0]);
  };
  if (version >= '2') {
    off += block_size(c, 4);
    if (!header(off, c)) return nullptr;
    off += 44;
    tsize = 8;
  }
  if (off + block_size(c, tsize) > size) return nullptr;
  int64_t timecnt = c[3];
  int64_t typecnt = c[4];
  int64_t charcnt = c[5];
  if (typecnt == 0) return nullptr;
  auto rules = std::make_shared<TzRules>();
  const unsigned char* tp = p + off;
  const unsigned char* ip = tp + timecnt * tsize;
  const unsigned char* typ = ip + timecnt;
  const unsigned char* chars = typ + typecnt * 6;
  rules->trans.resize(timecnt);
  rules->trans_type.resize(timecnt);
  for (int64_t i = 0; i < timecnt; ++i) {
    rules->trans[i] = ReadBE(tp + i * tsize, tsize);
    rules->trans_type[i] = ip[i];
    if (ip[i] >= typecnt) return nullptr;
  }
  for (int64_t i = 0; i < typecnt; ++i) {
    ZoneType zt;
    zt.utoff = static_cast<int32_t>(ReadBE(typ + i * 6, 4));
    zt.isdst = typ[i * 6 + 4] != 0;
    int idx = typ[i * 6 + 5];
    if (idx < charcnt) {
      const char* s = reinterpret_cast<const char*>(chars) + idx;
      zt.abbr = std::string(s, strnlen(s, charcnt - idx));
    }
    rules->types.push_back(std::move(zt));
  }
  rules->default_type = 0;
  rules->before_type = 0;
  for (size_t i = 0; i < rules->types.size(); ++i) {
    if (!rules->types[i].isdst) {
      rules->before_type = static_cast<int>(i);
      break;
    }
  }
  // Footer: "\n<POSIX TZ>\n".
  size_t foot = off + block_size(c, tsize);
  if (version >= '2' && foot < size && p[foot] == '\n') {
    size_t end = data.find('\n', foot + 1);
    if (end != std::string::npos && end > foot + 1) {
      PosixTz posix;
      if (ParsePosixTz(std::string_view(data).substr(foot + 1, end - foot - 1), &posix)) {
        rules->has_posix = true;
        rules->posix = posix;
        ZoneType st{posix.std_off, false, posix.std_abbr};
        rules->types.push_back(st);
        rules->posix_std_type = static_cast<int>(rules->types.size() - 1);
        ZoneType dt{posix.dst_off, true, posix.dst_abbr};
        rules->types.push_back(dt);
        rules->posix_dst_type = static_cast<int>(rules->types.size() - 1);
      }
    }
  }
  return rules;
}

bool ReadFile(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char buf[8192];
  size_t n;
  out->clear();
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    out->append(buf, n);
    if (out->size() > (1 << 20)) break;
  }
  std::fclose(f);
  return out->size() >= 44 && out->compare(0, 4, "TZif") == 0;
}

/// Finds a zone file case-insensitively; *canonical receives the name as spelled on disk.
bool FindZoneFile(std::string_view name, std::string* canonical, std::string* data) {
  if (name.empty() || name.size() > 255 || name[0] == '/' || name[0] == '.') return false;
  std::string dir = kZoneDir;
  std::string canon;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string_view comp = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (comp.empty() || comp == "." || comp == "..") return false;
    std::string found;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return false;
    while (dirent* e = readdir(d)) {
      if (std::strlen(e->d_name) == comp.size() &&
          strncasecmp(e->d_name, comp.data(), comp.size()) == 0) {
        found = e->d_name;
        if (found == comp) break;  // prefer an exact match
      }
    }
    closedir(d);
    if (found.empty()) return false;
    dir += "/" + found;
    if (!canon.empty()) canon += "/";
    canon += found;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!ReadFile(dir, data)) return false;
  *canonical = canon;
  return true;
}

struct ZoneCacheEntry {
  std::shared_ptr<const TzRules> rules;
  std::string canonical;
};

std::mutex& CacheMutex() {
  static std::mutex m;
  return m;
}

std::unordered_map<std::string, ZoneCacheEntry>& Cache() {
  static auto* cache = new std::unordered_map<std::string, ZoneCacheEntry>();
  return *cache;
}

/// PostgreSQL's pg_tzset: a tz database file (case-insensitive) or else a POSIX TZ string.
bool LoadZone(std::string_view name, ZoneCacheEntry* out) {
  std::string key(name);
  for (char& ch : key) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  {
    std::lock_guard<std::mutex> lock(CacheMutex());
    auto it = Cache().find(key);
    if (it != Cache().end()) {
      *out = it->second;
      return true;
    }
  }
  ZoneCacheEntry entry;
  std::string data;
  std::string canonical;
  std::shared_ptr<TzRules> rules;
  if (key != "GMT" && FindZoneFile(name, &canonical, &data)) rules = ParseTzif(data);
  if (rules == nullptr) {
    PosixTz posix;
    if (key.empty() || key[0] == ':' || !ParsePosixTz(key, &posix)) {
      if (key != "GMT") return false;
      posix.std_abbr = "GMT";
    }
    rules = std::make_shared<TzRules>();
    rules->has_posix = true;
    rules->posix = posix;
    rules->types.push_back({posix.std_off, false, posix.std_abbr});
    rules->types.push_back({posix.dst_off, true, posix.dst_abbr});
    rules->posix_std_type = 0;
    rules->posix_dst_type = 1;
    canonical = key;
  }
  entry.rules = std::move(rules);
  entry.canonical = canonical;
  std::lock_guard<std::mutex> lock(CacheMutex());
  Cache().emplace(key, entry);
  *out = std::move(entry);
  return true;
}

int64_t MicrosToUnixSecs(int64_t micros) {
  return FloorDiv(micros, kMicrosPerSecond) + kUnixEpochOffsetSecs;
}

std::string OffsetName(int32_t east) {
  std::string s;
  AppendOffset(&s, east);
  return s;
}

}  // namespace

bool ZoneHasFixedOffset(std::string_view name) {
  ZoneCacheEntry entry;
  int32_t off;
  return LoadZone(name, &entry) && entry.rules->IsFixed(&off);
}

// --- TimeZone ------------------------------------------------------------------------------------

TimeZone TimeZone::Utc() { return TimeZone(); }

Result<TimeZone> TimeZone::Parse(std::string_view name) {
  auto not_recognized = [&]() {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "time zone \"" + std::string(name) + "\" not recognized");
  };
  if (name.empty() || name.size() > 255) return not_recognized();
  TimeZone tz;
  // A plain number is an offset in hours east of UTC (as SET TIME ZONE takes it).
  char c0 = name[0];
  if ((c0 >= '0' && c0 <= '9') || c0 == '+' || c0 == '-' || c0 == '.') {
    std::string s(name);
    char* end = nullptr;
    double hours = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0') {
      if (!std::isfinite(hours) || std::fabs(hours) >= 168) return not_recognized();
      int32_t east = static_cast<int32_t>(hours * 3600);
      int32_t abs_off = east < 0 ? -east : east;
      std::string off;
      AppendPadded(&off, abs_off / 3600, 2);
      abs_off %= 3600;
      if (abs_off != 0) {
        off += ":";
        AppendPadded(&off, abs_off / 60, 2);
        abs_off %= 60;
        if (abs_off != 0) {
          off += ":";
          AppendPadded(&off, abs_off, 2);
        }
      }
      tz.name_ = east >= 0 ? "<+" + off + ">-" + off : "<-" + off + ">+" + off;
      tz.fixed_ = true;
      tz.fixed_offset_ = east;
      return tz;
    }
  }
  ZoneCacheEntry entry;
  if (!LoadZone(name, &entry)) {
    // Not a zone name: accept a known abbreviation as a fixed offset (AT TIME ZONE 'PST').
    std::string lower(name);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    int32_t off;
    bool dst;
    if (!LookupZoneAbbrev(lower, &off, &dst)) return not_recognized();
    for (char& ch : lower) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    tz.name_ = lower;
    tz.fixed_ = true;
    tz.fixed_offset_ = off;
    return tz;
  }
  tz.name_ = entry.canonical;
  tz.rules_ = entry.rules;
  int32_t off;
  tz.fixed_ = entry.rules->IsFixed(&off);
  tz.fixed_offset_ = tz.fixed_ ? off : 0;
  return tz;
}

int32_t TimeZone::OffsetAt(int64_t utc_micros) const {
  if (fixed_) return fixed_offset_;
  return rules_->TypeAt(MicrosToUnixSecs(utc_micros)).utoff;
}

int32_t TimeZone::OffsetForLocal(int64_t local_micros) const {
  if (fixed_) return fixed_offset_;
  return rules_->LocalToOffset(MicrosToUnixSecs(local_micros));
}

std::string TimeZone::AbbrevAt(int64_t utc_micros) const {
  if (rules_ == nullptr) {
    if (name_.empty() || name_[0] == '<') return OffsetName(fixed_offset_);
    return name_;  // "UTC" or an abbreviation
  }
  const ZoneType& t = rules_->TypeAt(MicrosToUnixSecs(utc_micros));
  if (t.abbr.empty()) return OffsetName(t.utoff);
  return t.abbr;
}

}  // namespace freshet::datetime
