#include <algorithm>
#include <functional>

#include "parser/parser.h"
#include "planner/binder.h"
#include "planner/binder_context.h"
#include "planner/lateral.h"
#include "planner/system_catalog.h"

// The FROM side of the binder: relations, views, CTE references, table functions, window TVFs,
// TABLESAMPLE, joins (USING / NATURAL, LATERAL) and the FROM lists of UPDATE / DELETE / MERGE.

namespace freshet::planner {

using parser::Expr;
using parser::ExprKind;
using parser::SelectStmt;
using parser::TableRef;

namespace {

/// Appends `from`'s columns (indices shifted by `offset`) and names to `into`; a relation name
/// that both qualify is 42712, as in PostgreSQL.
Status MergeScope(Scope* into, Scope from, int offset, int position) {
  for (const std::string& t : from.tables) {
    if (std::find(into->tables.begin(), into->tables.end(), t) != into->tables.end()) {
      return Err(sqlstate::kDuplicateAlias, "table name \"" + t + "\" specified more than once",
                 position);
    }
    into->tables.push_back(t);
  }
  for (ScopeColumn& c : from.columns) {
    c.index += offset;
    into->columns.push_back(std::move(c));
  }
  into->hidden_tables.insert(into->hidden_tables.end(), from.hidden_tables.begin(),
                             from.hidden_tables.end());
  return Status::OK();
}

/// The scope of one relation in FROM: its columns under `alias`, the first ones renamed by
/// `column_aliases` (42P10 when there are more names than columns; `what` names the relation
/// in that message: `table "x"`, `WITH query "z"`).
Result<Scope> RelationScope(LogicalPlan* plan, const std::string& alias,
                            const std::vector<std::string>& column_aliases, const std::string& what,
                            int position) {
  if (column_aliases.size() > plan->names.size()) {
    return Err(sqlstate::kInvalidColumnReference,
               what + " has " + std::to_string(plan->names.size()) + " columns available but " +
                   std::to_string(column_aliases.size()) + " columns specified",
               position);
  }
  for (size_t i = 0; i < column_aliases.size(); i++) plan->names[i] = column_aliases[i];
  Scope scope;
  for (size_t i = 0; i < plan->names.size(); i++) {
    scope.columns.push_back({alias, plan->names[i], plan->types[i], static_cast<int>(i)});
  }
  if (!alias.empty()) scope.tables.push_back(alias);
  return scope;
}

/// TUMBLE / HOP / CUMULATE / SESSION: window table functions over a relation.
bool IsWindowTvf(const Expr& f) {
  std::string name = FuncName(f);
  return name == "tumble" || name == "hop" || name == "cumulate" || name == "session";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// FROM

Result<PlanPtr> Binder::BindFrom(const std::vector<parser::TableRefPtr>& from, const Scope* outer,
                                 Scope* scope) {
  PlanPtr plan;
  for (const auto& ref : from) {
    Scope item_scope;
    if (!plan) {
      ASSIGN_OR_RETURN(plan, BindTableRef(*ref, outer, &item_scope));
      *scope = std::move(item_scope);
      scope->parent = outer;
      continue;
    }
    bool lateral = false;
    ASSIGN_OR_RETURN(PlanPtr item, BindFromItem(*ref, *scope, outer, &item_scope, &lateral));
    int offset = static_cast<int>(plan->types.size());
    RETURN_IF_ERROR(MergeScope(scope, std::move(item_scope), offset, ref->position));
    auto join = std::make_unique<LogicalPlan>(PlanKind::kJoin);
    join->join_kind = JoinKind::kCross;
    join->lateral = lateral;
    join->types = plan->types;
    join->names = plan->names;
    join->types.insert(join->types.end(), item->types.begin(), item->types.end());
    join->names.insert(join->names.end(), item->names.begin(), item->names.end());
    join->children.push_back(std::move(plan));
    join->children.push_back(std::move(item));
    plan = lateral ? UnnestLateral(std::move(join)) : std::move(join);
  }
  return plan;
}

Result<PlanPtr> Binder::BindFromItem(const TableRef& ref, const Scope& left, const Scope* outer,
                                     Scope* scope, bool* lateral) {
  *lateral = false;
  bool can_be_lateral = (ref.kind == TableRef::Kind::kSubquery && ref.lateral) ||
                        (ref.kind == TableRef::Kind::kFunction && !IsWindowTvf(*ref.function));
  if (!can_be_lateral) return BindTableRef(ref, outer, scope);
  // Bound with the items to its left as the nearest enclosing row; bound again as an ordinary
  // item when it turns out not to read them (its outer references are one level shallower then).
  Scope left_row = left;
  left_row.parent = outer;
  left_row.aggregate_level = nullptr;
  ASSIGN_OR_RETURN(PlanPtr plan, BindTableRef(ref, &left_row, scope));
  if (!PlanReadsLevel(*plan, 1)) return BindTableRef(ref, outer, scope);
  *lateral = true;
  return plan;
}

Result<PlanPtr> Binder::BindDmlFrom(const std::vector<parser::TableRefPtr>& from, Scope* scope) {
  Scope items;
  ASSIGN_OR_RETURN(PlanPtr plan, BindFrom(from, nullptr, &items));
  int offset = static_cast<int>(scope->columns.size());
  RETURN_IF_ERROR(MergeScope(scope, std::move(items), offset, from.front()->position));
  return plan;
}

Result<PlanPtr> Binder::DmlCtePlan(const parser::CommonTableExpr& cte, int position) {
  const parser::Statement& dml = *cte.dml;
  const std::vector<parser::SelectItem>* returning = nullptr;
  switch (dml.kind) {
    case parser::StmtKind::kInsert:
      returning = &static_cast<const parser::InsertStatement&>(dml).returning;
      break;
    case parser::StmtKind::kUpdate:
      returning = &static_cast<const parser::UpdateStatement&>(dml).returning;
      break;
    case parser::StmtKind::kDelete:
      returning = &static_cast<const parser::DeleteStatement&>(dml).returning;
      break;
    default:
      return Status::Internal("unexpected data-modifying WITH query");
  }
  if (returning->empty()) {
    return Err(sqlstate::kFeatureNotSupported,
               "WITH query \"" + cte.name + "\" does not have a RETURNING clause", position);
  }
  for (const auto& [entry, rows] : cte_rows_) {
    if (entry != &cte) continue;
    read_ctes_.push_back(&cte);
    PlanPtr plan = SystemCatalog::FromData(*rows);
    plan->system_relation = false;  // rows of this statement, not of the catalog
    return plan;
  }
  return Err(sqlstate::kFeatureNotSupported,
             "WITH clause containing a data-modifying statement must be at the top level",
             cte.position);
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
  ASSIGN_OR_RETURN(*scope, RelationScope(plan.get(), alias, ref.column_aliases,
                                         "table \"" + alias + "\"", ref.position));
  return PlanPtr(std::move(plan));
}

Result<PlanPtr> Binder::ApplyTablesample(const TableRef& ref, PlanPtr plan) {
  const std::string& method = ref.tablesample_method;
  if (method != "system" && method != "bernoulli") {
    return Err(sqlstate::kUndefinedObject, "tablesample method " + method + " does not exist",
               ref.position);
  }
  if (ref.tablesample_args.size() != 1) {
    return Err(sqlstate::kInvalidTablesampleArgument,
               "tablesample method " + method + " requires 1 argument, not " +
                   std::to_string(ref.tablesample_args.size()),
               ref.position);
  }
  // Both methods keep each row with the given probability (SYSTEM samples pages in PostgreSQL;
  // rows here). REPEATABLE (seed) decides from a hash of the seed and the row's values, so the
  // same rows give the same sample.
  auto bind_float = [&](const Expr& e) -> Result<BoundExprPtr> {
    Scope empty;
    ExprContext ctx;
    ctx.scope = &empty;
    ctx.clause = "TABLESAMPLE";
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(e, ctx));
    return AddCast(std::move(b), TypeId::kFloat64);
  };
  std::vector<BoundExprPtr> args;
  ASSIGN_OR_RETURN(BoundExprPtr percent, bind_float(*ref.tablesample_args[0]));
  args.push_back(std::move(percent));
  std::string fn = "freshet_tablesample";
  if (ref.tablesample_repeatable) {
    fn = "freshet_tablesample_repeatable";
    ASSIGN_OR_RETURN(BoundExprPtr seed, bind_float(*ref.tablesample_repeatable));
    args.push_back(std::move(seed));
    for (size_t i = 0; i < plan->types.size(); i++) {
      args.push_back(MakeColumn(static_cast<int>(i), plan->types[i]));
    }
  }
  ASSIGN_OR_RETURN(BoundExprPtr pred, BindOperator(fn, std::move(args), ref.position));
  auto filter = std::make_unique<LogicalPlan>(PlanKind::kFilter);
  filter->predicate = std::move(pred);
  filter->types = plan->types;
  filter->names = plan->names;
  filter->children.push_back(std::move(plan));
  return PlanPtr(std::move(filter));
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
        const parser::CommonTableExpr& cte = *it->cte;
        if (cte.name != name) continue;
        if (cte.dml) {
          ASSIGN_OR_RETURN(plan, DmlCtePlan(cte, ref.position));
        } else {
          // Bind the CTE body with only the CTEs defined before it visible (a copy: the
          // binding list is cut below it while the body binds).
          size_t visible = static_cast<size_t>(std::distance(it, ctes_.rend()) - 1);
          std::vector<CteBinding> saved = ctes_;
          ctes_.resize(visible);
          auto bound = BindQuery(*cte.query, outer);
          ctes_ = std::move(saved);
          if (!bound.ok()) return bound.status();
          plan = std::move(*bound);
        }
        ASSIGN_OR_RETURN(Scope named,
                         RelationScope(plan.get(), "", cte.column_names,
                                       "WITH query \"" + cte.name + "\"", ref.position));
        (void)named;
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
        if (std::find(unreadable_tables_.begin(), unreadable_tables_.end(), table->id) !=
            unreadable_tables_.end()) {
          return Status::Error(sqlstate::kFeatureNotSupported,
                               "cannot read table \"" + table->name +
                                   "\" in a statement whose data-modifying WITH query changes it",
                               ref.position)
              .WithHint(
                  "Freshet runs data-modifying WITH queries before the rest of the statement; "
                  "read the table in a statement of its own.");
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
      ASSIGN_OR_RETURN(*scope, RelationScope(plan.get(), alias, ref.column_aliases,
                                             "table \"" + alias + "\"", ref.position));
      if (!ref.tablesample_method.empty()) {
        if (plan->kind != PlanKind::kScan) {
          return Err(sqlstate::kWrongObjectType,
                     "TABLESAMPLE clause can only be applied to tables and materialized views",
                     ref.position);
        }
        ASSIGN_OR_RETURN(plan, ApplyTablesample(ref, std::move(plan)));
      }
      return plan;
    }
    case TableRef::Kind::kSubquery: {
      ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*ref.subquery, outer));
      ASSIGN_OR_RETURN(*scope, RelationScope(plan.get(), ref.alias, ref.column_aliases,
                                             "table \"" + ref.alias + "\"", ref.position));
      return plan;
    }
    case TableRef::Kind::kJoin:
      return BindJoin(ref, outer, scope);
    case TableRef::Kind::kFunction: {
      const Expr& f = *ref.function;
      std::string name = FuncName(f);
      if (IsWindowTvf(f)) return BindWindowTvf(ref, f, outer, scope);
      Scope empty;
      empty.parent = outer;
      ExprContext ctx;
      ctx.scope = &empty;
      ctx.clause = "FROM";
      ASSIGN_OR_RETURN(PlanPtr plan, BindTableFunction(f, ctx));
      std::string alias = ref.alias.empty() ? name : ref.alias;
      plan->names[0] = alias;
      if (f.with_ordinality) {
        plan->ordinality = true;
        plan->types.push_back(TypeId::kInt64);
        plan->names.push_back("ordinality");
      }
      ASSIGN_OR_RETURN(*scope, RelationScope(plan.get(), alias, ref.column_aliases,
                                             "table \"" + alias + "\"", ref.position));
      return plan;
    }
  }
  return Status::Internal("unknown table reference");
}

Result<PlanPtr> Binder::BindTableFunction(const Expr& f, ExprContext& ctx) {
  std::string name = FuncName(f);
  if (name == "unnest" && f.children.size() == 1) {
    // unnest(array): arrays are carried in text form, so elements come out untyped (like
    // string literals) and take the type of whatever they are compared with.
    ASSIGN_OR_RETURN(BoundExprPtr arg, BindExpr(*f.children[0], ctx));
    if (arg->type.id != TypeId::kText) {
      ASSIGN_OR_RETURN(arg, AddCast(std::move(arg), TypeId::kText));
    }
    auto plan = std::make_unique<LogicalPlan>(PlanKind::kTableFunction);
    plan->function_name = name;
    plan->exprs.push_back(std::move(arg));
    plan->types.push_back(TypeId::kUnknown);
    plan->names.push_back(name);
    return PlanPtr(std::move(plan));
  }
  if (name != "generate_series") {
    return Err(sqlstate::kUndefinedFunction,
               "function " + name +
                   " does not exist in FROM (generate_series and unnest "
                   "are supported)",
               f.position);
  }
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
  plan->names.push_back(name);
  return PlanPtr(std::move(plan));
}

Result<PlanPtr> Binder::BindJoin(const TableRef& ref, const Scope* outer, Scope* scope) {
  Scope ls, rs;
  ASSIGN_OR_RETURN(PlanPtr left, BindTableRef(*ref.left, outer, &ls));
  bool lateral = false;
  ASSIGN_OR_RETURN(PlanPtr right, BindFromItem(*ref.right, ls, outer, &rs, &lateral));
  if (lateral && ref.join_type != parser::JoinType::kInner &&
      ref.join_type != parser::JoinType::kLeft && ref.join_type != parser::JoinType::kCross) {
    return Err(sqlstate::kInvalidColumnReference,
               "invalid reference to FROM-clause entry for table \"" +
                   (ls.tables.empty() ? std::string("?") : ls.tables.front()) + "\"",
               ref.right->position)
        .WithDetail("The combining JOIN type must be INNER or LEFT for a LATERAL reference.");
  }
  int offset = static_cast<int>(left->types.size());
  auto join = std::make_unique<LogicalPlan>(PlanKind::kJoin);
  join->lateral = lateral;
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

  PlanPtr plan;
  Scope combined;
  if (!ref.using_columns.empty() || ref.natural) {
    ASSIGN_OR_RETURN(plan, BindUsingJoin(ref, std::move(join), std::move(left), std::move(right),
                                         std::move(ls), std::move(rs), &combined));
  } else {
    combined = std::move(ls);
    RETURN_IF_ERROR(MergeScope(&combined, std::move(rs), offset, ref.right->position));
    combined.parent = outer;
    if (ref.join_condition) {
      ExprContext ctx;
      ctx.scope = &combined;
      ctx.clause = "JOIN conditions";
      ASSIGN_OR_RETURN(BoundExprPtr pred, BindExpr(*ref.join_condition, ctx));
      ASSIGN_OR_RETURN(pred,
                       CoerceToBool(std::move(pred), "JOIN/ON", ref.join_condition->position));
      join->predicate = std::move(pred);
    }
    join->children.push_back(std::move(left));
    join->children.push_back(std::move(right));
    plan = lateral ? UnnestLateral(std::move(join)) : std::move(join);
  }
  combined.parent = outer;
  if (!ref.alias.empty()) {
    // (a JOIN b) AS j: j names the join's visible columns; a and b are no longer reachable.
    Scope aliased;
    aliased.parent = outer;
    aliased.hidden_tables = combined.tables;
    for (const auto& t : combined.hidden_tables) aliased.hidden_tables.push_back(t);
    for (const ScopeColumn& c : combined.columns) {
      if (c.hidden_from_star) continue;
      ScopeColumn v = c;
      v.table = ref.alias;
      v.unqualified_ok = true;
      aliased.columns.push_back(v);
    }
    if (ref.column_aliases.size() > aliased.columns.size()) {
      return Err(sqlstate::kInvalidColumnReference,
                 "table \"" + ref.alias + "\" has " + std::to_string(aliased.columns.size()) +
                     " columns available but " + std::to_string(ref.column_aliases.size()) +
                     " columns specified",
                 ref.position);
    }
    for (size_t i = 0; i < ref.column_aliases.size(); i++) {
      aliased.columns[i].name = ref.column_aliases[i];
    }
    aliased.tables.push_back(ref.alias);
    combined = std::move(aliased);
  }
  *scope = std::move(combined);
  return plan;
}

Result<PlanPtr> Binder::BindUsingJoin(const TableRef& ref, PlanPtr join, PlanPtr left,
                                      PlanPtr right, Scope ls, Scope rs, Scope* scope) {
  int offset = static_cast<int>(left->types.size());
  // The columns each side shows to `*` are the ones USING and NATURAL match against.
  auto visible_named = [](const Scope& s, const std::string& name) {
    std::vector<size_t> found;
    for (size_t i = 0; i < s.columns.size(); i++) {
      const ScopeColumn& c = s.columns[i];
      if (c.name == name && !c.hidden_from_star && c.unqualified_ok) found.push_back(i);
    }
    return found;
  };
  std::vector<std::string> using_cols = ref.using_columns;
  if (ref.natural) {
    for (const auto& lc : ls.columns) {
      if (lc.hidden_from_star || !lc.unqualified_ok) continue;
      if (std::find(using_cols.begin(), using_cols.end(), lc.name) != using_cols.end()) continue;
      if (!visible_named(rs, lc.name).empty()) using_cols.push_back(lc.name);
    }
  }
  struct Merged {
    std::string name;
    size_t lpos, rpos;  // positions in ls / rs columns
    int li, ri;         // row indices in the join output
  };
  std::vector<Merged> merged;
  for (size_t k = 0; k < using_cols.size(); k++) {
    const std::string& name = using_cols[k];
    for (size_t j = 0; j < k; j++) {
      if (using_cols[j] == name) {
        return Err(sqlstate::kDuplicateColumn,
                   "column name \"" + name + "\" appears more than once in USING clause",
                   ref.position);
      }
    }
    std::vector<size_t> l = visible_named(ls, name), r = visible_named(rs, name);
    for (auto [side, found] : {std::pair{"left", &l}, std::pair{"right", &r}}) {
      if (found->empty()) {
        return Err(sqlstate::kUndefinedColumn,
                   "column \"" + name + "\" specified in USING clause does not exist in " + side +
                       " table",
                   ref.position);
      }
      if (found->size() > 1) {
        return Err(
            sqlstate::kAmbiguousColumn,
            "common column name \"" + name + "\" appears more than once in " + side + " table",
            ref.position);
      }
    }
    merged.push_back({name, l[0], r[0], ls.columns[l[0]].index, rs.columns[r[0]].index + offset});
  }
  std::vector<BoundExprPtr> conds;
  for (const Merged& m : merged) {
    ASSIGN_OR_RETURN(BoundExprPtr cond,
                     BindCompare("=", MakeColumn(m.li, join->types[m.li]),
                                 MakeColumn(m.ri, join->types[m.ri]), ref.position));
    conds.push_back(std::move(cond));
  }
  if (conds.size() == 1) {
    join->predicate = std::move(conds[0]);
  } else if (!conds.empty()) {
    auto a = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
    a->children = std::move(conds);
    join->predicate = std::move(a);
  }
  if (join->join_kind == JoinKind::kCross) join->join_kind = JoinKind::kInner;
  JoinKind kind = join->join_kind;
  int width = static_cast<int>(join->types.size());
  std::vector<SqlType> join_types = join->types;
  std::vector<std::string> join_names = join->names;
  join->children.push_back(std::move(left));
  join->children.push_back(std::move(right));

  // A merged column is the left (inner, left joins) or right (right joins) column itself, so it
  // equals its qualified form in GROUP BY, ORDER BY and DISTINCT; a full join's, or one whose
  // sides differ in type, is computed (COALESCE / a cast) and appended after the join's columns.
  Scope out;
  std::vector<BoundExprPtr> computed;
  for (const Merged& m : merged) {
    SqlType lt = join_types[m.li], rt = join_types[m.ri];
    ScopeColumn c{"", m.name, lt, m.li};
    std::vector<BoundExprPtr> pair;
    pair.push_back(MakeColumn(m.li, lt));
    pair.push_back(MakeColumn(m.ri, rt));
    ASSIGN_OR_RETURN(pair, UnifyTypes(std::move(pair), "JOIN/USING"));
    SqlType t = pair[0]->type;
    if (kind == JoinKind::kFull) {
      auto e = std::make_unique<BoundExpr>(BoundExprKind::kCoalesce, t);
      e->children = std::move(pair);
      computed.push_back(std::move(e));
      c.index = width + static_cast<int>(computed.size()) - 1;
    } else {
      int side = kind == JoinKind::kRight ? 1 : 0;
      if (t != (side ? rt : lt)) {
        computed.push_back(std::move(pair[side]));
        c.index = width + static_cast<int>(computed.size()) - 1;
      } else {
        c.index = side ? m.ri : m.li;
      }
    }
    c.type = t;
    out.columns.push_back(c);
  }
  auto hide = [](ScopeColumn& c) {
    c.hidden_from_star = true;
    c.unqualified_ok = false;
  };
  for (size_t i = 0; i < ls.columns.size(); i++) {
    for (const Merged& m : merged) {
      if (m.lpos == i) hide(ls.columns[i]);
    }
  }
  for (size_t i = 0; i < rs.columns.size(); i++) {
    for (const Merged& m : merged) {
      if (m.rpos == i) hide(rs.columns[i]);
    }
  }
  RETURN_IF_ERROR(MergeScope(&out, std::move(ls), 0, ref.position));
  RETURN_IF_ERROR(MergeScope(&out, std::move(rs), offset, ref.right->position));
  if (!ref.using_alias.empty()) {
    // JOIN ... USING (c) AS x: x.c names the merged column (and x.* lists them).
    for (size_t k = 0; k < merged.size(); k++) {
      ScopeColumn c = out.columns[k];
      c.table = ref.using_alias;
      hide(c);
      out.columns.push_back(c);
    }
    Scope alias_only;
    alias_only.tables.push_back(ref.using_alias);
    RETURN_IF_ERROR(MergeScope(&out, std::move(alias_only), 0, ref.position));
  }
  *scope = std::move(out);
  if (computed.empty()) return join;
  auto proj = std::make_unique<LogicalPlan>(PlanKind::kProject);
  for (int i = 0; i < width; i++) {
    proj->exprs.push_back(MakeColumn(i, join_types[i]));
    proj->types.push_back(join_types[i]);
    proj->names.push_back(join_names[i]);
  }
  for (auto& e : computed) {
    proj->types.push_back(e->type);
    proj->names.push_back("?using?");
    proj->exprs.push_back(std::move(e));
  }
  proj->children.push_back(std::move(join));
  return PlanPtr(std::move(proj));
}

}  // namespace freshet::planner
