#pragma once

#include <optional>

#include "common/value.h"
#include "planner/catalog.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

class Executor;

/// What a WHERE condition fixes of a relation's primary-key order: the leading key columns it
/// sets by equalities, and bounds on the next key column. Rows outside are certain not to match;
/// rows inside still have the whole condition tested.
struct KeyBounds {
  Row equal;  // values of the first equal.size() key columns, in key order
  /// Bounds on key column equal.size() (none once `equal` covers the key).
  std::optional<Value> lower, upper;
  bool lower_inclusive = true;
  bool upper_inclusive = true;
};

/// The key bounds of `pred` over rows of `table` (column types `types`): conjuncts
/// `key_col op value` with op = < <= > >= and a value of the column's own type that needs no row
/// (constants, parameters, stable functions of them), either way around. Nullopt when the
/// condition restricts no leading key column, or a bound is NULL.
std::optional<KeyBounds> KeyBoundsFromPredicate(const planner::TableDef& table,
                                                const std::vector<SqlType>& types,
                                                const planner::BoundExpr& pred, Executor& exec);

/// The values of every primary-key column (in key order) `pred` fixes by equalities, or nullopt.
std::optional<Row> KeyFromPredicate(const planner::TableDef& table,
                                    const std::vector<SqlType>& types,
                                    const planner::BoundExpr& pred, Executor& exec);

}  // namespace freshet::executor
