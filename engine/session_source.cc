// CREATE SOURCE, appends to 'log' sources, and batch reads of sources.

#include <chrono>
#include <set>

#include "engine/database.h"
#include "engine/kafka_sink.h"
#include "engine/kafka_source.h"
#include "engine/session.h"
#include "executor/dataflow_builder.h"
#include "ingest/generator.h"
#include "ingest/option_reader.h"
#include "parser/parser.h"
#include "storage/row_codec.h"

namespace freshet::engine {

using planner::RelationKind;
using planner::TableDef;

namespace {

Status UnknownOption(const std::string& key, const std::string& connector) {
  return Status::Error(
      sqlstate::kInvalidParameterValue,
      "unrecognized option \"" + key + "\" for a source with connector '" + connector + "'");
}

/// Checks a source's options against its connector; the generator connectors validate theirs
/// when built.
Status CheckOptions(const TableDef& def, const std::string& connector) {
  static const std::set<std::string> kCommon = {"connector", "partitions", "retention",
                                                "retention.bytes", "watermark.idle_timeout"};
  static const std::set<std::string> kNexmark = {"nexmark.table.type", "nexmark.event.rate",
                                                 "nexmark.max.speed",  "nexmark.event.num",
                                                 "nexmark.base.time",  "nexmark.seed"};
  static const std::set<std::string> kDatagen = {"datagen.rows.per.second", "datagen.max.speed",
                                                 "datagen.rows", "datagen.seed"};
  static const std::set<std::string> kField = {"kind", "start",  "step",    "min",
                                               "max",  "length", "max_past"};
  for (const auto& [key, value] : def.options) {
    if (kCommon.count(key) || key.rfind("watermark.", 0) == 0 || key[0] == '_') continue;
    if (connector == "log" && key == "partition.key") {
      if (def.FindColumn(value) < 0) {
        return Status::Error(sqlstate::kUndefinedColumn,
                             "partition key column \"" + value + "\" does not exist");
      }
      continue;
    }
    if (connector == "nexmark" && kNexmark.count(key)) continue;
    if (connector == "datagen" && kDatagen.count(key)) continue;
    if (connector == "datagen" && key.rfind("fields.", 0) == 0) {
      size_t dot = key.rfind('.');
      std::string col = key.substr(7, dot - 7), what = key.substr(dot + 1);
      if (dot > 7 && def.FindColumn(col) >= 0 && kField.count(what)) continue;
    }
    return UnknownOption(key, connector);
  }
  ingest::OptionReader opts(def.options);
  RETURN_IF_ERROR(opts.Int("partitions", 1, 1, 1024).status());
  RETURN_IF_ERROR(opts.DurationMicros("retention", 0).status());
  RETURN_IF_ERROR(opts.Int("retention.bytes", 0, 0).status());
  RETURN_IF_ERROR(opts.DurationMicros("watermark.idle_timeout", 0).status());
  return Status::OK();
}

}  // namespace

Status Session::HandleCreateSource(const parser::CreateSourceStatement& stmt,
                                   pgwire::ResultSink& sink) {
  const std::string& name = stmt.name.back();
  ASSIGN_OR_RETURN(bool exists, RelationExists(name, stmt.if_not_exists, "CREATE SOURCE", sink));
  if (exists) return Status::OK();  // IF NOT EXISTS: skipped
  TableDef def;
  def.name = name;
  def.kind = RelationKind::kSource;
  if (stmt.columns.empty()) {
    return Status::Error(sqlstate::kInvalidTableDefinition, "a source needs its columns declared");
  }
  for (const auto& col : stmt.columns) {
    if (col.primary_key || col.unique) {
      return Status::NotSupported("a source is append-only: PRIMARY KEY and UNIQUE need a table");
    }
    planner::ColumnDef c;
    c.name = col.name;
    ASSIGN_OR_RETURN(c.type, ResolveType(col.type));
    c.not_null = col.not_null;
    if (!col.default_text.empty()) {
      return Status::NotSupported("DEFAULT on source columns is not supported");
    }
    if (def.FindColumn(c.name) >= 0) {
      return Status::Error(sqlstate::kDuplicateColumn,
                           "column \"" + c.name + "\" specified more than once", col.position);
    }
    def.columns.push_back(c);
  }
  for (const auto& opt : stmt.with_options) def.options.emplace_back(opt.key, opt.value);
  std::string connector = def.Option("connector", "log");
  if (connector == "kafka") {
    RETURN_IF_ERROR(PrepareKafkaDefinition(&def));  // adds the INCLUDE columns
    Write().AfterCommit([this] {
      db_.connectors().Reconcile();
      return Status::OK();
    });
  } else if (connector != "log" && !ingest::IsGeneratorConnector(connector)) {
    return Status::NotSupported("connector '" + connector +
                                "' is not supported (log, kafka, nexmark and datagen are)");
  } else {
    RETURN_IF_ERROR(CheckOptions(def, connector));
  }
  if (stmt.watermark) {
    int col = def.FindColumn(stmt.watermark->column);
    if (col < 0) {
      return Status::Error(sqlstate::kUndefinedColumn,
                           "watermark column \"" + stmt.watermark->column + "\" does not exist");
    }
    TypeId t = def.columns[col].type.id;
    if (t != TypeId::kTimestamp && t != TypeId::kTimestampTz) {
      return Status::Error(sqlstate::kDatatypeMismatch,
                           "watermark column \"" + stmt.watermark->column +
                               "\" must be a timestamp, not " + def.columns[col].type.ToString());
    }
    // The watermark expression is a function of the row of the same type as its column.
    planner::Binder binder(db_.catalog());
    planner::Scope scope = planner::Binder::TableScope(def, name);
    ASSIGN_OR_RETURN(auto bound, binder.BindScalar(*stmt.watermark->expr, scope));
    if (bound->type.id != t) {
      return Status::Error(sqlstate::kDatatypeMismatch, "watermark expression must be of type " +
                                                            def.columns[col].type.ToString() +
                                                            ", not " + bound->type.ToString());
    }
    def.options.emplace_back("watermark.column", stmt.watermark->column);
    def.options.emplace_back("watermark.expr", stmt.watermark->expr_text);
  }
  int64_t created_at = datetime::NowMicros();
  def.options.emplace_back("_created_at", std::to_string(created_at));
  if (ingest::IsGeneratorConnector(connector)) {
    std::vector<ingest::GeneratorColumn> cols;
    for (const auto& c : def.columns) cols.push_back({c.name, c.type});
    RETURN_IF_ERROR(ingest::MakeGenerator(connector, def.options, cols, created_at).status());
  }
  def.id = db_.catalog().AllocateId();
  RETURN_IF_ERROR(PutCatalog(def));
  auto shared = std::make_shared<TableDef>(std::move(def));
  db_.catalog().Put(shared);
  if (!ingest::IsGeneratorConnector(connector)) RETURN_IF_ERROR(db_.OpenSourceTopic(*shared));
  sink.Complete("CREATE SOURCE");
  return Status::OK();
}

Result<executor::RowSet> Session::ReadSource(const TableDef& source) {
  executor::RowSet rows;
  std::vector<SqlType> types = source.ColumnTypes();
  std::string connector = source.Option("connector", "log");
  if (!ingest::IsGeneratorConnector(connector)) {
    for (const auto& [tp, range] : db_.log().Partitions()) {
      if (tp.topic != source.id) continue;
      Row row;
      RETURN_IF_ERROR(db_.log().ReadBatches(
          tp, range.first, range.second,
          [&](uint64_t base, std::string_view batch) -> Result<bool> {
            storage::LogBatchReader reader;
            RETURN_IF_ERROR(reader.Open(batch));
            int64_t weight, event_time;
            std::string_view bytes;
            uint64_t offset = base;
            while (true) {
              ASSIGN_OR_RETURN(bool more, reader.Next(&weight, &event_time, &bytes));
              if (!more) break;
              if (offset++ < range.first) continue;
              RETURN_IF_ERROR(storage::RowCodec::Decode(bytes, types, &row));
              rows.push_back(row);
            }
            return true;
          }));
    }
    return rows;
  }
  ASSIGN_OR_RETURN(auto gen, db_.SourceGenerator(source));
  int64_t now = datetime::NowMicros();
  StreamChunk chunk(types);
  for (uint32_t p = 0; p < gen->partitions(); p++) {
    uint64_t end = gen->Available(p, now);
    if (end == UINT64_MAX) {
      return Status::Error(sqlstate::kProgramLimitExceeded,
                           "source \"" + source.name +
                               "\" is endless and unthrottled: a query over it never ends (set "
                               "an event count, or read it through a materialized view)");
    }
    for (uint64_t off = 0; off < end; off += StreamChunk::kChunkSize) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(StreamChunk::kChunkSize, end - off));
      chunk.Reset();
      gen->Generate(p, off, n, &chunk, {});
      for (size_t i = 0; i < chunk.size(); i++) rows.push_back(chunk.GetRow(i));
      if (cancel_.load()) {
        return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to user request");
      }
    }
  }
  return rows;
}

Status Session::HandleCreateSink(const parser::CreateSinkStatement& stmt, std::string_view sql,
                                 pgwire::ResultSink& sink) {
  const std::string& name = stmt.name.back();
  ASSIGN_OR_RETURN(bool exists, RelationExists(name, stmt.if_not_exists, "CREATE SINK", sink));
  if (exists) return Status::OK();  // IF NOT EXISTS: skipped
  TableDef def;
  def.name = name;
  def.kind = RelationKind::kSink;
  for (const auto& opt : stmt.with_options) def.options.emplace_back(opt.key, opt.value);
  const std::string connector = def.Option("connector", "blackhole");
  if (connector != "blackhole" && connector != "kafka") {
    return Status::NotSupported("sink connector '" + connector +
                                "' is not supported (kafka and blackhole are)");
  }
  if (connector == "blackhole") {
    for (const auto& [key, value] : def.options) {
      if (key != "connector") {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             "unrecognized sink option \"" + key + "\"");
      }
    }
  }
  def.definition = stmt.query ? stmt.query_text : "SELECT * FROM " + stmt.from.back();
  ASSIGN_OR_RETURN(auto stmts, parser::Parser::Parse(def.definition));
  planner::Binder binder(db_.catalog());
  ASSIGN_OR_RETURN(auto plan,
                   binder.BindQuery(*static_cast<parser::SelectStatement&>(*stmts[0]).query));
  for (size_t i = 0; i < plan->names.size(); i++) {
    planner::ColumnDef c;
    c.name = plan->names[i];
    c.type = plan->types[i];
    def.columns.push_back(c);
  }
  if (connector == "kafka") {
    ASSIGN_OR_RETURN(KafkaSinkConfig config, KafkaSinkConfig::FromDefinition(def));
    if (config.format == KafkaSinkConfig::Format::kPlain &&
        !executor::DataflowBuilder::AppendOnly(*plan, false)) {
      return Status::Error(sqlstate::kFeatureNotSupported,
                           "a FORMAT PLAIN sink is append-only, and this query's rows can be "
                           "updated or deleted")
          .WithHint("Use FORMAT UPSERT or FORMAT DEBEZIUM with primary_key = '...'.");
    }
  }
  executor::ViewOptions options = Database::ViewOptionsOf(def);
  RETURN_IF_ERROR(db_.CompileView(0, std::move(plan), options).status());
  std::set<std::string> deps;
  if (stmt.query) {
    CollectDependencies(*stmt.query, &deps);
  } else {
    deps.insert(stmt.from.back());
  }
  def.depends_on.assign(deps.begin(), deps.end());
  def.id = db_.catalog().AllocateId();
  RETURN_IF_ERROR(PutCatalog(def));
  auto shared = std::make_shared<TableDef>(std::move(def));
  db_.catalog().Put(shared);
  Write().AfterCommit([this, shared] {
    Status started = db_.StartView(*shared);
    db_.connectors().Reconcile();
    return started;
  });
  (void)sql;
  sink.Complete("CREATE SINK");
  return Status::OK();
}

}  // namespace freshet::engine
