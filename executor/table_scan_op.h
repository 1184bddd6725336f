#pragma once

#include <memory>
#include <string>
#include <vector>

#include "executor/source_operator.h"

namespace freshet::executor {

/// A table as a dataflow input: a new dataflow first replays the table's rows as of its backfill
/// snapshot (as insertions), then reads the table's changelog topic from the offsets that
/// snapshot corresponds to, so no change is missed or counted twice. Persists the offsets it
/// consumed at each barrier.
class TableScanOp : public SourceOperator {
 public:
  TableScanOp(EpochContext& ctx, storage::Store& store, storage::Log& log, uint64_t table_id,
              std::string name, std::vector<SqlType> types, uint64_t state_id);

  void StartBackfill(std::shared_ptr<storage::Snapshot> snapshot) override;
  bool Backfilling() const override { return backfill_ != nullptr; }
  size_t BackfillRowsDone() const override { return backfill_rows_; }
  std::vector<storage::TopicPartition> Partitions() const override;
  void SetTargets(const std::vector<uint64_t>& ends) override { targets_ = ends; }
  std::vector<uint64_t> Positions() const override { return positions_; }
  Result<size_t> Poll(size_t budget) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;

  uint64_t table_id() const { return table_id_; }

 protected:
  Status OnBarrier() override;

 private:
  Result<size_t> PollBackfill(size_t budget);
  Status Flush();

  storage::Store& store_;
  storage::Log& log_;
  uint64_t table_id_;
  std::string name_;
  StateTable state_;
  std::vector<uint64_t> positions_;  // per partition: next offset to read
  std::vector<uint64_t> targets_;
  std::shared_ptr<storage::Snapshot> snapshot_;
  std::unique_ptr<storage::Cursor> backfill_;
  size_t backfill_rows_ = 0;
  StreamChunk chunk_;
};

}  // namespace freshet::executor
