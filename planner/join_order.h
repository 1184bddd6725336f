#pragma once

#include "planner/logical_plan.h"
#include "planner/optimizer.h"

namespace freshet::planner {

/// Orders every region of inner and comma joins (joins whose inputs may be joined in any order:
/// not outer, LATERAL or lookup joins, and conditions IsMovable accepts) over the graph of its
/// conditions. Never a cross product while a connected order exists. With row counts
/// (OptimizerOptions::row_count), the order minimizes the sum of estimated intermediate
/// results — exhaustively over subsets for small regions, greedily for large ones — and puts the
/// smaller input of each join on the right (the side the batch hash join builds). Without, a
/// region keeps its written shape unless that has an avoidable cross product; then it becomes
/// left-deep in FROM order, each next relation the first one connected to those before it. Each
/// condition is evaluated at the lowest join that has all its columns; a projection restores the
/// region's column order when it changed.
PlanPtr OrderJoins(PlanPtr plan, const OptimizerOptions& options);

/// The optimizer's estimate of how many rows `plan` yields (at least 1).
double EstimateRows(const LogicalPlan& plan, const OptimizerOptions& options);

}  // namespace freshet::planner
