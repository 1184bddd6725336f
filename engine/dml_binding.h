#pragma once

// Binding rules shared by INSERT, UPDATE, DELETE and MERGE (engine/session_dml.cc,
// engine/session_merge.cc): target columns, defaults, SET lists, WHERE-like conditions, and the
// rows of a FROM / USING list joined to target rows.

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "executor/executor.h"
#include "parser/ast.h"
#include "planner/binder.h"

namespace freshet::engine {

/// The target columns of an INSERT-like column list (every column when empty): 42703 for an
/// unknown column, 42701 for one named twice.
Result<std::vector<int>> BindTargetColumns(const planner::TableDef& table,
                                           const std::vector<std::string>& columns);

/// Each column's DEFAULT bound and cast to the column's type (null where there is none).
Result<std::vector<planner::BoundExprPtr>> BindColumnDefaults(planner::Binder& binder,
                                                              const planner::TableDef& table);

/// An UPDATE SET list over `scope`: (column index, value cast for assignment); DEFAULT (a null
/// expression) is the column's default or NULL; 42703 for an unknown column.
Result<std::vector<std::pair<int, planner::BoundExprPtr>>> BindAssignments(
    planner::Binder& binder, const planner::TableDef& table,
    const std::vector<std::pair<std::string, parser::ExprPtr>>& set, const planner::Scope& scope);

/// Binds a DML WHERE clause (or MERGE's ON / AND conditions), which must be boolean (42804
/// otherwise, naming `clause`). Null when absent.
Result<planner::BoundExprPtr> BindWhere(planner::Binder& binder, const parser::Expr* where,
                                        const planner::Scope& scope, const char* clause = "WHERE");

/// The rows of an UPDATE's FROM, a DELETE's USING or a MERGE's source, joined to each target row
/// through the statement's condition: equalities between the two sides index the rows by hash,
/// the rest of the condition is checked per candidate. The combined row is target ++ from row,
/// as the bound WHERE / ON, SET and RETURNING expect.
class DmlFromRows {
 public:
  /// `plan` is the bound list; `condition` (over the combined row) may be null.
  static Result<DmlFromRows> Make(executor::Executor& exec, const planner::LogicalPlan& plan,
                                  size_t target_width, const planner::BoundExpr* condition);

  /// Calls `visit(j)` for each from row j that satisfies the condition with `target`, in order,
  /// with `combined` holding target ++ row j; stops when `visit` returns false.
  Status ForEachMatch(executor::Executor& exec, const Row& target, Row* combined,
                      const std::function<Result<bool>(size_t j)>& visit) const;

  /// Fills `combined` with `target` ++ the first from row that satisfies the condition with it;
  /// false when there is none.
  Result<bool> FirstMatch(executor::Executor& exec, const Row& target, Row* combined) const;

  const executor::RowSet& rows() const { return rows_; }

 private:
  /// The equality keys of one side; nullopt when one is NULL (it equals nothing).
  Result<std::optional<Row>> Key(executor::Executor& exec, const Row& combined,
                                 bool target_side) const;

  size_t target_width_ = 0;
  size_t from_width_ = 0;
  const planner::BoundExpr* condition_ = nullptr;
  executor::RowSet rows_;
  std::vector<std::pair<const planner::BoundExpr*, const planner::BoundExpr*>> keys_;
  std::unordered_map<Row, std::vector<size_t>, executor::RowHash, executor::RowEq> index_;
};

}  // namespace freshet::engine
