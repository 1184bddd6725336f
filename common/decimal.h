#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace freshet {

/// Fixed-point decimal backing SQL numeric: value = unscaled / 10^scale, with up to 38
/// significant digits (a 128-bit unscaled integer). Arithmetic follows PostgreSQL's result-scale
/// rules; results that do not fit return 22003 (numeric value out of range).
class Decimal {
 public:
  static constexpr int kMaxDigits = 38;
  static constexpr int kMaxScale = 38;

  Decimal() = default;
  Decimal(__int128 unscaled, int32_t scale) : unscaled_(unscaled), scale_(scale) {}

  static Decimal FromInt64(int64_t v) { return Decimal(v, 0); }
  /// Converts a double as PostgreSQL's float8 -> numeric cast does (15 significant digits).
  static Result<Decimal> FromDouble(double v);
  /// Parses PostgreSQL numeric input: optional sign, digits, '.', exponent (1.5e3), surrounding
  /// whitespace. 22P02 on bad syntax.
  static Result<Decimal> Parse(std::string_view text);

  __int128 unscaled() const { return unscaled_; }
  int32_t scale() const { return scale_; }

  /// PostgreSQL text output: exactly `scale` digits after the point ("1.50", "-0.001", "12").
  std::string ToString() const;
  double ToDouble() const;
  /// Rounds half away from zero to an int64; 22003 if out of range.
  Result<int64_t> ToInt64() const;

  Result<Decimal> Add(const Decimal& o) const;
  Result<Decimal> Sub(const Decimal& o) const;
  /// Result scale is the sum of the scales (as PostgreSQL).
  Result<Decimal> Mul(const Decimal& o) const;
  /// PostgreSQL's select_div_scale: at least 16 significant digits, at least max(scales). 22012
  /// on division by zero.
  Result<Decimal> Div(const Decimal& o) const;
  /// Remainder with the sign of the dividend; 22012 on zero divisor.
  Result<Decimal> Mod(const Decimal& o) const;
  Decimal Negate() const { return Decimal(-unscaled_, scale_); }
  Decimal Abs() const { return Decimal(unscaled_ < 0 ? -unscaled_ : unscaled_, scale_); }
  int Sign() const { return unscaled_ < 0 ? -1 : (unscaled_ > 0 ? 1 : 0); }

  /// Rounds half away from zero to `scale` digits (negative scale rounds left of the point).
  Result<Decimal> Round(int32_t scale) const;
  /// Truncates toward zero to `scale` digits.
  Result<Decimal> Trunc(int32_t scale) const;
  Decimal Floor() const;
  Decimal Ceil() const;
  /// Applies numeric(p,s): rounds to s and checks that the integer part fits p - s digits
  /// (22003 "numeric field overflow" otherwise). precision < 0 means unconstrained.
  Result<Decimal> ApplyTypmod(int32_t precision, int32_t scale) const;
  /// Square root rounded to `scale` fractional digits (computed in 113-bit binary floating
  /// point: exact to about 33 significant digits). 2201F for negative input.
  Result<Decimal> Sqrt(int32_t scale) const;
  /// Removes trailing fractional zeros (used for min-scale display and hashing).
  Decimal Normalized() const;

  /// Three-way numeric comparison, independent of scale (1.0 == 1.00).
  int Compare(const Decimal& o) const;
  bool operator==(const Decimal& o) const { return Compare(o) == 0; }
  bool operator<(const Decimal& o) const { return Compare(o) < 0; }

 private:
  __int128 unscaled_ = 0;
  int32_t scale_ = 0;
};

}  // namespace freshet
