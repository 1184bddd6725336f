#include "common/stream_chunk.h"

namespace freshet {

void StreamChunk::Init(const std::vector<SqlType>& types) {
  columns_.resize(types.size());
  for (size_t c = 0; c < types.size(); c++) columns_[c].SetType(types[c]);
  weights_.clear();
  size_ = 0;
}

std::vector<SqlType> StreamChunk::types() const {
  std::vector<SqlType> t;
  t.reserve(columns_.size());
  for (const auto& c : columns_) t.push_back(c.type());
  return t;
}

void StreamChunk::Reset() {
  for (auto& c : columns_) c.Reset();
  weights_.clear();
  size_ = 0;
}

void StreamChunk::SetSize(size_t n) {
  weights_.resize(n, 1);
  size_ = n;
}

void StreamChunk::AppendRow(const StreamChunk& src, size_t j, int64_t w) {
  for (size_t c = 0; c < columns_.size(); c++) columns_[c].AppendFrom(src.columns_[c], j);
  weights_.push_back(w);
  size_++;
}

void StreamChunk::AppendRowWith(const StreamChunk& src, size_t j, const Value* extra, size_t n,
                                int64_t w) {
  size_t width = src.columns_.size();
  for (size_t c = 0; c < width; c++) columns_[c].AppendFrom(src.columns_[c], j);
  for (size_t k = 0; k < n; k++) columns_[width + k].AppendValue(extra[k]);
  weights_.push_back(w);
  size_++;
}

void StreamChunk::AppendSelected(const StreamChunk& src, const uint32_t* rows, size_t n) {
  for (size_t c = 0; c < columns_.size(); c++) columns_[c].AppendGather(src.columns_[c], rows, n);
  for (size_t k = 0; k < n; k++) weights_.push_back(src.weights_[rows[k]]);
  size_ += n;
}

void StreamChunk::AppendValues(const Row& row, int64_t w) {
  for (size_t c = 0; c < columns_.size(); c++) columns_[c].AppendValue(row[c]);
  weights_.push_back(w);
  size_++;
}

Row StreamChunk::GetRow(size_t i) const {
  Row r;
  r.reserve(columns_.size());
  for (const auto& c : columns_) r.push_back(c.GetValue(i));
  return r;
}

}  // namespace freshet
