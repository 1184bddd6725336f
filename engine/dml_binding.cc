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

}  // namespace freshet::engine
