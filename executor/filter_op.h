#pragma once

#include <memory>

#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"

namespace freshet::executor {

/// Keeps the changes whose row satisfies a predicate (linear: no state).
class FilterOp : public StreamOperator {
 public:
  FilterOp(EpochContext& ctx, std::unique_ptr<ExpressionEvaluator> predicate, std::string text)
      : StreamOperator(ctx, 1), predicate_(std::move(predicate)), text_(std::move(text)) {}
  Status Push(int port, StreamChunk& chunk) override;
  std::string Describe() const override { return "Filter " + text_ + "  (stateless)"; }

 protected:
  Status OnWatermark(int, int column, int64_t value) override {
    return EmitWatermark(column, value);
  }

 private:
  std::unique_ptr<ExpressionEvaluator> predicate_;
  std::string text_;
  Selection selected_;
  StreamChunk out_;
};

}  // namespace freshet::executor
