#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "executor/executor.h"
#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// Window functions (OVER) whose calls share one PARTITION BY: each partition keeps its rows; at
/// the barrier the partitions touched in the epoch recompute their window results and emit the
/// difference. Cost per change is the size of its partition.
class OverWindowOp : public StreamOperator {
 public:
  static Result<std::unique_ptr<OverWindowOp>> Make(EpochContext& ctx,
                                                    const planner::LogicalPlan& plan,
                                                    const function::EvalContext& eval,
                                                    uint64_t state_id);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override;
  bool Unbounded() const override { return true; }

 protected:
  Status OnBarrier() override;

 private:
  using Bag = std::unordered_map<Row, int64_t, RowHash, RowEq>;
  struct Partition {
    Bag rows;
    bool dirty = false;
    Bag before;
  };

  OverWindowOp(EpochContext& ctx, const planner::LogicalPlan& plan, uint64_t state_id);
  Result<Bag> Compute(const Bag& rows) const;

  const planner::LogicalPlan& plan_;
  StateTable state_;
  std::vector<SqlType> input_types_;
  std::vector<std::unique_ptr<ExpressionEvaluator>> partition_exprs_;
  absl::flat_hash_map<std::string, Partition> partitions_;
  std::vector<std::string> dirty_;
  StreamChunk out_;
};

}  // namespace freshet::executor
