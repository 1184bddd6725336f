#include "common/decimal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

namespace freshet {
namespace {

struct Case2 {
  const char* a;
  const char* want;
};
struct Case3 {
  const char* a;
  const char* b;
  const char* want;
};
struct Case4 {
  const char* a;
  const char* b;
  const char* c;
  const char* want;
};
struct Case5 {
  const char* op;
  const char* a;
  const char* b;
  const char* pg;
  const char* want;
};

#include "tests/common/decimal_test_cases.inc"

std::string Err(const Status& s) {
  std::string out = "ERROR " + s.sqlstate() + ": " + s.message();
  if (!s.detail().empty()) out += " DETAIL " + s.detail();
  return out;
}

std::string Show(const Result<Decimal>& r) { return r.ok() ? r->ToString() : Err(r.status()); }

Decimal D(const char* s) {
  Result<Decimal> r = Decimal::Parse(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : Decimal();
}

// --- Cases checked against PostgreSQL --------------------------------------------------------

TEST(DecimalPgTest, Parse) {
  for (const Case2& c : kNumericInput) {
    EXPECT_EQ(Show(Decimal::Parse(c.a)), c.want) << "input: '" << c.a << "'";
  }
}

TEST(DecimalPgTest, Add) {
  for (const Case3& c : kAdd) EXPECT_EQ(Show(D(c.a).Add(D(c.b))), c.want) << c.a << " + " << c.b;
}

TEST(DecimalPgTest, Sub) {
  for (const Case3& c : kSub) EXPECT_EQ(Show(D(c.a).Sub(D(c.b))), c.want) << c.a << " - " << c.b;
}

TEST(DecimalPgTest, Mul) {
  for (const Case3& c : kMul) EXPECT_EQ(Show(D(c.a).Mul(D(c.b))), c.want) << c.a << " * " << c.b;
}

TEST(DecimalPgTest, Div) {
  for (const Case3& c : kDiv) EXPECT_EQ(Show(D(c.a).Div(D(c.b))), c.want) << c.a << " / " << c.b;
}

TEST(DecimalPgTest, Mod) {
  for (const Case3& c : kMod) EXPECT_EQ(Show(D(c.a).Mod(D(c.b))), c.want) << c.a << " % " << c.b;
}

TEST(DecimalPgTest, Compare) {
  for (const Case3& c : kCompare) {
    EXPECT_EQ(D(c.a).Compare(D(c.b)), std::atoi(c.want)) << c.a << " <=> " << c.b;
    EXPECT_EQ(D(c.b).Compare(D(c.a)), -std::atoi(c.want)) << c.b << " <=> " << c.a;
  }
}

TEST(DecimalPgTest, RoundAndTrunc) {
  for (const Case3& c : kRound) {
    EXPECT_EQ(Show(D(c.a).Round(std::atoi(c.b))), c.want) << "round(" << c.a << ", " << c.b << ")";
  }
  for (const Case3& c : kTrunc) {
    EXPECT_EQ(Show(D(c.a).Trunc(std::atoi(c.b))), c.want) << "trunc(" << c.a << ", " << c.b << ")";
  }
}

TEST(DecimalPgTest, FloorCeil) {
  for (const Case2& c : kFloor) EXPECT_EQ(D(c.a).Floor().ToString(), c.want) << c.a;
  for (const Case2& c : kCeil) EXPECT_EQ(D(c.a).Ceil().ToString(), c.want) << c.a;
}

TEST(DecimalPgTest, ToInt64) {
  for (const Case2& c : kToInt64) {
    Result<int64_t> r = D(c.a).ToInt64();
    EXPECT_EQ(r.ok() ? std::to_string(*r) : Err(r.status()), c.want) << c.a;
  }
}

TEST(DecimalPgTest, ToDouble) {
  for (const Case2& c : kToDouble) {
    EXPECT_EQ(D(c.a).ToDouble(), std::strtod(c.want, nullptr)) << c.a;
  }
}

TEST(DecimalPgTest, Normalized) {
  for (const Case2& c : kNormalized) EXPECT_EQ(D(c.a).Normalized().ToString(), c.want) << c.a;
}

TEST(DecimalPgTest, ApplyTypmod) {
  for (const Case4& c : kTypmod) {
    EXPECT_EQ(Show(D(c.a).ApplyTypmod(std::atoi(c.b), std::atoi(c.c))), c.want)
        << c.a << "::numeric(" << c.b << "," << c.c << ")";
  }
}

TEST(DecimalPgTest, FromDouble) {
  for (const Case2& c : kFromDouble) {
    EXPECT_EQ(Show(Decimal::FromDouble(std::strtod(c.a, nullptr))), c.want) << c.a;
  }
}

Result<Decimal> Apply(const std::string& op, const Decimal& a, const Decimal& b) {
  if (op == "add") return a.Add(b);
  if (op == "sub") return a.Sub(b);
  if (op == "mul") return a.Mul(b);
  return a.Div(b);
}

TEST(DecimalPgTest, ResultsBeyond38Digits) {
  for (const Case5& c : kBeyond38Digits) {
    EXPECT_EQ(Show(Apply(c.op, D(c.a), D(c.b))), c.want)
        << c.op << "(" << c.a << ", " << c.b << "), PostgreSQL: " << c.pg;
  }
  for (const Case5& c : kBeyond38DigitsOverflow) {
    EXPECT_EQ(Show(Apply(c.op, D(c.a), D(c.b))), c.want)
        << c.op << "(" << c.a << ", " << c.b << "), PostgreSQL: " << c.pg;
  }
}

// --- Targeted behaviour ----------------------------------------------------------------------

TEST(DecimalTest, ParseKeepsScale) {
  EXPECT_EQ(D("1.50").scale(), 2);
  EXPECT_EQ(D("1.50").unscaled(), 150);
  EXPECT_EQ(D("1.5e3").scale(), 0);
  EXPECT_EQ(D("1.5e3").unscaled(), 1500);
  EXPECT_EQ(D("1e-3").scale(), 3);
  EXPECT_EQ(D(".5").ToString(), "0.5");
  EXPECT_EQ(D("5.").ToString(), "5");
  EXPECT_EQ(D("-0.00").ToString(), "0.00");
}

TEST(DecimalTest, ParseErrors) {
  Result<Decimal> r = Decimal::Parse("NaN");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "22P02");
  EXPECT_EQ(r.status().message(), "invalid input syntax for type numeric: \"NaN\"");
  EXPECT_EQ(Decimal::Parse(" 1 2 ").status().message(),
            "invalid input syntax for type numeric: \" 1 2 \"");
  EXPECT_EQ(Decimal::Parse("1e99999999999").status().sqlstate(), "22003");
  EXPECT_EQ(Decimal::Parse("1" + std::string(38, '0')).status().sqlstate(), "22003");
  EXPECT_EQ(Decimal::Parse("0." + std::string(38, '0') + "1").status().sqlstate(), "22003");
  EXPECT_EQ(Decimal::Parse(std::string(38, '9')).status().sqlstate(), "");
}

TEST(DecimalTest, ToStringPadsScale) {
  EXPECT_EQ(Decimal(5, 3).ToString(), "0.005");
  EXPECT_EQ(Decimal(-5, 3).ToString(), "-0.005");
  EXPECT_EQ(Decimal(0, 2).ToString(), "0.00");
  EXPECT_EQ(Decimal(12, 0).ToString(), "12");
  EXPECT_EQ(Decimal(-150, 2).ToString(), "-1.50");
  __int128 max = 1;
  for (int i = 0; i < 38; ++i) max *= 10;
  EXPECT_EQ(Decimal(max - 1, 38).ToString(), "0." + std::string(38, '9'));
  EXPECT_EQ(Decimal(-(max - 1), 0).ToString(), "-" + std::string(38, '9'));
}

TEST(DecimalTest, DivisionScaleFollowsPostgres) {
  EXPECT_EQ(Show(D("1").Div(D("3"))), "0.33333333333333333333");
  EXPECT_EQ(Show(D("10").Div(D("4"))), "2.5000000000000000");
  EXPECT_EQ(Show(D("1.0").Div(D("3"))), "0.33333333333333333333");
  EXPECT_EQ(Show(D("100").Div(D("7"))), "14.2857142857142857");
  EXPECT_EQ(Show(D("1").Div(D("1000000"))), "0.000001000000000000000000");
  EXPECT_EQ(Show(D("0").Div(D("3"))), "0.00000000000000000000");
  EXPECT_EQ(Show(D("1").Div(D("0"))), "ERROR 22012: division by zero");
  EXPECT_EQ(Show(D("1").Mod(D("0.00"))), "ERROR 22012: division by zero");
}

TEST(DecimalTest, MulReducesScaleToFit) {
  // PostgreSQL keeps all 40 fractional digits; we round to the 38 that fit.
  EXPECT_EQ(Show(D("0.00000000000000000001").Mul(D("0.00000000000000000005"))),
            "0." + std::string(38, '0'));
  EXPECT_EQ(Show(D("0.00000000000000000001").Mul(D("0.00000000000000000050"))),
            "0." + std::string(37, '0') + "1");
  // Integer part too large.
  std::string big = "1" + std::string(20, '0');
  EXPECT_EQ(Show(D(big.c_str()).Mul(D(big.c_str()))),
            "ERROR 22003: value overflows numeric format");
}

TEST(DecimalTest, AddAlignsScales) {
  EXPECT_EQ(Show(D("1.5").Add(D("2.25"))), "3.75");
  EXPECT_EQ(Show(D("1").Add(D("0.001"))), "1.001");
  // Same-scale sums near the limit must not wrap around 128 bits.
  std::string nines(38, '9');
  EXPECT_EQ(Show(D(nines.c_str()).Add(D(nines.c_str()))),
            "ERROR 22003: value overflows numeric format");
  EXPECT_EQ(Show(D(("-" + nines).c_str()).Sub(D(nines.c_str()))),
            "ERROR 22003: value overflows numeric format");
  // Aligning overflows 128 bits although the result fits.
  EXPECT_EQ(Show(D("17500000000000000000000000000000000000")
                     .Add(D("-9000000000000000000000000000000000000.0"))),
            "8500000000000000000000000000000000000.0");
}

TEST(DecimalTest, CompareIgnoresScale) {
  EXPECT_EQ(D("1.0").Compare(D("1.00")), 0);
  EXPECT_TRUE(D("1.0") == D("1"));
  EXPECT_TRUE(D("0.9999") < D("1"));
  EXPECT_EQ(Decimal(1, 0).Compare(Decimal(99999, 38)), 1);
  EXPECT_EQ(Decimal(-1, 0).Compare(Decimal(-99999, 38)), -1);
  std::string nines(38, '9');
  EXPECT_EQ(D(nines.c_str()).Compare(D(("0." + nines).c_str())), 1);
  EXPECT_EQ(D(("-" + nines).c_str()).Compare(D(("-0." + nines).c_str())), -1);
  EXPECT_EQ(D("0").Compare(D("0.000")), 0);
}

TEST(DecimalTest, NormalizedStripsZeros) {
  EXPECT_EQ(D("1.500").Normalized().scale(), 1);
  EXPECT_EQ(D("0.000").Normalized().scale(), 0);
  EXPECT_EQ(D("100").Normalized().ToString(), "100");
}

TEST(DecimalTest, RoundNegativeScale) {
  EXPECT_EQ(Show(D("1234.5678").Round(-2)), "1200");
  EXPECT_EQ(Show(D("1250").Round(-2)), "1300");
  EXPECT_EQ(Show(D("-1250").Round(-2)), "-1300");
  EXPECT_EQ(Show(D("1.5").Round(3)), "1.500");
  EXPECT_EQ(Show(D("-2.5").Round(0)), "-3");
  EXPECT_EQ(Show(D("99.5").Round(0)), "100");
  EXPECT_EQ(Show(D("-2.57").Trunc(1)), "-2.5");
}

TEST(DecimalTest, TypmodMessages) {
  Result<Decimal> r = D("99.96").ApplyTypmod(3, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sqlstate(), "22003");
  EXPECT_EQ(r.status().message(), "numeric field overflow");
  EXPECT_EQ(r.status().detail(),
            "A field with precision 3, scale 1 must round to an absolute value less than 10^2.");
  EXPECT_EQ(D("1.5").ApplyTypmod(1, 1).status().detail(),
            "A field with precision 1, scale 1 must round to an absolute value less than 1.");
  EXPECT_EQ(Show(D("12345").ApplyTypmod(2, -3)), "12000");
  EXPECT_EQ(Show(D("1.23456").ApplyTypmod(-1, -1)), "1.23456");
  EXPECT_EQ(Show(D("0.0001").ApplyTypmod(2, 3)), "0.000");
}

TEST(DecimalTest, ConversionsToAndFromDouble) {
  EXPECT_EQ(Show(Decimal::FromDouble(0.1)), "0.1");
  EXPECT_EQ(Show(Decimal::FromDouble(1e-7)), "0.0000001");
  EXPECT_EQ(Show(Decimal::FromDouble(1e20)), "100000000000000000000");
  EXPECT_EQ(Show(Decimal::FromDouble(0.1 + 0.2)), "0.3");
  EXPECT_EQ(Decimal::FromDouble(std::nan("")).status().sqlstate(), "22P02");
  EXPECT_EQ(Decimal::FromDouble(HUGE_VAL).status().sqlstate(), "22P02");
  EXPECT_EQ(D("0.1").ToDouble(), 0.1);
  EXPECT_EQ(D("-1.5").ToDouble(), -1.5);
  EXPECT_EQ(D("123456789012345678901234567890").ToDouble(), 1.2345678901234568e29);
}

TEST(DecimalTest, ToInt64RoundsHalfAwayFromZero) {
  EXPECT_EQ(*D("2.5").ToInt64(), 3);
  EXPECT_EQ(*D("-2.5").ToInt64(), -3);
  EXPECT_EQ(*D("2.4999").ToInt64(), 2);
  EXPECT_EQ(*D("-9223372036854775808.4").ToInt64(), INT64_MIN);
  Result<int64_t> r = D("9223372036854775807.5").ToInt64();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Err(r.status()), "ERROR 22003: bigint out of range");
}

}  // namespace
}  // namespace freshet
