#include "executor/key_bounds.h"

#include "executor/executor.h"
#include "storage/key_codec.h"

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
  return KeyBoundsOver(table.primary_key, types, pred, exec);
}

std::optional<KeyBounds> KeyBoundsOver(const std::vector<int>& key,
                                       const std::vector<SqlType>& types, const BoundExpr& pred,
                                       Executor& exec) {
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

namespace {
/// How good an access path is: a unique point read first, then the leading columns fixed by
/// equalities, then a range on the next one.
int Score(const AccessPath& p) {
  if (p.kind == AccessPath::Kind::kFullScan) return 0;
  if (p.point()) return 1 << 20;
  return static_cast<int>(p.bounds.equal.size()) * 4 + (p.bounds.lower || p.bounds.upper ? 1 : 0);
}
}  // namespace

AccessPath ChooseAccessPath(const planner::TableDef& table, const std::vector<SqlType>& types,
                            const BoundExpr* pred, Executor& exec) {
  AccessPath best;
  if (!pred) return best;
  // `skips_nulls`: rows with a NULL in the key have no entry (UNIQUE constraints), so the
  // condition must restrict every key column (which then rejects NULLs).
  auto consider = [&](AccessPath::Kind kind, uint64_t space, bool unique,
                      const std::vector<int>& columns, const std::string& name, bool skips_nulls) {
    auto bounds = KeyBoundsOver(columns, types, *pred, exec);
    if (!bounds) return;
    size_t restricted = bounds->equal.size() + (bounds->lower || bounds->upper ? 1 : 0);
    if (skips_nulls && restricted < columns.size()) return;
    AccessPath p;
    p.kind = kind;
    p.bounds = std::move(*bounds);
    p.space = space;
    p.unique = unique;
    p.columns = columns;
    p.name = name;
    if (Score(p) > Score(best)) best = std::move(p);
  };
  consider(AccessPath::Kind::kPrimaryKey, table.id, true, table.primary_key, table.name + "_pkey",
           false);
  for (size_t i = 0; i < table.unique_keys.size(); i++) {
    consider(AccessPath::Kind::kIndex, table.unique_ids[i], true, table.unique_keys[i],
             table.UniqueName(i), true);
  }
  for (const auto& index : table.indexes) {
    consider(AccessPath::Kind::kIndex, index.id, index.unique, index.columns, index.name, false);
  }
  return best;
}

namespace {
/// A bound as SQL: numbers bare, everything else quoted.
std::string Literal(const Value& v) {
  switch (v.type().id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kNumeric:
    case TypeId::kBool:
      return v.ToText();
    default:
      return "'" + v.ToText() + "'";
  }
}
}  // namespace

std::string AccessPath::Describe(const planner::TableDef& table) const {
  if (kind == Kind::kFullScan) return "Seq Scan on " + table.name;
  std::string s = std::string(kind == Kind::kPrimaryKey ? "Primary Key " : "Index ") +
                  (point() ? "Lookup" : "Scan") + " using " + name + " on " + table.name + " (";
  size_t n = bounds.equal.size();
  for (size_t i = 0; i < n; i++) {
    if (i) s += ", ";
    s += table.columns[columns[i]].name + " = " + Literal(bounds.equal[i]);
  }
  if (n < columns.size() && (bounds.lower || bounds.upper)) {
    if (n) s += ", ";
    const std::string& col = table.columns[columns[n]].name;
    if (bounds.lower) s += col + (bounds.lower_inclusive ? " >= " : " > ") + Literal(*bounds.lower);
    if (bounds.lower && bounds.upper) s += ", ";
    if (bounds.upper) s += col + (bounds.upper_inclusive ? " <= " : " < ") + Literal(*bounds.upper);
  }
  return s + ")";
}

void KeyRange(const std::string& prefix, const KeyBounds& bounds, std::string* begin,
              std::string* end) {
  *begin = prefix;
  *end = storage::KeyCodec::PrefixSuccessor(prefix);
  if (bounds.lower) {
    std::string k = prefix;
    storage::KeyCodec::AppendValue(&k, *bounds.lower);
    *begin = bounds.lower_inclusive ? k : storage::KeyCodec::PrefixSuccessor(k);
  }
  if (bounds.upper) {
    std::string k = prefix;
    storage::KeyCodec::AppendValue(&k, *bounds.upper);
    *end = bounds.upper_inclusive ? storage::KeyCodec::PrefixSuccessor(k) : k;
  }
}

}  // namespace freshet::executor
