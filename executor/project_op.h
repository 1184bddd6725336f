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

 private:
  std::unique_ptr<ProjectionEvaluator> projection_;
  std::string text_;
  StreamChunk out_;
};

}  // namespace freshet::executor
