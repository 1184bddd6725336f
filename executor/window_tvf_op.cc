#include "executor/window_tvf_op.h"

namespace freshet::executor {

WindowTvfOp::WindowTvfOp(EpochContext& ctx, const planner::WindowSpec& window,
                         const std::vector<SqlType>& output_types)
    : StreamOperator(ctx, 1), window_(window), input_width_(output_types.size() - 2) {
  out_.Init(output_types);
}

Status WindowTvfOp::Push(int, StreamChunk& chunk) {
  out_.Reset();
  const Vector& ts = chunk.column(window_.time_column);
  Vector& start = out_.column(input_width_);
  Vector& end = out_.column(input_width_ + 1);
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    if (ts.IsNull(i)) {
      // No time, no window: the row passes with NULL bounds, as in the batch engine.
      size_t r = out_.size();
      for (size_t c = 0; c < input_width_; c++) out_.column(c).AppendFrom(chunk.column(c), i);
      start.AppendNull();
      end.AppendNull();
      out_.SetSize(r + 1);
      out_.SetWeight(r, w);
    } else {
      window_.Windows(ts.GetInt(i), &windows_);
      for (const auto& [s, e] : windows_) {
        size_t r = out_.size();
        for (size_t c = 0; c < input_width_; c++) out_.column(c).AppendFrom(chunk.column(c), i);
        start.AppendInt(s);
        end.AppendInt(e);
        out_.SetSize(r + 1);
        out_.SetWeight(r, w);
      }
    }
    if (out_.size() + 16 > StreamChunk::kChunkSize) {
      RETURN_IF_ERROR(Emit(out_));
      out_.Reset();
    }
  }
  return Emit(out_);
}

Status WindowTvfOp::OnWatermark(int, int column, int64_t value) {
  RETURN_IF_ERROR(EmitWatermark(column, value));
  if (column != window_.time_column) return Status::OK();
  window_.Windows(value, &windows_);
  if (windows_.empty()) return Status::OK();
  RETURN_IF_ERROR(EmitWatermark(static_cast<int>(input_width_), windows_.front().first));
  return EmitWatermark(static_cast<int>(input_width_ + 1), windows_.front().second);
}

}  // namespace freshet::executor
