#include "executor/filter_op.h"

namespace freshet::executor {

Status FilterOp::Push(int, StreamChunk& chunk) {
  RETURN_IF_ERROR(predicate_->Select(chunk, &selected_));
  if (selected_.size() == chunk.size()) return Emit(chunk);
  if (selected_.empty()) return Status::OK();
  if (out_.column_count() != chunk.column_count()) out_.Init(chunk.types());
  out_.Reset();
  out_.AppendSelected(chunk, selected_.data(), selected_.size());
  return Emit(out_);
}

}  // namespace freshet::executor
