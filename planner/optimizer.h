#pragma once

#include <functional>
#include <optional>

#include "common/status.h"
#include "planner/logical_plan.h"

namespace freshet::planner {

/// How the optimizer plans one query.
struct OptimizerOptions {
  /// Estimated rows of a stored relation, for join ordering; nullopt when unknown. Unset, no
  /// estimate depends on the data, so a plan is a function of its query alone: materialized
  /// views are planned this way, since their operators' state layout must be the same at every
  /// restart (and a view is usually created before its data arrives).
  std::function<std::optional<double>(const TableDef&)> row_count;
  /// Regions of inner joins up to this many relations are ordered by dynamic programming over
  /// their subsets; larger ones greedily.
  int exhaustive_join_limit = 12;
};

/// The logical optimizer both executors' plans go through: constant folding, predicate pushdown
/// (planner/predicate_pushdown.h), comma joins turned into inner joins by their WHERE
/// conditions, and join ordering over the predicate graph (planner/join_order.h). Subquery plans
/// are optimized too. The result has the input's output columns (names, types, order).
PlanPtr Optimize(PlanPtr plan, const OptimizerOptions& options);

}  // namespace freshet::planner
