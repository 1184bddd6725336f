// Expression binding: names, literals, operators, functions, aggregates, windows, subqueries.

#include <algorithm>
#include <functional>

#include "function/cast.h"
#include "planner/binder.h"
#include "planner/binder_context.h"
#include "planner/system_catalog.h"

namespace freshet::planner {

using parser::Expr;
using parser::ExprKind;
using parser::LiteralKind;

namespace {

BoundExprPtr MakeBool(BoundExprKind kind) {
  return std::make_unique<BoundExpr>(kind, SqlType(TypeId::kBool));
}

/// ROW(fields...): a record value built from the fields' values.
BoundExprPtr MakeRecord(std::vector<BoundExprPtr> fields) {
  std::vector<SqlType> types;
  for (const auto& f : fields) types.push_back(f->type);
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kFunction, SqlType(TypeId::kRecord));
  e->function = function::RecordFunction(std::move(types));
  e->children = std::move(fields);
  return e;
}

}  // namespace

Result<BoundExprPtr> Binder::BindExpr(const Expr& expr, ExprContext& ctx) {
  if (ctx.agg_mode && !ctx.in_aggregate && expr.kind != ExprKind::kLiteral &&
      !ContainsAggregate(expr) && !ContainsWindow(expr)) {
    // A grouped expression? Bind it over the FROM row and compare with GROUP BY items.
    ExprContext plain;
    plain.scope = ctx.from_scope;
    plain.clause = ctx.clause;
    auto speculative = BindExprInner(expr, plain);
    if (speculative.ok()) {
      for (size_t i = 0; i < ctx.groups->size(); i++) {
        if ((*ctx.groups)[i]->Equals(**speculative)) {
          return MakeColumn(static_cast<int>(i), (*ctx.groups)[i]->type);
        }
      }
      if (expr.kind == ExprKind::kColumnRef) {
        const BoundExpr& b = **speculative;
        if (b.kind == BoundExprKind::kColumn) {
          std::string name = expr.names.size() > 1
                                 ? expr.names[expr.names.size() - 2] + "." + expr.names.back()
                                 : expr.names.back();
          // PostgreSQL names the column qualified by its table.
          if (expr.names.size() == 1) {
            for (const auto& c : ctx.from_scope->columns) {
              if (c.index == b.column && c.name == expr.names.back() && !c.table.empty()) {
                name = c.table + "." + c.name;
                break;
              }
            }
          }
          return Err(sqlstate::kGroupingError,
                     "column \"" + name +
                         "\" must appear in the GROUP BY clause or be used in an aggregate "
                         "function",
                     expr.position);
        }
        if (b.kind == BoundExprKind::kFunction && b.type.id == TypeId::kRecord) {
          // A whole-row reference not grouped as a whole (PostgreSQL names it "t.*").
          for (const auto& f : b.children) {
            if (f->kind != BoundExprKind::kColumn) continue;
            return Err(sqlstate::kGroupingError,
                       "column \"" + expr.names.back() +
                           ".*\" must appear in the GROUP BY clause or be used in an aggregate "
                           "function",
                       expr.position);
          }
        }
        return speculative;  // an outer reference
      }
      if (!(*speculative)->HasOuterReference(0) && expr.kind != ExprKind::kSubquery &&
          expr.kind != ExprKind::kExists && expr.kind != ExprKind::kInSubquery) {
        // No column references at all (e.g. now()): usable as is.
        bool has_cols = false;
        std::vector<const BoundExpr*> stack{speculative->get()};
        while (!stack.empty()) {
          const BoundExpr* b = stack.back();
          stack.pop_back();
          if (b->kind == BoundExprKind::kColumn) has_cols = true;
          for (const auto& c : b->children) stack.push_back(c.get());
        }
        if (!has_cols) return speculative;
      }
    }
  }
  return BindExprInner(expr, ctx);
}

Result<BoundExprPtr> Binder::BindColumnRef(const Expr& expr, ExprContext& ctx) {
  const std::vector<std::string>& n = expr.names;
  std::string col = n.back();
  std::string table = n.size() >= 2 ? n[n.size() - 2] : "";
  int depth = 0;
  bool table_seen = false;
  for (const Scope* s = ctx.scope; s; s = s->parent, depth++) {
    const ScopeColumn* found = nullptr;
    if (!table.empty() && std::find(s->tables.begin(), s->tables.end(), table) != s->tables.end()) {
      table_seen = true;
    }
    for (const auto& c : s->columns) {
      if (!table.empty()) {
        if (c.table != table) continue;
        table_seen = true;
      } else if (!c.unqualified_ok) {
        continue;
      }
      if (c.name != col) continue;
      if (found && found->index != c.index) {
        return Err(sqlstate::kAmbiguousColumn, "column reference \"" + col + "\" is ambiguous",
                   expr.position);
      }
      found = &c;
    }
    if (!found && depth > 0 && s->aggregate_level && s->aggregate_level->ctx) {
      // An aggregating outer level shows its groups only.
      for (const auto& c : s->aggregate_level->from_scope->columns) {
        if (c.name == col && (table.empty() ? c.unqualified_ok : c.table == table)) {
          return Err(sqlstate::kGroupingError,
                     "subquery uses ungrouped column \"" + (c.table.empty() ? "" : c.table + ".") +
                         col + "\" from outer query",
                     expr.position);
        }
      }
    }
    if (found) {
      if (depth == 0) return MakeColumn(found->index, found->type);
      auto e = std::make_unique<BoundExpr>(BoundExprKind::kOuterColumn, found->type);
      e->column = found->index;
      e->depth = depth;
      return BoundExprPtr(std::move(e));
    }
    if (!table.empty() && table_seen) break;
  }
  if (!table.empty() && !table_seen) {
    // Maybe a whole-row reference or an unknown table.
    return UnknownTableError(*ctx.scope, table, expr.position);
  }
  if (!table.empty()) {
    return Err(sqlstate::kUndefinedColumn, "column " + table + "." + col + " does not exist",
               expr.position);
  }
  // No column of that name at any level: a relation's name is a whole-row reference.
  depth = 0;
  for (const Scope* s = ctx.scope; s; s = s->parent, depth++) {
    if (std::find(s->tables.begin(), s->tables.end(), col) == s->tables.end()) continue;
    if (depth > 0 && s->aggregate_level && s->aggregate_level->ctx) {
      return Err(sqlstate::kGroupingError,
                 "subquery uses ungrouped column \"" + col + ".*\" from outer query",
                 expr.position);
    }
    std::vector<BoundExprPtr> fields;
    for (const auto& c : s->columns) {
      if (c.table != col) continue;
      if (depth == 0) {
        fields.push_back(MakeColumn(c.index, c.type));
        continue;
      }
      auto e = std::make_unique<BoundExpr>(BoundExprKind::kOuterColumn, c.type);
      e->column = c.index;
      e->depth = depth;
      fields.push_back(std::move(e));
    }
    return MakeRecord(std::move(fields));
  }
  return Err(sqlstate::kUndefinedColumn, "column \"" + col + "\" does not exist", expr.position);
}

/// 'name'::regnamespace and 'name'::regtype: the catalog OID (a number is taken as it is).
static Result<int64_t> RegOid(const std::string& type, const std::string& text, int position) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) {
    return static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10));
  }
  if (type == "regnamespace") {
    int64_t oid = SystemCatalog::NamespaceOid(text);
    if (oid < 0) {
      return Err(sqlstate::kUndefinedObject, "schema \"" + text + "\" does not exist", position);
    }
    return oid;
  }
  SqlType t = TypeFromName(text, -1, -1);
  if (t.id == TypeId::kUnknown) {
    return Err(sqlstate::kUndefinedObject, "type \"" + text + "\" does not exist", position);
  }
  return static_cast<int64_t>(t.Oid());
}

Result<BoundExprPtr> Binder::BindLiteral(const Expr& expr) {
  switch (expr.literal_kind) {
    case LiteralKind::kNull:
      return MakeConstant(Value::Null(TypeId::kUnknown));
    case LiteralKind::kBool:
      return MakeConstant(Value::Bool(expr.text == "true"));
    case LiteralKind::kInteger: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(expr.text.c_str(), &end, 10);
      if (errno == 0 && end && *end == 0) {
        if (v >= INT32_MIN && v <= INT32_MAX)
          return MakeConstant(Value::Int32(static_cast<int32_t>(v)));
        return MakeConstant(Value::Int64(v));
      }
      ASSIGN_OR_RETURN(Decimal d, Decimal::Parse(expr.text));
      return MakeConstant(Value::Numeric(d));
    }
    case LiteralKind::kDecimal: {
      auto d = Decimal::Parse(expr.text);
      if (!d.ok()) {
        // Out of the exact range: PostgreSQL keeps numeric; fall back to double.
        return MakeConstant(Value::Float64(std::strtod(expr.text.c_str(), nullptr)));
      }
      return MakeConstant(Value::Numeric(*d));
    }
    case LiteralKind::kString:
      return MakeConstant(Value::String(TypeId::kUnknown, expr.text));
    case LiteralKind::kTyped: {
      int32_t m1 = expr.type_name.modifiers.size() > 0 ? expr.type_name.modifiers[0] : -1;
      int32_t m2 = expr.type_name.modifiers.size() > 1 ? expr.type_name.modifiers[1] : -1;
      SqlType t = TypeFromName(expr.type_name.name, m1, m2);
      if (t.id == TypeId::kUnknown) {
        return Err(sqlstate::kUndefinedObject,
                   "type \"" + expr.type_name.name + "\" does not exist", expr.position);
      }
      function::EvalContext ectx;
      auto v = Value::FromText(expr.text, t, ectx.tz());
      if (!v.ok()) {
        Status s = v.status();
        return s.WithPosition(expr.position);
      }
      return MakeConstant(std::move(*v));
    }
  }
  return Status::Internal("bad literal");
}

namespace {

/// Both operands are row constructors and at least one has several fields: a row comparison.
bool IsRowPair(const Expr& e) {
  if (e.children.size() != 2) return false;
  const Expr& l = *e.children[0];
  const Expr& r = *e.children[1];
  return l.kind == ExprKind::kRow && r.kind == ExprKind::kRow &&
         (l.children.size() > 1 || r.children.size() > 1);
}

}  // namespace

Result<BoundExprPtr> Binder::BindRowCompare(const std::string& op, const Expr& expr,
                                            ExprContext& ctx) {
  if (op != "=" && op != "<>" && op != "<" && op != ">" && op != "<=" && op != ">=") {
    return Err(sqlstate::kUndefinedFunction, "operator does not exist: record " + op + " record",
               expr.position);
  }
  return BindRowElements(op, *expr.children[0], *expr.children[1], ctx, expr.position);
}

Result<BoundExprPtr> Binder::BindRowElements(const std::string& op, const Expr& l, const Expr& r,
                                             ExprContext& ctx, int position) {
  if (l.kind != ExprKind::kRow || r.kind != ExprKind::kRow) {
    return Err(sqlstate::kFeatureNotSupported,
               "comparing a row constructor with a single value or subquery is not supported yet",
               position);
  }
  if (l.children.size() != r.children.size()) {
    return Err(sqlstate::kSyntaxError, "unequal number of entries in row expressions", position);
  }
  // Each field is bound once; a lexicographic comparison reuses copies.
  std::vector<BoundExprPtr> ls, rs;
  for (size_t i = 0; i < l.children.size(); i++) {
    ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*l.children[i], ctx));
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*r.children[i], ctx));
    ls.push_back(std::move(a));
    rs.push_back(std::move(b));
  }
  size_t n = ls.size();
  auto pair = [&](const std::string& o, size_t i) -> Result<BoundExprPtr> {
    if (o == "IS DISTINCT" || o == "IS NOT DISTINCT") {
      ASSIGN_OR_RETURN(BoundExprPtr c, BindCompare("=", ls[i]->Clone(), rs[i]->Clone(), position));
      c->kind = BoundExprKind::kIsDistinct;
      c->negated = o == "IS NOT DISTINCT";
      return c;
    }
    return BindCompare(o, ls[i]->Clone(), rs[i]->Clone(), position);
  };
  if (op == "=" || op == "<>" || op == "IS DISTINCT" || op == "IS NOT DISTINCT") {
    // Equal when every field is; different (and distinct) when any is.
    bool all = op == "=" || op == "IS NOT DISTINCT";
    auto e = MakeBool(all ? BoundExprKind::kAnd : BoundExprKind::kOr);
    for (size_t i = 0; i < n; i++) {
      ASSIGN_OR_RETURN(BoundExprPtr c, pair(op, i));
      e->children.push_back(std::move(c));
    }
    return BoundExprPtr(std::move(e));
  }
  // Ordering: decided by the first field pair that is not equal, as PostgreSQL compares rows
  // (NULL where that pair is NULL): l1 < r1 OR (l1 = r1 AND (l2 < r2 OR ...)), the last pair
  // with the operator itself.
  std::string strict = op.substr(0, 1);
  ASSIGN_OR_RETURN(BoundExprPtr rest, pair(op, n - 1));
  for (size_t i = n - 1; i-- > 0;) {
    ASSIGN_OR_RETURN(BoundExprPtr less, pair(strict, i));
    ASSIGN_OR_RETURN(BoundExprPtr equal, pair("=", i));
    auto both = MakeBool(BoundExprKind::kAnd);
    both->children.push_back(std::move(equal));
    both->children.push_back(std::move(rest));
    auto either = MakeBool(BoundExprKind::kOr);
    either->children.push_back(std::move(less));
    either->children.push_back(std::move(both));
    rest = std::move(either);
  }
  return rest;
}

Status CheckOrderable(SqlType type, int position) {
  if (type.id != TypeId::kRecord) return Status::OK();
  return Err(sqlstate::kFeatureNotSupported, "ordering record values is not supported yet",
             position);
}

Result<BoundExprPtr> Binder::BindCompare(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                         int position) {
  SqlType lt = l->type, rt = r->type;
  if ((lt.id == TypeId::kRecord || rt.id == TypeId::kRecord) && op != "=" && op != "<>") {
    RETURN_IF_ERROR(CheckOrderable(TypeId::kRecord, position));
  }
  if (lt.id == TypeId::kJsonb || rt.id == TypeId::kJsonb) {
    if (op != "=" && op != "<>") {
      return Err(sqlstate::kUndefinedFunction,
                 "operator does not exist: " + lt.ToString() + " " + op + " " + rt.ToString(),
                 position);
    }
  }
  if (lt.id == TypeId::kUnknown && rt.id == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(l, AddCast(std::move(l), TypeId::kText));
    ASSIGN_OR_RETURN(r, AddCast(std::move(r), TypeId::kText));
  } else if (lt.id == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(
        l, AddCast(std::move(l), rt.IsString() ? SqlType(TypeId::kText) : SqlType(rt.id)));
  } else if (rt.id == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(
        r, AddCast(std::move(r), lt.IsString() ? SqlType(TypeId::kText) : SqlType(lt.id)));
  } else if (lt.id != rt.id) {
    bool both_string = lt.IsString() && rt.IsString();
    if (!both_string) {
      auto common = CommonType({lt, rt}, "comparison");
      if (!common.ok() || !function::CanCast(lt, *common, function::CastContext::kImplicit) ||
          !function::CanCast(rt, *common, function::CastContext::kImplicit)) {
        return Err(sqlstate::kUndefinedFunction,
                   "operator does not exist: " + lt.ToString() + " " + op + " " + rt.ToString(),
                   position)
            .WithHint(
                "No operator matches the given name and argument types. You might need "
                "to add explicit type casts.");
      }
      if (lt.id != common->id) {
        ASSIGN_OR_RETURN(l, AddCast(std::move(l), *common));
      }
      if (rt.id != common->id) {
        ASSIGN_OR_RETURN(r, AddCast(std::move(r), *common));
      }
    }
  }
  auto e = MakeBool(BoundExprKind::kCompare);
  e->op = op;
  e->children.push_back(std::move(l));
  e->children.push_back(std::move(r));
  return BoundExprPtr(std::move(e));
}

Result<BoundExprPtr> Binder::BindOperator(const std::string& op, std::vector<BoundExprPtr> args,
                                          int position) {
  std::vector<SqlType> types;
  for (const auto& a : args) types.push_back(a->type);
  // Arithmetic between numeric types of different widths: widen to the larger type first.
  if (args.size() == 2 && (op == "+" || op == "-" || op == "*" || op == "/" || op == "%")) {
    SqlType a = types[0], b = types[1];
    int ra = function::NumericRank(a.id), rb = function::NumericRank(b.id);
    if (a.id == TypeId::kUnknown && rb >= 0) types[0] = b.id;
    if (b.id == TypeId::kUnknown && ra >= 0) types[1] = a.id;
    if (ra >= 0 && rb >= 0 && a.id != b.id) {
      SqlType w = ra > rb ? SqlType(a.id) : SqlType(b.id);
      types[0] = w;
      types[1] = w;
    }
    if (a.id == TypeId::kUnknown && b.id == TypeId::kUnknown) {
      types[0] = TypeId::kInt32;  // PostgreSQL fails here; integers are the common intent
      types[1] = TypeId::kInt32;
    }
  }
  auto resolved = function::ResolveScalarFunction(op, types);
  if (!resolved.ok()) {
    Status s = resolved.status();
    return s.WithPosition(position);
  }
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kFunction, resolved->return_type);
  for (size_t i = 0; i < args.size(); i++) {
    BoundExprPtr a = std::move(args[i]);
    if (a->type != resolved->arg_types[i]) {
      ASSIGN_OR_RETURN(a, AddCast(std::move(a), resolved->arg_types[i]));
    }
    e->children.push_back(std::move(a));
  }
  e->function = std::move(*resolved);
  return BoundExprPtr(std::move(e));
}

Result<BoundExprPtr> Binder::BindCase(const Expr& expr, ExprContext& ctx) {
  size_t i = 0;
  BoundExprPtr operand;
  if (expr.case_has_operand) {
    ASSIGN_OR_RETURN(operand, BindExpr(*expr.children[0], ctx));
    i = 1;
  }
  size_t end = expr.children.size() - (expr.case_has_else ? 1 : 0);
  std::vector<BoundExprPtr> conds;
  std::vector<BoundExprPtr> results;
  for (; i + 1 < end + 1 && i < end; i += 2) {
    ASSIGN_OR_RETURN(BoundExprPtr when, BindExpr(*expr.children[i], ctx));
    if (operand) {
      ASSIGN_OR_RETURN(
          when, BindCompare("=", operand->Clone(), std::move(when), expr.children[i]->position));
    } else {
      ASSIGN_OR_RETURN(when,
                       CoerceToBool(std::move(when), "CASE/WHEN", expr.children[i]->position));
    }
    conds.push_back(std::move(when));
    ASSIGN_OR_RETURN(BoundExprPtr then, BindExpr(*expr.children[i + 1], ctx));
    results.push_back(std::move(then));
  }
  if (expr.case_has_else) {
    ASSIGN_OR_RETURN(BoundExprPtr els, BindExpr(*expr.children.back(), ctx));
    results.push_back(std::move(els));
  }
  ASSIGN_OR_RETURN(results, UnifyTypes(std::move(results), "CASE"));
  SqlType t = results[0]->type;
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kCase, t);
  e->has_else = expr.case_has_else;
  for (size_t k = 0; k < conds.size(); k++) {
    e->children.push_back(std::move(conds[k]));
    e->children.push_back(std::move(results[k]));
  }
  if (expr.case_has_else) e->children.push_back(std::move(results.back()));
  return BoundExprPtr(std::move(e));
}

Result<BoundExprPtr> Binder::BindSubquery(const Expr& expr, ExprContext& ctx) {
  ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*expr.subquery, ctx.scope));
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kSubquery, SqlType(TypeId::kBool));
  // Correlated when any expression inside refers to an enclosing scope; detect by walking.
  std::function<bool(const LogicalPlan&, int)> correlated = [&](const LogicalPlan& p, int level) {
    auto check = [&](const BoundExpr* b) {
      std::vector<std::pair<const BoundExpr*, int>> stack{{b, level}};
      while (!stack.empty()) {
        auto [x, lv] = stack.back();
        stack.pop_back();
        if (x->kind == BoundExprKind::kOuterColumn && x->depth >= lv) return true;
        if (x->kind == BoundExprKind::kSubquery && x->plan && correlated(*x->plan, lv + 1)) {
          return true;
        }
        for (const auto& c : x->children) stack.push_back({c.get(), lv});
      }
      return false;
    };
    if (p.predicate && check(p.predicate.get())) return true;
    for (const auto& x : p.exprs)
      if (check(x.get())) return true;
    for (const auto& row : p.values)
      for (const auto& x : row)
        if (check(x.get())) return true;
    for (const auto& a : p.aggregates) {
      if (a.arg && check(a.arg.get())) return true;
      if (a.filter && check(a.filter.get())) return true;
    }
    for (const auto& k : p.sort_keys)
      if (check(k.expr.get())) return true;
    for (const auto& w : p.window_calls) {
      for (const auto& x : w.args)
        if (check(x.get())) return true;
    }
    if (p.limit && check(p.limit.get())) return true;
    for (const auto& c : p.children)
      if (correlated(*c, level)) return true;
    return false;
  };
  e->correlated = correlated(*plan, 1);
  switch (expr.kind) {
    case ExprKind::kExists:
      e->subquery_kind = SubqueryKind::kExists;
      e->negated = expr.negated;
      break;
    case ExprKind::kSubquery:
      if (plan->types.size() != 1) {
        return Err(sqlstate::kSyntaxError, "subquery must return only one column", expr.position);
      }
      e->subquery_kind = SubqueryKind::kScalar;
      e->type = plan->types[0];
      break;
    case ExprKind::kInSubquery:
    case ExprKind::kQuantified: {
      // (a, b) IN (SELECT x, y ...): one left operand per column.
      const Expr& left = *expr.children[0];
      bool row = expr.kind == ExprKind::kInSubquery && left.kind == ExprKind::kRow &&
                 left.children.size() > 1;
      size_t n = row ? left.children.size() : 1;
      if (plan->types.size() != n) {
        return Err(sqlstate::kSyntaxError,
                   plan->types.size() > n ? "subquery has too many columns"
                                          : "subquery has too few columns",
                   expr.position);
      }
      std::vector<BoundExprPtr> lhs_list;
      std::vector<SqlType> column_types;
      bool recast = false;
      for (size_t i = 0; i < n; i++) {
        ASSIGN_OR_RETURN(BoundExprPtr lhs, BindExpr(row ? *left.children[i] : left, ctx));
        SqlType lt = lhs->type, rt = plan->types[i];
        SqlType common = lt;
        if (lt.id == TypeId::kUnknown) {
          common = rt;
        } else if (rt.id != TypeId::kUnknown && lt.id != rt.id &&
                   !(lt.IsString() && rt.IsString())) {
          auto c = CommonType({lt, rt}, "IN");
          if (!c.ok()) {
            return Err(sqlstate::kUndefinedFunction,
                       "operator does not exist: " + lt.ToString() + " = " + rt.ToString(),
                       expr.position);
          }
          common = *c;
        }
        if (common.id == TypeId::kUnknown) common = TypeId::kText;
        if (lhs->type.id != common.id) {
          ASSIGN_OR_RETURN(lhs, AddCast(std::move(lhs), common));
        }
        bool cast_column = rt.id != common.id && !(rt.IsString() && common.IsString());
        recast |= cast_column;
        column_types.push_back(cast_column ? common : rt);
        lhs_list.push_back(std::move(lhs));
      }
      if (recast) {
        auto proj = std::make_unique<LogicalPlan>(PlanKind::kProject);
        for (size_t i = 0; i < n; i++) {
          BoundExprPtr c = MakeColumn(static_cast<int>(i), plan->types[i]);
          if (column_types[i].id != plan->types[i].id) {
            ASSIGN_OR_RETURN(c, AddCast(std::move(c), column_types[i]));
          }
          proj->exprs.push_back(std::move(c));
        }
        proj->types = column_types;
        proj->names = plan->names;
        proj->children.push_back(std::move(plan));
        plan = std::move(proj);
      }
      for (auto& l : lhs_list) e->children.push_back(std::move(l));
      if (expr.kind == ExprKind::kInSubquery) {
        e->subquery_kind = SubqueryKind::kIn;
        e->negated = expr.negated;
        e->op = "=";
      } else {
        e->subquery_kind = expr.quantifier_all ? SubqueryKind::kAll : SubqueryKind::kAny;
        e->op = expr.op == "!=" ? "<>" : expr.op;
      }
      break;
    }
    default:
      return Status::Internal("bad subquery kind");
  }
  e->plan = std::shared_ptr<LogicalPlan>(std::move(plan));
  return BoundExprPtr(std::move(e));
}

Result<BoundExprPtr> Binder::BindOuterAggregate(const Expr& expr, ExprContext& ctx) {
  const Scope* here = ctx.agg_mode && ctx.from_scope ? ctx.from_scope : ctx.scope;
  if (here == nullptr || here->parent == nullptr) return BoundExprPtr();
  AggregateLevel* level = here->parent->aggregate_level;
  if (level == nullptr || level->from_scope == nullptr) return BoundExprPtr();
  // Bind the arguments with the enclosing level's FROM row one level out.
  Scope probe = *here;
  probe.parent = level->from_scope;
  ExprContext arg_ctx;
  arg_ctx.scope = &probe;
  arg_ctx.clause = "aggregate function calls";
  arg_ctx.in_aggregate = true;
  bool local = false, outer = false, other = false;
  std::function<void(const BoundExpr&)> visit = [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kColumn) local = true;
    if (e.kind == BoundExprKind::kOuterColumn) (e.depth == 1 ? outer : other) = true;
    if (e.plan) other = true;
    for (const auto& c : e.children) visit(*c);
  };
  std::vector<const Expr*> parts;
  for (const auto& a : expr.children) parts.push_back(a.get());
  if (expr.filter) parts.push_back(expr.filter.get());
  for (const auto& o : expr.agg_order_by) parts.push_back(o.expr.get());
  for (const Expr* a : parts) {
    if (ContainsAggregate(*a) || ContainsSubquery(*a)) return BoundExprPtr();
    auto b = BindExprInner(*a, arg_ctx);
    if (!b.ok()) return BoundExprPtr();
    visit(**b);
  }
  if (local || other || !outer) return BoundExprPtr();
  if (level->ctx == nullptr) {
    level->requested = true;  // the enclosing level binds again, aggregating
    return Err(
        sqlstate::kGroupingError,
        "aggregate functions of an outer query are not allowed in " + std::string(ctx.clause),
        expr.position);
  }
  ASSIGN_OR_RETURN(BoundExprPtr b, BindAggregateCall(expr, *level->ctx));
  if (b->kind != BoundExprKind::kColumn) return b;
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kOuterColumn, b->type);
  e->column = b->column;
  e->depth = 1;
  return BoundExprPtr(std::move(e));
}

Result<BoundExprPtr> Binder::BindAggregateCall(const Expr& expr, ExprContext& ctx) {
  std::string name = FuncName(expr);
  if (!ctx.in_aggregate) {
    ASSIGN_OR_RETURN(BoundExprPtr outer, BindOuterAggregate(expr, ctx));
    if (outer) return outer;
  }
  if (!ctx.allow_aggregates || !ctx.agg_mode) {
    if (ctx.in_aggregate) {
      return Err(sqlstate::kGroupingError, "aggregate function calls cannot be nested",
                 expr.position);
    }
    return Err(sqlstate::kGroupingError,
               std::string("aggregate functions are not allowed in ") + ctx.clause, expr.position);
  }
  if (ctx.in_aggregate) {
    return Err(sqlstate::kGroupingError, "aggregate function calls cannot be nested",
               expr.position);
  }
  ExprContext arg_ctx;
  arg_ctx.scope = ctx.from_scope;
  arg_ctx.clause = "aggregate function calls";
  arg_ctx.in_aggregate = true;
  AggregateCall call;
  std::vector<BoundExprPtr> args;
  for (const auto& a : expr.children) {
    if (ContainsAggregate(*a)) {
      return Err(sqlstate::kGroupingError, "aggregate function calls cannot be nested",
                 a->position);
    }
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExprInner(*a, arg_ctx));
    args.push_back(std::move(b));
  }
  std::vector<SqlType> types;
  for (const auto& a : args) types.push_back(a->type);
  auto resolved = function::ResolveAggregate(name, types, expr.star);
  if (!resolved.ok()) {
    Status s = resolved.status();
    return s.WithPosition(expr.position);
  }
  call.agg = *resolved;
  if (!args.empty() && call.agg.kind != function::AggKind::kCountStar) {
    BoundExprPtr a = std::move(args[0]);
    if (a->type != call.agg.input_type) {
      ASSIGN_OR_RETURN(a, AddCast(std::move(a), call.agg.input_type));
    }
    call.arg = std::move(a);
    if (args.size() > 1) {
      ASSIGN_OR_RETURN(call.sep, AddCast(std::move(args[1]), TypeId::kText));
    }
  }
  call.distinct = expr.distinct;
  if (expr.filter) {
    ASSIGN_OR_RETURN(BoundExprPtr f, BindExprInner(*expr.filter, arg_ctx));
    ASSIGN_OR_RETURN(call.filter, CoerceToBool(std::move(f), "FILTER", expr.filter->position));
  }
  for (const auto& o : expr.agg_order_by) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExprInner(*o.expr, arg_ctx));
    call.order_by.emplace_back(std::move(b), o.descending);
  }
  SqlType result = call.agg.result_type;
  // Reuse an identical aggregate already computed.
  int index = -1;
  for (size_t i = 0; i < ctx.aggregates->size(); i++) {
    const AggregateCall& c = (*ctx.aggregates)[i];
    bool same = c.agg.kind == call.agg.kind && c.distinct == call.distinct && !c.filter &&
                !call.filter && c.order_by.empty() && call.order_by.empty() &&
                ((!c.arg && !call.arg) || (c.arg && call.arg && c.arg->Equals(*call.arg))) &&
                ((!c.sep && !call.sep) || (c.sep && call.sep && c.sep->Equals(*call.sep)));
    if (same) {
      index = static_cast<int>(i);
      break;
    }
  }
  if (index < 0) {
    index = static_cast<int>(ctx.aggregates->size());
    ctx.aggregates->push_back(std::move(call));
  }
  return MakeColumn(static_cast<int>(ctx.groups->size()) + index, result);
}

Result<BoundExprPtr> Binder::BindWindowCall(const Expr& expr, ExprContext& ctx) {
  if (!ctx.allow_windows || !ctx.windows) {
    return Err(sqlstate::kWindowingError,
               std::string("window functions are not allowed in ") + ctx.clause, expr.position);
  }
  std::string name = FuncName(expr);
  ExprContext inner = ctx;
  inner.allow_windows = false;
  inner.clause = "window function calls";
  WindowCall call;
  call.name = name;
  for (const auto& a : expr.children) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, inner));
    call.args.push_back(std::move(b));
  }
  // OVER w / OVER (w ...): PARTITION BY, ORDER BY and the frame come from the WINDOW clause's
  // definitions (which may themselves name others), each part given once along the chain.
  const std::vector<parser::ExprPtr>* partition_by = &expr.over->partition_by;
  const std::vector<parser::OrderItem>* order_by = &expr.over->order_by;
  const parser::WindowSpec* frame = expr.over.get();
  std::string ref_name = expr.over->ref_name;
  for (int hops = 0; !ref_name.empty(); hops++) {
    const parser::WindowSpec* base = nullptr;
    if (ctx.named_windows) {
      for (const auto& w : *ctx.named_windows) {
        if (w.name == ref_name) base = w.spec.get();
      }
    }
    if (!base || hops > 64) {
      return Err(sqlstate::kUndefinedObject, "window \"" + ref_name + "\" does not exist",
                 expr.position);
    }
    if (!partition_by->empty()) {
      return Err(sqlstate::kWindowingError,
                 "cannot override PARTITION BY clause of window \"" + ref_name + "\"",
                 expr.position);
    }
    partition_by = &base->partition_by;
    if (!base->order_by.empty()) {
      if (!order_by->empty()) {
        return Err(sqlstate::kWindowingError,
                   "cannot override ORDER BY clause of window \"" + ref_name + "\"", expr.position);
      }
      order_by = &base->order_by;
    }
    if (base->has_frame) {
      if (frame->has_frame || frame != expr.over.get() || !expr.over->partition_by.empty() ||
          !expr.over->order_by.empty()) {
        return Err(sqlstate::kWindowingError,
                   "cannot copy window \"" + ref_name + "\" because it has a frame clause",
                   expr.position);
      }
      frame = base;
    }
    ref_name = base->ref_name;
  }
  const parser::WindowSpec& spec = *frame;
  for (const auto& p : *partition_by) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*p, inner));
    call.partition_by.push_back(std::move(b));
  }
  for (const auto& o : *order_by) {
    SortKey k;
    ASSIGN_OR_RETURN(k.expr, BindExpr(*o.expr, inner));
    k.descending = o.descending;
    k.nulls_first = o.nulls_first.value_or(o.descending);
    RETURN_IF_ERROR(CheckOrderable(k.expr->type, o.expr->position));
    call.order_by.push_back(std::move(k));
  }
  if (spec.has_frame) {
    call.has_frame = true;
    call.rows_mode = spec.frame_mode == parser::WindowSpec::FrameMode::kRows;
    auto bound = [&](const parser::WindowFrameBound& b, int* kind, int64_t* off) -> Status {
      using K = parser::WindowFrameBound::Kind;
      switch (b.kind) {
        case K::kUnboundedPreceding:
          *kind = 0;
          break;
        case K::kPreceding:
          *kind = 1;
          break;
        case K::kCurrentRow:
          *kind = 2;
          break;
        case K::kFollowing:
          *kind = 3;
          break;
        case K::kUnboundedFollowing:
          *kind = 4;
          break;
      }
      if (b.offset) {
        if (b.offset->kind != ExprKind::kLiteral ||
            b.offset->literal_kind != LiteralKind::kInteger) {
          return Status::NotSupported("frame offsets must be integer constants");
        }
        if (!call.rows_mode)
          return Status::NotSupported("RANGE frames with offsets are not supported yet");
        *off = std::atoll(b.offset->text.c_str());
      }
      return Status::OK();
    };
    RETURN_IF_ERROR(bound(spec.frame_start, &call.start_kind, &call.start_offset));
    RETURN_IF_ERROR(bound(spec.frame_end, &call.end_kind, &call.end_offset));
  }
  if (name == "row_number" || name == "rank" || name == "dense_rank" || name == "ntile") {
    call.type = name == "ntile" ? SqlType(TypeId::kInt32) : SqlType(TypeId::kInt64);
  } else if (name == "percent_rank" || name == "cume_dist") {
    call.type = TypeId::kFloat64;
  } else if (name == "lag" || name == "lead" || name == "first_value" || name == "last_value" ||
             name == "nth_value") {
    if (call.args.empty()) {
      return Err(sqlstate::kUndefinedFunction, "function " + name + "() does not exist",
                 expr.position);
    }
    call.type = call.args[0]->type;
    if (call.args.size() > 1) {
      ASSIGN_OR_RETURN(call.args[1], AddCast(std::move(call.args[1]), TypeId::kInt64));
    }
    if (call.args.size() > 2 && call.args[2]->type != call.type) {
      ASSIGN_OR_RETURN(call.args[2], AddCast(std::move(call.args[2]), call.type));
    }
  } else if (function::IsAggregateFunction(name)) {
    std::vector<SqlType> types;
    for (const auto& a : call.args) types.push_back(a->type);
    auto resolved = function::ResolveAggregate(name, types, expr.star);
    if (!resolved.ok()) {
      Status s = resolved.status();
      return s.WithPosition(expr.position);
    }
    call.is_aggregate = true;
    call.agg = *resolved;
    call.type = resolved->result_type;
    if (!call.args.empty() && call.args[0]->type != call.agg.input_type &&
        call.agg.kind != function::AggKind::kCountStar) {
      ASSIGN_OR_RETURN(call.args[0], AddCast(std::move(call.args[0]), call.agg.input_type));
    }
  } else {
    return Err(sqlstate::kUndefinedFunction, "function " + name + " is not a window function",
               expr.position);
  }
  SqlType type = call.type;
  ctx.windows->push_back(std::move(call));
  auto ref = std::make_unique<BoundExpr>(BoundExprKind::kColumn, type);
  // Window columns follow the base row, whose width is known only once the whole select list
  // is bound: encode the reference as -(k + 1); BindSelectBlock rewrites it.
  ref->column = -static_cast<int>(ctx.windows->size());
  return BoundExprPtr(std::move(ref));
}

Result<BoundExprPtr> Binder::BindFunction(const Expr& expr, ExprContext& ctx) {
  std::string name = FuncName(expr);
  if (expr.names.size() > 1 && expr.names[0] != "pg_catalog" && expr.names[0] != "public") {
    return Err(sqlstate::kUndefinedFunction,
               "function " + expr.names[0] + "." + name + " does not exist", expr.position);
  }
  if (expr.over) return BindWindowCall(expr, ctx);
  if (function::IsAggregateFunction(name)) return BindAggregateCall(expr, ctx);
  std::vector<BoundExprPtr> args;
  for (const auto& a : expr.children) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
    args.push_back(std::move(b));
  }
  if (name == "coalesce" || name == "greatest" || name == "least") {
    if (args.empty()) {
      return Err(sqlstate::kSyntaxError, "syntax error at or near \")\"", expr.position);
    }
    std::string ctx_name = name == "coalesce"   ? "COALESCE"
                           : name == "greatest" ? "GREATEST"
                                                : "LEAST";
    ASSIGN_OR_RETURN(args, UnifyTypes(std::move(args), ctx_name));
    auto e = std::make_unique<BoundExpr>(name == "coalesce"   ? BoundExprKind::kCoalesce
                                         : name == "greatest" ? BoundExprKind::kGreatest
                                                              : BoundExprKind::kLeast,
                                         args[0]->type);
    e->children = std::move(args);
    return BoundExprPtr(std::move(e));
  }
  if (name == "nullif") {
    if (args.size() != 2) {
      return Err(sqlstate::kUndefinedFunction, "function nullif does not exist", expr.position);
    }
    SqlType t = args[0]->type.id == TypeId::kUnknown ? args[1]->type : args[0]->type;
    if (t.id == TypeId::kUnknown) t = TypeId::kText;
    BoundExprPtr first = args[0]->Clone();
    ASSIGN_OR_RETURN(BoundExprPtr cmp,
                     BindCompare("=", std::move(args[0]), std::move(args[1]), expr.position));
    if (first->type != t) {
      ASSIGN_OR_RETURN(first, AddCast(std::move(first), t));
    }
    auto e = std::make_unique<BoundExpr>(BoundExprKind::kNullIf, t);
    e->children.push_back(std::move(first));
    e->children.push_back(std::move(cmp));
    return BoundExprPtr(std::move(e));
  }
  if (name == "pg_typeof" && args.size() == 1) {
    return MakeConstant(
        Value::Text(args[0]->type.id == TypeId::kUnknown ? "unknown" : args[0]->type.ToString()));
  }
  if (name == "pg_get_viewdef" && !args.empty()) {
    // Resolved at bind time: clients pass a constant OID.
    if (args[0]->kind == BoundExprKind::kConstant && !args[0]->constant.is_null()) {
      ASSIGN_OR_RETURN(BoundExprPtr oid, AddCast(std::move(args[0]), TypeId::kInt64));
      for (const auto& def : catalog_.All()) {
        if (static_cast<int64_t>(def->Oid()) == oid->constant.GetInt()) {
          return MakeConstant(Value::Text(" " + def->definition + ";"));
        }
      }
    }
    return MakeConstant(Value::Null(TypeId::kText));
  }
  if (name == "set_config") {
    return Status::NotSupported("function " + name + " is not supported yet");
  }
  if (name == "substring" && args.size() >= 2 && args[1]->type.IsString()) {
    return Status::NotSupported("substring with a regular expression is not supported yet");
  }
  return BindOperator(name, std::move(args), expr.position);
}

Result<BoundExprPtr> Binder::BindExprInner(const Expr& expr, ExprContext& ctx) {
  switch (expr.kind) {
    case ExprKind::kLiteral:
      return BindLiteral(expr);
    case ExprKind::kColumnRef:
      return BindColumnRef(expr, ctx);
    case ExprKind::kStar:
      return Err(sqlstate::kSyntaxError, "syntax error at or near \"*\"", expr.position);
    case ExprKind::kParam: {
      if (expr.param_index < 1 || expr.param_index > 65535) {
        return Err(sqlstate::kUndefinedParameter,
                   "there is no parameter $" + std::to_string(expr.param_index), expr.position);
      }
      if (param_types_.size() < static_cast<size_t>(expr.param_index)) {
        param_types_.resize(expr.param_index, SqlType(TypeId::kUnknown));
      }
      auto e =
          std::make_unique<BoundExpr>(BoundExprKind::kParam, param_types_[expr.param_index - 1]);
      e->param_index = expr.param_index;
      return BoundExprPtr(std::move(e));
    }
    case ExprKind::kUnary: {
      ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*expr.children[0], ctx));
      if (expr.op == "NOT") {
        ASSIGN_OR_RETURN(c, CoerceToBool(std::move(c), "NOT", expr.position));
        auto e = MakeBool(BoundExprKind::kNot);
        e->children.push_back(std::move(c));
        return BoundExprPtr(std::move(e));
      }
      if (expr.op == "+") return c;
      if (expr.op == "-") {
        // Fold negative literals so that -2147483648 is an int4, as in PostgreSQL.
        if (c->kind == BoundExprKind::kConstant && !c->constant.is_null()) {
          const Value& v = c->constant;
          if (v.type_id() == TypeId::kInt32)
            return MakeConstant(Value::Int32(-static_cast<int32_t>(v.GetInt())));
          if (v.type_id() == TypeId::kInt64) {
            if (v.GetInt() == -static_cast<int64_t>(INT32_MIN))
              return MakeConstant(Value::Int32(INT32_MIN));
            return MakeConstant(Value::Int64(-v.GetInt()));
          }
          if (v.type_id() == TypeId::kNumeric) {
            Decimal d = v.GetDecimal().Negate();
            if (d.scale() == 0 && d.Compare(Decimal::FromInt64(INT64_MIN)) == 0) {
              return MakeConstant(Value::Int64(INT64_MIN));
            }
            return MakeConstant(Value::Numeric(d));
          }
        }
        std::vector<BoundExprPtr> args;
        if (c->type.id == TypeId::kUnknown) {
          ASSIGN_OR_RETURN(c, AddCast(std::move(c), TypeId::kInt32));
        }
        args.push_back(std::move(c));
        return BindOperator("neg", std::move(args), expr.position);
      }
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(c));
      return BindOperator(expr.op, std::move(args), expr.position);
    }
    case ExprKind::kBinary: {
      const std::string& op = expr.op;
      if (IsRowPair(expr)) return BindRowCompare(op, expr, ctx);
      ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*expr.children[0], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*expr.children[1], ctx));
      if (op == "AND" || op == "OR") {
        ASSIGN_OR_RETURN(l, CoerceToBool(std::move(l), op.c_str(), expr.children[0]->position));
        ASSIGN_OR_RETURN(r, CoerceToBool(std::move(r), op.c_str(), expr.children[1]->position));
        BoundExprKind k = op == "AND" ? BoundExprKind::kAnd : BoundExprKind::kOr;
        auto e = MakeBool(k);
        for (BoundExprPtr* side : {&l, &r}) {
          if ((*side)->kind == k) {
            for (auto& c : (*side)->children) e->children.push_back(std::move(c));
          } else {
            e->children.push_back(std::move(*side));
          }
        }
        return BoundExprPtr(std::move(e));
      }
      if (op == "=" || op == "<>" || op == "<" || op == ">" || op == "<=" || op == ">=") {
        return BindCompare(op, std::move(l), std::move(r), expr.position);
      }
      std::vector<BoundExprPtr> args;
      args.push_back(std::move(l));
      args.push_back(std::move(r));
      if (op == "||" && args[0]->type.id == TypeId::kUnknown &&
          args[1]->type.id == TypeId::kUnknown) {
        ASSIGN_OR_RETURN(args[0], AddCast(std::move(args[0]), TypeId::kText));
      }
      return BindOperator(op, std::move(args), expr.position);
    }
    case ExprKind::kFunction:
      if (&expr == ctx.srf) return MakeColumn(ctx.srf_column, ctx.srf_type);
      return BindFunction(expr, ctx);
    case ExprKind::kCast: {
      ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*expr.children[0], ctx));
      const auto& tn = expr.type_name;
      int32_t m1 = tn.modifiers.size() > 0 ? tn.modifiers[0] : -1;
      int32_t m2 = tn.modifiers.size() > 1 ? tn.modifiers[1] : -1;
      SqlType t = TypeFromName(tn.name, m1, m2);
      if (tn.name == "record" && !tn.is_array) t = TypeId::kRecord;  // a pseudo-type: casts only
      if (tn.name == "regclass" || tn.name == "oid" || tn.name == "regtype" ||
          tn.name == "regproc" || tn.name == "regnamespace") {
        t = TypeId::kInt64;  // catalog OID types: integers here
        if (c->type.IsString() || c->type.id == TypeId::kUnknown) {
          if (c->kind == BoundExprKind::kConstant && !c->constant.is_null() &&
              tn.name == "regclass") {
            auto table = catalog_.Find(c->constant.GetString());
            if (!table) {
              return Err(sqlstate::kUndefinedTable,
                         "relation \"" + c->constant.GetString() + "\" does not exist",
                         expr.position);
            }
            return MakeConstant(Value::Int64(table->Oid()));
          }
          if (c->kind == BoundExprKind::kConstant && !c->constant.is_null() &&
              (tn.name == "regnamespace" || tn.name == "regtype")) {
            ASSIGN_OR_RETURN(int64_t oid, RegOid(tn.name, c->constant.GetString(), expr.position));
            return MakeConstant(Value::Int64(oid));
          }
        }
      }
      if (t.id == TypeId::kUnknown || tn.is_array) {
        return Err(sqlstate::kUndefinedObject,
                   "type \"" + tn.name + (tn.is_array ? "[]" : "") + "\" does not exist",
                   tn.position ? tn.position : expr.position);
      }
      if (c->type.id != TypeId::kUnknown &&
          !function::CanCast(c->type, t, function::CastContext::kExplicit)) {
        return Err(sqlstate::kCannotCoerce,
                   "cannot cast type " + c->type.ToString() + " to " + t.ToString(), expr.position);
      }
      auto r = AddCast(std::move(c), t, true);
      if (!r.ok()) {
        Status s = r.status();
        return s.WithPosition(expr.children[0]->position);
      }
      return r;
    }
    case ExprKind::kCase:
      return BindCase(expr, ctx);
    case ExprKind::kInList: {
      if (expr.children[0]->kind == ExprKind::kRow && expr.children[0]->children.size() > 1) {
        // (a, b) IN ((1, 2), (3, 4)): any row equal.
        auto any = MakeBool(BoundExprKind::kOr);
        for (size_t i = 1; i < expr.children.size(); i++) {
          ASSIGN_OR_RETURN(BoundExprPtr eq,
                           BindRowElements("=", *expr.children[0], *expr.children[i], ctx,
                                           expr.children[i]->position));
          any->children.push_back(std::move(eq));
        }
        if (!expr.negated) return BoundExprPtr(std::move(any));
        auto no = MakeBool(BoundExprKind::kNot);
        no->children.push_back(std::move(any));
        return BoundExprPtr(std::move(no));
      }
      ASSIGN_OR_RETURN(BoundExprPtr lhs, BindExpr(*expr.children[0], ctx));
      std::vector<BoundExprPtr> all;
      all.push_back(std::move(lhs));
      for (size_t i = 1; i < expr.children.size(); i++) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*expr.children[i], ctx));
        all.push_back(std::move(b));
      }
      auto unified = UnifyTypes(std::move(all), "IN");
      if (!unified.ok()) {
        Status s = Err(sqlstate::kUndefinedFunction, unified.status().message(), expr.position);
        return s;
      }
      auto e = MakeBool(BoundExprKind::kInList);
      e->negated = expr.negated;
      e->children = std::move(*unified);
      return BoundExprPtr(std::move(e));
    }
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
    case ExprKind::kSubquery:
    case ExprKind::kQuantified:
      if (expr.kind == ExprKind::kQuantified && !expr.subquery) {
        // x op ANY/ALL (array): arrays are carried as their text form.
        ASSIGN_OR_RETURN(BoundExprPtr lhs, BindExpr(*expr.children[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr arr, BindExpr(*expr.children[1], ctx));
        if (lhs->type.id == TypeId::kUnknown) {
          ASSIGN_OR_RETURN(lhs, AddCast(std::move(lhs), TypeId::kText));
        }
        if (arr->type.id != TypeId::kText) {
          ASSIGN_OR_RETURN(arr, AddCast(std::move(arr), TypeId::kText));
        }
        auto e = MakeBool(BoundExprKind::kArrayCompare);
        e->op = expr.op == "!=" ? "<>" : expr.op;
        e->subquery_kind = expr.quantifier_all ? SubqueryKind::kAll : SubqueryKind::kAny;
        e->children.push_back(std::move(lhs));
        e->children.push_back(std::move(arr));
        return BoundExprPtr(std::move(e));
      }
      return BindSubquery(expr, ctx);
    case ExprKind::kBetween: {
      ASSIGN_OR_RETURN(BoundExprPtr x, BindExpr(*expr.children[0], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr lo, BindExpr(*expr.children[1], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr hi, BindExpr(*expr.children[2], ctx));
      auto build = [&](BoundExprPtr a, BoundExprPtr b, BoundExprPtr c) -> Result<BoundExprPtr> {
        ASSIGN_OR_RETURN(BoundExprPtr ge,
                         BindCompare(">=", a->Clone(), std::move(b), expr.position));
        ASSIGN_OR_RETURN(BoundExprPtr le,
                         BindCompare("<=", std::move(a), std::move(c), expr.position));
        auto e = MakeBool(BoundExprKind::kAnd);
        e->children.push_back(std::move(ge));
        e->children.push_back(std::move(le));
        return BoundExprPtr(std::move(e));
      };
      BoundExprPtr result;
      if (expr.symmetric) {
        ASSIGN_OR_RETURN(BoundExprPtr a, build(x->Clone(), lo->Clone(), hi->Clone()));
        ASSIGN_OR_RETURN(BoundExprPtr b, build(std::move(x), std::move(hi), std::move(lo)));
        result = MakeBool(BoundExprKind::kOr);
        result->children.push_back(std::move(a));
        result->children.push_back(std::move(b));
      } else {
        ASSIGN_OR_RETURN(result, build(std::move(x), std::move(lo), std::move(hi)));
      }
      if (expr.negated) {
        auto n = MakeBool(BoundExprKind::kNot);
        n->children.push_back(std::move(result));
        return BoundExprPtr(std::move(n));
      }
      return result;
    }
    case ExprKind::kIsNull: {
      ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*expr.children[0], ctx));
      if (c->kind == BoundExprKind::kFunction && c->type.id == TypeId::kRecord &&
          c->function.name == "row" && !c->children.empty()) {
        // A row is NULL when every field is, NOT NULL when no field is (PostgreSQL's rule).
        auto all = MakeBool(BoundExprKind::kAnd);
        for (auto& f : c->children) {
          auto t = MakeBool(BoundExprKind::kIsNull);
          t->negated = expr.negated;
          t->children.push_back(std::move(f));
          all->children.push_back(std::move(t));
        }
        return BoundExprPtr(std::move(all));
      }
      auto e = MakeBool(BoundExprKind::kIsNull);
      e->negated = expr.negated;
      e->children.push_back(std::move(c));
      return BoundExprPtr(std::move(e));
    }
    case ExprKind::kIsDistinct: {
      if (IsRowPair(expr)) {
        return BindRowElements(expr.negated ? "IS NOT DISTINCT" : "IS DISTINCT", *expr.children[0],
                               *expr.children[1], ctx, expr.position);
      }
      ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*expr.children[0], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*expr.children[1], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr cmp,
                       BindCompare("=", std::move(l), std::move(r), expr.position));
      cmp->kind = BoundExprKind::kIsDistinct;
      cmp->negated = expr.negated;
      return cmp;
    }
    case ExprKind::kLike: {
      std::vector<BoundExprPtr> args;
      for (const auto& c : expr.children) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, ctx));
        args.push_back(std::move(b));
      }
      ASSIGN_OR_RETURN(BoundExprPtr like, BindOperator(expr.case_insensitive ? "~~*" : "~~",
                                                       std::move(args), expr.position));
      if (expr.negated) {
        auto n = MakeBool(BoundExprKind::kNot);
        n->children.push_back(std::move(like));
        return BoundExprPtr(std::move(n));
      }
      return like;
    }
    case ExprKind::kIsBool: {
      ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*expr.children[0], ctx));
      ASSIGN_OR_RETURN(c, CoerceToBool(std::move(c), "IS TRUE", expr.position));
      auto e = MakeBool(BoundExprKind::kBoolTest);
      e->bool_test = static_cast<uint8_t>(expr.bool_test);
      e->negated = expr.negated;
      e->children.push_back(std::move(c));
      return BoundExprPtr(std::move(e));
    }
    case ExprKind::kRow: {
      std::vector<BoundExprPtr> fields;
      for (const auto& c : expr.children) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, ctx));
        fields.push_back(std::move(b));
      }
      return MakeRecord(std::move(fields));
    }
    case ExprKind::kArray: {
      if (expr.subquery) {
        ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*expr.subquery, ctx.scope));
        if (plan->types.size() != 1) {
          return Err(sqlstate::kSyntaxError, "subquery must return only one column", expr.position);
        }
        auto e = std::make_unique<BoundExpr>(BoundExprKind::kSubquery, SqlType(TypeId::kText));
        e->subquery_kind = SubqueryKind::kArray;
        e->correlated = true;  // conservative: re-run per row
        e->plan = std::shared_ptr<LogicalPlan>(std::move(plan));
        return BoundExprPtr(std::move(e));
      }
      std::vector<BoundExprPtr> args;
      for (const auto& c : expr.children) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*c, ctx));
        args.push_back(std::move(b));
      }
      ASSIGN_OR_RETURN(args, UnifyTypes(std::move(args), "ARRAY"));
      return BindOperator("array_literal", std::move(args), expr.position);
    }
    case ExprKind::kSubscript:
      return Status::NotSupported("array subscripts are not supported yet");
  }
  return Status::Internal("unknown expression kind");
}

}  // namespace freshet::planner
