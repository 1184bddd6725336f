#include "engine/dml_binding.h"

#include <algorithm>

#include "parser/parser.h"

namespace freshet::engine {

using planner::Binder;
using planner::BoundExprPtr;

Result<std::vector<int>> BindTargetColumns(const planner::TableDef& table,
                                           const std::vector<std::string>& columns) {
  std::vector<int> targets;
  if (columns.empty()) {
    for (size_t i = 0; i < table.columns.size(); i++) targets.push_back(static_cast<int>(i));
    return targets;
  }
  for (const auto& c : columns) {
    int idx = table.FindColumn(c);
    if (idx < 0) {
      return Status::Error(sqlstate::kUndefinedColumn, "column \"" + c + "\" of relation \"" +
                                                           table.name + "\" does not exist");
    }
    if (std::find(targets.begin(), targets.end(), idx) != targets.end()) {
      return Status::Error(sqlstate::kDuplicateColumn,
                           "column \"" + c + "\" specified more than once");
    }
    targets.push_back(idx);
  }
  return targets;
}

Result<std::vector<BoundExprPtr>> BindColumnDefaults(Binder& binder,
                                                     const planner::TableDef& table) {
  planner::Scope empty_scope;
  std::vector<BoundExprPtr> defaults(table.columns.size());
  for (size_t i = 0; i < table.columns.size(); i++) {
    const auto& col = table.columns[i];
    if (col.default_expr.empty()) continue;
    ASSIGN_OR_RETURN(auto expr, parser::Parser::ParseExpression(col.default_expr));
    ASSIGN_OR_RETURN(BoundExprPtr b, binder.BindScalar(*expr, empty_scope));
    ASSIGN_OR_RETURN(defaults[i], binder.CoerceForAssignment(std::move(b), col.type, col.name));
  }
  return defaults;
}

Result<std::vector<std::pair<int, BoundExprPtr>>> BindAssignments(
    Binder& binder, const planner::TableDef& table,
    const std::vector<std::pair<std::string, parser::ExprPtr>>& set, const planner::Scope& scope) {
  std::vector<std::pair<int, BoundExprPtr>> sets;
  for (const auto& [name, e] : set) {
    int idx = table.FindColumn(name);
    if (idx < 0) {
      return Status::Error(sqlstate::kUndefinedColumn, "column \"" + name + "\" of relation \"" +
                                                           table.name + "\" does not exist");
    }
    for (const auto& [done, unused] : sets) {
      if (done == idx) {
        return Status::Error(sqlstate::kSyntaxError,
                             "multiple assignments to same column \"" + name + "\"");
      }
    }
    BoundExprPtr b;
    if (!e || (e->kind == parser::ExprKind::kColumnRef && e->names.size() == 1 &&
               e->names[0] == "default")) {
      const auto& col = table.columns[static_cast<size_t>(idx)];
      if (col.default_expr.empty()) {
        b = planner::MakeConstant(Value::Null(col.type));
      } else {
        ASSIGN_OR_RETURN(auto de, parser::Parser::ParseExpression(col.default_expr));
        planner::Scope none;
        ASSIGN_OR_RETURN(b, binder.BindScalar(*de, none));
      }
    } else {
      ASSIGN_OR_RETURN(b, binder.BindScalar(*e, scope));
    }
    ASSIGN_OR_RETURN(b, binder.CoerceForAssignment(
                            std::move(b), table.columns[static_cast<size_t>(idx)].type, name));
    sets.emplace_back(idx, std::move(b));
  }
  return sets;
}

Result<BoundExprPtr> BindWhere(Binder& binder, const parser::Expr* where,
                               const planner::Scope& scope, const char* clause) {
  if (!where) return BoundExprPtr();
  ASSIGN_OR_RETURN(BoundExprPtr b, binder.BindScalar(*where, scope));
  if (b->type.id == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(b, binder.AddCast(std::move(b), TypeId::kBool));
  }
  if (b->type.id != TypeId::kBool) {
    return Status::Error(sqlstate::kDatatypeMismatch,
                         std::string("argument of ") + clause + " must be type boolean, not type " +
                             b->type.ToString(),
                         where->position);
  }
  return b;
}

Result<DmlFromRows> DmlFromRows::Make(executor::Executor& exec, const planner::LogicalPlan& plan,
                                      size_t target_width, const planner::BoundExpr* condition) {
  DmlFromRows f;
  f.target_width_ = target_width;
  f.from_width_ = plan.types.size();
  f.condition_ = condition;
  ASSIGN_OR_RETURN(f.rows_, exec.Execute(plan));
  if (condition) executor::ExtractEquiKeys(*condition, target_width, &f.keys_);
  if (!f.keys_.empty()) {
    Row combined(target_width + f.from_width_);
    for (size_t i = 0; i < target_width; i++) combined[i] = Value::Null(TypeId::kUnknown);
    for (size_t j = 0; j < f.rows_.size(); j++) {
      std::copy(f.rows_[j].begin(), f.rows_[j].end(), combined.begin() + target_width);
      ASSIGN_OR_RETURN(auto key, f.Key(exec, combined, /*target_side=*/false));
      if (key) f.index_[std::move(*key)].push_back(j);
    }
  }
  return f;
}

Status DmlFromRows::ForEachMatch(executor::Executor& exec, const Row& target, Row* combined,
                                 const std::function<Result<bool>(size_t j)>& visit) const {
  combined->assign(target.begin(), target.end());
  combined->resize(target_width_ + from_width_);
  auto try_row = [&](size_t j) -> Result<bool> {
    std::copy(rows_[j].begin(), rows_[j].end(), combined->begin() + target_width_);
    if (condition_) {
      ASSIGN_OR_RETURN(bool ok, exec.EvaluatePredicate(*condition_, *combined));
      if (!ok) return true;
    }
    return visit(j);
  };
  if (keys_.empty()) {
    for (size_t j = 0; j < rows_.size(); j++) {
      ASSIGN_OR_RETURN(bool more, try_row(j));
      if (!more) break;
    }
    return Status::OK();
  }
  ASSIGN_OR_RETURN(auto key, Key(exec, *combined, /*target_side=*/true));
  if (!key) return Status::OK();
  auto it = index_.find(*key);
  if (it == index_.end()) return Status::OK();
  for (size_t j : it->second) {
    ASSIGN_OR_RETURN(bool more, try_row(j));
    if (!more) break;
  }
  return Status::OK();
}

Result<bool> DmlFromRows::FirstMatch(executor::Executor& exec, const Row& target,
                                     Row* combined) const {
  bool found = false;
  RETURN_IF_ERROR(ForEachMatch(exec, target, combined, [&](size_t) -> Result<bool> {
    found = true;
    return false;
  }));
  return found;
}

Result<std::optional<Row>> DmlFromRows::Key(executor::Executor& exec, const Row& combined,
                                            bool target_side) const {
  Row key;
  for (const auto& [l, r] : keys_) {
    ASSIGN_OR_RETURN(Value v, exec.Evaluate(target_side ? *l : *r, combined));
    if (v.is_null()) return std::optional<Row>();
    key.push_back(std::move(v));
  }
  return std::optional<Row>(std::move(key));
}

}  // namespace freshet::engine
