#include "planner/optimizer.h"

#include <unordered_set>

#include "planner/join_order.h"
#include "planner/predicate_pushdown.h"

namespace freshet::planner {

namespace {

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
      *e->plan = std::move(*OrderJoins(PushDownPredicates(std::move(owned)), options_));
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
  plan = PushDownPredicates(std::move(plan));
  return OrderJoins(std::move(plan), options);
}

}  // namespace freshet::planner
