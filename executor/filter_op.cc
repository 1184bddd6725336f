#include "executor/filter_op.h"

namespace freshet::executor {

Status FilterOp::Push(int, StreamChunk& chunk) {
  RETURN_IF_ERROR(predicate_->Select(chunk, &selected_));
  if (selected_.size() == chunk.size()) return Emit(chunk);
  if (selected_.empty()) return Status::OK();
  if (out_.column_count() != chunk.column_count()) out_.Init(chunk.types());
  out_.Reset();
  for (uint32_t i : selected_) out_.AppendRow(chunk, i, chunk.weight(i));
  return Emit(out_);
}

}  // namespace freshet::executor
