#include "executor/temporal_filter_op.h"

#include <chrono>

#include "common/datetime.h"
#include "common/varint.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::executor {

TemporalFilterOp::TemporalFilterOp(EpochContext& ctx, int column, int64_t width, bool inclusive,
                                   std::string text, const std::vector<SqlType>& types,
                                   uint64_t state_id)
    : StreamOperator(ctx, 1),
      column_(column),
      width_(width),
      inclusive_(inclusive),
      text_(std::move(text)),
      state_(state_id) {
  out_.Init(types);
}

int64_t TemporalFilterOp::Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() -
         datetime::kUnixEpochDays * datetime::kMicrosPerDay;
}

std::string TemporalFilterOp::EntryKey(int64_t expiry, const std::string& row) const {
  std::string k;
  storage::KeyCodec::AppendU64(&k, static_cast<uint64_t>(expiry) ^ (1ULL << 63));
  return k + row;
}

Status TemporalFilterOp::Push(int, StreamChunk& chunk) {
  out_.Reset();
  int64_t now = Now();
  const Vector& ts = chunk.column(column_);
  std::string row;
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0 || ts.IsNull(i)) continue;  // NULL > anything is not true
    int64_t expiry = ts.GetInt(i) + width_;
    bool alive = inclusive_ ? now <= expiry : now < expiry;
    row.clear();
    storage::RowCodec::EncodeChunkRow(chunk, i, &row);
    auto key = std::make_pair(expiry, row);
    auto it = rows_.find(key);
    if (!alive && it == rows_.end()) continue;  // already aged out: never visible
    if (it == rows_.end()) it = rows_.emplace(key, 0).first;
    it->second += w;
    out_.AppendRow(chunk, i, w);
    std::string skey = EntryKey(expiry, row);
    if (it->second == 0) {
      rows_.erase(it);
      state_.Delete(ctx_, skey);
    } else {
      std::string v;
      PutVarint(&v, ZigZag(it->second));
      state_.Put(ctx_, skey, v);
    }
  }
  return Emit(out_);
}

Status TemporalFilterOp::OnBarrier() {
  // Time moved on: retract what aged out.
  int64_t now = Now();
  out_.Reset();
  while (!rows_.empty()) {
    auto it = rows_.begin();
    int64_t expiry = it->first.first;
    bool alive = inclusive_ ? now <= expiry : now < expiry;
    if (alive) break;
    RETURN_IF_ERROR(storage::RowCodec::DecodeInto(it->first.second, &out_, -it->second));
    state_.Delete(ctx_, EntryKey(expiry, it->first.second));
    rows_.erase(it);
    if (out_.full()) {
      RETURN_IF_ERROR(Emit(out_));
      out_.Reset();
    }
  }
  return Emit(out_);
}

Status TemporalFilterOp::Restore(storage::Store& store) {
  rows_.clear();
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    uint64_t n;
    if (key.size() < 8 || !GetVarint(&value, &n)) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt temporal filter state");
    }
    int64_t expiry =
        static_cast<int64_t>(storage::KeyCodec::DecodeU64(key.substr(0, 8)) ^ (1ULL << 63));
    rows_[{expiry, std::string(key.substr(8))}] = UnZigZag(n);
    return Status::OK();
  });
}

std::string TemporalFilterOp::Describe() const {
  return "TemporalFilter " + text_ + "  state: the rows still inside the interval";
}

}  // namespace freshet::executor
