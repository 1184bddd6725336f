#pragma once

#include <cstddef>
#include <vector>

#include "common/value.h"

namespace freshet {

/// A batch of up to kChunkSize rows stored column by column: the unit operators pass on.
class DataChunk {
 public:
  static constexpr size_t kChunkSize = 1024;

  DataChunk() = default;
  explicit DataChunk(std::vector<SqlType> types) : types_(std::move(types)) {
    columns_.resize(types_.size());
  }

  const std::vector<SqlType>& types() const { return types_; }
  size_t column_count() const { return types_.size(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ >= kChunkSize; }

  const Value& Get(size_t column, size_t row) const { return columns_[column][row]; }
  Value& Mutable(size_t column, size_t row) { return columns_[column][row]; }
  const std::vector<Value>& column(size_t c) const { return columns_[c]; }
  std::vector<Value>& mutable_column(size_t c) { return columns_[c]; }

  /// Appends one row; `row` must have column_count() values.
  void AppendRow(const Row& row) {
    for (size_t c = 0; c < columns_.size(); c++) columns_[c].push_back(row[c]);
    size_++;
  }
  void AppendRow(Row&& row) {
    for (size_t c = 0; c < columns_.size(); c++) columns_[c].push_back(std::move(row[c]));
    size_++;
  }
  Row GetRow(size_t row) const {
    Row r;
    r.reserve(columns_.size());
    for (const auto& col : columns_) r.push_back(col[row]);
    return r;
  }
  /// Sets the row count after columns were filled directly.
  void SetSize(size_t n) { size_ = n; }
  void Reset() {
    for (auto& col : columns_) col.clear();
    size_ = 0;
  }

 private:
  std::vector<SqlType> types_;
  std::vector<std::vector<Value>> columns_;
  size_t size_ = 0;
};

}  // namespace freshet
