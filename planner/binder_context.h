#pragma once

// Private to the binder's .cc files.

#include "planner/binder.h"

namespace freshet::planner {

/// How expressions of one clause are bound: the row they see and what they may contain.
struct Binder::ExprContext {
  const Scope* scope = nullptr;  // names of the row the expression is evaluated over
  // Aggregation: expressions see the aggregate's output row (groups ++ aggregates).
  bool agg_mode = false;
  const Scope* from_scope = nullptr;
  std::vector<BoundExprPtr>* groups = nullptr;
  std::vector<AggregateCall>* aggregates = nullptr;
  bool allow_aggregates = false;
  const char* clause = "";  // for "aggregate functions are not allowed in WHERE"
  bool in_aggregate = false;
  // Windows: appended after the base row.
  std::vector<WindowCall>* windows = nullptr;
  bool allow_windows = false;
};

}  // namespace freshet::planner
