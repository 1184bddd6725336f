#include "engine/database.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "engine/session.h"
#include "ingest/option_reader.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "planner/optimizer.h"
#include "planner/system_catalog.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

namespace {
constexpr uint32_t kTablePartitions = 1;

/// Materialized views and sinks run as dataflows.
bool IsDataflow(const planner::TableDef& def) {
  return def.kind == planner::RelationKind::kMaterializedView ||
         def.kind == planner::RelationKind::kSink;
}
}  // namespace

Database::~Database() {
  if (connectors_) connectors_->StopAll();
  if (engine_) engine_->Stop();
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& data_dir,
                                                 StreamEngineOptions options) {
  auto db = std::unique_ptr<Database>(new Database());
  int64_t memory_limit = options.memory_limit_bytes;
  if (memory_limit <= 0) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    memory_limit =
        pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page / 2 : int64_t{1} << 32;
  }
  db->memory_pool_ = std::make_unique<MemoryPool>(memory_limit);
  if (options.max_epoch_view_bytes == 0) {
    options.max_epoch_view_bytes = static_cast<size_t>(memory_limit / 4);
  }
  if (options.max_view_state_entries == 0) {
    options.max_view_state_entries = static_cast<size_t>(memory_limit / kBytesPerStateEntry);
  }
  int64_t open_start = executor::SteadyMicros();
  // The store's block cache takes an eighth of the memory limit (64 MB to 2 GB).
  storage::StoreOptions store_options;
  store_options.block_cache_bytes = static_cast<uint64_t>(
      std::clamp<int64_t>(memory_limit / 8, int64_t{64} << 20, int64_t{2} << 30));
  ASSIGN_OR_RETURN(db->store_, storage::Store::Open(data_dir, store_options));
  int64_t open_micros = executor::SteadyMicros() - open_start;
  {
    // Spill files are unlinked once created; anything left here is from an older build.
    std::error_code ec;
    db->spill_dir_ = data_dir + "/tmp";
    std::filesystem::remove_all(db->spill_dir_, ec);
    std::filesystem::create_directories(db->spill_dir_, ec);
    if (ec) {
      return Status::Error(sqlstate::kIoError, "could not create directory \"" + db->spill_dir_ +
                                                   "\": " + ec.message());
    }
  }
  db->log_ = std::make_unique<storage::Log>(*db->store_);
  Database* raw = db.get();
  db->engine_ = std::make_unique<StreamEngine>(
      *db->store_, *db->log_, [raw](uint64_t id) { return raw->CompileById(id); }, options);
  db->catalog_.SetSystemRelations(
      [raw](const std::string& name) { return raw->SystemRelation(name); });
  int64_t restore_start = executor::SteadyMicros();
  RETURN_IF_ERROR(db->ReloadCatalog());
  // State of views the catalog no longer has (a DROP whose cleanup a crash interrupted).
  ASSIGN_OR_RETURN(auto persisted, db->engine_->PersistedIds());
  std::set<uint64_t> live;
  for (const auto& def : db->catalog_.All()) live.insert(def->id);
  for (uint64_t id : persisted) {
    if (!live.count(id)) RETURN_IF_ERROR(db->engine_->DropState(id));
  }
  db->engine_->RestoreDone(open_micros, executor::SteadyMicros() - restore_start);
  db->engine_->Start();
  db->connectors_ = std::make_unique<Connectors>(*db);
  db->connectors_->Reconcile();
  return db;
}

Status Database::Shutdown() {
  if (connectors_) connectors_->StopAll();
  return engine_->Shutdown();
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
    if (def.kind == planner::RelationKind::kTable) {
      if (def.primary_key.empty()) {
        ASSIGN_OR_RETURN(uint64_t max_id, storage::TableStore::MaxRowId(*store_, def.id));
        def.next_row_id->store(max_id + 1);
      }
      if (!log_->HasTopic(def.id)) RETURN_IF_ERROR(log_->OpenTopic(def.id, kTablePartitions));
    }
    if (def.kind == planner::RelationKind::kSource &&
        !ingest::IsGeneratorConnector(def.Option("connector", "log")) && !log_->HasTopic(def.id)) {
      RETURN_IF_ERROR(OpenSourceTopic(def));
    }
    catalog_.Put(std::make_shared<planner::TableDef>(std::move(def)));
  }
  // Views: stop the ones the catalog no longer has (their state goes: they never committed or
  // were dropped), start the ones it gained.
  std::set<uint64_t> wanted;
  for (const auto& def : catalog_.All()) {
    if (IsDataflow(*def)) wanted.insert(def->id);
  }
  for (const auto& info : engine_->Info()) {
    if (wanted.count(info.id)) continue;
    engine_->Remove(info.id);
    RETURN_IF_ERROR(engine_->DropState(info.id));
  }
  for (const auto& def : catalog_.All()) {
    if (!IsDataflow(*def) || engine_->Has(def->id)) continue;
    Status s = StartView(*def);
    if (!s.ok())
      spdlog::warn("materialized view {} cannot be maintained: {}", def->name, s.message());
  }
  if (connectors_) connectors_->Reconcile();
  return Status::OK();
}

Result<planner::PlanPtr> Database::BindDefinition(const planner::TableDef& def) {
  ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(def.definition));
  if (stmts.size() != 1 || stmts[0]->kind != parser::StmtKind::kSelect) {
    return Status::Internal("corrupt materialized view definition for " + def.name);
  }
  planner::Binder binder(catalog_);
  return binder.BindQuery(*static_cast<parser::SelectStatement&>(*stmts[0]).query);
}

planner::PlanPtr Database::OptimizeQuery(planner::PlanPtr plan) {
  planner::OptimizerOptions options;
  options.row_count = [this](const planner::TableDef& t) -> std::optional<double> {
    if (t.kind != planner::RelationKind::kTable) return std::nullopt;
    return static_cast<double>(store_->ApproximateCount(storage::Space::kData,
                                                        storage::TableStore::Prefix(t.id),
                                                        storage::TableStore::PrefixEnd(t.id)));
  };
  return planner::Optimize(std::move(plan), options);
}

executor::ViewOptions Database::ViewOptionsOf(const planner::TableDef& def) {
  executor::ViewOptions o;
  o.blackhole_sink = def.kind == planner::RelationKind::kSink;
  if (o.blackhole_sink && def.Option("connector") == "kafka") {
    o.blackhole_sink = false;
    o.outbox_sink = true;
    o.sink_name = "kafka " + def.Option("topic");
  }
  o.emit_on_window_close = def.Option("emit") == "window_close";
  o.allowed_lateness = std::atoll(def.Option("allowed_lateness", "0").c_str());
  return o;
}

Result<std::unique_ptr<executor::Dataflow>> Database::CompileView(uint64_t id,
                                                                  planner::PlanPtr plan,
                                                                  executor::ViewOptions options) {
  auto depth = std::make_shared<int>(0);
  executor::ExpandView expand =
      [this,
       depth](const planner::TableDef& def) -> Result<std::shared_ptr<const planner::LogicalPlan>> {
    if (++*depth > 32) {
      return Status::Error(sqlstate::kProgramLimitExceeded, "views nested too deeply");
    }
    ASSIGN_OR_RETURN(planner::PlanPtr inner, BindDefinition(def));
    return std::shared_ptr<const planner::LogicalPlan>(planner::Optimize(std::move(inner), {}));
  };
  // Without statistics: the same definition gives the same dataflow (and state) at every start.
  plan = planner::Optimize(std::move(plan), {});
  return executor::Dataflow::Build(id, std::shared_ptr<const planner::LogicalPlan>(std::move(plan)),
                                   *store_, *log_, expand, options);
}

Result<std::unique_ptr<executor::Dataflow>> Database::CompileById(uint64_t id) {
  for (const auto& def : catalog_.All()) {
    if (def->id != id) continue;
    ASSIGN_OR_RETURN(planner::PlanPtr plan, BindDefinition(*def));
    return CompileView(id, std::move(plan), ViewOptionsOf(*def));
  }
  return Status::Internal("materialized view " + std::to_string(id) + " is not in the catalog");
}

Status Database::StartView(const planner::TableDef& def) {
  auto df = CompileById(def.id);
  if (!df.ok()) return df.status();
  return engine_->Add(def.id, std::move(*df));
}

std::optional<planner::SystemRelationData> Database::SystemRelation(const std::string& name) {
  using T = TypeId;
  // What the engine reports reflects every write committed before the query (as view reads),
  // except lag and durability, which report the moment they are asked.
  if (auto connector_relation = connectors_->Relation(name)) return connector_relation;
  if (name != "consumer_lag" && name != "checkpoints" && name != "recovery" && name != "wal" &&
      name != "pg_stat_database") {
    Status waited =
        engine_->WaitFor(log_->sequence(), nullptr, executor::SteadyMicros() + 30000000);
    (void)waited;
  }
  auto name_of = [&](uint64_t id) {
    for (const auto& def : catalog_.All()) {
      if (def->id == id) return def->name;
    }
    return std::to_string(id);
  };
  planner::SystemRelationData d;
  auto col = [&](const char* n, TypeId t) {
    d.names.push_back(n);
    d.types.push_back(SqlType(t));
  };
  if (name == "pg_stat_database") {
    // pg_catalog.pg_stat_database: this server's one database and what its statements spilled.
    col("datid", T::kInt64);
    col("datname", T::kText);
    col("temp_files", T::kInt64);
    col("temp_bytes", T::kInt64);
    d.rows.push_back({Value::Int64(planner::SystemCatalog::kDatabaseOid),
                      Value::Text(kDatabaseName),
                      Value::Int64(spill_stats_.files.load(std::memory_order_relaxed)),
                      Value::Int64(spill_stats_.bytes.load(std::memory_order_relaxed))});
    return d;
  }
  if (name == "dataflows") {
    col("name", T::kText);
    col("id", T::kInt64);
    col("backfilling", T::kBool);
    col("restored", T::kBool);
    col("state_entries", T::kInt64);
    col("error", T::kText);
    for (const auto& info : engine_->Info()) {
      d.rows.push_back({Value::Text(name_of(info.id)), Value::Int64(static_cast<int64_t>(info.id)),
                        Value::Bool(info.backfilling), Value::Bool(info.restored),
                        Value::Int64(static_cast<int64_t>(info.state_entries)),
                        info.error.empty() ? Value::Null(T::kText) : Value::Text(info.error)});
    }
    return d;
  }
  if (name == "backfills") {
    col("name", T::kText);
    col("state", T::kText);
    col("rows_done", T::kInt64);
    col("rows_total", T::kInt64);
    for (const auto& info : engine_->Info()) {
      const char* state = !info.error.empty() ? "failed" : info.backfilling ? "running" : "done";
      int64_t total = static_cast<int64_t>(info.backfill_total);
      int64_t done = info.backfilling ? static_cast<int64_t>(info.backfill_rows) : total;
      d.rows.push_back({Value::Text(name_of(info.id)), Value::Text(state), Value::Int64(done),
                        Value::Int64(total)});
    }
    return d;
  }
  if (name == "topics") {
    col("name", T::kText);
    col("topic_id", T::kInt64);
    col("partition", T::kInt32);
    col("start_offset", T::kInt64);
    col("end_offset", T::kInt64);
    col("approx_bytes", T::kInt64);
    for (const auto& [tp, range] : log_->Partitions()) {
      std::string prefix = storage::Log::PartitionPrefix(tp.topic, tp.partition);
      uint64_t bytes = store_->ApproximateSize(storage::Space::kLog, prefix,
                                               storage::KeyCodec::PrefixSuccessor(prefix));
      d.rows.push_back({Value::Text(name_of(tp.topic)),
                        Value::Int64(static_cast<int64_t>(tp.topic)),
                        Value::Int32(static_cast<int32_t>(tp.partition)),
                        Value::Int64(static_cast<int64_t>(range.first)),
                        Value::Int64(static_cast<int64_t>(range.second)),
                        Value::Int64(static_cast<int64_t>(bytes))});
    }
    return d;
  }
  if (name == "watermarks") {
    col("name", T::kText);
    col("source", T::kText);
    col("partition", T::kInt32);
    col("watermark", T::kTimestamp);
    col("idle", T::kBool);
    col("position", T::kInt64);
    for (const auto& info : engine_->Info()) {
      for (const auto& m : info.watermarks) {
        d.rows.push_back(
            {Value::Text(name_of(info.id)), Value::Text(m.source->name),
             Value::Int32(static_cast<int32_t>(m.partition)),
             m.watermark == INT64_MIN ? Value::Null(T::kTimestamp) : Value::Timestamp(m.watermark),
             Value::Bool(m.idle), Value::Int64(static_cast<int64_t>(m.position))});
      }
    }
    return d;
  }
  if (name == "late_rows") {
    col("name", T::kText);
    col("source", T::kText);
    col("partition", T::kInt32);
    col("log_offset", T::kInt64);
    col("event_time", T::kTimestamp);
    col("watermark", T::kTimestamp);
    col("arrival_time", T::kTimestampTz);
    col("row", T::kJsonb);
    for (const auto& info : engine_->Info()) {
      std::set<uint64_t> seen;
      for (const auto& m : info.watermarks) {
        if (!seen.insert(m.source->id).second) continue;
        Status s = executor::SourceScanOp::ReadLateRows(
            *store_, executor::Dataflow::LateRowsStateId(info.id), *m.source,
            [&](uint32_t p, uint64_t offset, int64_t ts, int64_t wm, int64_t arrival,
                std::string row) {
              auto json = Value::FromText(row, SqlType(T::kJsonb), datetime::TimeZone::Utc());
              d.rows.push_back({Value::Text(name_of(info.id)), Value::Text(m.source->name),
                                Value::Int32(static_cast<int32_t>(p)),
                                Value::Int64(static_cast<int64_t>(offset)), Value::Timestamp(ts),
                                Value::Timestamp(wm), Value::TimestampTz(arrival),
                                json.ok() ? std::move(*json) : Value::Text(row)});
            });
        (void)s;
      }
    }
    return d;
  }
  if (name == "sources") {
    col("name", T::kText);
    col("connector", T::kText);
    col("partitions", T::kInt32);
    col("watermark_column", T::kText);
    col("late_rows", T::kInt64);
    // Distinct log records found late by any view (a record late for two views counts once).
    std::map<uint64_t, std::set<std::pair<uint32_t, uint64_t>>> late_records;
    for (const auto& info : engine_->Info()) {
      std::set<uint64_t> seen;
      for (const auto& m : info.watermarks) {
        if (m.late_rows == 0 || !seen.insert(m.source->id).second) continue;
        auto& records = late_records[m.source->id];
        (void)executor::SourceScanOp::ReadLateRows(
            *store_, executor::Dataflow::LateRowsStateId(info.id), *m.source,
            [&](uint32_t p, uint64_t offset, int64_t, int64_t, int64_t, std::string) {
              records.emplace(p, offset);
            });
      }
    }
    std::map<uint64_t, int64_t> late;
    for (const auto& [id, records] : late_records) late[id] = static_cast<int64_t>(records.size());
    for (const auto& def : catalog_.All()) {
      if (def->kind != planner::RelationKind::kSource) continue;
      int64_t parts = std::atoll(def->Option("partitions", "1").c_str());
      std::string wm = def->Option("watermark.column");
      d.rows.push_back({Value::Text(def->name), Value::Text(def->Option("connector", "log")),
                        Value::Int32(static_cast<int32_t>(parts)),
                        wm.empty() ? Value::Null(T::kText) : Value::Text(wm),
                        Value::Int64(late[def->id])});
    }
    return d;
  }
  if (name == "sinks") {
    col("name", T::kText);
    col("connector", T::kText);
    col("changes", T::kInt64);
    for (const auto& info : engine_->Info()) {
      auto def = catalog_.Find(name_of(info.id));
      if (!def || def->kind != planner::RelationKind::kSink) continue;
      d.rows.push_back({Value::Text(def->name), Value::Text(def->Option("connector", "blackhole")),
                        Value::Int64(info.sink_changes)});
    }
    return d;
  }
  if (name == "checkpoints") {
    col("epoch", T::kInt64);
    col("time", T::kTimestampTz);
    col("bytes_written", T::kInt64);
    col("epochs", T::kInt64);
    col("duration_ms", T::kFloat64);
    col("shutdown", T::kBool);
    for (const auto& c : engine_->Checkpoints()) {
      d.rows.push_back({Value::Int64(static_cast<int64_t>(c.epoch)),
                        Value::TimestampTz(c.time_micros),
                        Value::Int64(static_cast<int64_t>(c.bytes)),
                        Value::Int64(static_cast<int64_t>(c.epochs)),
                        Value::Float64(static_cast<double>(c.duration_micros) / 1000.0),
                        Value::Bool(c.shutdown)});
    }
    return d;
  }
  if (name == "wal") {
    // Group commit at work: commits that waited for durability, and the fsyncs that served them.
    col("durable_commits", T::kInt64);
    col("fsyncs", T::kInt64);
    d.rows.push_back({Value::Int64(static_cast<int64_t>(store_->wal_sync_requests())),
                      Value::Int64(static_cast<int64_t>(store_->wal_syncs()))});
    return d;
  }
  if (name == "recovery") {
    col("started_at", T::kTimestampTz);
    col("from_epoch", T::kInt64);
    col("clean_shutdown", T::kBool);
    col("store_open_ms", T::kFloat64);
    col("views_restored", T::kInt64);
    col("state_entries", T::kInt64);
    col("restore_ms", T::kFloat64);
    col("replayed_records", T::kInt64);
    col("replay_ms", T::kFloat64);
    col("done", T::kBool);
    RecoveryInfo r = engine_->Recovery();
    d.rows.push_back({Value::TimestampTz(r.started_micros),
                      Value::Int64(static_cast<int64_t>(r.checkpoint_epoch)),
                      Value::Bool(r.clean_shutdown),
                      Value::Float64(static_cast<double>(r.store_open_micros) / 1000.0),
                      Value::Int64(static_cast<int64_t>(r.dataflows)),
                      Value::Int64(static_cast<int64_t>(r.state_entries)),
                      Value::Float64(static_cast<double>(r.restore_micros) / 1000.0),
                      Value::Int64(static_cast<int64_t>(r.replayed_records)),
                      r.done ? Value::Float64(static_cast<double>(r.replay_micros) / 1000.0)
                             : Value::Null(SqlType(T::kFloat64)),
                      Value::Bool(r.done)});
    return d;
  }
  if (name == "consumer_lag") {
    col("name", T::kText);
    col("topic", T::kText);
    col("partition", T::kInt32);
    col("committed_offset", T::kInt64);
    col("end_offset", T::kInt64);
    col("lag", T::kInt64);
    col("pending_bytes", T::kInt64);  // the whole log's, not yet processed by any view
    const int64_t pending = static_cast<int64_t>(log_->PendingBytes());
    for (const auto& [view, positions] : engine_->CommittedPositions()) {
      for (const auto& [topic, partition, pos] : positions) {
        uint64_t end = log_->EndOffset({topic, partition});
        d.rows.push_back(
            {Value::Text(name_of(view)), Value::Text(name_of(topic)),
             Value::Int32(static_cast<int32_t>(partition)), Value::Int64(static_cast<int64_t>(pos)),
             Value::Int64(static_cast<int64_t>(end)),
             Value::Int64(static_cast<int64_t>(end > pos ? end - pos : 0)), Value::Int64(pending)});
      }
    }
    connectors_->AppendConsumerLag(&d);
    return d;
  }
  return std::nullopt;
}

Status Database::OpenSourceTopic(const planner::TableDef& source) {
  int64_t partitions = std::atoll(source.Option("partitions", "1").c_str());
  ingest::OptionReader opts(source.options);
  storage::RetentionPolicy policy;
  policy.changelog = false;
  ASSIGN_OR_RETURN(policy.max_age_micros, opts.DurationMicros("retention", 0));
  ASSIGN_OR_RETURN(int64_t bytes, opts.Int("retention.bytes", 0, 0));
  policy.max_bytes = static_cast<uint64_t>(bytes);
  return log_->OpenTopic(source.id, static_cast<uint32_t>(std::max<int64_t>(1, partitions)),
                         policy);
}

Result<std::unique_ptr<ingest::Generator>> Database::SourceGenerator(
    const planner::TableDef& source) {
  std::vector<ingest::GeneratorColumn> cols;
  for (const auto& c : source.columns) cols.push_back({c.name, c.type});
  int64_t created_at = std::atoll(source.Option("_created_at", "0").c_str());
  return ingest::MakeGenerator(source.Option("connector"), source.options, cols, created_at);
}

Status Database::OpenTopic(uint64_t table_id) {
  return log_->OpenTopic(table_id, kTablePartitions);
}

Status Database::DropTopic(uint64_t table_id) {
  log_->DropTopic(table_id);
  storage::WriteBatch batch(*store_);
  std::string prefix = storage::Log::TopicPrefix(table_id);
  batch.DeleteRange(storage::Space::kLog, prefix, storage::KeyCodec::PrefixSuccessor(prefix));
  return store_->Write(batch, true);
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
