#pragma once

#include "planner/logical_plan.h"

namespace freshet::planner {

/// Moves filter conditions as close to the rows they test as the plan allows, without changing
/// any result: through projections of plain columns, sorts, DISTINCT, set operations (into every
/// branch), GROUP BY keys and window TVFs (but not session windows, whose sessions depend on
/// every row), into join conditions and below joins to the side they read. A comma join whose
/// conditions connect its sides becomes an inner join; a LEFT / RIGHT join whose padded side a
/// WHERE condition rejects NULLs of becomes an inner join. Conditions IsMovable refuses stay
/// where they are. Every node's subtree is rewritten, also below LIMIT and other barriers.
PlanPtr PushDownPredicates(PlanPtr plan);

}  // namespace freshet::planner
