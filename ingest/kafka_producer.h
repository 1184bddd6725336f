#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ingest/kafka_consumer.h"

namespace freshet::ingest {

/// A Kafka producer for one topic: idempotent (no duplicates from its own retries), and
/// transactional when given a transactional id (BeginTransaction / CommitTransaction around
/// the records of one unit of work). Records go out asynchronously; Flush waits until every
/// record was acknowledged and reports the first delivery failure since the last Flush. One
/// thread at a time.
class KafkaProducer {
 public:
  ~KafkaProducer();
  /// 22023 when librdkafka refuses a property; with a transactional id, 08001 when the
  /// cluster cannot initialize transactions within `timeout_ms`.
  static Result<std::unique_ptr<KafkaProducer>> Open(const KafkaClientOptions& options,
                                                     const std::string& topic,
                                                     const std::string& transactional_id = "",
                                                     int timeout_ms = 30000);

  /// Queues one record (a null `value` is a tombstone) for `partition` (-1: by the key's hash).
  Status Produce(std::optional<std::string_view> key, std::optional<std::string_view> value,
                 int32_t partition = -1);
  /// The same for another topic (inside the same transaction, when there is one).
  Status ProduceTo(const std::string& topic, std::optional<std::string_view> key,
                   std::optional<std::string_view> value, int32_t partition = -1);
  /// Waits up to `timeout_ms` for every queued record's acknowledgement: 08006 when some were
  /// not delivered (the first failure is named).
  Status Flush(int timeout_ms);

  Status BeginTransaction();
  /// Flushes and commits; a failure that needs an abort aborts and returns the error.
  Status CommitTransaction(int timeout_ms);
  Status AbortTransaction(int timeout_ms);

  struct Impl;  // librdkafka's handles, in kafka_producer.cc

 private:
  explicit KafkaProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshet::ingest
