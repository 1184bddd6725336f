#include "planner/binder.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "common/datetime.h"
#include "function/cast.h"
#include "parser/parser.h"
#include "planner/binder_context.h"
#include "planner/system_catalog.h"

namespace freshet::planner {

using parser::Expr;
using parser::ExprKind;
using parser::SelectStmt;
using parser::TableRef;

namespace {

/// The output name PostgreSQL gives an unaliased select item.
std::string DefaultColumnName(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return e.names.back();
    case ExprKind::kFunction:
      return e.names.back();
    case ExprKind::kCast:
      if (e.children[0]->kind == ExprKind::kLiteral || e.children[0]->kind == ExprKind::kCast) {
        std::string n = DefaultColumnName(*e.children[0]);
        if (n != "?column?") return n;
        std::string t = e.type_name.name;
        if (t == "int" || t == "int4" || t == "integer") return "int4";
        if (t == "bigint" || t == "int8") return "int8";
        if (t == "smallint" || t == "int2") return "int2";
        if (t == "boolean" || t == "bool") return "bool";
        if (t == "double precision" || t == "float8" || t == "float") return "float8";
        if (t == "real" || t == "float4") return "float4";
        if (t == "character varying") return "varchar";
        if (t == "character") return "bpchar";
        if (t == "decimal") return "numeric";
        if (t == "timestamp with time zone") return "timestamptz";
        if (t == "timestamp without time zone") return "timestamp";
        return t;
      }
      return DefaultColumnName(*e.children[0]);
    case ExprKind::kCase:
      return "case";
    case ExprKind::kExists:
      return "exists";
    case ExprKind::kLiteral:
      if (e.literal_kind == parser::LiteralKind::kTyped) {
        std::string t = e.type_name.name;
        if (t == "timestamp with time zone") return "timestamptz";
        if (t == "timestamp without time zone") return "timestamp";
        return t;
      }
      if (e.literal_kind == parser::LiteralKind::kBool) return "bool";
      return "?column?";
    case ExprKind::kSubquery:
      if (e.subquery && e.subquery->kind == SelectStmt::Kind::kSelect &&
          e.subquery->targets.size() == 1) {
        const auto& t = e.subquery->targets[0];
        if (!t.alias.empty()) return t.alias;
        if (t.expr->kind != ExprKind::kStar) return DefaultColumnName(*t.expr);
      }
      return "?column?";
    case ExprKind::kArray:
      return "array";
    case ExprKind::kRow:
      return "row";
    default:
      return "?column?";
  }
}

}  // namespace

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
  for (const auto& cte : stmt.ctes) {
    if (cte.recursive || stmt.with_recursive) {
      ctes_.resize(saved_ctes);
      return Status::NotSupported("WITH RECURSIVE is not supported yet");
    }
    ctes_.push_back({cte.name, cte.column_names, cte.query.get()});
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
  std::vector<SqlType> types;
  for (size_t i = 0; i < left->types.size(); i++) {
    ASSIGN_OR_RETURN(SqlType t, CommonType({left->types[i], right->types[i]}, opname));
    types.push_back(t);
  }
  auto coerce = [&](PlanPtr p) -> Result<PlanPtr> {
    bool needs = false;
    for (size_t i = 0; i < types.size(); i++) needs |= p->types[i] != types[i];
    if (!needs) return p;
    auto proj = std::make_unique<LogicalPlan>(PlanKind::kProject);
    for (size_t i = 0; i < types.size(); i++) {
      BoundExprPtr col = MakeColumn(static_cast<int>(i), p->types[i]);
      if (p->types[i] != types[i]) {
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

  // Aggregation?
  bool has_agg = !stmt.group_by.empty() || stmt.having != nullptr;
  for (const auto& t : stmt.targets)
    has_agg |= t.expr->kind != ExprKind::kStar && ContainsAggregate(*t.expr);
  for (const auto& o : stmt.order_by) has_agg |= ContainsAggregate(*o.expr);

  std::vector<BoundExprPtr> groups;
  std::vector<AggregateCall> aggregates;
  Scope agg_scope;
  agg_scope.parent = outer;
  if (has_agg) {
    for (const auto& g : stmt.group_by) {
      // GROUP BY may name a select-list ordinal or alias.
      const Expr* ge = g.get();
      if (ge->kind == ExprKind::kLiteral && ge->literal_kind == parser::LiteralKind::kInteger) {
        long long n = std::atoll(ge->text.c_str());
        if (n < 1 || n > static_cast<long long>(stmt.targets.size()) ||
            stmt.targets[n - 1].expr->kind == ExprKind::kStar) {
          return Err(sqlstate::kInvalidColumnReference,
                     "GROUP BY position " + ge->text + " is not in select list", ge->position);
        }
        ge = stmt.targets[n - 1].expr.get();
      } else if (ge->kind == ExprKind::kColumnRef && ge->names.size() == 1) {
        bool in_from = false;
        for (const auto& c : from_scope.columns)
          in_from |= c.name == ge->names[0] && c.unqualified_ok;
        if (!in_from) {
          for (const auto& t : stmt.targets) {
            if (t.alias == ge->names[0]) {
              ge = t.expr.get();
              break;
            }
          }
        }
      }
      if (ContainsAggregate(*ge)) {
        return Err(sqlstate::kGroupingError, "aggregate functions are not allowed in GROUP BY",
                   ge->position);
      }
      ExprContext ctx;
      ctx.scope = &from_scope;
      ctx.clause = "GROUP BY";
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*ge, ctx));
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

  // Bind the select list (expanding *).
  std::vector<BoundExprPtr> out_exprs;
  std::vector<std::string> out_names;
  for (const auto& item : stmt.targets) {
    if (item.expr->kind == ExprKind::kStar) {
      const std::vector<std::string>& q = item.expr->names;
      bool found = false;
      if (has_agg) {
        // SELECT * with GROUP BY: every column must be grouped.
        for (const auto& c : from_scope.columns) {
          if (c.hidden_from_star || (!q.empty() && c.table != q.back())) continue;
          found = true;
          parser::Expr ref(ExprKind::kColumnRef, item.expr->position);
          if (!c.table.empty()) ref.names.push_back(c.table);
          ref.names.push_back(c.name);
          ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(ref, sel));
          out_exprs.push_back(std::move(b));
          out_names.push_back(c.name);
        }
      } else {
        for (const auto& c : from_scope.columns) {
          if (c.hidden_from_star || (!q.empty() && c.table != q.back())) continue;
          found = true;
          out_exprs.push_back(MakeColumn(c.index, c.type));
          out_names.push_back(c.name);
        }
      }
      if (!q.empty() && !found) {
        return Err(sqlstate::kUndefinedTable,
                   "missing FROM-clause entry for table \"" + q.back() + "\"", item.expr->position);
      }
      if (q.empty() && stmt.from.empty()) {
        return Err(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid",
                   item.expr->position);
      }
      continue;
    }
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*item.expr, sel));
    out_exprs.push_back(std::move(b));
    out_names.push_back(item.alias.empty() ? DefaultColumnName(*item.expr) : item.alias);
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

// ---------------------------------------------------------------------------------------------
// FROM

Result<PlanPtr> Binder::BindFrom(const std::vector<parser::TableRefPtr>& from, const Scope* outer,
                                 Scope* scope) {
  PlanPtr plan;
  for (const auto& ref : from) {
    Scope item_scope;
    ASSIGN_OR_RETURN(PlanPtr item, BindTableRef(*ref, outer, &item_scope));
    if (!plan) {
      plan = std::move(item);
      *scope = std::move(item_scope);
      scope->parent = outer;
      continue;
    }
    int offset = static_cast<int>(plan->types.size());
    for (auto c : item_scope.columns) {
      for (const auto& existing : scope->columns) {
        if (!c.table.empty() && existing.table == c.table && c.name == existing.name &&
            existing.index < offset && c.index == 0) {
          return Err(sqlstate::kDuplicateAlias,
                     "table name \"" + c.table + "\" specified more than once", ref->position);
        }
      }
      c.index += offset;
      scope->columns.push_back(c);
    }
    auto join = std::make_unique<LogicalPlan>(PlanKind::kJoin);
    join->join_kind = JoinKind::kCross;
    join->types = plan->types;
    join->names = plan->names;
    join->types.insert(join->types.end(), item->types.begin(), item->types.end());
    join->names.insert(join->names.end(), item->names.begin(), item->names.end());
    join->children.push_back(std::move(plan));
    join->children.push_back(std::move(item));
    plan = std::move(join);
  }
  return plan;
}

Result<PlanPtr> Binder::ExpandView(const TableDef& view, const Scope* outer) {
  if (view_depth_ > 32) return Err(sqlstate::kProgramLimitExceeded, "views nested too deeply");
  ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(view.definition));
  if (stmts.size() != 1 || stmts[0]->kind != parser::StmtKind::kSelect) {
    return Status::Internal("corrupt view definition for " + view.name);
  }
  auto* sel = static_cast<parser::SelectStatement*>(stmts[0].get());
  view_depth_++;
  std::vector<CteBinding> saved;
  saved.swap(ctes_);
  auto result = BindQuery(*sel->query, nullptr);
  ctes_.swap(saved);
  view_depth_--;
  if (!result.ok()) return result.status();
  PlanPtr plan = std::move(*result);
  for (size_t i = 0; i < plan->names.size() && i < view.columns.size(); i++) {
    plan->names[i] = view.columns[i].name;
  }
  // The parse tree must outlive nothing: plans hold no AST pointers.
  (void)outer;
  return plan;
}

Result<PlanPtr> Binder::BindWindowTvf(const TableRef& ref, const Expr& f, const Scope* outer,
                                      Scope* scope) {
  std::string name = FuncName(f);
  WindowSpec w;
  size_t sizes;
  if (name == "tumble") {
    w.kind = WindowSpec::Kind::kTumble;
    sizes = 1;
  } else if (name == "hop") {
    w.kind = WindowSpec::Kind::kHop;
    sizes = 2;
  } else if (name == "cumulate") {
    w.kind = WindowSpec::Kind::kCumulate;
    sizes = 2;
  } else {
    w.kind = WindowSpec::Kind::kSession;
    sizes = 1;
  }
  std::string upper = name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (f.children.size() < 2 + sizes) {
    return Err(sqlstate::kUndefinedFunction,
               upper + " needs a relation, its time column and " +
                   (sizes == 1 ? std::string("a size") : std::string("two sizes")),
               f.position);
  }
  // The relation: a table, source, view or CTE named as the first argument.
  const Expr& rel = *f.children[0];
  if (rel.kind != parser::ExprKind::kColumnRef || rel.names.empty()) {
    return Err(sqlstate::kSyntaxError, "the first argument of " + upper + " must name a relation",
               rel.position);
  }
  TableRef base;
  base.kind = TableRef::Kind::kBase;
  base.names = rel.names;
  base.position = rel.position;
  std::string alias = ref.alias.empty() ? rel.names.back() : ref.alias;
  base.alias = alias;
  Scope inner;
  ASSIGN_OR_RETURN(PlanPtr child, BindTableRef(base, outer, &inner));
  auto column_of = [&](const Expr& e) -> Result<int> {
    if (e.kind != parser::ExprKind::kColumnRef || e.names.empty()) {
      return Err(sqlstate::kSyntaxError, upper + " expects a column of " + rel.names.back(),
                 e.position);
    }
    for (const auto& c : inner.columns) {
      if (c.name == e.names.back()) return c.index;
    }
    return Err(sqlstate::kUndefinedColumn,
               "column \"" + e.names.back() + "\" does not exist in " + rel.names.back(),
               e.position);
  };
  ASSIGN_OR_RETURN(w.time_column, column_of(*f.children[1]));
  SqlType time_type = child->types[w.time_column];
  if (time_type.id != TypeId::kTimestamp && time_type.id != TypeId::kTimestampTz) {
    return Err(sqlstate::kDatatypeMismatch,
               upper + " needs a timestamp column, not " + time_type.ToString(),
               f.children[1]->position);
  }
  auto duration = [&](const Expr& e) -> Result<int64_t> {
    Scope empty;
    ExprContext ctx;
    ctx.scope = &empty;
    ctx.clause = "FROM";
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, ctx));
    if (b->type.id != TypeId::kInterval) {
      ASSIGN_OR_RETURN(b, AddCast(std::move(b), TypeId::kInterval));
    }
    if (b->kind != BoundExprKind::kConstant || b->constant.is_null()) {
      return Err(sqlstate::kFeatureNotSupported, upper + " sizes must be constant intervals",
                 e.position);
    }
    const Interval& iv = b->constant.GetInterval();
    if (iv.months != 0) {
      return Err(sqlstate::kFeatureNotSupported,
                 upper + " sizes must have a fixed length (no months or years)", e.position);
    }
    return iv.days * datetime::kMicrosPerDay + iv.micros;
  };
  std::vector<int64_t> d;
  for (size_t i = 0; i < sizes; i++) {
    ASSIGN_OR_RETURN(int64_t v, duration(*f.children[2 + i]));
    if (v <= 0) {
      return Err(sqlstate::kInvalidParameterValue, upper + " sizes must be positive",
                 f.children[2 + i]->position);
    }
    d.push_back(v);
  }
  size_t rest = 2 + sizes;
  switch (w.kind) {
    case WindowSpec::Kind::kTumble:
      w.size = d[0];
      break;
    case WindowSpec::Kind::kHop:
    case WindowSpec::Kind::kCumulate:
      w.slide = d[0];
      w.size = d[1];
      if (w.size % w.slide != 0) {
        return Err(sqlstate::kInvalidParameterValue,
                   upper + " size must be a multiple of its " +
                       (w.kind == WindowSpec::Kind::kHop ? "slide" : "step"),
                   f.position);
      }
      break;
    case WindowSpec::Kind::kSession:
      w.gap = d[0];
      break;
  }
  if (w.kind == WindowSpec::Kind::kSession) {
    for (size_t i = rest; i < f.children.size(); i++) {
      ASSIGN_OR_RETURN(int k, column_of(*f.children[i]));
      w.keys.push_back(k);
    }
  } else if (rest < f.children.size()) {
    ASSIGN_OR_RETURN(w.offset, duration(*f.children[rest]));
    if (rest + 1 < f.children.size()) {
      return Err(sqlstate::kUndefinedFunction, "too many arguments for " + upper, f.position);
    }
  }
  auto plan = std::make_unique<LogicalPlan>(PlanKind::kWindowTvf);
  plan->window = w;
  plan->types = child->types;
  plan->names = child->names;
  plan->types.push_back(time_type);
  plan->types.push_back(time_type);
  plan->names.push_back("window_start");
  plan->names.push_back("window_end");
  plan->children.push_back(std::move(child));
  for (size_t i = 0; i < plan->names.size(); i++) {
    scope->columns.push_back({alias, plan->names[i], plan->types[i], static_cast<int>(i)});
  }
  return PlanPtr(std::move(plan));
}

Result<PlanPtr> Binder::BindTableRef(const TableRef& ref, const Scope* outer, Scope* scope) {
  switch (ref.kind) {
    case TableRef::Kind::kBase: {
      std::string name = ref.names.back();
      std::string schema = ref.names.size() > 1 ? ref.names[ref.names.size() - 2] : "";
      if (!schema.empty() && schema != "public" && schema != "pg_catalog" &&
          schema != "information_schema" && schema != "freshet_catalog") {
        return Err(sqlstate::kUndefinedTable,
                   "relation \"" + schema + "." + name + "\" does not exist", ref.position);
      }
      std::string alias = ref.alias.empty() ? name : ref.alias;
      PlanPtr plan;
      if (schema == "freshet_catalog") {
        // The engine's own relations (dataflows, backfills, topics, lag), computed now.
        auto data = catalog_.SystemRelation(name);
        if (!data) {
          return Err(sqlstate::kUndefinedTable,
                     "relation \"" + schema + "." + name + "\" does not exist", ref.position);
        }
        plan = SystemCatalog::FromData(*data);
      }
      // CTEs shadow tables.
      for (auto it = ctes_.rbegin(); it != ctes_.rend() && schema.empty(); ++it) {
        if (it->name != name) continue;
        // Bind the CTE body with only the CTEs defined before it visible.
        std::vector<CteBinding> saved(ctes_.begin(), ctes_.end());
        ctes_.assign(ctes_.begin(), ctes_.begin() + (std::distance(it, ctes_.rend()) - 1));
        auto bound = BindQuery(*it->query, outer);
        std::vector<std::string> col_names = it->column_names;
        ctes_ = std::move(saved);
        if (!bound.ok()) return bound.status();
        plan = std::move(*bound);
        for (size_t i = 0; i < col_names.size() && i < plan->names.size(); i++) {
          plan->names[i] = col_names[i];
        }
        break;
      }
      if (!plan && (schema == "pg_catalog" || schema == "information_schema" ||
                    (schema.empty() && !catalog_.Find(name)))) {
        plan = SystemCatalog::Relation(schema, name, catalog_);
        if (!plan && !schema.empty() && schema != "public") {
          return Err(sqlstate::kUndefinedTable,
                     "relation \"" + schema + "." + name + "\" does not exist", ref.position);
        }
      }
      if (!plan) {
        auto table = catalog_.Find(name);
        if (!table || table->kind == RelationKind::kIndex) {
          return Err(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist",
                     ref.position);
        }
        if (table->kind == RelationKind::kView) {
          ASSIGN_OR_RETURN(plan, ExpandView(*table, outer));
        } else {
          plan = std::make_unique<LogicalPlan>(PlanKind::kScan);
          plan->table = table;
          plan->types = table->ColumnTypes();
          for (const auto& c : table->columns) plan->names.push_back(c.name);
        }
      }
      if (ref.column_aliases.size() > plan->names.size()) {
        return Err(sqlstate::kInvalidColumnReference,
                   "table \"" + alias + "\" has " + std::to_string(plan->names.size()) +
                       " columns available but " + std::to_string(ref.column_aliases.size()) +
                       " columns specified",
                   ref.position);
      }
      for (size_t i = 0; i < ref.column_aliases.size(); i++) plan->names[i] = ref.column_aliases[i];
      for (size_t i = 0; i < plan->names.size(); i++) {
        scope->columns.push_back({alias, plan->names[i], plan->types[i], static_cast<int>(i)});
      }
      return plan;
    }
    case TableRef::Kind::kSubquery: {
      if (ref.lateral) return Status::NotSupported("LATERAL subqueries are not supported yet");
      ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*ref.subquery, outer));
      for (size_t i = 0; i < ref.column_aliases.size() && i < plan->names.size(); i++) {
        plan->names[i] = ref.column_aliases[i];
      }
      for (size_t i = 0; i < plan->names.size(); i++) {
        scope->columns.push_back({ref.alias, plan->names[i], plan->types[i], static_cast<int>(i)});
      }
      return plan;
    }
    case TableRef::Kind::kJoin:
      return BindJoin(ref, outer, scope);
    case TableRef::Kind::kFunction: {
      const Expr& f = *ref.function;
      std::string name = FuncName(f);
      if (name == "unnest" && f.children.size() == 1) {
        // unnest(array): arrays are carried in text form, so elements come out untyped (like
        // string literals) and take the type of whatever they are compared with.
        Scope empty;
        empty.parent = outer;
        ExprContext ctx;
        ctx.scope = &empty;
        ctx.clause = "FROM";
        ASSIGN_OR_RETURN(BoundExprPtr arg, BindExpr(*f.children[0], ctx));
        if (arg->type.id != TypeId::kText) {
          ASSIGN_OR_RETURN(arg, AddCast(std::move(arg), TypeId::kText));
        }
        auto plan = std::make_unique<LogicalPlan>(PlanKind::kTableFunction);
        plan->function_name = name;
        plan->exprs.push_back(std::move(arg));
        plan->types.push_back(TypeId::kUnknown);
        std::string col = ref.column_aliases.empty() ? (ref.alias.empty() ? name : ref.alias)
                                                     : ref.column_aliases[0];
        plan->names.push_back(col);
        scope->columns.push_back(
            {ref.alias.empty() ? name : ref.alias, col, SqlType(TypeId::kUnknown), 0});
        return PlanPtr(std::move(plan));
      }
      if (name == "tumble" || name == "hop" || name == "cumulate" || name == "session") {
        return BindWindowTvf(ref, f, outer, scope);
      }
      if (name != "generate_series") {
        return Err(sqlstate::kUndefinedFunction,
                   "function " + name +
                       " does not exist in FROM (generate_series and unnest "
                       "are supported)",
                   f.position);
      }
      Scope empty;
      empty.parent = outer;
      ExprContext ctx;
      ctx.scope = &empty;
      ctx.clause = "FROM";
      auto plan = std::make_unique<LogicalPlan>(PlanKind::kTableFunction);
      plan->function_name = name;
      std::vector<BoundExprPtr> args;
      for (const auto& a : f.children) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
        args.push_back(std::move(b));
      }
      if (args.size() < 2 || args.size() > 3) {
        return Err(sqlstate::kUndefinedFunction,
                   "function generate_series with " + std::to_string(args.size()) +
                       " arguments does not exist",
                   f.position);
      }
      SqlType t;
      if (args[0]->type.IsTemporal() || args[1]->type.IsTemporal()) {
        SqlType ts =
            args[0]->type.id == TypeId::kTimestampTz || args[1]->type.id == TypeId::kTimestampTz
                ? SqlType(TypeId::kTimestampTz)
                : SqlType(TypeId::kTimestamp);
        ASSIGN_OR_RETURN(args[0], AddCast(std::move(args[0]), ts));
        ASSIGN_OR_RETURN(args[1], AddCast(std::move(args[1]), ts));
        if (args.size() != 3) {
          return Err(sqlstate::kUndefinedFunction,
                     "function generate_series(timestamp, timestamp) does not exist", f.position);
        }
        ASSIGN_OR_RETURN(args[2], AddCast(std::move(args[2]), TypeId::kInterval));
        t = ts;
      } else {
        std::vector<SqlType> ts;
        for (auto& a : args) ts.push_back(a->type);
        ASSIGN_OR_RETURN(t, CommonType(ts, "generate_series"));
        if (t.id == TypeId::kInt16 || t.id == TypeId::kText) t = TypeId::kInt32;
        if (!t.IsNumeric()) {
          return Err(sqlstate::kUndefinedFunction,
                     "function generate_series(" + t.ToString() + ") does not exist", f.position);
        }
        for (auto& a : args) {
          ASSIGN_OR_RETURN(a, AddCast(std::move(a), t));
        }
      }
      plan->exprs = std::move(args);
      plan->types.push_back(t);
      std::string col = ref.column_aliases.empty() ? (ref.alias.empty() ? name : ref.alias)
                                                   : ref.column_aliases[0];
      plan->names.push_back(col);
      scope->columns.push_back({ref.alias.empty() ? name : ref.alias, col, t, 0});
      return plan;
    }
  }
  return Status::Internal("unknown table reference");
}

Result<PlanPtr> Binder::BindJoin(const TableRef& ref, const Scope* outer, Scope* scope) {
  Scope ls, rs;
  ASSIGN_OR_RETURN(PlanPtr left, BindTableRef(*ref.left, outer, &ls));
  ASSIGN_OR_RETURN(PlanPtr right, BindTableRef(*ref.right, outer, &rs));
  int offset = static_cast<int>(left->types.size());
  Scope combined;
  combined.parent = outer;
  combined.columns = ls.columns;
  for (auto c : rs.columns) {
    c.index += offset;
    combined.columns.push_back(c);
  }
  auto join = std::make_unique<LogicalPlan>(PlanKind::kJoin);
  if (ref.right->kind == TableRef::Kind::kBase && ref.right->system_time_as_of) {
    const parser::Expr& at = *ref.right->system_time_as_of;
    std::string fn = at.kind == parser::ExprKind::kFunction ? FuncName(at) : "";
    if (fn != "proctime" && fn != "now") {
      return Err(sqlstate::kFeatureNotSupported,
                 "FOR SYSTEM_TIME AS OF supports PROCTIME() (the table as it is now)", at.position);
    }
    if (ref.join_type != parser::JoinType::kInner && ref.join_type != parser::JoinType::kLeft) {
      return Err(sqlstate::kFeatureNotSupported,
                 "a FOR SYSTEM_TIME AS OF join must be an inner or left join", ref.position);
    }
    join->lookup_join = true;
  }
  switch (ref.join_type) {
    case parser::JoinType::kInner:
      join->join_kind = JoinKind::kInner;
      break;
    case parser::JoinType::kLeft:
      join->join_kind = JoinKind::kLeft;
      break;
    case parser::JoinType::kRight:
      join->join_kind = JoinKind::kRight;
      break;
    case parser::JoinType::kFull:
      join->join_kind = JoinKind::kFull;
      break;
    case parser::JoinType::kCross:
      join->join_kind = JoinKind::kCross;
      break;
  }
  join->types = left->types;
  join->names = left->names;
  join->types.insert(join->types.end(), right->types.begin(), right->types.end());
  join->names.insert(join->names.end(), right->names.begin(), right->names.end());

  std::vector<std::string> using_cols = ref.using_columns;
  if (ref.natural) {
    for (const auto& lc : ls.columns) {
      for (const auto& rc : rs.columns) {
        if (lc.name == rc.name) using_cols.push_back(lc.name);
      }
    }
  }
  if (!using_cols.empty() || ref.natural) {
    std::vector<BoundExprPtr> conds;
    std::vector<std::pair<int, int>> pairs;
    for (const auto& name : using_cols) {
      int li = -1, ri = -1;
      for (const auto& c : ls.columns) {
        if (c.name == name && c.unqualified_ok) li = c.index;
      }
      for (const auto& c : rs.columns) {
        if (c.name == name && c.unqualified_ok) ri = c.index + offset;
      }
      if (li < 0 || ri < 0) {
        return Err(sqlstate::kUndefinedColumn,
                   "column \"" + name + "\" specified in USING clause does not exist in " +
                       (li < 0 ? "left" : "right") + " table",
                   ref.position);
      }
      ASSIGN_OR_RETURN(BoundExprPtr cond,
                       BindCompare("=", MakeColumn(li, join->types[li]),
                                   MakeColumn(ri, join->types[ri]), ref.position));
      conds.push_back(std::move(cond));
      pairs.emplace_back(li, ri);
    }
    if (conds.size() == 1) {
      join->predicate = std::move(conds[0]);
    } else if (!conds.empty()) {
      auto a = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
      a->children = std::move(conds);
      join->predicate = std::move(a);
    }
    if (join->join_kind == JoinKind::kCross) join->join_kind = JoinKind::kInner;
    // Output: merged USING columns first, then the remaining left and right columns.
    auto proj = std::make_unique<LogicalPlan>(PlanKind::kProject);
    Scope out;
    out.parent = outer;
    for (size_t k = 0; k < pairs.size(); k++) {
      auto [li, ri] = pairs[k];
      BoundExprPtr e;
      SqlType t = join->types[li];
      if (join->join_kind == JoinKind::kFull) {
        ASSIGN_OR_RETURN(auto unified, UnifyTypes(
                                           [&] {
                                             std::vector<BoundExprPtr> v;
                                             v.push_back(MakeColumn(li, join->types[li]));
                                             v.push_back(MakeColumn(ri, join->types[ri]));
                                             return v;
                                           }(),
                                           "JOIN/USING"));
        t = unified[0]->type;
        e = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, t);
        e->children = std::move(unified);
      } else if (join->join_kind == JoinKind::kRight) {
        e = MakeColumn(ri, join->types[ri]);
        t = join->types[ri];
      } else {
        e = MakeColumn(li, t);
      }
      proj->exprs.push_back(std::move(e));
      proj->types.push_back(t);
      proj->names.push_back(using_cols[k]);
      out.columns.push_back({"", using_cols[k], t, static_cast<int>(k)});
    }
    int base = static_cast<int>(pairs.size());
    for (size_t i = 0; i < combined.columns.size(); i++) {
      ScopeColumn c = combined.columns[i];
      bool is_using = false;
      for (auto [li, ri] : pairs) is_using |= c.index == li || c.index == ri;
      proj->exprs.push_back(MakeColumn(c.index, c.type));
      proj->types.push_back(c.type);
      proj->names.push_back(c.name);
      c.index = base + static_cast<int>(i);
      if (is_using) {
        c.hidden_from_star = true;
        c.unqualified_ok = false;
      }
      out.columns.push_back(c);
    }
    join->children.push_back(std::move(left));
    join->children.push_back(std::move(right));
    proj->children.push_back(std::move(join));
    *scope = std::move(out);
    return PlanPtr(std::move(proj));
  }
  if (ref.join_condition) {
    ExprContext ctx;
    ctx.scope = &combined;
    ctx.clause = "JOIN conditions";
    ASSIGN_OR_RETURN(BoundExprPtr pred, BindExpr(*ref.join_condition, ctx));
    ASSIGN_OR_RETURN(pred, CoerceToBool(std::move(pred), "JOIN/ON", ref.join_condition->position));
    join->predicate = std::move(pred);
  }
  join->children.push_back(std::move(left));
  join->children.push_back(std::move(right));
  *scope = std::move(combined);
  return PlanPtr(std::move(join));
}

Result<BoundExprPtr> Binder::BindScalar(const Expr& expr, const Scope& scope) {
  ExprContext ctx;
  ctx.scope = &scope;
  ctx.clause = "this context";
  return BindExpr(expr, ctx);
}

}  // namespace freshet::planner
