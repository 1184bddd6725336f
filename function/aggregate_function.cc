#include "function/aggregate_function.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "function/cast.h"

namespace freshet::function {
namespace {

using T = TypeId;

Status NotFound(std::string_view name, const std::vector<SqlType>& args) {
  std::string s = "function " + std::string(name) + "(";
  for (size_t i = 0; i < args.size(); i++) {
    if (i) s += ", ";
    s += args[i].id == T::kUnknown ? "unknown" : args[i].ToString();
  }
  return Status::Error(sqlstate::kUndefinedFunction, s + ") does not exist")
      .WithHint(
          "No function matches the given name and argument types. You might need to add "
          "explicit type casts.");
}

}  // namespace

bool IsAggregateFunction(std::string_view n) {
  return n == "count" || n == "sum" || n == "avg" || n == "min" || n == "max" ||
         n == "string_agg" || n == "bool_and" || n == "bool_or" || n == "every" || n == "stddev" ||
         n == "stddev_samp" || n == "stddev_pop" || n == "variance" || n == "var_samp" ||
         n == "var_pop";
}

Result<BoundAggregate> ResolveAggregate(std::string_view name, const std::vector<SqlType>& args,
                                        bool star) {
  BoundAggregate a;
  a.name = std::string(name);
  if (name == "count") {
    if (star || args.empty()) {
      a.kind = AggKind::kCountStar;
      a.result_type = T::kInt64;
      return a;
    }
    if (args.size() != 1) return NotFound(name, args);
    a.kind = AggKind::kCount;
    a.input_type = args[0].id == T::kUnknown ? SqlType(T::kText) : args[0];
    a.result_type = T::kInt64;
    return a;
  }
  if (name == "string_agg") {
    if (args.size() != 2) return NotFound(name, args);
    if (!(args[0].IsString() || args[0].id == T::kUnknown || args[0].id == T::kBytea)) {
      return NotFound(name, args);
    }
    a.kind = AggKind::kStringAgg;
    a.input_type = T::kText;
    a.result_type = T::kText;
    return a;
  }
  if (args.size() != 1) return NotFound(name, args);
  SqlType in = args[0].id == T::kUnknown ? SqlType(T::kText) : args[0];
  if (name == "min" || name == "max") {
    if (in.id == T::kJsonb || in.id == T::kBool || in.id == T::kRecord) return NotFound(name, args);
    a.kind = name == "min" ? AggKind::kMin : AggKind::kMax;
    a.input_type = in;
    a.result_type = in;
    return a;
  }
  if (name == "bool_and" || name == "every" || name == "bool_or") {
    if (in.id != T::kBool && args[0].id != T::kUnknown) return NotFound(name, args);
    a.kind = name == "bool_or" ? AggKind::kBoolOr : AggKind::kBoolAnd;
    a.input_type = T::kBool;
    a.result_type = T::kBool;
    return a;
  }
  if (args[0].id == T::kUnknown) return NotFound(name, args);
  bool is_int = in.IsInteger();
  if (name == "sum") {
    a.kind = AggKind::kSum;
    if (in.id == T::kInt16 || in.id == T::kInt32) {
      a.input_type = in;
      a.result_type = T::kInt64;
    } else if (in.id == T::kInt64 || in.id == T::kNumeric) {
      a.input_type = in;
      a.result_type = T::kNumeric;
    } else if (in.id == T::kFloat32 || in.id == T::kFloat64 || in.id == T::kInterval) {
      a.input_type = in;
      a.result_type = in;
    } else {
      return NotFound(name, args);
    }
    return a;
  }
  if (name == "avg") {
    a.kind = AggKind::kAvg;
    a.input_type = in;
    if (is_int || in.id == T::kNumeric) {
      a.result_type = T::kNumeric;
    } else if (in.IsFloat()) {
      a.result_type = T::kFloat64;
    } else if (in.id == T::kInterval) {
      a.result_type = T::kInterval;
    } else {
      return NotFound(name, args);
    }
    return a;
  }
  if (name == "stddev" || name == "stddev_samp" || name == "stddev_pop" || name == "variance" ||
      name == "var_samp" || name == "var_pop") {
    if (!in.IsNumeric()) return NotFound(name, args);
    a.kind = (name == "stddev" || name == "stddev_samp") ? AggKind::kStddevSamp
             : name == "stddev_pop"                      ? AggKind::kStddevPop
             : name == "var_pop"                         ? AggKind::kVarPop
                                                         : AggKind::kVarSamp;
    a.input_type = in;
    a.result_type = in.IsFloat() ? SqlType(T::kFloat64) : SqlType(T::kNumeric);
    return a;
  }
  return NotFound(name, args);
}

Status AggUpdate(const BoundAggregate& agg, AggState* s, const Value& v, const Value& sep) {
  if (agg.kind == AggKind::kCountStar) {
    s->count++;
    return Status::OK();
  }
  if (v.is_null()) return Status::OK();
  switch (agg.kind) {
    case AggKind::kCount:
      s->count++;
      break;
    case AggKind::kSum:
    case AggKind::kAvg:
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop: {
      s->count++;
      TypeId t = v.type_id();
      if (t == T::kInt16 || t == T::kInt32 || t == T::kInt64) {
        if (agg.kind == AggKind::kSum || agg.kind == AggKind::kAvg) {
          s->int_sum += v.GetInt();
        } else {
          Decimal d = Decimal::FromInt64(v.GetInt());
          ASSIGN_OR_RETURN(s->dec_sum, s->dec_sum.Add(d));
          ASSIGN_OR_RETURN(Decimal sq, d.Mul(d));
          ASSIGN_OR_RETURN(s->dec_sumsq, s->dec_sumsq.Add(sq));
        }
      } else if (t == T::kNumeric) {
        ASSIGN_OR_RETURN(s->dec_sum, s->dec_sum.Add(v.GetDecimal()));
        if (agg.kind != AggKind::kSum && agg.kind != AggKind::kAvg) {
          ASSIGN_OR_RETURN(Decimal sq, v.GetDecimal().Mul(v.GetDecimal()));
          ASSIGN_OR_RETURN(s->dec_sumsq, s->dec_sumsq.Add(sq));
        }
      } else if (t == T::kInterval) {
        if (!s->has_value) {
          s->extreme = v;
        } else {
          s->extreme =
              Value::MakeInterval(datetime::IntervalAdd(s->extreme.GetInterval(), v.GetInterval()));
        }
      } else {
        s->dbl_sum += v.GetDouble();
        s->dbl_sumsq += v.GetDouble() * v.GetDouble();
      }
      s->has_value = true;
      break;
    }
    case AggKind::kMin:
    case AggKind::kMax: {
      if (!s->has_value) {
        s->extreme = v;
      } else {
        int c = Value::Compare(v, s->extreme);
        if ((agg.kind == AggKind::kMin && c < 0) || (agg.kind == AggKind::kMax && c > 0)) {
          s->extreme = v;
        }
      }
      s->has_value = true;
      break;
    }
    case AggKind::kStringAgg:
      if (s->has_value && !sep.is_null()) s->text += sep.GetString();
      s->text += v.GetString();
      s->has_value = true;
      break;
    case AggKind::kBoolAnd:
      s->bool_acc = s->has_value ? (s->bool_acc && v.GetBool()) : v.GetBool();
      s->has_value = true;
      break;
    case AggKind::kBoolOr:
      s->bool_acc = s->has_value ? (s->bool_acc || v.GetBool()) : v.GetBool();
      s->has_value = true;
      break;
    default:
      break;
  }
  return Status::OK();
}

Result<Value> AggFinalize(const BoundAggregate& agg, const AggState& s) {
  switch (agg.kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
      return Value::Int64(s.count);
    case AggKind::kSum: {
      if (!s.has_value) return Value::Null(agg.result_type);
      if (agg.input_type.IsInteger()) {
        if (agg.result_type.id == T::kInt64) {
          if (s.int_sum > INT64_MAX || s.int_sum < INT64_MIN) {
            return Status::Error(sqlstate::kNumericValueOutOfRange, "bigint out of range");
          }
          return Value::Int64(static_cast<int64_t>(s.int_sum));
        }
        return Value::Numeric(Decimal(s.int_sum, 0));
      }
      if (agg.input_type.id == T::kNumeric) return Value::Numeric(s.dec_sum);
      if (agg.input_type.id == T::kInterval) return s.extreme;
      if (agg.result_type.id == T::kFloat32) return Value::Float32(static_cast<float>(s.dbl_sum));
      return Value::Float64(s.dbl_sum);
    }
    case AggKind::kAvg: {
      if (!s.has_value) return Value::Null(agg.result_type);
      if (agg.input_type.IsInteger()) {
        ASSIGN_OR_RETURN(Decimal d, Decimal(s.int_sum, 0).Div(Decimal::FromInt64(s.count)));
        return Value::Numeric(d);
      }
      if (agg.input_type.id == T::kNumeric) {
        ASSIGN_OR_RETURN(Decimal d, s.dec_sum.Div(Decimal::FromInt64(s.count)));
        return Value::Numeric(d);
      }
      if (agg.input_type.id == T::kInterval) {
        ASSIGN_OR_RETURN(Interval iv, datetime::IntervalDiv(s.extreme.GetInterval(),
                                                            static_cast<double>(s.count)));
        return Value::MakeInterval(iv);
      }
      return Value::Float64(s.dbl_sum / static_cast<double>(s.count));
    }
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop: {
      bool samp = agg.kind == AggKind::kVarSamp || agg.kind == AggKind::kStddevSamp;
      bool sd = agg.kind == AggKind::kStddevSamp || agg.kind == AggKind::kStddevPop;
      if (s.count == 0 || (samp && s.count == 1)) return Value::Null(agg.result_type);
      if (agg.result_type.id == T::kFloat64) {
        double n = static_cast<double>(s.count);
        double num = n * s.dbl_sumsq - s.dbl_sum * s.dbl_sum;
        if (num < 0) num = 0;
        double var = num / (n * (samp ? n - 1 : n));
        return Value::Float64(sd ? std::sqrt(var) : var);
      }
      Decimal n = Decimal::FromInt64(s.count);
      ASSIGN_OR_RETURN(Decimal a, n.Mul(s.dec_sumsq));
      ASSIGN_OR_RETURN(Decimal b, s.dec_sum.Mul(s.dec_sum));
      ASSIGN_OR_RETURN(Decimal num, a.Sub(b));
      // PostgreSQL: a numerator <= 0 (one value, or round-off) gives exactly 0.
      if (num.Sign() <= 0) return Value::Numeric(Decimal());
      Decimal denom_n = samp ? Decimal::FromInt64(s.count - 1) : n;
      ASSIGN_OR_RETURN(Decimal denom, n.Mul(denom_n));
      ASSIGN_OR_RETURN(Decimal var, num.Div(denom));
      if (var.Sign() < 0) var = Decimal();
      if (!sd) return Value::Numeric(var);
      // PostgreSQL takes the square root at the variance's scale.
      ASSIGN_OR_RETURN(Decimal r, var.Sqrt(var.scale()));
      return Value::Numeric(r);
    }
    case AggKind::kMin:
    case AggKind::kMax:
      if (!s.has_value) return Value::Null(agg.result_type);
      return s.extreme;
    case AggKind::kStringAgg:
      if (!s.has_value) return Value::Null(T::kText);
      return Value::Text(s.text);
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
      if (!s.has_value) return Value::Null(T::kBool);
      return Value::Bool(s.bool_acc);
  }
  return Status::Internal("unknown aggregate");
}

}  // namespace freshet::function
