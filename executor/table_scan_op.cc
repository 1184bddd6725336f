#include "executor/table_scan_op.h"

#include "storage/key_codec.h"
#include "storage/row_codec.h"
#include "storage/table_store.h"

namespace freshet::executor {

namespace {
constexpr uint32_t kTablePartitions = 1;

std::string OffsetKey(uint32_t partition) {
  std::string k = "o";
  storage::KeyCodec::AppendU64(&k, partition);
  return k;
}
}  // namespace

TableScanOp::TableScanOp(EpochContext& ctx, storage::Store& store, storage::Log& log,
                         uint64_t table_id, std::string name, std::vector<SqlType> types,
                         uint64_t state_id)
    : SourceOperator(ctx),
      store_(store),
      log_(log),
      table_id_(table_id),
      name_(std::move(name)),
      state_(state_id),
      positions_(kTablePartitions, 0),
      targets_(kTablePartitions, 0) {
  chunk_.Init(types);
}

std::vector<storage::TopicPartition> TableScanOp::Partitions() const {
  std::vector<storage::TopicPartition> out;
  for (uint32_t p = 0; p < kTablePartitions; p++) out.push_back({table_id_, p});
  return out;
}

void TableScanOp::StartBackfill(std::shared_ptr<storage::Snapshot> snapshot) {
  // The snapshot and the end offsets are taken together by the caller (no write in between),
  // so the log continues exactly where the snapshot stops.
  for (uint32_t p = 0; p < kTablePartitions; p++) {
    positions_[p] = log_.EndOffset({table_id_, p});
    targets_[p] = positions_[p];
  }
  snapshot_ = std::move(snapshot);
  backfill_ = store_.NewCursor(storage::Space::kData, storage::TableStore::Prefix(table_id_),
                               storage::TableStore::PrefixEnd(table_id_), snapshot_.get());
  backfill_rows_ = 0;
}

Status TableScanOp::Flush() {
  if (chunk_.empty()) return Status::OK();
  Status s = Emit(chunk_);
  chunk_.Reset();
  return s;
}

Result<size_t> TableScanOp::PollBackfill(size_t budget) {
  size_t n = 0;
  for (; backfill_->Valid() && n < budget; backfill_->Next()) {
    RETURN_IF_ERROR(storage::RowCodec::DecodeInto(backfill_->value(), &chunk_, 1));
    n++;
    if (chunk_.full()) RETURN_IF_ERROR(Flush());
  }
  RETURN_IF_ERROR(backfill_->status());
  RETURN_IF_ERROR(Flush());
  backfill_rows_ += n;
  if (!backfill_->Valid()) {
    backfill_.reset();
    snapshot_.reset();
  }
  return n;
}

Result<size_t> TableScanOp::Poll(size_t budget) {
  if (backfill_) return PollBackfill(budget);
  size_t n = 0;
  for (uint32_t p = 0; p < kTablePartitions && n < budget; p++) {
    uint64_t& pos = positions_[p];
    uint64_t target = targets_[p];
    if (pos >= target) continue;
    Status s = log_.ReadBatches(
        {table_id_, p}, pos, target, [&](uint64_t base, std::string_view batch) -> Result<bool> {
          if (n >= budget) return false;
          storage::LogBatchReader reader;
          RETURN_IF_ERROR(reader.Open(batch));
          uint64_t offset = base;
          int64_t weight, event_time;
          std::string_view row;
          while (true) {
            ASSIGN_OR_RETURN(bool more, reader.Next(&weight, &event_time, &row));
            if (!more) break;
            if (offset >= pos && offset < target) {
              RETURN_IF_ERROR(storage::RowCodec::DecodeInto(row, &chunk_, weight));
              if (chunk_.full()) RETURN_IF_ERROR(Flush());
              n++;
            }
            offset++;
          }
          if (offset > pos) pos = std::min(offset, target);
          return true;
        });
    RETURN_IF_ERROR(s);
    RETURN_IF_ERROR(Flush());
  }
  return n;
}

Status TableScanOp::OnBarrier() {
  for (uint32_t p = 0; p < kTablePartitions; p++) {
    std::string v;
    storage::KeyCodec::AppendU64(&v, positions_[p]);
    state_.Put(ctx_, OffsetKey(p), v);
  }
  return Status::OK();
}

Status TableScanOp::Restore(storage::Store& store) {
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    if (key.size() == 9 && key[0] == 'o' && value.size() == 8) {
      uint64_t p = storage::KeyCodec::DecodeU64(key.substr(1));
      if (p < positions_.size()) positions_[p] = storage::KeyCodec::DecodeU64(value);
    }
    return Status::OK();
  });
}

std::string TableScanOp::Describe() const {
  return "TableScan " + name_ + "  (changes of the table from its log; state: consumed offsets)";
}

}  // namespace freshet::executor
