#pragma once

#include <memory>

#include "executor/source_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// A constant relation (VALUES, generate_series over constants): its rows are inserted once, in
/// the dataflow's backfill; afterwards it never changes.
class ConstantOp : public SourceOperator {
 public:
  ConstantOp(EpochContext& ctx, const planner::LogicalPlan& plan)
      : SourceOperator(ctx), plan_(plan) {}
  void StartBackfill(std::shared_ptr<storage::Snapshot>) override { pending_ = true; }
  bool Backfilling() const override { return pending_; }
  Result<size_t> Poll(size_t budget) override;
  std::string Describe() const override { return "Constant  (emitted once)"; }

 private:
  const planner::LogicalPlan& plan_;
  bool pending_ = false;
};

}  // namespace freshet::executor
