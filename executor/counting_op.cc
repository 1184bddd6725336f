#include "executor/counting_op.h"

#include <algorithm>

#include "common/varint.h"
#include "storage/row_codec.h"

namespace freshet::executor {

CountingOp::CountingOp(EpochContext& ctx, Mode mode, std::vector<SqlType> types, uint64_t state_id)
    : StreamOperator(ctx, mode == Mode::kDistinct ? 1 : 2), mode_(mode), state_(state_id) {
  out_.Init(types);
}

int64_t CountingOp::Output(const Entry& e) const {
  int64_t l = e.left, r = e.right;
  switch (mode_) {
    case Mode::kDistinct:
      return l > 0 ? 1 : 0;
    case Mode::kIntersect:
      return l > 0 && r > 0 ? 1 : 0;
    case Mode::kIntersectAll:
      return std::max<int64_t>(0, std::min(l, r));
    case Mode::kExcept:
      return l > 0 && r <= 0 ? 1 : 0;
    case Mode::kExceptAll:
      return std::max<int64_t>(0, l - r);
  }
  return 0;
}

Status CountingOp::Push(int port, StreamChunk& chunk) {
  out_.Reset();
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    key_buf_.clear();
    for (size_t c = 0; c < chunk.column_count(); c++) AppendHashKey(chunk.column(c), i, &key_buf_);
    auto it = rows_.find(key_buf_);
    if (it == rows_.end()) {
      Entry e;
      storage::RowCodec::EncodeChunkRow(chunk, i, &e.row);
      it = rows_.emplace(key_buf_, std::move(e)).first;
    }
    Entry& e = it->second;
    int64_t before = Output(e);
    (port == 0 ? e.left : e.right) += w;
    int64_t after = Output(e);
    if (after != before) {
      RETURN_IF_ERROR(storage::RowCodec::DecodeInto(e.row, &out_, after - before));
      if (out_.full()) {
        RETURN_IF_ERROR(Emit(out_));
        out_.Reset();
      }
    }
    if (e.left == 0 && e.right == 0) {
      state_.Delete(ctx_, key_buf_);
      rows_.erase(it);
    } else {
      value_buf_.clear();
      PutVarint(&value_buf_, ZigZag(e.left));
      PutVarint(&value_buf_, ZigZag(e.right));
      value_buf_.append(e.row);
      state_.Put(ctx_, key_buf_, value_buf_);
    }
  }
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  return Status::OK();
}

Status CountingOp::Restore(storage::Store& store) {
  rows_.clear();
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    uint64_t l, r;
    if (!GetVarint(&value, &l) || !GetVarint(&value, &r)) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt counting state");
    }
    Entry e;
    e.left = UnZigZag(l);
    e.right = UnZigZag(r);
    e.row.assign(value);
    rows_.emplace(std::string(key), std::move(e));
    return Status::OK();
  });
}

std::string CountingOp::Describe() const {
  static const char* kNames[] = {"Distinct", "Intersect", "IntersectAll", "Except", "ExceptAll"};
  return std::string(kNames[static_cast<int>(mode_)]) + "  state: count per distinct row";
}

}  // namespace freshet::executor
