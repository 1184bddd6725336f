// SELECT, INSERT, UPDATE, DELETE and EXPLAIN.

#include <algorithm>
#include <functional>
#include <optional>
#include <unordered_map>

#include "common/vector.h"
#include "engine/database.h"
#include "engine/dml_binding.h"
#include "engine/session.h"
#include "executor/key_bounds.h"
#include "parser/parser.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

using executor::RowSet;
using planner::Binder;
using planner::BoundExprPtr;

void Session::SendRows(const std::vector<std::string>& names, const std::vector<SqlType>& types,
                       const RowSet& rows, pgwire::ResultSink& sink, bool describe) {
  if (describe) {
    std::vector<pgwire::ColumnInfo> cols;
    for (size_t i = 0; i < names.size(); i++) cols.push_back({names[i], types[i]});
    sink.Describe(cols);
  }
  DataChunk chunk(types);
  for (const Row& r : rows) {
    chunk.AppendRow(r);
    if (chunk.full()) {
      sink.Rows(chunk);
      chunk.Reset();
    }
  }
  if (!chunk.empty()) sink.Rows(chunk);
}

Result<std::shared_ptr<const planner::TableDef>> Session::FindTable(
    const std::vector<std::string>& name, int position) {
  auto def = db_.catalog().Find(name.back());
  if (!def || (name.size() > 1 && name[0] != "public") ||
      def->kind == planner::RelationKind::kIndex) {
    return Status::Error(sqlstate::kUndefinedTable,
                         "relation \"" + name.back() + "\" does not exist", position);
  }
  return def;
}

Status Session::HandleSelect(const parser::SelectStatement& stmt, pgwire::ResultSink& sink,
                             const std::vector<Value>& params) {
  Binder binder(db_.catalog());
  for (const Value& p : params) binder.param_types().push_back(p.type());
  RETURN_IF_ERROR(SetUpBinder(binder, nullptr, false));
  ASSIGN_OR_RETURN(auto plan, binder.BindQuery(*stmt.query));
  plan = db_.OptimizeQuery(std::move(plan));
  // A consistent read waits only for the views this statement reads.
  statement_views_.clear();
  std::function<void(const planner::LogicalPlan&)> collect = [&](const planner::LogicalPlan& p) {
    if (p.kind == planner::PlanKind::kScan &&
        p.table->kind == planner::RelationKind::kMaterializedView) {
      statement_views_.push_back(p.table->id);
    }
    for (const auto& c : p.children) collect(*c);
  };
  collect(*plan);
  executor::ExecContext ctx = MakeExecContext(params);
  executor::Executor exec(ctx);
  // Rows go to the client as they are produced, a chunk at a time, not held for the whole
  // result (an error part-way ends the rows sent so far, as in PostgreSQL).
  std::vector<pgwire::ColumnInfo> cols;
  for (size_t i = 0; i < plan->names.size(); i++) cols.push_back({plan->names[i], plan->types[i]});
  sink.Describe(cols);
  DataChunk chunk(plan->types);
  uint64_t count = 0;
  RETURN_IF_ERROR(exec.ForEachRow(*plan, [&](Row& r) -> Result<bool> {
    chunk.AppendRow(r);
    count++;
    if (chunk.full()) {
      sink.Rows(chunk);
      chunk.Reset();
    }
    return true;
  }));
  if (!chunk.empty()) sink.Rows(chunk);
  sink.Complete("SELECT " + std::to_string(count));
  return Status::OK();
}

Status Session::HandleExplain(const parser::ExplainStatement& stmt, pgwire::ResultSink& sink) {
  if (stmt.statement->kind == parser::StmtKind::kCreateView &&
      static_cast<const parser::CreateViewStatement&>(*stmt.statement).materialized) {
    // The incremental dataflow the view would run, with the state each operator keeps.
    auto& create = static_cast<const parser::CreateViewStatement&>(*stmt.statement);
    Binder binder(db_.catalog());
    ASSIGN_OR_RETURN(auto plan, binder.BindQuery(*create.query));
    executor::ViewOptions options;
    options.emit_on_window_close = create.query->emit_mode == "window_close";
    ASSIGN_OR_RETURN(auto view, db_.CompileView(0, std::move(plan), options));
    RowSet rows;
    for (const auto& line : view->Explain()) rows.push_back(Row{Value::Text(line)});
    SendRows({"QUERY PLAN"}, {SqlType(TypeId::kText)}, rows, sink);
    sink.Complete("EXPLAIN");
    return Status::OK();
  }
  if (stmt.statement->kind != parser::StmtKind::kSelect) {
    return Status::NotSupported("EXPLAIN supports SELECT and CREATE MATERIALIZED VIEW for now");
  }
  if (HasDataModifyingCte(*stmt.statement)) {
    return Status::NotSupported(
        "EXPLAIN of a query with data-modifying WITH queries is not supported yet");
  }
  Binder binder(db_.catalog());
  ASSIGN_OR_RETURN(auto plan,
                   binder.BindQuery(*static_cast<parser::SelectStatement&>(*stmt.statement).query));
  plan = db_.OptimizeQuery(std::move(plan));
  {
    // Filtered table scans say which key or index reads them.
    executor::ExecContext ctx = MakeExecContext({});
    executor::Executor exec(ctx);
    std::function<void(planner::LogicalPlan&)> annotate = [&](planner::LogicalPlan& node) {
      for (auto& child : node.children) annotate(*child);
      if (node.kind != planner::PlanKind::kFilter) return;
      auto& scan = *node.children[0];
      if (scan.kind != planner::PlanKind::kScan ||
          scan.table->kind != planner::RelationKind::kTable) {
        return;
      }
      auto path = executor::ChooseAccessPath(*scan.table, scan.types, node.predicate.get(), exec);
      if (path.kind != executor::AccessPath::Kind::kFullScan) {
        scan.access = path.Describe(*scan.table);
      }
    };
    annotate(*plan);
  }
  RowSet rows;
  std::string text = plan->ToString();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    rows.push_back(Row{Value::Text(text.substr(pos, nl - pos))});
    pos = nl + 1;
  }
  SendRows({"QUERY PLAN"}, {SqlType(TypeId::kText)}, rows, sink);
  sink.Complete("EXPLAIN");
  return Status::OK();
}

namespace {

/// How errors name a relation that is not a table.
const char* RelationWord(const planner::TableDef& def) {
  switch (def.kind) {
    case planner::RelationKind::kSource:
      return "source (append-only)";
    case planner::RelationKind::kMaterializedView:
      return "materialized view";
    default:
      return "view";
  }
}

/// RETURNING items bound over a table row: expressions plus result column names and types.
struct ReturningList {
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  std::vector<SqlType> types;
  bool empty() const { return exprs.empty(); }

  /// Evaluates the list over `row` and appends the result to `out`.
  Status Append(executor::Executor& exec, const Row& row, RowSet* out) const {
    if (exprs.empty()) return Status::OK();
    Row r;
    r.reserve(exprs.size());
    for (const auto& e : exprs) {
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, row));
      r.push_back(std::move(v));
    }
    out->push_back(std::move(r));
    return Status::OK();
  }
};

Result<ReturningList> BindReturning(Binder& binder, const std::vector<parser::SelectItem>& items,
                                    const planner::Scope& scope) {
  ReturningList list;
  for (const auto& item : items) {
    if (item.expr->kind == parser::ExprKind::kStar) {
      // * or t.*: the target's columns, and those of the FROM / USING items.
      const std::string* qualifier = item.expr->names.empty() ? nullptr : &item.expr->names.back();
      if (qualifier &&
          std::find(scope.tables.begin(), scope.tables.end(), *qualifier) == scope.tables.end()) {
        return Status::Error(sqlstate::kUndefinedTable,
                             "missing FROM-clause entry for table \"" + *qualifier + "\"");
      }
      for (const auto& c : scope.columns) {
        if (qualifier ? c.table != *qualifier : c.hidden_from_star) continue;
        list.exprs.push_back(planner::MakeColumn(c.index, c.type));
        list.names.push_back(c.name);
        list.types.push_back(c.type);
      }
      continue;
    }
    ASSIGN_OR_RETURN(BoundExprPtr b, binder.BindScalar(*item.expr, scope));
    list.types.push_back(b->type);
    list.names.push_back(!item.alias.empty() ? item.alias : planner::OutputColumnName(*item.expr));
    list.exprs.push_back(std::move(b));
  }
  return list;
}

}  // namespace

Status Session::HandleInsert(const parser::InsertStatement& stmt, pgwire::ResultSink& sink,
                             const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(auto table, FindTable(stmt.table, stmt.start + 1));
  if (table->kind == planner::RelationKind::kSource && stmt.on_conflict) {
    return Status::Error(sqlstate::kWrongObjectType, "ON CONFLICT does not apply to source \"" +
                                                         table->name + "\" (it is append-only)");
  }
  if (table->kind != planner::RelationKind::kTable &&
      table->kind != planner::RelationKind::kSource) {
    return Status::Error(
        sqlstate::kWrongObjectType,
        "cannot insert into " +
            std::string(table->kind == planner::RelationKind::kView ? "view" : "relation") + " \"" +
            table->name + "\"");
  }
  ASSIGN_OR_RETURN(std::vector<int> targets, BindTargetColumns(*table, stmt.columns));
  Binder binder(db_.catalog());
  for (const Value& p : params) binder.param_types().push_back(p.type());
  RETURN_IF_ERROR(SetUpBinder(binder, &stmt.ctes, stmt.with_recursive));
  executor::ExecContext ctx = MakeExecContext(params);
  executor::Executor exec(ctx);
  Row empty_row;
  planner::Scope empty_scope;

  ASSIGN_OR_RETURN(std::vector<BoundExprPtr> defaults, BindColumnDefaults(binder, *table));
  auto make_full_row = [&](Row partial) -> Result<Row> {
    Row full(table->columns.size());
    std::vector<bool> set(table->columns.size(), false);
    for (size_t k = 0; k < targets.size(); k++) {
      full[targets[k]] = std::move(partial[k]);
      set[targets[k]] = true;
    }
    for (size_t i = 0; i < full.size(); i++) {
      if (set[i]) continue;
      if (defaults[i]) {
        ASSIGN_OR_RETURN(full[i], exec.Evaluate(*defaults[i], empty_row));
      } else {
        full[i] = Value::Null(table->columns[i].type);
      }
    }
    return full;
  };

  // Produce the source rows, coerced to the target column types.
  RowSet rows;
  if (stmt.default_values || !stmt.source) {
    rows.push_back(Row{});
    targets.clear();
  } else if (stmt.source->kind == parser::SelectStmt::Kind::kValues &&
             stmt.source->order_by.empty() && !stmt.source->limit) {
    for (const auto& vrow : stmt.source->values) {
      if (vrow.size() > targets.size()) {
        return Status::Error(sqlstate::kSyntaxError,
                             "INSERT has more expressions than target columns",
                             vrow[targets.size()] ? vrow[targets.size()]->position : 0);
      }
      if (vrow.size() < targets.size()) {
        return Status::Error(sqlstate::kSyntaxError,
                             "INSERT has more target columns than expressions");
      }
      Row r;
      for (size_t k = 0; k < vrow.size(); k++) {
        const auto& col = table->columns[targets[k]];
        if (!vrow[k]) {  // DEFAULT
          if (defaults[targets[k]]) {
            ASSIGN_OR_RETURN(Value v, exec.Evaluate(*defaults[targets[k]], empty_row));
            r.push_back(std::move(v));
          } else {
            r.push_back(Value::Null(col.type));
          }
          continue;
        }
        ASSIGN_OR_RETURN(BoundExprPtr b, binder.BindScalar(*vrow[k], empty_scope));
        auto coerced = binder.CoerceForAssignment(std::move(b), col.type, col.name);
        if (!coerced.ok()) {
          Status s = coerced.status();
          return s.WithPosition(vrow[k]->position);
        }
        auto v = exec.Evaluate(**coerced, empty_row);
        if (!v.ok()) {
          Status s = v.status();
          return s.WithPosition(vrow[k]->position);
        }
        r.push_back(std::move(*v));
      }
      rows.push_back(std::move(r));
    }
  } else {
    ASSIGN_OR_RETURN(auto plan, binder.BindQuery(*stmt.source));
    plan = db_.OptimizeQuery(std::move(plan));
    if (plan->types.size() > targets.size()) {
      return Status::Error(sqlstate::kSyntaxError,
                           "INSERT has more expressions than target columns");
    }
    if (plan->types.size() < targets.size()) {
      return Status::Error(sqlstate::kSyntaxError,
                           "INSERT has more target columns than expressions");
    }
    std::vector<BoundExprPtr> casts;
    for (size_t k = 0; k < targets.size(); k++) {
      const auto& col = table->columns[targets[k]];
      ASSIGN_OR_RETURN(BoundExprPtr c, binder.CoerceForAssignment(
                                           planner::MakeColumn(static_cast<int>(k), plan->types[k]),
                                           col.type, col.name));
      casts.push_back(std::move(c));
    }
    ASSIGN_OR_RETURN(RowSet src, exec.Execute(*plan));
    for (const Row& s : src) {
      Row r;
      for (auto& c : casts) {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*c, s));
        r.push_back(std::move(v));
      }
      rows.push_back(std::move(r));
    }
  }

  RETURN_IF_ERROR(CheckInsertAfterWith(binder, *table));

  // ON CONFLICT ... DO UPDATE: SET expressions over (existing row ++ excluded row).
  planner::Scope conflict_scope;
  std::vector<std::pair<int, BoundExprPtr>> conflict_set;
  BoundExprPtr conflict_where;
  if (stmt.on_conflict) {
    if (table->primary_key.empty()) {
      return Status::Error(sqlstate::kInvalidColumnReference,
                           "there is no unique or exclusion constraint matching the ON CONFLICT "
                           "specification");
    }
    const std::string& constraint = stmt.on_conflict->constraint;
    if (!constraint.empty() && constraint != table->name + "_pkey") {
      bool unique = false;
      for (size_t i = 0; i < table->unique_keys.size(); i++) {
        unique = unique || table->UniqueName(i) == constraint;
      }
      if (!unique) {
        return Status::Error(
            sqlstate::kUndefinedObject,
            "constraint \"" + constraint + "\" for table \"" + table->name + "\" does not exist");
      }
      return Status::NotSupported(
          "ON CONFLICT ON CONSTRAINT supports the primary key only, not \"" + constraint + "\"");
    }
    if (!stmt.on_conflict->target_columns.empty()) {
      std::vector<int> cols;
      for (const auto& c : stmt.on_conflict->target_columns) cols.push_back(table->FindColumn(c));
      std::vector<int> pk = table->primary_key;
      std::sort(cols.begin(), cols.end());
      std::sort(pk.begin(), pk.end());
      if (cols != pk) {
        return Status::Error(sqlstate::kInvalidColumnReference,
                             "there is no unique or exclusion constraint matching the ON CONFLICT "
                             "specification");
      }
    }
    conflict_scope = Binder::TableScope(*table, stmt.alias.empty() ? table->name : stmt.alias);
    planner::Scope excluded = Binder::TableScope(*table, "excluded");
    for (auto c : excluded.columns) {
      c.index += static_cast<int>(table->columns.size());
      conflict_scope.columns.push_back(c);
    }
    for (const auto& [name, e] : stmt.on_conflict->set) {
      int idx = table->FindColumn(name);
      if (idx < 0) {
        return Status::Error(sqlstate::kUndefinedColumn, "column \"" + name + "\" of relation \"" +
                                                             table->name + "\" does not exist");
      }
      ASSIGN_OR_RETURN(BoundExprPtr b, binder.BindScalar(*e, conflict_scope));
      ASSIGN_OR_RETURN(b, binder.CoerceForAssignment(std::move(b), table->columns[idx].type, name));
      conflict_set.emplace_back(idx, std::move(b));
    }
    if (stmt.on_conflict->where) {
      ASSIGN_OR_RETURN(conflict_where, binder.BindScalar(*stmt.on_conflict->where, conflict_scope));
    }
  }

  // RETURNING
  planner::Scope table_scope = Binder::TableScope(*table, stmt.alias);
  ASSIGN_OR_RETURN(ReturningList returning, BindReturning(binder, stmt.returning, table_scope));

  int64_t count = 0;
  RowSet returned;
  for (Row& partial : rows) {
    ASSIGN_OR_RETURN(Row full, make_full_row(std::move(partial)));
    Row final_row = full;
    if (stmt.on_conflict && !table->primary_key.empty()) {
      std::string key = storage::TableStore::PrimaryKey(table->id, full, table->primary_key);
      std::string existing;
      ASSIGN_OR_RETURN(bool found, Txn().Get(storage::Space::kData, key, &existing));
      if (found) {
        if (stmt.on_conflict->do_nothing) continue;
        Row old;
        RETURN_IF_ERROR(storage::RowCodec::Decode(existing, table->ColumnTypes(), &old));
        Row combined = old;
        combined.insert(combined.end(), full.begin(), full.end());
        if (conflict_where) {
          ASSIGN_OR_RETURN(bool pass, exec.EvaluatePredicate(*conflict_where, combined));
          if (!pass) continue;
        }
        Row updated = old;
        for (auto& [idx, e] : conflict_set) {
          ASSIGN_OR_RETURN(updated[idx], exec.Evaluate(*e, combined));
        }
        RETURN_IF_ERROR(writer_.Replace(Write(), *table, key, old, updated));
        final_row = std::move(updated);
        count++;
        RETURN_IF_ERROR(returning.Append(exec, final_row, &returned));
        continue;
      }
    }
    RETURN_IF_ERROR(writer_.Insert(Write(), *table, full));
    count++;
    RETURN_IF_ERROR(returning.Append(exec, final_row, &returned));
  }
  if (!returning.empty()) SendRows(returning.names, returning.types, returned, sink);
  sink.Complete("INSERT 0 " + std::to_string(count));
  return Status::OK();
}

Result<planner::SystemRelationData> Session::DescribeReturning(
    const parser::Statement& dml, const std::vector<SqlType>& param_types) {
  const std::vector<std::string>* name = nullptr;
  const std::string* alias = nullptr;
  const std::vector<parser::TableRefPtr>* from = nullptr;
  const std::vector<parser::SelectItem>* items = nullptr;
  const std::vector<parser::CommonTableExpr>* ctes = nullptr;
  bool recursive = false;
  if (dml.kind == parser::StmtKind::kInsert) {
    auto& s = static_cast<const parser::InsertStatement&>(dml);
    name = &s.table, alias = &s.alias, items = &s.returning, ctes = &s.ctes;
    recursive = s.with_recursive;
  } else if (dml.kind == parser::StmtKind::kUpdate) {
    auto& s = static_cast<const parser::UpdateStatement&>(dml);
    name = &s.table, alias = &s.alias, from = &s.from, items = &s.returning, ctes = &s.ctes;
    recursive = s.with_recursive;
  } else if (dml.kind == parser::StmtKind::kDelete) {
    auto& s = static_cast<const parser::DeleteStatement&>(dml);
    name = &s.table, alias = &s.alias, from = &s.using_tables, items = &s.returning;
    ctes = &s.ctes, recursive = s.with_recursive;
  } else {
    return Status::Internal("not a data-modifying statement");
  }
  planner::SystemRelationData columns;
  if (items->empty()) return columns;
  ASSIGN_OR_RETURN(auto table, FindTable(*name, dml.start + 1));
  Binder binder(db_.catalog());
  binder.param_types() = param_types;
  RETURN_IF_ERROR(SetUpBinder(binder, ctes, recursive));
  planner::Scope scope = Binder::TableScope(*table, *alias);
  if (from && !from->empty()) RETURN_IF_ERROR(binder.BindDmlFrom(*from, &scope).status());
  ASSIGN_OR_RETURN(ReturningList returning, BindReturning(binder, *items, scope));
  columns.names = std::move(returning.names);
  columns.types = std::move(returning.types);
  return columns;
}

Status Session::HandleUpdate(const parser::UpdateStatement& stmt, pgwire::ResultSink& sink,
                             const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(auto table, FindTable(stmt.table, stmt.start + 1));
  if (table->kind != planner::RelationKind::kTable) {
    return Status::Error(
        sqlstate::kWrongObjectType,
        std::string("cannot update ") + RelationWord(*table) + " \"" + table->name + "\"");
  }
  Binder binder(db_.catalog());
  for (const Value& p : params) binder.param_types().push_back(p.type());
  RETURN_IF_ERROR(SetUpBinder(binder, &stmt.ctes, stmt.with_recursive));
  planner::Scope scope = Binder::TableScope(*table, stmt.alias);
  planner::PlanPtr from;
  if (!stmt.from.empty()) {
    ASSIGN_OR_RETURN(from, binder.BindDmlFrom(stmt.from, &scope));
    from = db_.OptimizeQuery(std::move(from));
  }
  ASSIGN_OR_RETURN(BoundExprPtr where, BindWhere(binder, stmt.where.get(), scope));
  ASSIGN_OR_RETURN(auto sets, BindAssignments(binder, *table, stmt.set, scope));
  executor::ExecContext ctx = MakeExecContext(params);
  executor::Executor exec(ctx);
  size_t width = table->columns.size();
  std::optional<DmlFromRows> from_rows;
  if (from) {
    ASSIGN_OR_RETURN(from_rows, DmlFromRows::Make(exec, *from, width, where.get()));
  }
  // (key, combined row): the target row, then the FROM row it joined (the first that matched,
  // as PostgreSQL updates a row once whatever joins it).
  std::vector<std::pair<std::string, Row>> matches;
  Row combined;
  // A WHERE that fixes the primary key reads one row (ScanTable); with FROM, every row.
  RETURN_IF_ERROR(
      exec.ScanTable(*table, from_rows ? nullptr : where.get(),
                     [&](std::string_view key, Row& row) -> Result<bool> {
                       if (from_rows) {
                         ASSIGN_OR_RETURN(bool found, from_rows->FirstMatch(exec, row, &combined));
                         if (found) matches.emplace_back(std::string(key), combined);
                         return true;
                       }
                       if (where) {
                         ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(*where, row));
                         if (!keep) return true;
                       }
                       matches.emplace_back(std::string(key), row);
                       return true;
                     }));
  ASSIGN_OR_RETURN(ReturningList returning, BindReturning(binder, stmt.returning, scope));
  RowSet returned;
  // Compute every new row before writing, so the scan never sees its own updates.
  std::vector<Row> new_rows;
  for (auto& [key, row] : matches) {
    Row updated(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(width));
    for (auto& [idx, e] : sets) {
      ASSIGN_OR_RETURN(updated[idx], exec.Evaluate(*e, row));
    }
    new_rows.push_back(std::move(updated));
  }
  for (size_t i = 0; i < matches.size(); i++) {
    const std::string& key = matches[i].first;
    Row& updated = new_rows[i];
    Row old_row(matches[i].second.begin(),
                matches[i].second.begin() + static_cast<std::ptrdiff_t>(width));
    RETURN_IF_ERROR(writer_.Replace(Write(), *table, key, old_row, updated));
    // RETURNING sees the new target row beside the FROM row it joined.
    Row out = updated;
    out.insert(out.end(), matches[i].second.begin() + static_cast<std::ptrdiff_t>(width),
               matches[i].second.end());
    RETURN_IF_ERROR(returning.Append(exec, out, &returned));
  }
  if (!returning.empty()) SendRows(returning.names, returning.types, returned, sink);
  sink.Complete("UPDATE " + std::to_string(matches.size()));
  return Status::OK();
}

Status Session::HandleDelete(const parser::DeleteStatement& stmt, pgwire::ResultSink& sink,
                             const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(auto table, FindTable(stmt.table, stmt.start + 1));
  if (table->kind != planner::RelationKind::kTable) {
    return Status::Error(
        sqlstate::kWrongObjectType,
        std::string("cannot delete from ") + RelationWord(*table) + " \"" + table->name + "\"");
  }
  Binder binder(db_.catalog());
  for (const Value& p : params) binder.param_types().push_back(p.type());
  RETURN_IF_ERROR(SetUpBinder(binder, &stmt.ctes, stmt.with_recursive));
  planner::Scope scope = Binder::TableScope(*table, stmt.alias);
  planner::PlanPtr from;
  if (!stmt.using_tables.empty()) {
    ASSIGN_OR_RETURN(from, binder.BindDmlFrom(stmt.using_tables, &scope));
    from = db_.OptimizeQuery(std::move(from));
  }
  ASSIGN_OR_RETURN(BoundExprPtr where, BindWhere(binder, stmt.where.get(), scope));
  ASSIGN_OR_RETURN(ReturningList returning, BindReturning(binder, stmt.returning, scope));
  executor::ExecContext ctx = MakeExecContext(params);
  executor::Executor exec(ctx);
  std::optional<DmlFromRows> from_rows;
  if (from) {
    ASSIGN_OR_RETURN(from_rows, DmlFromRows::Make(exec, *from, table->columns.size(), where.get()));
  }
  std::vector<std::pair<std::string, Row>> victims;
  RowSet returned;
  Row combined;
  // A WHERE that fixes the primary key reads one row (ScanTable); with FROM, every row.
  RETURN_IF_ERROR(
      exec.ScanTable(*table, from_rows ? nullptr : where.get(),
                     [&](std::string_view key, Row& row) -> Result<bool> {
                       if (from_rows) {
                         ASSIGN_OR_RETURN(bool found, from_rows->FirstMatch(exec, row, &combined));
                         if (!found) return true;
                         RETURN_IF_ERROR(returning.Append(exec, combined, &returned));
                         victims.emplace_back(std::string(key), std::move(row));
                         return true;
                       }
                       if (where) {
                         ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(*where, row));
                         if (!keep) return true;
                       }
                       RETURN_IF_ERROR(returning.Append(exec, row, &returned));
                       victims.emplace_back(std::string(key), std::move(row));
                       return true;
                     }));
  for (const auto& [key, row] : victims) {
    RETURN_IF_ERROR(writer_.Delete(Write(), *table, key, row));
  }
  if (!returning.empty()) SendRows(returning.names, returning.types, returned, sink);
  sink.Complete("DELETE " + std::to_string(victims.size()));
  return Status::OK();
}

}  // namespace freshet::engine
