// Date/time arithmetic, date_trunc, extract and make_interval (PostgreSQL 15 semantics).

#include <cmath>
#include <limits>

#include "common/datetime.h"
#include "common/datetime_internal.h"

namespace freshet::datetime {

namespace {

Status TimestampOutOfRange() {
  return Status::Error(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
}

Status IntervalOutOfRange() {
  return Status::Error(sqlstate::kDatetimeFieldOverflow, "interval out of range");
}

std::string Lower(std::string_view s) {
  std::string out(s.substr(0, 63));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

Status UnitNotRecognized(const std::string& unit, const char* type) {
  return Status::Error(sqlstate::kInvalidParameterValue,
                       "unit \"" + unit + "\" not recognized for type " + type);
}

Status UnitNotSupported(const std::string& unit, const char* type) {
  return Status::Error(sqlstate::kFeatureNotSupported,
                       "unit \"" + unit + "\" not supported for type " + type);
}

constexpr const char* kTimestampType = "timestamp without time zone";
constexpr const char* kTimestampTzType = "timestamp with time zone";
constexpr const char* kDateType = "date";
constexpr const char* kTimeType = "time without time zone";
constexpr const char* kIntervalType = "interval";

/// Adds months then days to a broken-down time (timestamp_pl_interval's calendar steps).
bool AddMonths(Tm* tm, int32_t months) {
  if (months == 0) return true;
  int64_t mon = static_cast<int64_t>(tm->mon) + months;
  int64_t year = tm->year;
  if (mon > 12) {
    year += (mon - 1) / 12;
    mon = (mon - 1) % 12 + 1;
  } else if (mon < 1) {
    year += mon / 12 - 1;
    mon = mon % 12 + 12;
  }
  if (year > INT32_MAX / 2 || year < INT32_MIN / 2) return false;
  tm->year = static_cast<int>(year);
  tm->mon = static_cast<int>(mon);
  int dim = DaysInMonth(tm->year, tm->mon);
  if (tm->mday > dim) tm->mday = dim;
  return true;
}

bool AddDays(Tm* tm, int32_t days) {
  if (days == 0) return true;
  if (!IsValidJulian(tm->year, tm->mon, tm->mday)) return false;
  int64_t jd = static_cast<int64_t>(Date2J(tm->year, tm->mon, tm->mday)) + days;
  if (jd < 0 || jd > INT32_MAX - kPostgresEpochJdate) return false;
  J2Date(static_cast<int>(jd), &tm->year, &tm->mon, &tm->mday);
  return true;
}

}  // namespace

// --- timestamp +/- interval ----------------------------------------------------------------------

Result<int64_t> TimestampPlusInterval(int64_t ts, const Interval& iv) {
  if (!TimestampIsFinite(ts)) return ts;
  if (iv.months != 0) {
    Tm tm;
    TimestampToTm(ts, &tm);
    if (!AddMonths(&tm, iv.months) || !TmToTimestamp(tm, &ts)) return TimestampOutOfRange();
  }
  if (iv.days != 0) {
    Tm tm;
    TimestampToTm(ts, &tm);
    if (!AddDays(&tm, iv.days) || !TmToTimestamp(tm, &ts)) return TimestampOutOfRange();
  }
  if (__builtin_add_overflow(ts, iv.micros, &ts) || !IsValidTimestamp(ts)) {
    return TimestampOutOfRange();
  }
  return ts;
}

Result<int64_t> TimestampTzPlusInterval(int64_t ts, const Interval& iv, const TimeZone& tz) {
  if (!TimestampIsFinite(ts)) return ts;
  auto step = [&](bool months) -> bool {
    int32_t off = tz.OffsetAt(ts);
    Tm tm;
    TimestampToTm(ts + static_cast<int64_t>(off) * kMicrosPerSecond, &tm);
    if (months ? !AddMonths(&tm, iv.months) : !AddDays(&tm, iv.days)) return false;
    int64_t local;
    if (!TmToTimestamp(tm, &local)) return false;
    int32_t new_off = tz.OffsetForLocal(local);
    ts = local - static_cast<int64_t>(new_off) * kMicrosPerSecond;
    return IsValidTimestamp(ts);
  };
  if (iv.months != 0 && !step(true)) return TimestampOutOfRange();
  if (iv.days != 0 && !step(false)) return TimestampOutOfRange();
  if (__builtin_add_overflow(ts, iv.micros, &ts) || !IsValidTimestamp(ts)) {
    return TimestampOutOfRange();
  }
  return ts;
}

// --- interval arithmetic -------------------------------------------------------------------------

Interval JustifyHours(const Interval& iv) {
  Interval r = iv;
  int64_t wholeday = r.micros / kMicrosPerDay;
  r.micros -= wholeday * kMicrosPerDay;
  r.days = static_cast<int32_t>(static_cast<int64_t>(r.days) + wholeday);
  if (r.days > 0 && r.micros < 0) {
    r.micros += kMicrosPerDay;
    r.days--;
  } else if (r.days < 0 && r.micros > 0) {
    r.micros -= kMicrosPerDay;
    r.days++;
  }
  return r;
}

Interval JustifyDays(const Interval& iv) {
  Interval r = iv;
  int32_t wholemonth = r.days / 30;
  r.days -= wholemonth * 30;
  r.months += wholemonth;
  if (r.months > 0 && r.days < 0) {
    r.days += 30;
    r.months--;
  } else if (r.months < 0 && r.days > 0) {
    r.days -= 30;
    r.months++;
  }
  return r;
}

Interval TimestampDiff(int64_t a, int64_t b) {
  Interval r;
  int64_t diff;
  if (__builtin_sub_overflow(a, b, &diff)) diff = a > b ? INT64_MAX : INT64_MIN;
  r.micros = diff;
  return JustifyHours(r);
}

Interval IntervalAdd(const Interval& a, const Interval& b) {
  Interval r;
  r.months =
      static_cast<int32_t>(static_cast<uint32_t>(a.months) + static_cast<uint32_t>(b.months));
  r.days = static_cast<int32_t>(static_cast<uint32_t>(a.days) + static_cast<uint32_t>(b.days));
  r.micros =
      static_cast<int64_t>(static_cast<uint64_t>(a.micros) + static_cast<uint64_t>(b.micros));
  return r;
}

Interval IntervalNegate(const Interval& a) {
  Interval r;
  r.months = static_cast<int32_t>(0u - static_cast<uint32_t>(a.months));
  r.days = static_cast<int32_t>(0u - static_cast<uint32_t>(a.days));
  r.micros = static_cast<int64_t>(0ull - static_cast<uint64_t>(a.micros));
  return r;
}

namespace {

double TsRound(double j) { return std::rint(j * 1000000.0) / 1000000.0; }

bool FitsInt32(double d) { return !std::isnan(d) && d >= -2147483648.0 && d < 2147483648.0; }
bool FitsInt64(double d) {
  return !std::isnan(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

/// interval_mul / interval_div: whole parts, then fractional months and days cascade down.
Result<Interval> ScaleInterval(const Interval& span, double factor, bool divide) {
  auto apply = [&](double v) { return divide ? v / factor : v * factor; };
  double month_d = apply(static_cast<double>(span.months));
  double day_d = apply(static_cast<double>(span.days));
  if (!FitsInt32(month_d) || !FitsInt32(day_d)) return IntervalOutOfRange();
  Interval r;
  r.months = static_cast<int32_t>(month_d);
  r.days = static_cast<int32_t>(day_d);
  double month_remainder_days = TsRound((month_d - r.months) * 30);
  double sec_remainder = TsRound(
      (day_d - r.days + month_remainder_days - static_cast<int>(month_remainder_days)) * 86400);
  if (std::fabs(sec_remainder) >= 86400) {
    int extra = static_cast<int>(sec_remainder / 86400);
    if (__builtin_add_overflow(r.days, extra, &r.days)) return IntervalOutOfRange();
    sec_remainder -= static_cast<double>(extra) * 86400;
  }
  if (__builtin_add_overflow(r.days, static_cast<int32_t>(month_remainder_days), &r.days)) {
    return IntervalOutOfRange();
  }
  double time_d = std::rint(apply(static_cast<double>(span.micros)) + sec_remainder * 1000000.0);
  if (!FitsInt64(time_d)) return IntervalOutOfRange();
  r.micros = static_cast<int64_t>(time_d);
  return r;
}

}  // namespace

Result<Interval> IntervalMul(const Interval& a, double factor) {
  return ScaleInterval(a, factor, false);
}

Result<Interval> IntervalDiv(const Interval& a, double divisor) {
  if (divisor == 0.0) return Status::Error(sqlstate::kDivisionByZero, "division by zero");
  return ScaleInterval(a, divisor, true);
}

Interval Age(int64_t a, int64_t b) {
  if (!TimestampIsFinite(a) || !TimestampIsFinite(b)) return TimestampDiff(a, b);
  Tm t1;
  Tm t2;
  TimestampToTm(a, &t1);
  TimestampToTm(b, &t2);
  int64_t fsec = t1.fsec - t2.fsec;
  int64_t sec = t1.sec - t2.sec;
  int64_t min = t1.min - t2.min;
  int64_t hour = t1.hour - t2.hour;
  int64_t mday = t1.mday - t2.mday;
  int64_t mon = t1.mon - t2.mon;
  int64_t year = static_cast<int64_t>(t1.year) - t2.year;
  bool flip = a < b;
  if (flip) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  while (fsec < 0) {
    fsec += kMicrosPerSecond;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    mday--;
  }
  while (mday < 0) {
    const Tm& ref = flip ? t1 : t2;
    mday += DaysInMonth(ref.year, ref.mon);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  if (flip) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  Interval r;
  r.months = static_cast<int32_t>(year * 12 + mon);
  r.days = static_cast<int32_t>(mday);
  r.micros = ((hour * 60 + min) * 60 + sec) * kMicrosPerSecond + fsec;
  return r;
}

// --- date_trunc ----------------------------------------------------------------------------------

namespace {

/// Truncates tm in place; returns false for units date_trunc does not support.
bool TruncTm(Unit unit, Tm* tm) {
  switch (unit) {
    case Unit::kWeek: {
      int woy = DateToIsoWeek(tm->year, tm->mon, tm->mday);
      int year = tm->year;
      if (woy >= 52 && tm->mon == 1) --year;
      if (woy <= 1 && tm->mon == 12) ++year;
      J2Date(IsoWeekToJ(year, woy), &tm->year, &tm->mon, &tm->mday);
      tm->hour = 0;
      tm->min = 0;
      tm->sec = 0;
      tm->fsec = 0;
      return true;
    }
    case Unit::kMillennium:
      if (tm->year > 0) {
        tm->year = ((tm->year + 999) / 1000) * 1000 - 999;
      } else {
        tm->year = -((999 - (tm->year - 1)) / 1000) * 1000 + 1;
      }
      [[fallthrough]];
    case Unit::kCentury:
      if (tm->year > 0) {
        tm->year = ((tm->year + 99) / 100) * 100 - 99;
      } else {
        tm->year = -((99 - (tm->year - 1)) / 100) * 100 + 1;
      }
      [[fallthrough]];
    case Unit::kDecade:
      if (unit != Unit::kMillennium && unit != Unit::kCentury) {
        if (tm->year > 0) {
          tm->year = (tm->year / 10) * 10;
        } else {
          tm->year = -((8 - (tm->year - 1)) / 10) * 10;
        }
      }
      [[fallthrough]];
    case Unit::kYear:
      tm->mon = 1;
      [[fallthrough]];
    case Unit::kQuarter:
      tm->mon = 3 * ((tm->mon - 1) / 3) + 1;
      [[fallthrough]];
    case Unit::kMonth:
      tm->mday = 1;
      [[fallthrough]];
    case Unit::kDay:
      tm->hour = 0;
      [[fallthrough]];
    case Unit::kHour:
      tm->min = 0;
      [[fallthrough]];
    case Unit::kMinute:
      tm->sec = 0;
      [[fallthrough]];
    case Unit::kSecond:
      tm->fsec = 0;
      return true;
    case Unit::kMillisecond:
      tm->fsec = (tm->fsec / 1000) * 1000;
      return true;
    case Unit::kMicrosecond:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<int64_t> DateTrunc(std::string_view field, int64_t ts) {
  if (!TimestampIsFinite(ts)) return ts;
  std::string unit_name = Lower(field);
  Unit unit = LookupUnit(unit_name, false);
  if (unit == Unit::kUnknown) return UnitNotRecognized(unit_name, kTimestampType);
  Tm tm;
  TimestampToTm(ts, &tm);
  if (!TruncTm(unit, &tm)) return UnitNotSupported(unit_name, kTimestampType);
  int64_t result;
  if (!TmToTimestamp(tm, &result)) return TimestampOutOfRange();
  return result;
}

Result<int64_t> DateTruncTz(std::string_view field, int64_t ts, const TimeZone& tz) {
  if (!TimestampIsFinite(ts)) return ts;
  std::string unit_name = Lower(field);
  Unit unit = LookupUnit(unit_name, false);
  if (unit == Unit::kUnknown) return UnitNotRecognized(unit_name, kTimestampTzType);
  int32_t off = tz.OffsetAt(ts);
  Tm tm;
  TimestampToTm(ts + static_cast<int64_t>(off) * kMicrosPerSecond, &tm);
  if (!TruncTm(unit, &tm)) return UnitNotSupported(unit_name, kTimestampTzType);
  int64_t local;
  if (!TmToTimestamp(tm, &local)) return TimestampOutOfRange();
  bool redo = unit == Unit::kWeek || unit == Unit::kDay || unit == Unit::kMonth ||
              unit == Unit::kQuarter || unit == Unit::kYear || unit == Unit::kDecade ||
              unit == Unit::kCentury || unit == Unit::kMillennium;
  if (redo) off = tz.OffsetForLocal(local);
  int64_t result = local - static_cast<int64_t>(off) * kMicrosPerSecond;
  if (!IsValidTimestamp(result)) return TimestampOutOfRange();
  return result;
}

namespace {

struct Itm {
  int64_t hour = 0;
  int min = 0;
  int sec = 0;
  int32_t usec = 0;
  int32_t mday = 0;
  int32_t mon = 0;
  int32_t year = 0;
};

Itm IntervalToItm(const Interval& iv) {
  Itm t;
  t.year = iv.months / 12;
  t.mon = iv.months % 12;
  t.mday = iv.days;
  int64_t time = iv.micros;
  t.hour = time / kMicrosPerHour;
  time -= t.hour * kMicrosPerHour;
  t.min = static_cast<int>(time / kMicrosPerMinute);
  time -= t.min * kMicrosPerMinute;
  t.sec = static_cast<int>(time / kMicrosPerSecond);
  t.usec = static_cast<int32_t>(time - t.sec * kMicrosPerSecond);
  return t;
}

}  // namespace

Result<Interval> DateTruncInterval(std::string_view field, const Interval& iv) {
  std::string unit_name = Lower(field);
  Unit unit = LookupUnit(unit_name, false);
  if (unit == Unit::kUnknown) return UnitNotRecognized(unit_name, kIntervalType);
  Itm t = IntervalToItm(iv);
  switch (unit) {
    case Unit::kMillennium:
      t.year = (t.year / 1000) * 1000;
      [[fallthrough]];
    case Unit::kCentury:
      t.year = (t.year / 100) * 100;
      [[fallthrough]];
    case Unit::kDecade:
      t.year = (t.year / 10) * 10;
      [[fallthrough]];
    case Unit::kYear:
      t.mon = 0;
      [[fallthrough]];
    case Unit::kQuarter:
      t.mon = 3 * (t.mon / 3);
      [[fallthrough]];
    case Unit::kMonth:
      t.mday = 0;
      [[fallthrough]];
    case Unit::kDay:
      t.hour = 0;
      [[fallthrough]];
    case Unit::kHour:
      t.min = 0;
      [[fallthrough]];
    case Unit::kMinute:
      t.sec = 0;
      [[fallthrough]];
    case Unit::kSecond:
      t.usec = 0;
      break;
    case Unit::kMillisecond:
      t.usec = (t.usec / 1000) * 1000;
      break;
    case Unit::kMicrosecond:
      break;
    default: {
      Status st = UnitNotSupported(unit_name, kIntervalType);
      if (unit == Unit::kWeek) st.WithDetail("Months usually have fractional weeks.");
      return st;
    }
  }
  Interval r;
  int64_t months = static_cast<int64_t>(t.year) * 12 + t.mon;
  if (months > INT32_MAX || months < INT32_MIN) return IntervalOutOfRange();
  r.months = static_cast<int32_t>(months);
  r.days = t.mday;
  r.micros = t.hour * kMicrosPerHour + t.min * kMicrosPerMinute + t.sec * kMicrosPerSecond + t.usec;
  return r;
}

// --- extract -------------------------------------------------------------------------------------

namespace {

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

int64_t YearField(int year) { return year > 0 ? year : static_cast<int64_t>(year) - 1; }
int64_t DecadeField(int year) { return year >= 0 ? year / 10 : -((8 - (year - 1)) / 10); }
int64_t CenturyField(int year) { return year > 0 ? (year + 99) / 100 : -((99 - (year - 1)) / 100); }
int64_t MillenniumField(int year) {
  return year > 0 ? (year + 999) / 1000 : -((999 - (year - 1)) / 1000);
}

/// Result of extract on an infinite timestamp/date: +-Infinity for monotonic fields, NULL (NaN)
/// for periodic ones; false when the unit is not supported.
bool NonFiniteField(Unit unit, bool negative, bool allow_time_fields, double* out) {
  switch (unit) {
    case Unit::kMicrosecond:
    case Unit::kMillisecond:
    case Unit::kSecond:
    case Unit::kMinute:
    case Unit::kHour:
    case Unit::kTz:
    case Unit::kTzHour:
    case Unit::kTzMinute:
      if (!allow_time_fields) return false;
      *out = kNull;
      return true;
    case Unit::kDay:
    case Unit::kMonth:
    case Unit::kQuarter:
    case Unit::kWeek:
    case Unit::kDow:
    case Unit::kIsoDow:
    case Unit::kDoy:
      *out = kNull;
      return true;
    case Unit::kYear:
    case Unit::kDecade:
    case Unit::kCentury:
    case Unit::kMillennium:
    case Unit::kJulian:
    case Unit::kIsoYear:
    case Unit::kEpoch:
      *out = negative ? -kInf : kInf;
      return true;
    default:
      return false;
  }
}

/// Fields shared by timestamp and timestamptz (tm is local time). Returns false if unsupported.
bool TimestampField(Unit unit, const Tm& tm, double* out) {
  switch (unit) {
    case Unit::kMicrosecond:
      *out = static_cast<double>(tm.sec * kMicrosPerSecond + tm.fsec);
      return true;
    case Unit::kMillisecond:
      *out = static_cast<double>(tm.sec * kMicrosPerSecond + tm.fsec) / 1000.0;
      return true;
    case Unit::kSecond:
      *out = static_cast<double>(tm.sec * kMicrosPerSecond + tm.fsec) / 1000000.0;
      return true;
    case Unit::kMinute:
      *out = tm.min;
      return true;
    case Unit::kHour:
      *out = tm.hour;
      return true;
    case Unit::kDay:
      *out = tm.mday;
      return true;
    case Unit::kMonth:
      *out = tm.mon;
      return true;
    case Unit::kQuarter:
      *out = (tm.mon - 1) / 3 + 1;
      return true;
    case Unit::kWeek:
      *out = DateToIsoWeek(tm.year, tm.mon, tm.mday);
      return true;
    case Unit::kYear:
      *out = static_cast<double>(YearField(tm.year));
      return true;
    case Unit::kDecade:
      *out = static_cast<double>(DecadeField(tm.year));
      return true;
    case Unit::kCentury:
      *out = static_cast<double>(CenturyField(tm.year));
      return true;
    case Unit::kMillennium:
      *out = static_cast<double>(MillenniumField(tm.year));
      return true;
    case Unit::kJulian: {
      int64_t us =
          ((static_cast<int64_t>(tm.hour) * 60 + tm.min) * 60 + tm.sec) * kMicrosPerSecond +
          tm.fsec;
      *out = Date2J(tm.year, tm.mon, tm.mday) + static_cast<double>(us) / kMicrosPerDay;
      return true;
    }
    case Unit::kIsoYear: {
      int64_t y = DateToIsoYear(tm.year, tm.mon, tm.mday);
      if (y <= 0) y -= 1;
      *out = static_cast<double>(y);
      return true;
    }
    case Unit::kDow:
    case Unit::kIsoDow: {
      int d = J2Day(Date2J(tm.year, tm.mon, tm.mday));
      if (unit == Unit::kIsoDow && d == 0) d = 7;
      *out = d;
      return true;
    }
    case Unit::kDoy:
      *out = Date2J(tm.year, tm.mon, tm.mday) - Date2J(tm.year, 1, 1) + 1;
      return true;
    default:
      return false;
  }
}

Result<double> ExtractTimestampCommon(std::string_view field, int64_t ts, const TimeZone* tz) {
  std::string unit_name = Lower(field);
  const char* type = tz != nullptr ? kTimestampTzType : kTimestampType;
  Unit unit = LookupUnit(unit_name, true);
  if (unit == Unit::kUnknown) {
    if (IsReservedWord(unit_name)) return UnitNotSupported(unit_name, type);
    return UnitNotRecognized(unit_name, type);
  }
  if (!TimestampIsFinite(ts)) {
    double r;
    if (!NonFiniteField(unit, ts == kTimestampNoBegin, true, &r)) {
      return UnitNotSupported(unit_name, type);
    }
    return r;
  }
  if (unit == Unit::kEpoch) {
    return static_cast<double>(ts + kUnixEpochOffsetSecs * kMicrosPerSecond) / 1000000.0;
  }
  int32_t off = tz != nullptr ? tz->OffsetAt(ts) : 0;
  if (tz != nullptr) {
    switch (unit) {
      case Unit::kTz:
        return static_cast<double>(off);
      case Unit::kTzHour:
        return static_cast<double>(off / 3600);
      case Unit::kTzMinute:
        return static_cast<double>((off / 60) % 60);
      default:
        break;
    }
  }
  Tm tm;
  TimestampToTm(ts + static_cast<int64_t>(off) * kMicrosPerSecond, &tm);
  double r;
  if (!TimestampField(unit, tm, &r)) return UnitNotSupported(unit_name, type);
  return r;
}

}  // namespace

Result<double> ExtractTimestamp(std::string_view field, int64_t ts) {
  return ExtractTimestampCommon(field, ts, nullptr);
}

Result<double> ExtractTimestampTz(std::string_view field, int64_t ts, const TimeZone& tz) {
  return ExtractTimestampCommon(field, ts, &tz);
}

Result<double> ExtractDate(std::string_view field, int32_t days) {
  std::string unit_name = Lower(field);
  Unit unit = LookupUnit(unit_name, true);
  if (unit == Unit::kUnknown) {
    if (IsReservedWord(unit_name)) return UnitNotSupported(unit_name, kDateType);
    return UnitNotRecognized(unit_name, kDateType);
  }
  if (days == kDateNoBegin || days == kDateNoEnd) {
    double r;
    if (!NonFiniteField(unit, days == kDateNoBegin, false, &r)) {
      return UnitNotSupported(unit_name, kDateType);
    }
    return r;
  }
  if (unit == Unit::kEpoch) {
    return static_cast<double>((static_cast<int64_t>(days) + kUnixEpochDays) * kSecsPerDay);
  }
  if (unit == Unit::kJulian) return static_cast<double>(days) + kPostgresEpochJdate;
  switch (unit) {
    case Unit::kMicrosecond:
    case Unit::kMillisecond:
    case Unit::kSecond:
    case Unit::kMinute:
    case Unit::kHour:
    case Unit::kTz:
    case Unit::kTzHour:
    case Unit::kTzMinute:
      return UnitNotSupported(unit_name, kDateType);
    default:
      break;
  }
  Tm tm;
  CivilFromDays(days, &tm.year, &tm.mon, &tm.mday);
  double r;
  if (!TimestampField(unit, tm, &r)) return UnitNotSupported(unit_name, kDateType);
  return r;
}

Result<double> ExtractTime(std::string_view field, int64_t micros) {
  std::string unit_name = Lower(field);
  Unit unit = LookupUnit(unit_name, true);
  if (unit == Unit::kEpoch) return static_cast<double>(micros) / 1000000.0;
  if (unit == Unit::kUnknown) return UnitNotRecognized(unit_name, kTimeType);
  int64_t hour = micros / kMicrosPerHour;
  int64_t rest = micros - hour * kMicrosPerHour;
  int64_t min = rest / kMicrosPerMinute;
  int64_t secus = rest - min * kMicrosPerMinute;
  switch (unit) {
    case Unit::kMicrosecond:
      return static_cast<double>(secus);
    case Unit::kMillisecond:
      return static_cast<double>(secus) / 1000.0;
    case Unit::kSecond:
      return static_cast<double>(secus) / 1000000.0;
    case Unit::kMinute:
      return static_cast<double>(min);
    case Unit::kHour:
      return static_cast<double>(hour);
    default:
      return UnitNotSupported(unit_name, kTimeType);
  }
}

Result<double> ExtractInterval(std::string_view field, const Interval& iv) {
  std::string unit_name = Lower(field);
  Unit unit = LookupUnit(unit_name, true);
  if (unit == Unit::kEpoch) {
    int64_t secs_from_day_month =
        (static_cast<int64_t>(4 * 365.25) * (iv.months / 12) +
         static_cast<int64_t>(4 * 30) * (iv.months % 12) + static_cast<int64_t>(4) * iv.days) *
        (86400 / 4);
    return static_cast<double>(secs_from_day_month) + static_cast<double>(iv.micros) / 1e6;
  }
  if (unit == Unit::kUnknown) return UnitNotRecognized(unit_name, kIntervalType);
  Itm t = IntervalToItm(iv);
  switch (unit) {
    case Unit::kMicrosecond:
      return static_cast<double>(t.sec * kMicrosPerSecond + t.usec);
    case Unit::kMillisecond:
      return static_cast<double>(t.sec * kMicrosPerSecond + t.usec) / 1000.0;
    case Unit::kSecond:
      return static_cast<double>(t.sec * kMicrosPerSecond + t.usec) / 1000000.0;
    case Unit::kMinute:
      return static_cast<double>(t.min);
    case Unit::kHour:
      return static_cast<double>(t.hour);
    case Unit::kDay:
      return static_cast<double>(t.mday);
    case Unit::kMonth:
      return static_cast<double>(t.mon);
    case Unit::kQuarter:
      return static_cast<double>(t.mon / 3 + 1);
    case Unit::kYear:
      return static_cast<double>(t.year);
    case Unit::kDecade:
      return static_cast<double>(t.year / 10);
    case Unit::kCentury:
      return static_cast<double>(t.year / 100);
    case Unit::kMillennium:
      return static_cast<double>(t.year / 1000);
    default:
      return UnitNotSupported(unit_name, kIntervalType);
  }
}

// --- make_interval -------------------------------------------------------------------------------

Result<Interval> MakeInterval(int32_t years, int32_t months, int32_t weeks, int32_t days,
                              int32_t hours, int32_t mins, double secs) {
  if (std::isinf(secs) || std::isnan(secs)) return IntervalOutOfRange();
  Interval r;
  int32_t m;
  int32_t d;
  if (__builtin_mul_overflow(years, 12, &m) || __builtin_add_overflow(m, months, &r.months) ||
      __builtin_mul_overflow(weeks, 7, &d) || __builtin_add_overflow(d, days, &r.days)) {
    return IntervalOutOfRange();
  }
  double us = std::rint(secs * 1000000.0);
  if (!FitsInt64(us)) return IntervalOutOfRange();
  int64_t t = static_cast<int64_t>(hours) * kMicrosPerHour;
  if (__builtin_add_overflow(t, static_cast<int64_t>(mins) * kMicrosPerMinute, &t) ||
      __builtin_add_overflow(t, static_cast<int64_t>(us), &t)) {
    return IntervalOutOfRange();
  }
  r.micros = t;
  return r;
}

}  // namespace freshet::datetime
