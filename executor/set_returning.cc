#include "executor/set_returning.h"

#include "common/datetime.h"
#include "function/scalar_function.h"

namespace freshet::executor {

Status ExpandSetReturning(const std::string& name, SqlType type, const std::vector<Value>& args,
                          const function::EvalContext& eval, const std::function<Status()>& check,
                          std::vector<Value>* out) {
  for (const auto& a : args) {
    if (a.is_null()) return Status::OK();
  }
  if (name == "unnest") {
    for (auto& el : function::ParseArrayLiteral(args[0].GetString())) {
      out->push_back(el ? Value::String(TypeId::kUnknown, *el) : Value::Null(TypeId::kUnknown));
    }
    return Status::OK();
  }
  const SqlType& t = type;
  if (t.id == TypeId::kTimestamp || t.id == TypeId::kTimestampTz) {
    const Interval& step = args[2].GetInterval();
    if (step.SortKey() == 0) {
      return Status::Error(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
    }
    int64_t cur = args[0].GetInt(), end = args[1].GetInt();
    bool up = step.SortKey() > 0;
    while (up ? cur <= end : cur >= end) {
      out->push_back(Value::FromInt(t, cur));
      if ((out->size() & 65535) == 0) RETURN_IF_ERROR(check());
      ASSIGN_OR_RETURN(cur, t.id == TypeId::kTimestamp
                                ? datetime::TimestampPlusInterval(cur, step)
                                : datetime::TimestampTzPlusInterval(cur, step, eval.tz()));
    }
    return Status::OK();
  }
  if (t.id == TypeId::kNumeric) {
    Decimal cur = args[0].GetDecimal(), end = args[1].GetDecimal();
    Decimal step = args.size() > 2 ? args[2].GetDecimal() : Decimal::FromInt64(1);
    if (step.Sign() == 0) {
      return Status::Error(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
    }
    while (step.Sign() > 0 ? cur.Compare(end) <= 0 : cur.Compare(end) >= 0) {
      out->push_back(Value::Numeric(cur));
      if ((out->size() & 65535) == 0) RETURN_IF_ERROR(check());
      ASSIGN_OR_RETURN(cur, cur.Add(step));
    }
    return Status::OK();
  }
  if (t.IsFloat()) {
    return Status::Error(sqlstate::kUndefinedFunction,
                         "function generate_series(double precision, double precision) does not "
                         "exist");
  }
  int64_t cur = args[0].GetInt(), end = args[1].GetInt();
  int64_t step = args.size() > 2 ? args[2].GetInt() : 1;
  if (step == 0) {
    return Status::Error(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
  }
  while (step > 0 ? cur <= end : cur >= end) {
    out->push_back(Value::FromInt(t, cur));
    if ((out->size() & 65535) == 0) RETURN_IF_ERROR(check());
    if (__builtin_add_overflow(cur, step, &cur)) break;
  }
  return Status::OK();
}

}  // namespace freshet::executor
