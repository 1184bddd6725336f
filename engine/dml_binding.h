#pragma once

// Binding rules shared by INSERT, UPDATE, DELETE and MERGE (engine/session_dml.cc,
// engine/session_merge.cc): target columns, defaults, SET lists, WHERE-like conditions, and the
// rows of a FROM / USING list joined to target rows.

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

/// The rows of an UPDATE's FROM or a DELETE's USING list, joined to each target row through the
/// statement's WHERE: equalities between the two sides index the rows by hash, the rest of WHERE
/// is checked per candidate. The combined row is target ++ from row, as the bound WHERE, SET and
/// RETURNING expect.
class DmlFromRows {
 public:
  /// `plan` is the bound list; `where` (over the combined row) may be null.
  static Result<DmlFromRows> Make(executor::Executor& exec, const planner::LogicalPlan& plan,
                                  size_t target_width, const planner::BoundExpr* where) {
    DmlFromRows f;
    f.target_width_ = target_width;
    f.where_ = where;
    ASSIGN_OR_RETURN(f.rows_, exec.Execute(plan));
    if (where) executor::ExtractEquiKeys(*where, target_width, &f.keys_);
    if (!f.keys_.empty()) {
      Row combined(target_width + plan.types.size());
      for (size_t i = 0; i < target_width; i++) combined[i] = Value::Null(TypeId::kUnknown);
      for (size_t j = 0; j < f.rows_.size(); j++) {
        std::copy(f.rows_[j].begin(), f.rows_[j].end(), combined.begin() + target_width);
        ASSIGN_OR_RETURN(auto key, f.Key(exec, combined, /*target_side=*/false));
        if (key) f.index_[std::move(*key)].push_back(j);
      }
    }
    return f;
  }

  /// Fills `combined` with `target` ++ the first from row that satisfies WHERE with it; false
  /// when there is none.
  Result<bool> FirstMatch(executor::Executor& exec, const Row& target, Row* combined) const {
    combined->assign(target.begin(), target.end());
    combined->resize(target_width_ + (rows_.empty() ? 0 : rows_[0].size()));
    auto check = [&](size_t j) -> Result<bool> {
      std::copy(rows_[j].begin(), rows_[j].end(), combined->begin() + target_width_);
      if (!where_) return true;
      return exec.EvaluatePredicate(*where_, *combined);
    };
    if (keys_.empty()) {
      for (size_t j = 0; j < rows_.size(); j++) {
        ASSIGN_OR_RETURN(bool ok, check(j));
        if (ok) return true;
      }
      return false;
    }
    ASSIGN_OR_RETURN(auto key, Key(exec, *combined, /*target_side=*/true));
    if (!key) return false;
    auto it = index_.find(*key);
    if (it == index_.end()) return false;
    for (size_t j : it->second) {
      ASSIGN_OR_RETURN(bool ok, check(j));
      if (ok) return true;
    }
    return false;
  }

 private:
  /// The equality keys of one side; nullopt when one is NULL (it equals nothing).
  Result<std::optional<Row>> Key(executor::Executor& exec, const Row& combined,
                                 bool target_side) const {
    Row key;
    for (const auto& [l, r] : keys_) {
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(target_side ? *l : *r, combined));
      if (v.is_null()) return std::optional<Row>();
      key.push_back(std::move(v));
    }
    return std::optional<Row>(std::move(key));
  }

  size_t target_width_ = 0;
  const planner::BoundExpr* where_ = nullptr;
  executor::RowSet rows_;
  std::vector<std::pair<const planner::BoundExpr*, const planner::BoundExpr*>> keys_;
  std::unordered_map<Row, std::vector<size_t>, executor::RowHash, executor::RowEq> index_;
};

}  // namespace freshet::engine
