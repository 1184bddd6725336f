// Differential-testing driver for pg_oracle/diff.py: reads tab-separated "op args..." lines and
// prints one result per line (errors as "ERROR <sqlstate>: <message>"). Not built by CMake.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/datetime.h"
#include "common/decimal.h"

using namespace freshet;
using namespace freshet::datetime;

static std::string Err(const Status& s) { return "ERROR " + s.sqlstate() + ": " + s.message(); }

template <typename T, typename F>
static std::string Show(const Result<T>& r, F f) {
  if (!r.ok()) return Err(r.status());
  return f(*r);
}

static std::string Dbl(double d) {
  if (d != d) return "NULL";
  if (d == 1.0 / 0.0) return "Infinity";
  if (d == -1.0 / 0.0) return "-Infinity";
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::vector<std::string> a;
    std::stringstream ss(line);
    std::string tok;
    while (std::getline(ss, tok, '\t')) a.push_back(tok);
    while (a.size() < 9) a.push_back("");
    const std::string& op = a[0];
    std::string out = "?";
    auto tz = [&](const std::string& n) { return *TimeZone::Parse(n); };
    auto D = [](const std::string& s) { return *Decimal::Parse(s); };
    auto decs = [](const Decimal& d) { return d.ToString(); };
    auto ivs = [](const Interval& i) { return FormatInterval(i); };
    auto tss = [](int64_t t) { return FormatTimestamp(t); };
    if (op == "date")
      out = Show(ParseDate(a[1]), [](int32_t d) { return FormatDate(d); });
    else if (op == "time")
      out = Show(ParseTime(a[1]), [](int64_t t) { return FormatTime(t); });
    else if (op == "ts")
      out = Show(ParseTimestamp(a[1]), tss);
    else if (op == "tstz") {
      auto z = TimeZone::Parse(a[1]);
      if (!z.ok())
        out = Err(z.status());
      else
        out = Show(ParseTimestampTz(a[2], *z), [&](int64_t t) { return FormatTimestampTz(t, *z); });
    } else if (op == "settz") {
      auto z = TimeZone::Parse(a[1]);
      if (!z.ok())
        out = Err(z.status());
      else {
        out = z->name() + "|" +
              FormatTimestampTz(*ParseTimestampTz("2024-07-01 12:00:00+00", *z), *z) + "|" +
              FormatTimestampTz(*ParseTimestampTz("2024-01-01 12:00:00+00", *z), *z);
      }
    } else if (op == "iv")
      out = Show(ParseInterval(a[1]), ivs);
    else if (op == "num")
      out = Show(Decimal::Parse(a[1]), decs);
    else if (op == "add")
      out = Show(D(a[1]).Add(D(a[2])), decs);
    else if (op == "sub")
      out = Show(D(a[1]).Sub(D(a[2])), decs);
    else if (op == "mul")
      out = Show(D(a[1]).Mul(D(a[2])), decs);
    else if (op == "div")
      out = Show(D(a[1]).Div(D(a[2])), decs);
    else if (op == "mod")
      out = Show(D(a[1]).Mod(D(a[2])), decs);
    else if (op == "round")
      out = Show(D(a[1]).Round(std::stoi(a[2])), decs);
    else if (op == "trunc")
      out = Show(D(a[1]).Trunc(std::stoi(a[2])), decs);
    else if (op == "floor")
      out = D(a[1]).Floor().ToString();
    else if (op == "ceil")
      out = D(a[1]).Ceil().ToString();
    else if (op == "cmp")
      out = std::to_string(D(a[1]).Compare(D(a[2])));
    else if (op == "typmod") {
      auto r = D(a[1]).ApplyTypmod(std::stoi(a[2]), std::stoi(a[3]));
      out = r.ok() ? r->ToString()
                   : Err(r.status()) +
                         (r.status().detail().empty() ? "" : " DETAIL " + r.status().detail());
    } else if (op == "fromdouble")
      out = Show(Decimal::FromDouble(std::stod(a[1])), decs);
    else if (op == "toint")
      out = Show(D(a[1]).ToInt64(), [](int64_t v) { return std::to_string(v); });
    else if (op == "todouble")
      out = Dbl(D(a[1]).ToDouble());
    else if (op == "norm")
      out = D(a[1]).Normalized().ToString();
    else if (op == "ts_pl")
      out = Show(TimestampPlusInterval(*ParseTimestamp(a[1]), *ParseInterval(a[2])), tss);
    else if (op == "ts_mi_iv")
      out = Show(TimestampPlusInterval(*ParseTimestamp(a[1]), IntervalNegate(*ParseInterval(a[2]))),
                 tss);
    else if (op == "tstz_pl") {
      auto z = tz(a[1]);
      out = Show(TimestampTzPlusInterval(*ParseTimestampTz(a[2], z), *ParseInterval(a[3]), z),
                 [&](int64_t t) { return FormatTimestampTz(t, z); });
    } else if (op == "ts_mi")
      out = ivs(TimestampDiff(*ParseTimestamp(a[1]), *ParseTimestamp(a[2])));
    else if (op == "age")
      out = ivs(Age(*ParseTimestamp(a[1]), *ParseTimestamp(a[2])));
    else if (op == "iv_mul")
      out = Show(IntervalMul(*ParseInterval(a[1]), std::stod(a[2])), ivs);
    else if (op == "iv_div")
      out = Show(IntervalDiv(*ParseInterval(a[1]), std::stod(a[2])), ivs);
    else if (op == "iv_pl")
      out = ivs(IntervalAdd(*ParseInterval(a[1]), *ParseInterval(a[2])));
    else if (op == "jh")
      out = ivs(JustifyHours(*ParseInterval(a[1])));
    else if (op == "jd")
      out = ivs(JustifyDays(*ParseInterval(a[1])));
    else if (op == "trunc_ts")
      out = Show(DateTrunc(a[1], *ParseTimestamp(a[2])), tss);
    else if (op == "trunc_tstz") {
      auto z = tz(a[1]);
      out = Show(DateTruncTz(a[2], *ParseTimestampTz(a[3], z), z),
                 [&](int64_t t) { return FormatTimestampTz(t, z); });
    } else if (op == "trunc_iv")
      out = Show(DateTruncInterval(a[1], *ParseInterval(a[2])), ivs);
    else if (op == "ex_ts")
      out = Show(ExtractTimestamp(a[1], *ParseTimestamp(a[2])), Dbl);
    else if (op == "ex_tstz") {
      auto z = tz(a[1]);
      out = Show(ExtractTimestampTz(a[2], *ParseTimestampTz(a[3], z), z), Dbl);
    } else if (op == "ex_date")
      out = Show(ExtractDate(a[1], *ParseDate(a[2])), Dbl);
    else if (op == "ex_time")
      out = Show(ExtractTime(a[1], *ParseTime(a[2])), Dbl);
    else if (op == "ex_iv")
      out = Show(ExtractInterval(a[1], *ParseInterval(a[2])), Dbl);
    else if (op == "to_char")
      out = ToChar(*ParseTimestamp(a[1]), a[2], "");
    else if (op == "to_char_tz") {
      auto z = tz(a[1]);
      int64_t t = *ParseTimestampTz(a[2], z);
      out = ToChar(t + int64_t(z.OffsetAt(t)) * 1000000, a[3], z.AbbrevAt(t), z.OffsetAt(t));
    } else if (op == "make_iv") {
      out = Show(MakeInterval(std::stoi(a[1]), std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]),
                              std::stoi(a[5]), std::stoi(a[6]), std::stod(a[7])),
                 ivs);
    }
    std::cout << out << "\n";
  }
}
