#include "executor/top_n_op.h"

#include "common/varint.h"
#include "storage/row_codec.h"

namespace freshet::executor {

bool TopNOp::EntryLess::operator()(const Entry& a, const Entry& b) const {
  for (size_t k = 0; k < keys->size(); k++) {
    const Value& x = a.first[k];
    const Value& y = b.first[k];
    const planner::SortKey& key = (*keys)[k];
    if (x.is_null() || y.is_null()) {
      if (x.is_null() && y.is_null()) continue;
      return x.is_null() ? key.nulls_first : !key.nulls_first;
    }
    int c = Value::Compare(x, y);
    if (c != 0) return key.descending ? c > 0 : c < 0;
  }
  for (size_t i = 0; i < a.second.size(); i++) {
    int c = Value::Compare(a.second[i], b.second[i]);
    if (c != 0) return c < 0;
  }
  return false;
}

TopNOp::TopNOp(EpochContext& ctx, const std::vector<planner::SortKey>& keys, int64_t limit,
               int64_t offset, bool partitioned, std::vector<SqlType> types, uint64_t state_id)
    : StreamOperator(ctx, 1),
      keys_(keys),
      limit_(limit),
      offset_(offset),
      partitioned_(partitioned),
      types_(std::move(types)),
      state_(state_id) {
  out_.Init(types_);
  for (const auto& k : keys_) key_types_.push_back(k.expr->type);
}

Result<std::unique_ptr<TopNOp>> TopNOp::Make(EpochContext& ctx,
                                             const std::vector<planner::SortKey>& keys,
                                             int64_t limit, int64_t offset,
                                             const std::vector<planner::BoundExprPtr>* partition_by,
                                             std::vector<SqlType> types,
                                             const function::EvalContext& eval, uint64_t state_id) {
  auto op = std::unique_ptr<TopNOp>(
      new TopNOp(ctx, keys, limit, offset, partition_by != nullptr, std::move(types), state_id));
  if (partition_by) {
    for (const auto& e : *partition_by) {
      ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(*e, eval));
      op->partition_exprs_.push_back(std::move(ev));
    }
  }
  for (const auto& k : keys) {
    ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(*k.expr, eval));
    op->key_exprs_.push_back(std::move(ev));
  }
  return op;
}

TopNOp::Bag TopNOp::Window(const Ordered& rows) const {
  Bag w;
  int64_t pos = 0, end = limit_ < 0 ? INT64_MAX : offset_ + limit_;
  for (const auto& [e, n] : rows) {
    int64_t from = std::max(pos, offset_), to = std::min(pos + n, end);
    if (to > from) w[e.second] += to - from;
    pos += n;
    if (pos >= end) break;
  }
  return w;
}

TopNOp::Partition& TopNOp::Touch(const std::string& pkey) {
  auto it = partitions_.find(pkey);
  if (it == partitions_.end()) {
    it = partitions_.emplace(pkey, Partition{Ordered(EntryLess{&keys_}), false, {}}).first;
  }
  Partition& p = it->second;
  if (!p.dirty) {
    p.dirty = true;
    p.before = Window(p.rows);
    dirty_.push_back(pkey);
  }
  return p;
}

std::string TopNOp::EntryKey(const std::string& pkey, const Row& row) const {
  std::string k;
  PutVarint(&k, pkey.size());
  k.append(pkey);
  for (const Value& v : row) AppendHashKey(v, &k);
  return k;
}

Status TopNOp::Push(int, StreamChunk& chunk) {
  size_t n = chunk.size();
  std::vector<const Vector*> parts, sorts;
  for (auto& e : partition_exprs_) {
    ASSIGN_OR_RETURN(const Vector* v, e->Evaluate(chunk));
    parts.push_back(v);
  }
  for (auto& e : key_exprs_) {
    ASSIGN_OR_RETURN(const Vector* v, e->Evaluate(chunk));
    sorts.push_back(v);
  }
  std::string pkey;
  for (size_t i = 0; i < n; i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    pkey.clear();
    for (const Vector* v : parts) AppendHashKey(*v, i, &pkey);
    Partition& p = Touch(pkey);
    Entry e;
    for (const Vector* v : sorts) e.first.push_back(v->GetValue(i));
    e.second = chunk.GetRow(i);
    auto it = p.rows.find(e);
    if (it == p.rows.end()) it = p.rows.emplace(e, 0).first;
    it->second += w;
    std::string key = EntryKey(pkey, e.second);
    if (it->second == 0) {
      p.rows.erase(it);
      state_.Delete(ctx_, key);
    } else {
      value_buf_.clear();
      PutVarint(&value_buf_, ZigZag(it->second));
      std::string row;
      storage::RowCodec::Encode(e.second, &row);
      PutVarint(&value_buf_, row.size());
      value_buf_.append(row);
      storage::RowCodec::Encode(e.first, &value_buf_);
      state_.Put(ctx_, key, value_buf_);
    }
  }
  return Status::OK();
}

Status TopNOp::OnBarrier() {
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
    Bag after = Window(p.rows);
    for (auto& [row, n] : after) {
      auto it = p.before.find(row);
      int64_t old = it == p.before.end() ? 0 : it->second;
      if (n != old) RETURN_IF_ERROR(emit(row, n - old));
    }
    for (auto& [row, n] : p.before) {
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

Status TopNOp::Restore(storage::Store& store) {
  partitions_.clear();
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt top-N state"); };
    uint64_t len, count, row_len;
    if (!GetVarint(&key, &len) || key.size() < len) return corrupt();
    std::string pkey(key.substr(0, len));
    if (!GetVarint(&value, &count) || !GetVarint(&value, &row_len) || value.size() < row_len) {
      return corrupt();
    }
    Entry e;
    RETURN_IF_ERROR(storage::RowCodec::Decode(value.substr(0, row_len), types_, &e.second));
    RETURN_IF_ERROR(storage::RowCodec::Decode(value.substr(row_len), key_types_, &e.first));
    auto it = partitions_.find(pkey);
    if (it == partitions_.end()) {
      it = partitions_.emplace(pkey, Partition{Ordered(EntryLess{&keys_}), false, {}}).first;
    }
    it->second.rows[e] += UnZigZag(count);
    return Status::OK();
  });
}

size_t TopNOp::StateSize() const {
  size_t n = 0;
  for (const auto& [k, p] : partitions_) n += p.rows.size();
  return n;
}

std::string TopNOp::Describe() const {
  return std::string(partitioned_ ? "DistinctOn" : "TopN") + " limit=" + std::to_string(limit_) +
         " offset=" + std::to_string(offset_) + "  state: every input row in sort order" +
         (partitioned_ ? ", per key" : "");
}

}  // namespace freshet::executor
