#include "planner/optimizer.h"

#include <unordered_set>

#include "planner/expr_rewrite.h"
#include "planner/join_order.h"
#include "planner/predicate_pushdown.h"

namespace freshet::planner {

namespace {

/// Composes a projection of plain columns with the projection below it (the columns a reordered
/// join region restores under a select list): one projection instead of two. A lower expression
/// the upper one reads twice is copied only when it may be evaluated twice (IsMovable).
PlanPtr MergeProjections(PlanPtr p) {
  for (auto& c : p->children) c = MergeProjections(std::move(c));
  if (p->kind != PlanKind::kProject || p->children[0]->kind != PlanKind::kProject) return p;
  LogicalPlan& below = *p->children[0];
  std::vector<int> uses(below.exprs.size(), 0);
  for (const auto& e : p->exprs) {
    if (e->kind != BoundExprKind::kColumn) return p;
    uses[e->column]++;
  }
  for (size_t i = 0; i < uses.size(); i++) {
    if (uses[i] > 1 && !IsMovable(*below.exprs[i])) return p;
  }
  for (auto& e : p->exprs) e = below.exprs[e->column]->Clone();
  PlanPtr grandchild = std::move(below.children[0]);
  p->children[0] = std::move(grandchild);
  return p;
}

PlanPtr OptimizeBlock(PlanPtr plan, const OptimizerOptions& options) {
  plan = PushDownPredicates(std::move(plan));
  plan = OrderJoins(std::move(plan), options);
  return MergeProjections(std::move(plan));
}

/// Optimizes the plans of the subqueries in one plan's expressions, each shared plan once (a
/// cloned expression shares its subquery's plan, and the batch executor caches results by it).
class SubqueryOptimizer {
 public:
  explicit SubqueryOptimizer(const OptimizerOptions& options) : options_(options) {}

  void Plan(LogicalPlan& p) {
    Expr(p.predicate.get());
    Expr(p.limit.get());
    Expr(p.offset.get());
    for (auto& e : p.exprs) Expr(e.get());
    for (auto& row : p.values) {
      for (auto& e : row) Expr(e.get());
    }
    for (auto& a : p.aggregates) {
      Expr(a.arg.get());
      Expr(a.sep.get());
      Expr(a.filter.get());
      for (auto& [e, desc] : a.order_by) Expr(e.get());
    }
    for (auto& k : p.sort_keys) Expr(k.expr.get());
    for (auto& w : p.window_calls) {
      for (auto& e : w.args) Expr(e.get());
      for (auto& e : w.partition_by) Expr(e.get());
      for (auto& k : w.order_by) Expr(k.expr.get());
    }
    for (auto& c : p.children) Plan(*c);
  }

 private:
  void Expr(BoundExpr* e) {
    if (!e) return;
    if (e->kind == BoundExprKind::kSubquery && e->plan && done_.insert(e->plan.get()).second) {
      Plan(*e->plan);
      auto owned = std::make_unique<LogicalPlan>(std::move(*e->plan));
      *e->plan = std::move(*OptimizeBlock(std::move(owned), options_));
    }
    for (auto& c : e->children) Expr(c.get());
  }

  const OptimizerOptions& options_;
  std::unordered_set<const LogicalPlan*> done_;
};

}  // namespace

PlanPtr Optimize(PlanPtr plan, const OptimizerOptions& options) {
  SubqueryOptimizer subqueries(options);
  subqueries.Plan(*plan);
  return OptimizeBlock(std::move(plan), options);
}

}  // namespace freshet::planner
