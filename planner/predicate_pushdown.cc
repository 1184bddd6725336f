#include "planner/predicate_pushdown.h"

#include "planner/expr_rewrite.h"

namespace freshet::planner {

namespace {

using Conjuncts = std::vector<BoundExprPtr>;

/// One top-down pass: Push(node, conds) returns a plan equal to Filter(conds, node).
class Pushdown {
 public:
  PlanPtr Push(PlanPtr p, Conjuncts conds);

 private:
  /// `conds` applied directly above `p` (no Filter when there are none).
  static PlanPtr Above(PlanPtr p, Conjuncts conds);
  /// Pushes nothing into each child (their own subtrees are still rewritten).
  PlanPtr Children(PlanPtr p);
  PlanPtr PushFilter(PlanPtr p, Conjuncts conds);
  PlanPtr PushProject(PlanPtr p, Conjuncts conds);
  PlanPtr PushAggregate(PlanPtr p, Conjuncts conds);
  PlanPtr PushSetOp(PlanPtr p, Conjuncts conds);
  PlanPtr PushWindowTvf(PlanPtr p, Conjuncts conds);
  PlanPtr PushJoin(PlanPtr p, Conjuncts conds);
  PlanPtr PushInnerJoin(PlanPtr p, Conjuncts conds);
  PlanPtr PushOuterJoin(PlanPtr p, Conjuncts conds);
};

PlanPtr Pushdown::Above(PlanPtr p, Conjuncts conds) {
  if (conds.empty()) return p;
  auto filter = std::make_unique<LogicalPlan>(PlanKind::kFilter);
  filter->types = p->types;
  filter->names = p->names;
  filter->predicate = Conjoin(std::move(conds));
  filter->children.push_back(std::move(p));
  return filter;
}

PlanPtr Pushdown::Children(PlanPtr p) {
  for (auto& c : p->children) c = Push(std::move(c), {});
  return p;
}

PlanPtr Pushdown::Push(PlanPtr p, Conjuncts conds) {
  switch (p->kind) {
    case PlanKind::kFilter:
      return PushFilter(std::move(p), std::move(conds));
    case PlanKind::kProject:
      return PushProject(std::move(p), std::move(conds));
    case PlanKind::kAggregate:
      return PushAggregate(std::move(p), std::move(conds));
    case PlanKind::kSetOp:
      return PushSetOp(std::move(p), std::move(conds));
    case PlanKind::kWindowTvf:
      return PushWindowTvf(std::move(p), std::move(conds));
    case PlanKind::kJoin:
      return PushJoin(std::move(p), std::move(conds));
    case PlanKind::kSort:  // the rows a sort orders do not change under a filter
      p->children[0] = Push(std::move(p->children[0]), std::move(conds));
      return p;
    case PlanKind::kDistinct:
      if (p->exprs.empty()) {  // DISTINCT over whole rows: filtering first keeps the same rows
        p->children[0] = Push(std::move(p->children[0]), std::move(conds));
        return p;
      }
      return Above(Children(std::move(p)), std::move(conds));
    default:  // scans, values, LIMIT, windows, table functions: the conditions stop here
      return Above(Children(std::move(p)), std::move(conds));
  }
}

PlanPtr Pushdown::PushFilter(PlanPtr p, Conjuncts conds) {
  Conjuncts own, kept;
  SplitConjuncts(std::move(p->predicate), &own);
  for (auto& c : own) {
    c = FoldConstants(std::move(c));
    if (IsTrueConstant(*c)) continue;
    (IsMovable(*c) ? conds : kept).push_back(std::move(c));
  }
  PlanPtr child = Push(std::move(p->children[0]), std::move(conds));
  return Above(std::move(child), std::move(kept));
}

PlanPtr Pushdown::PushProject(PlanPtr p, Conjuncts conds) {
  // A condition over output columns that are plain input columns reads the input instead.
  Conjuncts down, kept;
  for (auto& c : conds) {
    bool plain = true;
    for (int col : ReferencedColumns(*c)) {
      plain &= p->exprs[col]->kind == BoundExprKind::kColumn;
    }
    if (plain) {
      down.push_back(SubstituteColumns(*c, p->exprs));
    } else {
      kept.push_back(std::move(c));
    }
  }
  p->children[0] = Push(std::move(p->children[0]), std::move(down));
  return Above(std::move(p), std::move(kept));
}

PlanPtr Pushdown::PushAggregate(PlanPtr p, Conjuncts conds) {
  // Over GROUP BY keys only, a condition keeps or drops whole groups: test it on the input.
  // Not for a global aggregate, which answers one row even over no rows.
  Conjuncts down, kept;
  size_t keys = p->exprs.size();
  bool movable_keys = keys > 0;
  for (const auto& k : p->exprs) movable_keys &= IsMovable(*k);
  for (auto& c : conds) {
    bool on_keys = movable_keys;
    for (int col : ReferencedColumns(*c)) on_keys &= static_cast<size_t>(col) < keys;
    if (on_keys) {
      down.push_back(SubstituteColumns(*c, p->exprs));
    } else {
      kept.push_back(std::move(c));
    }
  }
  p->children[0] = Push(std::move(p->children[0]), std::move(down));
  return Above(std::move(p), std::move(kept));
}

PlanPtr Pushdown::PushSetOp(PlanPtr p, Conjuncts conds) {
  bool same_types = true;
  for (const auto& c : p->children) same_types &= c->types == p->types;
  if (!same_types) return Above(Children(std::move(p)), std::move(conds));
  for (auto& child : p->children) {
    Conjuncts copy;
    for (const auto& c : conds) copy.push_back(c->Clone());
    child = Push(std::move(child), std::move(copy));
  }
  return p;
}

PlanPtr Pushdown::PushWindowTvf(PlanPtr p, Conjuncts conds) {
  if (p->window.kind == WindowSpec::Kind::kSession) {
    return Above(Children(std::move(p)), std::move(conds));
  }
  // The input's columns come first, window_start / window_end last.
  int input_width = static_cast<int>(p->children[0]->types.size());
  Conjuncts down, kept;
  for (auto& c : conds) {
    std::vector<int> cols = ReferencedColumns(*c);
    bool input_only = cols.empty() || cols.back() < input_width;
    (input_only ? down : kept).push_back(std::move(c));
  }
  p->children[0] = Push(std::move(p->children[0]), std::move(down));
  return Above(std::move(p), std::move(kept));
}

PlanPtr Pushdown::PushJoin(PlanPtr p, Conjuncts conds) {
  if (p->lateral || p->lookup_join || p->join_kind == JoinKind::kSemi ||
      p->join_kind == JoinKind::kAnti) {
    // The left side is read as it is (LATERAL's right side reads its rows; a lookup join's
    // left side is the stream): conditions on the left alone may still go to it.
    int lw = static_cast<int>(p->children[0]->types.size());
    Conjuncts left, kept;
    for (auto& c : conds) {
      std::vector<int> cols = ReferencedColumns(*c);
      bool left_only = !cols.empty() && cols.back() < lw &&
                       (p->join_kind != JoinKind::kSemi && p->join_kind != JoinKind::kAnti);
      (left_only ? left : kept).push_back(std::move(c));
    }
    p->children[0] = Push(std::move(p->children[0]), std::move(left));
    p->children[1] = Push(std::move(p->children[1]), {});
    return Above(std::move(p), std::move(kept));
  }
  if (p->join_kind == JoinKind::kInner || p->join_kind == JoinKind::kCross) {
    return PushInnerJoin(std::move(p), std::move(conds));
  }
  return PushOuterJoin(std::move(p), std::move(conds));
}

PlanPtr Pushdown::PushInnerJoin(PlanPtr p, Conjuncts conds) {
  int lw = static_cast<int>(p->children[0]->types.size());
  Conjuncts own;
  SplitConjuncts(std::move(p->predicate), &own);
  Conjuncts left, right, here;
  for (auto& c : own) {
    c = FoldConstants(std::move(c));
    if (IsTrueConstant(*c)) continue;
    (IsMovable(*c) ? conds : here).push_back(std::move(c));
  }
  for (auto& c : conds) {
    std::vector<int> cols = ReferencedColumns(*c);
    if (!cols.empty() && cols.back() < lw) {
      left.push_back(std::move(c));
    } else if (!cols.empty() && cols.front() >= lw) {
      ShiftColumns(c.get(), -lw);
      right.push_back(std::move(c));
    } else {
      here.push_back(std::move(c));  // both sides, or none (a constant)
    }
  }
  p->children[0] = Push(std::move(p->children[0]), std::move(left));
  p->children[1] = Push(std::move(p->children[1]), std::move(right));
  p->predicate = Conjoin(std::move(here));
  p->join_kind = p->predicate ? JoinKind::kInner : JoinKind::kCross;
  return p;
}

PlanPtr Pushdown::PushOuterJoin(PlanPtr p, Conjuncts conds) {
  int lw = static_cast<int>(p->children[0]->types.size());
  int width = static_cast<int>(p->types.size());
  std::vector<int> left_cols, right_cols;
  for (int i = 0; i < lw; i++) left_cols.push_back(i);
  for (int i = lw; i < width; i++) right_cols.push_back(i);
  // A WHERE condition that is never TRUE on a padded row makes the padding pointless.
  for (const auto& c : conds) {
    JoinKind k = p->join_kind;
    if ((k == JoinKind::kLeft || k == JoinKind::kFull) && RejectsNulls(*c, right_cols)) {
      p->join_kind = k == JoinKind::kFull ? JoinKind::kRight : JoinKind::kInner;
    }
    k = p->join_kind;
    if ((k == JoinKind::kRight || k == JoinKind::kFull) && RejectsNulls(*c, left_cols)) {
      p->join_kind = k == JoinKind::kFull ? JoinKind::kLeft : JoinKind::kInner;
    }
  }
  if (p->join_kind == JoinKind::kInner) return PushInnerJoin(std::move(p), std::move(conds));
  bool keep_left = p->join_kind == JoinKind::kLeft;  // the side every row of which is kept
  bool keep_right = p->join_kind == JoinKind::kRight;
  // WHERE conditions on the preserved side alone filter that side's rows first.
  Conjuncts left, right, kept;
  for (auto& c : conds) {
    std::vector<int> cols = ReferencedColumns(*c);
    if (keep_left && !cols.empty() && cols.back() < lw) {
      left.push_back(std::move(c));
    } else if (keep_right && !cols.empty() && cols.front() >= lw) {
      ShiftColumns(c.get(), -lw);
      right.push_back(std::move(c));
    } else {
      kept.push_back(std::move(c));
    }
  }
  // ON conditions on the padded side alone filter that side's rows before matching.
  Conjuncts own, on;
  SplitConjuncts(std::move(p->predicate), &own);
  for (auto& c : own) {
    std::vector<int> cols = ReferencedColumns(*c);
    if (IsMovable(*c) && keep_left && !cols.empty() && cols.front() >= lw) {
      ShiftColumns(c.get(), -lw);
      right.push_back(std::move(c));
    } else if (IsMovable(*c) && keep_right && !cols.empty() && cols.back() < lw) {
      left.push_back(std::move(c));
    } else {
      on.push_back(std::move(c));
    }
  }
  p->predicate = Conjoin(std::move(on));
  p->children[0] = Push(std::move(p->children[0]), std::move(left));
  p->children[1] = Push(std::move(p->children[1]), std::move(right));
  return Above(std::move(p), std::move(kept));
}

}  // namespace

PlanPtr PushDownPredicates(PlanPtr plan) {
  Pushdown pushdown;
  return pushdown.Push(std::move(plan), {});
}

}  // namespace freshet::planner
