#pragma once

#include <memory>
#include <string>

#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"

namespace freshet::executor {

/// Maps every change's row through a list of expressions (linear: no state).
class ProjectOp : public StreamOperator {
 public:
  ProjectOp(EpochContext& ctx, std::unique_ptr<ProjectionEvaluator> projection, std::string text)
      : StreamOperator(ctx, 1), projection_(std::move(projection)), text_(std::move(text)) {
    out_.Init(projection_->types());
  }
  Status Push(int port, StreamChunk& chunk) override {
    RETURN_IF_ERROR(projection_->Project(chunk, &out_));
    return Emit(out_);
  }
  std::string Describe() const override { return "Project " + text_ + "  (stateless)"; }

 protected:
  /// A watermark passes to every output column that copies its input column.
  Status OnWatermark(int, int column, int64_t value) override {
    const auto& cols = projection_->column_refs();
    for (size_t i = 0; i < cols.size(); i++) {
      if (cols[i] == column) RETURN_IF_ERROR(EmitWatermark(static_cast<int>(i), value));
    }
    return Status::OK();
  }

 private:
  std::unique_ptr<ProjectionEvaluator> projection_;
  std::string text_;
  StreamChunk out_;
};

}  // namespace freshet::executor
