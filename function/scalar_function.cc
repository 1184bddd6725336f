#include "function/scalar_function.h"

#include <locale.h>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cmath>
#include <cstring>
#include <cwctype>
#include <functional>
#include <optional>
#include <random>
#include <regex>
#include <unordered_map>

#include "common/json.h"
#include "common/md5.h"
#include "common/record.h"
#include "common/utf8.h"
#include "function/cast.h"

namespace freshet::function {
namespace {

using T = TypeId;

// ---------------------------------------------------------------------------------------------
// Helpers

Status IntOutOfRange(TypeId id) {
  const char* name = id == T::kInt16 ? "smallint" : id == T::kInt32 ? "integer" : "bigint";
  return Status::Error(sqlstate::kNumericValueOutOfRange, std::string(name) + " out of range");
}

Result<Value> MakeInt(TypeId id, __int128 v) {
  int64_t lo = id == T::kInt16 ? INT16_MIN : id == T::kInt32 ? INT32_MIN : INT64_MIN;
  int64_t hi = id == T::kInt16 ? INT16_MAX : id == T::kInt32 ? INT32_MAX : INT64_MAX;
  if (v < lo || v > hi) return IntOutOfRange(id);
  return Value::FromInt(id, static_cast<int64_t>(v));
}

Status DivByZero() { return Status::Error(sqlstate::kDivisionByZero, "division by zero"); }

Result<Value> CheckFloat(TypeId id, double d, bool inputs_finite) {
  if (inputs_finite && std::isinf(d)) {
    return Status::Error(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  }
  if (id == T::kFloat32) {
    float f = static_cast<float>(d);
    if (inputs_finite && std::isinf(f)) {
      return Status::Error(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
    }
    return Value::Float32(f);
  }
  return Value::Float64(d);
}

/// Byte offset of character index `chars` (clamped to the end).
size_t Utf8Offset(std::string_view s, int64_t chars) {
  return chars <= 0 ? 0 : utf8::PrefixBytes(s, static_cast<size_t>(chars));
}

std::string_view Str(const Value& v) { return v.GetString(); }
Value TextV(std::string s) { return Value::Text(std::move(s)); }

/// The type's output function (what concat() and format() use: booleans print t/f).
std::string TextOf(const Value& v, const EvalContext& ctx) {
  if (v.type().IsString() || v.type_id() == T::kUnknown) return v.GetString();
  TextFormatOptions o;
  o.time_zone = &ctx.tz();
  return v.ToText(o);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

Result<Value> IntArith(char op, TypeId id, int64_t a, int64_t b) {
  __int128 r;
  switch (op) {
    case '+':
      r = static_cast<__int128>(a) + b;
      break;
    case '-':
      r = static_cast<__int128>(a) - b;
      break;
    case '*':
      r = static_cast<__int128>(a) * b;
      break;
    case '/':
      if (b == 0) return DivByZero();
      r = static_cast<__int128>(a) / b;
      break;
    case '%':
      if (b == 0) return DivByZero();
      r = b == -1 ? 0 : a % b;
      break;
    default:
      return Status::Internal("bad int op");
  }
  return MakeInt(id, r);
}

template <char kOp>
Result<Value> ArithFn(const Value* a, size_t, const EvalContext& ctx) {
  TypeId id = a[0].type_id();
  switch (id) {
    case T::kInt16:
    case T::kInt32:
    case T::kInt64:
      return IntArith(kOp, id, a[0].GetInt(), a[1].GetInt());
    case T::kFloat32:
    case T::kFloat64: {
      double x = a[0].GetDouble(), y = a[1].GetDouble(), r;
      switch (kOp) {
        case '+':
          r = x + y;
          break;
        case '-':
          r = x - y;
          break;
        case '*':
          r = x * y;
          break;
        case '/':
          if (y == 0) return DivByZero();
          r = x / y;
          break;
        default:
          return Status::Error(sqlstate::kUndefinedFunction,
                               "operator does not exist: double precision % double precision");
      }
      return CheckFloat(id, r, std::isfinite(x) && std::isfinite(y));
    }
    case T::kNumeric: {
      const Decimal& x = a[0].GetDecimal();
      const Decimal& y = a[1].GetDecimal();
      Result<Decimal> r = kOp == '+'   ? x.Add(y)
                          : kOp == '-' ? x.Sub(y)
                          : kOp == '*' ? x.Mul(y)
                          : kOp == '/' ? x.Div(y)
                                       : x.Mod(y);
      if (!r.ok()) return r.status();
      return Value::Numeric(*r);
    }
    case T::kInterval: {
      if (kOp == '+')
        return Value::MakeInterval(datetime::IntervalAdd(a[0].GetInterval(), a[1].GetInterval()));
      if (kOp == '-') {
        return Value::MakeInterval(datetime::IntervalAdd(
            a[0].GetInterval(), datetime::IntervalNegate(a[1].GetInterval())));
      }
      break;
    }
    default:
      break;
  }
  (void)ctx;
  return Status::Internal("bad arithmetic types");
}

Result<Value> NegFn(const Value* a, size_t, const EvalContext&) {
  switch (a[0].type_id()) {
    case T::kInt16:
    case T::kInt32:
    case T::kInt64:
      return MakeInt(a[0].type_id(), -static_cast<__int128>(a[0].GetInt()));
    case T::kFloat32:
    case T::kFloat64:
      return Value::FromDouble(a[0].type(), -a[0].GetDouble());
    case T::kNumeric:
      return Value::Numeric(a[0].GetDecimal().Negate());
    case T::kInterval:
      return Value::MakeInterval(datetime::IntervalNegate(a[0].GetInterval()));
    default:
      return Status::Internal("bad negation type");
  }
}

/// Exact-enough bridge for numeric results computed in long double (about 19 significant
/// digits, more than the 16 PostgreSQL guarantees for sqrt/power/stddev).
long double ToLongDouble(const Decimal& d) { return std::strtold(d.ToString().c_str(), nullptr); }

Result<Decimal> DecimalFromLongDouble(long double v, int scale) {
  scale = std::clamp(scale, 0, Decimal::kMaxScale);
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%.*Lf", scale, v);
  return Decimal::Parse(buf);
}

Result<Value> PowFn(const Value* a, size_t, const EvalContext&) {
  if (a[0].type_id() == T::kNumeric) {
    double x = a[0].GetDecimal().ToDouble(), y = a[1].GetDecimal().ToDouble();
    if (x == 0 && y < 0) {
      return Status::Error(sqlstate::kInvalidArgumentForPower,
                           "zero raised to a negative power is undefined");
    }
    if (x < 0 && std::floor(y) != y) {
      return Status::Error(sqlstate::kInvalidArgumentForPower,
                           "a negative number raised to a non-integer power yields a complex "
                           "result");
    }
    const Decimal& base = a[0].GetDecimal();
    const Decimal& exp = a[1].GetDecimal();
    long double r = std::pow(ToLongDouble(base), ToLongDouble(exp));
    // PostgreSQL's power_var: integral exponents keep 16 decimals; others 16 significant digits.
    int scale;
    if (exp.Normalized().scale() == 0) {
      scale = 16;
    } else {
      scale = 16 - static_cast<int>(static_cast<double>(y) * std::log10(std::fabs(x)));
      scale = std::max(scale, exp.scale());
    }
    scale = std::max(scale, base.scale());
    ASSIGN_OR_RETURN(Decimal d, DecimalFromLongDouble(r, scale));
    return Value::Numeric(d);
  }
  double x = a[0].GetDouble(), y = a[1].GetDouble();
  if (x == 0 && y < 0) {
    return Status::Error(sqlstate::kInvalidArgumentForPower,
                         "zero raised to a negative power is undefined");
  }
  if (x < 0 && std::floor(y) != y) {
    return Status::Error(sqlstate::kInvalidArgumentForPower,
                         "a negative number raised to a non-integer power yields a complex result");
  }
  return CheckFloat(T::kFloat64, std::pow(x, y), std::isfinite(x) && std::isfinite(y));
}

// Date/time arithmetic
Result<Value> DatePlusInt(const Value* a, size_t, const EvalContext&) {
  return Value::Date(static_cast<int32_t>(a[0].GetInt() + a[1].GetInt()));
}
Result<Value> IntPlusDate(const Value* a, size_t, const EvalContext&) {
  return Value::Date(static_cast<int32_t>(a[0].GetInt() + a[1].GetInt()));
}
Result<Value> DateMinusInt(const Value* a, size_t, const EvalContext&) {
  return Value::Date(static_cast<int32_t>(a[0].GetInt() - a[1].GetInt()));
}
Result<Value> DateMinusDate(const Value* a, size_t, const EvalContext&) {
  return Value::Int32(static_cast<int32_t>(a[0].GetInt() - a[1].GetInt()));
}
Result<Value> TsPlusIv(const Value* a, size_t, const EvalContext& ctx) {
  int64_t ts = a[0].type_id() == T::kDate ? a[0].GetInt() * datetime::kMicrosPerDay : a[0].GetInt();
  if (a[0].type_id() == T::kTimestampTz) {
    ASSIGN_OR_RETURN(int64_t r,
                     datetime::TimestampTzPlusInterval(ts, a[1].GetInterval(), ctx.tz()));
    return Value::TimestampTz(r);
  }
  ASSIGN_OR_RETURN(int64_t r, datetime::TimestampPlusInterval(ts, a[1].GetInterval()));
  return Value::Timestamp(r);
}
Result<Value> IvPlusTs(const Value* a, size_t n, const EvalContext& ctx) {
  Value swapped[2] = {a[1], a[0]};
  return TsPlusIv(swapped, n, ctx);
}
Result<Value> TsMinusIv(const Value* a, size_t n, const EvalContext& ctx) {
  Value args[2] = {a[0], Value::MakeInterval(datetime::IntervalNegate(a[1].GetInterval()))};
  return TsPlusIv(args, n, ctx);
}
Result<Value> TsMinusTs(const Value* a, size_t, const EvalContext&) {
  return Value::MakeInterval(datetime::TimestampDiff(a[0].GetInt(), a[1].GetInt()));
}
Result<Value> TimePlusIv(const Value* a, size_t, const EvalContext&) {
  int64_t m = (a[0].GetInt() + a[1].GetInterval().micros) % datetime::kMicrosPerDay;
  if (m < 0) m += datetime::kMicrosPerDay;
  return Value::Time(m);
}
Result<Value> TimeMinusIv(const Value* a, size_t, const EvalContext&) {
  int64_t m = (a[0].GetInt() - a[1].GetInterval().micros) % datetime::kMicrosPerDay;
  if (m < 0) m += datetime::kMicrosPerDay;
  return Value::Time(m);
}
Result<Value> TimeMinusTime(const Value* a, size_t, const EvalContext&) {
  Interval iv;
  iv.micros = a[0].GetInt() - a[1].GetInt();
  return Value::MakeInterval(iv);
}
Result<Value> IvMulF(const Value* a, size_t, const EvalContext&) {
  bool iv_first = a[0].type_id() == T::kInterval;
  ASSIGN_OR_RETURN(Interval r,
                   datetime::IntervalMul(iv_first ? a[0].GetInterval() : a[1].GetInterval(),
                                         iv_first ? a[1].GetDouble() : a[0].GetDouble()));
  return Value::MakeInterval(r);
}
Result<Value> IvDivF(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(Interval r, datetime::IntervalDiv(a[0].GetInterval(), a[1].GetDouble()));
  return Value::MakeInterval(r);
}

// ---------------------------------------------------------------------------------------------
// Text

/// The value cast to text (what || uses: booleans become true/false).
std::string CastText(const Value& v, const EvalContext& ctx) {
  if (v.type_id() == T::kBool) return v.GetBool() ? "true" : "false";
  return TextOf(v, ctx);
}

Result<Value> ConcatOp(const Value* a, size_t, const EvalContext& ctx) {
  return TextV(CastText(a[0], ctx) + CastText(a[1], ctx));
}
Result<Value> LengthFn(const Value* a, size_t, const EvalContext&) {
  std::string_view s = Str(a[0]);
  if (a[0].type_id() == T::kChar) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  }
  if (a[0].type_id() == T::kBytea) return Value::Int32(static_cast<int32_t>(s.size()));
  return Value::Int32(static_cast<int32_t>(utf8::Length(s)));
}
Result<Value> OctetLengthFn(const Value* a, size_t, const EvalContext&) {
  return Value::Int32(static_cast<int32_t>(Str(a[0]).size()));
}
/// Maps every character through `fn` (towlower/towupper under the C.UTF-8 locale), decoding
/// and re-encoding UTF-8; ASCII takes a fast path.
std::string MapCase(std::string_view in, bool upper) {
  static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(upper ? std::toupper(c) : std::tolower(c)));
      i++;
      continue;
    }
    int len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    if (i + len > in.size() || len == 1 || !utf8) {
      out.append(in.substr(i, std::min<size_t>(len, in.size() - i)));
      i += len;
      continue;
    }
    uint32_t cp = c & (0xFF >> (len + 1));
    for (int k = 1; k < len; k++) cp = (cp << 6) | (static_cast<unsigned char>(in[i + k]) & 0x3F);
    cp = static_cast<uint32_t>(upper ? towupper_l(cp, utf8) : towlower_l(cp, utf8));
    utf8::Append(&out, cp);
    i += len;
  }
  return out;
}
Result<Value> LowerFn(const Value* a, size_t, const EvalContext&) {
  return TextV(MapCase(Str(a[0]), false));
}
Result<Value> UpperFn(const Value* a, size_t, const EvalContext&) {
  return TextV(MapCase(Str(a[0]), true));
}
Result<Value> InitcapFn(const Value* a, size_t, const EvalContext&) {
  std::string s(Str(a[0]));
  bool start = true;
  for (auto& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
      start = false;
    } else {
      start = true;
    }
  }
  return TextV(std::move(s));
}
Result<Value> SubstrFn(const Value* a, size_t n, const EvalContext&) {
  std::string_view s = Str(a[0]);
  int64_t start = a[1].GetInt();
  int64_t len_chars = static_cast<int64_t>(utf8::Length(s));
  int64_t end;
  if (n == 3) {
    int64_t len = a[2].GetInt();
    if (len < 0) {
      return Status::Error(sqlstate::kDataException, "negative substring length not allowed");
    }
    end = start + len;
  } else {
    end = len_chars + 1;
  }
  int64_t from = std::max<int64_t>(start, 1);
  if (end <= from) return TextV("");
  size_t b = Utf8Offset(s, from - 1), e = Utf8Offset(s, end - 1);
  return TextV(std::string(s.substr(b, e - b)));
}
Result<Value> PositionFn(const Value* a, size_t, const EvalContext&) {
  // position(sub IN str): args (sub, str); strpos(str, sub)
  std::string_view sub = Str(a[0]), s = Str(a[1]);
  size_t p = s.find(sub);
  if (p == std::string_view::npos) return Value::Int32(0);
  return Value::Int32(static_cast<int32_t>(utf8::Length(s.substr(0, p)) + 1));
}
Result<Value> StrposFn(const Value* a, size_t n, const EvalContext& ctx) {
  Value swapped[2] = {a[1], a[0]};
  return PositionFn(swapped, n, ctx);
}
Result<Value> ReplaceFn(const Value* a, size_t, const EvalContext&) {
  std::string s(Str(a[0]));
  std::string_view from = Str(a[1]), to = Str(a[2]);
  if (from.empty()) return TextV(s);
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t p = s.find(from, pos);
    if (p == std::string::npos) break;
    out.append(s, pos, p - pos);
    out.append(to);
    pos = p + from.size();
  }
  out.append(s, pos, std::string::npos);
  return TextV(std::move(out));
}
template <int kMode>  // 0 both, 1 leading, 2 trailing
Result<Value> TrimFn(const Value* a, size_t n, const EvalContext&) {
  std::string_view s = Str(a[0]);
  std::string_view chars = n > 1 ? Str(a[1]) : std::string_view(" ");
  if (kMode != 2) {
    while (!s.empty() && chars.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  }
  if (kMode != 1) {
    while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  }
  return TextV(std::string(s));
}
Result<Value> ConcatFn(const Value* a, size_t n, const EvalContext& ctx) {
  std::string out;
  for (size_t i = 0; i < n; i++) {
    if (!a[i].is_null()) out += TextOf(a[i], ctx);
  }
  return TextV(std::move(out));
}
Result<Value> ConcatWsFn(const Value* a, size_t n, const EvalContext& ctx) {
  if (a[0].is_null()) return Value::Null(T::kText);
  std::string sep = TextOf(a[0], ctx), out;
  bool first = true;
  for (size_t i = 1; i < n; i++) {
    if (a[i].is_null()) continue;
    if (!first) out += sep;
    out += TextOf(a[i], ctx);
    first = false;
  }
  return TextV(std::move(out));
}
Result<Value> SplitPartFn(const Value* a, size_t, const EvalContext&) {
  std::string_view s = Str(a[0]), d = Str(a[1]);
  int64_t field = a[2].GetInt();
  if (field == 0) {
    return Status::Error(sqlstate::kInvalidParameterValue, "field position must not be zero");
  }
  std::vector<std::string_view> parts;
  if (d.empty()) {
    parts.push_back(s);
  } else {
    size_t pos = 0;
    while (true) {
      size_t p = s.find(d, pos);
      if (p == std::string_view::npos) {
        parts.push_back(s.substr(pos));
        break;
      }
      parts.push_back(s.substr(pos, p - pos));
      pos = p + d.size();
    }
  }
  if (s.empty()) return TextV("");
  int64_t idx = field > 0 ? field - 1 : static_cast<int64_t>(parts.size()) + field;
  if (idx < 0 || idx >= static_cast<int64_t>(parts.size())) return TextV("");
  return TextV(std::string(parts[idx]));
}
Result<Value> LeftFn(const Value* a, size_t, const EvalContext&) {
  std::string_view s = Str(a[0]);
  int64_t n = a[1].GetInt(), len = static_cast<int64_t>(utf8::Length(s));
  int64_t k = n >= 0 ? std::min(n, len) : std::max<int64_t>(0, len + n);
  return TextV(std::string(s.substr(0, Utf8Offset(s, k))));
}
Result<Value> RightFn(const Value* a, size_t, const EvalContext&) {
  std::string_view s = Str(a[0]);
  int64_t n = a[1].GetInt(), len = static_cast<int64_t>(utf8::Length(s));
  int64_t k = n >= 0 ? std::min(n, len) : std::max<int64_t>(0, len + n);
  return TextV(std::string(s.substr(Utf8Offset(s, len - k))));
}
Result<Value> RepeatFn(const Value* a, size_t, const EvalContext&) {
  std::string out;
  int64_t n = a[1].GetInt();
  if (n > 0 && Str(a[0]).size() * static_cast<size_t>(n) > (1u << 30)) {
    return Status::Error(sqlstate::kProgramLimitExceeded, "requested length too large");
  }
  for (int64_t i = 0; i < n; i++) out += Str(a[0]);
  return TextV(std::move(out));
}
Result<Value> ReverseFn(const Value* a, size_t, const EvalContext&) {
  std::string s(Str(a[0]));
  std::reverse(s.begin(), s.end());
  return TextV(std::move(s));
}
template <bool kLeft>
Result<Value> PadFn(const Value* a, size_t n, const EvalContext&) {
  std::string s(Str(a[0]));
  int64_t len = a[1].GetInt();
  std::string fill = n > 2 ? std::string(Str(a[2])) : " ";
  int64_t cur = static_cast<int64_t>(utf8::Length(s));
  if (len <= cur) return TextV(s.substr(0, Utf8Offset(s, std::max<int64_t>(len, 0))));
  if (fill.empty()) return TextV(s);
  std::string pad;
  for (int64_t i = 0; i < len - cur; i++) pad += fill[i % fill.size()];
  return TextV(kLeft ? pad + s : s + pad);
}
Result<Value> AsciiFn(const Value* a, size_t, const EvalContext&) {
  std::string_view s = Str(a[0]);
  return Value::Int32(s.empty() ? 0 : static_cast<unsigned char>(s[0]));
}
Result<Value> ChrFn(const Value* a, size_t, const EvalContext&) {
  int64_t c = a[0].GetInt();
  if (c <= 0 || c > 0x10FFFF) {
    return Status::Error(sqlstate::kProgramLimitExceeded,
                         "requested character too large for encoding");
  }
  std::string out;
  utf8::Append(&out, static_cast<uint32_t>(c));
  return TextV(std::move(out));
}
Result<Value> StartsWithFn(const Value* a, size_t, const EvalContext&) {
  return Value::Bool(Str(a[0]).substr(0, Str(a[1]).size()) == Str(a[1]));
}
Result<Value> QuoteIdentFn(const Value* a, size_t, const EvalContext&) {
  std::string_view s = Str(a[0]);
  bool plain = !s.empty() && (std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_');
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      plain = false;
    }
  }
  if (plain) return TextV(std::string(s));
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return TextV(out + "\"");
}
Result<Value> QuoteLiteralFn(const Value* a, size_t, const EvalContext& ctx) {
  std::string s = CastText(a[0], ctx), out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return TextV(out + "'");
}
/// format(fmt, args...): %s (text, NULL as empty), %I (quote_ident; NULL is 22004), %L
/// (quote_literal; NULL as NULL) and %%; widths and positions are 0A000 here.
Result<Value> FormatFn(const Value* a, size_t n, const EvalContext& ctx) {
  if (a[0].is_null()) return Value::Null(T::kText);
  std::string_view f = Str(a[0]);
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < f.size(); i++) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    if (++i >= f.size()) {
      return Status::Error(sqlstate::kInvalidParameterValue, "unterminated format() type specifier")
          .WithHint("For a single \"%\" use \"%%\".");
    }
    char spec = f[i];
    if (spec == '%') {
      out += '%';
      continue;
    }
    if (spec != 's' && spec != 'I' && spec != 'L') {
      if (std::isdigit(static_cast<unsigned char>(spec)) || spec == '-' || spec == '*') {
        return Status::NotSupported("format() widths and argument positions are not supported yet");
      }
      return Status::Error(sqlstate::kInvalidParameterValue,
                           std::string("unrecognized format() type specifier \"") + spec + "\"")
          .WithHint("For a single \"%\" use \"%%\".");
    }
    if (next >= n) {
      return Status::Error(sqlstate::kInvalidParameterValue, "too few arguments for format()");
    }
    const Value& v = a[next++];
    if (spec == 's') {
      if (!v.is_null()) out += TextOf(v, ctx);
    } else if (spec == 'I') {
      if (v.is_null()) {
        return Status::Error("22004", "null values cannot be formatted as an SQL identifier");
      }
      Value text = TextV(TextOf(v, ctx));
      ASSIGN_OR_RETURN(Value q, QuoteIdentFn(&text, 1, ctx));
      out += Str(q);
    } else if (v.is_null()) {
      out += "NULL";
    } else {
      ASSIGN_OR_RETURN(Value q, QuoteLiteralFn(&v, 1, ctx));
      out += Str(q);
    }
  }
  return TextV(std::move(out));
}

Result<Value> Md5Fn(const Value* a, size_t, const EvalContext&) {
  return TextV(Md5::Hex(Str(a[0])));
}

// ---------------------------------------------------------------------------------------------
// Math

Result<Value> AbsFn(const Value* a, size_t, const EvalContext&) {
  switch (a[0].type_id()) {
    case T::kInt16:
    case T::kInt32:
    case T::kInt64: {
      __int128 v = a[0].GetInt();
      return MakeInt(a[0].type_id(), v < 0 ? -v : v);
    }
    case T::kNumeric:
      return Value::Numeric(a[0].GetDecimal().Abs());
    default:
      return Value::FromDouble(a[0].type(), std::fabs(a[0].GetDouble()));
  }
}
Result<Value> SignFn(const Value* a, size_t, const EvalContext&) {
  if (a[0].type_id() == T::kNumeric)
    return Value::Numeric(Decimal::FromInt64(a[0].GetDecimal().Sign()));
  double d = a[0].GetDouble();
  return Value::Float64(d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0);
}
Result<Value> RoundNumFn(const Value* a, size_t n, const EvalContext&) {
  int64_t s = n > 1 ? a[1].GetInt() : 0;
  ASSIGN_OR_RETURN(Decimal d, a[0].GetDecimal().Round(static_cast<int32_t>(s)));
  return Value::Numeric(d);
}
Result<Value> TruncNumFn(const Value* a, size_t n, const EvalContext&) {
  int64_t s = n > 1 ? a[1].GetInt() : 0;
  ASSIGN_OR_RETURN(Decimal d, a[0].GetDecimal().Trunc(static_cast<int32_t>(s)));
  return Value::Numeric(d);
}
Result<Value> RoundFltFn(const Value* a, size_t, const EvalContext&) {
  return Value::Float64(std::nearbyint(a[0].GetDouble()));
}
Result<Value> TruncFltFn(const Value* a, size_t, const EvalContext&) {
  return Value::Float64(std::trunc(a[0].GetDouble()));
}
Result<Value> FloorFn(const Value* a, size_t, const EvalContext&) {
  if (a[0].type_id() == T::kNumeric) return Value::Numeric(a[0].GetDecimal().Floor());
  return Value::Float64(std::floor(a[0].GetDouble()));
}
Result<Value> CeilFn(const Value* a, size_t, const EvalContext&) {
  if (a[0].type_id() == T::kNumeric) return Value::Numeric(a[0].GetDecimal().Ceil());
  return Value::Float64(std::ceil(a[0].GetDouble()));
}
Result<Value> ModFn(const Value* a, size_t n, const EvalContext& ctx) {
  return ArithFn<'%'>(a, n, ctx);
}
Result<Value> SqrtFn(const Value* a, size_t, const EvalContext&) {
  bool num = a[0].type_id() == T::kNumeric;
  double d = num ? a[0].GetDecimal().ToDouble() : a[0].GetDouble();
  if (d < 0) {
    return Status::Error(sqlstate::kInvalidArgumentForPower,
                         "cannot take square root of a negative number");
  }
  if (num) {
    const Decimal& arg = a[0].GetDecimal();
    if (arg.Sign() == 0) return Value::Numeric(Decimal(0, std::max(16, arg.scale())));
    // PostgreSQL's numeric_sqrt: 16 significant digits from the base-10000 weight of the input.
    int weight10 = static_cast<int>(std::floor(std::log10(d)));
    int weight = weight10 >= 0 ? weight10 / 4 : -((-weight10 + 3) / 4);
    int sweight = (weight + 1) * 4 / 2 - 1;
    int scale = std::max(16 - sweight, arg.scale());
    ASSIGN_OR_RETURN(Decimal r, arg.Sqrt(scale));
    return Value::Numeric(r);
  }
  return Value::Float64(std::sqrt(d));
}
Result<Value> CbrtFn(const Value* a, size_t, const EvalContext&) {
  return Value::Float64(std::cbrt(a[0].GetDouble()));
}
Result<Value> ExpFn(const Value* a, size_t, const EvalContext&) {
  double r = std::exp(a[0].GetDouble());
  if (std::isinf(r))
    return Status::Error(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  return Value::Float64(r);
}
Status LogError(double d) {
  if (d == 0)
    return Status::Error(sqlstate::kInvalidArgumentForLog, "cannot take logarithm of zero");
  return Status::Error(sqlstate::kInvalidArgumentForLog,
                       "cannot take logarithm of a negative number");
}
Result<Value> LnFn(const Value* a, size_t, const EvalContext&) {
  double d = a[0].GetDouble();
  if (d <= 0) return LogError(d);
  return Value::Float64(std::log(d));
}
Result<Value> Log10Fn(const Value* a, size_t n, const EvalContext&) {
  if (n == 2) {
    double b = a[0].GetDouble(), x = a[1].GetDouble();
    if (b <= 0) return LogError(b);
    if (x <= 0) return LogError(x);
    return Value::Float64(std::log(x) / std::log(b));
  }
  double d = a[0].GetDouble();
  if (d <= 0) return LogError(d);
  return Value::Float64(std::log10(d));
}
Result<Value> PiFn(const Value*, size_t, const EvalContext&) { return Value::Float64(M_PI); }
// TABLESAMPLE's row filter: keeps a row with probability percent / 100.
Status CheckSamplePercent(const Value& percent) {
  if (percent.is_null()) {
    return Status::Error(sqlstate::kInvalidTablesampleArgument,
                         "TABLESAMPLE parameter cannot be null");
  }
  double p = percent.GetDouble();
  if (!(p >= 0 && p <= 100)) {
    return Status::Error(sqlstate::kInvalidTablesampleArgument,
                         "sample percentage must be between 0 and 100");
  }
  return Status::OK();
}
Result<Value> TablesampleFn(const Value* a, size_t, const EvalContext&) {
  RETURN_IF_ERROR(CheckSamplePercent(a[0]));
  thread_local std::mt19937_64 rng(std::random_device{}());
  return Value::Bool(std::uniform_real_distribution<double>(0.0, 100.0)(rng) < a[0].GetDouble());
}
// With REPEATABLE (seed): a hash of the seed and the row's values (args 2..n) decides.
Result<Value> TablesampleRepeatableFn(const Value* a, size_t n, const EvalContext& ctx) {
  RETURN_IF_ERROR(CheckSamplePercent(a[0]));
  if (a[1].is_null()) {
    return Status::Error(sqlstate::kInvalidTablesampleRepeat,
                         "TABLESAMPLE REPEATABLE parameter cannot be null");
  }
  uint64_t h = std::hash<double>{}(a[1].GetDouble()) * 0x9E3779B97F4A7C15ULL;
  for (size_t i = 2; i < n; i++) {
    uint64_t v = a[i].is_null() ? 0x5bd1e995ULL : std::hash<std::string>{}(TextOf(a[i], ctx));
    h = (h ^ v) * 0x100000001B3ULL;
    h ^= h >> 29;
  }
  double u = static_cast<double>(h >> 11) * 0x1.0p-53 * 100.0;
  return Value::Bool(u < a[0].GetDouble());
}
Result<Value> RandomFn(const Value*, size_t, const EvalContext&) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return Value::Float64(std::uniform_real_distribution<double>(0.0, 1.0)(rng));
}
template <double (*kFn)(double)>
Result<Value> MathFn(const Value* a, size_t, const EvalContext&) {
  return Value::Float64(kFn(a[0].GetDouble()));
}
Result<Value> Atan2Fn(const Value* a, size_t, const EvalContext&) {
  return Value::Float64(std::atan2(a[0].GetDouble(), a[1].GetDouble()));
}
Result<Value> DivFn(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(Decimal q, a[0].GetDecimal().Div(a[1].GetDecimal()));
  ASSIGN_OR_RETURN(Decimal t, q.Trunc(0));
  return Value::Numeric(t);
}
Result<Value> BitAnd(const Value* a, size_t, const EvalContext&) {
  return Value::FromInt(a[0].type(), a[0].GetInt() & a[1].GetInt());
}
Result<Value> BitOr(const Value* a, size_t, const EvalContext&) {
  return Value::FromInt(a[0].type(), a[0].GetInt() | a[1].GetInt());
}
Result<Value> BitXor(const Value* a, size_t, const EvalContext&) {
  return Value::FromInt(a[0].type(), a[0].GetInt() ^ a[1].GetInt());
}
Result<Value> ShiftLeft(const Value* a, size_t, const EvalContext&) {
  int bits = a[0].type_id() == T::kInt64 ? 64 : a[0].type_id() == T::kInt32 ? 32 : 16;
  uint64_t v = static_cast<uint64_t>(a[0].GetInt()) << (a[1].GetInt() & (bits - 1));
  int64_t r = bits == 64   ? static_cast<int64_t>(v)
              : bits == 32 ? static_cast<int32_t>(v)
                           : static_cast<int16_t>(v);
  return Value::FromInt(a[0].type(), r);
}
Result<Value> ShiftRight(const Value* a, size_t, const EvalContext&) {
  int bits = a[0].type_id() == T::kInt64 ? 64 : a[0].type_id() == T::kInt32 ? 32 : 16;
  return Value::FromInt(a[0].type(), a[0].GetInt() >> (a[1].GetInt() & (bits - 1)));
}

// ---------------------------------------------------------------------------------------------
// Date/time

std::string LowerStr(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

Result<Value> NowFn(const Value*, size_t, const EvalContext& ctx) {
  return Value::TimestampTz(ctx.transaction_timestamp);
}
Result<Value> StatementTsFn(const Value*, size_t, const EvalContext& ctx) {
  return Value::TimestampTz(ctx.statement_timestamp);
}
Result<Value> ClockTsFn(const Value*, size_t, const EvalContext&) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return Value::TimestampTz(us - datetime::kUnixEpochDays * datetime::kMicrosPerDay);
}
Result<Value> CurrentDateFn(const Value*, size_t, const EvalContext& ctx) {
  int64_t local = ctx.transaction_timestamp +
                  ctx.tz().OffsetAt(ctx.transaction_timestamp) * datetime::kMicrosPerSecond;
  return Value::Date(
      static_cast<int32_t>(std::floor(static_cast<double>(local) / datetime::kMicrosPerDay)));
}
Result<Value> LocalTsFn(const Value*, size_t, const EvalContext& ctx) {
  return Value::Timestamp(ctx.transaction_timestamp + ctx.tz().OffsetAt(ctx.transaction_timestamp) *
                                                          datetime::kMicrosPerSecond);
}
Result<Value> CurrentTimeFn(const Value*, size_t, const EvalContext& ctx) {
  int64_t local = ctx.transaction_timestamp +
                  ctx.tz().OffsetAt(ctx.transaction_timestamp) * datetime::kMicrosPerSecond;
  int64_t m = local % datetime::kMicrosPerDay;
  if (m < 0) m += datetime::kMicrosPerDay;
  return Value::Time(m);
}
Result<Value> DateTruncFn(const Value* a, size_t, const EvalContext& ctx) {
  std::string field = LowerStr(Str(a[0]));
  switch (a[1].type_id()) {
    case T::kTimestamp: {
      ASSIGN_OR_RETURN(int64_t r, datetime::DateTrunc(field, a[1].GetInt()));
      return Value::Timestamp(r);
    }
    case T::kTimestampTz: {
      ASSIGN_OR_RETURN(int64_t r, datetime::DateTruncTz(field, a[1].GetInt(), ctx.tz()));
      return Value::TimestampTz(r);
    }
    case T::kInterval: {
      ASSIGN_OR_RETURN(Interval r, datetime::DateTruncInterval(field, a[1].GetInterval()));
      return Value::MakeInterval(r);
    }
    default:
      return Status::Internal("date_trunc type");
  }
}
Result<double> ExtractAny(std::string_view field_in, const Value& v, const EvalContext& ctx) {
  std::string field = LowerStr(field_in);
  switch (v.type_id()) {
    case T::kTimestamp:
      return datetime::ExtractTimestamp(field, v.GetInt());
    case T::kTimestampTz:
      return datetime::ExtractTimestampTz(field, v.GetInt(), ctx.tz());
    case T::kDate:
      return datetime::ExtractDate(field, static_cast<int32_t>(v.GetInt()));
    case T::kTime:
      return datetime::ExtractTime(field, v.GetInt());
    case T::kInterval:
      return datetime::ExtractInterval(field, v.GetInterval());
    default:
      return Status::Internal("extract type");
  }
}
Result<Value> ExtractFn(const Value* a, size_t, const EvalContext& ctx) {
  ASSIGN_OR_RETURN(double d, ExtractAny(Str(a[0]), a[1], ctx));
  // extract() returns numeric in PostgreSQL 14+: integral values print without fraction;
  // seconds and epoch keep up to 6 decimals.
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6f", d);
  ASSIGN_OR_RETURN(Decimal dec, Decimal::Parse(buf));
  std::string field = LowerStr(Str(a[0]));
  bool fractional =
      field == "second" || field == "epoch" || field == "milliseconds" || field == "julian";
  if (!fractional) {
    ASSIGN_OR_RETURN(dec, dec.Round(0));
  } else if (field == "epoch" || field == "second") {
    ASSIGN_OR_RETURN(dec, dec.Round(6));
    if (field == "second") {
      // PostgreSQL prints seconds with 6 decimals (e.g. 5.000000).
    } else {
      dec = dec.Normalized();
      if (dec.scale() < 6 && a[1].type_id() != T::kDate) {
        ASSIGN_OR_RETURN(dec, dec.Round(6));
      }
      if (a[1].type_id() == T::kDate) dec = dec.Normalized();
    }
  } else {
    ASSIGN_OR_RETURN(dec, dec.Round(3));
  }
  return Value::Numeric(dec);
}
Result<Value> DatePartFn(const Value* a, size_t, const EvalContext& ctx) {
  ASSIGN_OR_RETURN(double d, ExtractAny(Str(a[0]), a[1], ctx));
  return Value::Float64(d);
}
Result<Value> AgeFn(const Value* a, size_t n, const EvalContext& ctx) {
  int64_t x = a[0].GetInt();
  int64_t y;
  if (n == 1) {
    ASSIGN_OR_RETURN(Value today, CurrentDateFn(nullptr, 0, ctx));
    y = today.GetInt() * datetime::kMicrosPerDay;
    if (a[0].type_id() == T::kTimestampTz)
      y -= ctx.tz().OffsetForLocal(y) * datetime::kMicrosPerSecond;
  } else {
    y = a[1].GetInt();
  }
  if (a[0].type_id() == T::kTimestampTz) {
    x += ctx.tz().OffsetAt(x) * datetime::kMicrosPerSecond;
    y += ctx.tz().OffsetAt(y) * datetime::kMicrosPerSecond;
  }
  return Value::MakeInterval(datetime::Age(x, y));
}
Result<Value> ToCharFn(const Value* a, size_t, const EvalContext& ctx) {
  int64_t local = a[0].GetInt();
  std::string abbrev;
  if (a[0].type_id() == T::kTimestampTz) {
    int32_t off = ctx.tz().OffsetAt(local);
    local += off * datetime::kMicrosPerSecond;
    abbrev = ctx.tz().name();
  } else if (a[0].type_id() == T::kDate) {
    local *= datetime::kMicrosPerDay;
  }
  return TextV(datetime::ToChar(local, Str(a[1]), abbrev));
}
Result<Value> ToCharNumFn(const Value* a, size_t, const EvalContext& ctx) {
  // Minimal numeric to_char: renders the number with the pattern's count of 9/0 digits.
  std::string pattern(Str(a[1]));
  size_t dot = pattern.find('.');
  int decimals = 0;
  if (dot != std::string::npos) {
    for (size_t i = dot + 1; i < pattern.size(); i++) {
      if (pattern[i] == '9' || pattern[i] == '0') decimals++;
    }
  }
  double d = a[0].type_id() == T::kNumeric ? a[0].GetDecimal().ToDouble()
             : a[0].type().IsInteger()     ? static_cast<double>(a[0].GetInt())
                                           : a[0].GetDouble();
  char buf[128];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, d);
  (void)ctx;
  size_t width = pattern.size() - (pattern.rfind("FM", 0) == 0 ? 2 : 0);
  std::string s = buf;
  if (pattern.rfind("FM", 0) != 0 && s.size() < width + 1)
    s = std::string(width + 1 - s.size(), ' ') + s;
  return TextV(s);
}
Result<Value> MakeIntervalFn(const Value* a, size_t n, const EvalContext&) {
  int32_t p[6] = {0, 0, 0, 0, 0, 0};
  double secs = 0;
  for (size_t i = 0; i < n && i < 6; i++) p[i] = static_cast<int32_t>(a[i].GetInt());
  if (n > 6) secs = a[6].GetDouble();
  ASSIGN_OR_RETURN(Interval iv, datetime::MakeInterval(p[0], p[1], p[2], p[3], p[4], p[5], secs));
  return Value::MakeInterval(iv);
}
Result<Value> MakeDateFn(const Value* a, size_t, const EvalContext&) {
  int64_t y = a[0].GetInt(), m = a[1].GetInt(), d = a[2].GetInt();
  if (m < 1 || m > 12 || d < 1 || d > 31 || y == 0) {
    return Status::Error(sqlstate::kDatetimeFieldOverflow,
                         "date field value out of range: " + std::to_string(y) + "-" +
                             std::to_string(m) + "-" + std::to_string(d));
  }
  return Value::Date(datetime::DaysFromCivil(static_cast<int32_t>(y < 0 ? y + 1 : y),
                                             static_cast<int32_t>(m), static_cast<int32_t>(d)));
}
Result<Value> ToTimestampFn(const Value* a, size_t, const EvalContext&) {
  double secs = a[0].GetDouble();
  if (!std::isfinite(secs))
    return Status::Error(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
  return Value::TimestampTz(static_cast<int64_t>(std::llround(secs * 1e6)) -
                            datetime::kUnixEpochDays * datetime::kMicrosPerDay);
}
Result<Value> JustifyHoursFn(const Value* a, size_t, const EvalContext&) {
  return Value::MakeInterval(datetime::JustifyHours(a[0].GetInterval()));
}
Result<Value> JustifyDaysFn(const Value* a, size_t, const EvalContext&) {
  return Value::MakeInterval(datetime::JustifyDays(a[0].GetInterval()));
}
Result<Value> TimezoneFn(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(datetime::TimeZone tz, datetime::TimeZone::Parse(Str(a[0])));
  int64_t ts = a[1].GetInt();
  if (a[1].type_id() == T::kTimestampTz) {
    return Value::Timestamp(ts + tz.OffsetAt(ts) * datetime::kMicrosPerSecond);
  }
  return Value::TimestampTz(ts - tz.OffsetForLocal(ts) * datetime::kMicrosPerSecond);
}

// ---------------------------------------------------------------------------------------------
// jsonb

Result<Value> JsonGet(const Value* a, size_t, const EvalContext&, bool as_text) {
  ASSIGN_OR_RETURN(Json j, Json::Parse(Str(a[0])));
  const Json* r = a[1].type().IsInteger() ? j.Element(a[1].GetInt()) : j.Field(Str(a[1]));
  if (!r) return Value::Null(as_text ? T::kText : T::kJsonb);
  if (as_text) {
    std::string s;
    if (!r->ToText(&s)) return Value::Null(T::kText);
    return TextV(std::move(s));
  }
  return Value::Jsonb(r->ToString());
}
Result<Value> JsonArrow(const Value* a, size_t n, const EvalContext& c) {
  return JsonGet(a, n, c, false);
}
Result<Value> JsonArrowText(const Value* a, size_t n, const EvalContext& c) {
  return JsonGet(a, n, c, true);
}
Result<Value> JsonPath(const Value* a, size_t, const EvalContext&, bool as_text) {
  ASSIGN_OR_RETURN(Json j, Json::Parse(Str(a[0])));
  const Json* cur = &j;
  for (const auto& elem : ParseArrayLiteral(Str(a[1]))) {
    const std::string step = elem.value_or("");
    const Json* next = nullptr;
    if (cur->kind() == Json::Kind::kArray) {
      char* end = nullptr;
      long long idx = std::strtoll(step.c_str(), &end, 10);
      if (end && *end == 0 && !step.empty()) next = cur->Element(idx);
    } else {
      next = cur->Field(step);
    }
    if (!next) return Value::Null(as_text ? T::kText : T::kJsonb);
    cur = next;
  }
  if (as_text) {
    std::string s;
    if (!cur->ToText(&s)) return Value::Null(T::kText);
    return TextV(std::move(s));
  }
  return Value::Jsonb(cur->ToString());
}
Result<Value> JsonPathJ(const Value* a, size_t n, const EvalContext& c) {
  return JsonPath(a, n, c, false);
}
Result<Value> JsonPathT(const Value* a, size_t n, const EvalContext& c) {
  return JsonPath(a, n, c, true);
}
Result<Value> JsonTypeofFn(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(Json j, Json::Parse(Str(a[0])));
  static const char* names[] = {"null", "boolean", "number", "string", "array", "object"};
  return TextV(names[static_cast<int>(j.kind())]);
}
Result<Value> JsonArrayLengthFn(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(Json j, Json::Parse(Str(a[0])));
  if (j.kind() != Json::Kind::kArray) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "cannot get array length of a non-array");
  }
  return Value::Int32(static_cast<int32_t>(j.size()));
}
Result<Value> JsonContainsKey(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(Json j, Json::Parse(Str(a[0])));
  return Value::Bool(j.Field(Str(a[1])) != nullptr);
}

// ---------------------------------------------------------------------------------------------
// Misc

Result<Value> LikeOp(const Value* a, size_t n, const EvalContext&) {
  char esc = '\\';
  if (n > 2) esc = Str(a[2]).empty() ? 0 : Str(a[2])[0];
  ASSIGN_OR_RETURN(bool m, LikeMatch(Str(a[0]), Str(a[1]), esc, false));
  return Value::Bool(m);
}
Result<Value> ILikeOp(const Value* a, size_t n, const EvalContext&) {
  char esc = '\\';
  if (n > 2) esc = Str(a[2]).empty() ? 0 : Str(a[2])[0];
  ASSIGN_OR_RETURN(bool m, LikeMatch(Str(a[0]), Str(a[1]), esc, true));
  return Value::Bool(m);
}
template <bool kCi, bool kNeg>
Result<Value> RegexOp(const Value* a, size_t, const EvalContext&) {
  ASSIGN_OR_RETURN(bool m, RegexMatch(Str(a[0]), Str(a[1]), kCi));
  return Value::Bool(m != kNeg);
}
Result<Value> VersionFn(const Value*, size_t, const EvalContext&) {
  return TextV("PostgreSQL 13.14 (Freshet 0.1.0) on x86_64-pc-linux-gnu, a streaming SQL database");
}
Result<Value> CurrentDatabaseFn(const Value*, size_t, const EvalContext&) {
  return TextV("freshet");
}
Result<Value> CurrentSchemaFn(const Value*, size_t, const EvalContext&) { return TextV("public"); }
Result<Value> CurrentSettingFn(const Value* a, size_t n, const EvalContext& ctx) {
  std::string name(Str(a[0]));
  std::optional<std::string> v = ctx.setting ? ctx.setting(name) : std::nullopt;
  if (!v) {
    if (n > 1 && !a[1].is_null() && a[1].GetBool()) return Value::Null(T::kText);
    return Status::Error(sqlstate::kUndefinedObject,
                         "unrecognized configuration parameter \"" + name + "\"");
  }
  return TextV(std::move(*v));
}
Result<Value> CurrentSchemasFn(const Value* a, size_t, const EvalContext&) {
  return TextV(a[0].GetBool() ? "{pg_catalog,public}" : "{public}");
}
Result<Value> CurrentUserFn(const Value*, size_t, const EvalContext&) { return TextV("freshet"); }

// ---------------------------------------------------------------------------------------------
// Arrays, in their text form (see scalar_function.h)

Result<Value> ArrayLiteralFn(const Value* a, size_t n, const EvalContext& ctx) {
  std::vector<std::optional<std::string>> elems;
  for (size_t i = 0; i < n; i++) {
    if (a[i].is_null()) {
      elems.emplace_back(std::nullopt);
    } else {
      elems.emplace_back(TextOf(a[i], ctx));
    }
  }
  return TextV(FormatArrayLiteral(elems));
}
Result<Value> ArrayToStringFn(const Value* a, size_t n, const EvalContext&) {
  std::string out;
  bool first = true;
  for (const auto& e : ParseArrayLiteral(Str(a[0]))) {
    if (!e && (n < 3 || a[2].is_null())) continue;
    if (!first) out += Str(a[1]);
    out += e ? *e : Str(a[2]);
    first = false;
  }
  return TextV(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// Catalog introspection helpers clients call (psql's \d family, JDBC/ODBC metadata)

Result<Value> TrueFn(const Value*, size_t, const EvalContext&) { return Value::Bool(true); }
Result<Value> OwnerNameFn(const Value*, size_t, const EvalContext&) { return TextV("freshet"); }
Result<Value> NullTextFn(const Value*, size_t, const EvalContext&) { return Value::Null(T::kText); }
Result<Value> FirstArgFn(const Value* a, size_t, const EvalContext&) { return a[0]; }
Result<Value> ZeroBigintFn(const Value*, size_t, const EvalContext&) { return Value::Int64(0); }
Result<Value> EncodingNameFn(const Value*, size_t, const EvalContext&) { return TextV("UTF8"); }
Result<Value> FormatTypeFn(const Value* a, size_t n, const EvalContext&) {
  SqlType t = TypeFromOid(static_cast<uint32_t>(a[0].GetInt()));
  if (t.id == T::kUnknown) return TextV("???");
  int32_t typmod = (n > 1 && !a[1].is_null()) ? static_cast<int32_t>(a[1].GetInt()) : -1;
  return TextV(SqlType(t.id, typmod).ToString());
}

// ---------------------------------------------------------------------------------------------
// Registry

/// One overload: parameter types (kUnknown = any), return type (kUnknown = same as arg 0).
struct Overload {
  std::vector<SqlType> params;
  SqlType ret;
  ScalarFn fn;
  bool variadic = false;  // the last param repeats
  bool strict = true;
  bool is_volatile = false;
};

using Registry = std::unordered_map<std::string, std::vector<Overload>>;

const SqlType kText = T::kText, kInt = T::kInt32, kBig = T::kInt64, kNum = T::kNumeric,
              kF8 = T::kFloat64, kBool = T::kBool, kDate = T::kDate, kTs = T::kTimestamp,
              kTstz = T::kTimestampTz, kIv = T::kInterval, kTime = T::kTime, kJson = T::kJsonb,
              kAny = T::kUnknown, kBytea = T::kBytea;

Registry BuildRegistry() {
  Registry r;
  auto add = [&](const std::string& name, std::vector<SqlType> params, SqlType ret, ScalarFn fn,
                 bool strict = true, bool variadic = false, bool vol = false) {
    r[name].push_back(Overload{std::move(params), ret, fn, variadic, strict, vol});
  };
  // Arithmetic per numeric type (exact-typed; resolution widens).
  for (TypeId t : {T::kInt16, T::kInt32, T::kInt64, T::kNumeric, T::kFloat32, T::kFloat64}) {
    SqlType s = t;
    add("+", {s, s}, s, ArithFn<'+'>);
    add("-", {s, s}, s, ArithFn<'-'>);
    add("*", {s, s}, s, ArithFn<'*'>);
    add("/", {s, s}, s, ArithFn<'/'>);
    add("neg", {s}, s, NegFn);
    add("abs", {s}, s, AbsFn);
    if (t != T::kFloat32 && t != T::kFloat64) {
      add("%", {s, s}, s, ArithFn<'%'>);
      add("mod", {s, s}, s, ModFn);
    }
    if (t == T::kInt16 || t == T::kInt32 || t == T::kInt64) {
      add("&", {s, s}, s, BitAnd);
      add("|", {s, s}, s, BitOr);
      add("#", {s, s}, s, BitXor);
      add("<<", {s, kInt}, s, ShiftLeft);
      add(">>", {s, kInt}, s, ShiftRight);
    }
  }
  add("+", {kIv, kIv}, kIv, ArithFn<'+'>);
  add("-", {kIv, kIv}, kIv, ArithFn<'-'>);
  add("neg", {kIv}, kIv, NegFn);
  add("+", {kDate, kInt}, kDate, DatePlusInt);
  add("+", {kInt, kDate}, kDate, IntPlusDate);
  add("-", {kDate, kInt}, kDate, DateMinusInt);
  add("-", {kDate, kDate}, kInt, DateMinusDate);
  add("+", {kDate, kIv}, kTs, TsPlusIv);
  add("-", {kDate, kIv}, kTs, TsMinusIv);
  add("+", {kTs, kIv}, kTs, TsPlusIv);
  add("+", {kIv, kTs}, kTs, IvPlusTs);
  add("-", {kTs, kIv}, kTs, TsMinusIv);
  add("-", {kTs, kTs}, kIv, TsMinusTs);
  add("+", {kTstz, kIv}, kTstz, TsPlusIv);
  add("+", {kIv, kTstz}, kTstz, IvPlusTs);
  add("-", {kTstz, kIv}, kTstz, TsMinusIv);
  add("-", {kTstz, kTstz}, kIv, TsMinusTs);
  add("+", {kTime, kIv}, kTime, TimePlusIv);
  add("-", {kTime, kIv}, kTime, TimeMinusIv);
  add("-", {kTime, kTime}, kIv, TimeMinusTime);
  add("*", {kIv, kF8}, kIv, IvMulF);
  add("*", {kF8, kIv}, kIv, IvMulF);
  add("/", {kIv, kF8}, kIv, IvDivF);
  add("^", {kF8, kF8}, kF8, PowFn);
  add("^", {kNum, kNum}, kNum, PowFn);
  add("power", {kF8, kF8}, kF8, PowFn);
  add("power", {kNum, kNum}, kNum, PowFn);
  add("pow", {kF8, kF8}, kF8, PowFn);
  add("pow", {kNum, kNum}, kNum, PowFn);
  add("||", {kText, kText}, kText, ConcatOp);
  add("||", {kAny, kText}, kText, ConcatOp);
  add("||", {kText, kAny}, kText, ConcatOp);
  add("~~", {kText, kText}, kBool, LikeOp);
  add("~~", {kText, kText, kText}, kBool, LikeOp);
  add("~~*", {kText, kText}, kBool, ILikeOp);
  add("~~*", {kText, kText, kText}, kBool, ILikeOp);
  add("~", {kText, kText}, kBool, RegexOp<false, false>);
  add("~*", {kText, kText}, kBool, RegexOp<true, false>);
  add("!~", {kText, kText}, kBool, RegexOp<false, true>);
  add("!~*", {kText, kText}, kBool, RegexOp<true, true>);
  // Text
  add("length", {kText}, kInt, LengthFn);
  add("length", {kBytea}, kInt, LengthFn);
  add("char_length", {kText}, kInt, LengthFn);
  add("character_length", {kText}, kInt, LengthFn);
  add("octet_length", {kText}, kInt, OctetLengthFn);
  add("lower", {kText}, kText, LowerFn);
  add("upper", {kText}, kText, UpperFn);
  add("initcap", {kText}, kText, InitcapFn);
  add("substring", {kText, kInt}, kText, SubstrFn);
  add("substring", {kText, kInt, kInt}, kText, SubstrFn);
  add("substr", {kText, kInt}, kText, SubstrFn);
  add("substr", {kText, kInt, kInt}, kText, SubstrFn);
  add("position", {kText, kText}, kInt, PositionFn);
  add("strpos", {kText, kText}, kInt, StrposFn);
  add("replace", {kText, kText, kText}, kText, ReplaceFn);
  add("btrim", {kText}, kText, TrimFn<0>);
  add("btrim", {kText, kText}, kText, TrimFn<0>);
  add("ltrim", {kText}, kText, TrimFn<1>);
  add("ltrim", {kText, kText}, kText, TrimFn<1>);
  add("rtrim", {kText}, kText, TrimFn<2>);
  add("rtrim", {kText, kText}, kText, TrimFn<2>);
  add("concat", {kAny}, kText, ConcatFn, false, true);
  add("concat_ws", {kText, kAny}, kText, ConcatWsFn, false, true);
  add("split_part", {kText, kText, kInt}, kText, SplitPartFn);
  add("left", {kText, kInt}, kText, LeftFn);
  add("right", {kText, kInt}, kText, RightFn);
  add("repeat", {kText, kInt}, kText, RepeatFn);
  add("reverse", {kText}, kText, ReverseFn);
  add("lpad", {kText, kInt}, kText, PadFn<true>);
  add("lpad", {kText, kInt, kText}, kText, PadFn<true>);
  add("rpad", {kText, kInt}, kText, PadFn<false>);
  add("rpad", {kText, kInt, kText}, kText, PadFn<false>);
  add("ascii", {kText}, kInt, AsciiFn);
  add("chr", {kInt}, kText, ChrFn);
  add("starts_with", {kText, kText}, kBool, StartsWithFn);
  add("md5", {kText}, kText, Md5Fn);
  add("quote_ident", {kText}, kText, QuoteIdentFn);
  add("quote_literal", {kAny}, kText, QuoteLiteralFn);
  add("format", {kText}, kText, FormatFn, false);
  add("format", {kText, kAny}, kText, FormatFn, false, true);
  // Math
  add("round", {kNum}, kNum, RoundNumFn);
  add("round", {kNum, kInt}, kNum, RoundNumFn);
  add("round", {kF8}, kF8, RoundFltFn);
  add("trunc", {kNum}, kNum, TruncNumFn);
  add("trunc", {kNum, kInt}, kNum, TruncNumFn);
  add("trunc", {kF8}, kF8, TruncFltFn);
  add("floor", {kNum}, kNum, FloorFn);
  add("floor", {kF8}, kF8, FloorFn);
  add("ceil", {kNum}, kNum, CeilFn);
  add("ceil", {kF8}, kF8, CeilFn);
  add("ceiling", {kNum}, kNum, CeilFn);
  add("ceiling", {kF8}, kF8, CeilFn);
  add("sign", {kNum}, kNum, SignFn);
  add("sign", {kF8}, kF8, SignFn);
  add("sqrt", {kNum}, kNum, SqrtFn);
  add("sqrt", {kF8}, kF8, SqrtFn);
  add("cbrt", {kF8}, kF8, CbrtFn);
  add("exp", {kF8}, kF8, ExpFn);
  add("ln", {kF8}, kF8, LnFn);
  add("log", {kF8}, kF8, Log10Fn);
  add("log", {kF8, kF8}, kF8, Log10Fn);
  add("log10", {kF8}, kF8, Log10Fn);
  add("pi", {}, kF8, PiFn);
  add("random", {}, kF8, RandomFn, true, false, true);
  add("freshet_tablesample", {kF8}, kBool, TablesampleFn, false, false, true);
  add("freshet_tablesample_repeatable", {kF8, kAny}, kBool, TablesampleRepeatableFn, false, true);
  add("sin", {kF8}, kF8, MathFn<std::sin>);
  add("cos", {kF8}, kF8, MathFn<std::cos>);
  add("tan", {kF8}, kF8, MathFn<std::tan>);
  add("asin", {kF8}, kF8, MathFn<std::asin>);
  add("acos", {kF8}, kF8, MathFn<std::acos>);
  add("atan", {kF8}, kF8, MathFn<std::atan>);
  add("atan2", {kF8, kF8}, kF8, Atan2Fn);
  add("degrees", {kF8}, kF8, [](const Value* a, size_t, const EvalContext&) -> Result<Value> {
    return Value::Float64(a[0].GetDouble() * 180.0 / M_PI);
  });
  add("radians", {kF8}, kF8, [](const Value* a, size_t, const EvalContext&) -> Result<Value> {
    return Value::Float64(a[0].GetDouble() * M_PI / 180.0);
  });
  add("div", {kNum, kNum}, kNum, DivFn);
  // Date/time
  add("now", {}, kTstz, NowFn);
  add("current_timestamp", {}, kTstz, NowFn);
  add("transaction_timestamp", {}, kTstz, NowFn);
  add("statement_timestamp", {}, kTstz, StatementTsFn);
  add("clock_timestamp", {}, kTstz, ClockTsFn, true, false, true);
  add("current_date", {}, kDate, CurrentDateFn);
  add("current_time", {}, kTime, CurrentTimeFn);
  add("localtime", {}, kTime, CurrentTimeFn);
  add("localtimestamp", {}, kTs, LocalTsFn);
  add("date_trunc", {kText, kTs}, kTs, DateTruncFn);
  add("date_trunc", {kText, kTstz}, kTstz, DateTruncFn);
  add("date_trunc", {kText, kIv}, kIv, DateTruncFn);
  for (SqlType t : {kTs, kTstz, kDate, kTime, kIv}) {
    add("extract", {kText, t}, kNum, ExtractFn);
    add("date_part", {kText, t}, kF8, DatePartFn);
  }
  add("age", {kTs, kTs}, kIv, AgeFn);
  add("age", {kTstz, kTstz}, kIv, AgeFn);
  add("age", {kTs}, kIv, AgeFn);
  add("age", {kTstz}, kIv, AgeFn);
  add("to_char", {kTs, kText}, kText, ToCharFn);
  add("to_char", {kTstz, kText}, kText, ToCharFn);
  add("to_char", {kNum, kText}, kText, ToCharNumFn);
  add("to_char", {kF8, kText}, kText, ToCharNumFn);
  add("make_interval", {kInt}, kIv, MakeIntervalFn);
  add("make_interval", {kInt, kInt}, kIv, MakeIntervalFn);
  add("make_interval", {kInt, kInt, kInt}, kIv, MakeIntervalFn);
  add("make_interval", {kInt, kInt, kInt, kInt}, kIv, MakeIntervalFn);
  add("make_interval", {kInt, kInt, kInt, kInt, kInt}, kIv, MakeIntervalFn);
  add("make_interval", {kInt, kInt, kInt, kInt, kInt, kInt}, kIv, MakeIntervalFn);
  add("make_interval", {kInt, kInt, kInt, kInt, kInt, kInt, kF8}, kIv, MakeIntervalFn);
  add("make_date", {kInt, kInt, kInt}, kDate, MakeDateFn);
  add("to_timestamp", {kF8}, kTstz, ToTimestampFn);
  add("justify_hours", {kIv}, kIv, JustifyHoursFn);
  add("justify_days", {kIv}, kIv, JustifyDaysFn);
  add("timezone", {kText, kTstz}, kTs, TimezoneFn);
  add("timezone", {kText, kTs}, kTstz, TimezoneFn);
  // jsonb
  add("->", {kJson, kText}, kJson, JsonArrow);
  add("->", {kJson, kInt}, kJson, JsonArrow);
  add("->>", {kJson, kText}, kText, JsonArrowText);
  add("->>", {kJson, kInt}, kText, JsonArrowText);
  add("#>", {kJson, kText}, kJson, JsonPathJ);
  add("#>>", {kJson, kText}, kText, JsonPathT);
  add("?", {kJson, kText}, kBool, JsonContainsKey);
  add("jsonb_typeof", {kJson}, kText, JsonTypeofFn);
  add("jsonb_array_length", {kJson}, kInt, JsonArrayLengthFn);
  add("jsonb_extract_path_text", {kJson, kText}, kText, JsonArrowText);
  // System
  add("version", {}, kText, VersionFn);
  add("current_database", {}, kText, CurrentDatabaseFn);
  add("current_catalog", {}, kText, CurrentDatabaseFn);
  add("current_schema", {}, kText, CurrentSchemaFn);
  add("current_user", {}, kText, CurrentUserFn);
  add("current_setting", {kText}, kText, CurrentSettingFn);
  add("current_setting", {kText, kBool}, kText, CurrentSettingFn);
  add("current_schemas", {kBool}, kText, CurrentSchemasFn);
  add("session_user", {}, kText, CurrentUserFn);
  add("user", {}, kText, CurrentUserFn);
  add("array_literal", {kAny}, kText, ArrayLiteralFn, false, true);
  add("array_to_string", {kText, kText}, kText, ArrayToStringFn);
  add("array_to_string", {kText, kText, kText}, kText, ArrayToStringFn, false);
  // Catalog introspection
  for (const char* f : {"pg_table_is_visible", "pg_type_is_visible", "pg_function_is_visible",
                        "pg_relation_is_publishable"}) {
    add(f, {kBig}, kBool, TrueFn);
  }
  add("pg_get_userbyid", {kBig}, kText, OwnerNameFn);
  for (const char* f :
       {"pg_get_function_result", "pg_get_function_arguments", "pg_get_function_identity_arguments",
        "pg_get_triggerdef", "pg_get_ruledef", "pg_get_statisticsobjdef_columns"}) {
    add(f, {kBig}, kText, NullTextFn, false);
  }
  add("pg_get_indexdef", {kBig, kInt, kBool}, kText, NullTextFn, false);
  add("pg_get_constraintdef", {kBig, kBool}, kText, NullTextFn, false);
  add("pg_get_constraintdef", {kBig}, kText, NullTextFn, false);
  add("format_type", {kBig, kInt}, kText, FormatTypeFn, false);
  add("pg_get_expr", {kText, kBig}, kText, FirstArgFn);
  add("pg_get_expr", {kText, kBig, kBool}, kText, FirstArgFn);
  add("pg_encoding_to_char", {kInt}, kText, EncodingNameFn);
  add("obj_description", {kBig}, kText, NullTextFn, false);
  add("obj_description", {kBig, kText}, kText, NullTextFn, false);
  add("col_description", {kBig, kInt}, kText, NullTextFn, false);
  add("shobj_description", {kBig, kText}, kText, NullTextFn, false);
  add("pg_relation_size", {kBig}, kBig, ZeroBigintFn);
  add("pg_total_relation_size", {kBig}, kBig, ZeroBigintFn);
  for (const char* f : {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
                        "has_any_column_privilege"}) {
    add(f, {kText, kText}, kBool, TrueFn, false);
    add(f, {kText, kText, kText}, kBool, TrueFn, false);
  }
  return r;
}

const Registry& GetRegistry() {
  static const Registry kRegistry = BuildRegistry();
  return kRegistry;
}

bool IsOperatorName(std::string_view name) {
  return !name.empty() && !std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_';
}

std::string Signature(std::string_view name, const std::vector<SqlType>& args) {
  std::string s;
  if (IsOperatorName(name)) {
    std::string op = name == "neg" ? "-" : name == "~~" ? "~~" : std::string(name);
    if (args.size() == 1) return "operator does not exist: " + op + " " + args[0].ToString();
    return "operator does not exist: " + (args.empty() ? "" : args[0].ToString()) + " " + op + " " +
           (args.size() > 1 ? args[1].ToString() : "");
  }
  s = "function " + std::string(name) + "(";
  for (size_t i = 0; i < args.size(); i++) {
    if (i) s += ", ";
    s += args[i].id == T::kUnknown ? "unknown" : args[i].ToString();
  }
  return s + ") does not exist";
}

}  // namespace

bool IsScalarFunction(std::string_view name) { return GetRegistry().count(std::string(name)) > 0; }

const std::vector<FunctionSignature>& ListScalarFunctions() {
  static const std::vector<FunctionSignature> kList = [] {
    const Registry& reg = GetRegistry();
    std::vector<std::string> names;
    for (const auto& [name, overloads] : reg) {
      if (name == "neg" || name == "~~" || name == "~~*" || name == "array_literal" ||
          name.starts_with("freshet_tablesample")) {
        continue;
      }
      names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    std::vector<FunctionSignature> out;
    for (const std::string& name : names) {
      for (const Overload& o : reg.at(name)) {
        out.push_back(FunctionSignature{name, o.params, o.ret, o.variadic, o.is_volatile,
                                        IsOperatorName(name)});
      }
    }
    return out;
  }();
  return kList;
}

namespace {

Result<Value> MakeRecord(const Value* args, size_t n, const EvalContext& ctx) {
  TextFormatOptions opts;
  opts.time_zone = &ctx.tz();
  opts.extra_float_digits = ctx.extra_float_digits;
  return Value::String(SqlType(T::kRecord), RecordText::Format(args, n, opts));
}

}  // namespace

BoundFunction RecordFunction(std::vector<SqlType> field_types) {
  BoundFunction f;
  f.name = "row";
  f.return_type = SqlType(T::kRecord);
  f.arg_types = std::move(field_types);
  f.fn = &MakeRecord;
  f.strict = false;
  return f;
}

Result<BoundFunction> ResolveScalarFunction(std::string_view name,
                                            const std::vector<SqlType>& arg_types) {
  const Registry& reg = GetRegistry();
  auto it = reg.find(std::string(name));
  auto not_found = [&]() {
    Status s = Status::Error(sqlstate::kUndefinedFunction, Signature(name, arg_types));
    if (IsOperatorName(name)) {
      s.WithHint(
          "No operator matches the given name and argument types. You might need to add "
          "explicit type casts.");
    } else {
      s.WithHint(
          "No function matches the given name and argument types. You might need to add "
          "explicit type casts.");
    }
    return s;
  };
  if (it == reg.end()) return not_found();
  // PostgreSQL-style resolution: every argument must be implicitly castable; prefer more exact
  // matches, then the overload whose types rank lowest (the "preferred" widening).
  const Overload* best = nullptr;
  int best_score = -1;
  int best_cost = 0;
  bool all_unknown = true;
  for (const SqlType& a : arg_types) all_unknown &= a.id == T::kUnknown;
  for (const Overload& o : it->second) {
    size_t np = o.params.size();
    if (o.variadic ? arg_types.size() < np : arg_types.size() != np) continue;
    int score = 0, cost = 0;
    bool ok = true;
    for (size_t i = 0; i < arg_types.size(); i++) {
      SqlType p = o.params[std::min(i, np - 1)];
      SqlType a = arg_types[i];
      if (p.id == T::kUnknown) continue;
      if (a.id == p.id) {
        score += 2;
        continue;
      }
      if (a.id == T::kUnknown) {
        // Unknown literals prefer text (the preferred type of the string category).
        if (p.id == T::kText) score += 1;
        continue;
      }
      // varchar/char match text parameters exactly enough.
      if (a.IsString() && p.id == T::kText) {
        score += 1;
        continue;
      }
      if (!CanCast(a, p, CastContext::kImplicit)) {
        ok = false;
        break;
      }
      // PostgreSQL prefers the category's preferred type: float8 for numbers, timestamptz for
      // date/time values.
      int ra = NumericRank(a.id), rp = NumericRank(p.id);
      if (p.id == T::kFloat64 && ra >= 0) {
        cost += 0;
      } else if (p.id == T::kTimestampTz && a.IsTemporal()) {
        cost += 0;
      } else {
        cost += (ra >= 0 && rp >= 0) ? rp - ra + 1 : 3;
      }
    }
    if (!ok) continue;
    if (score > best_score || (score == best_score && cost < best_cost)) {
      best = &o;
      best_score = score;
      best_cost = cost;
    }
  }
  if (!best) return not_found();
  (void)all_unknown;
  BoundFunction bf;
  bf.name = std::string(name);
  bf.fn = best->fn;
  bf.strict = best->strict;
  bf.is_volatile = best->is_volatile;
  for (size_t i = 0; i < arg_types.size(); i++) {
    SqlType p = best->params[std::min(i, best->params.size() - 1)];
    if (p.id == T::kUnknown) {
      p = arg_types[i].id == T::kUnknown ? SqlType(T::kText) : arg_types[i];
    }
    bf.arg_types.push_back(p);
  }
  bf.return_type = best->ret;
  if (bf.return_type.id == T::kUnknown)
    bf.return_type = bf.arg_types.empty() ? kText : bf.arg_types[0];
  return bf;
}

std::vector<std::optional<std::string>> ParseArrayLiteral(std::string_view s) {
  std::vector<std::optional<std::string>> out;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  if (s.empty()) return out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i <= s.size(); i++) {
    if (i == s.size() || (s[i] == ',' && !quoted)) {
      if (!was_quoted && cur == "NULL") {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(cur);
      }
      cur.clear();
      was_quoted = false;
      continue;
    }
    char c = s[i];
    if (c == '"') {
      quoted = !quoted;
      was_quoted = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      cur += s[++i];
    } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      continue;
    } else {
      cur += c;
    }
  }
  return out;
}

std::string FormatArrayLiteral(const std::vector<std::optional<std::string>>& elems) {
  std::string out = "{";
  for (size_t i = 0; i < elems.size(); i++) {
    if (i) out += ',';
    if (!elems[i]) {
      out += "NULL";
      continue;
    }
    const std::string& e = *elems[i];
    bool quote = e.empty() || e == "NULL" || e.find_first_of("{},\"\\ \t\n") != std::string::npos;
    if (!quote) {
      out += e;
      continue;
    }
    out += '"';
    for (char c : e) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Result<bool> LikeMatch(std::string_view text, std::string_view pattern, char escape,
                       bool case_insensitive) {
  auto fold = [&](char c) {
    return case_insensitive ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  };
  // Iterative matcher with backtracking on the last '%'.
  size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (escape && pc == escape) {
        if (p + 1 >= pattern.size()) {
          return Status::Error(sqlstate::kInvalidEscapeSequence,
                               "LIKE pattern must not end with escape character");
        }
        if (fold(pattern[p + 1]) == fold(text[t])) {
          p += 2;
          t++;
          continue;
        }
      } else if (pc == '%') {
        star_p = p++;
        star_t = t;
        continue;
      } else if (pc == '_') {
        // one UTF-8 character
        t++;
        while (t < text.size() && (static_cast<unsigned char>(text[t]) & 0xC0) == 0x80) t++;
        p++;
        continue;
      } else if (fold(pc) == fold(text[t])) {
        p++;
        t++;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') p++;
  return p == pattern.size();
}

Result<bool> RegexMatch(std::string_view text, std::string_view pattern, bool case_insensitive) {
  try {
    auto flags = std::regex::extended;
    if (case_insensitive) flags |= std::regex::icase;
    std::regex re(std::string(pattern), flags);
    return std::regex_search(std::string(text), re);
  } catch (const std::regex_error& e) {
    return Status::Error("2201B", std::string("invalid regular expression: ") + e.what());
  }
}

}  // namespace freshet::function
