#pragma once

#include <algorithm>
#include <map>
#include <vector>

#include "executor/stream_operator.h"

namespace freshet::executor {

/// UNION ALL of its inputs: changes pass through from every port (no state).
class UnionOp : public StreamOperator {
 public:
  UnionOp(EpochContext& ctx, int inputs) : StreamOperator(ctx, inputs), inputs_(inputs) {}
  Status Push(int, StreamChunk& chunk) override { return Emit(chunk); }
  std::string Describe() const override { return "UnionAll  (stateless)"; }

 protected:
  /// The output's watermark on a column is the smallest of its inputs'.
  Status OnWatermark(int port, int column, int64_t value) override {
    auto& per_port = marks_[column];
    per_port.resize(inputs_, INT64_MIN);
    per_port[port] = std::max(per_port[port], value);
    int64_t low = *std::min_element(per_port.begin(), per_port.end());
    auto it = sent_.find(column);
    if (low == INT64_MIN || (it != sent_.end() && low <= it->second)) return Status::OK();
    sent_[column] = low;
    return EmitWatermark(column, low);
  }

 private:
  int inputs_;
  std::map<int, std::vector<int64_t>> marks_;
  std::map<int, int64_t> sent_;
};

}  // namespace freshet::executor
