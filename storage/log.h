#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace freshet::storage {

/// One partition of a topic.
struct TopicPartition {
  uint64_t topic = 0;
  uint32_t partition = 0;
  bool operator<(const TopicPartition& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
  bool operator==(const TopicPartition& o) const {
    return topic == o.topic && partition == o.partition;
  }
};

/// Builds the value of one log key: a batch of records appended together. Layout:
/// [u8 format=1][varint ingest time][varint record count], then per record
/// [zigzag weight][zigzag event time][varint length][row bytes (RowCodec)].
class LogBatchBuilder {
 public:
  explicit LogBatchBuilder(int64_t ingest_time = 0) { Reset(ingest_time); }
  void Reset(int64_t ingest_time);
  void set_ingest_time(int64_t t) { ingest_time_ = t; }
  void Add(int64_t weight, int64_t event_time, std::string_view row);
  /// Drops the records after the first `count` (whose encoding took `bytes`).
  void Truncate(size_t count, size_t bytes) {
    count_ = count;
    body_.resize(bytes);
  }
  size_t count() const { return count_; }
  size_t bytes() const { return body_.size(); }
  /// The encoded batch.
  std::string Finish() const;

 private:
  int64_t ingest_time_ = 0;
  size_t count_ = 0;
  std::string body_;
};

/// Iterates the records of an encoded batch.
class LogBatchReader {
 public:
  /// Fails with XX001 on a malformed header.
  Status Open(std::string_view batch);
  int64_t ingest_time() const { return ingest_time_; }
  size_t count() const { return count_; }
  /// The next record; false at the end. XX001 when a record is malformed.
  Result<bool> Next(int64_t* weight, int64_t* event_time, std::string_view* row);

 private:
  std::string_view in_;
  int64_t ingest_time_ = 0;
  size_t count_ = 0;
  size_t read_ = 0;
};

/// How long a topic keeps its records. A changelog topic (a table's) may drop what every
/// consumer has read, since the table store holds the latest row per key; a source topic keeps
/// records until they are older than `max_age_micros` or the partition exceeds `max_bytes`
/// (0: no limit), and never below what a running consumer still has to read.
struct RetentionPolicy {
  bool changelog = true;
  int64_t max_age_micros = 0;
  uint64_t max_bytes = 0;
};

/// The partitioned log (Space::kLog): a topic per table and per source, N partitions each,
/// records appended in batches. A batch is stored under topic (8 bytes BE) + partition (4) +
/// offset of its first record (8), so one RocksDB key carries many records and readers move a
/// batch at a time. Offsets per partition are dense. The in-memory end offsets are what readers
/// may consume: appenders write batches inside their transaction and Publish after it
/// committed, with a global sequence number that orders publications. Thread-safe.
class Log {
 public:
  explicit Log(Store& store) : store_(store) {}

  static std::string BatchKey(uint64_t topic, uint32_t partition, uint64_t offset);
  static std::string PartitionPrefix(uint64_t topic, uint32_t partition);
  static std::string TopicPrefix(uint64_t topic);

  /// Registers a topic with `partitions` partitions, recovering each partition's start and end
  /// offsets from the stored batches.
  Status OpenTopic(uint64_t topic, uint32_t partitions, RetentionPolicy policy = {});
  /// Forgets a topic (its data is deleted by the caller's transaction).
  void DropTopic(uint64_t topic);
  bool HasTopic(uint64_t topic) const;
  uint32_t PartitionCount(uint64_t topic) const;

  /// The offset the next record appended to a partition will get (its published end).
  uint64_t EndOffset(TopicPartition tp) const;
  /// The first retained offset of a partition.
  uint64_t StartOffset(TopicPartition tp) const;
  /// Makes the given new end offsets visible (after the batches committed) and advances the
  /// sequence; returns the new sequence. `bytes` is what the publication appended: it counts
  /// toward PendingBytes until the stream engine processed it (Trim).
  uint64_t Publish(const std::vector<std::pair<TopicPartition, uint64_t>>& ends,
                   uint64_t bytes = 0);
  /// The stream engine processed every publication up to `seq`: forgets them and wakes writers
  /// waiting for room (WaitForRoom).
  void Trim(uint64_t seq);
  /// Bytes published but not yet processed by the stream engine (its lag, in bytes).
  uint64_t PendingBytes() const { return pending_bytes_.load(std::memory_order_relaxed); }
  /// Blocks while PendingBytes() exceeds `max_bytes`: 57014 when `cancel` is set or the deadline
  /// (steady microseconds, 0 = none) passes first.
  Status WaitForRoom(uint64_t max_bytes, const std::atomic<bool>* cancel, int64_t deadline_micros);
  /// End offsets of the partitions `tps` as of a publication, and that publication's sequence:
  /// the last one (at least one) whose bytes since the last Trim stay within `max_bytes` (all of
  /// them with UINT64_MAX), so one epoch reads a bounded amount and never half of a publication
  /// (a transaction's writes to several topics are one publication).
  uint64_t SnapshotBounded(const std::vector<TopicPartition>& tps, uint64_t max_bytes,
                           std::vector<uint64_t>* ends) const;
  /// Advances a partition's start offset after retention deleted its head.
  void SetStartOffset(TopicPartition tp, uint64_t start);
  /// Adds to `batch` the deletion of every batch of a partition that holds only records below
  /// `below` (the batch holding `below`, and the last batch, stay); returns the partition's start
  /// offset once `batch` is written (call SetStartOffset with it then).
  Result<uint64_t> Truncate(TopicPartition tp, uint64_t below, WriteBatch& batch);
  /// The offset below which the topic's policy lets records go at wall time `now_micros`,
  /// consumers aside: the end for changelogs, the start when nothing is old or big enough.
  Result<uint64_t> PolicyCut(TopicPartition tp, int64_t now_micros);
  /// Number of publications so far.
  uint64_t sequence() const;

  /// Visits the batches of a partition that hold records in [from, to), in order, each with its
  /// first offset, until the visitor returns false. Records outside [from, to) inside a batch
  /// are the visitor's to skip.
  Status ReadBatches(
      TopicPartition tp, uint64_t from, uint64_t to,
      const std::function<Result<bool>(uint64_t base, std::string_view batch)>& visit);

  /// Every partition known, with (start, end) offsets.
  std::map<TopicPartition, std::pair<uint64_t, uint64_t>> Partitions() const;

 private:
  struct PartitionState {
    uint64_t start = 0;
    uint64_t end = 0;
    uint64_t trimmed_end = 0;  // the end as of the oldest publication not yet trimmed
  };
  /// A publication not yet processed: its sequence, bytes and new end offsets.
  struct Publication {
    uint64_t seq = 0;
    uint64_t bytes = 0;
    std::vector<std::pair<TopicPartition, uint64_t>> ends;
  };
  /// Publications kept at most; older ones are merged (an epoch then reads them together).
  static constexpr size_t kMaxHistory = 1 << 16;
  Store& store_;
  mutable std::mutex mu_;
  std::map<TopicPartition, PartitionState> partitions_;
  std::map<uint64_t, RetentionPolicy> policies_;
  // Publication 1 is what the log held when it was opened: readers that wait for it wait for the
  // replay after a restart.
  uint64_t sequence_ = 1;
  std::deque<Publication> history_;
  std::atomic<uint64_t> pending_bytes_{0};
  std::condition_variable room_cv_;
};

}  // namespace freshet::storage
