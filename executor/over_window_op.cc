#include "executor/over_window_op.h"

#include <algorithm>

#include "common/varint.h"
#include "storage/row_codec.h"

namespace freshet::executor {

OverWindowOp::OverWindowOp(EpochContext& ctx, const planner::LogicalPlan& plan, uint64_t state_id)
    : StreamOperator(ctx, 1), plan_(plan), state_(state_id), input_types_(plan.children[0]->types) {
  out_.Init(plan.types);
}

Result<std::unique_ptr<OverWindowOp>> OverWindowOp::Make(EpochContext& ctx,
                                                         const planner::LogicalPlan& plan,
                                                         const function::EvalContext& eval,
                                                         uint64_t state_id) {
  auto op = std::unique_ptr<OverWindowOp>(new OverWindowOp(ctx, plan, state_id));
  for (const auto& e : plan.window_calls[0].partition_by) {
    ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(*e, eval));
    op->partition_exprs_.push_back(std::move(ev));
  }
  return op;
}

Result<OverWindowOp::Bag> OverWindowOp::Compute(const Bag& rows) const {
  // Recompute in a deterministic order (whole-row order breaks ties).
  RowSet sorted;
  for (const auto& [row, n] : rows) {
    for (int64_t i = 0; i < n; i++) sorted.push_back(row);
  }
  std::sort(sorted.begin(), sorted.end(), [](const Row& a, const Row& b) {
    for (size_t i = 0; i < a.size(); i++) {
      int c = Value::Compare(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return false;
  });
  ExecContext ctx;
  Executor exec(ctx);
  RETURN_IF_ERROR(exec.ComputeWindows(plan_.window_calls, &sorted));
  Bag out;
  for (Row& r : sorted) out[std::move(r)]++;
  return out;
}

Status OverWindowOp::Push(int, StreamChunk& chunk) {
  std::vector<const Vector*> parts;
  for (auto& e : partition_exprs_) {
    ASSIGN_OR_RETURN(const Vector* v, e->Evaluate(chunk));
    parts.push_back(v);
  }
  std::string pkey, key, value;
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    pkey.clear();
    for (const Vector* v : parts) AppendHashKey(*v, i, &pkey);
    auto pit = partitions_.find(pkey);
    if (pit == partitions_.end()) pit = partitions_.emplace(pkey, Partition()).first;
    Partition& p = pit->second;
    if (!p.dirty) {
      ASSIGN_OR_RETURN(p.before, Compute(p.rows));
      p.dirty = true;
      dirty_.push_back(pkey);
    }
    Row row = chunk.GetRow(i);
    int64_t& n = p.rows[row];
    n += w;
    key.clear();
    PutVarint(&key, pkey.size());
    key.append(pkey);
    for (size_t c = 0; c < chunk.column_count(); c++) AppendHashKey(chunk.column(c), i, &key);
    if (n == 0) {
      p.rows.erase(row);
      state_.Delete(ctx_, key);
    } else {
      value.clear();
      PutVarint(&value, ZigZag(n));
      storage::RowCodec::EncodeChunkRow(chunk, i, &value);
      state_.Put(ctx_, key, value);
    }
  }
  return Status::OK();
}

Status OverWindowOp::OnBarrier() {
  out_.Reset();
  auto emit = [&](const Row& row, int64_t w) -> Status {
    out_.AppendValues(row, w);
    if (out_.full()) {
      RETURN_IF_ERROR(Emit(out_));
      out_.Reset();
    }
    return Status::OK();
  };
  for (const std::string& pkey : dirty_) {
    auto pit = partitions_.find(pkey);
    Partition& p = pit->second;
    ASSIGN_OR_RETURN(Bag after, Compute(p.rows));
    for (const auto& [row, n] : after) {
      auto it = p.before.find(row);
      int64_t old = it == p.before.end() ? 0 : it->second;
      if (n != old) RETURN_IF_ERROR(emit(row, n - old));
    }
    for (const auto& [row, n] : p.before) {
      if (!after.count(row)) RETURN_IF_ERROR(emit(row, -n));
    }
    p.before.clear();
    p.dirty = false;
    if (p.rows.empty()) partitions_.erase(pit);
  }
  dirty_.clear();
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  return Status::OK();
}

Status OverWindowOp::Restore(storage::Store& store) {
  partitions_.clear();
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt window state"); };
    uint64_t len, count;
    if (!GetVarint(&key, &len) || key.size() < len || !GetVarint(&value, &count)) return corrupt();
    Row row;
    RETURN_IF_ERROR(storage::RowCodec::Decode(value, input_types_, &row));
    partitions_[std::string(key.substr(0, len))].rows[std::move(row)] += UnZigZag(count);
    return Status::OK();
  });
}

size_t OverWindowOp::StateSize() const {
  size_t n = 0;
  for (const auto& [k, p] : partitions_) n += p.rows.size();
  return n;
}

std::string OverWindowOp::Describe() const {
  std::string calls;
  for (size_t i = 0; i < plan_.window_calls.size(); i++) {
    calls += (i ? ", " : "") + plan_.window_calls[i].name;
  }
  return "OverWindow [" + calls +
         "]  state: the rows of every partition; a change recomputes its partition";
}

}  // namespace freshet::executor
