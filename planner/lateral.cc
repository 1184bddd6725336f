#include "planner/lateral.h"

#include <functional>

namespace freshet::planner {

namespace {

using RefVisitor = std::function<void(const BoundExpr& ref, int level)>;

void VisitPlanRefs(const LogicalPlan& p, int level, const RefVisitor& visit);

/// Calls `visit` for every outer column reference in `e` with the query level it sits at
/// (`level` for e itself, one more inside each subquery).
void VisitExprRefs(const BoundExpr& e, int level, const RefVisitor& visit) {
  if (e.kind == BoundExprKind::kOuterColumn) visit(e, level);
  if (e.kind == BoundExprKind::kSubquery && e.plan) VisitPlanRefs(*e.plan, level + 1, visit);
  for (const auto& c : e.children) VisitExprRefs(*c, level, visit);
}

void VisitPlanRefs(const LogicalPlan& p, int level, const RefVisitor& visit) {
  auto expr = [&](const BoundExprPtr& e) {
    if (e) VisitExprRefs(*e, level, visit);
  };
  expr(p.predicate);
  expr(p.limit);
  expr(p.offset);
  for (const auto& e : p.exprs) expr(e);
  for (const auto& row : p.values)
    for (const auto& e : row) expr(e);
  for (const auto& a : p.aggregates) {
    expr(a.arg);
    expr(a.sep);
    expr(a.filter);
    for (const auto& [o, desc] : a.order_by) expr(o);
  }
  for (const auto& k : p.sort_keys) expr(k.expr);
  for (const auto& w : p.window_calls) {
    for (const auto& e : w.args) expr(e);
    for (const auto& e : w.partition_by) expr(e);
    for (const auto& k : w.order_by) expr(k.expr);
  }
  for (size_t i = 0; i < p.children.size(); i++) {
    bool dependent = p.kind == PlanKind::kJoin && p.lateral && i == 1;
    VisitPlanRefs(*p.children[i], dependent ? level + 1 : level, visit);
  }
}

bool HasSubquery(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : e.children) {
    if (HasSubquery(*c)) return true;
  }
  return false;
}

/// Rewrites an expression of the right side for evaluation over (left row ++ right input row):
/// depth-1 references become left columns, deeper ones move one level in, right columns shift
/// by the left width. Expressions must be free of subqueries.
BoundExprPtr OverJoinedRow(const BoundExpr& e, int left_width) {
  BoundExprPtr out = e.Clone();
  std::function<void(BoundExpr*)> walk = [&](BoundExpr* x) {
    if (x->kind == BoundExprKind::kColumn) {
      x->column += left_width;
    } else if (x->kind == BoundExprKind::kOuterColumn) {
      if (x->depth == 1) {
        x->kind = BoundExprKind::kColumn;
        x->depth = 0;
      } else {
        x->depth--;
      }
    }
    for (auto& c : x->children) walk(c.get());
  };
  walk(out.get());
  return out;
}

/// Replaces the right-side columns (>= left_width) of `e` by the expressions they name.
BoundExprPtr Substitute(const BoundExpr& e, int left_width,
                        const std::vector<BoundExprPtr>& right) {
  if (e.kind == BoundExprKind::kColumn && e.column >= left_width) {
    return right[static_cast<size_t>(e.column - left_width)]->Clone();
  }
  BoundExprPtr out = e.Clone();
  out->children.clear();
  for (const auto& c : e.children) out->children.push_back(Substitute(*c, left_width, right));
  return out;
}

BoundExprPtr And(BoundExprPtr a, BoundExprPtr b) {
  if (!a) return b;
  if (!b) return a;
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
  e->children.push_back(std::move(a));
  e->children.push_back(std::move(b));
  return e;
}

/// LATERAL set-returning function: the function over the left rows (inner / cross joins).
PlanPtr UnnestFunction(PlanPtr join) {
  LogicalPlan& fn = *join->children[1];
  for (const auto& a : fn.exprs) {
    if (HasSubquery(*a)) return join;
  }
  int lw = static_cast<int>(join->children[0]->types.size());
  std::vector<BoundExprPtr> args;
  for (const auto& a : fn.exprs) {
    BoundExprPtr r = OverJoinedRow(*a, lw);
    args.push_back(std::move(r));
  }
  PlanPtr over = std::move(join->children[1]);
  over->exprs = std::move(args);
  over->types = join->types;
  over->names = join->names;
  over->children.push_back(std::move(join->children[0]));
  if (!join->predicate) return over;
  auto filter = std::make_unique<LogicalPlan>(PlanKind::kFilter);
  filter->types = over->types;
  filter->names = over->names;
  filter->predicate = std::move(join->predicate);
  filter->children.push_back(std::move(over));
  return filter;
}

/// True when `e` reads nothing but the row just outside (depth-1 references and constants).
bool ReadsOnlyOuter(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kColumn || e.kind == BoundExprKind::kSubquery ||
      e.kind == BoundExprKind::kParam) {
    return false;
  }
  if (e.kind == BoundExprKind::kOuterColumn && e.depth != 1) return false;
  for (const auto& c : e.children) {
    if (!ReadsOnlyOuter(*c)) return false;
  }
  return true;
}

/// True when `e` reads its own row only (no outer references, no subqueries).
bool ReadsOnlyInner(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kOuterColumn || e.kind == BoundExprKind::kSubquery) return false;
  for (const auto& c : e.children) {
    if (!ReadsOnlyInner(*c)) return false;
  }
  return true;
}

void Conjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundExprKind::kAnd) {
    for (auto& c : e->children) Conjuncts(std::move(c), out);
  } else {
    out->push_back(std::move(e));
  }
}

/// LATERAL (SELECT f(aggregates) FROM x WHERE x.k = left.c AND ...) — one row per left row:
/// the aggregate grouped by the correlated keys, LEFT joined on them; a left row no group matches
/// sees the aggregates of no rows (count 0, the others NULL). Null when the shape differs.
PlanPtr UnnestAggregate(PlanPtr& join) {
  LogicalPlan& right = *join->children[1];
  const BoundExpr* join_on = join->predicate.get();
  if (join_on && join_on->kind == BoundExprKind::kConstant && join_on->type.id == TypeId::kBool &&
      !join_on->constant.is_null() && join_on->constant.GetBool()) {
    join->predicate.reset();  // LEFT JOIN LATERAL (...) ON true: no condition
  }
  LogicalPlan& agg = *right.children[0];
  if (agg.kind != PlanKind::kAggregate || !agg.exprs.empty() || join->predicate ||
      (join->join_kind != JoinKind::kInner && join->join_kind != JoinKind::kCross &&
       join->join_kind != JoinKind::kLeft)) {
    return nullptr;
  }
  for (const auto& a : agg.aggregates) {
    for (const BoundExpr* x : {a.arg.get(), a.filter.get(), a.sep.get()}) {
      if (x && !ReadsOnlyInner(*x)) return nullptr;
    }
    for (const auto& [o, desc] : a.order_by) {
      if (!ReadsOnlyInner(*o)) return nullptr;
    }
  }
  LogicalPlan& filter = *agg.children[0];
  if (filter.kind != PlanKind::kFilter || PlanReadsOuter(*filter.children[0])) return nullptr;
  for (const auto& e : right.exprs) {
    if (HasSubquery(*e)) return nullptr;
  }
  // Split WHERE into outer = inner equalities (the keys) and conjuncts of the inner row.
  std::vector<BoundExprPtr> parts, rest;
  std::vector<std::pair<BoundExprPtr, BoundExprPtr>> keys;  // (outer side, inner side)
  Conjuncts(filter.predicate->Clone(), &parts);
  for (auto& c : parts) {
    if (ReadsOnlyInner(*c)) {
      rest.push_back(std::move(c));
      continue;
    }
    if (c->kind != BoundExprKind::kCompare || c->op != "=") return nullptr;
    BoundExprPtr& l = c->children[0];
    BoundExprPtr& r = c->children[1];
    if (ReadsOnlyOuter(*l) && ReadsOnlyInner(*r)) {
      keys.emplace_back(std::move(l), std::move(r));
    } else if (ReadsOnlyOuter(*r) && ReadsOnlyInner(*l)) {
      keys.emplace_back(std::move(r), std::move(l));
    } else {
      return nullptr;
    }
  }
  if (keys.empty()) return nullptr;

  int lw = static_cast<int>(join->children[0]->types.size());
  int nk = static_cast<int>(keys.size());
  // The aggregate by key over the rows the inner conjuncts keep.
  auto grouped = std::make_unique<LogicalPlan>(PlanKind::kAggregate);
  for (auto& [outer, inner] : keys) {
    grouped->types.push_back(inner->type);
    grouped->names.push_back("key");
    grouped->exprs.push_back(std::move(inner));
  }
  for (size_t i = 0; i < agg.aggregates.size(); i++) {
    grouped->types.push_back(agg.types[i]);
    grouped->names.push_back(agg.names[i]);
  }
  grouped->aggregates = std::move(agg.aggregates);
  PlanPtr input = std::move(filter.children[0]);
  if (!rest.empty()) {
    auto kept = std::make_unique<LogicalPlan>(PlanKind::kFilter);
    kept->types = input->types;
    kept->names = input->names;
    BoundExprPtr all;
    for (auto& c : rest) all = And(std::move(all), std::move(c));
    kept->predicate = std::move(all);
    kept->children.push_back(std::move(input));
    input = std::move(kept);
  }
  grouped->children.push_back(std::move(input));

  auto joined = std::make_unique<LogicalPlan>(PlanKind::kJoin);
  joined->join_kind = JoinKind::kLeft;
  joined->types = join->children[0]->types;
  joined->names = join->children[0]->names;
  joined->types.insert(joined->types.end(), grouped->types.begin(), grouped->types.end());
  joined->names.insert(joined->names.end(), grouped->names.begin(), grouped->names.end());
  BoundExprPtr on;
  for (int i = 0; i < nk; i++) {
    auto eq = std::make_unique<BoundExpr>(BoundExprKind::kCompare, SqlType(TypeId::kBool));
    eq->op = "=";
    eq->children.push_back(OverJoinedRow(*keys[static_cast<size_t>(i)].first, lw));
    eq->children.push_back(MakeColumn(lw + i, grouped->types[static_cast<size_t>(i)]));
    on = And(std::move(on), std::move(eq));
  }
  joined->predicate = std::move(on);
  const auto& calls = grouped->aggregates;
  std::vector<bool> is_count;
  for (const auto& a : calls) is_count.push_back(a.agg.name == "count");
  joined->children.push_back(std::move(join->children[0]));
  joined->children.push_back(std::move(grouped));

  // The select list over (left ++ keys ++ aggregates): aggregate j of no rows is count's 0.
  std::function<BoundExprPtr(const BoundExpr&)> remap = [&](const BoundExpr& e) -> BoundExprPtr {
    if (e.kind == BoundExprKind::kColumn) {
      BoundExprPtr col = MakeColumn(lw + nk + e.column, e.type);
      if (!is_count[static_cast<size_t>(e.column)]) return col;
      auto zero = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, e.type);
      zero->children.push_back(std::move(col));
      zero->children.push_back(MakeConstant(Value::FromInt(e.type, 0)));
      return zero;
    }
    if (e.kind == BoundExprKind::kOuterColumn) return OverJoinedRow(e, lw);
    BoundExprPtr out = e.Clone();
    out->children.clear();
    for (const auto& c : e.children) out->children.push_back(remap(*c));
    return out;
  };
  auto project = std::make_unique<LogicalPlan>(PlanKind::kProject);
  project->types = join->types;
  project->names = join->names;
  for (int i = 0; i < lw; i++) {
    project->exprs.push_back(MakeColumn(i, joined->types[static_cast<size_t>(i)]));
  }
  for (const auto& e : right.exprs) project->exprs.push_back(remap(*e));
  project->children.push_back(std::move(joined));
  return project;
}

}  // namespace

bool PlanReadsLevel(const LogicalPlan& plan, int level) {
  bool found = false;
  VisitPlanRefs(plan, 0, [&](const BoundExpr& ref, int at) {
    if (ref.depth - at == level) found = true;
  });
  return found;
}

bool PlanReadsOuter(const LogicalPlan& plan) {
  bool found = false;
  VisitPlanRefs(plan, 0, [&](const BoundExpr& ref, int at) {
    if (ref.depth - at >= 1) found = true;
  });
  return found;
}

PlanPtr UnnestLateral(PlanPtr join) {
  LogicalPlan& right = *join->children[1];
  bool left_join = join->join_kind == JoinKind::kLeft;
  if (!left_join && join->join_kind != JoinKind::kInner && join->join_kind != JoinKind::kCross) {
    return join;
  }
  if (join->predicate && HasSubquery(*join->predicate)) return join;
  if (right.kind == PlanKind::kTableFunction && right.children.empty()) {
    return left_join ? std::move(join) : UnnestFunction(std::move(join));
  }
  if (right.kind != PlanKind::kProject) return join;
  if (right.children[0]->kind == PlanKind::kAggregate) {
    // UnnestAggregate leaves `join` untouched when it returns null.
    PlanPtr unnested = UnnestAggregate(join);
    return unnested ? std::move(unnested) : std::move(join);
  }
  LogicalPlan* below = right.children[0].get();
  const BoundExpr* filter = nullptr;
  if (below->kind == PlanKind::kFilter) {
    filter = below->predicate.get();
    if (HasSubquery(*filter)) return join;
    below = below->children[0].get();
  }
  if (PlanReadsOuter(*below)) return join;
  for (const auto& e : right.exprs) {
    if (HasSubquery(*e)) return join;
    // Unmatched rows of a LEFT join pad the right side with NULLs: only plain columns of the
    // relation do the same after unnesting.
    if (left_join && e->kind != BoundExprKind::kColumn) return join;
  }

  int lw = static_cast<int>(join->children[0]->types.size());
  std::vector<BoundExprPtr> outputs;
  for (const auto& e : right.exprs) outputs.push_back(OverJoinedRow(*e, lw));
  BoundExprPtr condition = filter ? OverJoinedRow(*filter, lw) : nullptr;
  if (join->predicate)
    condition = And(std::move(condition), Substitute(*join->predicate, lw, outputs));

  // Detach the relation below the projection (and filter) and join it to the left input.
  PlanPtr relation = right.children[0]->kind == PlanKind::kFilter
                         ? std::move(right.children[0]->children[0])
                         : std::move(right.children[0]);
  auto inner = std::make_unique<LogicalPlan>(PlanKind::kJoin);
  inner->join_kind =
      left_join ? JoinKind::kLeft : (condition ? JoinKind::kInner : JoinKind::kCross);
  inner->types = join->children[0]->types;
  inner->names = join->children[0]->names;
  inner->types.insert(inner->types.end(), relation->types.begin(), relation->types.end());
  inner->names.insert(inner->names.end(), relation->names.begin(), relation->names.end());
  inner->predicate = std::move(condition);
  inner->children.push_back(std::move(join->children[0]));
  inner->children.push_back(std::move(relation));

  auto project = std::make_unique<LogicalPlan>(PlanKind::kProject);
  project->types = join->types;
  project->names = join->names;
  for (int i = 0; i < lw; i++) project->exprs.push_back(MakeColumn(i, inner->types[i]));
  for (auto& e : outputs) project->exprs.push_back(std::move(e));
  project->children.push_back(std::move(inner));
  return project;
}

}  // namespace freshet::planner
