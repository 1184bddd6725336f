// Date/time output (ISO DateStyle, postgres IntervalStyle) and to_char.

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/datetime.h"
#include "common/datetime_internal.h"

namespace freshet::datetime {

namespace {

void AppendTime(std::string* out, int64_t hour, int min, int sec, int32_t fsec) {
  AppendPadded(out, hour, 2);
  out->push_back(':');
  AppendPadded(out, min, 2);
  out->push_back(':');
  AppendSeconds(out, sec, fsec);
}

void AppendTimestampTm(std::string* out, const Tm& tm) {
  AppendDate(out, tm);
  out->push_back(' ');
  AppendTime(out, tm.hour, tm.min, tm.sec, tm.fsec);
}

}  // namespace

std::string FormatDate(int32_t days) {
  if (days == kDateNoBegin) return "-infinity";
  if (days == kDateNoEnd) return "infinity";
  Tm tm;
  CivilFromDays(days, &tm.year, &tm.mon, &tm.mday);
  std::string out;
  out.reserve(16);
  AppendDate(&out, tm);
  if (tm.year <= 0) out += " BC";
  return out;
}

std::string FormatTime(int64_t micros) {
  int64_t hour = micros / kMicrosPerHour;
  micros -= hour * kMicrosPerHour;
  int min = static_cast<int>(micros / kMicrosPerMinute);
  micros -= min * kMicrosPerMinute;
  int sec = static_cast<int>(micros / kMicrosPerSecond);
  micros -= sec * kMicrosPerSecond;
  std::string out;
  out.reserve(16);
  AppendTime(&out, hour, min, sec, static_cast<int32_t>(micros));
  return out;
}

std::string FormatTimestamp(int64_t micros) {
  if (micros == kTimestampNoBegin) return "-infinity";
  if (micros == kTimestampNoEnd) return "infinity";
  Tm tm;
  TimestampToTm(micros, &tm);
  std::string out;
  out.reserve(32);
  AppendTimestampTm(&out, tm);
  if (tm.year <= 0) out += " BC";
  return out;
}

std::string FormatTimestampTz(int64_t utc_micros, const TimeZone& tz) {
  if (utc_micros == kTimestampNoBegin) return "-infinity";
  if (utc_micros == kTimestampNoEnd) return "infinity";
  int32_t offset = tz.OffsetAt(utc_micros);
  Tm tm;
  TimestampToTm(utc_micros + static_cast<int64_t>(offset) * kMicrosPerSecond, &tm);
  std::string out;
  out.reserve(40);
  AppendTimestampTm(&out, tm);
  AppendOffset(&out, offset);
  if (tm.year <= 0) out += " BC";
  return out;
}

namespace {

void AddPostgresIntPart(std::string* out, int64_t value, const char* units, bool* is_zero,
                        bool* is_before) {
  if (value == 0) return;
  if (!*is_zero) out->push_back(' ');
  if (*is_before && value > 0) out->push_back('+');
  out->append(std::to_string(value));
  out->push_back(' ');
  out->append(units);
  if (value != 1) out->push_back('s');
  *is_before = value < 0;
  *is_zero = false;
}

}  // namespace

std::string FormatInterval(const Interval& iv) {
  int32_t year = iv.months / 12;
  int32_t mon = iv.months % 12;
  int64_t time = iv.micros;
  int64_t hour = time / kMicrosPerHour;
  time -= hour * kMicrosPerHour;
  int min = static_cast<int>(time / kMicrosPerMinute);
  time -= min * kMicrosPerMinute;
  int sec = static_cast<int>(time / kMicrosPerSecond);
  int32_t fsec = static_cast<int32_t>(time - sec * kMicrosPerSecond);
  bool is_zero = true;
  bool is_before = false;
  std::string out;
  AddPostgresIntPart(&out, year, "year", &is_zero, &is_before);
  AddPostgresIntPart(&out, mon, "mon", &is_zero, &is_before);
  AddPostgresIntPart(&out, iv.days, "day", &is_zero, &is_before);
  if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
    bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
    if (!is_zero) out.push_back(' ');
    if (minus) {
      out.push_back('-');
    } else if (is_before) {
      out.push_back('+');
    }
    AppendPadded(&out, hour < 0 ? -hour : hour, 2);
    out.push_back(':');
    AppendPadded(&out, min < 0 ? -min : min, 2);
    out.push_back(':');
    AppendSeconds(&out, sec, fsec);
  }
  return out;
}

// --- to_char -------------------------------------------------------------------------------------

namespace {

enum class Key {
  kAdDots,
  kAmDots,
  kAd,
  kAm,
  kBcDots,
  kBc,
  kCC,
  kDAY,
  kDDD,
  kDD,
  kDY,
  kDay,
  kDy,
  kD,
  kFF1,
  kFF2,
  kFF3,
  kFF4,
  kFF5,
  kFF6,
  kFX,
  kHH24,
  kHH12,
  kHH,
  kIDDD,
  kID,
  kIW,
  kIYYY,
  kIYY,
  kIY,
  kI,
  kJ,
  kMI,
  kMM,
  kMONTH,
  kMON,
  kMS,
  kMonth,
  kMon,
  kOF,
  kPmDots,
  kPm,
  kQ,
  kRM,
  kSSSS,
  kSS,
  kTZH,
  kTZM,
  kTZ,
  kUS,
  kWW,
  kW,
  kYComma,
  kYYYY,
  kYYY,
  kYY,
  kY,
  kadDots,
  kamDots,
  kad,
  kam,
  kbcDots,
  kbc,
  kday,
  kdy,
  kmonth,
  kmon,
  kpmDots,
  kpm,
  krm,
  ktz,
};

struct KeyDef {
  const char* name;
  Key key;
  bool numeric;  // accepts the TH suffix
};

// PostgreSQL's DCH_keywords, in lookup order (the first match wins).
constexpr KeyDef kKeys[] = {
    {"A.D.", Key::kAdDots, false}, {"A.M.", Key::kAmDots, false}, {"AD", Key::kAd, false},
    {"AM", Key::kAm, false},       {"B.C.", Key::kBcDots, false}, {"BC", Key::kBc, false},
    {"CC", Key::kCC, true},        {"DAY", Key::kDAY, false},     {"DDD", Key::kDDD, true},
    {"DD", Key::kDD, true},        {"DY", Key::kDY, false},       {"Day", Key::kDay, false},
    {"Dy", Key::kDy, false},       {"D", Key::kD, true},          {"FF1", Key::kFF1, false},
    {"FF2", Key::kFF2, false},     {"FF3", Key::kFF3, false},     {"FF4", Key::kFF4, false},
    {"FF5", Key::kFF5, false},     {"FF6", Key::kFF6, false},     {"FX", Key::kFX, false},
    {"HH24", Key::kHH24, true},    {"HH12", Key::kHH12, true},    {"HH", Key::kHH, true},
    {"IDDD", Key::kIDDD, true},    {"ID", Key::kID, true},        {"IW", Key::kIW, true},
    {"IYYY", Key::kIYYY, true},    {"IYY", Key::kIYY, true},      {"IY", Key::kIY, true},
    {"I", Key::kI, true},          {"J", Key::kJ, true},          {"MI", Key::kMI, true},
    {"MM", Key::kMM, true},        {"MONTH", Key::kMONTH, false}, {"MON", Key::kMON, false},
    {"MS", Key::kMS, true},        {"Month", Key::kMonth, false}, {"Mon", Key::kMon, false},
    {"OF", Key::kOF, false},       {"P.M.", Key::kPmDots, false}, {"PM", Key::kPm, false},
    {"Q", Key::kQ, true},          {"RM", Key::kRM, false},       {"SSSSS", Key::kSSSS, true},
    {"SSSS", Key::kSSSS, true},    {"SS", Key::kSS, true},        {"TZH", Key::kTZH, false},
    {"TZM", Key::kTZM, true},      {"TZ", Key::kTZ, false},       {"US", Key::kUS, true},
    {"WW", Key::kWW, true},        {"W", Key::kW, true},          {"Y,YYY", Key::kYComma, true},
    {"YYYY", Key::kYYYY, true},    {"YYY", Key::kYYY, true},      {"YY", Key::kYY, true},
    {"Y", Key::kY, true},          {"a.d.", Key::kadDots, false}, {"a.m.", Key::kamDots, false},
    {"ad", Key::kad, false},       {"am", Key::kam, false},       {"b.c.", Key::kbcDots, false},
    {"bc", Key::kbc, false},       {"cc", Key::kCC, true},        {"day", Key::kday, false},
    {"ddd", Key::kDDD, true},      {"dd", Key::kDD, true},        {"dy", Key::kdy, false},
    {"d", Key::kD, true},          {"ff1", Key::kFF1, false},     {"ff2", Key::kFF2, false},
    {"ff3", Key::kFF3, false},     {"ff4", Key::kFF4, false},     {"ff5", Key::kFF5, false},
    {"ff6", Key::kFF6, false},     {"fx", Key::kFX, false},       {"hh24", Key::kHH24, true},
    {"hh12", Key::kHH12, true},    {"hh", Key::kHH, true},        {"iddd", Key::kIDDD, true},
    {"id", Key::kID, true},        {"iw", Key::kIW, true},        {"iyyy", Key::kIYYY, true},
    {"iyy", Key::kIYY, true},      {"iy", Key::kIY, true},        {"i", Key::kI, true},
    {"j", Key::kJ, true},          {"mi", Key::kMI, true},        {"mm", Key::kMM, true},
    {"month", Key::kmonth, false}, {"mon", Key::kmon, false},     {"ms", Key::kMS, true},
    {"of", Key::kOF, false},       {"p.m.", Key::kpmDots, false}, {"pm", Key::kpm, false},
    {"q", Key::kQ, true},          {"rm", Key::krm, false},       {"sssss", Key::kSSSS, true},
    {"ssss", Key::kSSSS, true},    {"ss", Key::kSS, true},        {"tzh", Key::kTZH, false},
    {"tzm", Key::kTZM, true},      {"tz", Key::ktz, false},       {"us", Key::kUS, true},
    {"ww", Key::kWW, true},        {"w", Key::kW, true},          {"y,yyy", Key::kYComma, true},
    {"yyyy", Key::kYYYY, true},    {"yyy", Key::kYYY, true},      {"yy", Key::kYY, true},
    {"y", Key::kY, true},
};

constexpr const char* kMonthsFull[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
constexpr const char* kMonthsShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDaysFull[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
constexpr const char* kDaysShort[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kRomanUpper[] = {"XII", "XI", "X",  "IX",  "VIII", "VII",
                                       "VI",  "V",  "IV", "III", "II",   "I"};
constexpr const char* kRomanLower[] = {"xii", "xi", "x",  "ix",  "viii", "vii",
                                       "vi",  "v",  "iv", "iii", "ii",   "i"};

enum class Case { kUpper, kLower, kAsIs };

void AppendName(std::string* out, const char* name, Case c, bool fm, int width) {
  size_t start = out->size();
  out->append(name);
  for (size_t i = start; i < out->size(); ++i) {
    char& ch = (*out)[i];
    if (c == Case::kUpper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    if (c == Case::kLower && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
  if (!fm) {
    for (size_t n = out->size() - start; n < static_cast<size_t>(width); ++n) out->push_back(' ');
  }
}

/// "%0*d" with width (0 under FM); negative numbers keep their sign before the padding.
void AppendNum(std::string* out, int64_t v, int width, bool fm) {
  if (fm) width = 0;
  if (v < 0) {
    out->push_back('-');
    AppendPadded(out, -v, width > 0 ? width - 1 : 0);
  } else {
    AppendPadded(out, v, width);
  }
}

void AppendOrdinal(std::string* out, bool upper) {
  // Suffix for the number just written (PostgreSQL's get_th).
  size_t end = out->size();
  size_t k = end;
  while (k > 0 && (*out)[k - 1] >= '0' && (*out)[k - 1] <= '9') --k;
  if (k == end) return;
  int last = (*out)[end - 1] - '0';
  int prev = end - k >= 2 ? (*out)[end - 2] - '0' : 0;
  const char* s;
  if (prev == 1) {
    s = upper ? "TH" : "th";
  } else if (last == 1) {
    s = upper ? "ST" : "st";
  } else if (last == 2) {
    s = upper ? "ND" : "nd";
  } else if (last == 3) {
    s = upper ? "RD" : "rd";
  } else {
    s = upper ? "TH" : "th";
  }
  out->append(s);
}

int AdjustYear(int year) { return year <= 0 ? 1 - year : year; }

/// Offset for TZH/TZM/OF, recovered from the abbreviation ("+05:30", "CET", ...); 0 if unknown.
int32_t OffsetFromAbbrev(std::string_view abbrev) {
  if (abbrev.empty()) return 0;
  if (abbrev[0] == '+' || abbrev[0] == '-') {
    int sign = abbrev[0] == '-' ? -1 : 1;
    int parts[3] = {0, 0, 0};
    int idx = 0;
    int digits = 0;
    for (size_t i = 1; i < abbrev.size(); ++i) {
      char c = abbrev[i];
      if (c == ':') {
        if (++idx > 2) break;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (idx == 0 && digits == 2 && abbrev.find(':') == std::string_view::npos) {
          idx = 1;  // "+0530"
          digits = 0;
        }
        parts[idx] = parts[idx] * 10 + (c - '0');
        ++digits;
      } else {
        return 0;
      }
    }
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  }
  std::string lower(abbrev);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int32_t off;
  bool dst;
  if (LookupZoneAbbrev(lower, &off, &dst)) return off;
  return 0;
}

}  // namespace

std::string ToChar(int64_t local_micros, std::string_view pattern, std::string_view tz_abbrev) {
  return ToChar(local_micros, pattern, tz_abbrev, OffsetFromAbbrev(tz_abbrev));
}

std::string ToChar(int64_t local_micros, std::string_view pattern, std::string_view tz_abbrev,
                   int32_t utc_offset) {
  if (!TimestampIsFinite(local_micros)) return std::string();
  Tm tm;
  TimestampToTm(local_micros, &tm);
  int jd = Date2J(tm.year, tm.mon, tm.mday);
  int wday = J2Day(jd);
  int yday = jd - Date2J(tm.year, 1, 1) + 1;
  std::string out;
  size_t i = 0;
  const size_t n = pattern.size();
  auto starts = [&](size_t pos, const char* s) {
    size_t len = std::strlen(s);
    return pos + len <= n && pattern.compare(pos, len, s) == 0;
  };
  while (i < n) {
    bool fm = false;
    bool tm_prefix = false;  // "TM": translated names, printed unpadded
    if (starts(i, "FM") || starts(i, "fm")) {
      fm = true;
      i += 2;
    } else if (starts(i, "TM") || starts(i, "tm")) {
      tm_prefix = true;
      i += 2;
    }
    if (i >= n) break;
    const KeyDef* kd = nullptr;
    for (const KeyDef& k : kKeys) {
      if (k.name[0] == pattern[i] && starts(i, k.name)) {
        kd = &k;
        break;
      }
    }
    if (kd == nullptr) {
      char c = pattern[i];
      if (c == '"') {
        ++i;
        while (i < n) {
          if (pattern[i] == '"') {
            ++i;
            break;
          }
          if (pattern[i] == '\\' && i + 1 < n) ++i;
          out.push_back(pattern[i++]);
        }
      } else {
        if (c == '\\' && i + 1 < n && pattern[i + 1] == '"') ++i;
        out.push_back(pattern[i++]);
      }
      continue;
    }
    i += std::strlen(kd->name);
    int th = 0;  // 1 = TH, 2 = th
    if (starts(i, "TH")) {
      th = 1;
      i += 2;
    } else if (starts(i, "th")) {
      th = 2;
      i += 2;
    } else if (starts(i, "SP")) {
      i += 2;
    }
    const bool pm = tm.hour >= 12;
    const bool bc = tm.year <= 0;
    switch (kd->key) {
      case Key::kAmDots:
      case Key::kPmDots:
        out += pm ? "P.M." : "A.M.";
        break;
      case Key::kAm:
      case Key::kPm:
        out += pm ? "PM" : "AM";
        break;
      case Key::kamDots:
      case Key::kpmDots:
        out += pm ? "p.m." : "a.m.";
        break;
      case Key::kam:
      case Key::kpm:
        out += pm ? "pm" : "am";
        break;
      case Key::kAdDots:
      case Key::kBcDots:
        out += bc ? "B.C." : "A.D.";
        break;
      case Key::kAd:
      case Key::kBc:
        out += bc ? "BC" : "AD";
        break;
      case Key::kadDots:
      case Key::kbcDots:
        out += bc ? "b.c." : "a.d.";
        break;
      case Key::kad:
      case Key::kbc:
        out += bc ? "bc" : "ad";
        break;
      case Key::kHH:
      case Key::kHH12:
        AppendNum(&out, tm.hour % 12 == 0 ? 12 : tm.hour % 12, 2, fm);
        break;
      case Key::kHH24:
        AppendNum(&out, tm.hour, 2, fm);
        break;
      case Key::kMI:
        AppendNum(&out, tm.min, 2, fm);
        break;
      case Key::kSS:
        AppendNum(&out, tm.sec, 2, fm);
        break;
      case Key::kFF1:
        AppendPadded(&out, tm.fsec / 100000, 1);
        break;
      case Key::kFF2:
        AppendPadded(&out, tm.fsec / 10000, 2);
        break;
      case Key::kFF3:
      case Key::kMS:
        AppendPadded(&out, tm.fsec / 1000, 3);
        break;
      case Key::kFF4:
        AppendPadded(&out, tm.fsec / 100, 4);
        break;
      case Key::kFF5:
        AppendPadded(&out, tm.fsec / 10, 5);
        break;
      case Key::kFF6:
      case Key::kUS:
        AppendPadded(&out, tm.fsec, 6);
        break;
      case Key::kSSSS:
        AppendPadded(&out, tm.hour * 3600 + tm.min * 60 + tm.sec, 0);
        break;
      case Key::kTZ:
        for (char c : tz_abbrev) {
          out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        }
        break;
      case Key::ktz:
        for (char c : tz_abbrev) {
          out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
        break;
      case Key::kTZH: {
        int32_t off = utc_offset;
        out.push_back(off >= 0 ? '+' : '-');
        AppendPadded(&out, std::abs(off) / 3600, 2);
        break;
      }
      case Key::kTZM: {
        int32_t off = utc_offset;
        AppendPadded(&out, (std::abs(off) % 3600) / 60, 2);
        break;
      }
      case Key::kOF: {
        int32_t off = utc_offset;
        out.push_back(off >= 0 ? '+' : '-');
        AppendPadded(&out, std::abs(off) / 3600, fm ? 0 : 2);
        if (std::abs(off) % 3600 != 0) {
          out.push_back(':');
          AppendPadded(&out, (std::abs(off) % 3600) / 60, 2);
        }
        break;
      }
      case Key::kMONTH:
        AppendName(&out, kMonthsFull[tm.mon - 1], Case::kUpper, fm || tm_prefix, 9);
        break;
      case Key::kMonth:
        AppendName(&out, kMonthsFull[tm.mon - 1], Case::kAsIs, fm || tm_prefix, 9);
        break;
      case Key::kmonth:
        AppendName(&out, kMonthsFull[tm.mon - 1], Case::kLower, fm || tm_prefix, 9);
        break;
      case Key::kMON:
        AppendName(&out, kMonthsShort[tm.mon - 1], Case::kUpper, true, 0);
        break;
      case Key::kMon:
        AppendName(&out, kMonthsShort[tm.mon - 1], Case::kAsIs, true, 0);
        break;
      case Key::kmon:
        AppendName(&out, kMonthsShort[tm.mon - 1], Case::kLower, true, 0);
        break;
      case Key::kMM:
        AppendNum(&out, tm.mon, 2, fm);
        break;
      case Key::kDAY:
        AppendName(&out, kDaysFull[wday], Case::kUpper, fm || tm_prefix, 9);
        break;
      case Key::kDay:
        AppendName(&out, kDaysFull[wday], Case::kAsIs, fm || tm_prefix, 9);
        break;
      case Key::kday:
        AppendName(&out, kDaysFull[wday], Case::kLower, fm || tm_prefix, 9);
        break;
      case Key::kDY:
        AppendName(&out, kDaysShort[wday], Case::kUpper, true, 0);
        break;
      case Key::kDy:
        AppendName(&out, kDaysShort[wday], Case::kAsIs, true, 0);
        break;
      case Key::kdy:
        AppendName(&out, kDaysShort[wday], Case::kLower, true, 0);
        break;
      case Key::kDDD:
        AppendNum(&out, yday, 3, fm);
        break;
      case Key::kIDDD: {
        int isoyear = DateToIsoYear(tm.year, tm.mon, tm.mday);
        AppendNum(&out, jd - IsoWeekToJ(isoyear, 1) + 1, 3, fm);
        break;
      }
      case Key::kDD:
        AppendNum(&out, tm.mday, 2, fm);
        break;
      case Key::kD:
        AppendPadded(&out, wday + 1, 0);
        break;
      case Key::kID:
        AppendPadded(&out, wday == 0 ? 7 : wday, 0);
        break;
      case Key::kWW:
        AppendNum(&out, (yday - 1) / 7 + 1, 2, fm);
        break;
      case Key::kIW:
        AppendNum(&out, DateToIsoWeek(tm.year, tm.mon, tm.mday), 2, fm);
        break;
      case Key::kQ:
        AppendPadded(&out, (tm.mon - 1) / 3 + 1, 0);
        break;
      case Key::kCC: {
        int c = tm.year > 0 ? (tm.year - 1) / 100 + 1 : tm.year / 100 - 1;
        if (c <= 99 && c >= -99) {
          AppendNum(&out, c, c >= 0 ? 2 : 3, fm);
        } else {
          AppendPadded(&out, c, 0);
        }
        break;
      }
      case Key::kYComma: {
        int y = AdjustYear(tm.year);
        AppendPadded(&out, y / 1000, 0);
        out.push_back(',');
        AppendPadded(&out, y % 1000, 3);
        break;
      }
      case Key::kYYYY:
        AppendNum(&out, AdjustYear(tm.year), 4, fm);
        break;
      case Key::kIYYY:
        AppendNum(&out, AdjustYear(DateToIsoYear(tm.year, tm.mon, tm.mday)), 4, fm);
        break;
      case Key::kYYY:
        AppendNum(&out, AdjustYear(tm.year) % 1000, 3, fm);
        break;
      case Key::kIYY:
        AppendNum(&out, AdjustYear(DateToIsoYear(tm.year, tm.mon, tm.mday)) % 1000, 3, fm);
        break;
      case Key::kYY:
        AppendNum(&out, AdjustYear(tm.year) % 100, 2, fm);
        break;
      case Key::kIY:
        AppendNum(&out, AdjustYear(DateToIsoYear(tm.year, tm.mon, tm.mday)) % 100, 2, fm);
        break;
      case Key::kY:
        AppendPadded(&out, AdjustYear(tm.year) % 10, 1);
        break;
      case Key::kI:
        AppendPadded(&out, AdjustYear(DateToIsoYear(tm.year, tm.mon, tm.mday)) % 10, 1);
        break;
      case Key::kRM:
        AppendName(&out, kRomanUpper[12 - tm.mon], Case::kAsIs, fm, 4);
        break;
      case Key::krm:
        AppendName(&out, kRomanLower[12 - tm.mon], Case::kAsIs, fm, 4);
        break;
      case Key::kW:
        AppendPadded(&out, (tm.mday - 1) / 7 + 1, 0);
        break;
      case Key::kJ:
        AppendPadded(&out, jd, 0);
        break;
      case Key::kFX:
        break;
    }
    if (th != 0 && kd->numeric) AppendOrdinal(&out, th == 1);
  }
  return out;
}

}  // namespace freshet::datetime
