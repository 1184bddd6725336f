#include "planner/logical_plan.h"

namespace freshet::planner {

BoundExprPtr MakeConstant(Value v) {
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kConstant, v.type());
  e->constant = std::move(v);
  return e;
}

BoundExprPtr MakeColumn(int index, SqlType type) {
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kColumn, type);
  e->column = index;
  return e;
}

bool BoundExpr::Equals(const BoundExpr& o) const {
  if (kind != o.kind || type != o.type || children.size() != o.children.size()) return false;
  switch (kind) {
    case BoundExprKind::kConstant:
      if (constant.is_null() != o.constant.is_null()) return false;
      if (!constant.is_null() && Value::Compare(constant, o.constant) != 0) return false;
      break;
    case BoundExprKind::kColumn:
    case BoundExprKind::kOuterColumn:
      if (column != o.column || depth != o.depth) return false;
      break;
    case BoundExprKind::kParam:
      if (param_index != o.param_index) return false;
      break;
    case BoundExprKind::kFunction:
      if (function.name != o.function.name || function.is_volatile) return false;
      break;
    case BoundExprKind::kSubquery:
      return false;
    default:
      break;
  }
  if (op != o.op || negated != o.negated || has_else != o.has_else || bool_test != o.bool_test) {
    return false;
  }
  for (size_t i = 0; i < children.size(); i++) {
    if (!children[i]->Equals(*o.children[i])) return false;
  }
  return true;
}

BoundExprPtr BoundExpr::Clone() const {
  auto e = std::make_unique<BoundExpr>(kind, type);
  e->constant = constant;
  e->column = column;
  e->depth = depth;
  e->param_index = param_index;
  e->function = function;
  e->op = op;
  e->negated = negated;
  e->has_else = has_else;
  e->explicit_cast = explicit_cast;
  e->bool_test = bool_test;
  e->subquery_kind = subquery_kind;
  e->plan = plan;
  e->correlated = correlated;
  for (const auto& c : children) e->children.push_back(c->Clone());
  return e;
}

bool BoundExpr::HasOuterReference(int min_depth) const {
  if (kind == BoundExprKind::kOuterColumn && depth >= min_depth) return true;
  if (kind == BoundExprKind::kSubquery && correlated) return true;
  for (const auto& c : children) {
    if (c->HasOuterReference(min_depth)) return true;
  }
  return false;
}

std::string BoundExpr::ToString() const {
  auto join = [&](const char* sep) {
    std::string s;
    for (size_t i = 0; i < children.size(); i++) {
      if (i) s += sep;
      s += children[i]->ToString();
    }
    return s;
  };
  switch (kind) {
    case BoundExprKind::kConstant:
      return constant.ToString();
    case BoundExprKind::kColumn:
      return "#" + std::to_string(column);
    case BoundExprKind::kOuterColumn:
      return "outer" + std::to_string(depth) + ".#" + std::to_string(column);
    case BoundExprKind::kParam:
      return "$" + std::to_string(param_index);
    case BoundExprKind::kFunction:
      return function.name + "(" + join(", ") + ")";
    case BoundExprKind::kCast:
      return children[0]->ToString() + "::" + type.ToString();
    case BoundExprKind::kCompare:
      return "(" + children[0]->ToString() + " " + op + " " + children[1]->ToString() + ")";
    case BoundExprKind::kAnd:
      return "(" + join(" AND ") + ")";
    case BoundExprKind::kOr:
      return "(" + join(" OR ") + ")";
    case BoundExprKind::kNot:
      return "NOT " + children[0]->ToString();
    case BoundExprKind::kIsNull:
      return children[0]->ToString() + (negated ? " IS NOT NULL" : " IS NULL");
    case BoundExprKind::kSubquery:
      return "(subquery)";
    default:
      return "expr(" + join(", ") + ")";
  }
}

std::string LogicalPlan::ToString(int indent) const {
  std::string pad(indent * 2, ' ');
  std::string s = pad;
  auto exprs_str = [&](const std::vector<BoundExprPtr>& es) {
    std::string r;
    for (size_t i = 0; i < es.size(); i++) {
      if (i) r += ", ";
      r += es[i]->ToString();
    }
    return r;
  };
  switch (kind) {
    case PlanKind::kScan:
      s += access.empty() ? "Scan " + table->name : access;
      break;
    case PlanKind::kValues:
      s += "Values (" + std::to_string(values.size()) + " rows)";
      break;
    case PlanKind::kFilter:
      s += "Filter " + predicate->ToString();
      break;
    case PlanKind::kProject:
      s += "Project " + exprs_str(exprs);
      break;
    case PlanKind::kAggregate:
      s += "Aggregate groups=[" + exprs_str(exprs) + "] aggs=" + std::to_string(aggregates.size());
      break;
    case PlanKind::kJoin: {
      static const char* const kKinds[] = {"inner", "left", "right", "full",
                                           "cross", "semi", "anti"};
      s += std::string(lateral       ? "LateralJoin "
                       : lookup_join ? "LookupJoin "
                                     : "Join ") +
           kKinds[static_cast<int>(join_kind)] +
           std::string(predicate ? " on " + predicate->ToString() : "");
      break;
    }
    case PlanKind::kSort:
      s += "Sort";
      break;
    case PlanKind::kLimit:
      s += "Limit";
      break;
    case PlanKind::kDistinct:
      s += "Distinct";
      break;
    case PlanKind::kSetOp:
      s += "SetOp";
      break;
    case PlanKind::kWindow:
      s += "Window";
      break;
    case PlanKind::kTableFunction:
      s += "TableFunction " + function_name;
      break;
    case PlanKind::kWindowTvf:
      s += window.ToString();
      break;
  }
  s += "\n";
  for (const auto& c : children) s += c->ToString(indent + 1);
  return s;
}

void WindowSpec::Windows(int64_t ts, std::vector<std::pair<int64_t, int64_t>>* out) const {
  out->clear();
  switch (kind) {
    case Kind::kTumble: {
      int64_t start = AlignedStart(ts, size);
      out->emplace_back(start, start + size);
      break;
    }
    case Kind::kHop: {
      // Every slide-aligned start s with s <= ts < s + size.
      int64_t last = AlignedStart(ts, slide);
      int64_t first = last;
      while (first - slide + size > ts) first -= slide;
      for (int64_t s = first; s <= last; s += slide) out->emplace_back(s, s + size);
      break;
    }
    case Kind::kCumulate: {
      // Windows [s, s + k * step) of the max-size period holding ts that already contain ts.
      int64_t start = AlignedStart(ts, size);
      for (int64_t end = start + slide; end <= start + size; end += slide) {
        if (end > ts) out->emplace_back(start, end);
      }
      break;
    }
    case Kind::kSession:
      break;
  }
}

std::string WindowSpec::ToString() const {
  static const char* kNames[] = {"Tumble", "Hop", "Cumulate", "Session"};
  std::string s =
      std::string(kNames[static_cast<int>(kind)]) + " time=#" + std::to_string(time_column);
  auto secs = [](int64_t us) {
    if (us % 1000000 == 0) return std::to_string(us / 1000000);
    if (us % 1000 == 0) return std::to_string(us / 1000) + "m";
    return std::to_string(us) + "u";
  };
  switch (kind) {
    case Kind::kTumble:
      s += " size=" + secs(size) + "s";
      break;
    case Kind::kHop:
      s += " slide=" + secs(slide) + "s size=" + secs(size) + "s";
      break;
    case Kind::kCumulate:
      s += " step=" + secs(slide) + "s max=" + secs(size) + "s";
      break;
    case Kind::kSession:
      s += " gap=" + secs(gap) + "s";
      break;
  }
  return s;
}

}  // namespace freshet::planner
