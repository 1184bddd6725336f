#pragma once

// LATERAL: joins whose right side reads the left row. The binder builds them as dependent
// joins (LogicalPlan::lateral, evaluated per left row by the batch executor) and hands them here
// to be unnested into ordinary plans where the right side's shape allows — then the batch engine
// hashes instead of re-running, and materialized views can maintain them incrementally.

#include "common/status.h"
#include "planner/logical_plan.h"

namespace freshet::planner {

/// True when an expression anywhere in `plan` (subqueries and lateral right sides included)
/// reads the row `level` query levels out of the plan's own level (1 = the row just outside).
bool PlanReadsLevel(const LogicalPlan& plan, int level);

/// True when an expression anywhere in `plan` reads any row outside it.
bool PlanReadsOuter(const LogicalPlan& plan);

/// `join` is a kJoin with `lateral` set (children: the left input and a right side bound with
/// the left row as its depth-1 outer row; predicate over left ++ right). Returns an equivalent
/// plan without the dependency when the right side is
///   - a set-returning function (inner or cross join): the function over the left rows, then the
///     join condition as a filter;
///   - a projection over an optional filter over a relation that reads nothing outside itself,
///     the projection and filter free of subqueries: an ordinary join on the filter, projected
///     (for LEFT joins only when the projection is plain columns, which pad with NULLs);
///   - a projection over an aggregate without GROUP BY over a filter whose conjuncts are
///     equalities between the left row and the relation's row, or read the relation only: the
///     aggregate grouped by those keys, LEFT joined on them (count of no rows is 0);
/// and `join` unchanged otherwise.
PlanPtr UnnestLateral(PlanPtr join);

}  // namespace freshet::planner
