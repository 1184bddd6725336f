// The Kafka sink: options, and the thread that delivers durable epochs in Kafka transactions.

#include "engine/kafka_sink.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "common/json_writer.h"
#include "engine/database.h"
#include "executor/dataflow.h"
#include "executor/outbox_sink_op.h"

namespace freshet::engine {

using planner::TableDef;

namespace {

constexpr int kTxnTimeoutMs = 30000;

Status BadOption(const std::string& key, const std::string& why) {
  return Status::Error(sqlstate::kInvalidParameterValue,
                       "invalid Kafka sink option \"" + key + "\": " + why);
}

std::string Trim(std::string s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

Result<KafkaSinkConfig> KafkaSinkConfig::FromDefinition(const TableDef& def) {
  static const std::set<std::string> kKnown = {"format", "encode", "primary_key", "sink.delivery",
                                               "sink.progress.topic"};
  KafkaSinkConfig c;
  for (const auto& [key, value] : def.options) {
    if (!KafkaEndpoint::IsEndpointOption(key) && !kKnown.count(key) && key[0] != '_') {
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "unrecognized option \"" + key + "\" for a sink with connector 'kafka'");
    }
  }
  ASSIGN_OR_RETURN(KafkaEndpoint endpoint, KafkaEndpoint::FromDefinition(def));
  c.client = std::move(endpoint.client);
  c.topic = std::move(endpoint.topic);
  const std::string format = def.Option("format", "plain"), encode = def.Option("encode", "json");
  ASSIGN_OR_RETURN(c.format, ParseKafkaFormat(def));
  if (encode != "json") {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "a Kafka sink writes ENCODE JSON, not " + encode);
  }
  std::string keys = def.Option("primary_key");
  size_t pos = 0;
  while (!keys.empty() && pos <= keys.size()) {
    size_t comma = keys.find(',', pos);
    std::string name =
        Trim(keys.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    int col = def.FindColumn(name);
    if (col < 0) {
      return Status::Error(sqlstate::kUndefinedColumn,
                           "primary_key column \"" + name + "\" is not a column of the sink");
    }
    c.key_columns.push_back(col);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (c.format != Format::kPlain && c.key_columns.empty()) {
    return Status::Error(
        sqlstate::kInvalidTableDefinition,
        "FORMAT " + format + " needs primary_key = 'column, ...' (the message key)");
  }
  std::string delivery = def.Option("sink.delivery", "exactly-once");
  if (delivery != "exactly-once" && delivery != "at-least-once") {
    return BadOption("sink.delivery", "'" + delivery + "' is not exactly-once or at-least-once");
  }
  c.exactly_once = delivery == "exactly-once";
  c.progress_topic = def.Option("sink.progress.topic", "_freshet_progress." + def.name);
  return c;
}

KafkaSink::KafkaSink(Database& db, std::shared_ptr<const TableDef> def, KafkaSinkConfig config)
    : Connector(def->id,
                [&] {
                  ConnectorInfo info;
                  info.name = def->name;
                  info.kind = "sink";
                  info.topic = config.topic;
                  return info;
                }()),
      db_(db),
      def_(std::move(def)),
      config_(std::move(config)) {
  for (const auto& c : def_->columns) names_.push_back(c.name);
  types_ = def_->ColumnTypes();
}

KafkaSink::~KafkaSink() { Join(); }

void KafkaSink::Run() {
  int64_t backoff = 100000;
  while (!stop_) {
    Status s = Connect();
    while (s.ok() && !stop_) {
      auto n = DeliverReady();
      if (!n.ok()) {
        s = n.status();
        break;
      }
      backoff = 100000;
      if (*n == 0) Sleep(50000);
    }
    if (stop_) break;
    producer_.reset();
    backoff = RetryAfter(s, backoff);
  }
  SetState("stopped", "");
}

Status KafkaSink::Connect() {
  // What a restart recovered is made durable first: delivered epochs must never be undone.
  RETURN_IF_ERROR(db_.store().SyncWal());
  // A transactional id per sink: starting the producer fences a previous instance and aborts its
  // open transaction, so the progress read next is final.
  std::string txn_id =
      config_.exactly_once ? "freshet-sink-" + def_->name + "-" + std::to_string(def_->id) : "";
  ASSIGN_OR_RETURN(
      producer_, ingest::KafkaProducer::Open(config_.client, config_.topic, txn_id, kTxnTimeoutMs));
  ASSIGN_OR_RETURN(delivered_, ReadProgress());
  RETURN_IF_ERROR(executor::OutboxSinkOp::DeleteThrough(
      db_.store(), executor::Dataflow::ContentsStateId(def_->id), delivered_));
  SetState("running", "");
  return Status::OK();
}

Result<uint64_t> KafkaSink::ReadProgress() {
  ingest::KafkaClientOptions options = config_.client;
  options.properties.emplace_back("isolation.level", "read_committed");
  ASSIGN_OR_RETURN(auto consumer,
                   ingest::KafkaConsumer::Open(options, config_.progress_topic,
                                               "freshet-sink-progress-" + def_->name, false));
  auto partitions = consumer->PartitionCount(5000);
  if (!partitions.ok()) {
    if (partitions.status().sqlstate() == sqlstate::kUndefinedTable) return uint64_t{0};
    return partitions.status();
  }
  ASSIGN_OR_RETURN(int64_t low, consumer->EarliestOffset(0, 5000));
  ASSIGN_OR_RETURN(int64_t high, consumer->HighOffset(0, 5000));
  if (high <= low) return uint64_t{0};
  // Each delivered epoch is one record and one commit marker; aborted attempts add a few more.
  RETURN_IF_ERROR(consumer->Assign({{0, std::max(low, high - 256)}}));
  uint64_t last = 0;
  int64_t last_offset = -1;
  for (int idle = 0; idle < 20 && last_offset < high - 2;) {
    ASSIGN_OR_RETURN(size_t n, consumer->Poll(256, 100, [&](const ingest::KafkaMessage& m) {
      if (m.offset_out_of_range || !m.has_value) return;
      last = std::strtoull(std::string(m.value).c_str(), nullptr, 10);
      last_offset = m.offset;
    }));
    idle = n == 0 ? idle + 1 : 0;
  }
  return last;
}

Result<size_t> KafkaSink::DeliverReady() {
  uint64_t durable = db_.engine().durable_epoch();
  uint64_t written = db_.engine().written_epoch();
  if (written > durable && written > delivered_) {
    // Epochs committed since the last checkpoint: sync them rather than wait for it (an idle
    // engine writes no checkpoint until something changes again).
    RETURN_IF_ERROR(db_.store().SyncWal());
    durable = written;
  }
  if (durable <= delivered_) return size_t{0};
  size_t delivered = 0;
  RETURN_IF_ERROR(executor::OutboxSinkOp::ReadEpochs(
      db_.store(), executor::Dataflow::ContentsStateId(def_->id), delivered_, durable,
      [&](uint64_t epoch, std::string_view entry) -> Status {
        if (stop_) return Status::OK();
        RETURN_IF_ERROR(DeliverEpoch(epoch, entry));
        delivered++;
        return Status::OK();
      }));
  if (delivered > 0) {
    RETURN_IF_ERROR(executor::OutboxSinkOp::DeleteThrough(
        db_.store(), executor::Dataflow::ContentsStateId(def_->id), delivered_));
  }
  return delivered;
}

Status KafkaSink::DeliverEpoch(uint64_t epoch, std::string_view entry) {
  // Per key (UPSERT, DEBEZIUM): the row the epoch started from and the one it ended with.
  struct Net {
    std::optional<Row> before, after;
  };
  std::map<std::string, Net> by_key;
  if (config_.exactly_once) RETURN_IF_ERROR(producer_->BeginTransaction());
  size_t records = 0;
  auto produce = [&](std::optional<std::string_view> key,
                     std::optional<std::string_view> value) -> Status {
    records++;
    return producer_->Produce(key, value);
  };
  // PLAIN records go out as they are decoded; keyed formats consolidate the epoch per key first.
  Status s =
      executor::OutboxSinkOp::DecodeChanges(entry, types_, [&](int64_t weight, Row& row) -> Status {
        if (config_.format == KafkaSinkConfig::Format::kPlain) {
          if (weight < 0) {
            return Status::Error(sqlstate::kFeatureNotSupported,
                                 "a PLAIN Kafka sink received a retraction");
          }
          value_.clear();
          AppendJsonObject(names_, row, &value_);
          for (int64_t i = 0; i < weight; i++) RETURN_IF_ERROR(produce(std::nullopt, value_));
          return Status::OK();
        }
        key_.clear();
        AppendJsonObject(names_, row, &key_, config_.key_columns);
        Net& net = by_key[key_];
        if (weight < 0) {
          if (net.after) {
            net.after.reset();  // inserted and deleted within the epoch
          } else if (!net.before) {
            net.before = row;
          }
        } else {
          net.after = row;
        }
        return Status::OK();
      });
  for (const auto& [key, net] : by_key) {
    if (!s.ok()) break;
    if (config_.format == KafkaSinkConfig::Format::kUpsert) {
      if (net.after) {
        value_.clear();
        AppendJsonObject(names_, *net.after, &value_);
        s = produce(key, value_);
      } else if (net.before) {
        s = produce(key, std::nullopt);  // tombstone
      }
      continue;
    }
    if (!net.before && !net.after) continue;
    value_ = "{\"before\": ";
    if (net.before) {
      AppendJsonObject(names_, *net.before, &value_);
    } else {
      value_ += "null";
    }
    value_ += ", \"after\": ";
    if (net.after) {
      AppendJsonObject(names_, *net.after, &value_);
    } else {
      value_ += "null";
    }
    value_ += std::string(", \"op\": \"") + (!net.before ? "c" : !net.after ? "d" : "u") + "\"}";
    s = produce(key, value_);
  }
  if (s.ok())
    s = producer_->ProduceTo(config_.progress_topic, std::nullopt, std::to_string(epoch), 0);
  if (s.ok()) {
    s = config_.exactly_once ? producer_->CommitTransaction(kTxnTimeoutMs)
                             : producer_->Flush(kTxnTimeoutMs);
  } else if (config_.exactly_once) {
    Status aborted = producer_->AbortTransaction(kTxnTimeoutMs);
    if (!aborted.ok()) spdlog::warn("Kafka sink {}: {}", def_->name, aborted.message());
  }
  RETURN_IF_ERROR(s);
  delivered_ = epoch;
  UpdateInfo([&](ConnectorInfo& info) {
    info.records += static_cast<int64_t>(records);
    info.state = "running";
    info.backlog = static_cast<int64_t>(db_.engine().epoch() - delivered_);
  });
  return Status::OK();
}

}  // namespace freshet::engine
