#include "common/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "common/json.h"
#include "common/utf8.h"

namespace freshet {
namespace {

bool IsIntBacked(TypeId id) {
  switch (id) {
    case TypeId::kBool:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

bool IsStringBacked(TypeId id) {
  return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar ||
         id == TypeId::kBytea || id == TypeId::kJsonb || id == TypeId::kRecord ||
         id == TypeId::kUnknown;
}

std::string_view RTrimSpaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

double AsDouble(const Value& v) {
  if (IsIntBacked(v.type_id())) return static_cast<double>(v.GetInt());
  if (v.type_id() == TypeId::kNumeric) return v.GetDecimal().ToDouble();
  return v.GetDouble();
}

/// Formats a float as PostgreSQL's float4out/float8out do.
void AppendFloat(std::string* out, double d, bool is_float4, int extra_float_digits) {
  if (std::isnan(d)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(d)) {
    out->append(d > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buf[64];
  if (extra_float_digits <= 0) {
    int precision = (is_float4 ? 6 : 15) + extra_float_digits;
    if (precision < 1) precision = 1;
    int n = std::snprintf(buf, sizeof(buf), "%.*g", precision,
                          is_float4 ? static_cast<double>(static_cast<float>(d)) : d);
    out->append(buf, n);
    return;
  }
  // Shortest round-trip digits, then PostgreSQL's layout choice.
  std::to_chars_result r;
  if (is_float4) {
    r = std::to_chars(buf, buf + sizeof(buf), static_cast<float>(d), std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  }
  std::string_view sci(buf, r.ptr - buf);
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (negative) out->push_back('-');
  int threshold = is_float4 ? 6 : 15;
  if (digits == "0") {
    out->push_back('0');
    return;
  }
  if (exp10 < -4 || exp10 >= threshold) {
    out->push_back(digits[0]);
    if (digits.size() > 1) {
      out->push_back('.');
      out->append(digits, 1, std::string::npos);
    }
    char eb[16];
    int n = std::snprintf(eb, sizeof(eb), "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out->append(eb, n);
    return;
  }
  if (exp10 < 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-exp10 - 1), '0');
    out->append(digits);
    return;
  }
  size_t int_digits = static_cast<size_t>(exp10) + 1;
  if (digits.size() <= int_digits) {
    out->append(digits);
    out->append(int_digits - digits.size(), '0');
  } else {
    out->append(digits, 0, int_digits);
    out->push_back('.');
    out->append(digits, int_digits, std::string::npos);
  }
}

const char kHex[] = "0123456789abcdef";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Status InvalidSyntax(std::string_view type_name, std::string_view text) {
  return Status::Error(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type " +
                                                                 std::string(type_name) + ": \"" +
                                                                 std::string(text) + "\"");
}

Result<Value> ParseInteger(std::string_view text, SqlType type) {
  std::string_view s = Trim(text);
  const char* name = type.id == TypeId::kInt16   ? "smallint"
                     : type.id == TypeId::kInt32 ? "integer"
                                                 : "bigint";
  if (s.empty()) return InvalidSyntax(name, text);
  bool neg = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return InvalidSyntax(name, text);
  unsigned __int128 acc = 0;
  bool overflow = false;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c == '_' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      continue;
    }
    if (c < '0' || c > '9') return InvalidSyntax(name, text);
    acc = acc * 10 + static_cast<unsigned>(c - '0');
    if (acc > (static_cast<unsigned __int128>(1) << 64)) overflow = true;
  }
  __int128 v = neg ? -static_cast<__int128>(acc) : static_cast<__int128>(acc);
  int64_t lo = type.id == TypeId::kInt16   ? INT16_MIN
               : type.id == TypeId::kInt32 ? INT32_MIN
                                           : INT64_MIN;
  int64_t hi = type.id == TypeId::kInt16   ? INT16_MAX
               : type.id == TypeId::kInt32 ? INT32_MAX
                                           : INT64_MAX;
  if (overflow || v < lo || v > hi) {
    return Status::Error(sqlstate::kNumericValueOutOfRange,
                         "value \"" + std::string(text) + "\" is out of range for type " + name);
  }
  return Value::FromInt(type, static_cast<int64_t>(v));
}

Result<Value> ParseFloat(std::string_view text, SqlType type) {
  std::string s(Trim(text));
  const char* name = type.id == TypeId::kFloat32 ? "real" : "double precision";
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  double d;
  if (lower == "nan") {
    d = std::nan("");
  } else if (lower == "infinity" || lower == "+infinity" || lower == "inf" || lower == "+inf") {
    d = INFINITY;
  } else if (lower == "-infinity" || lower == "-inf") {
    d = -INFINITY;
  } else {
    if (s.empty()) return InvalidSyntax(name, text);
    char* end = nullptr;
    errno = 0;
    d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || lower.find("inf") != std::string::npos ||
        lower.find("nan") != std::string::npos || lower.find('x') != std::string::npos) {
      return InvalidSyntax(name, text);
    }
    if (errno == ERANGE && (std::isinf(d) || d != 0)) {
      return Status::Error(sqlstate::kNumericValueOutOfRange,
                           "\"" + s + "\" is out of range for type " + name);
    }
    if (type.id == TypeId::kFloat32 && std::isfinite(d) && (std::fabs(d) > 3.4028234663852886e38)) {
      return Status::Error(sqlstate::kNumericValueOutOfRange,
                           "\"" + s + "\" is out of range for type real");
    }
  }
  if (type.id == TypeId::kFloat32) d = static_cast<float>(d);
  return Value::FromDouble(type, d);
}

Result<Value> ParseBytea(std::string_view text) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    auto hexval = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (size_t i = 2; i < text.size();) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        i++;
        continue;
      }
      if (i + 1 >= text.size()) {
        return Status::Error(sqlstate::kInvalidTextRepresentation,
                             "invalid hexadecimal data: odd number of digits");
      }
      int h = hexval(text[i]), l = hexval(text[i + 1]);
      if (h < 0 || l < 0) {
        return Status::Error(
            sqlstate::kInvalidTextRepresentation,
            "invalid hexadecimal digit: \"" + std::string(1, text[h < 0 ? i : i + 1]) + "\"");
      }
      out.push_back(static_cast<char>(h * 16 + l));
      i += 2;
    }
    return Value::Bytea(std::move(out));
  }
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      i++;
    } else if (i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' &&
               text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' &&
               text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 3;
    } else {
      return InvalidSyntax("bytea", text);
    }
  }
  return Value::Bytea(std::move(out));
}

}  // namespace

int Value::CompareDoubles(double a, double b) {
  // PostgreSQL: NaN sorts above everything and equals itself; -0 == 0.
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

int Value::Compare(const Value& a, const Value& b) {
  if (a.null_ || b.null_) return a.null_ == b.null_ ? 0 : (a.null_ ? 1 : -1);
  TypeId ta = a.type_.id, tb = b.type_.id;
  if (IsIntBacked(ta) && IsIntBacked(tb)) return Cmp(a.i_, b.i_);
  if (IsStringBacked(ta) && IsStringBacked(tb)) {
    std::string_view sa = a.s_, sb = b.s_;
    if (ta == TypeId::kChar || tb == TypeId::kChar) {
      sa = RTrimSpaces(sa);
      sb = RTrimSpaces(sb);
    }
    int c = sa.compare(sb);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (ta == TypeId::kNumeric && tb == TypeId::kNumeric) return a.dec_.Compare(b.dec_);
  if (ta == TypeId::kInterval && tb == TypeId::kInterval) {
    return Cmp(a.iv_.SortKey(), b.iv_.SortKey());
  }
  if (ta == TypeId::kNumeric && IsIntBacked(tb)) return a.dec_.Compare(Decimal::FromInt64(b.i_));
  if (IsIntBacked(ta) && tb == TypeId::kNumeric) return Decimal::FromInt64(a.i_).Compare(b.dec_);
  return CompareDoubles(AsDouble(a), AsDouble(b));
}

size_t Value::Hash() const {
  if (null_) return 0x9e3779b97f4a7c15ULL;
  TypeId t = type_.id;
  if (IsIntBacked(t)) return std::hash<int64_t>()(i_);
  if (IsStringBacked(t)) {
    std::string_view s = s_;
    if (t == TypeId::kChar) s = RTrimSpaces(s);
    return std::hash<std::string_view>()(s);
  }
  if (t == TypeId::kNumeric) {
    Decimal n = dec_.Normalized();
    auto u = static_cast<unsigned __int128>(n.unscaled());
    return std::hash<uint64_t>()(static_cast<uint64_t>(u) ^ static_cast<uint64_t>(u >> 64)) ^
           (static_cast<size_t>(n.scale()) * 0x9e3779b97f4a7c15ULL);
  }
  if (t == TypeId::kInterval) {
    __int128 k = iv_.SortKey();
    return std::hash<uint64_t>()(static_cast<uint64_t>(k) ^ static_cast<uint64_t>(k >> 64));
  }
  double d = d_;
  if (d == 0) d = 0;  // -0 == 0
  if (std::isnan(d)) return 0x7ff8;
  return std::hash<double>()(d);
}

void Value::AppendText(std::string* out, const TextFormatOptions& opts) const {
  switch (type_.id) {
    case TypeId::kBool:
      out->push_back(i_ ? 't' : 'f');
      return;
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), i_);
      out->append(buf, r.ptr - buf);
      return;
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      AppendFloat(out, d_, type_.id == TypeId::kFloat32, opts.extra_float_digits);
      return;
    case TypeId::kNumeric:
      out->append(dec_.ToString());
      return;
    case TypeId::kBytea:
      out->append("\\x");
      for (unsigned char c : s_) {
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
      return;
    case TypeId::kDate:
      out->append(datetime::FormatDate(static_cast<int32_t>(i_)));
      return;
    case TypeId::kTime:
      out->append(datetime::FormatTime(i_));
      return;
    case TypeId::kTimestamp:
      out->append(datetime::FormatTimestamp(i_));
      return;
    case TypeId::kTimestampTz:
      out->append(datetime::FormatTimestampTz(
          i_, opts.time_zone ? *opts.time_zone : datetime::TimeZone::Utc()));
      return;
    case TypeId::kInterval:
      out->append(datetime::FormatInterval(iv_));
      return;
    default:
      out->append(s_);
      return;
  }
}

std::string Value::ToString() const {
  if (null_) return "NULL";
  std::string s = ToText();
  if (IsStringBacked(type_.id) || IsIntBacked(type_.id) == false) {
    if (type_.IsNumeric()) return s;
    return "'" + s + "'";
  }
  return s;
}

Result<Value> Value::FromText(std::string_view text, SqlType type, const datetime::TimeZone& tz) {
  switch (type.id) {
    case TypeId::kBool: {
      std::string s;
      for (char c : Trim(text))
        s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      auto prefix_of = [&](std::string_view word, size_t min) {
        return s.size() >= min && s.size() <= word.size() && word.substr(0, s.size()) == s;
      };
      if (prefix_of("true", 1) || prefix_of("yes", 1) || s == "on" || s == "1") return Bool(true);
      if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0") {
        return Bool(false);
      }
      return InvalidSyntax("boolean", text);
    }
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return ParseInteger(text, type);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return ParseFloat(text, type);
    case TypeId::kNumeric: {
      ASSIGN_OR_RETURN(Decimal d, Decimal::Parse(text));
      ASSIGN_OR_RETURN(d, d.ApplyTypmod(type.NumericPrecision(), type.NumericScale()));
      return Numeric(d, type.typmod);
    }
    case TypeId::kUnknown:
    case TypeId::kText:
      return String(type, std::string(text));
    case TypeId::kVarchar:
    case TypeId::kChar: {
      int32_t limit = type.CharLength();
      std::string s(text);
      if (limit >= 0) {
        size_t len = utf8::Length(s);
        if (len > static_cast<size_t>(limit)) {
          size_t cut = utf8::PrefixBytes(s, limit);
          if (s.find_first_not_of(' ', cut) != std::string::npos) {
            return Status::Error(sqlstate::kStringDataRightTruncation,
                                 "value too long for type " + type.ToString());
          }
          s.resize(cut);
        } else if (type.id == TypeId::kChar) {
          s.append(limit - len, ' ');
        }
      }
      return String(type, std::move(s));
    }
    case TypeId::kBytea:
      return ParseBytea(text);
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(int32_t d, datetime::ParseDate(text));
      return Date(d);
    }
    case TypeId::kTime: {
      ASSIGN_OR_RETURN(int64_t t, datetime::ParseTime(text));
      return Time(t);
    }
    case TypeId::kTimestamp: {
      ASSIGN_OR_RETURN(int64_t t, datetime::ParseTimestamp(text));
      return Timestamp(t);
    }
    case TypeId::kTimestampTz: {
      ASSIGN_OR_RETURN(int64_t t, datetime::ParseTimestampTz(text, tz));
      return TimestampTz(t);
    }
    case TypeId::kInterval: {
      ASSIGN_OR_RETURN(Interval iv, datetime::ParseInterval(text));
      return MakeInterval(iv);
    }
    case TypeId::kJsonb: {
      ASSIGN_OR_RETURN(std::string norm, Json::Normalize(text));
      return Jsonb(std::move(norm));
    }
    case TypeId::kRecord:
      return Status::Error(sqlstate::kFeatureNotSupported,
                           "input of anonymous composite types is not implemented");
  }
  return Status::Internal("unsupported type in FromText");
}

}  // namespace freshet
