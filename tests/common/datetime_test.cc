#include "common/datetime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "tests/common/datetime_cases.h"

namespace freshet::datetime {
namespace {

using namespace cases;

template <typename T, typename F>
std::string Show(const Result<T>& r, F format) {
  return r.ok() ? format(*r) : Err(r.status());
}

std::string ShowIv(const Result<Interval>& r) { return Show(r, FormatInterval); }
std::string ShowTs(const Result<int64_t>& r) { return Show(r, FormatTimestamp); }

TimeZone Zone(const char* name) {
  Result<TimeZone> tz = TimeZone::Parse(name);
  EXPECT_TRUE(tz.ok()) << name;
  return tz.ok() ? *tz : TimeZone::Utc();
}

int64_t Ts(const char* s) {
  Result<int64_t> r = ParseTimestamp(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : 0;
}

int64_t TsTz(const char* s, const TimeZone& tz) {
  Result<int64_t> r = ParseTimestampTz(s, tz);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : 0;
}

Interval Iv(const char* s) {
  Result<Interval> r = ParseInterval(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : Interval();
}

int32_t Dt(const char* s) {
  Result<int32_t> r = ParseDate(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : 0;
}

/// Compares extract's double with PostgreSQL's numeric text ("NULL" for SQL NULL).
void ExpectExtract(const Result<double>& got, const char* want, const std::string& what) {
  if (std::string(want).rfind("ERROR", 0) == 0) {
    EXPECT_EQ(got.ok() ? std::to_string(*got) : Err(got.status()), want) << what;
    return;
  }
  ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
  if (std::string(want) == "NULL") {
    EXPECT_TRUE(std::isnan(*got)) << what;
    return;
  }
  double w = std::strtod(want, nullptr);
  if (std::isinf(w)) {
    EXPECT_EQ(*got, w) << what;
  } else {
    EXPECT_NEAR(*got, w, 1e-12 * std::max(1.0, std::fabs(w))) << what << " want " << want;
  }
}

// --- Input and output, checked against PostgreSQL ----------------------------------------------

TEST(DatetimePgTest, ZoneCasesWithoutTzDatabase) {
  // The zone-dependent tables in UTC, fixed offsets and unknown names; the cases in tz database
  // zones are compared with the PostgreSQL server on this machine (datetime_zone_check).
  int checked = 0;
  for (const ZoneCase& c : ZoneCases()) {
    if (c.tz_database) continue;
    ++checked;
    EXPECT_TRUE(ZoneCaseMatches(c, c.recorded))
        << c.what << ": got " << c.ours << ", want " << c.recorded;
  }
  EXPECT_GT(checked, 30);
}

TEST(DatetimePgTest, DateInput) {
  for (const Case2& c : kDateInput) {
    EXPECT_EQ(Show(ParseDate(c.a), FormatDate), c.want) << "input: '" << c.a << "'";
  }
}

TEST(DatetimePgTest, TimeInput) {
  for (const Case2& c : kTimeInput) {
    EXPECT_EQ(Show(ParseTime(c.a), FormatTime), c.want) << "input: '" << c.a << "'";
  }
}

TEST(DatetimePgTest, TimestampInput) {
  for (const Case2& c : kTimestampInput) {
    EXPECT_EQ(ShowTs(ParseTimestamp(c.a)), c.want) << "input: '" << c.a << "'";
  }
}

TEST(DatetimePgTest, IntervalInput) {
  for (const Case2& c : kIntervalInput) {
    EXPECT_EQ(ShowIv(ParseInterval(c.a)), c.want) << "input: '" << c.a << "'";
  }
}

// --- Arithmetic ----------------------------------------------------------------------------------

TEST(DatetimePgTest, TimestampPlusMinusInterval) {
  for (const Case3& c : kTimestampPlusInterval) {
    EXPECT_EQ(ShowTs(TimestampPlusInterval(Ts(c.a), Iv(c.b))), c.want) << c.a << " + " << c.b;
  }
  for (const Case3& c : kTimestampMinusInterval) {
    EXPECT_EQ(ShowTs(TimestampPlusInterval(Ts(c.a), IntervalNegate(Iv(c.b)))), c.want)
        << c.a << " - " << c.b;
  }
}

TEST(DatetimePgTest, TimestampDiffAndAge) {
  for (const Case3& c : kTimestampDiff) {
    EXPECT_EQ(FormatInterval(TimestampDiff(Ts(c.a), Ts(c.b))), c.want) << c.a << " - " << c.b;
  }
  for (const Case3& c : kAge) {
    EXPECT_EQ(FormatInterval(Age(Ts(c.a), Ts(c.b))), c.want) << "age(" << c.a << ", " << c.b << ")";
  }
}

TEST(DatetimePgTest, IntervalMulDiv) {
  for (const Case3& c : kIntervalMul) {
    EXPECT_EQ(ShowIv(IntervalMul(Iv(c.a), std::strtod(c.b, nullptr))), c.want)
        << c.a << " * " << c.b;
  }
  for (const Case3& c : kIntervalDiv) {
    EXPECT_EQ(ShowIv(IntervalDiv(Iv(c.a), std::strtod(c.b, nullptr))), c.want)
        << c.a << " / " << c.b;
  }
}

TEST(DatetimePgTest, JustifyAndAdd) {
  for (const Case2& c : kJustifyHours) {
    EXPECT_EQ(FormatInterval(JustifyHours(Iv(c.a))), c.want) << c.a;
  }
  for (const Case2& c : kJustifyDays) {
    EXPECT_EQ(FormatInterval(JustifyDays(Iv(c.a))), c.want) << c.a;
  }
  for (const Case3& c : kIntervalAdd) {
    EXPECT_EQ(FormatInterval(IntervalAdd(Iv(c.a), Iv(c.b))), c.want) << c.a << " + " << c.b;
  }
}

// --- date_trunc and extract ----------------------------------------------------------------------

TEST(DatetimePgTest, DateTrunc) {
  for (const Case3& c : kDateTrunc) {
    EXPECT_EQ(ShowTs(DateTrunc(c.a, Ts(c.b))), c.want) << "date_trunc('" << c.a << "', " << c.b;
  }
  for (const Case3& c : kDateTruncInterval) {
    EXPECT_EQ(ShowIv(DateTruncInterval(c.a, Iv(c.b))), c.want)
        << "date_trunc('" << c.a << "', interval " << c.b << ")";
  }
}

TEST(DatetimePgTest, Extract) {
  for (const Case3& c : kExtractTimestamp) {
    ExpectExtract(ExtractTimestamp(c.a, Ts(c.b)), c.want, std::string(c.a) + " from " + c.b);
  }
  for (const Case3& c : kExtractDate) {
    ExpectExtract(ExtractDate(c.a, Dt(c.b)), c.want, std::string(c.a) + " from date " + c.b);
  }
  for (const Case3& c : kExtractTime) {
    ExpectExtract(ExtractTime(c.a, *ParseTime(c.b)), c.want,
                  std::string(c.a) + " from time " + c.b);
  }
  for (const Case3& c : kExtractInterval) {
    ExpectExtract(ExtractInterval(c.a, Iv(c.b)), c.want,
                  std::string(c.a) + " from interval " + c.b);
  }
}

// --- to_char and make_interval -------------------------------------------------------------------

TEST(DatetimePgTest, ToChar) {
  for (const Case3& c : kToChar) {
    EXPECT_EQ(ToChar(Ts(c.a), c.b, ""), c.want) << "to_char(" << c.a << ", '" << c.b << "')";
  }
}

TEST(DatetimePgTest, MakeInterval) {
  for (const Case8& c : kMakeInterval) {
    EXPECT_EQ(ShowIv(MakeInterval(std::atoi(c.a[0]), std::atoi(c.a[1]), std::atoi(c.a[2]),
                                  std::atoi(c.a[3]), std::atoi(c.a[4]), std::atoi(c.a[5]),
                                  std::strtod(c.a[6], nullptr))),
              c.want);
  }
}

// --- Targeted behaviour --------------------------------------------------------------------------

TEST(DatetimeTest, CivilConversions) {
  EXPECT_EQ(DaysFromCivil(2000, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), -kUnixEpochDays);
  EXPECT_EQ(DaysFromCivil(2024, 3, 1) - DaysFromCivil(2024, 2, 28), 2);
  EXPECT_EQ(DaysFromCivil(0, 12, 31), -730120);
  EXPECT_EQ(DaysFromCivil(0, 3, 1) - DaysFromCivil(0, 2, 28), 2);  // 1 BC is a leap year
  for (int32_t d : {-2451545, -1000000, -1, 0, 1, 59, 60, 365, 366, 1000000, 2145031948}) {
    int32_t y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DaysFromCivil(y, m, dd), d);
  }
}

TEST(DatetimeTest, Formats) {
  EXPECT_EQ(FormatDate(Dt("2024-01-02")), "2024-01-02");
  EXPECT_EQ(FormatDate(Dt("0044-03-15 BC")), "0044-03-15 BC");
  EXPECT_EQ(FormatTime(*ParseTime("04:05:06.5")), "04:05:06.5");
  EXPECT_EQ(FormatTime(*ParseTime("24:00")), "24:00:00");
  EXPECT_EQ(FormatTimestamp(Ts("2024-01-02 04:05:06.123")), "2024-01-02 04:05:06.123");
  EXPECT_EQ(FormatTimestampTz(Ts("2024-01-02 04:05:06"), Zone("+05:30")),
            "2024-01-01 22:35:06-05:30");
  EXPECT_EQ(FormatTimestampTz(Ts("2024-01-02 04:05:06"), Zone("Asia/Kolkata")),
            "2024-01-02 09:35:06+05:30");
  EXPECT_EQ(FormatInterval(Iv("1 year 2 mons 3 days 04:05:06")), "1 year 2 mons 3 days 04:05:06");
  EXPECT_EQ(FormatInterval(Interval{0, -1, 0}), "-1 days");
  EXPECT_EQ(FormatInterval(Interval{}), "00:00:00");
  EXPECT_EQ(FormatInterval(Interval{0, 1, -2 * 3600 * kMicrosPerSecond}), "1 day -02:00:00");
  EXPECT_EQ(FormatInterval(Interval{0, 0, kMicrosPerSecond / 2}), "00:00:00.5");
  EXPECT_EQ(FormatInterval(Interval{0, 0, -kMicrosPerSecond}), "-00:00:01");
  EXPECT_EQ(FormatInterval(Interval{24, 0, 0}), "2 years");
  EXPECT_EQ(FormatInterval(Interval{-13, 5, 0}), "-1 years -1 mons +5 days");
}

TEST(DatetimeTest, Infinity) {
  EXPECT_EQ(FormatDate(Dt("infinity")), "infinity");
  EXPECT_EQ(FormatDate(Dt("-infinity")), "-infinity");
  EXPECT_EQ(ShowTs(ParseTimestamp("infinity")), "infinity");
  int64_t inf = Ts("infinity");
  EXPECT_EQ(*TimestampPlusInterval(inf, Iv("1 day")), inf);
  EXPECT_EQ(*DateTrunc("day", inf), inf);
  EXPECT_EQ(*ExtractTimestamp("year", inf), HUGE_VAL);
  EXPECT_TRUE(std::isnan(*ExtractTimestamp("month", inf)));
}

TEST(DatetimeTest, ErrorMessages) {
  EXPECT_EQ(Err(ParseDate("2024-02-30").status()),
            "ERROR 22008: date/time field value out of range: \"2024-02-30\"");
  EXPECT_EQ(Err(ParseDate("abc").status()),
            "ERROR 22007: invalid input syntax for type date: \"abc\"");
  EXPECT_EQ(ParseDate("2024-13-01").status().hint(),
            "Perhaps you need a different \"datestyle\" setting.");
  EXPECT_EQ(Err(ParseTimestamp("294277-01-01").status()),
            "ERROR 22008: timestamp out of range: \"294277-01-01\"");
  EXPECT_EQ(Err(ParseInterval("1:60:00").status()),
            "ERROR 22015: interval field value out of range: \"1:60:00\"");
  EXPECT_EQ(Err(ParseTimestampTz("2024-01-02 04:05:06 +16", TimeZone::Utc()).status()),
            "ERROR 22009: time zone displacement out of range: \"2024-01-02 04:05:06 +16\"");
  EXPECT_EQ(Err(ParseTimestamp("2024-01-02 04:05:06 Foo/Bar").status()),
            "ERROR 22023: time zone \"foo/bar\" not recognized");
  EXPECT_EQ(Err(DateTrunc("xyz", 0).status()),
            "ERROR 22023: unit \"xyz\" not recognized for type timestamp without time zone");
  EXPECT_EQ(Err(ExtractTimestamp("timezone", 0).status()),
            "ERROR 0A000: unit \"timezone\" not supported for type timestamp without time zone");
  EXPECT_EQ(Err(DateTruncInterval("week", Interval{}).status()),
            "ERROR 0A000: unit \"week\" not supported for type interval");
  EXPECT_EQ(DateTruncInterval("week", Interval{}).status().detail(),
            "Months usually have fractional weeks.");
  EXPECT_EQ(Err(IntervalDiv(Iv("1 day"), 0).status()), "ERROR 22012: division by zero");
  EXPECT_EQ(Err(TimestampPlusInterval(Ts("294276-12-31"), Iv("1 day")).status()),
            "ERROR 22008: timestamp out of range");
  EXPECT_EQ(Err(TimeZone::Parse("Mars/Olympus").status()),
            "ERROR 22023: time zone \"Mars/Olympus\" not recognized");
}

TEST(DatetimeTest, TimeZoneOffsets) {
  TimeZone paris = Zone("europe/paris");
  EXPECT_EQ(paris.name(), "Europe/Paris");
  EXPECT_EQ(paris.OffsetAt(Ts("2024-01-15 12:00:00")), 3600);
  EXPECT_EQ(paris.OffsetAt(Ts("2024-07-15 12:00:00")), 7200);
  EXPECT_EQ(paris.AbbrevAt(Ts("2024-01-15 12:00:00")), "CET");
  EXPECT_EQ(paris.AbbrevAt(Ts("2024-07-15 12:00:00")), "CEST");
  EXPECT_EQ(paris.OffsetAt(Ts("2150-07-15 12:00:00")), 7200);  // POSIX footer rule
  // Local times: a spring-forward gap takes the pre-transition offset (02:30 -> 03:30 CEST), a
  // fall-back overlap the later (standard-time) reading.
  EXPECT_EQ(paris.OffsetForLocal(Ts("2024-03-31 02:30:00")), 3600);
  EXPECT_EQ(paris.OffsetForLocal(Ts("2024-10-27 02:30:00")), 3600);
  EXPECT_EQ(paris.OffsetForLocal(Ts("2024-10-27 01:59:59")), 7200);
  EXPECT_EQ(Zone("UTC").name(), "UTC");
  EXPECT_EQ(Zone("utc").name(), "UTC");
  EXPECT_EQ(Zone("+02").name(), "<+02>-02");
  EXPECT_EQ(Zone("+02").OffsetAt(0), 7200);
  EXPECT_EQ(Zone("+02").AbbrevAt(0), "+02");
  EXPECT_EQ(Zone("UTC+3").OffsetAt(0), -3 * 3600);  // POSIX: west of Greenwich
  EXPECT_EQ(Zone("-05:30").OffsetAt(0), 5 * 3600 + 1800);
  EXPECT_EQ(TimeZone::Utc().OffsetForLocal(12345), 0);
  EXPECT_EQ(TimeZone::Utc().AbbrevAt(0), "UTC");
  // Abbreviations are accepted as fixed offsets when no zone has the name.
  EXPECT_EQ(Zone("Z").OffsetAt(0), 0);
  EXPECT_EQ(Zone("pst").OffsetAt(0), -8 * 3600);
  EXPECT_EQ(Zone("pst").name(), "PST");
  EXPECT_EQ(Zone("CET").OffsetAt(Ts("2024-07-01 00:00:00")), 7200);  // the CET zone file
  TimeZone sydney = Zone("Australia/Sydney");
  EXPECT_EQ(sydney.OffsetAt(Ts("2024-01-15 00:00:00")), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Ts("2024-07-15 00:00:00")), 10 * 3600);
}

TEST(DatetimeTest, TimestampTzArithmeticUsesLocalDays) {
  TimeZone ny = Zone("America/New_York");
  int64_t t = TsTz("2024-03-09 12:00:00", ny);
  EXPECT_EQ(FormatTimestampTz(*TimestampTzPlusInterval(t, Iv("1 day"), ny), ny),
            "2024-03-10 12:00:00-04");
  EXPECT_EQ(FormatTimestampTz(*TimestampTzPlusInterval(t, Iv("24 hours"), ny), ny),
            "2024-03-10 13:00:00-04");
  EXPECT_EQ(FormatTimestampTz(*DateTruncTz("day", TsTz("2024-03-10 12:00", ny), ny), ny),
            "2024-03-10 00:00:00-05");
}

TEST(DatetimeTest, IntervalParsingVariants) {
  EXPECT_EQ(Iv("1.5 days"), (Interval{0, 1, 12 * 3600 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("1.5 months"), (Interval{1, 15, 0}));
  EXPECT_EQ(Iv("P1Y2M3DT4H5M6S"), (Interval{14, 3, (4 * 3600 + 5 * 60 + 6) * kMicrosPerSecond}));
  EXPECT_EQ(Iv("@ 1 day ago"), (Interval{0, -1, 0}));
  EXPECT_EQ(Iv("10"), (Interval{0, 0, 10 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("1 week 2 decades"), (Interval{240, 7, 0}));
}

TEST(DatetimeTest, MakeIntervalOverflow) {
  EXPECT_EQ(Err(MakeInterval(2147483647, 0, 0, 0, 0, 0, 0).status()),
            "ERROR 22008: interval out of range");
  EXPECT_EQ(Err(MakeInterval(0, 0, 0, 0, 0, 0, NAN).status()),
            "ERROR 22008: interval out of range");
  EXPECT_EQ(ShowIv(MakeInterval(1, 2, 3, 4, 5, 6, 7.5)), "1 year 2 mons 25 days 05:06:07.5");
}

TEST(DatetimeTest, ToCharPatterns) {
  int64_t t = Ts("2024-01-02 04:05:06.789");
  EXPECT_EQ(ToChar(t, "Month", ""), "January  ");
  EXPECT_EQ(ToChar(t, "FMMonth", ""), "January");
  EXPECT_EQ(ToChar(t, "Mon DD YYYY HH12:MI:SS PM", ""), "Jan 02 2024 04:05:06 AM");
  EXPECT_EQ(ToChar(t, "Day", ""), "Tuesday  ");
  EXPECT_EQ(ToChar(t, "MS US", ""), "789 789000");
  EXPECT_EQ(ToChar(t, "\"Year\" YYYY", ""), "Year 2024");
  EXPECT_EQ(ToChar(t, "DDth", ""), "02nd");
  EXPECT_EQ(ToChar(t, "TZ OF", "CET"), "CET +01");
  EXPECT_EQ(ToChar(t, "TZH:TZM", "+05:30"), "+05:30");
}

}  // namespace
}  // namespace freshet::datetime
