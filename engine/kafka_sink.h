#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/connector.h"
#include "engine/kafka_options.h"
#include "ingest/kafka_consumer.h"
#include "ingest/kafka_producer.h"
#include "planner/catalog.h"

namespace freshet::engine {

class Database;

/// A Kafka sink's settings, from CREATE SINK's WITH and FORMAT options.
struct KafkaSinkConfig {
  using Format = KafkaFormat;
  ingest::KafkaClientOptions client;
  std::string topic;
  Format format = Format::kPlain;
  std::vector<int> key_columns;  // primary_key = 'a, b': the message key (UPSERT, DEBEZIUM)
  bool exactly_once = true;      // sink.delivery = 'exactly-once' | 'at-least-once'
  /// Where each delivered epoch is recorded, in the same Kafka transaction as its records.
  std::string progress_topic;

  /// 22023 for a bad or unknown option, 42P16 when UPSERT or DEBEZIUM lack primary_key.
  static Result<KafkaSinkConfig> FromDefinition(const planner::TableDef& def);
};

/// Delivers a sink's changes to a Kafka topic, one Kafka transaction per durable epoch: the
/// sink's dataflow writes each epoch's changes to its outbox with the epoch's state; this thread
/// reads the outbox entries of epochs a checkpoint made durable, in order, and for each one
/// produces its records and a progress record (the epoch) to the progress topic, then commits
/// the transaction. At start it reads the last committed progress record, so an epoch delivered
/// before a crash is never sent again and one not delivered is sent once: a read_committed
/// consumer sees every change exactly once. PLAIN writes each row (inserts only); UPSERT keys
/// each record by the primary key, with the row or a tombstone; DEBEZIUM writes {"before",
/// "after", "op"} envelopes (an update: one 'u' event). With sink.delivery = 'at-least-once' the
/// producer is idempotent but not transactional, and a crash can repeat the last epoch.
class KafkaSink : public Connector {
 public:
  KafkaSink(Database& db, std::shared_ptr<const planner::TableDef> def, KafkaSinkConfig config);
  ~KafkaSink() override;

 protected:
  void Run() override;

 private:
  Status Connect();
  /// The last epoch the progress topic says was delivered (0: none).
  Result<uint64_t> ReadProgress();
  /// Delivers the durable epochs not yet delivered; returns how many.
  Result<size_t> DeliverReady();
  Status DeliverEpoch(uint64_t epoch, std::string_view entry);

  Database& db_;
  std::shared_ptr<const planner::TableDef> def_;
  KafkaSinkConfig config_;
  std::vector<std::string> names_;
  std::vector<SqlType> types_;
  std::unique_ptr<ingest::KafkaProducer> producer_;  // the topic and the progress topic
  uint64_t delivered_ = 0;
  std::string key_, value_;
};

}  // namespace freshet::engine
