#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "parser/ast.h"
#include "planner/catalog.h"
#include "planner/logical_plan.h"

namespace freshet::planner {

/// A column visible in a scope: where it lives in the input row and how it can be named, as
/// PostgreSQL's namespace items do: `t.c` finds columns whose `table` is t, a bare `c` only those
/// with `unqualified_ok`, `*` those not `hidden_from_star` and `t.*` every column of t, in scope
/// order. Several entries may share an index (a USING column under its merged and its
/// qualified names).
struct ScopeColumn {
  std::string table;  // alias or table name ("" when none: a merged USING column)
  std::string name;
  SqlType type;
  int index = 0;
  bool hidden_from_star = false;  // the qualified copies of a USING column
  bool unqualified_ok = true;     // false for USING duplicates
};

struct AggregateLevel;

/// The name PostgreSQL gives an unaliased select or RETURNING item (FigureColname): a column's
/// or function's name, through casts; the type of a cast or typed literal; "case", "exists",
/// "array"; otherwise "?column?".
std::string OutputColumnName(const parser::Expr& e);

/// OK when values of `type` can be ordered (ORDER BY, < and >); 0A000 for records, which
/// Freshet holds in their text form and cannot order field by field yet.
Status CheckOrderable(SqlType type, int position);

/// The names visible to expressions at one query level, and the enclosing level.
struct Scope {
  std::vector<ScopeColumn> columns;
  /// The relation names that qualify columns here (aliases), each once: 42712 otherwise.
  std::vector<std::string> tables;
  /// Names hidden by an aliased join `(a JOIN b) AS j`: referring to them is 42P01.
  std::vector<std::string> hidden_tables;
  /// The query level's aggregation, for aggregates in its subqueries whose arguments are all
  /// its columns (they belong to this level, as in PostgreSQL); null where none can be.
  AggregateLevel* aggregate_level = nullptr;
  const Scope* parent = nullptr;
};

/// Turns parsed queries and expressions into logical plans and bound expressions: resolves
/// names against the catalog and scopes, checks types, applies PostgreSQL's implicit casts, and
/// plans aggregation, windows, DISTINCT, ORDER BY and LIMIT.
class Binder {
 public:
  explicit Binder(const Catalog& catalog) : catalog_(catalog) {}

  /// Parameter types for $n, filled in as they are inferred (unknown until then).
  std::vector<SqlType>& param_types() { return param_types_; }

  /// Binds a complete query. `outer` is the enclosing scope for correlated subqueries.
  Result<PlanPtr> BindQuery(const parser::SelectStmt& stmt, const Scope* outer = nullptr);

  /// Makes a DML statement's WITH list visible to everything this binder binds afterwards, as
  /// a SELECT's WITH is to its query. A data-modifying query among them must have its rows set
  /// (SetCteRows) first: 0A000 otherwise (it is not at the top level of the statement).
  Status AddStatementCtes(std::span<const parser::CommonTableExpr> ctes, bool recursive);

  /// The rows a data-modifying WITH query returned (its RETURNING list): where the query names
  /// it, it reads them. `rows` must outlive the binder's plans.
  void SetCteRows(const parser::CommonTableExpr& cte, const SystemRelationData* rows);

  /// The data-modifying WITH queries whose rows the plans bound so far read.
  const std::vector<const parser::CommonTableExpr*>& ReadDmlCtes() const { return read_ctes_; }

  /// Tables a data-modifying WITH query of the statement changed: reading them (directly or
  /// through a view) is 0A000, since the statement would not see them as of its start as
  /// PostgreSQL's single snapshot does.
  void SetUnreadableTables(std::vector<uint64_t> table_ids) {
    unreadable_tables_ = std::move(table_ids);
  }

  /// Binds the FROM / USING list of an UPDATE or DELETE: its plan, and in `scope` its columns
  /// shifted past the target table's `target` (names that clash with the target's are 42712).
  Result<PlanPtr> BindDmlFrom(const std::vector<parser::TableRefPtr>& from, Scope* scope);

  /// Binds an expression against a scope (DML WHERE / SET / RETURNING, defaults).
  Result<BoundExprPtr> BindScalar(const parser::Expr& expr, const Scope& scope);

  /// Casts `expr` for assignment to a column of `target` type (INSERT/UPDATE), with
  /// PostgreSQL's error "column "c" is of type X but expression is of type Y" (42804).
  Result<BoundExprPtr> CoerceForAssignment(BoundExprPtr expr, SqlType target,
                                           const std::string& column);

  /// Scope of a table's columns under a name.
  static Scope TableScope(const TableDef& table, const std::string& alias);

  /// PostgreSQL's select_common_type for UNION/CASE/VALUES/COALESCE; 42804 on mismatch with
  /// `context` naming the construct ("UNION", "CASE", ...).
  static Result<SqlType> CommonType(const std::vector<SqlType>& types, const std::string& context);

  /// Wraps `expr` in a cast to `type` (folding constants); implicit=false for explicit casts.
  Result<BoundExprPtr> AddCast(BoundExprPtr expr, SqlType type, bool explicit_cast = false);

  /// How one clause's expressions bind (defined in binder_context.h, private to the binder).
  struct ExprContext;

 private:
  struct SelectState;

  Result<PlanPtr> BindSelectBody(const parser::SelectStmt& stmt, const Scope* outer,
                                 std::vector<std::string>* out_names);
  Result<PlanPtr> BindSelectBlock(const parser::SelectStmt& stmt, const Scope* outer);
  Result<PlanPtr> BindSetOp(const parser::SelectStmt& stmt, const Scope* outer);
  Result<PlanPtr> BindValues(const parser::SelectStmt& stmt, const Scope* outer);
  Result<PlanPtr> ApplyOrderLimit(PlanPtr plan, const parser::SelectStmt& stmt, const Scope* outer);
  Result<PlanPtr> BindFrom(const std::vector<parser::TableRefPtr>& from, const Scope* outer,
                           Scope* scope);
  /// Wraps a table's scan in TABLESAMPLE's row filter (SYSTEM or BERNOULLI).
  Result<PlanPtr> ApplyTablesample(const parser::TableRef& ref, PlanPtr plan);
  Result<PlanPtr> BindTableRef(const parser::TableRef& ref, const Scope* outer, Scope* scope);
  /// A FROM item after `left` (a later comma item or a join's right side): LATERAL subqueries
  /// and functions see left's columns; `lateral` tells whether it reads them.
  Result<PlanPtr> BindFromItem(const parser::TableRef& ref, const Scope& left, const Scope* outer,
                               Scope* scope, bool* lateral);
  /// TUMBLE / HOP / CUMULATE / SESSION (relation, time column, sizes... [, keys]).
  Result<PlanPtr> BindWindowTvf(const parser::TableRef& ref, const parser::Expr& f,
                                const Scope* outer, Scope* scope);
  Result<PlanPtr> BindJoin(const parser::TableRef& ref, const Scope* outer, Scope* scope);
  /// generate_series / unnest: a one-column kTableFunction plan, arguments bound in `ctx`.
  Result<PlanPtr> BindTableFunction(const parser::Expr& f, ExprContext& ctx);
  /// The NATURAL / USING part of BindJoin: equality predicates, merged columns first in `*`.
  Result<PlanPtr> BindUsingJoin(const parser::TableRef& ref, PlanPtr join, PlanPtr left,
                                PlanPtr right, Scope ls, Scope rs, Scope* scope);
  /// Adds LIMIT/OFFSET of `stmt` on top of `plan`, if any.
  Result<PlanPtr> ApplyLimit(PlanPtr plan, const parser::SelectStmt& stmt);
  Result<BoundExprPtr> BindLimitExpr(const parser::Expr& expr, const char* what);

  Result<BoundExprPtr> BindExpr(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindExprInner(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindColumnRef(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindFunction(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindAggregateCall(const parser::Expr& expr, ExprContext& ctx);
  /// An aggregate whose arguments are all columns of the enclosing query level: bound as that
  /// level's aggregate and referenced as an outer column. Null when it is this level's.
  Result<BoundExprPtr> BindOuterAggregate(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindWindowCall(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindSubquery(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindCompare(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                   int position);
  /// (a, b) op (c, d): = and <> field by field, < <= > >= lexicographically.
  Result<BoundExprPtr> BindRowCompare(const std::string& op, const parser::Expr& expr,
                                      ExprContext& ctx);
  /// The comparison of two row constructors' fields under `op` (also "IS [NOT] DISTINCT").
  Result<BoundExprPtr> BindRowElements(const std::string& op, const parser::Expr& l,
                                       const parser::Expr& r, ExprContext& ctx, int position);
  Result<BoundExprPtr> BindOperator(const std::string& op, std::vector<BoundExprPtr> args,
                                    int position);
  Result<BoundExprPtr> BindCase(const parser::Expr& expr, ExprContext& ctx);
  Result<BoundExprPtr> BindLiteral(const parser::Expr& expr);
  Result<BoundExprPtr> CoerceToBool(BoundExprPtr e, const char* context, int position);
  Result<std::vector<BoundExprPtr>> UnifyTypes(std::vector<BoundExprPtr> exprs,
                                               const std::string& context);
  Result<PlanPtr> ExpandView(const TableDef& view, const Scope* outer);

  const Catalog& catalog_;
  std::vector<SqlType> param_types_;
  // CTEs visible while binding, innermost last.
  struct CteBinding {
    const parser::CommonTableExpr* cte;
  };
  /// Pushes the WITH list of `ctes` (0A000 for a data-modifying one without rows).
  Status PushCtes(std::span<const parser::CommonTableExpr> ctes, bool recursive, int position);
  /// The plan of a data-modifying WITH query named in FROM: its returned rows.
  Result<PlanPtr> DmlCtePlan(const parser::CommonTableExpr& cte, int position);
  std::vector<CteBinding> ctes_;
  std::vector<std::pair<const parser::CommonTableExpr*, const SystemRelationData*>> cte_rows_;
  std::vector<const parser::CommonTableExpr*> read_ctes_;
  std::vector<uint64_t> unreadable_tables_;
  int view_depth_ = 0;
};

}  // namespace freshet::planner
