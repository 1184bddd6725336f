#include "function/cast.h"

#include <cmath>

#include "common/utf8.h"

namespace freshet::function {
namespace {

bool IsTextLike(TypeId id) {
  return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar ||
         id == TypeId::kUnknown;
}

Status OutOfRange(TypeId id) {
  const char* name = id == TypeId::kInt16   ? "smallint"
                     : id == TypeId::kInt32 ? "integer"
                                            : "bigint";
  return Status::Error(sqlstate::kNumericValueOutOfRange, std::string(name) + " out of range");
}

Result<Value> IntChecked(TypeId id, double d) {
  if (std::isnan(d)) return OutOfRange(id);
  double lo = id == TypeId::kInt16   ? -32768.0
              : id == TypeId::kInt32 ? -2147483648.0
                                     : -9223372036854775808.0;
  double hi = id == TypeId::kInt16   ? 32767.0
              : id == TypeId::kInt32 ? 2147483647.0
                                     : 9223372036854775807.0;
  if (!(d >= lo && (id == TypeId::kInt64 ? d < 9223372036854775808.0 : d <= hi))) {
    return OutOfRange(id);
  }
  return Value::FromInt(id, static_cast<int64_t>(d));
}

Result<Value> IntChecked(TypeId id, int64_t v) {
  int64_t lo = id == TypeId::kInt16 ? INT16_MIN : id == TypeId::kInt32 ? INT32_MIN : INT64_MIN;
  int64_t hi = id == TypeId::kInt16 ? INT16_MAX : id == TypeId::kInt32 ? INT32_MAX : INT64_MAX;
  if (v < lo || v > hi) return OutOfRange(id);
  return Value::FromInt(id, v);
}

}  // namespace

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt16:
      return 0;
    case TypeId::kInt32:
      return 1;
    case TypeId::kInt64:
      return 2;
    case TypeId::kNumeric:
      return 3;
    case TypeId::kFloat32:
      return 4;
    case TypeId::kFloat64:
      return 5;
    default:
      return -1;
  }
}

bool CanCast(SqlType from, SqlType to, CastContext context) {
  TypeId f = from.id, t = to.id;
  if (f == t) return true;
  if (f == TypeId::kUnknown) return true;  // literals coerce to anything
  int rf = NumericRank(f), rt = NumericRank(t);
  if (rf >= 0 && rt >= 0) return rt > rf || context != CastContext::kImplicit;
  if (IsTextLike(f) && IsTextLike(t)) return true;
  if (t == TypeId::kText || t == TypeId::kVarchar || t == TypeId::kChar) {
    return context != CastContext::kImplicit;  // I/O conversion
  }
  if (IsTextLike(f)) return context == CastContext::kExplicit;
  if (f == TypeId::kDate && (t == TypeId::kTimestamp || t == TypeId::kTimestampTz)) return true;
  if (f == TypeId::kTimestamp && t == TypeId::kTimestampTz) return true;
  if (f == TypeId::kTime && t == TypeId::kInterval) return true;
  if ((f == TypeId::kTimestamp || f == TypeId::kTimestampTz) &&
      (t == TypeId::kDate || t == TypeId::kTime || t == TypeId::kTimestamp ||
       t == TypeId::kTimestampTz)) {
    return context != CastContext::kImplicit;
  }
  if (f == TypeId::kInterval && t == TypeId::kTime) return context != CastContext::kImplicit;
  if ((f == TypeId::kBool && (t == TypeId::kInt32 || t == TypeId::kInt64)) ||
      ((f == TypeId::kInt32 || f == TypeId::kInt64) && t == TypeId::kBool)) {
    return context == CastContext::kExplicit;
  }
  return false;
}

Result<Value> CastValue(const Value& v, SqlType to, const EvalContext& ctx, bool explicit_cast) {
  if (v.is_null()) return Value::Null(to);
  TypeId f = v.type_id(), t = to.id;
  if (f == t && to.typmod < 0) {
    Value r = v;
    r.Retag(to);
    return r;
  }
  // To text-like types: the output function.
  if (t == TypeId::kText || t == TypeId::kVarchar || t == TypeId::kChar) {
    std::string s;
    if (f == TypeId::kBool) {
      s = v.GetBool() ? "true" : "false";
    } else {
      TextFormatOptions opts;
      opts.time_zone = &ctx.tz();
      v.AppendText(&s, opts);
    }
    if (f == TypeId::kChar && t != TypeId::kChar) {
      while (!s.empty() && s.back() == ' ') s.pop_back();
    }
    if (explicit_cast && to.CharLength() >= 0) {
      s.resize(utf8::PrefixBytes(s, to.CharLength()));
    }
    return Value::FromText(s, to, ctx.tz());
  }
  // From text-like types: the input function.
  if (IsTextLike(f)) return Value::FromText(v.GetString(), to, ctx.tz());
  switch (t) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      if (f == TypeId::kInt16 || f == TypeId::kInt32 || f == TypeId::kInt64) {
        return IntChecked(t, v.GetInt());
      }
      if (f == TypeId::kBool) return Value::FromInt(t, v.GetInt());
      if (f == TypeId::kFloat32 || f == TypeId::kFloat64) {
        return IntChecked(t, std::nearbyint(v.GetDouble()));
      }
      if (f == TypeId::kNumeric) {
        auto r = v.GetDecimal().ToInt64();
        if (!r.ok()) return OutOfRange(t);
        return IntChecked(t, *r);
      }
      break;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d;
      if (f == TypeId::kNumeric) {
        d = v.GetDecimal().ToDouble();
      } else if (f == TypeId::kFloat32 || f == TypeId::kFloat64) {
        d = v.GetDouble();
      } else if (f == TypeId::kInt16 || f == TypeId::kInt32 || f == TypeId::kInt64) {
        d = static_cast<double>(v.GetInt());
      } else {
        break;
      }
      if (t == TypeId::kFloat32) {
        if (std::isfinite(d) && std::fabs(d) > 3.4028234663852886e38) {
          return Status::Error(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
        }
        d = static_cast<float>(d);
      }
      return Value::FromDouble(t, d);
    }
    case TypeId::kNumeric: {
      Decimal d;
      if (f == TypeId::kNumeric) {
        d = v.GetDecimal();
      } else if (f == TypeId::kInt16 || f == TypeId::kInt32 || f == TypeId::kInt64) {
        d = Decimal::FromInt64(v.GetInt());
      } else if (f == TypeId::kFloat32 || f == TypeId::kFloat64) {
        if (std::isnan(v.GetDouble()) || std::isinf(v.GetDouble())) {
          return Status::NotSupported("cannot convert NaN or infinity to numeric");
        }
        if (f == TypeId::kFloat32) {
          // float4 -> numeric keeps 6 significant digits (FLT_DIG).
          char buf[64];
          std::snprintf(buf, sizeof(buf), "%.6g", v.GetDouble());
          ASSIGN_OR_RETURN(d, Decimal::Parse(buf));
        } else {
          ASSIGN_OR_RETURN(d, Decimal::FromDouble(v.GetDouble()));
        }
      } else {
        break;
      }
      ASSIGN_OR_RETURN(d, d.ApplyTypmod(to.NumericPrecision(), to.NumericScale()));
      return Value::Numeric(d, to.typmod);
    }
    case TypeId::kBool:
      if (f == TypeId::kInt32 || f == TypeId::kInt64 || f == TypeId::kInt16) {
        return Value::Bool(v.GetInt() != 0);
      }
      break;
    case TypeId::kDate:
      if (f == TypeId::kTimestamp) {
        return Value::Date(static_cast<int32_t>(
            std::floor(static_cast<double>(v.GetInt()) / datetime::kMicrosPerDay)));
      }
      if (f == TypeId::kTimestampTz) {
        int64_t local = v.GetInt() + ctx.tz().OffsetAt(v.GetInt()) * datetime::kMicrosPerSecond;
        return Value::Date(
            static_cast<int32_t>(std::floor(static_cast<double>(local) / datetime::kMicrosPerDay)));
      }
      break;
    case TypeId::kTimestamp:
      if (f == TypeId::kDate) return Value::Timestamp(v.GetInt() * datetime::kMicrosPerDay);
      if (f == TypeId::kTimestampTz) {
        return Value::Timestamp(v.GetInt() +
                                ctx.tz().OffsetAt(v.GetInt()) * datetime::kMicrosPerSecond);
      }
      break;
    case TypeId::kTimestampTz: {
      int64_t local;
      if (f == TypeId::kDate) {
        local = v.GetInt() * datetime::kMicrosPerDay;
      } else if (f == TypeId::kTimestamp) {
        local = v.GetInt();
      } else {
        break;
      }
      return Value::TimestampTz(local -
                                ctx.tz().OffsetForLocal(local) * datetime::kMicrosPerSecond);
    }
    case TypeId::kTime:
      if (f == TypeId::kTimestamp) {
        int64_t m = v.GetInt() % datetime::kMicrosPerDay;
        if (m < 0) m += datetime::kMicrosPerDay;
        return Value::Time(m);
      }
      if (f == TypeId::kTimestampTz) {
        int64_t local = v.GetInt() + ctx.tz().OffsetAt(v.GetInt()) * datetime::kMicrosPerSecond;
        int64_t m = local % datetime::kMicrosPerDay;
        if (m < 0) m += datetime::kMicrosPerDay;
        return Value::Time(m);
      }
      if (f == TypeId::kInterval) {
        int64_t m = v.GetInterval().micros % datetime::kMicrosPerDay;
        if (m < 0) m += datetime::kMicrosPerDay;
        return Value::Time(m);
      }
      break;
    case TypeId::kInterval:
      if (f == TypeId::kTime) {
        Interval iv;
        iv.micros = v.GetInt();
        return Value::MakeInterval(iv);
      }
      break;
    case TypeId::kJsonb:
      break;
    default:
      break;
  }
  if (f == t) {
    Value r = v;
    r.Retag(to);
    return r;
  }
  return Status::Error(sqlstate::kCannotCoerce,
                       "cannot cast type " + v.type().ToString() + " to " + to.ToString());
}

}  // namespace freshet::function
