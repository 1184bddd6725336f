#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "function/eval_context.h"

namespace freshet::function {

enum class AggKind : uint8_t {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kStringAgg,
  kBoolAnd,
  kBoolOr,
  kVarSamp,
  kVarPop,
  kStddevSamp,
  kStddevPop,
};

/// An aggregate resolved for an argument type.
struct BoundAggregate {
  AggKind kind;
  std::string name;
  SqlType input_type;  // the binder casts the argument to this type
  SqlType result_type;
};

/// Resolves count/sum/avg/min/max/string_agg/bool_and/bool_or/every/stddev/variance and their
/// _samp/_pop forms with PostgreSQL's result types. 42883 when unknown or mistyped.
Result<BoundAggregate> ResolveAggregate(std::string_view name, const std::vector<SqlType>& args,
                                        bool star);
bool IsAggregateFunction(std::string_view name);

/// Running state of one aggregate over one group. Plain struct: updates dispatch on the kind
/// with a switch, no virtual calls and no allocation for numeric aggregates.
struct AggState {
  int64_t count = 0;
  __int128 int_sum = 0;  // sum of integer inputs
  Decimal dec_sum;       // numeric sums (and integer sums once they overflow int128? no: ints)
  double dbl_sum = 0;
  double dbl_sumsq = 0;
  Decimal dec_sumsq;
  Value extreme;  // min/max
  bool bool_acc = false;
  bool has_value = false;
  std::string text;  // string_agg
};

/// Adds one input row (`value` already cast to input_type; `sep` for string_agg). NULL inputs
/// are ignored as in SQL (count(*) counts rows).
Status AggUpdate(const BoundAggregate& agg, AggState* state, const Value& value, const Value& sep);
/// The aggregate's result for a finished group (NULL for empty sum/min/max/avg...).
Result<Value> AggFinalize(const BoundAggregate& agg, const AggState& state);

}  // namespace freshet::function
