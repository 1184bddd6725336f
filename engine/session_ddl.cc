// CREATE / DROP / ALTER / TRUNCATE.

#include <algorithm>
#include <functional>
#include <set>

#include "engine/database.h"
#include "engine/kafka_source.h"
#include "engine/session.h"
#include "executor/dataflow_builder.h"
#include "parser/parser.h"
#include "storage/connector_state.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

using planner::RelationKind;
using planner::TableDef;

namespace {

std::string CatalogKey(uint64_t id) {
  std::string k = "r";
  storage::KeyCodec::AppendU64(&k, id);
  return k;
}

const char* KindName(RelationKind k) {
  switch (k) {
    case RelationKind::kTable:
      return "table";
    case RelationKind::kView:
      return "view";
    case RelationKind::kMaterializedView:
      return "materialized view";
    case RelationKind::kSource:
      return "source";
    case RelationKind::kIndex:
      return "index";
    case RelationKind::kSink:
      return "sink";
  }
  return "relation";
}

/// Collects the relation names a query reads (FROM items, including nested subqueries).
void CollectRelations(const parser::SelectStmt& s, std::set<std::string>* out,
                      std::set<std::string> ctes);

void CollectFromExpr(const parser::Expr& e, std::set<std::string>* out,
                     const std::set<std::string>& ctes) {
  if (e.subquery) CollectRelations(*e.subquery, out, ctes);
  for (const auto& c : e.children) {
    if (c) CollectFromExpr(*c, out, ctes);
  }
}

void CollectFromRef(const parser::TableRef& r, std::set<std::string>* out,
                    const std::set<std::string>& ctes) {
  switch (r.kind) {
    case parser::TableRef::Kind::kBase:
      if (!ctes.count(r.names.back())) out->insert(r.names.back());
      break;
    case parser::TableRef::Kind::kSubquery:
      CollectRelations(*r.subquery, out, ctes);
      break;
    case parser::TableRef::Kind::kJoin:
      CollectFromRef(*r.left, out, ctes);
      CollectFromRef(*r.right, out, ctes);
      if (r.join_condition) CollectFromExpr(*r.join_condition, out, ctes);
      break;
    case parser::TableRef::Kind::kFunction:
      // A window TVF reads the relation it names first.
      if (r.function && !r.function->children.empty() &&
          r.function->children[0]->kind == parser::ExprKind::kColumnRef &&
          !r.function->children[0]->names.empty() && !r.function->names.empty()) {
        std::string f = r.function->names.back();
        for (auto& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (f == "tumble" || f == "hop" || f == "cumulate" || f == "session") {
          const std::string& rel = r.function->children[0]->names.back();
          if (!ctes.count(rel)) out->insert(rel);
        }
      }
      break;
  }
}

void CollectRelations(const parser::SelectStmt& s, std::set<std::string>* out,
                      std::set<std::string> ctes) {
  for (const auto& c : s.ctes) {
    CollectRelations(*c.query, out, ctes);
    ctes.insert(c.name);
  }
  for (const auto& f : s.from) CollectFromRef(*f, out, ctes);
  if (s.where) CollectFromExpr(*s.where, out, ctes);
  if (s.having) CollectFromExpr(*s.having, out, ctes);
  for (const auto& t : s.targets) {
    if (t.expr) CollectFromExpr(*t.expr, out, ctes);
  }
  if (s.left) CollectRelations(*s.left, out, ctes);
  if (s.right) CollectRelations(*s.right, out, ctes);
}

}  // namespace

void Session::CollectDependencies(const parser::SelectStmt& query, std::set<std::string>* out) {
  CollectRelations(query, out, {});
}

Result<SqlType> Session::ResolveType(const parser::TypeName& name) {
  int32_t m1 = name.modifiers.size() > 0 ? name.modifiers[0] : -1;
  int32_t m2 = name.modifiers.size() > 1 ? name.modifiers[1] : -1;
  SqlType type = TypeFromName(name.name, m1, m2);
  if (type.id == TypeId::kUnknown || name.is_array) {
    return Status::Error(sqlstate::kUndefinedObject,
                         "type \"" + name.name + (name.is_array ? "[]" : "") + "\" does not exist",
                         name.position);
  }
  if (type.id == TypeId::kNumeric && m1 >= 0 && (m1 < 1 || m1 > Decimal::kMaxDigits)) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "NUMERIC precision " + std::to_string(m1) + " must be between 1 and " +
                             std::to_string(Decimal::kMaxDigits));
  }
  if ((type.id == TypeId::kVarchar || type.id == TypeId::kChar) && m1 == 0) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "length for type " +
                             std::string(type.id == TypeId::kVarchar ? "varchar" : "char") +
                             " must be at least 1");
  }
  return type;
}

Status Session::PutCatalog(const TableDef& def) {
  Txn().Put(storage::Space::kCatalog, CatalogKey(def.id), def.Serialize());
  Write().MarkDdl();
  return Status::OK();
}

Status Session::DeleteCatalog(const TableDef& def) {
  Txn().Delete(storage::Space::kCatalog, CatalogKey(def.id));
  Write().MarkDdl();
  return Status::OK();
}

Result<bool> Session::RelationExists(const std::string& name, bool if_not_exists,
                                     const std::string& tag, pgwire::ResultSink& sink) {
  if (!db_.catalog().Find(name)) return false;
  if (!if_not_exists) {
    return Status::Error(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
  }
  sink.Notice("NOTICE", sqlstate::kDuplicateTable,
              "relation \"" + name + "\" already exists, skipping");
  sink.Complete(tag);
  return true;
}

Status Session::HandleCreateTable(const parser::CreateTableStatement& stmt,
                                  pgwire::ResultSink& sink) {
  const std::string& name = stmt.name.back();
  ASSIGN_OR_RETURN(bool exists, RelationExists(name, stmt.if_not_exists, "CREATE TABLE", sink));
  if (exists) return Status::OK();  // IF NOT EXISTS: skipped
  if (stmt.watermark) {
    return Status::NotSupported("WATERMARK on tables is not supported yet");
  }
  TableDef def;
  def.name = name;
  def.kind = RelationKind::kTable;
  planner::Binder binder(db_.catalog());
  std::unique_ptr<planner::LogicalPlan> as_plan;
  if (stmt.as_query) {
    ASSIGN_OR_RETURN(as_plan, binder.BindQuery(*stmt.as_query));
    for (size_t i = 0; i < as_plan->types.size(); i++) {
      planner::ColumnDef c;
      c.name = as_plan->names[i];
      c.type = as_plan->types[i];
      def.columns.push_back(c);
    }
  }
  for (const auto& col : stmt.columns) {
    planner::ColumnDef c;
    c.name = col.name;
    ASSIGN_OR_RETURN(c.type, ResolveType(col.type));
    c.not_null = col.not_null || col.primary_key;
    c.default_expr = col.default_text;
    for (const auto& existing : def.columns) {
      if (existing.name == c.name) {
        return Status::Error(sqlstate::kDuplicateColumn,
                             "column \"" + c.name + "\" specified more than once", col.position);
      }
    }
    if (col.primary_key) {
      if (!def.primary_key.empty()) {
        return Status::Error(sqlstate::kInvalidTableDefinition,
                             "multiple primary keys for table \"" + name + "\" are not allowed");
      }
      def.primary_key.push_back(static_cast<int>(def.columns.size()));
    }
    if (!c.default_expr.empty()) {
      // Validate the default now: it must bind and be assignable to the column.
      ASSIGN_OR_RETURN(auto expr, parser::Parser::ParseExpression(c.default_expr));
      planner::Scope none;
      ASSIGN_OR_RETURN(auto bound, binder.BindScalar(*expr, none));
      RETURN_IF_ERROR(binder.CoerceForAssignment(std::move(bound), c.type, c.name).status());
    }
    def.columns.push_back(c);
  }
  if (!stmt.primary_key.empty()) {
    if (!def.primary_key.empty()) {
      return Status::Error(sqlstate::kInvalidTableDefinition,
                           "multiple primary keys for table \"" + name + "\" are not allowed");
    }
    for (const auto& pk : stmt.primary_key) {
      int idx = def.FindColumn(pk);
      if (idx < 0) {
        return Status::Error(sqlstate::kUndefinedColumn,
                             "column \"" + pk + "\" named in key does not exist");
      }
      def.primary_key.push_back(idx);
      def.columns[idx].not_null = true;
    }
  }
  // UNIQUE constraints: column-level and table-level, each with its own index key space.
  std::vector<std::vector<std::string>> uniques = stmt.unique_constraints;
  for (const auto& col : stmt.columns) {
    if (col.unique && !col.primary_key) uniques.push_back({col.name});
  }
  for (const auto& names : uniques) {
    std::vector<int> cols;
    for (const auto& n : names) {
      int idx = def.FindColumn(n);
      if (idx < 0) {
        return Status::Error(sqlstate::kUndefinedColumn,
                             "column \"" + n + "\" named in key does not exist");
      }
      cols.push_back(idx);
    }
    if (cols == def.primary_key) continue;
    def.unique_keys.push_back(cols);
    def.unique_ids.push_back(db_.catalog().AllocateId());
  }
  for (const auto& opt : stmt.with_options) def.options.emplace_back(opt.key, opt.value);
  if (!def.options.empty()) {
    if (def.Option("connector") != "kafka") {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           def.Option("connector").empty()
                               ? "unrecognized table option \"" + def.options[0].first + "\""
                               : "connector '" + def.Option("connector") +
                                     "' is not supported for tables (kafka is)");
    }
    if (as_plan) return Status::NotSupported("CREATE TABLE AS with a connector");
    RETURN_IF_ERROR(PrepareKafkaDefinition(&def));
    Write().AfterCommit([this] {
      db_.connectors().Reconcile();
      return Status::OK();
    });
  }
  def.id = db_.catalog().AllocateId();
  RETURN_IF_ERROR(PutCatalog(def));
  auto shared = std::make_shared<TableDef>(std::move(def));
  db_.catalog().Put(shared);
  RETURN_IF_ERROR(db_.OpenTopic(shared->id));
  if (as_plan) {
    executor::ExecContext ctx = MakeExecContext({});
    executor::Executor exec(ctx);
    as_plan = db_.OptimizeQuery(std::move(as_plan));
    ASSIGN_OR_RETURN(executor::RowSet rows, exec.Execute(*as_plan));
    for (Row& r : rows) RETURN_IF_ERROR(writer_.Insert(Write(), *shared, std::move(r)));
    sink.Complete("SELECT " + std::to_string(rows.size()));
    return Status::OK();
  }
  sink.Complete("CREATE TABLE");
  return Status::OK();
}

Status Session::HandleCreateView(const parser::CreateViewStatement& stmt, std::string_view sql,
                                 pgwire::ResultSink& sink) {
  if (std::any_of(stmt.query->ctes.begin(), stmt.query->ctes.end(),
                  [](const parser::CommonTableExpr& cte) { return cte.dml != nullptr; })) {
    return Status::Error(sqlstate::kFeatureNotSupported,
                         stmt.materialized
                             ? "materialized views must not use data-modifying statements in WITH"
                             : "views must not contain data-modifying statements in WITH");
  }
  if (stmt.materialized) return HandleCreateMaterializedView(stmt, sql, sink);
  const std::string& name = stmt.name.back();
  auto existing = db_.catalog().Find(name);
  if (existing && !stmt.or_replace) {
    if (stmt.if_not_exists) {
      sink.Notice("NOTICE", sqlstate::kDuplicateTable,
                  "relation \"" + name + "\" already exists, skipping");
      sink.Complete("CREATE VIEW");
      return Status::OK();
    }
    return Status::Error(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
  }
  if (existing && existing->kind != RelationKind::kView) {
    return Status::Error(sqlstate::kWrongObjectType, "\"" + name + "\" is not a view");
  }
  planner::Binder binder(db_.catalog());
  ASSIGN_OR_RETURN(auto plan, binder.BindQuery(*stmt.query));
  if (stmt.column_names.size() > plan->names.size()) {
    return Status::Error(sqlstate::kSyntaxError,
                         "CREATE VIEW specifies more column names than columns");
  }
  TableDef def;
  def.id = existing ? existing->id : db_.catalog().AllocateId();
  def.name = name;
  def.kind = RelationKind::kView;
  def.definition = stmt.query_text.empty() ? std::string(sql) : stmt.query_text;
  for (size_t i = 0; i < plan->names.size(); i++) {
    planner::ColumnDef c;
    c.name = i < stmt.column_names.size() ? stmt.column_names[i] : plan->names[i];
    c.type = plan->types[i];
    def.columns.push_back(c);
  }
  std::set<std::string> deps;
  CollectRelations(*stmt.query, &deps, {});
  def.depends_on.assign(deps.begin(), deps.end());
  RETURN_IF_ERROR(PutCatalog(def));
  db_.catalog().Put(std::make_shared<TableDef>(std::move(def)));
  sink.Complete("CREATE VIEW");
  return Status::OK();
}

Status Session::HandleCreateMaterializedView(const parser::CreateViewStatement& stmt,
                                             std::string_view sql, pgwire::ResultSink& sink) {
  const std::string& name = stmt.name.back();
  ASSIGN_OR_RETURN(bool exists,
                   RelationExists(name, stmt.if_not_exists, "CREATE MATERIALIZED VIEW", sink));
  if (exists) return Status::OK();  // IF NOT EXISTS: skipped
  bool background = false;
  std::vector<std::pair<std::string, std::string>> view_options;
  if (stmt.query->emit_mode == "window_close") view_options.emplace_back("emit", "window_close");
  for (const auto& opt : stmt.with_options) {
    if (opt.key == "allowed_lateness") {
      auto iv = datetime::ParseInterval(opt.value);
      if (!iv.ok() || iv->months != 0 || iv->days < 0 || iv->micros < 0) {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             "invalid value for option \"allowed_lateness\": \"" + opt.value +
                                 "\" (a fixed interval such as '5 seconds')");
      }
      view_options.emplace_back("allowed_lateness",
                                std::to_string(iv->days * datetime::kMicrosPerDay + iv->micros));
      continue;
    }
    if (opt.key == "background") {
      std::string v = opt.value;
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (v == "true" || v == "on" || v == "1") {
        background = true;
      } else if (!(v == "false" || v == "off" || v == "0")) {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             "invalid value for option \"background\": \"" + opt.value + "\"");
      }
    } else {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "unrecognized materialized view option \"" + opt.key + "\"");
    }
  }
  planner::Binder binder(db_.catalog());
  ASSIGN_OR_RETURN(auto plan, binder.BindQuery(*stmt.query));
  if (stmt.column_names.size() > plan->names.size()) {
    return Status::Error(sqlstate::kSyntaxError, "too many column names were specified");
  }
  TableDef def;
  def.name = name;
  def.kind = RelationKind::kMaterializedView;
  def.definition = stmt.query_text.empty() ? std::string(sql) : stmt.query_text;
  for (size_t i = 0; i < plan->names.size(); i++) {
    planner::ColumnDef c;
    c.name = i < stmt.column_names.size() ? stmt.column_names[i] : plan->names[i];
    c.type = plan->types[i];
    def.columns.push_back(c);
  }
  def.options = view_options;
  // Refuse shapes that cannot be maintained before anything is written. The view's rows are
  // stored by the unique key of the dataflow's (optimized) plan when it has one; point lookups
  // build it.
  ASSIGN_OR_RETURN(auto compiled,
                   db_.CompileView(0, std::move(plan), Database::ViewOptionsOf(def)));
  if (const auto& key = compiled->contents_key()) def.primary_key = *key;
  std::set<std::string> deps;
  CollectRelations(*stmt.query, &deps, {});
  def.depends_on.assign(deps.begin(), deps.end());
  def.id = db_.catalog().AllocateId();
  RETURN_IF_ERROR(PutCatalog(def));
  auto shared = std::make_shared<TableDef>(std::move(def));
  db_.catalog().Put(shared);
  uint64_t id = shared->id;
  Write().created_views().insert(id);
  // The dataflow starts once the catalog entry commits, from a snapshot that includes everything
  // committed before it (this transaction's writes too).
  Write().AfterCommit([this, shared] { return db_.StartView(*shared); });
  if (state_ == TxnState::kBlock || background) {
    sink.Complete("CREATE MATERIALIZED VIEW");
    return Status::OK();
  }
  // Outside a block the statement commits here and returns once the backfill is done.
  state_ = TxnState::kIdle;
  RETURN_IF_ERROR(CommitImplicit());
  int64_t deadline =
      statement_timeout_ms_ > 0 ? statement_start_ + statement_timeout_ms_ * 1000 : 0;
  // Writes racing the backfill are fine (they reach the view through the log), so other
  // sessions keep working while it runs.
  RETURN_IF_ERROR(WaitUnlocked([&] {
    return db_.engine().WaitBackfill(
        id,
        [&](size_t rows) {
          sink.Notice("NOTICE", sqlstate::kSuccess,
                      "materialized view \"" + name + "\": backfill " + std::to_string(rows) +
                          " rows so far");
          sink.Flush();
        },
        &cancel_, deadline);
  }));
  sink.Complete("CREATE MATERIALIZED VIEW");
  return Status::OK();
}

Status Session::HandleDrop(const parser::DropStatement& stmt, pgwire::ResultSink& sink) {
  RelationKind want;
  std::string tag;
  switch (stmt.object) {
    case parser::ObjectKind::kTable:
      want = RelationKind::kTable;
      tag = "DROP TABLE";
      break;
    case parser::ObjectKind::kView:
      want = RelationKind::kView;
      tag = "DROP VIEW";
      break;
    case parser::ObjectKind::kMaterializedView:
      want = RelationKind::kMaterializedView;
      tag = "DROP MATERIALIZED VIEW";
      break;
    case parser::ObjectKind::kIndex:
      want = RelationKind::kIndex;
      tag = "DROP INDEX";
      break;
    case parser::ObjectKind::kSource:
      want = RelationKind::kSource;
      tag = "DROP SOURCE";
      break;
    case parser::ObjectKind::kSink:
      want = RelationKind::kSink;
      tag = "DROP SINK";
      break;
    default:
      return Status::NotSupported("DROP of this object kind is not supported");
  }
  // Resolve every name first: one missing name fails the whole statement.
  std::vector<std::shared_ptr<const TableDef>> targets;
  for (const auto& n : stmt.names) {
    auto def = db_.catalog().Find(n.back());
    if (!def || (def->kind != want &&
                 !(want == RelationKind::kTable && def->kind == RelationKind::kSource && false))) {
      if (def && def->kind != want) {
        return Status::Error(sqlstate::kWrongObjectType,
                             "\"" + n.back() + "\" is not a " + KindName(want))
            .WithHint(std::string("Use DROP ") +
                      (def->kind == RelationKind::kView    ? "VIEW"
                       : def->kind == RelationKind::kIndex ? "INDEX"
                                                           : "TABLE") +
                      " to remove a " + KindName(def->kind) + ".");
      }
      if (stmt.if_exists) {
        sink.Notice("NOTICE", "00000",
                    std::string(KindName(want)) + " \"" + n.back() + "\" does not exist, skipping");
        continue;
      }
      return Status::Error(
          want == RelationKind::kIndex ? sqlstate::kUndefinedObject : sqlstate::kUndefinedTable,
          std::string(KindName(want)) + " \"" + n.back() + "\" does not exist");
    }
    targets.push_back(def);
  }
  // Dependents (views over it, indexes on it).
  std::function<Status(const TableDef&)> drop = [&](const TableDef& def) -> Status {
    for (const auto& other : db_.catalog().All()) {
      if (other->name == def.name) continue;
      bool depends = std::find(other->depends_on.begin(), other->depends_on.end(), def.name) !=
                     other->depends_on.end();
      if (!depends) continue;
      if (other->kind == RelationKind::kIndex) {
        RETURN_IF_ERROR(drop(*other));
        continue;
      }
      bool also_dropped = false;
      for (const auto& t : targets) also_dropped |= t->name == other->name;
      if (also_dropped) continue;
      if (!stmt.cascade) {
        return Status::Error(sqlstate::kDependentObjectsStillExist,
                             "cannot drop " + std::string(KindName(def.kind)) + " " + def.name +
                                 " because other objects depend on it")
            .WithDetail(std::string(KindName(other->kind)) + " " + other->name + " depends on " +
                        KindName(def.kind) + " " + def.name)
            .WithHint("Use DROP ... CASCADE to drop the dependent objects too.");
      }
      sink.Notice("NOTICE", "00000",
                  "drop cascades to " + std::string(KindName(other->kind)) + " " + other->name);
      RETURN_IF_ERROR(drop(*other));
    }
    if (!db_.catalog().Find(def.name)) return Status::OK();
    if (def.kind == RelationKind::kTable) RETURN_IF_ERROR(writer_.DeleteAll(Write(), def, false));
    if (def.kind == RelationKind::kIndex) RETURN_IF_ERROR(DropIndexEntries(def));
    RETURN_IF_ERROR(DeleteCatalog(def));
    db_.catalog().Remove(def.name);
    uint64_t id = def.id;
    if (def.kind == RelationKind::kMaterializedView || def.kind == RelationKind::kSink) {
      // Maintenance stops now; the state goes once the DROP commits (a rollback restarts the
      // view from it).
      db_.StopView(id);
      Write().created_views().erase(id);
      Write().AfterCommit([this, id] { return db_.DropViewState(id); });
    } else if (def.kind == RelationKind::kTable || def.kind == RelationKind::kSource) {
      Write().DiscardChanges(id);
      // A connector's offsets and errors go with it.
      if (IsKafkaConnector(def)) RETURN_IF_ERROR(storage::ConnectorState::DeleteAll(Txn(), id));
      Write().AfterCommit([this, id] { return db_.DropTopic(id); });
    }
    if (IsKafkaConnector(def)) {
      // Its connector stops once the DROP commits.
      Write().AfterCommit([this] {
        db_.connectors().Reconcile();
        return Status::OK();
      });
    }
    return Status::OK();
  };
  for (const auto& t : targets) RETURN_IF_ERROR(drop(*t));
  sink.Complete(tag);
  return Status::OK();
}

Status Session::HandleAlterTable(const parser::AlterTableStatement& stmt,
                                 pgwire::ResultSink& sink) {
  auto existing = db_.catalog().Find(stmt.table.back());
  if (!existing || existing->kind != RelationKind::kTable) {
    if (stmt.if_exists && !existing) {
      sink.Notice("NOTICE", "00000",
                  "relation \"" + stmt.table.back() + "\" does not exist, skipping");
      sink.Complete("ALTER TABLE");
      return Status::OK();
    }
    return Status::Error(sqlstate::kUndefinedTable,
                         "relation \"" + stmt.table.back() + "\" does not exist");
  }
  TableDef def = *existing;
  def.next_row_id = existing->next_row_id;
  std::vector<SqlType> old_types = existing->ColumnTypes();
  using A = parser::AlterTableStatement::Action;
  auto rewrite = [&](const std::function<Result<Row>(Row)>& fn) -> Status {
    std::vector<std::pair<std::string, Row>> rows;
    RETURN_IF_ERROR(storage::TableStore::Scan(Txn(), def.id, old_types,
                                              [&](std::string_view key, Row& row) -> Result<bool> {
                                                rows.emplace_back(std::string(key), row);
                                                return true;
                                              }));
    for (auto& [key, row] : rows) {
      ASSIGN_OR_RETURN(Row r, fn(std::move(row)));
      storage::TableStore::Put(Txn(), key, r);
    }
    return Status::OK();
  };
  switch (stmt.action) {
    case A::kAddColumn: {
      const auto& col = stmt.column;
      if (def.FindColumn(col.name) >= 0) {
        if (stmt.if_not_exists) {
          sink.Notice("NOTICE", sqlstate::kDuplicateColumn,
                      "column \"" + col.name + "\" of relation \"" + def.name +
                          "\" already exists, skipping");
          sink.Complete("ALTER TABLE");
          return Status::OK();
        }
        return Status::Error(
            sqlstate::kDuplicateColumn,
            "column \"" + col.name + "\" of relation \"" + def.name + "\" already exists");
      }
      planner::ColumnDef c;
      c.name = col.name;
      ASSIGN_OR_RETURN(c.type, ResolveType(col.type));
      c.not_null = col.not_null;
      c.default_expr = col.default_text;
      Value fill = Value::Null(c.type);
      if (!c.default_expr.empty()) {
        planner::Binder binder(db_.catalog());
        ASSIGN_OR_RETURN(auto expr, parser::Parser::ParseExpression(c.default_expr));
        planner::Scope none;
        ASSIGN_OR_RETURN(auto bound, binder.BindScalar(*expr, none));
        ASSIGN_OR_RETURN(bound, binder.CoerceForAssignment(std::move(bound), c.type, c.name));
        executor::ExecContext ctx = MakeExecContext({});
        executor::Executor exec(ctx);
        ASSIGN_OR_RETURN(fill, exec.Evaluate(*bound, Row{}));
      }
      bool has_rows = false;
      RETURN_IF_ERROR(rewrite([&](Row r) -> Result<Row> {
        has_rows = true;
        r.push_back(fill);
        return r;
      }));
      if (c.not_null && fill.is_null() && has_rows) {
        return Status::Error(
            sqlstate::kNotNullViolation,
            "column \"" + c.name + "\" of relation \"" + def.name + "\" contains null values");
      }
      def.columns.push_back(c);
      break;
    }
    case A::kDropColumn: {
      int idx = def.FindColumn(stmt.column_name);
      if (idx < 0) {
        if (stmt.column_if_exists) {
          sink.Notice("NOTICE", "00000",
                      "column \"" + stmt.column_name + "\" of relation \"" + def.name +
                          "\" does not exist, skipping");
          sink.Complete("ALTER TABLE");
          return Status::OK();
        }
        return Status::Error(
            sqlstate::kUndefinedColumn,
            "column \"" + stmt.column_name + "\" of relation \"" + def.name + "\" does not exist");
      }
      for (const auto& other : db_.catalog().All()) {
        if ((other->kind == RelationKind::kView ||
             other->kind == RelationKind::kMaterializedView) &&
            std::find(other->depends_on.begin(), other->depends_on.end(), def.name) !=
                other->depends_on.end()) {
          return Status::Error(sqlstate::kDependentObjectsStillExist,
                               "cannot drop column " + stmt.column_name + " of table " + def.name +
                                   " because other objects depend on it")
              .WithDetail("view " + other->name + " depends on table " + def.name);
        }
      }
      if (def.columns.size() == 1) {
        return Status::NotSupported("cannot drop the only column of a table yet");
      }
      bool in_pk =
          std::find(def.primary_key.begin(), def.primary_key.end(), idx) != def.primary_key.end();
      if (in_pk) {
        return Status::NotSupported("dropping a primary-key column is not supported yet");
      }
      for (const auto& key : def.unique_keys) {
        if (std::find(key.begin(), key.end(), idx) != key.end()) {
          return Status::NotSupported(
              "dropping a column of a UNIQUE constraint is not supported yet");
        }
      }
      for (const auto& index : def.indexes) {
        if (std::find(index.columns.begin(), index.columns.end(), idx) != index.columns.end()) {
          return Status::NotSupported("dropping a column of index \"" + index.name +
                                      "\" is not supported yet")
              .WithHint("DROP INDEX " + index.name + " first.");
        }
      }
      RETURN_IF_ERROR(rewrite([&](Row r) -> Result<Row> {
        r.erase(r.begin() + idx);
        return r;
      }));
      for (auto& index : def.indexes) {
        for (int& k : index.columns) {
          if (k > idx) k--;
        }
      }
      def.columns.erase(def.columns.begin() + idx);
      for (int& k : def.primary_key) {
        if (k > idx) k--;
      }
      for (auto& key : def.unique_keys) {
        for (int& k : key) {
          if (k > idx) k--;
        }
      }
      break;
    }
    case A::kRenameColumn: {
      int idx = def.FindColumn(stmt.column_name);
      if (idx < 0) {
        return Status::Error(sqlstate::kUndefinedColumn,
                             "column \"" + stmt.column_name + "\" does not exist");
      }
      if (def.FindColumn(stmt.new_name) >= 0) {
        return Status::Error(
            sqlstate::kDuplicateColumn,
            "column \"" + stmt.new_name + "\" of relation \"" + def.name + "\" already exists");
      }
      def.columns[idx].name = stmt.new_name;
      break;
    }
    case A::kRenameTable: {
      for (const auto& other : db_.catalog().All()) {
        if (std::find(other->depends_on.begin(), other->depends_on.end(), def.name) !=
                other->depends_on.end() &&
            other->kind != RelationKind::kIndex) {
          return Status::Error(
                     sqlstate::kDependentObjectsStillExist,
                     "cannot rename table " + def.name + " because other objects depend on it")
              .WithDetail(std::string(KindName(other->kind)) + " " + other->name +
                          " depends on table " + def.name);
        }
      }
      if (db_.catalog().Find(stmt.new_name)) {
        return Status::Error(sqlstate::kDuplicateTable,
                             "relation \"" + stmt.new_name + "\" already exists");
      }
      // The table's indexes follow it.
      for (const auto& other : db_.catalog().All()) {
        if (other->kind != RelationKind::kIndex || other->on_table != def.name) continue;
        TableDef index = *other;
        index.on_table = stmt.new_name;
        std::replace(index.depends_on.begin(), index.depends_on.end(), def.name, stmt.new_name);
        RETURN_IF_ERROR(PutCatalog(index));
        db_.catalog().Put(std::make_shared<TableDef>(std::move(index)));
      }
      db_.catalog().Remove(def.name);
      def.name = stmt.new_name;
      break;
    }
  }
  RETURN_IF_ERROR(PutCatalog(def));
  db_.catalog().Put(std::make_shared<TableDef>(std::move(def)));
  sink.Complete("ALTER TABLE");
  return Status::OK();
}

Status Session::HandleTruncate(const parser::TruncateStatement& stmt, pgwire::ResultSink& sink) {
  std::vector<std::shared_ptr<const TableDef>> tables;
  for (const auto& n : stmt.tables) {
    ASSIGN_OR_RETURN(auto t, FindTable(n, 0));
    if (t->kind != RelationKind::kTable) {
      return Status::Error(sqlstate::kWrongObjectType, "\"" + t->name + "\" is not a table");
    }
    tables.push_back(t);
  }
  for (const auto& t : tables) RETURN_IF_ERROR(writer_.DeleteAll(Write(), *t, true));
  sink.Complete("TRUNCATE TABLE");
  return Status::OK();
}

}  // namespace freshet::engine
