#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace freshet::ingest {

/// How to reach a Kafka cluster: the bootstrap brokers, and librdkafka properties passed through
/// as given (`properties.*` of a source's WITH options, without the prefix).
struct KafkaClientOptions {
  std::string bootstrap_servers;
  std::vector<std::pair<std::string, std::string>> properties;
};

/// One record as the consumer hands it out; the views are valid during the visit only.
struct KafkaMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // -1 when the record carries none
  bool has_key = false;
  std::string_view key;
  bool has_value = false;  // false for a tombstone (null value)
  std::string_view value;
  /// The record's headers as a JSON object text ("{}" when none); filled only when asked.
  std::string headers_json;
  /// Not a record but a gap: `offset` of `partition` is no longer in the topic (retention
  /// deleted it before it was read). The consumer stops reading that partition until assigned
  /// again.
  bool offset_out_of_range = false;
};

/// A Kafka consumer that reads the partitions it is told to from the offsets it is told to
/// (manual assignment: positions are the caller's, stored with its own commits), with
/// auto-commit off and no automatic offset reset: a position retention deleted is reported
/// (KafkaMessage::offset_out_of_range), never skipped silently. The group's committed offsets are
/// updated only by Commit, so Kafka's tools see the caller's progress. Transport problems (a broker
/// down) are retried inside librdkafka; the newest one is kept for LastError. One thread at a time.
class KafkaConsumer {
 public:
  /// Special start offsets for Assign.
  static constexpr int64_t kEarliest = -2;
  static constexpr int64_t kLatest = -1;

  ~KafkaConsumer();
  /// Creates the consumer in `group_id` for `topic`; 22023 when librdkafka refuses a property.
  static Result<std::unique_ptr<KafkaConsumer>> Open(const KafkaClientOptions& options,
                                                     const std::string& topic,
                                                     const std::string& group_id,
                                                     bool read_headers);

  /// The topic's partition count from the cluster's metadata: 08001 when no broker answers
  /// within `timeout_ms`, 42P01 when the topic does not exist.
  Result<int32_t> PartitionCount(int timeout_ms);
  /// Reads (from now on) exactly the partitions given, each from its offset (or kEarliest /
  /// kLatest); replaces the previous assignment.
  Status Assign(const std::map<int32_t, int64_t>& start_offsets);
  /// The first offset `partition` still holds (asks its leader).
  Result<int64_t> EarliestOffset(int32_t partition, int timeout_ms);
  /// The offset the next record of `partition` will get (asks its leader).
  Result<int64_t> HighOffset(int32_t partition, int timeout_ms);
  /// The first offset of `partition` whose timestamp is at or after `timestamp_ms` (the end
  /// offset when none is).
  Result<int64_t> OffsetForTime(int32_t partition, int64_t timestamp_ms, int timeout_ms);
  /// Waits up to `timeout_ms` for records and visits up to `max` of them in order per
  /// partition; returns how many were visited. Consumer errors that are not records (a broker
  /// going away) are kept for LastError and do not fail the call.
  Result<size_t> Poll(size_t max, int timeout_ms,
                      const std::function<void(const KafkaMessage&)>& visit);
  /// Commits `next_offsets` (per partition, the offset of the next record to read) to the
  /// group, asynchronously; failures show in LastError.
  Status Commit(const std::map<int32_t, int64_t>& next_offsets);
  /// The offsets the consumer group has committed for `partitions` (-1 where none), as Kafka's
  /// tools read them.
  Result<std::map<int32_t, int64_t>> GroupCommitted(int32_t partitions, int timeout_ms);
  /// The high watermark of a partition as of the last fetch (no request), or -1 when unknown.
  int64_t CachedHighWatermark(int32_t partition);
  /// The newest transport error ("" when none since the last call), and clears it.
  std::string TakeLastError();

  struct Impl;  // librdkafka's handles, in kafka_consumer.cc

 private:
  explicit KafkaConsumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshet::ingest
