#pragma once

// Private to the binder's .cc files.

#include <string>

#include "function/aggregate_function.h"
#include "planner/binder.h"

namespace freshet::planner {

/// How expressions of one clause are bound: the row they see and what they may contain.
struct Binder::ExprContext {
  const Scope* scope = nullptr;  // names of the row the expression is evaluated over
  // Aggregation: expressions see the aggregate's output row (groups ++ aggregates).
  bool agg_mode = false;
  const Scope* from_scope = nullptr;
  std::vector<BoundExprPtr>* groups = nullptr;
  std::vector<AggregateCall>* aggregates = nullptr;
  bool allow_aggregates = false;
  const char* clause = "";  // for "aggregate functions are not allowed in WHERE"
  bool in_aggregate = false;
  // A set-returning function of the select list, computed below the projection: its node
  // binds to that column.
  const parser::Expr* srf = nullptr;
  int srf_column = -1;
  SqlType srf_type;
  // Windows: appended after the base row.
  std::vector<WindowCall>* windows = nullptr;
  bool allow_windows = false;
  // The query level's WINDOW clause, for OVER w.
  const std::vector<parser::NamedWindow>* named_windows = nullptr;
};

/// One query level's aggregation as its subqueries see it (Scope::aggregate_level). While the
/// level is not aggregating, `ctx` is null and an outer aggregate found below sets `requested`.
struct AggregateLevel {
  const Scope* from_scope = nullptr;   // the level's FROM row, which aggregate arguments read
  Binder::ExprContext* ctx = nullptr;  // the level's select-list context, in aggregation mode
  bool requested = false;
};

/// Shorthand for a user error with a SQLSTATE and a 1-based position.
inline Status Err(const char* code, std::string msg, int pos = 0) {
  return Status::Error(code, std::move(msg), pos);
}

/// A qualifier that names no relation in `scope` or its parents: 42P01, with PostgreSQL's hint
/// when an aliased join hides the name.
inline Status UnknownTableError(const Scope& scope, const std::string& table, int position) {
  for (const Scope* s = &scope; s; s = s->parent) {
    for (const auto& t : s->hidden_tables) {
      if (t == table) {
        return Err(sqlstate::kUndefinedTable,
                   "invalid reference to FROM-clause entry for table \"" + table + "\"", position)
            .WithHint("There is an entry for table \"" + table +
                      "\", but it cannot be referenced from this part of the query.");
      }
    }
  }
  return Err(sqlstate::kUndefinedTable, "missing FROM-clause entry for table \"" + table + "\"",
             position);
}

/// The unqualified name of a function call.
inline std::string FuncName(const parser::Expr& e) { return e.names.empty() ? "" : e.names.back(); }

/// True when the AST (outside subqueries) calls an aggregate function without OVER.
inline bool ContainsAggregate(const parser::Expr& e) {
  if (e.kind == parser::ExprKind::kFunction && !e.over &&
      function::IsAggregateFunction(FuncName(e))) {
    return true;
  }
  for (const auto& c : e.children) {
    if (c && ContainsAggregate(*c)) return true;
  }
  return e.filter && ContainsAggregate(*e.filter);
}

/// True when the AST contains a subquery (scalar, EXISTS, IN, ANY/ALL or ARRAY).
inline bool ContainsSubquery(const parser::Expr& e) {
  if (e.subquery) return true;
  for (const auto& c : e.children) {
    if (c && ContainsSubquery(*c)) return true;
  }
  return e.filter && ContainsSubquery(*e.filter);
}

/// Collects the set-returning function calls (generate_series, unnest) of an AST, outside
/// subqueries and aggregate arguments.
inline void FindSetReturning(const parser::Expr& e, std::vector<const parser::Expr*>* out) {
  if (e.kind == parser::ExprKind::kFunction && !e.over) {
    std::string name = FuncName(e);
    if (name == "generate_series" || (name == "unnest" && e.children.size() == 1)) {
      out->push_back(&e);
      return;
    }
    if (function::IsAggregateFunction(name)) return;
  }
  for (const auto& c : e.children) {
    if (c) FindSetReturning(*c, out);
  }
}

/// True when the AST (outside subqueries) calls a window function.
inline bool ContainsWindow(const parser::Expr& e) {
  if (e.kind == parser::ExprKind::kFunction && e.over) return true;
  for (const auto& c : e.children) {
    if (c && ContainsWindow(*c)) return true;
  }
  return false;
}

}  // namespace freshet::planner
