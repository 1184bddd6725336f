#pragma once

// Rewrites of bound expressions the optimizer shares: conjunct lists, column references and
// their remapping, and constant folding. Column rewrites stop at subqueries (their plans read
// this level's row through outer references, which these rewrites do not follow), so they apply
// only to expressions IsMovable accepts.

#include <vector>

#include "planner/logical_plan.h"

namespace freshet::planner {

/// Moves the conjuncts of `e` (nested ANDs flattened) onto `out`.
void SplitConjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out);

/// The AND of `conjuncts` (the single conjunct itself; null when there are none).
BoundExprPtr Conjoin(std::vector<BoundExprPtr> conjuncts);

/// True when `e` may be evaluated at another place in the plan than where the binder put it:
/// no subquery, no volatile function (random(): the number of evaluations would change), no
/// time-dependent one (now(): a materialized view's temporal filter acts where it is written),
/// and no reference to an enclosing query (correlated subquery plans keep those where the
/// stream planner looks for them).
bool IsMovable(const BoundExpr& e);

/// The input columns `e` reads at its own level, in increasing order without duplicates.
std::vector<int> ReferencedColumns(const BoundExpr& e);

/// Marks in `used` (sized to the input's columns) the columns `e` reads. False when that is not
/// known: `e` holds a subquery, whose plan may read any column of the row.
bool MarkReferencedColumns(const BoundExpr& e, std::vector<bool>* used);

/// Adds `delta` to every column reference of `e` (its level only).
void ShiftColumns(BoundExpr* e, int delta);

/// Replaces every column reference c of `e` by map[c] (its level only).
void RemapColumns(BoundExpr* e, const std::vector<int>& map);

/// A copy of `e` with every column reference c replaced by a copy of `by[c]`.
BoundExprPtr SubstituteColumns(const BoundExpr& e, const std::vector<BoundExprPtr>& by);

/// True when `e`, as a WHERE condition, is never TRUE while any of `columns` (sorted) is NULL:
/// it filters out the rows an outer join pads with NULLs.
bool RejectsNulls(const BoundExpr& e, const std::vector<int>& columns);

/// Folds what needs no input row: comparisons of two integer or boolean constants, AND / OR /
/// NOT over constants (`x AND true` is x, `x OR true` is true). Functions are left to run, so
/// errors and session settings (time zone, date style) stay execution's.
BoundExprPtr FoldConstants(BoundExprPtr e);

/// True when `e` is the constant TRUE.
bool IsTrueConstant(const BoundExpr& e);

}  // namespace freshet::planner
