#include "executor/key_bounds.h"

#include "executor/executor.h"

namespace freshet::executor {

using planner::BoundExpr;
using planner::BoundExprKind;

namespace {

void Conjuncts(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundExprKind::kAnd) {
    for (const auto& c : e.children) Conjuncts(*c, out);
  } else {
    out->push_back(&e);
  }
}

bool NeedsNoRow(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kColumn || e.kind == BoundExprKind::kOuterColumn ||
      e.kind == BoundExprKind::kSubquery ||
      (e.kind == BoundExprKind::kFunction && e.function.is_volatile)) {
    return false;
  }
  for (const auto& c : e.children) {
    if (!NeedsNoRow(*c)) return false;
  }
  return true;
}

/// `column op value` read from conjunct `c` (flipped when written `value op column`).
struct Comparison {
  std::string op;
  const BoundExpr* value = nullptr;
};

std::optional<Comparison> CompareWith(const BoundExpr& c, int column, SqlType type) {
  if (c.kind != BoundExprKind::kCompare) return std::nullopt;
  for (int side = 0; side < 2; side++) {
    const BoundExpr& col = *c.children[side];
    const BoundExpr& val = *c.children[1 - side];
    if (col.kind != BoundExprKind::kColumn || col.column != column || !NeedsNoRow(val) ||
        val.type != type) {
      continue;
    }
    std::string op = c.op;
    if (side == 1) {
      if (op == "<")
        op = ">";
      else if (op == ">")
        op = "<";
      else if (op == "<=")
        op = ">=";
      else if (op == ">=")
        op = "<=";
    }
    if (op == "=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      return Comparison{op, &val};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<KeyBounds> KeyBoundsFromPredicate(const planner::TableDef& table,
                                                const std::vector<SqlType>& types,
                                                const BoundExpr& pred, Executor& exec) {
  const auto& key = table.primary_key;
  if (key.empty()) return std::nullopt;
  std::vector<const BoundExpr*> conjuncts;
  Conjuncts(pred, &conjuncts);
  auto evaluate = [&](const BoundExpr& e) -> std::optional<Value> {
    auto v = exec.Evaluate(e, Row{});
    if (!v.ok() || v->is_null()) return std::nullopt;  // errors are the full scan's to report
    return std::move(*v);
  };
  KeyBounds bounds;
  for (size_t k = 0; k < key.size(); k++) {
    const BoundExpr* equal = nullptr;
    for (const BoundExpr* c : conjuncts) {
      auto cmp = CompareWith(*c, key[k], types[key[k]]);
      if (cmp && cmp->op == "=") {
        equal = cmp->value;
        break;
      }
    }
    if (equal) {
      auto v = evaluate(*equal);
      if (!v) return std::nullopt;
      bounds.equal.push_back(std::move(*v));
      continue;
    }
    // No equality on this column: bounds on it end the key's restricted part.
    for (const BoundExpr* c : conjuncts) {
      auto cmp = CompareWith(*c, key[k], types[key[k]]);
      if (!cmp) continue;
      auto v = evaluate(*cmp->value);
      if (!v) return std::nullopt;
      bool lower = cmp->op[0] == '>';
      bool inclusive = cmp->op.size() == 2;
      std::optional<Value>& bound = lower ? bounds.lower : bounds.upper;
      bool& bound_inclusive = lower ? bounds.lower_inclusive : bounds.upper_inclusive;
      int order = bound ? Value::Compare(*v, *bound) : 0;
      bool tighter = !bound || (lower ? order > 0 : order < 0) || (order == 0 && !inclusive);
      if (tighter) {
        bound = std::move(*v);
        bound_inclusive = inclusive;
      }
    }
    break;
  }
  if (bounds.equal.empty() && !bounds.lower && !bounds.upper) return std::nullopt;
  return bounds;
}

std::optional<Row> KeyFromPredicate(const planner::TableDef& table,
                                    const std::vector<SqlType>& types, const BoundExpr& pred,
                                    Executor& exec) {
  auto bounds = KeyBoundsFromPredicate(table, types, pred, exec);
  if (!bounds || bounds->equal.size() != table.primary_key.size()) return std::nullopt;
  return std::move(bounds->equal);
}

}  // namespace freshet::executor
