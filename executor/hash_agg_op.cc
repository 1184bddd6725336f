#include "executor/hash_agg_op.h"

#include <algorithm>

#include "common/varint.h"
#include "function/aggregate_function.h"
#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::executor {

using function::AggKind;
using planner::AggregateCall;

namespace {

bool UsesMultiset(const AggregateCall& call, bool append_only) {
  AggKind k = call.agg.kind;
  if ((k == AggKind::kMin || k == AggKind::kMax) && append_only) return false;  // the extreme
  return k == AggKind::kMin || k == AggKind::kMax || k == AggKind::kStringAgg ||
         (k == AggKind::kCount && call.distinct);
}

void PutI128(std::string* out, __int128 v) {
  auto u = static_cast<unsigned __int128>(v);
  PutVarint(out, static_cast<uint64_t>(u));
  PutVarint(out, static_cast<uint64_t>(u >> 64));
}
bool GetI128(std::string_view* in, __int128* v) {
  uint64_t lo, hi;
  if (!GetVarint(in, &lo) || !GetVarint(in, &hi)) return false;
  *v = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
  return true;
}
void PutDecimal(std::string* out, const Decimal& d) {
  PutI128(out, d.unscaled());
  PutVarint(out, ZigZag(d.scale()));
}
bool GetDecimal(std::string_view* in, Decimal* d) {
  __int128 u;
  uint64_t s;
  if (!GetI128(in, &u) || !GetVarint(in, &s)) return false;
  *d = Decimal(u, static_cast<int32_t>(UnZigZag(s)));
  return true;
}
void PutI64(std::string* out, int64_t v) { PutVarint(out, ZigZag(v)); }
bool GetI64(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

Status Corrupt() { return Status::Error(sqlstate::kDataCorrupted, "corrupt aggregate state"); }

bool SameRow(const StreamChunk& a, size_t i, const StreamChunk& b, size_t j) {
  for (size_t c = 0; c < a.column_count(); c++) {
    bool an = a.column(c).IsNull(i), bn = b.column(c).IsNull(j);
    if (an != bn) return false;
    if (!an && CompareSlots(a.column(c), i, b.column(c), j) != 0) return false;
  }
  return true;
}

}  // namespace

HashAggOp::HashAggOp(EpochContext& ctx, const planner::LogicalPlan& plan, uint64_t state_id)
    : StreamOperator(ctx, 1), plan_(plan), state_(state_id), global_(plan.exprs.empty()) {}

Result<std::unique_ptr<HashAggOp>> HashAggOp::Make(EpochContext& ctx,
                                                   const planner::LogicalPlan& plan,
                                                   const function::EvalContext& eval,
                                                   uint64_t state_id, int window_key,
                                                   bool emit_on_close, bool append_only) {
  auto op = std::unique_ptr<HashAggOp>(new HashAggOp(ctx, plan, state_id));
  op->append_only_ = append_only;
  op->window_key_ = window_key;
  op->emit_on_close_ = emit_on_close && window_key >= 0;
  for (const auto& g : plan.exprs) {
    ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(*g, eval));
    op->group_types_.push_back(g->type);
    op->group_exprs_.push_back(std::move(ev));
  }
  op->group_values_.Init(op->group_types_);
  for (const auto& call : plan.aggregates) {
    Agg a;
    a.call = &call;
    if (call.arg) {
      ASSIGN_OR_RETURN(a.arg, ExpressionEvaluator::Compile(*call.arg, eval));
    }
    if (call.filter) {
      ASSIGN_OR_RETURN(a.filter, ExpressionEvaluator::Compile(*call.filter, eval));
    }
    if (call.sep) {
      ASSIGN_OR_RETURN(a.sep, ExpressionEvaluator::Compile(*call.sep, eval));
    }
    for (const auto& [e, desc] : call.order_by) {
      ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(*e, eval));
      a.order.push_back(std::move(ev));
    }
    if (UsesMultiset(call, append_only)) {
      a.multiset = static_cast<int>(op->multisets_.size());
      op->multisets_.emplace_back();
    }
    op->aggs_.push_back(std::move(a));
  }
  op->before_.Init(plan.types);
  op->after_.Init(plan.types);
  op->out_.Init(plan.types);
  op->args_.resize(op->aggs_.size());
  op->filters_.resize(op->aggs_.size());
  op->seps_.resize(op->aggs_.size());
  op->orders_.resize(op->aggs_.size());
  return op;
}

uint32_t HashAggOp::FindOrCreate(const std::string& key, const StreamChunk& groups, size_t row) {
  auto it = index_.find(std::string_view(key));
  if (it != index_.end()) return *it;
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(groups_.size());
    groups_.emplace_back();
  }
  Group& g = groups_[slot];
  g.key = key;
  g.generation++;
  g.values.clear();
  storage::RowCodec::EncodeChunkRow(groups, row, &g.values);
  g.rows = 0;
  g.before = -1;
  g.dirty = false;
  g.accs.assign(aggs_.size(), Acc());
  g.window = INT64_MIN;
  if (window_key_ >= 0) {
    const Vector& w = groups.column(window_key_);
    if (!w.IsNull(row)) g.window = w.GetInt(row);
    by_window_[g.window].emplace_back(slot, g.generation);
  }
  index_.insert(slot);
  return slot;
}

Status HashAggOp::Push(int, StreamChunk& chunk) {
  size_t n = chunk.size();
  // Group keys.
  group_values_.Reset();
  for (size_t k = 0; k < group_exprs_.size(); k++) {
    ASSIGN_OR_RETURN(const Vector* v, group_exprs_[k]->Evaluate(chunk));
    Vector& dst = group_values_.column(k);
    dst.Resize(n);
    for (size_t i = 0; i < n; i++) dst.CopySlot(i, *v, i);
  }
  group_values_.SetSize(n);
  // Aggregate inputs, each evaluated on the rows the row engine would evaluate it for: the
  // argument where FILTER passed, separators and ORDER BY keys where the argument is not NULL.
  Selection all(n), pass, nonnull;
  for (size_t i = 0; i < n; i++) all[i] = static_cast<uint32_t>(i);
  for (size_t a = 0; a < aggs_.size(); a++) {
    Agg& agg = aggs_[a];
    filters_[a] = nullptr;
    args_[a] = nullptr;
    seps_[a] = nullptr;
    orders_[a].clear();
    const Selection* rows = &all;
    if (agg.filter) {
      ASSIGN_OR_RETURN(filters_[a], agg.filter->Evaluate(chunk));
      pass.clear();
      for (uint32_t i : all) {
        if (!filters_[a]->IsNull(i) && filters_[a]->GetBool(i)) pass.push_back(i);
      }
      rows = &pass;
    }
    if (agg.arg) {
      ASSIGN_OR_RETURN(args_[a], agg.arg->Evaluate(chunk, *rows));
      nonnull.clear();
      for (uint32_t i : *rows) {
        if (!args_[a]->IsNull(i)) nonnull.push_back(i);
      }
      if (agg.sep) {
        ASSIGN_OR_RETURN(seps_[a], agg.sep->Evaluate(chunk, nonnull));
      }
      for (auto& o : agg.order) {
        ASSIGN_OR_RETURN(const Vector* v, o->Evaluate(chunk, nonnull));
        orders_[a].push_back(v);
      }
    }
  }
  for (size_t i = 0; i < n; i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    key_buf_.clear();
    for (size_t k = 0; k < group_exprs_.size(); k++) {
      AppendHashKey(group_values_.column(k), i, &key_buf_);
    }
    uint32_t slot = FindOrCreate(key_buf_, group_values_, i);
    Group& g = groups_[slot];
    if (!g.dirty) {
      g.dirty = true;
      dirty_.push_back(slot);
      if (g.rows > 0 || (global_ && started_)) {
        g.before = static_cast<int32_t>(before_.size());
        RETURN_IF_ERROR(AppendOutput(g, &before_));
      } else {
        g.before = -1;
      }
    }
    g.rows += w;
    for (size_t a = 0; a < aggs_.size(); a++) {
      const Agg& agg = aggs_[a];
      Acc& acc = g.accs[a];
      AggKind kind = agg.call->agg.kind;
      if (filters_[a] && (filters_[a]->IsNull(i) || !filters_[a]->GetBool(i))) continue;
      if (kind == AggKind::kCountStar) {
        if (filters_[a]) acc.count += w;
        continue;
      }
      const Vector& v = *args_[a];
      if (v.IsNull(i)) continue;
      acc.count += w;
      switch (kind) {
        case AggKind::kSum:
        case AggKind::kAvg:
          if (v.physical() == PhysicalType::kInt64) {
            acc.int_sum += static_cast<__int128>(v.GetInt(i)) * w;
          } else {
            Decimal d = v.GetDecimal(i);
            if (w != 1) {
              ASSIGN_OR_RETURN(d, d.Mul(Decimal::FromInt64(w)));
            }
            ASSIGN_OR_RETURN(acc.dec_sum, acc.dec_sum.Add(d));
          }
          break;
        case AggKind::kBoolAnd:
        case AggKind::kBoolOr:
          (v.GetBool(i) ? acc.true_count : acc.false_count) += w;
          break;
        case AggKind::kVarSamp:
        case AggKind::kVarPop:
        case AggKind::kStddevSamp:
        case AggKind::kStddevPop: {
          Decimal d = v.physical() == PhysicalType::kInt64 ? Decimal::FromInt64(v.GetInt(i))
                                                           : v.GetDecimal(i);
          Decimal wd = Decimal::FromInt64(w);
          ASSIGN_OR_RETURN(Decimal dw, d.Mul(wd));
          ASSIGN_OR_RETURN(acc.dec_sum, acc.dec_sum.Add(dw));
          ASSIGN_OR_RETURN(Decimal sq, d.Mul(d));
          ASSIGN_OR_RETURN(Decimal sqw, sq.Mul(wd));
          ASSIGN_OR_RETURN(acc.dec_sumsq, acc.dec_sumsq.Add(sqw));
          break;
        }
        case AggKind::kMin:
        case AggKind::kMax:
          if (agg.multiset < 0) {  // append-only input: only the extreme matters
            int c = acc.extreme.is_null() ? 0 : CompareSlotValue(v, i, acc.extreme);
            if (acc.extreme.is_null() || (kind == AggKind::kMin ? c < 0 : c > 0)) {
              acc.extreme = v.GetValue(i);
            }
            break;
          }
          [[fallthrough]];
        default:
          if (agg.multiset >= 0) {
            okey_buf_ = g.key;
            const auto& order = agg.call->order_by;
            for (size_t o = 0; o < order.size(); o++) {
              storage::KeyCodec::AppendValue(&okey_buf_, orders_[a][o]->GetValue(i),
                                             order[o].second);
            }
            storage::KeyCodec::AppendValue(&okey_buf_, v.GetValue(i));
            if (seps_[a]) storage::KeyCodec::AppendValue(&okey_buf_, seps_[a]->GetValue(i));
            RETURN_IF_ERROR(UpdateMultiset(a, g, acc, okey_buf_, v, seps_[a], i, w));
          }
          break;
      }
    }
  }
  return Status::OK();
}

Status HashAggOp::UpdateMultiset(size_t a, Group& g, Acc& acc, const std::string& okey,
                                 const Vector& value, const Vector* sep, size_t row, int64_t w) {
  Multiset& m = multisets_[aggs_[a].multiset];
  auto it = m.find(okey);
  if (it == m.end()) {
    Entry e;
    e.value.push_back(value.GetValue(row));
    if (sep) e.value.push_back(sep->GetValue(row));
    it = m.emplace(okey, std::move(e)).first;
  }
  int64_t before = it->second.count;
  int64_t after = before + w;
  it->second.count = after;
  if (before <= 0 && after > 0) acc.distinct++;
  if (before > 0 && after <= 0) acc.distinct--;
  std::string key = "o";
  key.push_back(static_cast<char>(a));
  key.append(okey);
  if (after == 0) {
    state_.Delete(ctx_, key);
    m.erase(it);
  } else {
    value_buf_.clear();
    PutI64(&value_buf_, after);
    storage::RowCodec::Encode(it->second.value, &value_buf_);
    state_.Put(ctx_, key, value_buf_);
  }
  (void)g;
  return Status::OK();
}

Status HashAggOp::AppendOutput(const Group& g, StreamChunk* out) {
  size_t row = out->size();
  for (size_t c = 0; c < out->column_count(); c++) out->column(c).Resize(row + 1);
  size_t k = group_exprs_.size();
  RETURN_IF_ERROR(storage::RowCodec::DecodeColumns(g.values, out, 0, k, row));
  for (size_t a = 0; a < aggs_.size(); a++) {
    const Agg& agg = aggs_[a];
    const function::BoundAggregate& ba = agg.call->agg;
    const Acc& s = g.accs[a];
    Vector& col = out->column(k + a);
    switch (ba.kind) {
      case AggKind::kCountStar:
        col.SetInt(row, agg.filter ? s.count : g.rows);
        break;
      case AggKind::kCount:
        col.SetInt(row, agg.call->distinct ? s.distinct : s.count);
        break;
      case AggKind::kSum:
        if (s.count == 0) {
          col.SetNull(row);
        } else if (ba.input_type.IsInteger()) {
          if (ba.result_type.id == TypeId::kInt64) {
            if (s.int_sum > INT64_MAX || s.int_sum < INT64_MIN) {
              return Status::Error(sqlstate::kNumericValueOutOfRange, "bigint out of range");
            }
            col.SetInt(row, static_cast<int64_t>(s.int_sum));
          } else {
            col.SetDecimal(row, Decimal(s.int_sum, 0));
          }
        } else {
          col.SetDecimal(row, s.dec_sum);
        }
        break;
      case AggKind::kAvg: {
        if (s.count == 0) {
          col.SetNull(row);
          break;
        }
        Decimal sum = ba.input_type.IsInteger() ? Decimal(s.int_sum, 0) : s.dec_sum;
        ASSIGN_OR_RETURN(Decimal avg, sum.Div(Decimal::FromInt64(s.count)));
        col.SetDecimal(row, avg);
        break;
      }
      case AggKind::kMin:
      case AggKind::kMax: {
        if (agg.multiset < 0) {
          col.SetValue(row, s.extreme);
          break;
        }
        const Multiset& m = multisets_[agg.multiset];
        const Entry* e = nullptr;
        if (ba.kind == AggKind::kMin) {
          auto it = m.lower_bound(g.key);
          if (it != m.end() && it->first.compare(0, g.key.size(), g.key) == 0) e = &it->second;
        } else {
          std::string end = storage::KeyCodec::PrefixSuccessor(g.key);  // empty: unbounded
          auto it = end.empty() ? m.end() : m.lower_bound(end);
          if (it != m.begin()) {
            --it;
            if (it->first.compare(0, g.key.size(), g.key) == 0) e = &it->second;
          }
        }
        if (e) {
          col.SetValue(row, e->value[0]);
        } else {
          col.SetNull(row);
        }
        break;
      }
      case AggKind::kBoolAnd:
        if (s.count == 0) {
          col.SetNull(row);
        } else {
          col.SetBool(row, s.false_count == 0);
        }
        break;
      case AggKind::kBoolOr:
        if (s.count == 0) {
          col.SetNull(row);
        } else {
          col.SetBool(row, s.true_count > 0);
        }
        break;
      case AggKind::kVarSamp:
      case AggKind::kVarPop:
      case AggKind::kStddevSamp:
      case AggKind::kStddevPop: {
        // The batch engine's finalization over the same exact sums.
        function::AggState fs;
        fs.count = s.count;
        fs.dec_sum = s.dec_sum;
        fs.dec_sumsq = s.dec_sumsq;
        fs.has_value = s.count > 0;
        ASSIGN_OR_RETURN(Value r, function::AggFinalize(ba, fs));
        col.SetValue(row, r);
        break;
      }
      case AggKind::kStringAgg: {
        const Multiset& m = multisets_[agg.multiset];
        std::string text;
        bool first = true;
        for (auto it = m.lower_bound(g.key);
             it != m.end() && it->first.compare(0, g.key.size(), g.key) == 0; ++it) {
          const Value& val = it->second.value[0];
          const Value& sep = it->second.value[1];
          for (int64_t r = 0; r < it->second.count; r++) {
            if (!first && !sep.is_null()) text += sep.GetString();
            text += val.GetString();
            first = false;
          }
        }
        if (first) {
          col.SetNull(row);
        } else {
          col.SetString(row, text);
        }
        break;
      }
    }
  }
  out->SetSize(row + 1);
  out->SetWeight(row, 1);
  return Status::OK();
}

std::string HashAggOp::EncodeGroup(const Group& g) const {
  std::string out;
  PutVarint(&out, g.values.size());
  out.append(g.values);
  PutI64(&out, g.rows);
  PutI64(&out, g.window);
  for (const Acc& a : g.accs) {
    PutI64(&out, a.count);
    PutI128(&out, a.int_sum);
    PutDecimal(&out, a.dec_sum);
    PutDecimal(&out, a.dec_sumsq);
    PutI64(&out, a.true_count);
    PutI64(&out, a.false_count);
    PutI64(&out, a.distinct);
  }
  Row extremes;
  for (const Acc& a : g.accs) extremes.push_back(a.extreme);
  storage::RowCodec::Encode(extremes, &out);
  return out;
}

Status HashAggOp::DecodeGroup(std::string_view in, Group* g) const {
  uint64_t len;
  if (!GetVarint(&in, &len) || in.size() < len) return Corrupt();
  g->values.assign(in.substr(0, len));
  in.remove_prefix(len);
  if (!GetI64(&in, &g->rows) || !GetI64(&in, &g->window)) return Corrupt();
  g->accs.assign(aggs_.size(), Acc());
  for (Acc& a : g->accs) {
    if (!GetI64(&in, &a.count) || !GetI128(&in, &a.int_sum) || !GetDecimal(&in, &a.dec_sum) ||
        !GetDecimal(&in, &a.dec_sumsq) || !GetI64(&in, &a.true_count) ||
        !GetI64(&in, &a.false_count) || !GetI64(&in, &a.distinct)) {
      return Corrupt();
    }
  }
  std::vector<SqlType> types;
  for (const Agg& a : aggs_) types.push_back(a.call->agg.input_type);
  Row extremes;
  RETURN_IF_ERROR(storage::RowCodec::Decode(in, types, &extremes));
  for (size_t a = 0; a < g->accs.size() && a < extremes.size(); a++) {
    g->accs[a].extreme = std::move(extremes[a]);
  }
  return Status::OK();
}

void HashAggOp::PersistGroup(const Group& g) {
  std::string key = "g" + g.key;
  state_.Put(ctx_, key, EncodeGroup(g));
}

Status HashAggOp::OnBarrier() {
  if (global_ && !started_) {
    // A global aggregate has exactly one row, even over an empty input.
    uint32_t slot = FindOrCreate(std::string(), group_values_, 0);
    Group& g = groups_[slot];
    if (!g.dirty) {
      g.dirty = true;
      g.before = -1;
      dirty_.push_back(slot);
    }
  }
  after_.Reset();
  out_.Reset();
  for (uint32_t slot : dirty_) {
    Group& g = groups_[slot];
    if (g.rows < 0) return Status::Internal("negative multiplicity in materialized view");
    if (emit_on_close_) {
      // Nothing leaves until the window closes.
      g.dirty = false;
      g.before = -1;
      if (g.rows > 0) {
        PersistGroup(g);
      } else {
        DropGroup(slot);
      }
      continue;
    }
    bool has_new = g.rows > 0 || global_;
    bool has_old = g.before >= 0;
    size_t j = after_.size();
    if (has_new) RETURN_IF_ERROR(AppendOutput(g, &after_));
    if (!(has_old && has_new && SameRow(before_, g.before, after_, j))) {
      if (has_old) out_.AppendRow(before_, g.before, -1);
      if (has_new) out_.AppendRow(after_, j, 1);
      if (out_.size() + 2 > StreamChunk::kChunkSize) {
        RETURN_IF_ERROR(Emit(out_));
        out_.Reset();
      }
    }
    if (after_.full()) after_.Reset();
    g.dirty = false;
    g.before = -1;
    if (has_new) {
      PersistGroup(g);
    } else {
      DropGroup(slot);
    }
  }
  dirty_.clear();
  before_.Reset();
  after_.Reset();
  started_ = true;
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  return CloseWindows();
}

void HashAggOp::DropGroup(uint32_t slot) {
  Group& g = groups_[slot];
  state_.Delete(ctx_, "g" + g.key);
  for (size_t a = 0; a < aggs_.size(); a++) {
    if (aggs_[a].multiset < 0) continue;
    Multiset& m = multisets_[aggs_[a].multiset];
    std::string end = storage::KeyCodec::PrefixSuccessor(g.key);
    auto from = m.lower_bound(g.key);
    auto to = end.empty() ? m.end() : m.lower_bound(end);
    for (auto it = from; it != to; ++it) {
      std::string key = "o";
      key.push_back(static_cast<char>(a));
      key.append(it->first);
      state_.Delete(ctx_, key);
    }
    m.erase(from, to);
  }
  index_.erase(slot);  // hashes g.key: before it is cleared
  g.key.clear();
  g.generation++;  // its by_window_ entry is stale now
  g.accs.clear();
  free_.push_back(slot);
}

Status HashAggOp::CloseWindows() {
  if (window_key_ < 0 || watermark_ <= closed_) return Status::OK();
  // Groups of windows below the watermark are final.
  out_.Reset();
  while (!by_window_.empty() && by_window_.begin()->first < watermark_) {
    auto window = by_window_.begin();
    for (auto [slot, generation] : window->second) {
      Group& g = groups_[slot];
      if (g.generation != generation) continue;  // dropped before
      if (emit_on_close_ && g.rows > 0) {
        RETURN_IF_ERROR(AppendOutput(g, &out_));
        if (out_.full()) {
          RETURN_IF_ERROR(Emit(out_));
          out_.Reset();
        }
      }
      DropGroup(slot);
    }
    by_window_.erase(window);
  }
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  closed_ = watermark_;
  std::string w;
  PutI64(&w, watermark_);
  PutI64(&w, closed_);
  state_.Put(ctx_, "w", w);
  // Downstream, nothing will change below the watermark on this group column.
  return EmitWatermark(window_key_, watermark_);
}

Status HashAggOp::OnWatermark(int, int column, int64_t value) {
  if (window_key_ < 0) return Status::OK();
  const planner::BoundExpr& e = *plan_.exprs[window_key_];
  if (e.kind == planner::BoundExprKind::kColumn && e.column == column) {
    watermark_ = std::max(watermark_, value);
  }
  return Status::OK();
}

Status HashAggOp::Restore(storage::Store& store) {
  index_.clear();
  groups_.clear();
  free_.clear();
  by_window_.clear();
  for (auto& m : multisets_) m.clear();
  Status s = state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    if (key.empty()) return Corrupt();
    if (key[0] == 'g') {
      Group g;
      g.key.assign(key.substr(1));
      RETURN_IF_ERROR(DecodeGroup(value, &g));
      uint32_t slot = static_cast<uint32_t>(groups_.size());
      g.generation = 1;
      if (window_key_ >= 0) by_window_[g.window].emplace_back(slot, g.generation);
      groups_.push_back(std::move(g));
      index_.insert(slot);
      return Status::OK();
    }
    if (key == "w") {
      if (!GetI64(&value, &watermark_) || !GetI64(&value, &closed_)) return Corrupt();
      return Status::OK();
    }
    if (key[0] == 'o' && key.size() >= 2) {
      size_t a = static_cast<uint8_t>(key[1]);
      if (a >= aggs_.size() || aggs_[a].multiset < 0) return Corrupt();
      int64_t count;
      if (!GetI64(&value, &count)) return Corrupt();
      Entry e;
      e.count = count;
      std::vector<SqlType> types{aggs_[a].call->agg.input_type};
      if (aggs_[a].call->agg.kind == AggKind::kStringAgg) types.push_back(SqlType(TypeId::kText));
      RETURN_IF_ERROR(storage::RowCodec::Decode(value, types, &e.value));
      multisets_[aggs_[a].multiset].emplace(std::string(key.substr(2)), std::move(e));
      return Status::OK();
    }
    return Corrupt();
  });
  RETURN_IF_ERROR(s);
  started_ = global_ && index_.contains(std::string_view());
  return Status::OK();
}

std::string HashAggOp::Describe() const {
  std::string groups, aggs;
  for (size_t i = 0; i < plan_.exprs.size(); i++) {
    groups += (i ? ", " : "") + plan_.exprs[i]->ToString();
  }
  for (size_t i = 0; i < plan_.aggregates.size(); i++) {
    aggs += (i ? ", " : "") + plan_.aggregates[i].agg.name;
  }
  return "HashAggregate groups=[" + groups + "] aggs=[" + aggs +
         "]  state: per group row count and retractable aggregate state (min/max keep value "
         "counts)";
}

}  // namespace freshet::executor
