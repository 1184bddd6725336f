#include "executor/session_window_op.h"

#include "common/varint.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::executor {

SessionWindowOp::SessionWindowOp(EpochContext& ctx, const planner::WindowSpec& window,
                                 const std::vector<SqlType>& output_types, uint64_t state_id,
                                 bool bounded)
    : StreamOperator(ctx, 1),
      window_(window),
      input_width_(output_types.size() - 2),
      state_(state_id),
      bounded_(bounded) {
  out_.Init(output_types);
}

std::string SessionWindowOp::EntryKey(const std::string& key, int64_t ts,
                                      const std::string& row) const {
  std::string k;
  PutVarint(&k, key.size());
  k += key;
  storage::KeyCodec::AppendU64(&k, static_cast<uint64_t>(ts) ^ (1ULL << 63));
  k += row;
  return k;
}

std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> SessionWindowOp::Assign(
    const Rows& rows) const {
  std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> out;
  auto it = rows.begin();
  while (it != rows.end()) {
    if (it->first == INT64_MIN) {  // no time: NULL bounds
      for (const auto& [row, n] : it->second) out[{row, INT64_MIN, INT64_MIN}] += n;
      ++it;
      continue;
    }
    auto first = it, last = it;
    auto next = std::next(it);
    while (next != rows.end() && next->first - last->first < window_.gap) {
      last = next;
      ++next;
    }
    int64_t start = first->first, end = last->first + window_.gap;
    for (auto r = first; r != next; ++r) {
      for (const auto& [row, n] : r->second) out[{row, start, end}] += n;
    }
    it = next;
  }
  return out;
}

Status SessionWindowOp::Push(int, StreamChunk& chunk) {
  std::string key, row;
  const Vector& ts = chunk.column(window_.time_column);
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    key.clear();
    for (int c : window_.keys) AppendHashKey(chunk.column(c), i, &key);
    int64_t t = ts.IsNull(i) ? INT64_MIN : ts.GetInt(i);
    row.clear();
    storage::RowCodec::EncodeChunkRow(chunk, i, &row);
    Key& k = keys_[key];
    if (!k.dirty) {
      k.before = Assign(k.rows);
      k.dirty = true;
      dirty_.push_back(key);
    }
    auto& at = k.rows[t];
    int64_t count = 0;
    bool found = false;
    for (size_t e = 0; e < at.size(); e++) {
      if (at[e].first != row) continue;
      at[e].second += w;
      count = at[e].second;
      found = true;
      if (count == 0) {
        at[e] = std::move(at.back());
        at.pop_back();
      }
      break;
    }
    if (!found) {
      at.emplace_back(row, w);
      count = w;
    }
    if (at.empty()) k.rows.erase(t);
    std::string skey = EntryKey(key, t, row);
    if (count == 0) {
      state_.Delete(ctx_, skey);
    } else {
      std::string value;
      PutVarint(&value, ZigZag(count));
      state_.Put(ctx_, skey, value);
    }
  }
  return Status::OK();
}

Status SessionWindowOp::EmitRow(const std::string& row, int64_t start, int64_t end, int64_t w) {
  size_t r = out_.size();
  for (size_t c = 0; c < out_.column_count(); c++) out_.column(c).Resize(r + 1);
  RETURN_IF_ERROR(storage::RowCodec::DecodeColumns(row, &out_, 0, input_width_, r));
  Vector& s = out_.column(input_width_);
  Vector& e = out_.column(input_width_ + 1);
  if (start == INT64_MIN) {
    s.SetNull(r);
    e.SetNull(r);
  } else {
    s.SetInt(r, start);
    e.SetInt(r, end);
  }
  out_.SetSize(r + 1);
  out_.SetWeight(r, w);
  if (out_.full()) {
    RETURN_IF_ERROR(Emit(out_));
    out_.Reset();
  }
  return Status::OK();
}

Status SessionWindowOp::OnBarrier() {
  out_.Reset();
  for (const std::string& key : dirty_) {
    auto kit = keys_.find(key);
    Key& k = kit->second;
    auto after = Assign(k.rows);
    for (const auto& [entry, n] : after) {
      auto it = k.before.find(entry);
      int64_t old = it == k.before.end() ? 0 : it->second;
      if (n != old) {
        RETURN_IF_ERROR(
            EmitRow(std::get<0>(entry), std::get<1>(entry), std::get<2>(entry), n - old));
      }
    }
    for (const auto& [entry, n] : k.before) {
      if (!after.count(entry)) {
        RETURN_IF_ERROR(EmitRow(std::get<0>(entry), std::get<1>(entry), std::get<2>(entry), -n));
      }
    }
    k.before.clear();
    k.dirty = false;
    if (k.rows.empty()) keys_.erase(kit);
  }
  dirty_.clear();
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  if (watermark_ == INT64_MIN) return Status::OK();
  // Sessions that ended before the watermark are final: their rows leave the state.
  int64_t earliest_open = watermark_;
  for (auto kit = keys_.begin(); kit != keys_.end();) {
    Key& k = kit->second;
    auto it = k.rows.begin();
    while (it != k.rows.end()) {
      if (it->first == INT64_MIN) {
        ++it;
        continue;
      }
      auto last = it;
      auto next = std::next(it);
      while (next != k.rows.end() && next->first - last->first < window_.gap) {
        last = next;
        ++next;
      }
      if (last->first + window_.gap > watermark_) {
        earliest_open = std::min(earliest_open, it->first);
        it = next;
        continue;
      }
      for (auto r = it; r != next; ++r) {
        for (const auto& [row, n] : r->second)
          state_.Delete(ctx_, EntryKey(kit->first, r->first, row));
      }
      it = k.rows.erase(it, next);
    }
    if (k.rows.empty()) {
      keys_.erase(kit++);
    } else {
      ++kit;
    }
  }
  RETURN_IF_ERROR(EmitWatermark(window_.time_column, watermark_));
  RETURN_IF_ERROR(EmitWatermark(static_cast<int>(input_width_), earliest_open));
  return EmitWatermark(static_cast<int>(input_width_ + 1), watermark_);
}

Status SessionWindowOp::OnWatermark(int, int column, int64_t value) {
  if (column == window_.time_column) watermark_ = std::max(watermark_, value);
  return Status::OK();
}

Status SessionWindowOp::Restore(storage::Store& store) {
  keys_.clear();
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt session state"); };
    uint64_t len, n;
    if (!GetVarint(&key, &len) || key.size() < len + 8 || !GetVarint(&value, &n)) return corrupt();
    std::string k(key.substr(0, len));
    int64_t ts =
        static_cast<int64_t>(storage::KeyCodec::DecodeU64(key.substr(len, 8)) ^ (1ULL << 63));
    keys_[k].rows[ts].emplace_back(std::string(key.substr(len + 8)), UnZigZag(n));
    return Status::OK();
  });
}

size_t SessionWindowOp::StateSize() const {
  size_t n = 0;
  for (const auto& [k, key] : keys_) {
    for (const auto& [t, rows] : key.rows) n += rows.size();
  }
  return n;
}

std::string SessionWindowOp::Describe() const {
  return window_.ToString() + "  state: open sessions' rows per key (closed sessions leave)";
}

}  // namespace freshet::executor
