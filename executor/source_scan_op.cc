#include "executor/source_scan_op.h"

#include "common/json_writer.h"
#include "common/varint.h"
#include "ingest/option_reader.h"
#include "parser/parser.h"
#include "planner/binder.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::executor {

namespace {

std::string PartitionKey(char tag, uint32_t partition) {
  std::string k(1, tag);
  storage::KeyCodec::AppendU64(&k, partition);
  return k;
}

void PutI64(std::string* out, int64_t v) { PutVarint(out, ZigZag(v)); }
bool GetI64(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

/// Marks the columns `e` reads.
void MarkColumns(const planner::BoundExpr& e, std::vector<bool>* used) {
  if (e.kind == planner::BoundExprKind::kColumn && e.column >= 0 &&
      static_cast<size_t>(e.column) < used->size()) {
    (*used)[e.column] = true;
  }
  for (const auto& c : e.children) {
    if (c) MarkColumns(*c, used);
  }
}

/// The row as a jsonb object text ({"column": value, ...}).
std::string RowJson(const planner::TableDef& def, const StreamChunk& chunk, size_t row) {
  std::string out = "{";
  for (size_t c = 0; c < def.columns.size(); c++) {
    if (c) out += ", ";
    AppendJsonString(def.columns[c].name, &out);
    out += ": ";
    AppendJsonValue(chunk.column(c).GetValue(row), &out);
  }
  return out + "}";
}

}  // namespace

SourceScanOp::SourceScanOp(EpochContext& ctx, storage::Store& store, storage::Log& log,
                           std::shared_ptr<const planner::TableDef> source,
                           std::unique_ptr<ingest::Generator> generator, SourceScanOptions options,
                           uint64_t state_id, uint64_t late_state_id)
    : SourceOperator(ctx),
      store_(store),
      log_(log),
      source_(std::move(source)),
      generator_(std::move(generator)),
      options_(options),
      state_(state_id),
      late_(late_state_id, storage::Space::kView) {}

Result<std::unique_ptr<SourceScanOp>> SourceScanOp::Make(
    EpochContext& ctx, storage::Store& store, storage::Log& log,
    std::shared_ptr<const planner::TableDef> source, std::unique_ptr<ingest::Generator> generator,
    SourceScanOptions options, uint64_t state_id, uint64_t late_state_id) {
  auto op = std::unique_ptr<SourceScanOp>(new SourceScanOp(
      ctx, store, log, std::move(source), std::move(generator), options, state_id, late_state_id));
  const planner::TableDef& def = *op->source_;
  op->partitions_ = op->generator_ ? op->generator_->partitions()
                                   : std::max<uint32_t>(1, log.PartitionCount(def.id));
  op->positions_.assign(op->partitions_, 0);
  op->targets_.assign(op->partitions_, 0);
  op->watermarks_.assign(op->partitions_, INT64_MIN);
  op->last_active_.assign(op->partitions_, 0);
  op->chunk_.Init(def.ColumnTypes());
  op->kept_.Init(def.ColumnTypes());
  op->full_row_.Init(def.ColumnTypes());
  ingest::OptionReader opts(def.options);
  ASSIGN_OR_RETURN(op->idle_timeout_, opts.DurationMicros("watermark.idle_timeout", 0));
  std::string column = def.Option("watermark.column");
  if (!column.empty()) {
    op->time_column_ = def.FindColumn(column);
    ASSIGN_OR_RETURN(auto expr, parser::Parser::ParseExpression(def.Option("watermark.expr")));
    planner::Catalog empty;
    planner::Binder binder(empty);
    planner::Scope scope = planner::Binder::TableScope(def, def.name);
    ASSIGN_OR_RETURN(auto bound, binder.BindScalar(*expr, scope));
    ASSIGN_OR_RETURN(op->watermark_expr_, ExpressionEvaluator::Compile(*bound, op->eval_));
    op->watermark_columns_.assign(def.columns.size(), false);
    if (op->time_column_ >= 0) op->watermark_columns_[op->time_column_] = true;
    MarkColumns(*bound, &op->watermark_columns_);
  }
  op->SetWatermarked(options.watermarked, options.lateness);
  return op;
}

void SourceScanOp::SetNeededColumns(std::vector<bool> needed) {
  if (!generator_ || needed.size() != source_->columns.size()) return;
  bool all = true;
  for (size_t c = 0; c < needed.size(); c++) {
    if (c < watermark_columns_.size() && watermark_columns_[c]) needed[c] = true;
    all &= needed[c];
  }
  if (all) needed.clear();
  needed_ = std::move(needed);
}

std::vector<storage::TopicPartition> SourceScanOp::Partitions() const {
  if (generator_) return {};  // not in the log: replayed from the generator
  std::vector<storage::TopicPartition> out;
  for (uint32_t p = 0; p < partitions_; p++) out.push_back({source_->id, p});
  return out;
}

void SourceScanOp::StartBackfill(std::shared_ptr<storage::Snapshot>) {
  // A new dataflow reads everything the source retains.
  for (uint32_t p = 0; p < partitions_; p++) {
    positions_[p] = generator_ ? 0 : log_.StartOffset({source_->id, p});
    targets_[p] = positions_[p];
  }
}

void SourceScanOp::SetTargets(const std::vector<uint64_t>& ends) {
  if (generator_) return;
  for (size_t p = 0; p < ends.size() && p < targets_.size(); p++) targets_[p] = ends[p];
}

void SourceScanOp::BeginEpoch(int64_t now_micros) {
  now_ = now_micros;
  if (!generator_) return;
  more_ = false;
  for (uint32_t p = 0; p < partitions_; p++) {
    uint64_t available = generator_->Available(p, now_micros);
    uint64_t cap = positions_[p] + options_.generator_budget;
    targets_[p] = std::max(positions_[p], std::min(available, cap));
    more_ |= available > targets_[p];
  }
}

bool SourceScanOp::CaughtUp() const {
  if (!generator_ || !generator_->FixedSize()) return true;
  for (uint32_t p = 0; p < partitions_; p++) {
    if (positions_[p] < generator_->Available(p, now_)) return false;
  }
  return true;
}

int64_t SourceScanOp::SourceWatermark() const {
  int64_t low = INT64_MAX;
  bool any = false;
  for (uint32_t p = 0; p < partitions_; p++) {
    bool idle = idle_timeout_ > 0 && now_ - last_active_[p] > idle_timeout_;
    if (idle) continue;
    any = true;
    low = std::min(low, watermarks_[p]);
  }
  if (!any) {
    // Every partition is idle: the watermark holds at the most advanced one.
    low = INT64_MIN;
    for (int64_t w : watermarks_) low = std::max(low, w);
  }
  return low;
}

std::vector<std::pair<int64_t, bool>> SourceScanOp::Watermarks() const {
  std::vector<std::pair<int64_t, bool>> out;
  for (uint32_t p = 0; p < partitions_; p++) {
    out.emplace_back(watermarks_[p], idle_timeout_ > 0 && now_ - last_active_[p] > idle_timeout_);
  }
  return out;
}

Status SourceScanOp::Flush(uint32_t partition) {
  if (chunk_.empty()) return Status::OK();
  last_active_[partition] = now_;
  StreamChunk* out = &chunk_;
  if (watermark_expr_) {
    int64_t before = SourceWatermark();
    ASSIGN_OR_RETURN(const Vector* wm, watermark_expr_->Evaluate(chunk_));
    const Vector& ts = chunk_.column(time_column_);
    int64_t& mark = watermarks_[partition];
    if (options_.watermarked && before != INT64_MIN) {
      int64_t threshold = before - options_.lateness;
      keep_.clear();
      for (size_t i = 0; i < chunk_.size(); i++) {
        if (!ts.IsNull(i) && ts.GetInt(i) < threshold) {
          // Late: recorded with where it came from and why, instead of flowing on.
          // Keyed by source too: a view reading two sources shares one late-row table.
          std::string key(1, 'L');
          storage::KeyCodec::AppendU64(&key, source_->id);
          storage::KeyCodec::AppendU64(&key, partition);
          storage::KeyCodec::AppendU64(&key, offsets_[i]);
          std::string value;
          PutI64(&value, ts.GetInt(i));
          PutI64(&value, threshold);
          PutI64(&value, now_);
          if (needed_.empty()) {
            value += RowJson(*source_, chunk_, i);
          } else {
            // Some columns were not generated: the record keeps the whole row.
            full_row_.Reset();
            generator_->Generate(partition, offsets_[i], 1, &full_row_, {});
            value += RowJson(*source_, full_row_, 0);
          }
          late_.Put(ctx_, key, value);
          late_rows_++;
        } else {
          keep_.push_back(static_cast<uint32_t>(i));
        }
      }
      if (keep_.size() != chunk_.size()) {
        kept_.Reset();
        for (uint32_t i : keep_) kept_.AppendRow(chunk_, i, chunk_.weight(i));
        out = &kept_;
      }
    }
    for (size_t i = 0; i < chunk_.size(); i++) {
      if (!wm->IsNull(i)) mark = std::max(mark, wm->GetInt(i));
    }
  }
  RETURN_IF_ERROR(Emit(*out));
  chunk_.Reset();
  offsets_.clear();
  if (options_.watermarked) {
    int64_t now = SourceWatermark();
    if (now != INT64_MIN && now - options_.lateness > emitted_) {
      emitted_ = now - options_.lateness;
      RETURN_IF_ERROR(EmitWatermark(time_column_, emitted_));
    }
  }
  return Status::OK();
}

Result<size_t> SourceScanOp::PollLog(uint32_t p, size_t budget) {
  size_t n = 0;
  uint64_t& pos = positions_[p];
  uint64_t target = targets_[p];
  RETURN_IF_ERROR(log_.ReadBatches(
      {source_->id, p}, pos, target, [&](uint64_t base, std::string_view batch) -> Result<bool> {
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
            offsets_.push_back(offset);
            if (chunk_.full()) RETURN_IF_ERROR(Flush(p));
            n++;
          }
          offset++;
        }
        if (offset > pos) pos = std::min(offset, target);
        return true;
      }));
  RETURN_IF_ERROR(Flush(p));
  return n;
}

Result<size_t> SourceScanOp::PollGenerator(uint32_t p, size_t budget) {
  size_t n = 0;
  uint64_t& pos = positions_[p];
  while (pos < targets_[p] && n < budget) {
    size_t k = static_cast<size_t>(
        std::min<uint64_t>({StreamChunk::kChunkSize, targets_[p] - pos, budget - n}));
    generator_->Generate(p, pos, k, &chunk_, needed_);
    for (size_t i = 0; i < k; i++) offsets_.push_back(pos + i);
    pos += k;
    n += k;
    RETURN_IF_ERROR(Flush(p));
  }
  return n;
}

Result<size_t> SourceScanOp::Poll(size_t budget) {
  size_t n = 0;
  for (uint32_t p = 0; p < partitions_ && n < budget; p++) {
    if (positions_[p] >= targets_[p]) continue;
    ASSIGN_OR_RETURN(size_t k, generator_ ? PollGenerator(p, budget - n) : PollLog(p, budget - n));
    n += k;
  }
  return n;
}

Status SourceScanOp::OnBarrier() {
  for (uint32_t p = 0; p < partitions_; p++) {
    std::string v;
    storage::KeyCodec::AppendU64(&v, positions_[p]);
    PutI64(&v, watermarks_[p]);
    state_.Put(ctx_, PartitionKey('p', p), v);
  }
  std::string e;
  PutI64(&e, emitted_);
  PutI64(&e, late_rows_);
  state_.Put(ctx_, "e", e);
  return Status::OK();
}

Status SourceScanOp::Restore(storage::Store& store) {
  Status s = state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt source state"); };
    if (key == "e") {
      if (!GetI64(&value, &emitted_) || !GetI64(&value, &late_rows_)) return corrupt();
      return Status::OK();
    }
    if (key.size() != 9 || key[0] != 'p' || value.size() < 8) return corrupt();
    uint64_t p = storage::KeyCodec::DecodeU64(key.substr(1));
    if (p >= partitions_) return Status::OK();  // partitions only grow
    positions_[p] = storage::KeyCodec::DecodeU64(value.substr(0, 8));
    std::string_view rest = value.substr(8);
    if (!GetI64(&rest, &watermarks_[p])) return corrupt();
    return Status::OK();
  });
  RETURN_IF_ERROR(s);
  // Idle timers restart with the server.
  for (auto& t : last_active_) t = now_;
  return Status::OK();
}

std::string SourceScanOp::Describe() const {
  std::string what = generator_ ? "(rows from its " + source_->Option("connector") +
                                      " generator, replayed by offset)"
                                : "(its log partitions)";
  std::string wm = options_.watermarked ? "; watermark on " + source_->Option("watermark.column") +
                                              ", late rows recorded"
                                        : "";
  return "SourceScan " + source_->name + "  " + what + "  state: offsets per partition" + wm;
}

Status SourceScanOp::ReadLateRows(
    storage::Store& store, uint64_t late_state_id, const planner::TableDef& source,
    const std::function<void(uint32_t, uint64_t, int64_t, int64_t, int64_t, std::string)>& row) {
  StateTable table(late_state_id, storage::Space::kView);
  return table.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    if (key.size() != 25 || key[0] != 'L') return Status::OK();
    if (storage::KeyCodec::DecodeU64(key.substr(1, 8)) != source.id) return Status::OK();
    uint32_t p = static_cast<uint32_t>(storage::KeyCodec::DecodeU64(key.substr(9, 8)));
    uint64_t offset = storage::KeyCodec::DecodeU64(key.substr(17, 8));
    int64_t ts, wm, arrival;
    if (!GetI64(&value, &ts) || !GetI64(&value, &wm) || !GetI64(&value, &arrival)) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt late row");
    }
    row(p, offset, ts, wm, arrival, std::string(value));
    return Status::OK();
  });
}

}  // namespace freshet::executor
