#include "planner/column_usage.h"

namespace freshet::planner {
namespace {

/// Marks the input columns `e` reads; false when it holds a subquery (which may read any).
bool Collect(const BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == BoundExprKind::kSubquery) return false;
  if (e.kind == BoundExprKind::kColumn && e.column >= 0 &&
      static_cast<size_t>(e.column) < used->size()) {
    (*used)[e.column] = true;
  }
  for (const auto& c : e.children) {
    if (c && !Collect(*c, used)) return false;
  }
  return true;
}

void CollectOrAll(const BoundExprPtr& e, std::vector<bool>* used) {
  if (e && !Collect(*e, used)) used->assign(used->size(), true);
}

}  // namespace

ColumnUsage::ColumnUsage(const LogicalPlan& root) {
  Visit(root, std::vector<bool>(root.types.size(), true));
}

const std::vector<bool>* ColumnUsage::ForScan(const LogicalPlan& scan) const {
  auto it = scans_.find(&scan);
  return it == scans_.end() ? nullptr : &it->second;
}

void ColumnUsage::Visit(const LogicalPlan& p, std::vector<bool> needed) {
  auto width = [&](size_t i) { return p.children[i]->types.size(); };
  switch (p.kind) {
    case PlanKind::kScan: {
      auto [it, fresh] = scans_.emplace(&p, needed);
      if (!fresh) {
        for (size_t c = 0; c < needed.size() && c < it->second.size(); c++) {
          if (needed[c]) it->second[c] = true;
        }
      }
      return;
    }
    case PlanKind::kFilter:
      CollectOrAll(p.predicate, &needed);
      Visit(*p.children[0], std::move(needed));
      return;
    case PlanKind::kProject: {
      std::vector<bool> in(width(0), false);
      for (size_t i = 0; i < p.exprs.size(); i++) {
        if (i >= needed.size() || needed[i]) CollectOrAll(p.exprs[i], &in);
      }
      Visit(*p.children[0], std::move(in));
      return;
    }
    case PlanKind::kAggregate: {
      std::vector<bool> in(width(0), false);
      for (const auto& g : p.exprs) CollectOrAll(g, &in);
      for (const auto& a : p.aggregates) {
        CollectOrAll(a.arg, &in);
        CollectOrAll(a.sep, &in);
        CollectOrAll(a.filter, &in);
        for (const auto& [e, desc] : a.order_by) CollectOrAll(e, &in);
      }
      Visit(*p.children[0], std::move(in));
      return;
    }
    case PlanKind::kJoin: {
      size_t lw = width(0), rw = width(1);
      std::vector<bool> both(lw + rw, false);
      for (size_t c = 0; c < needed.size() && c < both.size(); c++) both[c] = needed[c];
      CollectOrAll(p.predicate, &both);
      Visit(*p.children[0], std::vector<bool>(both.begin(), both.begin() + lw));
      Visit(*p.children[1], std::vector<bool>(both.begin() + lw, both.end()));
      return;
    }
    case PlanKind::kWindowTvf: {
      std::vector<bool> in(width(0), false);
      for (size_t c = 0; c < in.size() && c < needed.size(); c++) in[c] = needed[c];
      if (p.window.time_column >= 0) in[p.window.time_column] = true;
      for (int k : p.window.keys) in[k] = true;
      Visit(*p.children[0], std::move(in));
      return;
    }
    case PlanKind::kWindow: {
      std::vector<bool> in(width(0), false);
      for (size_t c = 0; c < in.size() && c < needed.size(); c++) in[c] = needed[c];
      for (const auto& w : p.window_calls) {
        for (const auto& a : w.args) CollectOrAll(a, &in);
        for (const auto& e : w.partition_by) CollectOrAll(e, &in);
        for (const auto& k : w.order_by) CollectOrAll(k.expr, &in);
      }
      Visit(*p.children[0], std::move(in));
      return;
    }
    case PlanKind::kSort:
      for (const auto& k : p.sort_keys) CollectOrAll(k.expr, &needed);
      Visit(*p.children[0], std::move(needed));
      return;
    case PlanKind::kLimit:
      Visit(*p.children[0], std::move(needed));
      return;
    default:
      // Set operations and DISTINCT compare whole rows; the rest is not modelled.
      for (const auto& c : p.children) Visit(*c, std::vector<bool>(c->types.size(), true));
      return;
  }
}

}  // namespace freshet::planner
