#include "executor/window_tvf_op.h"

namespace freshet::executor {

WindowTvfOp::WindowTvfOp(EpochContext& ctx, const planner::WindowSpec& window,
                         const std::vector<SqlType>& output_types)
    : StreamOperator(ctx, 1), window_(window), input_width_(output_types.size() - 2) {
  out_.Init(output_types);
}

Status WindowTvfOp::Flush(const StreamChunk& chunk) {
  if (rows_.empty()) return Status::OK();
  out_.Reset();
  size_t n = rows_.size();
  for (size_t c = 0; c < input_width_; c++) {
    out_.column(c).AppendGather(chunk.column(c), rows_.data(), n);
  }
  Vector& start = out_.column(input_width_);
  Vector& end = out_.column(input_width_ + 1);
  for (size_t k = 0; k < n; k++) {
    if (starts_[k] == INT64_MIN) {
      start.AppendNull();
      end.AppendNull();
    } else {
      start.AppendInt(starts_[k]);
      end.AppendInt(ends_[k]);
    }
  }
  out_.SetSize(n);
  for (size_t k = 0; k < n; k++) out_.SetWeight(k, chunk.weight(rows_[k]));
  rows_.clear();
  starts_.clear();
  ends_.clear();
  return Emit(out_);
}

Status WindowTvfOp::Push(int, StreamChunk& chunk) {
  const Vector& ts = chunk.column(window_.time_column);
  rows_.clear();
  starts_.clear();
  ends_.clear();
  for (size_t i = 0; i < chunk.size(); i++) {
    if (chunk.weight(i) == 0) continue;
    if (ts.IsNull(i)) {
      // No time, no window: the row passes with NULL bounds, as in the batch engine.
      rows_.push_back(static_cast<uint32_t>(i));
      starts_.push_back(INT64_MIN);
      ends_.push_back(INT64_MIN);
    } else {
      window_.Windows(ts.GetInt(i), &windows_);
      for (const auto& [s, e] : windows_) {
        rows_.push_back(static_cast<uint32_t>(i));
        starts_.push_back(s);
        ends_.push_back(e);
      }
    }
    if (rows_.size() + 16 > StreamChunk::kChunkSize) RETURN_IF_ERROR(Flush(chunk));
  }
  return Flush(chunk);
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
