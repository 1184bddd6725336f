#include "engine/database.h"

#include "engine/session.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

Result<std::unique_ptr<Database>> Database::Open(const std::string& data_dir) {
  auto db = std::unique_ptr<Database>(new Database());
  ASSIGN_OR_RETURN(db->store_, storage::Store::Open(data_dir));
  RETURN_IF_ERROR(db->ReloadCatalog());
  return db;
}

Status Database::ReloadCatalog() {
  std::vector<planner::TableDef> defs;
  Status decode_status;
  RETURN_IF_ERROR(
      store_->Scan(storage::Space::kCatalog, "", "", [&](std::string_view, std::string_view value) {
        auto def = planner::TableDef::Deserialize(value);
        if (!def.ok()) {
          decode_status = def.status();
          return false;
        }
        defs.push_back(std::move(*def));
        return true;
      }));
  RETURN_IF_ERROR(decode_status);
  catalog_.Clear();
  for (auto& def : defs) {
    if (def.kind == planner::RelationKind::kTable && def.primary_key.empty()) {
      ASSIGN_OR_RETURN(uint64_t max_id, storage::TableStore::MaxRowId(*store_, def.id));
      def.next_row_id->store(max_id + 1);
    }
    catalog_.Put(std::make_shared<planner::TableDef>(std::move(def)));
  }
  // Views: drop the ones the catalog no longer has, build the ones it gained.
  for (auto it = views_.begin(); it != views_.end();) {
    auto def = catalog_.Find(it->first);
    bool keep = def && def->kind == planner::RelationKind::kMaterializedView &&
                def->id == it->second.def->id;
    it = keep ? std::next(it) : views_.erase(it);
  }
  for (const auto& def : catalog_.All()) {
    if (def->kind == planner::RelationKind::kMaterializedView && !views_.count(def->name)) {
      Status s = BuildView(def);
      if (!s.ok()) views_[def->name] = MaterializedView{def, nullptr, s};
    }
  }
  return Status::OK();
}

bool Database::HasViewsOn(uint64_t table_id) const {
  for (const auto& [name, mv] : views_) {
    // A broken view is retried at every commit that writes anything.
    if (!mv.view || mv.view->sources().count(table_id)) return true;
  }
  return false;
}

Status Database::BuildView(std::shared_ptr<const planner::TableDef> def) {
  ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(def->definition));
  if (stmts.size() != 1 || stmts[0]->kind != parser::StmtKind::kSelect) {
    return Status::Internal("corrupt materialized view definition for " + def->name);
  }
  planner::Binder binder(catalog_);
  ASSIGN_OR_RETURN(planner::PlanPtr plan,
                   binder.BindQuery(*static_cast<parser::SelectStatement&>(*stmts[0]).query));
  ASSIGN_OR_RETURN(auto view, CompileView(std::move(plan)));
  // Backfill from the committed contents of the source tables, as one batch of insertions.
  executor::BaseChanges rows;
  auto txn = store_->Begin();
  for (const auto& t : catalog_.All()) {
    if (!view->sources().count(t->id)) continue;
    executor::ChangeSet& changes = rows[t->id];
    RETURN_IF_ERROR(storage::TableStore::Scan(*txn, t->id, t->ColumnTypes(),
                                              [&](std::string_view, Row& row) -> Result<bool> {
                                                changes.push_back({std::move(row), 1});
                                                return true;
                                              }));
  }
  txn->Rollback();
  executor::ExecContext ctx;
  executor::Executor exec(ctx);
  RETURN_IF_ERROR(view->Apply(rows, exec));
  std::string name = def->name;
  views_[name] = MaterializedView{std::move(def), std::move(view), Status::OK()};
  return Status::OK();
}

void Database::DropView(const std::string& name) { views_.erase(name); }

Result<std::unique_ptr<executor::IncrementalView>> Database::CompileView(planner::PlanPtr plan) {
  auto depth = std::make_shared<int>(0);
  std::function<Result<std::shared_ptr<const planner::LogicalPlan>>(const planner::TableDef&)>
      expand =
          [this, depth](
              const planner::TableDef& def) -> Result<std::shared_ptr<const planner::LogicalPlan>> {
    if (++*depth > 32) {
      return Status::Error(sqlstate::kProgramLimitExceeded, "views nested too deeply");
    }
    ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(def.definition));
    if (stmts.size() != 1 || stmts[0]->kind != parser::StmtKind::kSelect) {
      return Status::Internal("corrupt materialized view definition for " + def.name);
    }
    planner::Binder binder(catalog_);
    ASSIGN_OR_RETURN(planner::PlanPtr inner,
                     binder.BindQuery(*static_cast<parser::SelectStatement&>(*stmts[0]).query));
    return std::shared_ptr<const planner::LogicalPlan>(std::move(inner));
  };
  return executor::IncrementalView::Compile(std::move(plan), expand);
}

void Database::ApplyChanges(const executor::BaseChanges& changes,
                            const function::EvalContext& eval) {
  executor::ExecContext ctx;
  ctx.eval = eval;
  ctx.eval.cancel = nullptr;  // maintenance must not be cancelled half-way
  ctx.eval.deadline_micros = 0;
  executor::Executor exec(ctx);
  std::vector<std::string> failed;
  for (auto& [name, mv] : views_) {
    if (!mv.view) {
      failed.push_back(name);  // broken earlier: the data may allow it now, so try again
      continue;
    }
    bool affected = false;
    for (const auto& [table, rows] : changes) affected |= mv.view->sources().count(table) > 0;
    if (!affected) continue;
    if (!mv.view->Apply(changes, exec).ok()) failed.push_back(name);
  }
  for (const auto& name : failed) {
    auto def = views_[name].def;
    Status s = BuildView(def);
    if (!s.ok()) views_[name] = MaterializedView{def, nullptr, s};
  }
}

Result<executor::RowSet> Database::ReadView(const planner::TableDef& def) const {
  auto it = views_.find(def.name);
  if (it == views_.end()) {
    return Status::Internal("materialized view \"" + def.name + "\" is not maintained");
  }
  if (!it->second.view) return it->second.broken;
  return it->second.view->Contents();
}

Result<std::unique_ptr<pgwire::BackendSession>> Database::StartSession(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string user = "freshet", database;
  for (const auto& [k, v] : params) {
    if (k == "user") user = v;
    if (k == "database") database = v;
  }
  if (database.empty()) database = user;
  if (database != kDatabaseName) {
    return Status::Error(sqlstate::kInvalidCatalogName,
                         "database \"" + database + "\" does not exist");
  }
  return std::unique_ptr<pgwire::BackendSession>(new Session(*this, user, params));
}

}  // namespace freshet::engine
