// MERGE (PostgreSQL 15): one pass over the target's rows joined to the source's, then each
// source row's first applicable WHEN clause.

#include "engine/database.h"
#include "engine/dml_binding.h"
#include "engine/session.h"
#include "storage/table_store.h"

namespace freshet::engine {

namespace {

using planner::Binder;
using planner::BoundExprPtr;

/// One WHEN clause bound: its condition and action's expressions.
struct BoundMergeClause {
  const parser::MergeClause* clause = nullptr;
  BoundExprPtr condition;
  std::vector<std::pair<int, BoundExprPtr>> sets;  // UPDATE
  std::vector<int> targets;                        // INSERT columns
  std::vector<BoundExprPtr> values;                // INSERT values (null: DEFAULT)
};

}  // namespace

Status Session::HandleMerge(const parser::MergeStatement& stmt, pgwire::ResultSink& sink,
                            const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(auto table, FindTable(stmt.table, stmt.start + 1));
  if (table->kind != planner::RelationKind::kTable) {
    return Status::Error(sqlstate::kWrongObjectType,
                         "cannot execute MERGE on relation \"" + table->name + "\"");
  }
  Binder binder(db_.catalog());
  for (const Value& p : params) binder.param_types().push_back(p.type());
  const size_t width = table->columns.size();
  planner::Scope scope = Binder::TableScope(*table, stmt.alias);
  ASSIGN_OR_RETURN(planner::PlanPtr source, binder.BindDmlFrom(stmt.source, &scope));
  source = db_.OptimizeQuery(std::move(source));
  // NOT MATCHED clauses see the source row only (over a row whose target part is NULL).
  planner::Scope source_scope;
  const std::string& target_name = stmt.alias.empty() ? table->name : stmt.alias;
  for (const auto& c : scope.columns) {
    if (static_cast<size_t>(c.index) >= width) source_scope.columns.push_back(c);
  }
  for (const auto& t : scope.tables) {
    if (t != target_name) source_scope.tables.push_back(t);
  }
  source_scope.hidden_tables.push_back(target_name);
  ASSIGN_OR_RETURN(BoundExprPtr on, BindWhere(binder, stmt.on.get(), scope, "JOIN/ON"));
  ASSIGN_OR_RETURN(std::vector<BoundExprPtr> defaults, BindColumnDefaults(binder, *table));

  // A clause without AND ends its kind's list: one after it could never run.
  for (bool matched : {true, false}) {
    bool unconditional = false;
    for (const auto& c : stmt.clauses) {
      if (c.matched != matched) continue;
      if (unconditional) {
        return Status::Error(sqlstate::kSyntaxError,
                             "unreachable WHEN clause specified after unconditional WHEN clause",
                             c.position);
      }
      unconditional = c.condition == nullptr;
    }
  }
  std::vector<BoundMergeClause> clauses;
  for (const auto& c : stmt.clauses) {
    BoundMergeClause b;
    b.clause = &c;
    const planner::Scope& sees = c.matched ? scope : source_scope;
    ASSIGN_OR_RETURN(b.condition, BindWhere(binder, c.condition.get(), sees, "WHEN"));
    if (c.action == parser::MergeClause::Action::kUpdate) {
      ASSIGN_OR_RETURN(b.sets, BindAssignments(binder, *table, c.set, scope));
    } else if (c.action == parser::MergeClause::Action::kInsert) {
      ASSIGN_OR_RETURN(b.targets, BindTargetColumns(*table, c.insert_columns));
      if (c.default_values) b.targets.clear();
      // Without a column list, fewer values fill the leading columns (the rest take defaults).
      if (c.insert_columns.empty() && c.insert_values.size() < b.targets.size()) {
        b.targets.resize(c.insert_values.size());
      }
      if (!c.default_values && c.insert_values.size() != b.targets.size()) {
        return Status::Error(sqlstate::kSyntaxError,
                             c.insert_values.size() > b.targets.size()
                                 ? "INSERT has more expressions than target columns"
                                 : "INSERT has more target columns than expressions",
                             c.position);
      }
      for (size_t k = 0; k < c.insert_values.size(); k++) {
        const auto& col = table->columns[static_cast<size_t>(b.targets[k])];
        if (!c.insert_values[k]) {
          b.values.push_back(nullptr);
          continue;
        }
        ASSIGN_OR_RETURN(BoundExprPtr v, binder.BindScalar(*c.insert_values[k], source_scope));
        ASSIGN_OR_RETURN(v, binder.CoerceForAssignment(std::move(v), col.type, col.name));
        b.values.push_back(std::move(v));
      }
    }
    clauses.push_back(std::move(b));
  }

  executor::ExecContext ctx = MakeExecContext(params);
  executor::Executor exec(ctx);
  // The join: source rows indexed by ON's equalities, each candidate pair checked with all of ON.
  ASSIGN_OR_RETURN(DmlFromRows from_rows, DmlFromRows::Make(exec, *source, width, on.get()));
  const executor::RowSet& source_rows = from_rows.rows();
  std::vector<std::pair<std::string, Row>> target_rows;
  RETURN_IF_ERROR(storage::TableStore::Scan(Txn(), table->id, table->ColumnTypes(),
                                            [&](std::string_view key, Row& row) -> Result<bool> {
                                              target_rows.emplace_back(std::string(key), row);
                                              return true;
                                            }));

  struct Change {
    size_t target;
    const BoundMergeClause* clause;
    Row row;  // UPDATE: the new row
  };
  std::vector<Change> changes;
  std::vector<bool> source_matched(source_rows.size(), false);
  Row combined;
  for (size_t t = 0; t < target_rows.size(); t++) {
    bool acted = false;
    RETURN_IF_ERROR(from_rows.ForEachMatch(
        exec, target_rows[t].second, &combined, [&](size_t j) -> Result<bool> {
          source_matched[j] = true;
          for (const auto& c : clauses) {
            if (!c.clause->matched) continue;
            if (c.condition) {
              ASSIGN_OR_RETURN(bool ok, exec.EvaluatePredicate(*c.condition, combined));
              if (!ok) continue;
            }
            if (c.clause->action == parser::MergeClause::Action::kNothing) break;
            if (acted) {
              return Status::Error(sqlstate::kCardinalityViolation,
                                   "MERGE command cannot affect row a second time")
                  .WithHint("Ensure that not more than one source row matches any one target row.");
            }
            acted = true;
            Change change{t, &c, {}};
            if (c.clause->action == parser::MergeClause::Action::kUpdate) {
              change.row = target_rows[t].second;
              for (const auto& [idx, e] : c.sets) {
                ASSIGN_OR_RETURN(change.row[static_cast<size_t>(idx)], exec.Evaluate(*e, combined));
              }
            }
            changes.push_back(std::move(change));
            break;
          }
          return true;
        }));
  }

  // Rows to insert: the source rows no target row matched, through the first NOT MATCHED clause
  // whose condition holds.
  std::vector<Row> inserts;
  combined.assign(width + source->types.size(), Value());
  for (size_t i = 0; i < width; i++) combined[i] = Value::Null(table->columns[i].type);
  for (size_t j = 0; j < source_rows.size(); j++) {
    if (source_matched[j]) continue;
    std::copy(source_rows[j].begin(), source_rows[j].end(),
              combined.begin() + static_cast<std::ptrdiff_t>(width));
    for (const auto& c : clauses) {
      if (c.clause->matched) continue;
      if (c.condition) {
        ASSIGN_OR_RETURN(bool ok, exec.EvaluatePredicate(*c.condition, combined));
        if (!ok) continue;
      }
      if (c.clause->action == parser::MergeClause::Action::kInsert) {
        Row row(width);
        std::vector<bool> given(width, false);
        for (size_t k = 0; k < c.targets.size(); k++) {
          size_t col = static_cast<size_t>(c.targets[k]);
          if (!c.values[k]) continue;
          ASSIGN_OR_RETURN(row[col], exec.Evaluate(*c.values[k], combined));
          given[col] = true;
        }
        for (size_t col = 0; col < width; col++) {
          if (given[col]) continue;
          if (defaults[col]) {
            ASSIGN_OR_RETURN(row[col], exec.Evaluate(*defaults[col], Row()));
          } else {
            row[col] = Value::Null(table->columns[col].type);
          }
        }
        inserts.push_back(std::move(row));
      }
      break;
    }
  }

  for (auto& change : changes) {
    const auto& [key, old_row] = target_rows[change.target];
    if (change.clause->clause->action == parser::MergeClause::Action::kDelete) {
      RETURN_IF_ERROR(writer_.Delete(Write(), *table, key, old_row));
    } else {
      RETURN_IF_ERROR(writer_.Replace(Write(), *table, key, old_row, std::move(change.row)));
    }
  }
  for (Row& row : inserts) RETURN_IF_ERROR(writer_.Insert(Write(), *table, std::move(row)));
  sink.Complete("MERGE " + std::to_string(changes.size() + inserts.size()));
  return Status::OK();
}

}  // namespace freshet::engine
