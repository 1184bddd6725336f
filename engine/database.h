#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/memory_budget.h"
#include "common/status.h"
#include "engine/connectors.h"
#include "engine/statement_lock.h"
#include "engine/stream_engine.h"
#include "executor/dataflow.h"
#include "ingest/generator.h"
#include "pgwire/backend.h"
#include "planner/catalog.h"
#include "storage/log.h"
#include "storage/store.h"

namespace freshet::engine {

/// Owns everything a running Freshet has: the store, the partitioned log, the catalog, the
/// stream engine that maintains materialized views, and the sessions' statement lock.
/// Implements pgwire::Backend so the protocol layer can open sessions.
class Database : public pgwire::Backend {
 public:
  static constexpr const char* kDatabaseName = "freshet";
  /// What one operator state entry is counted as when the view state limit is derived from the
  /// memory limit (a key, a row and the hash table's overhead).
  static constexpr int64_t kBytesPerStateEntry = 512;

  ~Database() override;
  /// Opens the data directory, loads the catalog and restarts every view's dataflow from its
  /// persisted state.
  static Result<std::unique_ptr<Database>> Open(const std::string& data_dir,
                                                StreamEngineOptions options = {});

  Result<std::unique_ptr<pgwire::BackendSession>> StartSession(
      const std::vector<std::pair<std::string, std::string>>& params) override;

  /// Clean shutdown (SIGTERM): the views process what was committed, a checkpoint is written and
  /// memtables are flushed, so the next start replays nothing.
  Status Shutdown();

  storage::Store& store() { return *store_; }
  storage::Log& log() { return *log_; }
  StreamEngine& engine() { return *engine_; }
  planner::Catalog& catalog() { return catalog_; }
  /// Shared by statements that only read the catalog, exclusive for DDL (see StatementLock).
  StatementLock& statement_lock() { return statement_lock_; }
  /// The memory statements hold (StreamEngineOptions::memory_limit_bytes).
  MemoryPool& memory_pool() { return *memory_pool_; }
  /// Where statements' sorts and hash tables spill: `tmp` in the data directory, emptied at
  /// startup (spill files are unlinked as they are made, so it is normally empty).
  const std::string& spill_dir() const { return spill_dir_; }
  /// What statements spilled since startup (pg_stat_database's temp_files and temp_bytes).
  executor::SpillStats& spill_stats() { return spill_stats_; }
  /// The running connectors (Kafka sources and tables).
  Connectors& connectors() { return *connectors_; }
  /// Re-reads the catalog from the store (after a rolled-back DDL) and brings the set of
  /// maintained views in line with it.
  Status ReloadCatalog();

  /// The batch engine's plan of a bound query: optimized with the tables' row counts.
  planner::PlanPtr OptimizeQuery(planner::PlanPtr plan);

  // --- Materialized views ---
  /// Compiles a bound view query into a (not yet running) dataflow for view `id`; views over
  /// materialized views expand to their definitions. Plans are optimized without statistics
  /// (planner::OptimizerOptions::row_count), so a definition gives the same dataflow at every
  /// start. 0A000 for what cannot be maintained.
  Result<std::unique_ptr<executor::Dataflow>> CompileView(uint64_t id, planner::PlanPtr plan,
                                                          executor::ViewOptions options = {});
  /// A view's emit mode and allowed lateness, from its catalog options.
  static executor::ViewOptions ViewOptionsOf(const planner::TableDef& def);
  /// Starts maintaining a materialized view of the catalog (restoring or backfilling it).
  Status StartView(const planner::TableDef& def);
  /// Stops maintaining a view; its state stays until DropViewState.
  void StopView(uint64_t id) { engine_->Remove(id); }
  Status DropViewState(uint64_t id) { return engine_->DropState(id); }
  /// Registers a new table's changelog topic.
  Status OpenTopic(uint64_t table_id);
  /// Registers a 'log' source's topic (its declared partitions).
  Status OpenSourceTopic(const planner::TableDef& source);
  /// The generator behind a 'nexmark' or 'datagen' source.
  Result<std::unique_ptr<ingest::Generator>> SourceGenerator(const planner::TableDef& source);
  /// Forgets a dropped table's topic and deletes its records.
  Status DropTopic(uint64_t table_id);

 private:
  Database() = default;
  /// Binds a materialized view's stored definition.
  Result<planner::PlanPtr> BindDefinition(const planner::TableDef& def);
  /// freshet_catalog relations: dataflows, backfills, topics, consumer_lag.
  std::optional<planner::SystemRelationData> SystemRelation(const std::string& name);
  /// Compiles the dataflow of catalog view `id` (the stream engine's compiler).
  Result<std::unique_ptr<executor::Dataflow>> CompileById(uint64_t id);

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::Log> log_;
  planner::Catalog catalog_;
  StatementLock statement_lock_;
  std::unique_ptr<MemoryPool> memory_pool_;
  std::string spill_dir_;
  executor::SpillStats spill_stats_;
  std::unique_ptr<StreamEngine> engine_;
  std::unique_ptr<Connectors> connectors_;  // started last, stopped first
};

}  // namespace freshet::engine
