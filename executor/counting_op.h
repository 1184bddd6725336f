#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "executor/stream_operator.h"

namespace freshet::executor {

/// DISTINCT, INTERSECT [ALL] and EXCEPT [ALL]: the output multiplicity of a row is a function of
/// its counts on the inputs; every change emits the difference it makes for its row. Rows are
/// identified by their canonical encoding (1.0 = 1.00) and output as first seen.
class CountingOp : public StreamOperator {
 public:
  enum class Mode : uint8_t { kDistinct, kIntersect, kIntersectAll, kExcept, kExceptAll };
  CountingOp(EpochContext& ctx, Mode mode, std::vector<SqlType> types, uint64_t state_id);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override { return rows_.size(); }
  bool Unbounded() const override { return true; }

 private:
  struct Entry {
    int64_t left = 0;
    int64_t right = 0;
    std::string row;
  };
  int64_t Output(const Entry& e) const;

  Mode mode_;
  StateTable state_;
  absl::flat_hash_map<std::string, Entry> rows_;
  StreamChunk out_;
  std::string key_buf_, value_buf_;
};

}  // namespace freshet::executor
