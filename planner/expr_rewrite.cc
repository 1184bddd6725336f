#include "planner/expr_rewrite.h"

#include <algorithm>
#include <functional>

namespace freshet::planner {

void SplitConjuncts(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  if (!e) return;
  if (e->kind == BoundExprKind::kAnd) {
    for (auto& c : e->children) SplitConjuncts(std::move(c), out);
    return;
  }
  out->push_back(std::move(e));
}

BoundExprPtr Conjoin(std::vector<BoundExprPtr> conjuncts) {
  if (conjuncts.empty()) return nullptr;
  if (conjuncts.size() == 1) return std::move(conjuncts[0]);
  auto all = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
  all->children = std::move(conjuncts);
  return all;
}

bool IsMovable(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery || e.kind == BoundExprKind::kOuterColumn) return false;
  if (e.kind == BoundExprKind::kFunction) {
    static const char* const kTimeDependent[] = {
        "now",       "current_timestamp", "current_date",          "current_time",
        "localtime", "localtimestamp",    "transaction_timestamp", "statement_timestamp",
        "age"};
    if (e.function.is_volatile) return false;
    for (const char* name : kTimeDependent) {
      if (e.function.name == name) return false;
    }
  }
  for (const auto& c : e.children) {
    if (!IsMovable(*c)) return false;
  }
  return true;
}

namespace {

void CollectColumns(const BoundExpr& e, std::vector<int>* out) {
  if (e.kind == BoundExprKind::kColumn) out->push_back(e.column);
  if (e.kind == BoundExprKind::kSubquery) {
    // Only its left operand (IN / ANY) is evaluated over this level's row directly.
    if (!e.children.empty()) CollectColumns(*e.children[0], out);
    return;
  }
  for (const auto& c : e.children) CollectColumns(*c, out);
}

template <typename F>
void ForEachColumn(BoundExpr* e, const F& f) {
  if (e->kind == BoundExprKind::kColumn) f(e);
  for (auto& c : e->children) ForEachColumn(c.get(), f);
}

bool IsBoolConstant(const BoundExpr& e, bool value) {
  return e.kind == BoundExprKind::kConstant && !e.constant.is_null() &&
         e.constant.type().id == TypeId::kBool && e.constant.GetBool() == value;
}

bool Foldable(const BoundExpr& e) {
  return e.kind == BoundExprKind::kConstant && (e.type.id == TypeId::kBool || e.type.IsInteger());
}

BoundExprPtr BoolConstant(bool v) { return MakeConstant(Value::Bool(v)); }

}  // namespace

std::vector<int> ReferencedColumns(const BoundExpr& e) {
  std::vector<int> out;
  CollectColumns(e, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool MarkReferencedColumns(const BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == BoundExprKind::kSubquery) return false;
  if (e.kind == BoundExprKind::kColumn) {
    if (e.column < 0 || static_cast<size_t>(e.column) >= used->size()) return false;
    (*used)[e.column] = true;
  }
  for (const auto& c : e.children) {
    if (!MarkReferencedColumns(*c, used)) return false;
  }
  return true;
}

void ShiftColumns(BoundExpr* e, int delta) {
  ForEachColumn(e, [&](BoundExpr* c) { c->column += delta; });
}

void RemapColumns(BoundExpr* e, const std::vector<int>& map) {
  ForEachColumn(e, [&](BoundExpr* c) { c->column = map[c->column]; });
}

BoundExprPtr SubstituteColumns(const BoundExpr& e, const std::vector<BoundExprPtr>& by) {
  if (e.kind == BoundExprKind::kColumn) return by[e.column]->Clone();
  BoundExprPtr out = e.Clone();
  for (size_t i = 0; i < e.children.size(); i++) {
    out->children[i] = SubstituteColumns(*e.children[i], by);
  }
  return out;
}

bool RejectsNulls(const BoundExpr& e, const std::vector<int>& columns) {
  // "Strict in the columns": NULL whenever one of them is NULL (then the row is not kept).
  std::function<bool(const BoundExpr&)> strict = [&](const BoundExpr& x) -> bool {
    switch (x.kind) {
      case BoundExprKind::kColumn:
        return std::binary_search(columns.begin(), columns.end(), x.column);
      case BoundExprKind::kCompare:
      case BoundExprKind::kCast:
        for (const auto& c : x.children) {
          if (strict(*c)) return true;
        }
        return false;
      case BoundExprKind::kFunction:
        if (!x.function.strict) return false;
        for (const auto& c : x.children) {
          if (strict(*c)) return true;
        }
        return false;
      default:
        return false;
    }
  };
  if (e.kind == BoundExprKind::kAnd) {
    for (const auto& c : e.children) {
      if (RejectsNulls(*c, columns)) return true;
    }
    return false;
  }
  if (e.kind == BoundExprKind::kIsNull && e.negated) return strict(*e.children[0]);
  return strict(e);
}

bool IsTrueConstant(const BoundExpr& e) { return IsBoolConstant(e, true); }

BoundExprPtr FoldConstants(BoundExprPtr e) {
  if (!e || e->kind == BoundExprKind::kSubquery) return e;
  for (auto& c : e->children) c = FoldConstants(std::move(c));
  switch (e->kind) {
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr: {
      bool is_and = e->kind == BoundExprKind::kAnd;
      std::vector<BoundExprPtr> kept;
      for (auto& c : e->children) {
        if (IsBoolConstant(*c, !is_and)) return BoolConstant(!is_and);  // false AND / true OR
        if (IsBoolConstant(*c, is_and)) continue;                       // x AND true = x
        kept.push_back(std::move(c));
      }
      if (kept.empty()) return BoolConstant(is_and);
      if (kept.size() == 1) return std::move(kept[0]);
      e->children = std::move(kept);
      return e;
    }
    case BoundExprKind::kNot: {
      const BoundExpr& c = *e->children[0];
      if (c.kind == BoundExprKind::kConstant && c.type.id == TypeId::kBool) {
        if (c.constant.is_null()) return std::move(e->children[0]);
        return BoolConstant(!c.constant.GetBool());
      }
      return e;
    }
    case BoundExprKind::kCompare: {
      const BoundExpr& a = *e->children[0];
      const BoundExpr& b = *e->children[1];
      if (!Foldable(a) || !Foldable(b) || a.type.IsInteger() != b.type.IsInteger()) return e;
      if (a.constant.is_null() || b.constant.is_null()) {
        return MakeConstant(Value::Null(SqlType(TypeId::kBool)));
      }
      int64_t x = a.constant.GetInt(), y = b.constant.GetInt();
      const std::string& op = e->op;
      bool r = op == "="                  ? x == y
               : op == "<>" || op == "!=" ? x != y
               : op == "<"                ? x < y
               : op == "<="               ? x <= y
               : op == ">"                ? x > y
               : op == ">="               ? x >= y
                                          : false;
      if (op != "=" && op != "<>" && op != "!=" && op != "<" && op != "<=" && op != ">" &&
          op != ">=") {
        return e;
      }
      return BoolConstant(r);
    }
    default:
      return e;
  }
}

}  // namespace freshet::planner
