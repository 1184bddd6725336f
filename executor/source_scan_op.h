#pragma once

#include <memory>
#include <string>
#include <vector>

#include "executor/expression_evaluator.h"
#include "executor/source_operator.h"
#include "ingest/generator.h"
#include "planner/catalog.h"

namespace freshet::executor {

/// How a dataflow reads one source.
struct SourceScanOptions {
  /// Divert rows behind the watermark (minus `lateness`) as late rows and send watermarks
  /// downstream: set when the dataflow closes windows or evicts state by event time.
  bool watermarked = false;
  int64_t lateness = 0;  // allowed lateness, microseconds
  /// Rows generated per partition per epoch at most (generators only).
  size_t generator_budget = 64 * 1024;
};

/// A source as a dataflow input: the partitions of a 'log' source's topic (fed by INSERT and
/// COPY), or of a generator (nexmark, datagen) replayable from any offset. A new dataflow starts
/// at what the source retains. Per partition it tracks the watermark (the largest value of the
/// source's WATERMARK expression seen); the source's watermark is the smallest over partitions
/// that are not idle (no data for watermark.idle_timeout). When watermarked, rows whose event time
/// is behind the source watermark minus the allowed lateness are late: they are recorded in the
/// dataflow's late-row table (freshet_catalog.late_rows) instead of flowing on, and watermarks go
/// downstream on the event-time column. Positions and watermarks persist at barriers.
class SourceScanOp : public SourceOperator {
 public:
  /// `generator` is null for a 'log' source.
  static Result<std::unique_ptr<SourceScanOp>> Make(EpochContext& ctx, storage::Store& store,
                                                    storage::Log& log,
                                                    std::shared_ptr<const planner::TableDef> source,
                                                    std::unique_ptr<ingest::Generator> generator,
                                                    SourceScanOptions options, uint64_t state_id,
                                                    uint64_t late_state_id);

  void StartBackfill(std::shared_ptr<storage::Snapshot> snapshot) override;
  bool Backfilling() const override { return false; }
  std::vector<storage::TopicPartition> Partitions() const override;
  void SetTargets(const std::vector<uint64_t>& ends) override;
  void BeginEpoch(int64_t now_micros) override;
  bool Replayable() const override { return generator_ != nullptr; }
  bool HasMore() const override { return more_; }
  bool Streaming() const override { return true; }
  bool CaughtUp() const override;
  std::vector<uint64_t> Positions() const override { return positions_; }
  Result<size_t> Poll(size_t budget) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;

  /// Per partition: (watermark, idle) for freshet_catalog.watermarks; INT64_MIN = none yet.
  std::vector<std::pair<int64_t, bool>> Watermarks() const;
  /// The source watermark (INT64_MIN before every active partition has one).
  int64_t SourceWatermark() const;
  const planner::TableDef& source() const { return *source_; }
  const std::shared_ptr<const planner::TableDef>& source_ptr() const { return source_; }
  /// Turns on late-row diversion and watermarks downstream (a dataflow with windows), when the
  /// source declares a WATERMARK; `lateness` is the view's allowed lateness.
  void SetWatermarked(bool on, int64_t lateness) {
    options_.watermarked = on && watermark_expr_ != nullptr;
    options_.lateness = lateness;
  }
  bool watermarked() const { return options_.watermarked; }
  int64_t late_rows() const { return late_rows_; }
  /// Lets a generator leave the columns nobody downstream reads NULL (the watermark's columns are
  /// always produced; late rows are recorded whole).
  void SetNeededColumns(std::vector<bool> needed);
  /// Whether partitions can turn idle (watermark.idle_timeout set).
  bool HasIdleTimeout() const { return idle_timeout_ > 0; }
  /// The late-row table's rows of a dataflow: (partition, offset, event time, watermark, arrival
  /// time, row as jsonb text).
  static Status ReadLateRows(
      storage::Store& store, uint64_t late_state_id, const planner::TableDef& source,
      const std::function<void(uint32_t, uint64_t, int64_t, int64_t, int64_t, std::string)>& row);

 protected:
  Status OnBarrier() override;

 private:
  SourceScanOp(EpochContext& ctx, storage::Store& store, storage::Log& log,
               std::shared_ptr<const planner::TableDef> source,
               std::unique_ptr<ingest::Generator> generator, SourceScanOptions options,
               uint64_t state_id, uint64_t late_state_id);
  /// Watermarks, late rows and emission for the rows of one partition in chunk_.
  Status Flush(uint32_t partition);
  Result<size_t> PollLog(uint32_t partition, size_t budget);
  Result<size_t> PollGenerator(uint32_t partition, size_t budget);

  storage::Store& store_;
  storage::Log& log_;
  std::shared_ptr<const planner::TableDef> source_;
  std::unique_ptr<ingest::Generator> generator_;
  SourceScanOptions options_;
  StateTable state_;
  StateTable late_;
  uint32_t partitions_ = 1;
  int time_column_ = -1;
  std::unique_ptr<ExpressionEvaluator> watermark_expr_;
  function::EvalContext eval_;
  int64_t idle_timeout_ = 0;
  int64_t now_ = 0;
  std::vector<uint64_t> positions_, targets_;
  std::vector<int64_t> watermarks_;   // per partition
  std::vector<int64_t> last_active_;  // per partition, wall clock
  int64_t emitted_ = INT64_MIN;       // the last watermark sent downstream
  int64_t late_rows_ = 0;
  bool more_ = false;                    // a generator had more rows than this epoch's budget
  std::vector<bool> watermark_columns_;  // read by the WATERMARK expression
  std::vector<bool> needed_;             // generated columns (empty: all)
  StreamChunk full_row_;                 // a late row regenerated with every column
  StreamChunk chunk_;
  std::vector<uint64_t> offsets_;  // per row of chunk_: its offset in the partition
  Selection keep_;
  StreamChunk kept_;
};

}  // namespace freshet::executor
