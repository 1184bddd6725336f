#pragma once

#include <memory>
#include <vector>

#include "executor/stream_operator.h"
#include "storage/log.h"
#include "storage/store.h"

namespace freshet::executor {

/// A dataflow input: it has no upstream operator; the dataflow's driver polls it for data and
/// injects barriers. A source first replays a backfill (a consistent snapshot, when the dataflow
/// is new) and then reads its topics in the log, never past the targets the driver set for the
/// current epoch.
class SourceOperator : public StreamOperator {
 public:
  explicit SourceOperator(EpochContext& ctx) : StreamOperator(ctx, 0) {}

  /// Starts a new dataflow at `snapshot` (rows of tables as of the snapshot), with the log
  /// positions that snapshot corresponds to.
  virtual void StartBackfill(std::shared_ptr<storage::Snapshot> snapshot) = 0;
  /// Whether the backfill is still in progress.
  virtual bool Backfilling() const = 0;
  /// Rows replayed by the backfill so far, and in all (0 when unknown).
  virtual size_t BackfillRowsDone() const { return 0; }
  /// The partitions this source reads.
  virtual std::vector<storage::TopicPartition> Partitions() const { return {}; }
  /// Sets how far into each partition (same order as Partitions()) the current epoch reads.
  virtual void SetTargets(const std::vector<uint64_t>& ends) {}
  /// Called at the start of every epoch with the wall clock (generators decide their targets).
  virtual void BeginEpoch(int64_t now_micros) {}
  /// True for sources replayed from a generator rather than read from the log: they take no
  /// part in read-your-writes (nothing is written to them).
  virtual bool Replayable() const { return false; }
  /// True when the source had more input than this epoch took (run the next epoch at once).
  virtual bool HasMore() const { return false; }
  /// True for append-only event streams (sources), false for tables and constants.
  virtual bool Streaming() const { return false; }
  /// False while a fixed-size generator still has rows this dataflow has not consumed (reads
  /// wait for it as for committed writes).
  virtual bool CaughtUp() const { return true; }
  /// Positions reached (same order as Partitions()).
  virtual std::vector<uint64_t> Positions() const { return {}; }
  /// Pushes up to about `budget` rows downstream; returns how many it pushed (0 when it has
  /// nothing more for this epoch).
  virtual Result<size_t> Poll(size_t budget) = 0;
  /// Sends the epoch's barrier downstream (after persisting the source's own state).
  Status InjectBarrier() {
    RETURN_IF_ERROR(OnBarrier());
    return ForwardBarrier();
  }

  Status Push(int, StreamChunk&) override { return Status::Internal("a source has no inputs"); }
};

}  // namespace freshet::executor
