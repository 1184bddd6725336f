#include "planner/binder.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "common/datetime.h"
#include "function/cast.h"
#include "planner/binder_context.h"

namespace freshet::planner {

using parser::Expr;
using parser::ExprKind;
using parser::SelectStmt;
using parser::TableRef;

namespace {

/// The output name PostgreSQL gives an unaliased select item (FigureColname): a name and its
/// strength: 2 for column and function names, 1 for keyword-like names ("case", "array"), 0
/// for "?column?". A cast keeps its operand's name unless that is weaker than a type name.
std::pair<std::string, int> FigureColumnName(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return {e.names.back(), 2};
    case ExprKind::kFunction:
      return {e.names.back(), 2};
    case ExprKind::kCast: {
      auto inner = FigureColumnName(*e.children[0]);
      if (inner.second > 1) return inner;
      std::string t = e.type_name.name;
      if (t == "int" || t == "int4" || t == "integer") return {"int4", 1};
      if (t == "bigint" || t == "int8") return {"int8", 1};
      if (t == "smallint" || t == "int2") return {"int2", 1};
      if (t == "boolean" || t == "bool") return {"bool", 1};
      if (t == "double precision" || t == "float8" || t == "float") return {"float8", 1};
      if (t == "real" || t == "float4") return {"float4", 1};
      if (t == "character varying") return {"varchar", 1};
      if (t == "character") return {"bpchar", 1};
      if (t == "decimal") return {"numeric", 1};
      if (t == "timestamp with time zone") return {"timestamptz", 1};
      if (t == "timestamp without time zone") return {"timestamp", 1};
      if (t == "time without time zone") return {"time", 1};
      if (t == "time with time zone") return {"timetz", 1};
      return {t, 1};
    }
    case ExprKind::kCase:
      return {"case", 1};
    case ExprKind::kExists:
      return {"exists", 1};
    case ExprKind::kLiteral:
      if (e.literal_kind == parser::LiteralKind::kTyped) {
        std::string t = e.type_name.name;
        if (t == "timestamp with time zone") return {"timestamptz", 1};
        if (t == "timestamp without time zone") return {"timestamp", 1};
        return {t, 1};
      }
      return {"?column?", 0};
    case ExprKind::kSubquery:
      if (e.subquery && e.subquery->kind == SelectStmt::Kind::kSelect &&
          e.subquery->targets.size() == 1) {
        const auto& t = e.subquery->targets[0];
        if (!t.alias.empty()) return {t.alias, 2};
        if (t.expr->kind != ExprKind::kStar) return FigureColumnName(*t.expr);
      }
      return {"?column?", 0};
    case ExprKind::kArray:
      return {"array", 1};
    case ExprKind::kRow:
      return {"row", 1};
    default:
      return {"?column?", 0};
  }
}

/// True when output column `i` of `plan` is a NULL constant of the select list (possibly cast
/// from its unknown type by the SELECT).
bool IsNullColumn(const LogicalPlan& plan, size_t i) {
  if (plan.kind != PlanKind::kProject || i >= plan.exprs.size()) return false;
  const BoundExpr* e = plan.exprs[i].get();
  if (e->kind == BoundExprKind::kCast && !e->explicit_cast && e->children.size() == 1) {
    e = e->children[0].get();
  }
  return e->kind == BoundExprKind::kConstant && e->constant.is_null();
}

}  // namespace

std::string OutputColumnName(const Expr& e) { return FigureColumnName(e).first; }

Scope Binder::TableScope(const TableDef& table, const std::string& alias) {
  Scope s;
  for (size_t i = 0; i < table.columns.size(); i++) {
    ScopeColumn c;
    c.table = alias.empty() ? table.name : alias;
    c.name = table.columns[i].name;
    c.type = table.columns[i].type;
    c.index = static_cast<int>(i);
    s.columns.push_back(c);
  }
  s.tables.push_back(alias.empty() ? table.name : alias);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Types

Result<SqlType> Binder::CommonType(const std::vector<SqlType>& types, const std::string& context) {
  SqlType result = TypeId::kUnknown;
  for (const SqlType& t : types) {
    if (t.id == TypeId::kUnknown) continue;
    if (result.id == TypeId::kUnknown) {
      result = t;
      continue;
    }
    if (result.id == t.id) {
      if (result.typmod != t.typmod) result.typmod = -1;
      continue;
    }
    int ra = function::NumericRank(result.id), rb = function::NumericRank(t.id);
    if (ra >= 0 && rb >= 0) {
      result = ra >= rb ? SqlType(result.id) : SqlType(t.id);
      continue;
    }
    if (result.IsString() && t.IsString()) {
      result = TypeId::kText;
      continue;
    }
    auto temporal_rank = [](TypeId id) {
      return id == TypeId::kDate          ? 0
             : id == TypeId::kTimestamp   ? 1
             : id == TypeId::kTimestampTz ? 2
                                          : -1;
    };
    int ta = temporal_rank(result.id), tb = temporal_rank(t.id);
    if (ta >= 0 && tb >= 0) {
      result = ta >= tb ? SqlType(result.id) : SqlType(t.id);
      continue;
    }
    return Err(sqlstate::kDatatypeMismatch, context + " types " + result.ToString() + " and " +
                                                t.ToString() + " cannot be matched");
  }
  if (result.id == TypeId::kUnknown) result = TypeId::kText;
  return result;
}

Result<BoundExprPtr> Binder::AddCast(BoundExprPtr expr, SqlType type, bool explicit_cast) {
  if (expr->type == type) return expr;
  if (expr->kind == BoundExprKind::kParam && expr->type.id == TypeId::kUnknown) {
    if (expr->param_index >= 1 && static_cast<size_t>(expr->param_index) <= param_types_.size()) {
      param_types_[expr->param_index - 1] = type;
    }
    expr->type = type;
    return expr;
  }
  if (expr->kind == BoundExprKind::kConstant) {
    function::EvalContext ctx;
    ASSIGN_OR_RETURN(Value v, function::CastValue(expr->constant, type, ctx, explicit_cast));
    v.Retag(type);
    return MakeConstant(std::move(v));
  }
  auto c = std::make_unique<BoundExpr>(BoundExprKind::kCast, type);
  c->explicit_cast = explicit_cast;
  c->children.push_back(std::move(expr));
  return c;
}

Result<std::vector<BoundExprPtr>> Binder::UnifyTypes(std::vector<BoundExprPtr> exprs,
                                                     const std::string& context) {
  std::vector<SqlType> types;
  for (const auto& e : exprs) types.push_back(e->type);
  ASSIGN_OR_RETURN(SqlType common, CommonType(types, context));
  std::vector<BoundExprPtr> out;
  for (auto& e : exprs) {
    if (e->type.id != common.id) {
      if (!function::CanCast(e->type, common, function::CastContext::kImplicit)) {
        return Err(sqlstate::kDatatypeMismatch, context + " types " + common.ToString() + " and " +
                                                    e->type.ToString() + " cannot be matched");
      }
      ASSIGN_OR_RETURN(e, AddCast(std::move(e), common));
    } else if (e->type != common) {
      e->type = common;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<BoundExprPtr> Binder::CoerceForAssignment(BoundExprPtr expr, SqlType target,
                                                 const std::string& column) {
  if (expr->type == target) return expr;
  if (expr->type.id == TypeId::kUnknown ||
      function::CanCast(expr->type, target, function::CastContext::kAssignment)) {
    return AddCast(std::move(expr), target, false);
  }
  return Err(sqlstate::kDatatypeMismatch, "column \"" + column + "\" is of type " +
                                              target.ToString() + " but expression is of type " +
                                              expr->type.ToString())
      .WithHint("You will need to rewrite or cast the expression.");
}

Result<BoundExprPtr> Binder::CoerceToBool(BoundExprPtr e, const char* context, int position) {
  if (e->type.id == TypeId::kBool) return e;
  if (e->type.id == TypeId::kUnknown) return AddCast(std::move(e), TypeId::kBool);
  return Err(sqlstate::kDatatypeMismatch,
             std::string("argument of ") + context + " must be type boolean, not type " +
                 e->type.ToString(),
             position);
}

// ---------------------------------------------------------------------------------------------
// Queries

Result<PlanPtr> Binder::BindQuery(const SelectStmt& stmt, const Scope* outer) {
  std::vector<std::string> names;
  return BindSelectBody(stmt, outer, &names);
}

Result<PlanPtr> Binder::BindSelectBody(const SelectStmt& stmt, const Scope* outer,
                                       std::vector<std::string>* out_names) {
  size_t saved_ctes = ctes_.size();
  if (Status pushed = PushCtes(stmt.ctes, stmt.with_recursive, stmt.position); !pushed.ok()) {
    ctes_.resize(saved_ctes);
    return pushed;
  }
  Result<PlanPtr> result = Status::OK();
  switch (stmt.kind) {
    case SelectStmt::Kind::kSelect:
      result = BindSelectBlock(stmt, outer);
      break;
    case SelectStmt::Kind::kSetOp:
      result = BindSetOp(stmt, outer);
      break;
    case SelectStmt::Kind::kValues:
      result = BindValues(stmt, outer);
      break;
  }
  ctes_.resize(saved_ctes);
  if (!result.ok()) return result;
  *out_names = (*result)->names;
  return result;
}

Status Binder::PushCtes(std::span<const parser::CommonTableExpr> ctes, bool recursive,
                        int position) {
  for (const auto& cte : ctes) {
    if (cte.recursive || recursive) {
      return Err(sqlstate::kFeatureNotSupported, "WITH RECURSIVE is not supported yet", position);
    }
    if (cte.dml) {
      bool has_rows = std::any_of(cte_rows_.begin(), cte_rows_.end(),
                                  [&](const auto& entry) { return entry.first == &cte; });
      if (!has_rows) {
        return Err(sqlstate::kFeatureNotSupported,
                   "WITH clause containing a data-modifying statement must be at the top level",
                   cte.position);
      }
    }
    ctes_.push_back({&cte});
  }
  return Status::OK();
}

Status Binder::AddStatementCtes(std::span<const parser::CommonTableExpr> ctes, bool recursive) {
  return PushCtes(ctes, recursive, ctes.empty() ? 0 : ctes.front().position);
}

void Binder::SetCteRows(const parser::CommonTableExpr& cte, const SystemRelationData* rows) {
  cte_rows_.emplace_back(&cte, rows);
}

Result<BoundExprPtr> Binder::BindLimitExpr(const Expr& expr, const char* what) {
  Scope empty;
  ExprContext ctx;
  ctx.scope = &empty;
  ctx.clause = what;
  ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(expr, ctx));
  if (e->type.id == TypeId::kUnknown || e->type.IsNumeric()) {
    return AddCast(std::move(e), TypeId::kInt64);
  }
  return Err(
      sqlstate::kDatatypeMismatch,
      std::string("argument of ") + what + " must be type bigint, not type " + e->type.ToString(),
      expr.position);
}

Result<PlanPtr> Binder::ApplyLimit(PlanPtr plan, const SelectStmt& stmt) {
  if (!stmt.limit && !stmt.offset) return plan;
  auto limit = std::make_unique<LogicalPlan>(PlanKind::kLimit);
  if (stmt.limit) {
    ASSIGN_OR_RETURN(limit->limit, BindLimitExpr(*stmt.limit, "LIMIT"));
  }
  if (stmt.offset) {
    ASSIGN_OR_RETURN(limit->offset, BindLimitExpr(*stmt.offset, "OFFSET"));
  }
  limit->types = plan->types;
  limit->names = plan->names;
  limit->children.push_back(std::move(plan));
  return PlanPtr(std::move(limit));
}

Result<PlanPtr> Binder::ApplyOrderLimit(PlanPtr plan, const SelectStmt& stmt, const Scope* outer) {
  // ORDER BY for set operations and VALUES: output names or ordinals only.
  if (!stmt.order_by.empty()) {
    auto sort = std::make_unique<LogicalPlan>(PlanKind::kSort);
    Scope out_scope;
    for (size_t i = 0; i < plan->names.size(); i++) {
      out_scope.columns.push_back({"", plan->names[i], plan->types[i], static_cast<int>(i)});
    }
    out_scope.parent = outer;
    for (const auto& item : stmt.order_by) {
      SortKey key;
      const Expr& e = *item.expr;
      if (e.kind == ExprKind::kLiteral && e.literal_kind == parser::LiteralKind::kInteger) {
        long long n = std::atoll(e.text.c_str());
        if (n < 1 || n > static_cast<long long>(plan->types.size())) {
          return Err(sqlstate::kInvalidColumnReference,
                     "ORDER BY position " + e.text + " is not in select list", e.position);
        }
        key.expr = MakeColumn(static_cast<int>(n - 1), plan->types[n - 1]);
      } else {
        ExprContext ctx;
        ctx.scope = &out_scope;
        ctx.clause = "ORDER BY";
        auto bound = BindExpr(e, ctx);
        if (!bound.ok()) {
          if (e.kind != ExprKind::kColumnRef) {
            return Status::NotSupported("invalid UNION/INTERSECT/EXCEPT ORDER BY clause")
                .WithDetail("Only result column names can be used, not expressions or functions.");
          }
          return bound.status();
        }
        key.expr = std::move(*bound);
      }
      key.descending = item.descending;
      key.nulls_first = item.nulls_first.value_or(item.descending);
      RETURN_IF_ERROR(CheckOrderable(key.expr->type, e.position));
      sort->sort_keys.push_back(std::move(key));
    }
    sort->types = plan->types;
    sort->names = plan->names;
    sort->children.push_back(std::move(plan));
    plan = std::move(sort);
  }
  ASSIGN_OR_RETURN(plan, ApplyLimit(std::move(plan), stmt));
  return plan;
}

Result<PlanPtr> Binder::BindValues(const SelectStmt& stmt, const Scope* outer) {
  auto plan = std::make_unique<LogicalPlan>(PlanKind::kValues);
  Scope empty;
  empty.parent = outer;
  size_t width = stmt.values.empty() ? 0 : stmt.values[0].size();
  std::vector<std::vector<BoundExprPtr>> rows;
  for (const auto& row : stmt.values) {
    if (row.size() != width) {
      return Err(sqlstate::kSyntaxError, "VALUES lists must all be the same length",
                 row.empty() || !row[0] ? 0 : row[0]->position);
    }
    std::vector<BoundExprPtr> bound;
    for (const auto& e : row) {
      if (!e) {
        return Err(sqlstate::kSyntaxError, "DEFAULT is not allowed in this context");
      }
      ExprContext ctx;
      ctx.scope = &empty;
      ctx.clause = "VALUES";
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*e, ctx));
      bound.push_back(std::move(b));
    }
    rows.push_back(std::move(bound));
  }
  // Unify each column's type across rows.
  for (size_t c = 0; c < width; c++) {
    std::vector<BoundExprPtr> col;
    for (auto& r : rows) col.push_back(std::move(r[c]));
    ASSIGN_OR_RETURN(col, UnifyTypes(std::move(col), "VALUES"));
    SqlType t = col.empty() ? SqlType(TypeId::kText) : col[0]->type;
    for (size_t r = 0; r < rows.size(); r++) rows[r][c] = std::move(col[r]);
    plan->types.push_back(t);
    plan->names.push_back("column" + std::to_string(c + 1));
  }
  plan->values = std::move(rows);
  return ApplyOrderLimit(std::move(plan), stmt, outer);
}

Result<PlanPtr> Binder::BindSetOp(const SelectStmt& stmt, const Scope* outer) {
  std::vector<std::string> lnames, rnames;
  ASSIGN_OR_RETURN(PlanPtr left, BindSelectBody(*stmt.left, outer, &lnames));
  ASSIGN_OR_RETURN(PlanPtr right, BindSelectBody(*stmt.right, outer, &rnames));
  const char* opname = stmt.set_op == SelectStmt::SetOp::kUnion       ? "UNION"
                       : stmt.set_op == SelectStmt::SetOp::kIntersect ? "INTERSECT"
                                                                      : "EXCEPT";
  if (left->types.size() != right->types.size()) {
    return Err(sqlstate::kSyntaxError,
               std::string("each ") + opname + " query must have the same number of columns",
               stmt.right->position);
  }
  // A bare NULL in a branch's select list takes the other branch's type, as PostgreSQL's
  // unknown-typed literals do (`SELECT 5 UNION ALL SELECT NULL` is integer).
  std::vector<SqlType> types;
  for (size_t i = 0; i < left->types.size(); i++) {
    SqlType lt = IsNullColumn(*left, i) ? SqlType(TypeId::kUnknown) : left->types[i];
    SqlType rt = IsNullColumn(*right, i) ? SqlType(TypeId::kUnknown) : right->types[i];
    ASSIGN_OR_RETURN(SqlType t, CommonType({lt, rt}, opname));
    types.push_back(t);
  }
  auto coerce = [&](PlanPtr p) -> Result<PlanPtr> {
    bool needs = false;
    for (size_t i = 0; i < types.size(); i++) needs |= p->types[i] != types[i];
    if (!needs) return p;
    auto proj = std::make_unique<LogicalPlan>(PlanKind::kProject);
    for (size_t i = 0; i < types.size(); i++) {
      BoundExprPtr col = MakeColumn(static_cast<int>(i), p->types[i]);
      if (p->types[i] != types[i] && IsNullColumn(*p, i)) {
        col = MakeConstant(Value::Null(types[i]));
      } else if (p->types[i] != types[i]) {
        if (p->types[i].id != types[i].id &&
            !function::CanCast(p->types[i], types[i], function::CastContext::kImplicit)) {
          return Err(sqlstate::kDatatypeMismatch, std::string(opname) + " types " +
                                                      p->types[i].ToString() + " and " +
                                                      types[i].ToString() + " cannot be matched");
        }
        ASSIGN_OR_RETURN(col, AddCast(std::move(col), types[i]));
      }
      proj->exprs.push_back(std::move(col));
    }
    proj->types = types;
    proj->names = p->names;
    proj->children.push_back(std::move(p));
    return PlanPtr(std::move(proj));
  };
  ASSIGN_OR_RETURN(left, coerce(std::move(left)));
  ASSIGN_OR_RETURN(right, coerce(std::move(right)));
  auto plan = std::make_unique<LogicalPlan>(PlanKind::kSetOp);
  plan->set_op = stmt.set_op == SelectStmt::SetOp::kUnion       ? SetOpKind::kUnion
                 : stmt.set_op == SelectStmt::SetOp::kIntersect ? SetOpKind::kIntersect
                                                                : SetOpKind::kExcept;
  plan->set_all = stmt.set_all;
  plan->types = types;
  plan->names = lnames;
  plan->children.push_back(std::move(left));
  plan->children.push_back(std::move(right));
  return ApplyOrderLimit(std::move(plan), stmt, outer);
}

Result<PlanPtr> Binder::BindSelectBlock(const SelectStmt& stmt, const Scope* outer) {
  Scope from_scope;
  from_scope.parent = outer;
  PlanPtr plan;
  if (stmt.from.empty()) {
    plan = std::make_unique<LogicalPlan>(PlanKind::kValues);
    plan->values.emplace_back();  // one row, no columns
  } else {
    ASSIGN_OR_RETURN(plan, BindFrom(stmt.from, outer, &from_scope));
  }

  // WHERE
  if (stmt.where) {
    ExprContext ctx;
    ctx.scope = &from_scope;
    ctx.clause = "WHERE";
    ASSIGN_OR_RETURN(BoundExprPtr pred, BindExpr(*stmt.where, ctx));
    ASSIGN_OR_RETURN(pred, CoerceToBool(std::move(pred), "WHERE", stmt.where->position));
    auto filter = std::make_unique<LogicalPlan>(PlanKind::kFilter);
    filter->predicate = std::move(pred);
    filter->types = plan->types;
    filter->names = plan->names;
    filter->children.push_back(std::move(plan));
    plan = std::move(filter);
  }

  // The select list with every * expanded: GROUP BY and DISTINCT ON positions and output
  // names refer to it.
  struct Target {
    const Expr* expr = nullptr;  // null for a column of a *
    std::string name;
    int star_index = -1;  // a * column's index in the FROM row
    SqlType star_type;
    std::string star_table;
  };
  std::vector<Target> targets;
  for (const auto& item : stmt.targets) {
    if (item.expr->kind != ExprKind::kStar) {
      targets.push_back(
          {item.expr.get(), item.alias.empty() ? OutputColumnName(*item.expr) : item.alias});
      continue;
    }
    const std::vector<std::string>& q = item.expr->names;
    if (q.empty() && stmt.from.empty()) {
      return Err(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid",
                 item.expr->position);
    }
    bool found = false;
    for (const auto& c : from_scope.columns) {
      if (q.empty() ? c.hidden_from_star : c.table != q.back()) continue;
      found = true;
      targets.push_back({nullptr, c.name, c.index, c.type, c.table});
    }
    if (!q.empty() && !found &&
        std::find(from_scope.tables.begin(), from_scope.tables.end(), q.back()) ==
            from_scope.tables.end()) {
      return UnknownTableError(from_scope, q.back(), item.expr->position);
    }
  }

  // A set-returning function in the select list: the FROM row once per value it gives.
  std::vector<const Expr*> srfs;
  for (const Target& t : targets) {
    if (t.expr) FindSetReturning(*t.expr, &srfs);
  }
  int srf_column = -1;
  SqlType srf_type;
  if (!srfs.empty()) {
    if (srfs.size() > 1) {
      return Err(sqlstate::kFeatureNotSupported,
                 "more than one set-returning function in a select list is not supported yet",
                 srfs[1]->position);
    }
    ExprContext fctx;
    fctx.scope = &from_scope;
    fctx.clause = "set-returning function arguments";
    ASSIGN_OR_RETURN(PlanPtr fn, BindTableFunction(*srfs[0], fctx));
    srf_column = static_cast<int>(plan->types.size());
    srf_type = fn->types[0];
    fn->types.insert(fn->types.begin(), plan->types.begin(), plan->types.end());
    fn->names.insert(fn->names.begin(), plan->names.begin(), plan->names.end());
    fn->children.push_back(std::move(plan));
    plan = std::move(fn);
    ScopeColumn c{"", "?srf?", srf_type, srf_column};
    c.hidden_from_star = true;
    c.unqualified_ok = false;
    from_scope.columns.push_back(c);
  }

  // Aggregation? Also when a subquery in the select list aggregates this level's columns only
  // (`SELECT (SELECT max(t.x)) FROM t`): a trial binding finds out.
  bool has_agg = !stmt.group_by.empty() || stmt.having != nullptr;
  for (const auto& t : stmt.targets)
    has_agg |= t.expr->kind != ExprKind::kStar && ContainsAggregate(*t.expr);
  for (const auto& o : stmt.order_by) has_agg |= ContainsAggregate(*o.expr);
  AggregateLevel level;
  level.from_scope = &from_scope;
  from_scope.aggregate_level = &level;
  if (!has_agg) {
    std::vector<WindowCall> trial_windows;
    for (const Target& t : targets) {
      if (t.expr == nullptr || !ContainsSubquery(*t.expr)) continue;
      ExprContext trial;
      trial.scope = &from_scope;
      trial.clause = "SELECT";
      trial.windows = &trial_windows;
      trial.allow_windows = true;
      trial.named_windows = &stmt.windows;
      (void)BindExpr(*t.expr, trial);  // only `level.requested` matters
      if (level.requested) break;
    }
    has_agg = level.requested;
  }
  from_scope.aggregate_level = nullptr;

  std::vector<BoundExprPtr> groups;
  std::vector<AggregateCall> aggregates;
  Scope agg_scope;
  agg_scope.parent = outer;
  if (has_agg) {
    for (const auto& g : stmt.group_by) {
      // GROUP BY may name a select-list ordinal or alias.
      const Expr* ge = g.get();
      const Target* star = nullptr;
      if (ge->kind == ExprKind::kLiteral && ge->literal_kind == parser::LiteralKind::kInteger) {
        long long n = std::atoll(ge->text.c_str());
        if (n < 1 || n > static_cast<long long>(targets.size())) {
          return Err(sqlstate::kInvalidColumnReference,
                     "GROUP BY position " + ge->text + " is not in select list", ge->position);
        }
        if (targets[n - 1].expr) {
          ge = targets[n - 1].expr;
        } else {
          star = &targets[n - 1];
        }
      } else if (ge->kind == ExprKind::kColumnRef && ge->names.size() == 1) {
        // A bare name is an input column first, then an output column name.
        bool in_from = false;
        for (const auto& c : from_scope.columns)
          in_from |= c.name == ge->names[0] && c.unqualified_ok;
        if (!in_from) {
          for (const auto& t : targets) {
            if (t.expr && t.name == ge->names[0]) {
              ge = t.expr;
              break;
            }
          }
        }
      }
      if (!star && ContainsAggregate(*ge)) {
        return Err(sqlstate::kGroupingError, "aggregate functions are not allowed in GROUP BY",
                   ge->position);
      }
      ExprContext ctx;
      ctx.scope = &from_scope;
      ctx.clause = "GROUP BY";
      BoundExprPtr b;
      if (star) {
        b = MakeColumn(star->star_index, star->star_type);
      } else {
        ASSIGN_OR_RETURN(b, BindExpr(*ge, ctx));
      }
      bool dup = false;
      for (const auto& existing : groups) dup |= existing->Equals(*b);
      if (dup) continue;
      if (b->kind == BoundExprKind::kColumn) {
        for (const auto& c : from_scope.columns) {
          if (c.index == b->column) {
            ScopeColumn sc = c;
            sc.index = static_cast<int>(groups.size());
            agg_scope.columns.push_back(sc);
          }
        }
      }
      groups.push_back(std::move(b));
    }
  }

  // The context select-list, HAVING and ORDER BY expressions are bound in.
  std::vector<WindowCall> windows;
  ExprContext sel;
  sel.clause = "SELECT";
  if (has_agg) {
    level.ctx = &sel;
    agg_scope.aggregate_level = &level;
    agg_scope.tables = from_scope.tables;
    sel.scope = &agg_scope;
    sel.agg_mode = true;
    sel.from_scope = &from_scope;
    sel.groups = &groups;
    sel.aggregates = &aggregates;
    sel.allow_aggregates = true;
  } else {
    sel.scope = &from_scope;
  }
  sel.windows = &windows;
  sel.allow_windows = true;
  sel.named_windows = &stmt.windows;
  if (srf_column >= 0) {
    if (has_agg) {
      return Err(sqlstate::kFeatureNotSupported,
                 "set-returning functions together with aggregates are not supported yet",
                 srfs[0]->position);
    }
    sel.srf = srfs[0];
    sel.srf_column = srf_column;
    sel.srf_type = srf_type;
  }

  // Bind the select list.
  std::vector<BoundExprPtr> out_exprs;
  std::vector<std::string> out_names;
  for (const Target& t : targets) {
    if (t.expr) {
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*t.expr, sel));
      out_exprs.push_back(std::move(b));
    } else if (!has_agg) {
      out_exprs.push_back(MakeColumn(t.star_index, t.star_type));
    } else {
      // SELECT * with GROUP BY: every column must be grouped.
      BoundExprPtr col = MakeColumn(t.star_index, t.star_type);
      int group = -1;
      for (size_t g = 0; g < groups.size() && group < 0; g++) {
        if (groups[g]->Equals(*col)) group = static_cast<int>(g);
      }
      if (group < 0) {
        std::string name = t.star_table.empty() ? t.name : t.star_table + "." + t.name;
        return Err(sqlstate::kGroupingError,
                   "column \"" + name +
                       "\" must appear in the GROUP BY clause or be used in an aggregate function");
      }
      out_exprs.push_back(MakeColumn(group, t.star_type));
    }
    out_names.push_back(t.name);
  }
  size_t visible = out_exprs.size();

  // HAVING
  BoundExprPtr having;
  if (stmt.having) {
    ExprContext hctx = sel;
    hctx.clause = "HAVING";
    hctx.allow_windows = false;
    ASSIGN_OR_RETURN(having, BindExpr(*stmt.having, hctx));
    ASSIGN_OR_RETURN(having, CoerceToBool(std::move(having), "HAVING", stmt.having->position));
  }

  // ORDER BY: ordinals, output names, or expressions (appended as hidden columns).
  std::vector<SortKey> sort_keys;
  for (const auto& item : stmt.order_by) {
    const Expr& e = *item.expr;
    SortKey key;
    key.descending = item.descending;
    key.nulls_first = item.nulls_first.value_or(item.descending);
    if (e.kind == ExprKind::kLiteral && e.literal_kind == parser::LiteralKind::kInteger) {
      long long n = std::atoll(e.text.c_str());
      if (n < 1 || n > static_cast<long long>(visible)) {
        return Err(sqlstate::kInvalidColumnReference,
                   "ORDER BY position " + e.text + " is not in select list", e.position);
      }
      key.expr = MakeColumn(static_cast<int>(n - 1), out_exprs[n - 1]->type);
      sort_keys.push_back(std::move(key));
      continue;
    }
    if (e.kind == ExprKind::kColumnRef && e.names.size() == 1) {
      int match = -1;
      int count = 0;
      for (size_t i = 0; i < visible; i++) {
        if (out_names[i] == e.names[0]) {
          if (match < 0) match = static_cast<int>(i);
          count++;
        }
      }
      if (count > 1) {
        // Ambiguous only if the duplicates are different expressions.
        for (size_t i = 0; i < visible; i++) {
          if (out_names[i] == e.names[0] && !out_exprs[i]->Equals(*out_exprs[match])) {
            return Err(sqlstate::kAmbiguousColumn, "ORDER BY \"" + e.names[0] + "\" is ambiguous",
                       e.position);
          }
        }
      }
      if (match >= 0) {
        key.expr = MakeColumn(match, out_exprs[match]->type);
        sort_keys.push_back(std::move(key));
        continue;
      }
    }
    ExprContext octx = sel;
    octx.clause = "ORDER BY";
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, octx));
    int match = -1;
    for (size_t i = 0; i < out_exprs.size(); i++) {
      if (out_exprs[i]->Equals(*b)) {
        match = static_cast<int>(i);
        break;
      }
    }
    if (match < 0) {
      if (stmt.distinct && stmt.distinct_on.empty()) {
        return Err(sqlstate::kInvalidColumnReference,
                   "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                   e.position);
      }
      match = static_cast<int>(out_exprs.size());
      out_names.push_back("?sort?");
      out_exprs.push_back(std::move(b));
    }
    key.expr = MakeColumn(match, out_exprs[match]->type);
    sort_keys.push_back(std::move(key));
  }
  for (size_t i = 0; i < sort_keys.size(); i++) {
    RETURN_IF_ERROR(CheckOrderable(sort_keys[i].expr->type, stmt.order_by[i].expr->position));
  }

  // DISTINCT ON keys: also hidden columns where needed.
  std::vector<BoundExprPtr> distinct_keys;
  for (const auto& d : stmt.distinct_on) {
    BoundExprPtr b;
    if (d->kind == ExprKind::kLiteral && d->literal_kind == parser::LiteralKind::kInteger) {
      long long n = std::atoll(d->text.c_str());
      if (n < 1 || n > static_cast<long long>(visible)) {
        return Err(sqlstate::kInvalidColumnReference,
                   "SELECT DISTINCT ON position " + d->text + " is not in select list",
                   d->position);
      }
      distinct_keys.push_back(MakeColumn(static_cast<int>(n - 1), out_exprs[n - 1]->type));
      continue;
    }
    if (d->kind == ExprKind::kColumnRef && d->names.size() == 1) {
      int match = -1;
      for (size_t i = 0; i < visible && match < 0; i++) {
        if (out_names[i] == d->names[0]) match = static_cast<int>(i);
      }
      if (match >= 0) {
        distinct_keys.push_back(MakeColumn(match, out_exprs[match]->type));
        continue;
      }
    }
    ExprContext dctx = sel;
    dctx.clause = "DISTINCT ON";
    ASSIGN_OR_RETURN(b, BindExpr(*d, dctx));
    int match = -1;
    for (size_t i = 0; i < out_exprs.size(); i++) {
      if (out_exprs[i]->Equals(*b)) {
        match = static_cast<int>(i);
        break;
      }
    }
    if (match < 0) {
      match = static_cast<int>(out_exprs.size());
      out_names.push_back("?distinct?");
      out_exprs.push_back(std::move(b));
    }
    distinct_keys.push_back(MakeColumn(match, out_exprs[match]->type));
  }

  // Window references were encoded as -(k + 1); they follow the base row.
  if (!windows.empty()) {
    int base = has_agg ? static_cast<int>(groups.size() + aggregates.size())
                       : static_cast<int>(plan->types.size());
    std::function<void(BoundExpr*)> fix = [&](BoundExpr* e) {
      if (e->kind == BoundExprKind::kColumn && e->column < 0) e->column = base + (-e->column - 1);
      for (auto& c : e->children) fix(c.get());
    };
    for (auto& e : out_exprs) fix(e.get());
  }

  // Assemble: [Aggregate -> HAVING] -> [Window] -> Project -> Distinct/Sort -> Limit -> strip.
  if (has_agg) {
    auto agg = std::make_unique<LogicalPlan>(PlanKind::kAggregate);
    for (const auto& g : groups) {
      agg->types.push_back(g->type);
      agg->names.push_back("group");
    }
    for (const auto& a : aggregates) {
      agg->types.push_back(a.agg.result_type);
      agg->names.push_back(a.agg.name);
    }
    agg->exprs = std::move(groups);
    agg->aggregates = std::move(aggregates);
    agg->children.push_back(std::move(plan));
    plan = std::move(agg);
    if (having) {
      auto filter = std::make_unique<LogicalPlan>(PlanKind::kFilter);
      filter->predicate = std::move(having);
      filter->types = plan->types;
      filter->names = plan->names;
      filter->children.push_back(std::move(plan));
      plan = std::move(filter);
    }
  }
  if (!windows.empty()) {
    auto win = std::make_unique<LogicalPlan>(PlanKind::kWindow);
    win->types = plan->types;
    win->names = plan->names;
    for (const auto& w : windows) {
      win->types.push_back(w.type);
      win->names.push_back(w.name);
    }
    win->window_calls = std::move(windows);
    win->children.push_back(std::move(plan));
    plan = std::move(win);
  }
  auto proj = std::make_unique<LogicalPlan>(PlanKind::kProject);
  for (auto& e : out_exprs) {
    if (e->type.id == TypeId::kUnknown) {
      ASSIGN_OR_RETURN(e, AddCast(std::move(e), TypeId::kText));
    }
    proj->types.push_back(e->type);
  }
  proj->names = out_names;
  proj->exprs = std::move(out_exprs);
  proj->children.push_back(std::move(plan));
  plan = std::move(proj);

  auto add_sort = [&]() {
    if (sort_keys.empty()) return;
    auto sort = std::make_unique<LogicalPlan>(PlanKind::kSort);
    sort->sort_keys = std::move(sort_keys);
    sort->types = plan->types;
    sort->names = plan->names;
    sort->children.push_back(std::move(plan));
    plan = std::move(sort);
  };
  if (stmt.distinct && stmt.distinct_on.empty()) {
    auto d = std::make_unique<LogicalPlan>(PlanKind::kDistinct);
    d->types = plan->types;
    d->names = plan->names;
    d->children.push_back(std::move(plan));
    plan = std::move(d);
    add_sort();
  } else if (!stmt.distinct_on.empty()) {
    add_sort();
    auto d = std::make_unique<LogicalPlan>(PlanKind::kDistinct);
    d->exprs = std::move(distinct_keys);
    d->types = plan->types;
    d->names = plan->names;
    d->children.push_back(std::move(plan));
    plan = std::move(d);
  } else {
    add_sort();
  }
  ASSIGN_OR_RETURN(plan, ApplyLimit(std::move(plan), stmt));
  if (plan->types.size() > visible) {
    auto strip = std::make_unique<LogicalPlan>(PlanKind::kProject);
    for (size_t i = 0; i < visible; i++) {
      strip->exprs.push_back(MakeColumn(static_cast<int>(i), plan->types[i]));
      strip->types.push_back(plan->types[i]);
      strip->names.push_back(plan->names[i]);
    }
    strip->children.push_back(std::move(plan));
    plan = std::move(strip);
  }
  return plan;
}

Result<BoundExprPtr> Binder::BindScalar(const Expr& expr, const Scope& scope) {
  ExprContext ctx;
  ctx.scope = &scope;
  ctx.clause = "this context";
  return BindExpr(expr, ctx);
}

}  // namespace freshet::planner
