#include "tests/common/datetime_cases.h"

#include <cmath>
#include <cstdlib>
#include <functional>

namespace freshet::datetime::cases {

std::string Err(const Status& s) { return "ERROR " + s.sqlstate() + ": " + s.message(); }

namespace {

std::string Lit(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  return out + "'";
}

std::string Dbl(double d) {
  if (std::isnan(d)) return "NULL";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

/// Runs `f` with the zone parsed and the timestamptz input parsed in it; errors as text.
std::string InZone(const char* zone, const char* input,
                   const std::function<std::string(const TimeZone&, int64_t)>& f) {
  Result<TimeZone> tz = TimeZone::Parse(zone);
  if (!tz.ok()) return Err(tz.status());
  Result<int64_t> t = ParseTimestampTz(input, *tz);
  if (!t.ok()) return Err(t.status());
  return f(*tz, *t);
}

std::string ShowTz(const Result<int64_t>& r, const TimeZone& tz) {
  return r.ok() ? FormatTimestampTz(*r, tz) : Err(r.status());
}

/// The answer depends on tzdata when the zone has rules or the input names a zone itself.
bool DependsOnTzDatabase(const char* zone, const char* input) {
  Result<TimeZone> tz = TimeZone::Parse(zone);
  if (tz.ok() && tz->has_rules()) return true;
  return input != nullptr && std::string(input).find('/') != std::string::npos;
}

ZoneCase Make(const char* zone, const char* input, std::string what, std::string sql,
              const char* recorded, std::string ours, bool numeric = false) {
  ZoneCase c;
  c.what = std::string(zone) + ": " + what;
  c.zone = zone;
  c.sql = std::move(sql);
  c.recorded = recorded;
  c.ours = std::move(ours);
  c.numeric = numeric;
  c.tz_database = DependsOnTzDatabase(zone, input);
  return c;
}

}  // namespace

std::vector<ZoneCase> ZoneCases() {
  std::vector<ZoneCase> out;
  auto tstz = [](const char* zone, const char* input) {
    return InZone(zone, input,
                  [](const TimeZone& tz, int64_t t) { return FormatTimestampTz(t, tz); });
  };
  for (const Case3& c : kTimestampTzInput) {
    out.push_back(Make(c.a, c.b, std::string("'") + c.b + "'::timestamptz",
                       Lit(c.b) + "::timestamptz", c.want, tstz(c.a, c.b)));
  }
  for (const Case3& c : kZoneSweep) {
    out.push_back(Make(c.a, c.b, std::string("'") + c.b + "'::timestamptz",
                       Lit(c.b) + "::timestamptz", c.want, tstz(c.a, c.b)));
  }
  for (const Case2& c : kTimeZoneSetting) {
    Result<TimeZone> tz = TimeZone::Parse(c.a);
    std::string ours;
    if (!tz.ok()) {
      ours = Err(tz.status());
    } else {
      ours = tz->name() + "|" + tstz(c.a, "2024-07-01 12:00:00+00") + "|" +
             tstz(c.a, "2024-01-01 12:00:00+00");
    }
    out.push_back(Make(c.a, nullptr, "SET TIME ZONE",
                       "current_setting('TimeZone') || '|' || "
                       "('2024-07-01 12:00:00+00'::timestamptz)::text || '|' || "
                       "('2024-01-01 12:00:00+00'::timestamptz)::text",
                       c.want, ours));
  }
  for (const Case4& c : kTimestampTzPlusInterval) {
    std::string ours = InZone(c.a, c.b, [&](const TimeZone& tz, int64_t t) {
      Result<Interval> iv = ParseInterval(c.c);
      if (!iv.ok()) return Err(iv.status());
      return ShowTz(TimestampTzPlusInterval(t, *iv, tz), tz);
    });
    out.push_back(Make(c.a, c.b, std::string(c.b) + " + " + c.c,
                       Lit(c.b) + "::timestamptz + " + Lit(c.c) + "::interval", c.want, ours));
  }
  for (const Case4& c : kDateTruncTz) {
    std::string ours = InZone(c.a, c.c, [&](const TimeZone& tz, int64_t t) {
      return ShowTz(DateTruncTz(c.b, t, tz), tz);
    });
    out.push_back(Make(c.a, c.c, std::string("date_trunc('") + c.b + "', " + c.c + ")",
                       "date_trunc(" + Lit(c.b) + ", " + Lit(c.c) + "::timestamptz)", c.want,
                       ours));
  }
  for (const Case4& c : kExtractTimestampTz) {
    std::string ours = InZone(c.a, c.c, [&](const TimeZone& tz, int64_t t) {
      Result<double> r = ExtractTimestampTz(c.b, t, tz);
      return r.ok() ? Dbl(*r) : Err(r.status());
    });
    out.push_back(Make(c.a, c.c, std::string("extract(") + c.b + " from " + c.c + ")",
                       "extract(" + Lit(c.b) + " from " + Lit(c.c) + "::timestamptz)", c.want, ours,
                       /*numeric=*/true));
  }
  for (const Case4& c : kToCharTz) {
    std::string ours = InZone(c.a, c.b, [&](const TimeZone& tz, int64_t t) {
      int32_t off = tz.OffsetAt(t);
      return ToChar(t + off * kMicrosPerSecond, c.c, tz.AbbrevAt(t), off);
    });
    out.push_back(Make(c.a, c.b, std::string("to_char(") + c.b + ", '" + c.c + "')",
                       "to_char(" + Lit(c.b) + "::timestamptz, " + Lit(c.c) + ")", c.want, ours));
  }
  return out;
}

bool ZoneCaseMatches(const ZoneCase& c, const std::string& want) {
  if (!c.numeric || want.rfind("ERROR", 0) == 0 || c.ours.rfind("ERROR", 0) == 0) {
    return c.ours == want;
  }
  if (want == "NULL" || c.ours == "NULL") return c.ours == want;
  double w = std::strtod(want.c_str(), nullptr);
  double g = std::strtod(c.ours.c_str(), nullptr);
  if (std::isinf(w)) return g == w;
  return std::fabs(g - w) <= 1e-12 * std::max(1.0, std::fabs(w));
}

}  // namespace freshet::datetime::cases
