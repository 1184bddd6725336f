#include "executor/materialize_op.h"

#include "common/varint.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::executor {

MaterializeOp::MaterializeOp(EpochContext& ctx, uint64_t state_id,
                             std::optional<std::vector<int>> key, std::vector<SqlType> types,
                             bool append_only)
    : StreamOperator(ctx, 1),
      state_(state_id, storage::Space::kView),
      key_(std::move(key)),
      append_only_(append_only && !key_),
      types_(std::move(types)) {}

Status MaterializeOp::Push(int, StreamChunk& chunk) {
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    key_buf_.clear();
    if (key_) {
      // Order-preserving key bytes: readers look rows up by the key (WHERE k = ...).
      for (int c : *key_) storage::KeyCodec::AppendValue(&key_buf_, chunk.column(c).GetValue(i));
      auto [slot, added] = pending_.try_emplace(key_buf_);
      Pending& p = slot->second;
      if (added) pending_bytes_ += key_buf_.size() + sizeof(Pending) + 48;
      row_buf_.clear();
      storage::RowCodec::EncodeChunkRow(chunk, i, &row_buf_);
      bool found = false;
      for (auto& [row, net] : p.rows) {
        if (row == row_buf_) {
          net += w;
          found = true;
          break;
        }
      }
      if (!found) {
        pending_bytes_ += row_buf_.size() + sizeof(std::pair<std::string, int64_t>);
        p.rows.emplace_back(row_buf_, w);
      }
      continue;
    }
    for (size_t c = 0; c < chunk.column_count(); c++) AppendHashKey(chunk.column(c), i, &key_buf_);
    if (append_only_) {
      value_buf_.clear();
      PutVarint(&value_buf_, ZigZag(w));
      storage::RowCodec::EncodeChunkRow(chunk, i, &value_buf_);
      ctx_.batch->MergeCount(storage::Space::kView, state_.Key(key_buf_), value_buf_);
      continue;
    }
    auto it = counts_.find(key_buf_);
    if (it == counts_.end()) it = counts_.emplace(key_buf_, 0).first;
    it->second += w;
    if (it->second == 0) {
      state_.Delete(ctx_, key_buf_);
      counts_.erase(it);
      continue;
    }
    value_buf_.clear();
    PutVarint(&value_buf_, ZigZag(it->second));
    storage::RowCodec::EncodeChunkRow(chunk, i, &value_buf_);
    state_.Put(ctx_, key_buf_, value_buf_);
  }
  return Status::OK();
}

Status MaterializeOp::OnBarrier() {
  for (auto& [key, p] : pending_) {
    const std::string* inserted = nullptr;
    bool deleted = false;
    for (const auto& [row, net] : p.rows) {
      if (net > 0) inserted = &row;
      if (net < 0) deleted = true;
    }
    if (inserted) {
      value_buf_.clear();
      PutVarint(&value_buf_, ZigZag(1));
      value_buf_.append(*inserted);
      state_.Put(ctx_, key, value_buf_);
    } else if (deleted) {
      state_.Delete(ctx_, key);
    }
  }
  pending_.clear();
  pending_bytes_ = 0;
  return Status::OK();
}

Status MaterializeOp::Restore(storage::Store& store) {
  counts_.clear();
  if (key_ || append_only_) return Status::OK();
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    uint64_t n;
    if (!GetVarint(&value, &n)) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt materialized view entry");
    }
    counts_[std::string(key)] = UnZigZag(n);
    return Status::OK();
  });
}

std::string MaterializeOp::Describe() const {
  if (key_) return "Materialize  (view rows by unique key, consolidated per epoch)";
  if (append_only_) return "Materialize  (append-only: counts merged into the stored rows)";
  return "Materialize  state: count per distinct view row";
}

Status MaterializeOp::ReadKey(storage::Store& store, const storage::Snapshot* snapshot,
                              uint64_t state_id, const Row& key, const std::vector<SqlType>& types,
                              RowSet* out) {
  StateTable table(state_id, storage::Space::kView);
  std::string k;
  for (const Value& v : key) storage::KeyCodec::AppendValue(&k, v);
  std::string value;
  ASSIGN_OR_RETURN(bool found, store.Get(storage::Space::kView, table.Key(k), &value, snapshot));
  if (!found) return Status::OK();
  std::string_view in = value;
  uint64_t n;
  if (!GetVarint(&in, &n)) {
    return Status::Error(sqlstate::kDataCorrupted, "corrupt materialized view entry");
  }
  Row row;
  RETURN_IF_ERROR(storage::RowCodec::Decode(in, types, &row));
  for (int64_t i = 0; i < UnZigZag(n); i++) out->push_back(row);
  return Status::OK();
}

Status MaterializeOp::Read(storage::Store& store, const storage::Snapshot* snapshot,
                           uint64_t state_id, const std::vector<SqlType>& types, RowSet* out) {
  return Scan(store, snapshot, state_id, "", "", types, [&](Row& row) -> Result<bool> {
    out->push_back(std::move(row));
    return true;
  });
}

Status MaterializeOp::Scan(storage::Store& store, const storage::Snapshot* snapshot,
                           uint64_t state_id, std::string_view begin, std::string_view end,
                           const std::vector<SqlType>& types,
                           const std::function<Result<bool>(Row& row)>& visit) {
  StateTable table(state_id, storage::Space::kView);
  std::string first = table.Begin() + std::string(begin);
  std::string last = end.empty() ? table.End() : table.Begin() + std::string(end);
  if (first >= last) return Status::OK();
  auto cursor = store.NewCursor(storage::Space::kView, first, last, snapshot);
  Row row;
  for (; cursor->Valid(); cursor->Next()) {
    std::string_view value = cursor->value();
    uint64_t n;
    if (!GetVarint(&value, &n)) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt materialized view entry");
    }
    int64_t count = UnZigZag(n);
    RETURN_IF_ERROR(storage::RowCodec::Decode(value, types, &row));
    // The visitor may move from the row it gets: each repetition gets its own.
    for (int64_t k = 1; k < count; k++) {
      Row copy = row;
      ASSIGN_OR_RETURN(bool more, visit(copy));
      if (!more) return Status::OK();
    }
    if (count > 0) {
      ASSIGN_OR_RETURN(bool more, visit(row));
      if (!more) return Status::OK();
    }
  }
  return cursor->status();
}

}  // namespace freshet::executor
