#pragma once

#include <string>
#include <utility>
#include <vector>

#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// TUMBLE, HOP and CUMULATE: each change is repeated once per window its time falls in, with
/// window_start and window_end appended (linear: no state). A watermark on the time column becomes
/// watermarks on window_start and window_end too: the bounds of the earliest window a later row
/// can fall in.
class WindowTvfOp : public StreamOperator {
 public:
  WindowTvfOp(EpochContext& ctx, const planner::WindowSpec& window,
              const std::vector<SqlType>& output_types);
  Status Push(int port, StreamChunk& chunk) override;
  std::string Describe() const override { return window_.ToString() + "  (stateless)"; }

 protected:
  Status OnWatermark(int port, int column, int64_t value) override;

 private:
  planner::WindowSpec window_;
  size_t input_width_;
  StreamChunk out_;
  std::vector<std::pair<int64_t, int64_t>> windows_;
  // The output rows being gathered: input row and window bounds (INT64_MIN: NULL).
  std::vector<uint32_t> rows_;
  std::vector<int64_t> starts_, ends_;
  Status Flush(const StreamChunk& chunk);
};

}  // namespace freshet::executor
