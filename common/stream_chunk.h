#pragma once

#include <cstdint>
#include <vector>

#include "common/value.h"
#include "common/vector.h"

namespace freshet {

/// A batch of changes flowing through a dataflow: up to kChunkSize rows stored column by column,
/// each with a signed weight (+n inserted n times, -n deleted; an update is -old +new). A chunk is
/// a Z-set delta in the DBSP sense. Operators reuse chunks: Reset keeps every buffer.
class StreamChunk {
 public:
  static constexpr size_t kChunkSize = 1024;

  StreamChunk() = default;
  explicit StreamChunk(const std::vector<SqlType>& types) { Init(types); }

  /// Sets the column types and empties the chunk.
  void Init(const std::vector<SqlType>& types);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ >= kChunkSize; }
  size_t column_count() const { return columns_.size(); }
  std::vector<SqlType> types() const;

  const Vector& column(size_t c) const { return columns_[c]; }
  Vector& column(size_t c) { return columns_[c]; }
  int64_t weight(size_t i) const { return weights_[i]; }
  const int64_t* weights() const { return weights_.data(); }
  int64_t* mutable_weights() { return weights_.data(); }

  /// Empties every column (capacity is kept).
  void Reset();
  /// Sets the row count after columns were filled directly; weights default to +1.
  void SetSize(size_t n);
  /// Appends row `j` of `src` (same column types) with weight `w`.
  void AppendRow(const StreamChunk& src, size_t j, int64_t w);
  /// Appends row `j` of `src` followed by `extra[0..n)` as the last columns (this chunk has n
  /// columns more than `src`), with weight `w`.
  void AppendRowWith(const StreamChunk& src, size_t j, const Value* extra, size_t n, int64_t w);
  /// Appends rows `rows[0..n)` of `src` (same column types), keeping their weights.
  void AppendSelected(const StreamChunk& src, const uint32_t* rows, size_t n);
  /// Appends a row of Values (slow path: tests, constants, row-based operators).
  void AppendValues(const Row& row, int64_t w);
  /// Row `i` as Values (slow path).
  Row GetRow(size_t i) const;
  void SetWeight(size_t i, int64_t w) { weights_[i] = w; }

 private:
  std::vector<Vector> columns_;
  std::vector<int64_t> weights_;
  size_t size_ = 0;
};

}  // namespace freshet
