#pragma once

#include <string>

#include "executor/stream_operator.h"

namespace freshet::executor {

/// The end of a sink with connector 'blackhole': counts the changes it receives and discards them
/// (benchmarks measure the dataflow in front of it). The count persists at barriers.
class BlackholeOp : public StreamOperator {
 public:
  BlackholeOp(EpochContext& ctx, uint64_t state_id)
      : StreamOperator(ctx, 1), state_(state_id, storage::Space::kView) {}
  Status Push(int, StreamChunk& chunk) override {
    changes_ += static_cast<int64_t>(chunk.size());
    return Status::OK();
  }
  Status Restore(storage::Store& store) override;
  std::string Describe() const override { return "Sink blackhole  (discards every change)"; }
  int64_t changes() const { return changes_; }

 protected:
  Status OnBarrier() override;

 private:
  StateTable state_;
  int64_t changes_ = 0;
};

}  // namespace freshet::executor
