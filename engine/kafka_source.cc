// The Kafka connector: options, and the thread that ingests a topic exactly once.

#include "engine/kafka_source.h"

#include <spdlog/spdlog.h>

#include <set>
#include <shared_mutex>

#include "common/datetime.h"
#include "common/exception_guard.h"
#include "engine/database.h"
#include "executor/executor.h"
#include "ingest/option_reader.h"
#include "storage/connector_state.h"
#include "storage/row_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

using planner::TableDef;

namespace {

constexpr size_t kMaxBatchRecords = 16384;
constexpr size_t kMaxBatchBytes = 16 << 20;
constexpr size_t kPollStep = 1024;
constexpr int kPollTimeoutMs = 10;
constexpr int64_t kSyncIntervalMicros = 1000000;       // WAL sync + group commit
constexpr int64_t kMetadataIntervalMicros = 10000000;  // new partitions
constexpr int64_t kUnixEpochMicros = 946684800LL * 1000000;

/// The metadata INCLUDE can add: its default column name and type.
struct IncludeKind {
  const char* what;
  const char* default_name;
  TypeId type;
};
constexpr IncludeKind kIncludes[] = {
    {"partition", "_kafka_partition", TypeId::kInt32},
    {"offset", "_kafka_offset", TypeId::kInt64},
    {"timestamp", "_kafka_timestamp", TypeId::kTimestampTz},
    {"key", "_kafka_key", TypeId::kText},
    {"headers", "_kafka_headers", TypeId::kJsonb},
};

const IncludeKind* FindInclude(const std::string& what) {
  for (const auto& k : kIncludes) {
    if (what == k.what || (what == "header" && std::string(k.what) == "headers")) return &k;
  }
  return nullptr;
}

Status BadOption(const std::string& key, const std::string& why) {
  return Status::Error(sqlstate::kInvalidParameterValue,
                       "invalid Kafka connector option \"" + key + "\": " + why);
}

/// The raw bytes of a bad record as text (invalid UTF-8 escaped as \xNN).
std::string RawText(std::string_view bytes) {
  if (ingest::IsValidUtf8(bytes)) return std::string(bytes);
  std::string out;
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

bool IsKafkaConnector(const TableDef& def) { return def.Option("connector") == "kafka"; }

Result<KafkaSourceConfig> KafkaSourceConfig::FromDefinition(const TableDef& def) {
  // Besides the endpoint's (KafkaEndpoint::IsEndpointOption):
  static const std::set<std::string> kKnown = {"scan.startup.mode",
                                               "scan.startup.timestamp.millis",
                                               "format",
                                               "encode",
                                               "partitions",
                                               "retention",
                                               "retention.bytes",
                                               "watermark.idle_timeout"};
  KafkaSourceConfig c;
  for (const auto& [key, value] : def.options) {
    if (KafkaEndpoint::IsEndpointOption(key)) continue;
    if (key.rfind("include.", 0) == 0) {
      if (!FindInclude(key.substr(8))) {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             "INCLUDE " + key.substr(8) +
                                 " is not Kafka metadata (partition, offset, timestamp, key or "
                                 "headers are)");
      }
    } else if (key.rfind("encode.", 0) == 0) {
      std::string what = key.substr(7);
      if (what != "delimiter" && what != "quote" && what != "escape" && what != "null") {
        return BadOption(key, "ENCODE CSV takes delimiter, quote, escape and null");
      }
    } else if (!kKnown.count(key) && key.rfind("watermark.", 0) != 0 && key[0] != '_') {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "unrecognized option \"" + key + "\" for connector 'kafka'");
    }
  }
  ASSIGN_OR_RETURN(KafkaEndpoint endpoint, KafkaEndpoint::FromDefinition(def));
  c.client = std::move(endpoint.client);
  c.topic = std::move(endpoint.topic);
  c.group_id = std::move(endpoint.group_id);
  if (c.group_id.empty()) c.group_id = "freshet-" + def.name;
  c.startup_mode = def.Option("scan.startup.mode", "earliest");
  if (c.startup_mode != "earliest" && c.startup_mode != "latest" && c.startup_mode != "timestamp") {
    return BadOption("scan.startup.mode",
                     "'" + c.startup_mode + "' is not earliest, latest or timestamp");
  }
  ingest::OptionReader opts(def.options);
  ASSIGN_OR_RETURN(c.startup_timestamp_ms, opts.Int("scan.startup.timestamp.millis", -1, -1));
  if (c.startup_mode == "timestamp" && c.startup_timestamp_ms < 0) {
    return BadOption("scan.startup.timestamp.millis",
                     "scan.startup.mode = 'timestamp' needs scan.startup.timestamp.millis");
  }
  const std::string format = def.Option("format", "plain"), encode = def.Option("encode", "json");
  ASSIGN_OR_RETURN(c.format, ParseKafkaFormat(def));
  if (encode == "json") {
    c.encoding = ingest::RecordDecoder::Encoding::kJson;
  } else if (encode == "csv") {
    c.encoding = ingest::RecordDecoder::Encoding::kCsv;
    if (c.format != Format::kPlain) {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "FORMAT " + format + " needs ENCODE JSON");
    }
    auto one_char = [&](const std::string& key, char* out) -> Status {
      std::string v = def.Option("encode." + key, std::string(1, *out));
      if (v.size() != 1) return BadOption("encode." + key, "must be a single character");
      *out = v[0];
      return Status::OK();
    };
    RETURN_IF_ERROR(one_char("delimiter", &c.csv.delimiter));
    RETURN_IF_ERROR(one_char("quote", &c.csv.quote));
    RETURN_IF_ERROR(one_char("escape", &c.csv.escape));
    c.csv.null_string = def.Option("encode.null", "");
  } else {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "ENCODE " + encode + " is not supported (JSON and CSV are)");
  }
  if (c.format != Format::kPlain) {
    if (def.kind != planner::RelationKind::kTable || def.primary_key.empty()) {
      return Status::Error(
          sqlstate::kInvalidTableDefinition,
          "FORMAT " + format + " changes rows by key: it needs CREATE TABLE with a PRIMARY KEY");
    }
  }
  for (const auto& k : kIncludes) {
    std::string key = std::string("include.") + k.what;
    bool included = false;
    for (const auto& [ok, ov] : def.options) {
      included |= ok == key || (std::string(k.what) == "headers" && ok == "include.header");
    }
    if (!included) continue;
    std::string name = def.Option(key);
    if (name.empty() && std::string(k.what) == "headers") name = def.Option("include.header");
    if (name.empty()) name = k.default_name;
    int col = def.FindColumn(name);
    if (col < 0) return Status::Internal("INCLUDE column " + name + " missing");
    if (std::string(k.what) == "partition") c.partition_column = col;
    if (std::string(k.what) == "offset") c.offset_column = col;
    if (std::string(k.what) == "timestamp") c.timestamp_column = col;
    if (std::string(k.what) == "key") c.key_column = col;
    if (std::string(k.what) == "headers") c.headers_column = col;
  }
  return c;
}

Status PrepareKafkaDefinition(TableDef* def) {
  // INCLUDE columns join the declared ones (before the options are checked, which finds them).
  for (auto& [key, value] : def->options) {
    if (key.rfind("include.", 0) != 0) continue;
    const IncludeKind* k = FindInclude(key.substr(8));
    if (!k) continue;  // FromDefinition reports it
    std::string name = value.empty() ? k->default_name : value;
    if (def->FindColumn(name) >= 0) {
      return Status::Error(
          sqlstate::kDuplicateColumn,
          "column \"" + name + "\" specified more than once (INCLUDE " + key.substr(8) + ")");
    }
    planner::ColumnDef col;
    col.name = name;
    col.type = SqlType(k->type);
    def->columns.push_back(col);
  }
  ASSIGN_OR_RETURN(KafkaSourceConfig config, KafkaSourceConfig::FromDefinition(*def));
  ASSIGN_OR_RETURN(auto consumer,
                   ingest::KafkaConsumer::Open(config.client, config.topic, config.group_id,
                                               /*read_headers=*/false));
  ASSIGN_OR_RETURN(int32_t partitions, consumer->PartitionCount(10000));
  if (def->kind == planner::RelationKind::kSource && def->Option("partitions").empty()) {
    def->options.emplace_back("partitions", std::to_string(partitions));
  }
  return Status::OK();
}

// --- KafkaSource ---

KafkaSource::KafkaSource(Database& db, std::shared_ptr<const TableDef> def,
                         KafkaSourceConfig config)
    : Connector(def->id,
                [&] {
                  ConnectorInfo info;
                  info.name = def->name;
                  info.kind = def->kind == planner::RelationKind::kSource ? "source" : "table";
                  info.topic = config.topic;
                  return info;
                }()),
      db_(db),
      writer_(db.log()) {
  Bind(std::move(def), std::move(config));
}

void KafkaSource::Bind(std::shared_ptr<const TableDef> def, KafkaSourceConfig config) {
  def_ = std::move(def);
  config_ = std::move(config);
  UpdateInfo([&](ConnectorInfo& info) { info.name = def_->name; });
  std::vector<ingest::DecodedColumn> cols;
  for (size_t i = 0; i < def_->columns.size(); i++) {
    int c = static_cast<int>(i);
    if (c == config_.partition_column || c == config_.offset_column ||
        c == config_.timestamp_column || c == config_.key_column || c == config_.headers_column) {
      continue;
    }
    cols.push_back({def_->columns[i].name, def_->columns[i].type, i});
  }
  decoder_ =
      std::make_unique<ingest::RecordDecoder>(config_.encoding, std::move(cols), config_.csv);
  key_decoder_.reset();
  if (config_.format == KafkaSourceConfig::Format::kUpsert) {
    std::vector<ingest::DecodedColumn> key_cols;
    for (int c : def_->primary_key) {
      key_cols.push_back({def_->columns[c].name, def_->columns[c].type, static_cast<size_t>(c)});
    }
    key_decoder_ = std::make_unique<ingest::RecordDecoder>(ingest::RecordDecoder::Encoding::kJson,
                                                           std::move(key_cols));
  }
}

KafkaSource::~KafkaSource() { Join(); }

void KafkaSource::Run() {
  int64_t backoff = 100000;
  while (!stop_) {
    Status s = Ingest();
    if (stop_) break;
    if (s.ok()) {
      backoff = 100000;
      continue;
    }
    consumer_.reset();
    backoff = RetryAfter(s, backoff);
  }
  if (consumer_) SyncAndCommitGroup();
  SetState("stopped", "");
}

Status KafkaSource::Connect() {
  ASSIGN_OR_RETURN(consumer_,
                   ingest::KafkaConsumer::Open(config_.client, config_.topic, config_.group_id,
                                               config_.headers_column >= 0));
  ASSIGN_OR_RETURN(kafka_partitions_, consumer_->PartitionCount(5000));
  ASSIGN_OR_RETURN(next_offsets_, storage::ConnectorState::ReadOffsets(db_.store(), def_->id));
  ASSIGN_OR_RETURN(error_seq_, storage::ConnectorState::LastErrorSeq(db_.store(), def_->id));
  std::map<int32_t, int64_t> starts;
  for (int32_t p = 0; p < kafka_partitions_; p++) {
    auto it = next_offsets_.find(p);
    if (it != next_offsets_.end()) {
      starts[p] = it->second;
    } else if (config_.startup_mode == "latest") {
      starts[p] = ingest::KafkaConsumer::kLatest;
    } else if (config_.startup_mode == "timestamp") {
      ASSIGN_OR_RETURN(starts[p], consumer_->OffsetForTime(p, config_.startup_timestamp_ms, 5000));
    } else {
      starts[p] = ingest::KafkaConsumer::kEarliest;
    }
  }
  RETURN_IF_ERROR(consumer_->Assign(starts));
  group_committed_ = next_offsets_;
  last_metadata_micros_ = executor::SteadyMicros();
  SetState("running", "");
  return Status::OK();
}

Status KafkaSource::Ingest() {
  RETURN_IF_ERROR(Connect());
  const uint64_t max_pending = db_.engine().options().max_pending_log_bytes;
  std::string last_logged;
  while (!stop_) {
    int64_t now = executor::SteadyMicros();
    if (now - last_metadata_micros_ > kMetadataIntervalMicros) {
      // Partitions added to the topic since: read them from their start.
      last_metadata_micros_ = now;
      auto count = consumer_->PartitionCount(2000);
      if (count.ok() && *count > kafka_partitions_) {
        spdlog::info("Kafka connector {}: topic {} grew to {} partitions", def_->name,
                     config_.topic, *count);
        std::map<int32_t, int64_t> starts;
        for (int32_t p = 0; p < *count; p++) {
          auto it = next_offsets_.find(p);
          starts[p] = it != next_offsets_.end() ? it->second : ingest::KafkaConsumer::kEarliest;
        }
        RETURN_IF_ERROR(consumer_->Assign(starts));
        kafka_partitions_ = *count;
      }
    }
    // Backpressure: the views have not processed what is already in the log.
    if (db_.log().PendingBytes() > max_pending) {
      Status room = db_.log().WaitForRoom(max_pending, &stop_, now + 100000);
      (void)room;  // a timeout just goes around the loop
      continue;
    }
    batch_.clear();
    arena_.clear();
    auto buffer = [&](const ingest::KafkaMessage& m) {
      Buffered b{};
      b.partition = m.partition;
      b.offset = m.offset;
      b.timestamp_ms = m.timestamp_ms;
      b.has_key = m.has_key;
      b.has_value = m.has_value;
      b.gap = m.offset_out_of_range;
      b.key_at = arena_.size();
      b.key_len = m.key.size();
      arena_.append(m.key);
      b.value_at = arena_.size();
      b.value_len = m.value.size();
      arena_.append(m.value);
      b.headers_at = arena_.size();
      b.headers_len = m.headers_json.size();
      arena_.append(m.headers_json);
      batch_.push_back(b);
    };
    // A batch: what arrives within the poll timeout, up to kMaxBatchRecords records or
    // kMaxBatchBytes bytes (polled in steps, so large records bound it too).
    size_t n = 0;
    for (int wait = kPollTimeoutMs; n < kMaxBatchRecords && arena_.size() < kMaxBatchBytes;
         wait = 0) {
      ASSIGN_OR_RETURN(size_t got, consumer_->Poll(kPollStep, wait, buffer));
      n += got;
      if (got < kPollStep) break;
    }
    std::string transport = consumer_->TakeLastError();
    if (!transport.empty()) {
      if (transport != last_logged) {
        spdlog::warn("Kafka connector {}: {}", def_->name, transport);
        last_logged = transport;
      }
      UpdateInfo([&](ConnectorInfo& info) { info.last_error = transport; });
    }
    if (n > 0) {
      // A conflict (40001: the store could not check this transaction against the ones that
      // committed meanwhile) is retried with the same records; anything else reconnects, from
      // the offsets committed (a fresh consumer: nothing prefetched past them survives).
      Status written = WriteBatch();
      for (int attempt = 1;
           !written.ok() && attempt <= 10 && written.sqlstate() == sqlstate::kSerializationFailure;
           attempt++) {
        spdlog::info("Kafka connector {}: {} (attempt {})", def_->name, written.message(), attempt);
        Sleep(1000 * attempt);
        written = WriteBatch();
      }
      RETURN_IF_ERROR(written);
    }
    if (executor::SteadyMicros() - last_sync_micros_ > kSyncIntervalMicros) SyncAndCommitGroup();
  }
  return Status::OK();
}

Status KafkaSource::WriteBatch() {
  std::shared_lock<StatementLock> lock(db_.statement_lock());
  std::shared_ptr<const TableDef> def;
  for (const auto& d : db_.catalog().All()) {
    if (d->id == def_->id) def = d;  // by id: a renamed table keeps its connector
  }
  if (!def) {
    // Dropped while this batch was read: nothing is written, the thread ends.
    stop_ = true;
    return Status::OK();
  }
  if (def != def_) {
    // ALTER TABLE changed the columns: decode by the new definition from now on.
    ASSIGN_OR_RETURN(KafkaSourceConfig config, KafkaSourceConfig::FromDefinition(*def));
    Bind(def, std::move(config));
  }
  WriteTransaction txn(db_);
  const bool is_source = def->kind == planner::RelationKind::kSource;
  const uint32_t log_partitions = is_source ? db_.log().PartitionCount(def->id) : 0;
  if (is_source && log_partitions == 0) return Status::Internal("Kafka source without a topic");
  const int event_time_column = is_source ? TableWriter::EventTimeColumn(*def) : -1;
  std::map<int32_t, int64_t> next = next_offsets_;
  std::vector<int32_t> gaps;
  int64_t records = 0, errors = 0;
  int64_t now = datetime::NowMicros();
  row_.assign(def->columns.size(), Value());
  for (const Buffered& m : batch_) {
    auto done = next.find(m.partition);
    if (m.gap) {
      // Retention removed records before they were read: the loss is recorded (never silent)
      // and the partition resumes at its earliest retained record.
      storage::SourceError e;
      e.seq = ++error_seq_;
      e.partition = m.partition;
      e.offset = m.offset;
      e.time_micros = now;
      ASSIGN_OR_RETURN(int64_t earliest, consumer_->EarliestOffset(m.partition, 5000));
      e.error = "records " + std::to_string(m.offset) + " to " + std::to_string(earliest - 1) +
                " were deleted from the topic (retention) before they were read; reading "
                "resumes at offset " +
                std::to_string(earliest);
      RETURN_IF_ERROR(storage::ConnectorState::PutError(txn.storage(), def->id, e));
      errors++;
      gaps.push_back(m.partition);
      next[m.partition] = std::max(earliest, m.offset);
      continue;
    }
    if (done != next.end() && m.offset < done->second) continue;  // read again after a rewind
    Status s;
    if (is_source) {
      s = ApplyRecord(txn, *def, m);
      if (s.ok()) {
        s = writer_.AppendToPartition(txn, *def,
                                      static_cast<uint32_t>(m.partition) % log_partitions,
                                      event_time_column, row_);
      }
    } else {
      txn.SavePoint();
      s = ApplyToTable(txn, *def, m);
      if (s.ok()) {
        txn.PopSavePoint();
      } else {
        RETURN_IF_ERROR(txn.RollbackToSavePoint());
      }
    }
    if (s.ok()) {
      records++;
    } else {
      storage::SourceError e;
      e.seq = ++error_seq_;
      e.partition = m.partition;
      e.offset = m.offset;
      e.time_micros = now;
      e.error = s.message();
      e.raw = RawText(std::string_view(arena_).substr(m.has_value ? m.value_at : m.key_at,
                                                      m.has_value ? m.value_len : m.key_len));
      RETURN_IF_ERROR(storage::ConnectorState::PutError(txn.storage(), def->id, e));
      errors++;
    }
    next[m.partition] = m.offset + 1;
  }
  for (const auto& [p, offset] : next) {
    auto it = next_offsets_.find(p);
    if (it == next_offsets_.end() || it->second != offset) {
      storage::ConnectorState::PutOffset(txn.storage(), def->id, p, offset);
    }
  }
  Status committed =
      txn.Commit(/*sync=*/false, [](const std::function<Status()>& wait) { return wait(); });
  if (!committed.ok()) {
    // Nothing of the batch was written; the caller writes the same records again.
    error_seq_ -= static_cast<uint64_t>(errors);
    return committed;
  }
  next_offsets_ = std::move(next);
  if (!gaps.empty()) {
    for (int32_t p : gaps) {
      spdlog::warn(
          "Kafka connector {}: partition {} lost records to retention before they were "
          "read (see freshet_catalog.source_errors)",
          def->name, p);
    }
    // Those partitions stopped at the gap: all read on from the committed offsets.
    std::map<int32_t, int64_t> starts;
    for (int32_t p = 0; p < kafka_partitions_; p++) {
      auto it = next_offsets_.find(p);
      starts[p] = it != next_offsets_.end() ? it->second : ingest::KafkaConsumer::kEarliest;
    }
    RETURN_IF_ERROR(consumer_->Assign(starts));
  }
  UpdateInfo([&](ConnectorInfo& info) {
    info.records += records;
    info.errors += errors;
    info.state = "running";
  });
  return Status::OK();
}

Status KafkaSource::ApplyRecord(WriteTransaction&, const TableDef& def, const Buffered& m) {
  std::string_view arena(arena_);
  if (!m.has_value)
    return Status::Error(sqlstate::kNullValueNotAllowed, "a record without a value");
  RETURN_IF_ERROR(decoder_->Decode(arena.substr(m.value_at, m.value_len), &row_));
  if (config_.partition_column >= 0) row_[config_.partition_column] = Value::Int32(m.partition);
  if (config_.offset_column >= 0) row_[config_.offset_column] = Value::Int64(m.offset);
  if (config_.timestamp_column >= 0) {
    row_[config_.timestamp_column] =
        m.timestamp_ms < 0 ? Value::Null(SqlType(TypeId::kTimestampTz))
                           : Value::TimestampTz(m.timestamp_ms * 1000 - kUnixEpochMicros);
  }
  if (config_.key_column >= 0) {
    std::string_view key = arena.substr(m.key_at, m.key_len);
    if (!m.has_key) {
      row_[config_.key_column] = Value::Null(SqlType(TypeId::kText));
    } else if (!ingest::IsValidUtf8(key)) {
      return Status::Error(sqlstate::kCharacterNotInRepertoire,
                           "the record's key is not valid UTF-8 text");
    } else {
      row_[config_.key_column] = Value::Text(std::string(key));
    }
  }
  if (config_.headers_column >= 0) {
    auto v = Value::FromText(arena.substr(m.headers_at, m.headers_len), SqlType(TypeId::kJsonb),
                             datetime::TimeZone::Utc());
    if (!v.ok()) return v.status();
    row_[config_.headers_column] = std::move(*v);
  }
  (void)def;
  return Status::OK();
}

Status KafkaSource::ApplyToTable(WriteTransaction& txn, const TableDef& def, const Buffered& m) {
  std::string_view arena(arena_);
  switch (config_.format) {
    case KafkaSourceConfig::Format::kPlain:
      RETURN_IF_ERROR(ApplyRecord(txn, def, m));
      return writer_.Insert(txn, def, row_);
    case KafkaSourceConfig::Format::kUpsert: {
      if (!m.has_key) {
        return Status::Error(sqlstate::kNullValueNotAllowed,
                             "an UPSERT record needs a key (the primary key)");
      }
      std::string_view key = arena.substr(m.key_at, m.key_len);
      // The key: a JSON object of the primary key columns, or the value of a one-column key.
      before_.assign(def.columns.size(), Value());
      for (int c : def.primary_key) before_[c] = Value::Null(def.columns[c].type);
      Status k = key_decoder_->Decode(key, &before_);
      if (!k.ok()) {
        if (def.primary_key.size() != 1) return k;
        int c = def.primary_key[0];
        auto v = Value::FromText(key, def.columns[c].type, datetime::TimeZone::Utc());
        if (!v.ok()) return k;
        before_[c] = std::move(*v);
      }
      for (int c : def.primary_key) {
        if (before_[c].is_null()) {
          return Status::Error(sqlstate::kNotNullViolation,
                               "the record's key has no value for primary key column \"" +
                                   def.columns[c].name + "\"");
        }
      }
      if (!m.has_value) return DeleteByKey(txn, def, before_);
      RETURN_IF_ERROR(ApplyRecord(txn, def, m));
      for (int c : def.primary_key) {
        if (row_[c].is_null()) row_[c] = before_[c];
      }
      return Upsert(txn, def, row_);
    }
    case KafkaSourceConfig::Format::kDebezium: {
      if (!m.has_value) return Status::OK();  // the tombstone after a delete: nothing to do
      before_.assign(def.columns.size(), Value());
      after_.assign(def.columns.size(), Value());
      ASSIGN_OR_RETURN(
          ingest::DebeziumChange change,
          decoder_->DecodeDebezium(arena.substr(m.value_at, m.value_len), &before_, &after_));
      if (change.op == 'd') return DeleteByKey(txn, def, before_);
      if (change.op == 'u' && change.has_before) {
        bool moved = false;
        for (int c : def.primary_key) moved |= !Value::GroupEquals(before_[c], after_[c]);
        if (moved) RETURN_IF_ERROR(DeleteByKey(txn, def, before_));
      }
      return Upsert(txn, def, after_);
    }
  }
  return Status::Internal("unknown Kafka format");
}

Status KafkaSource::Upsert(WriteTransaction& txn, const TableDef& def, Row row) {
  std::string key = storage::TableStore::PrimaryKey(def.id, row, def.primary_key);
  std::string existing;
  ASSIGN_OR_RETURN(bool found, txn.storage().Get(storage::Space::kData, key, &existing));
  if (!found) return writer_.Insert(txn, def, std::move(row));
  Row old_row;
  RETURN_IF_ERROR(storage::RowCodec::Decode(existing, def.ColumnTypes(), &old_row));
  return writer_.Replace(txn, def, key, old_row, std::move(row));
}

Status KafkaSource::DeleteByKey(WriteTransaction& txn, const TableDef& def, const Row& row) {
  std::string key = storage::TableStore::PrimaryKey(def.id, row, def.primary_key);
  std::string existing;
  ASSIGN_OR_RETURN(bool found, txn.storage().Get(storage::Space::kData, key, &existing));
  if (!found) return Status::OK();  // deleting what is not there: already so
  Row old_row;
  RETURN_IF_ERROR(storage::RowCodec::Decode(existing, def.ColumnTypes(), &old_row));
  return writer_.Delete(txn, def, key, old_row);
}

void KafkaSource::SyncAndCommitGroup() {
  last_sync_micros_ = executor::SteadyMicros();
  std::map<int32_t, int64_t> durable = next_offsets_;
  UpdateInfo([&](ConnectorInfo& info) {
    info.partitions.clear();
    info.backlog = 0;
    for (int32_t p = 0; p < kafka_partitions_; p++) {
      auto it = durable.find(p);
      int64_t committed = it != durable.end() ? it->second : -1;
      int64_t high = consumer_->CachedHighWatermark(p);
      info.partitions.push_back({p, committed, high});
      if (high >= 0) info.backlog += std::max<int64_t>(0, high - std::max<int64_t>(committed, 0));
    }
  });
  if (durable == group_committed_) return;
  Status s = db_.store().SyncWal();
  if (!s.ok()) {
    SetState("retrying", "cannot sync the WAL: " + s.message());
    return;
  }
  s = consumer_->Commit(durable);
  if (!s.ok()) {
    UpdateInfo([&](ConnectorInfo& info) { info.last_error = s.message(); });
    return;
  }
  group_committed_ = std::move(durable);
}

}  // namespace freshet::engine
