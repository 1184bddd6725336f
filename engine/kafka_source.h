#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "engine/connector.h"
#include "engine/kafka_options.h"
#include "engine/table_writer.h"
#include "ingest/kafka_consumer.h"
#include "ingest/record_decoder.h"
#include "planner/catalog.h"

namespace freshet::engine {

class Database;

/// A Kafka connector's settings, read from a source's or table's WITH / FORMAT / INCLUDE
/// options.
struct KafkaSourceConfig {
  using Format = KafkaFormat;
  ingest::KafkaClientOptions client;
  std::string topic;
  std::string group_id;
  std::string startup_mode = "earliest";  // earliest | latest | timestamp
  int64_t startup_timestamp_ms = 0;
  Format format = Format::kPlain;
  ingest::RecordDecoder::Encoding encoding = ingest::RecordDecoder::Encoding::kJson;
  CsvDialect csv;
  /// Metadata columns (INCLUDE ...): their indexes in the row, -1 when not included.
  int partition_column = -1, offset_column = -1, timestamp_column = -1, key_column = -1,
      headers_column = -1;

  /// Reads and checks the options of `def` (22023 for a bad or unknown option, 42P16 for a
  /// format the relation cannot take: UPSERT and DEBEZIUM need a table with a primary key).
  static Result<KafkaSourceConfig> FromDefinition(const planner::TableDef& def);
};

/// Whether a relation's rows come from a Kafka connector.
bool IsKafkaConnector(const planner::TableDef& def);

/// CREATE SOURCE / CREATE TABLE with connector 'kafka': checks the options, adds the INCLUDE
/// columns to `def`, and asks the cluster for the topic (08001 when no broker answers, 42P01
/// when the topic does not exist), recording its partition count as the source's partitions.
Status PrepareKafkaDefinition(planner::TableDef* def);

/// Ingests one Kafka topic into a source's log topic or a table, exactly once: each batch of
/// records is written in one store transaction together with the next offset of every partition
/// it read from, so after a crash the connector resumes from what was committed, and nothing is
/// lost or counted twice. Source rows go to log partition (Kafka partition mod the source's
/// partitions); a table applies PLAIN records as inserts, UPSERT records by key (a null value
/// deletes) and Debezium events as their op says. A record that cannot be applied goes to
/// freshet_catalog.source_errors and ingestion goes on. After each WAL sync the offsets are
/// also committed to the consumer group, so Kafka's tools see the lag. A lost cluster is retried
/// with backoff, with the reason shown in freshet_catalog.connectors. Runs on its own thread;
/// nothing throws out of it.
class KafkaSource : public Connector {
 public:
  KafkaSource(Database& db, std::shared_ptr<const planner::TableDef> def, KafkaSourceConfig config);
  ~KafkaSource() override;

 protected:
  void Run() override;

 private:
  struct Buffered {
    int32_t partition;
    int64_t offset;
    int64_t timestamp_ms;
    bool has_key, has_value;
    bool gap;  // the offset is gone from the topic (retention), not a record
    size_t key_at, key_len, value_at, value_len, headers_at, headers_len;
  };
  /// Connects and ingests until stopped or failed.
  Status Ingest();
  Status Connect();
  /// Decodes by `def` from now on (at start, and after ALTER TABLE changed it).
  void Bind(std::shared_ptr<const planner::TableDef> def, KafkaSourceConfig config);
  /// Writes the buffered records (and the new offsets) in one transaction.
  Status WriteBatch();
  /// Applies one record inside `txn`; a record-level failure is returned for source_errors.
  Status ApplyRecord(WriteTransaction& txn, const planner::TableDef& def, const Buffered& m);
  Status ApplyToTable(WriteTransaction& txn, const planner::TableDef& def, const Buffered& m);
  /// Inserts `row`, or replaces the row with its primary key.
  Status Upsert(WriteTransaction& txn, const planner::TableDef& def, Row row);
  Status DeleteByKey(WriteTransaction& txn, const planner::TableDef& def, const Row& row);
  /// Syncs the WAL and commits the durable offsets to the consumer group.
  void SyncAndCommitGroup();

  Database& db_;
  std::shared_ptr<const planner::TableDef> def_;
  KafkaSourceConfig config_;
  TableWriter writer_;
  std::unique_ptr<ingest::RecordDecoder> decoder_;
  std::unique_ptr<ingest::RecordDecoder> key_decoder_;  // UPSERT: the key's primary key columns
  std::unique_ptr<ingest::KafkaConsumer> consumer_;
  int32_t kafka_partitions_ = 0;
  std::map<int32_t, int64_t> next_offsets_;     // as written in the last committed batch
  std::map<int32_t, int64_t> group_committed_;  // as last committed to the group
  uint64_t error_seq_ = 0;
  std::vector<Buffered> batch_;
  std::string arena_;  // the batch's keys, values and headers
  Row row_, before_, after_;
  int64_t last_sync_micros_ = 0;
  int64_t last_metadata_micros_ = 0;
};

}  // namespace freshet::engine
