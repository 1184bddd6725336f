#include "common/decimal.h"

#include <quadmath.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace freshet {

namespace {

using u128 = unsigned __int128;
using i128 = __int128;

constexpr u128 MakePow10(int n) {
  u128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

struct Pow10Table {
  u128 v[39];
  constexpr Pow10Table() : v() {
    for (int i = 0; i <= 38; ++i) v[i] = MakePow10(i);
  }
};
constexpr Pow10Table kPow10;
constexpr i128 kLimit = static_cast<i128>(MakePow10(38));  // exclusive bound on |unscaled|

u128 UAbs(i128 v) { return v < 0 ? -static_cast<u128>(v) : static_cast<u128>(v); }

/// Number of decimal digits of v (0 has 1 digit).
int DigitCount(u128 v) {
  int lo = 1;
  int hi = 39;  // v < 10^39 always holds for 128-bit values
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (mid <= 38 && v >= kPow10.v[mid]) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

Status Overflow() {
  return Status::Error(sqlstate::kNumericValueOutOfRange, "value overflows numeric format");
}

Status DivByZero() { return Status::Error(sqlstate::kDivisionByZero, "division by zero"); }

Status BadSyntax(std::string_view text) {
  return Status::Error(sqlstate::kInvalidTextRepresentation,
                       "invalid input syntax for type numeric: \"" + std::string(text) + "\"");
}

/// Builds a decimal from a sign and a magnitude, checking the 38-digit limit.
Result<Decimal> Make(bool neg, u128 mag, int32_t scale) {
  if (mag >= static_cast<u128>(kLimit)) return Overflow();
  i128 v = static_cast<i128>(mag);
  return Decimal(neg ? -v : v, scale);
}

/// Divides |v| by 10^k (k in 0..38) rounding half away from zero (round) or toward zero.
u128 ShiftDown(u128 mag, int k, bool round) {
  if (k <= 0) return mag;
  if (k > 38) return 0;  // callers pass mag < 10^38, which rounds to 0 at this shift
  u128 p = kPow10.v[k];
  u128 q = mag / p;
  if (round) {
    u128 r = mag - q * p;
    if (r >= p - r) ++q;  // r * 2 >= p without overflow
  }
  return q;
}

// --- Small fixed-capacity unsigned big integer (32-bit limbs, little endian) --------------------

struct Big {
  static constexpr int kCap = 16;  // 512 bits
  uint32_t d[kCap];
  int n = 0;  // limbs in use; d[n-1] != 0 unless n == 0

  static Big FromU128(u128 v) {
    Big b;
    while (v != 0) {
      b.d[b.n++] = static_cast<uint32_t>(v);
      v >>= 32;
    }
    return b;
  }
  bool IsZero() const { return n == 0; }
  void Trim() {
    while (n > 0 && d[n - 1] == 0) --n;
  }
  bool FitsU128() const { return n <= 4; }
  u128 ToU128() const {
    u128 v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 32) | d[i];
    return v;
  }
  void MulSmall(uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < n; ++i) {
      uint64_t t = static_cast<uint64_t>(d[i]) * m + carry;
      d[i] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) d[n++] = static_cast<uint32_t>(carry);
  }
  void MulPow10(int k) {
    while (k >= 9) {
      MulSmall(1000000000u);
      k -= 9;
    }
    static constexpr uint32_t kSmall[9] = {1,      10,      100,      1000,     10000,
                                           100000, 1000000, 10000000, 100000000};
    if (k > 0) MulSmall(kSmall[k]);
  }
  static int Cmp(const Big& a, const Big& b) {
    if (a.n != b.n) return a.n < b.n ? -1 : 1;
    for (int i = a.n - 1; i >= 0; --i) {
      if (a.d[i] != b.d[i]) return a.d[i] < b.d[i] ? -1 : 1;
    }
    return 0;
  }
  static Big Add(const Big& a, const Big& b) {
    Big r;
    uint64_t carry = 0;
    int n = a.n > b.n ? a.n : b.n;
    for (int i = 0; i < n; ++i) {
      uint64_t t = carry;
      if (i < a.n) t += a.d[i];
      if (i < b.n) t += b.d[i];
      r.d[i] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    r.n = n;
    if (carry != 0) r.d[r.n++] = static_cast<uint32_t>(carry);
    return r;
  }
  /// a - b, requires a >= b.
  static Big Sub(const Big& a, const Big& b) {
    Big r;
    int64_t borrow = 0;
    for (int i = 0; i < a.n; ++i) {
      int64_t t = static_cast<int64_t>(a.d[i]) - borrow - (i < b.n ? b.d[i] : 0);
      borrow = t < 0 ? 1 : 0;
      r.d[i] = static_cast<uint32_t>(t + (borrow << 32));
    }
    r.n = a.n;
    r.Trim();
    return r;
  }
  static Big Mul(const Big& a, const Big& b) {
    Big r;
    r.n = a.n + b.n;
    for (int i = 0; i < r.n; ++i) r.d[i] = 0;
    for (int i = 0; i < a.n; ++i) {
      uint64_t carry = 0;
      for (int j = 0; j < b.n; ++j) {
        uint64_t t = static_cast<uint64_t>(a.d[i]) * b.d[j] + r.d[i + j] + carry;
        r.d[i + j] = static_cast<uint32_t>(t);
        carry = t >> 32;
      }
      r.d[i + b.n] = static_cast<uint32_t>(carry);
    }
    r.Trim();
    return r;
  }
  /// Knuth's algorithm D: q = u / v, r = u % v. v must be nonzero.
  static void DivMod(const Big& u, const Big& v, Big* q, Big* r) {
    if (Cmp(u, v) < 0) {
      q->n = 0;
      *r = u;
      return;
    }
    if (v.n == 1) {
      uint64_t rem = 0;
      q->n = u.n;
      for (int i = u.n - 1; i >= 0; --i) {
        uint64_t cur = (rem << 32) | u.d[i];
        q->d[i] = static_cast<uint32_t>(cur / v.d[0]);
        rem = cur % v.d[0];
      }
      q->Trim();
      *r = FromU128(rem);
      return;
    }
    int m = u.n;
    int n = v.n;
    int s = __builtin_clz(v.d[n - 1]);
    uint32_t vn[kCap];
    uint32_t un[kCap + 1];
    for (int i = n - 1; i > 0; --i) {
      vn[i] = (v.d[i] << s) |
              (s ? static_cast<uint32_t>(static_cast<uint64_t>(v.d[i - 1]) >> (32 - s)) : 0);
    }
    vn[0] = v.d[0] << s;
    un[m] = s ? static_cast<uint32_t>(static_cast<uint64_t>(u.d[m - 1]) >> (32 - s)) : 0;
    for (int i = m - 1; i > 0; --i) {
      un[i] = (u.d[i] << s) |
              (s ? static_cast<uint32_t>(static_cast<uint64_t>(u.d[i - 1]) >> (32 - s)) : 0);
    }
    un[0] = u.d[0] << s;
    constexpr uint64_t kB = 1ULL << 32;
    q->n = m - n + 1;
    for (int j = m - n; j >= 0; --j) {
      uint64_t num = (static_cast<uint64_t>(un[j + n]) << 32) | un[j + n - 1];
      uint64_t qhat = num / vn[n - 1];
      uint64_t rhat = num % vn[n - 1];
      while (qhat >= kB || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
        --qhat;
        rhat += vn[n - 1];
        if (rhat >= kB) break;
      }
      int64_t borrow = 0;
      int64_t t;
      for (int i = 0; i < n; ++i) {
        uint64_t p = qhat * vn[i];
        t = static_cast<int64_t>(un[i + j]) - borrow - static_cast<int64_t>(p & 0xffffffffULL);
        un[i + j] = static_cast<uint32_t>(t);
        borrow = static_cast<int64_t>(p >> 32) - (t >> 32);
      }
      t = static_cast<int64_t>(un[j + n]) - borrow;
      un[j + n] = static_cast<uint32_t>(t);
      q->d[j] = static_cast<uint32_t>(qhat);
      if (t < 0) {
        q->d[j] -= 1;
        uint64_t carry = 0;
        for (int i = 0; i < n; ++i) {
          uint64_t sum = static_cast<uint64_t>(un[i + j]) + vn[i] + carry;
          un[i + j] = static_cast<uint32_t>(sum);
          carry = sum >> 32;
        }
        un[j + n] += static_cast<uint32_t>(carry);
      }
    }
    q->Trim();
    r->n = n;
    for (int i = 0; i < n - 1; ++i) {
      r->d[i] = (un[i] >> s) |
                (s ? static_cast<uint32_t>(static_cast<uint64_t>(un[i + 1]) << (32 - s)) : 0);
    }
    r->d[n - 1] = un[n - 1] >> s;
    r->Trim();
  }
};

/// Rounds num/den half away from zero (den nonzero).
Big DivRound(const Big& num, const Big& den) {
  Big q;
  Big r;
  Big::DivMod(num, den, &q, &r);
  if (!r.IsZero() && Big::Cmp(Big::Add(r, r), den) >= 0) q = Big::Add(q, Big::FromU128(1));
  return q;
}

/// Number of decimal digits of a big value (>= 1).
int BigDigits(const Big& b) {
  if (b.FitsU128()) return DigitCount(b.ToU128());
  // Divide by 10^19 until it fits.
  Big cur = b;
  int extra = 0;
  Big ten19 = Big::FromU128(static_cast<u128>(10000000000000000000ULL));
  while (!cur.FitsU128()) {
    Big q;
    Big r;
    Big::DivMod(cur, ten19, &q, &r);
    cur = q;
    extra += 19;
  }
  return extra + DigitCount(cur.ToU128());
}

Big BigPow10(int k) {
  Big b = Big::FromU128(1);
  b.MulPow10(k);
  return b;
}

/// Appends the decimal digits of v.
int FormatU128(u128 v, char* out) {
  char tmp[48];
  int n = 0;
  if (v == 0) tmp[n++] = '0';
  while (v != 0) {
    uint64_t chunk;
    u128 q = v / 10000000000000000000ULL;
    chunk = static_cast<uint64_t>(v - q * 10000000000000000000ULL);
    v = q;
    for (int i = 0; i < 19 && (chunk != 0 || v != 0); ++i) {
      tmp[n++] = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  for (int i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  return n;
}

/// Base-10000 weight and leading group of |u| / 10^scale, as PostgreSQL's NumericVar holds them.
void BaseNWeight(u128 mag, int32_t scale, int* weight, int* first) {
  if (mag == 0) {
    *weight = 0;
    *first = 0;
    return;
  }
  int digits = DigitCount(mag);
  int e = digits - 1 - scale;  // exponent of the leading decimal digit
  int w = e >= 0 ? e / 4 : -((-e + 3) / 4);
  int k = e - 4 * w + 1;  // digits in the leading group (1..4)
  u128 lead = digits >= k ? mag / kPow10.v[digits - k] : mag * kPow10.v[k - digits];
  *weight = w;
  *first = static_cast<int>(lead);
}

}  // namespace

// --- Parsing and formatting ---------------------------------------------------------------------

Result<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  size_t n = text.size();
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (i < n && is_space(text[i])) ++i;
  while (n > i && is_space(text[n - 1])) --n;
  bool neg = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    neg = text[i] == '-';
    ++i;
  }
  u128 acc = 0;
  int sig = 0;
  int frac = 0;
  bool any = false;
  bool seen_point = false;
  bool too_many = false;
  for (; i < n; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (seen_point) ++frac;
      if (acc == 0 && c == '0') continue;
      if (sig >= kMaxDigits) {
        too_many = true;
      } else {
        acc = acc * 10 + static_cast<unsigned>(c - '0');
        ++sig;
      }
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any) return BadSyntax(text);
  int64_t exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      eneg = text[i] == '-';
      ++i;
    }
    if (i >= n || text[i] < '0' || text[i] > '9') return BadSyntax(text);
    for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent < 1000000000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (eneg) exponent = -exponent;
  }
  if (i != n) return BadSyntax(text);
  if (too_many) return Overflow();
  int64_t dscale = frac - exponent;
  if (dscale < 0) {
    if (acc != 0) {
      if (sig - dscale > kMaxDigits) return Overflow();
      acc *= kPow10.v[-dscale];
    }
    dscale = 0;
  }
  if (dscale > kMaxScale) return Overflow();
  return Make(neg, acc, static_cast<int32_t>(dscale));
}

std::string Decimal::ToString() const {
  char buf[96];
  char digits[48];
  int nd = FormatU128(UAbs(unscaled_), digits);
  int pos = 0;
  if (unscaled_ < 0) buf[pos++] = '-';
  int scale = scale_ > 0 ? scale_ : 0;
  if (nd <= scale) {
    buf[pos++] = '0';
    buf[pos++] = '.';
    for (int i = nd; i < scale; ++i) buf[pos++] = '0';
    std::memcpy(buf + pos, digits, nd);
    pos += nd;
  } else {
    int int_digits = nd - scale;
    std::memcpy(buf + pos, digits, int_digits);
    pos += int_digits;
    if (scale > 0) {
      buf[pos++] = '.';
      std::memcpy(buf + pos, digits + int_digits, scale);
      pos += scale;
    }
  }
  return std::string(buf, pos);
}

Result<Decimal> Decimal::FromDouble(double v) {
  if (std::isnan(v)) return BadSyntax("NaN");
  if (std::isinf(v)) return BadSyntax(v > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  int len = std::snprintf(buf, sizeof(buf), "%.15g", v);
  return Parse(std::string_view(buf, len));
}

double Decimal::ToDouble() const {
  static constexpr double kExact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  u128 mag = UAbs(unscaled_);
  if (mag <= (static_cast<u128>(1) << 53) && scale_ >= 0 && scale_ <= 22) {
    double d = static_cast<double>(mag) / kExact[scale_];
    return unscaled_ < 0 ? -d : d;
  }
  std::string s = ToString();
  return std::strtod(s.c_str(), nullptr);
}

Result<int64_t> Decimal::ToInt64() const {
  u128 mag = ShiftDown(UAbs(unscaled_), scale_, /*round=*/true);
  if (unscaled_ < 0) {
    if (mag > static_cast<u128>(INT64_MAX) + 1) {
      return Status::Error(sqlstate::kNumericValueOutOfRange, "bigint out of range");
    }
    return static_cast<int64_t>(-static_cast<i128>(mag));
  }
  if (mag > static_cast<u128>(INT64_MAX)) {
    return Status::Error(sqlstate::kNumericValueOutOfRange, "bigint out of range");
  }
  return static_cast<int64_t>(mag);
}

// --- Arithmetic ---------------------------------------------------------------------------------

namespace {

/// Scales v up by 10^k; false on leaving the 38-digit range.
inline bool ScaleUp(i128 v, int k, i128* out) {
  if (k > 38) {
    *out = 0;
    return v == 0;
  }
  i128 r;
  if (__builtin_mul_overflow(v, static_cast<i128>(kPow10.v[k]), &r)) return false;
  if (r >= kLimit || r <= -kLimit) return false;
  *out = r;
  return true;
}

}  // namespace

namespace {

[[gnu::cold, gnu::noinline]] Result<Decimal> OverflowResult() { return Overflow(); }

/// Add with differing scales (kept out of line so the same-scale path stays small).
[[gnu::noinline]] Result<Decimal> AddAligned(const Decimal& x, const Decimal& y) {
  i128 a = x.unscaled();
  i128 b = y.unscaled();
  int32_t s;
  bool ok;
  if (x.scale() < y.scale()) {
    s = y.scale();
    int k = y.scale() - x.scale();
    ok = k <= 38 && !__builtin_mul_overflow(a, static_cast<i128>(kPow10.v[k]), &a);
  } else {
    s = x.scale();
    int k = x.scale() - y.scale();
    ok = k <= 38 && !__builtin_mul_overflow(b, static_cast<i128>(kPow10.v[k]), &b);
  }
  i128 r;
  if (ok && !__builtin_add_overflow(a, b, &r)) {
    if (r >= kLimit || r <= -kLimit) return Overflow();
    return Decimal(r, s);
  }
  // Slow path: an aligned operand left the 128-bit range; the sum may still fit.
  Big bx = Big::FromU128(UAbs(x.unscaled()));
  bx.MulPow10(s - x.scale());
  Big by = Big::FromU128(UAbs(y.unscaled()));
  by.MulPow10(s - y.scale());
  bool xneg = x.unscaled() < 0;
  bool yneg = y.unscaled() < 0;
  Big sum;
  bool neg;
  if (xneg == yneg) {
    sum = Big::Add(bx, by);
    neg = xneg;
  } else if (Big::Cmp(bx, by) >= 0) {
    sum = Big::Sub(bx, by);
    neg = xneg;
  } else {
    sum = Big::Sub(by, bx);
    neg = yneg;
  }
  if (!sum.FitsU128()) return Overflow();
  return Make(neg, sum.ToU128(), s);
}

}  // namespace

Result<Decimal> Decimal::Add(const Decimal& o) const {
  if (__builtin_expect(scale_ == o.scale_, 1)) {
    // |a|, |b| < 10^38, but their sum can still leave the 128-bit range.
    i128 r;
    if (!__builtin_add_overflow(unscaled_, o.unscaled_, &r) && r < kLimit && r > -kLimit) {
      return Decimal(r, scale_);
    }
    return OverflowResult();
  }
  return AddAligned(*this, o);
}

Result<Decimal> Decimal::Sub(const Decimal& o) const { return Add(o.Negate()); }

Result<Decimal> Decimal::Mul(const Decimal& o) const {
  int32_t s = scale_ + o.scale_;
  i128 r;
  if (s <= kMaxScale && !__builtin_mul_overflow(unscaled_, o.unscaled_, &r) && r < kLimit &&
      r > -kLimit) {
    return Decimal(r, s);
  }
  bool neg = (unscaled_ < 0) != (o.unscaled_ < 0);
  Big p = Big::Mul(Big::FromU128(UAbs(unscaled_)), Big::FromU128(UAbs(o.unscaled_)));
  if (p.IsZero()) return Decimal(0, s > kMaxScale ? kMaxScale : s);
  int digits = BigDigits(p);
  int drop = digits - kMaxDigits;
  if (s - drop > kMaxScale) drop = s - kMaxScale;
  if (drop < 0) drop = 0;
  if (drop > s) return Overflow();
  Big q = DivRound(p, BigPow10(drop));
  s -= drop;
  if (!q.FitsU128()) return Overflow();
  u128 mag = q.ToU128();
  if (mag >= static_cast<u128>(kLimit)) {
    // Rounding carried into a 39th digit (the value is exactly 10^38 / 10^s).
    if (s == 0) return Overflow();
    mag /= 10;
    --s;
  }
  return Make(neg, mag, s);
}

Result<Decimal> Decimal::Div(const Decimal& o) const {
  if (o.unscaled_ == 0) return DivByZero();
  u128 ma = UAbs(unscaled_);
  u128 mb = UAbs(o.unscaled_);
  int w1, f1, w2, f2;
  BaseNWeight(ma, scale_, &w1, &f1);
  BaseNWeight(mb, o.scale_, &w2, &f2);
  int qweight = w1 - w2;
  if (f1 <= f2) --qweight;
  int rscale = 16 - qweight * 4;
  if (rscale < scale_) rscale = scale_;
  if (rscale < o.scale_) rscale = o.scale_;
  if (rscale < 0) rscale = 0;
  if (rscale > kMaxScale) rscale = kMaxScale;
  bool neg = (unscaled_ < 0) != (o.unscaled_ < 0);
  if (ma == 0) return Decimal(0, rscale);
  for (int attempt = 0; attempt < 3; ++attempt) {
    // quotient = a * 10^(rscale - s1 + s2) / b
    int e = rscale - scale_ + o.scale_;
    Big num = Big::FromU128(ma);
    Big den = Big::FromU128(mb);
    if (e >= 0) {
      num.MulPow10(e);
    } else {
      den.MulPow10(-e);
    }
    Big q = DivRound(num, den);
    if (q.FitsU128() && q.ToU128() < static_cast<u128>(kLimit)) {
      return Make(neg, q.ToU128(), rscale);
    }
    int excess = BigDigits(q) - kMaxDigits;
    if (excess < 1) excess = 1;
    rscale -= excess;
    if (rscale < 0) return Overflow();
  }
  return Overflow();
}

Result<Decimal> Decimal::Mod(const Decimal& o) const {
  if (o.unscaled_ == 0) return DivByZero();
  int32_t s = scale_ > o.scale_ ? scale_ : o.scale_;
  i128 a;
  i128 b;
  if (ScaleUp(unscaled_, s - scale_, &a) && ScaleUp(o.unscaled_, s - o.scale_, &b)) {
    return Decimal(a % b, s);
  }
  Big num = Big::FromU128(UAbs(unscaled_));
  num.MulPow10(s - scale_);
  Big den = Big::FromU128(UAbs(o.unscaled_));
  den.MulPow10(s - o.scale_);
  Big q;
  Big r;
  Big::DivMod(num, den, &q, &r);
  if (!r.FitsU128()) return Overflow();
  return Make(unscaled_ < 0, r.ToU128(), s);
}

namespace {

/// Rounds or truncates v to `target` fractional digits (may be negative).
Result<Decimal> Rescale(const Decimal& v, int32_t target, bool round) {
  int32_t out_scale = target > 0 ? target : 0;
  if (target >= v.scale()) {
    if (target > Decimal::kMaxScale) {
      if (v.unscaled() == 0) return Decimal(0, Decimal::kMaxScale);
      return Overflow();
    }
    i128 r;
    if (!ScaleUp(v.unscaled(), target - v.scale(), &r)) return Overflow();
    return Decimal(r, target);
  }
  u128 mag = UAbs(v.unscaled());
  int64_t drop = static_cast<int64_t>(v.scale()) - target;
  u128 q;
  if (drop > 38) {
    q = 0;
  } else {
    q = ShiftDown(mag, static_cast<int>(drop), round);
  }
  if (target < 0) {
    // Scale back up to the output scale 0.
    int up = -target;
    if (q != 0) {
      if (up > 38) return Overflow();
      Big b = Big::FromU128(q);
      b.MulPow10(up);
      if (!b.FitsU128() || b.ToU128() >= static_cast<u128>(kLimit)) return Overflow();
      q = b.ToU128();
    }
  }
  return Make(v.unscaled() < 0, q, out_scale);
}

}  // namespace

Result<Decimal> Decimal::Round(int32_t scale) const { return Rescale(*this, scale, true); }

Result<Decimal> Decimal::Trunc(int32_t scale) const { return Rescale(*this, scale, false); }

Decimal Decimal::Floor() const {
  if (scale_ <= 0) return *this;
  u128 mag = UAbs(unscaled_);
  u128 q = mag / kPow10.v[scale_];
  bool exact = q * kPow10.v[scale_] == mag;
  if (unscaled_ < 0) {
    if (!exact) ++q;
    return Decimal(-static_cast<i128>(q), 0);
  }
  return Decimal(static_cast<i128>(q), 0);
}

Decimal Decimal::Ceil() const {
  if (scale_ <= 0) return *this;
  u128 mag = UAbs(unscaled_);
  u128 q = mag / kPow10.v[scale_];
  bool exact = q * kPow10.v[scale_] == mag;
  if (unscaled_ < 0) return Decimal(-static_cast<i128>(q), 0);
  if (!exact) ++q;
  return Decimal(static_cast<i128>(q), 0);
}

Result<Decimal> Decimal::ApplyTypmod(int32_t precision, int32_t scale) const {
  if (precision < 0) return *this;
  Result<Decimal> rounded = Rescale(*this, scale, true);
  int maxdigits = precision - scale;
  auto field_overflow = [&]() {
    std::string limit = maxdigits != 0 ? "10^" + std::to_string(maxdigits) : "1";
    Status st = Status::Error(sqlstate::kNumericValueOutOfRange, "numeric field overflow");
    st.WithDetail("A field with precision " + std::to_string(precision) + ", scale " +
                  std::to_string(scale) + " must round to an absolute value less than " + limit +
                  ".");
    return st;
  };
  if (!rounded.ok()) {
    // Too many digits for our representation: the typmod limit (<= 38 digits) is exceeded too
    // unless the requested scale itself is out of our range.
    if (precision <= kMaxDigits && scale <= kMaxScale) return field_overflow();
    return rounded.status();
  }
  const Decimal& r = *rounded;
  u128 mag = UAbs(r.unscaled_);
  if (mag != 0) {
    int ddigits = DigitCount(mag) - r.scale_;  // integer digits (<= 0 for |v| < 1)
    if (ddigits > maxdigits) return field_overflow();
  }
  return r;
}

Decimal Decimal::Normalized() const {
  if (unscaled_ == 0) return Decimal(0, 0);
  i128 v = unscaled_;
  int32_t s = scale_;
  while (s > 0 && v % 10 == 0) {
    v /= 10;
    --s;
  }
  return Decimal(v, s);
}

int Decimal::Compare(const Decimal& o) const {
  if (scale_ == o.scale_) {
    return unscaled_ < o.unscaled_ ? -1 : (unscaled_ > o.unscaled_ ? 1 : 0);
  }
  int sa = Sign();
  int sb = o.Sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  i128 a = unscaled_;
  i128 b = o.unscaled_;
  if (scale_ < o.scale_) {
    int k = o.scale_ - scale_;
    if (k > 38 || __builtin_mul_overflow(a, static_cast<i128>(kPow10.v[k]), &a)) {
      return sa;  // |a| scaled exceeds any 128-bit value, so |this| > |o|
    }
  } else {
    int k = scale_ - o.scale_;
    if (k > 38 || __builtin_mul_overflow(b, static_cast<i128>(kPow10.v[k]), &b)) return -sa;
  }
  return a < b ? -1 : (a > b ? 1 : 0);
}

Result<Decimal> Decimal::Sqrt(int32_t scale) const {
  if (Sign() < 0) {
    return Status::Error(sqlstate::kInvalidArgumentForPower,
                         "cannot take square root of a negative number");
  }
  if (scale < 0) scale = 0;
  if (scale > kMaxScale) scale = kMaxScale;
  __float128 ten = 10;
  __float128 x = static_cast<__float128>(unscaled_);
  for (int32_t i = 0; i < scale_; i++) x /= ten;
  __float128 r = sqrtq(x);
  for (int32_t i = 0; i < scale; i++) r *= ten;
  r = roundq(r);
  if (r >= static_cast<__float128>(1e38)) {
    return Status::Error(sqlstate::kNumericValueOutOfRange, "value overflows numeric format");
  }
  return Decimal(static_cast<__int128>(r), scale);
}

}  // namespace freshet
