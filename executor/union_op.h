#pragma once

#include "executor/stream_operator.h"

namespace freshet::executor {

/// UNION ALL of its inputs: changes pass through from every port (no state).
class UnionOp : public StreamOperator {
 public:
  UnionOp(EpochContext& ctx, int inputs) : StreamOperator(ctx, inputs) {}
  Status Push(int, StreamChunk& chunk) override { return Emit(chunk); }
  std::string Describe() const override { return "UnionAll  (stateless)"; }
};

}  // namespace freshet::executor
