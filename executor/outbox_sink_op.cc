#include "executor/outbox_sink_op.h"

#include "common/varint.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::executor {

namespace {
constexpr std::string_view kCountKey = "n";  // shorter than every epoch key (8 bytes)
}  // namespace

Status OutboxSinkOp::Push(int, StreamChunk& chunk) {
  std::string row;
  for (size_t i = 0; i < chunk.size(); i++) {
    row.clear();
    storage::RowCodec::EncodeChunkRow(chunk, i, &row);
    PutVarint(&pending_, ZigZag(chunk.weight(i)));
    PutVarint(&pending_, row.size());
    pending_ += row;
  }
  changes_ += static_cast<int64_t>(chunk.size());
  return Status::OK();
}

Status OutboxSinkOp::OnBarrier() {
  std::string n;
  PutVarint(&n, static_cast<uint64_t>(changes_));
  state_.Put(ctx_, kCountKey, n);
  if (pending_.empty()) return Status::OK();
  std::string key;
  storage::KeyCodec::AppendU64(&key, ctx_.epoch);
  state_.Put(ctx_, key, pending_);
  pending_.clear();
  pending_.shrink_to_fit();
  return Status::OK();
}

Status OutboxSinkOp::Restore(storage::Store& store) {
  std::string_view key = kCountKey;
  return state_.Scan(store, [&](std::string_view k, std::string_view value) -> Status {
    uint64_t n;
    if (k == key && GetVarint(&value, &n)) changes_ = static_cast<int64_t>(n);
    return Status::OK();
  });
}

Status OutboxSinkOp::ReadEpochs(
    storage::Store& store, uint64_t state_id, uint64_t after, uint64_t through,
    const std::function<Status(uint64_t epoch, std::string_view)>& visit) {
  StateTable table(state_id, storage::Space::kView);
  std::string begin = table.Begin(), end = table.Begin();
  storage::KeyCodec::AppendU64(&begin, after + 1);
  storage::KeyCodec::AppendU64(&end, through + 1);
  Status result;
  RETURN_IF_ERROR(store.Scan(
      storage::Space::kView, begin, end, [&](std::string_view k, std::string_view value) {
        if (k.size() != table.Begin().size() + 8) return true;
        uint64_t epoch = storage::KeyCodec::DecodeU64(k.substr(table.Begin().size()));
        result = visit(epoch, value);
        return result.ok();
      }));
  return result;
}

Status OutboxSinkOp::DecodeChanges(std::string_view entry, const std::vector<SqlType>& types,
                                   const std::function<Status(int64_t weight, Row& row)>& visit) {
  Row row;
  while (!entry.empty()) {
    uint64_t w, len;
    if (!GetVarint(&entry, &w) || !GetVarint(&entry, &len) || len > entry.size()) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt sink outbox entry");
    }
    RETURN_IF_ERROR(storage::RowCodec::Decode(entry.substr(0, len), types, &row));
    entry.remove_prefix(len);
    RETURN_IF_ERROR(visit(UnZigZag(w), row));
  }
  return Status::OK();
}

Status OutboxSinkOp::DeleteThrough(storage::Store& store, uint64_t state_id, uint64_t through) {
  StateTable table(state_id, storage::Space::kView);
  std::string begin = table.Begin(), end = table.Begin();
  storage::KeyCodec::AppendU64(&begin, 0);
  storage::KeyCodec::AppendU64(&end, through + 1);
  storage::WriteBatch batch(store);
  batch.DeleteRange(storage::Space::kView, begin, end);
  return store.Write(batch, false);
}

}  // namespace freshet::executor
