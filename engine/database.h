#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "executor/incremental_view.h"
#include "pgwire/backend.h"
#include "planner/catalog.h"
#include "storage/store.h"

namespace freshet::engine {

/// Owns everything a running Freshet has: the store, the catalog, and the sessions' shared
/// execution lock. Implements pgwire::Backend so the protocol layer can open sessions.
class Database : public pgwire::Backend {
 public:
  static constexpr const char* kDatabaseName = "freshet";

  /// Opens the data directory and loads the catalog.
  static Result<std::unique_ptr<Database>> Open(const std::string& data_dir);

  Result<std::unique_ptr<pgwire::BackendSession>> StartSession(
      const std::vector<std::pair<std::string, std::string>>& params) override;

  storage::Store& store() { return *store_; }
  planner::Catalog& catalog() { return catalog_; }
  /// Statements run one at a time (the batch engine is single-writer for now).
  std::mutex& exec_mutex() { return exec_mu_; }
  /// Re-reads the catalog from the store (after a rolled-back DDL) and brings the set of
  /// maintained views in line with it.
  Status ReloadCatalog();

  // --- Materialized views (all calls under exec_mutex) ---
  /// True when some materialized view reads table `table_id` (its changes must be captured).
  bool HasViewsOn(uint64_t table_id) const;
  /// Compiles `def`'s query and fills it from the committed contents of its source table.
  Status BuildView(std::shared_ptr<const planner::TableDef> def);
  void DropView(const std::string& name);
  /// Applies committed base-table changes to every view that reads them (one batch per table).
  /// A view that fails is rebuilt from its table; if that fails too, reads of it return the error.
  void ApplyChanges(const executor::BaseChanges& changes, const function::EvalContext& eval);
  Result<executor::RowSet> ReadView(const planner::TableDef& def) const;
  /// Compiles a bound view query (views over materialized views expand to their definitions).
  Result<std::unique_ptr<executor::IncrementalView>> CompileView(planner::PlanPtr plan);

 private:
  struct MaterializedView {
    std::shared_ptr<const planner::TableDef> def;
    std::unique_ptr<executor::IncrementalView> view;
    Status broken;
  };

  std::unique_ptr<storage::Store> store_;
  planner::Catalog catalog_;
  std::mutex exec_mu_;
  std::map<std::string, MaterializedView> views_;
};

}  // namespace freshet::engine
