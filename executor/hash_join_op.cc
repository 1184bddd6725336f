#include "executor/hash_join_op.h"

#include <functional>

#include "common/varint.h"
#include "storage/row_codec.h"

namespace freshet::executor {

using planner::BoundExpr;
using planner::BoundExprKind;
using planner::BoundExprPtr;
using planner::JoinKind;

namespace {

constexpr size_t kIndexThreshold = 8;
constexpr size_t kSegmentCandidates = StreamChunk::kChunkSize;

void SplitConjuncts(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundExprKind::kAnd) {
    for (const auto& c : e.children) SplitConjuncts(*c, out);
    return;
  }
  out->push_back(&e);
}

/// Smallest and largest input column an expression reads; false when it reads something other
/// than input columns (outer references, parameters, subqueries).
bool ColumnSpan(const BoundExpr& e, int* lo, int* hi) {
  if (e.kind == BoundExprKind::kOuterColumn || e.kind == BoundExprKind::kParam ||
      e.kind == BoundExprKind::kSubquery) {
    return false;
  }
  if (e.kind == BoundExprKind::kColumn) {
    *lo = std::min(*lo, e.column);
    *hi = std::max(*hi, e.column);
  }
  for (const auto& c : e.children) {
    if (!ColumnSpan(*c, lo, hi)) return false;
  }
  return true;
}

/// Which side an expression reads: 0 left only, 1 right only, -1 both/neither/unknown.
int SideOf(const BoundExpr& e, int left_width) {
  int lo = INT32_MAX, hi = -1;
  if (!ColumnSpan(e, &lo, &hi) || hi < 0) return -1;
  if (hi < left_width) return 0;
  if (lo >= left_width) return 1;
  return -1;
}

BoundExprPtr Shift(const BoundExpr& e, int by) {
  BoundExprPtr c = e.Clone();
  std::function<void(BoundExpr*)> walk = [&](BoundExpr* x) {
    if (x->kind == BoundExprKind::kColumn) x->column -= by;
    for (auto& ch : x->children) walk(ch.get());
  };
  walk(c.get());
  return c;
}

}  // namespace

int HashJoinOp::Bucket::Find(std::string_view row) const {
  if (index) {
    auto it = index->find(absl::string_view(row.data(), row.size()));
    return it == index->end() ? -1 : static_cast<int>(it->second);
  }
  for (size_t i = 0; i < entries.size(); i++) {
    if (entries[i].row == row) return static_cast<int>(i);
  }
  return -1;
}

uint32_t HashJoinOp::Bucket::Add(std::string row) {
  uint32_t i = static_cast<uint32_t>(entries.size());
  entries.push_back(Entry{std::move(row), 0, 0});
  if (index) {
    index->emplace(entries.back().row, i);
  } else if (entries.size() > kIndexThreshold) {
    index = std::make_unique<absl::flat_hash_map<std::string, uint32_t>>();
    for (uint32_t k = 0; k < entries.size(); k++) index->emplace(entries[k].row, k);
  }
  return i;
}

void HashJoinOp::Bucket::Remove(uint32_t i) {
  if (index) index->erase(entries[i].row);
  if (i + 1 != entries.size()) {
    entries[i] = std::move(entries.back());
    if (index) (*index)[entries[i].row] = i;
  }
  entries.pop_back();
}

HashJoinOp::HashJoinOp(EpochContext& ctx, const planner::LogicalPlan& plan, uint64_t state_id)
    : StreamOperator(ctx, 2), plan_(plan), predicate_(plan.predicate.get()), state_(state_id) {}

Result<std::unique_ptr<HashJoinOp>> HashJoinOp::Make(
    EpochContext& ctx, const planner::LogicalPlan& plan, const function::EvalContext& eval,
    uint64_t state_id, const std::set<int>& left_times, const std::set<int>& right_times,
    const planner::BoundExpr* predicate) {
  auto op = std::unique_ptr<HashJoinOp>(new HashJoinOp(ctx, plan, state_id));
  op->predicate_ = predicate ? predicate : plan.predicate.get();
  for (int s = 0; s < 2; s++) {
    Side& side = op->sides_[s];
    side.types = plan.children[s]->types;
    side.width = side.types.size();
  }
  op->sides_[1].offset = op->sides_[0].width;
  op->sides_[0].keep = plan.join_kind == JoinKind::kLeft || plan.join_kind == JoinKind::kFull;
  op->sides_[1].keep = plan.join_kind == JoinKind::kRight || plan.join_kind == JoinKind::kFull;
  int lw = static_cast<int>(op->sides_[0].width);
  std::vector<const BoundExpr*> residual;
  if (op->predicate_) {
    std::vector<const BoundExpr*> conjuncts;
    SplitConjuncts(*op->predicate_, &conjuncts);
    for (const BoundExpr* c : conjuncts) {
      if (c->kind == BoundExprKind::kCompare && c->op == "=") {
        const BoundExpr* a = c->children[0].get();
        const BoundExpr* b = c->children[1].get();
        int sa = SideOf(*a, lw), sb = SideOf(*b, lw);
        if (sa == 1 && sb == 0) std::swap(a, b), std::swap(sa, sb);
        if (sa == 0 && sb == 1 && PhysicalTypeOf(a->type.id) == PhysicalTypeOf(b->type.id)) {
          ASSIGN_OR_RETURN(auto lk, ExpressionEvaluator::Compile(*a, eval));
          BoundExprPtr shifted = Shift(*b, lw);
          ASSIGN_OR_RETURN(auto rk, ExpressionEvaluator::Compile(*shifted, eval));
          if (a->kind == BoundExprKind::kColumn && b->kind == BoundExprKind::kColumn) {
            op->key_columns_.emplace_back(a->column, b->column - lw);
          }
          op->sides_[0].keys.push_back(std::move(lk));
          op->sides_[1].keys.push_back(std::move(rk));
          op->key_text_ += (op->key_text_.empty() ? "" : ", ") + c->ToString();
          continue;
        }
      }
      residual.push_back(c);
    }
  }
  // Bounds that let watermarks drop state: `x.a <= y.b + k` (or >=, <, >), a and b plain columns of
  // different sides, k a constant interval; an equi-key pair of plain columns is two bounds.
  auto plain = [&](const BoundExpr& e, int* side, int* col, int64_t* k) {
    *k = 0;
    const BoundExpr* x = &e;
    if (x->kind == BoundExprKind::kFunction && x->children.size() == 2 &&
        (x->function.name == "+" || x->function.name == "-") &&
        x->children[1]->kind == BoundExprKind::kConstant &&
        x->children[1]->type.id == TypeId::kInterval && !x->children[1]->constant.is_null()) {
      const Interval& iv = x->children[1]->constant.GetInterval();
      if (iv.months != 0) return false;
      *k = iv.days * 86400000000LL + iv.micros;
      if (x->function.name == "-") *k = -*k;
      x = x->children[0].get();
    }
    if (x->kind != BoundExprKind::kColumn) return false;
    *side = x->column < lw ? 0 : 1;
    *col = x->column < lw ? x->column : x->column - lw;
    return true;
  };
  auto add_rule = [&](int evict_side, int col, int64_t k, int other_col) {
    Side& s = op->sides_[evict_side];
    if (s.evict_column >= 0) return;  // one bound per side
    if (!(evict_side == 0 ? right_times : left_times).count(other_col)) return;  // no watermark
    s.evict_column = col;
    s.evict_offset = k;
    s.other_column = other_col;
  };
  if (op->predicate_) {
    std::vector<const BoundExpr*> conjuncts;
    SplitConjuncts(*op->predicate_, &conjuncts);
    for (const BoundExpr* c : conjuncts) {
      if (c->kind != BoundExprKind::kCompare) continue;
      int sa, ca, sb, cb;
      int64_t ka, kb;
      if (!plain(*c->children[0], &sa, &ca, &ka) || !plain(*c->children[1], &sb, &cb, &kb) ||
          sa == sb) {
        continue;
      }
      // Normalize to A + ka (op) B + kb.
      if (c->op == "=") {
        add_rule(sb, cb, kb - ka, ca);  // B + kb - ka >= A: B rows die below A's watermark
        add_rule(sa, ca, ka - kb, cb);
      } else if (c->op == "<=" || c->op == "<") {
        add_rule(sb, cb, kb - ka, ca);  // A <= B + (kb - ka)
      } else if (c->op == ">=" || c->op == ">") {
        add_rule(sa, ca, ka - kb, cb);  // B <= A + (ka - kb)
      }
    }
  }
  if (!residual.empty()) {
    BoundExprPtr r;
    if (residual.size() == 1) {
      r = residual[0]->Clone();
    } else {
      r = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
      for (const BoundExpr* c : residual) r->children.push_back(c->Clone());
    }
    ASSIGN_OR_RETURN(op->residual_, ExpressionEvaluator::Compile(*r, eval));
  }
  op->candidates_.Init(plan.types);
  op->out_.Init(plan.types);
  return op;
}

void HashJoinOp::AppendPadded(int s, const StreamChunk& src, size_t i, int64_t w,
                              StreamChunk* out) {
  const Side& side = sides_[s];
  size_t row = out->size();
  for (size_t c = 0; c < out->column_count(); c++) out->column(c).Resize(row + 1);
  for (size_t c = 0; c < out->column_count(); c++) {
    if (c >= side.offset && c < side.offset + side.width) {
      out->column(c).CopySlot(row, src.column(c - side.offset), i);
    } else {
      out->column(c).SetNull(row);
    }
  }
  out->SetSize(row + 1);
  out->SetWeight(row, w);
}

Status HashJoinOp::AppendPaddedEntry(int s, const Entry& e, int64_t w, StreamChunk* out) {
  const Side& side = sides_[s];
  size_t row = out->size();
  for (size_t c = 0; c < out->column_count(); c++) out->column(c).Resize(row + 1);
  for (size_t c = 0; c < out->column_count(); c++) {
    if (c < side.offset || c >= side.offset + side.width) out->column(c).SetNull(row);
  }
  RETURN_IF_ERROR(storage::RowCodec::DecodeColumns(e.row, out, side.offset, side.width, row));
  out->SetSize(row + 1);
  out->SetWeight(row, w);
  return Status::OK();
}

Status HashJoinOp::FlushOut() {
  if (out_.size() < StreamChunk::kChunkSize) return Status::OK();
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  return Status::OK();
}

void HashJoinOp::PersistEntry(int s, const std::string& key, const Entry& e) {
  state_key_.clear();
  state_key_.push_back(static_cast<char>(s));
  PutVarint(&state_key_, key.size());
  state_key_.append(key);
  state_key_.append(e.row);
  if (e.mult == 0) {
    state_.Delete(ctx_, state_key_);
    return;
  }
  value_buf_.clear();
  PutVarint(&value_buf_, ZigZag(e.mult));
  PutVarint(&value_buf_, ZigZag(e.degree));
  PutVarint(&value_buf_, ZigZag(e.time));
  state_.Put(ctx_, state_key_, value_buf_);
}

Status HashJoinOp::OnWatermark(int port, int column, int64_t value) {
  auto [it, inserted] = sides_[port].watermarks.try_emplace(column, value);
  if (!inserted) it->second = std::max(it->second, value);
  return Status::OK();
}

void HashJoinOp::Evict(int s) {
  Side& self = sides_[s];
  Side& other = sides_[1 - s];
  if (self.evict_column < 0) return;
  auto wm = other.watermarks.find(self.other_column);
  if (wm == other.watermarks.end() || wm->second == INT64_MIN) return;
  int64_t threshold = wm->second - self.evict_offset;  // rows with time < threshold are dead
  while (!self.by_time.empty() && self.by_time.begin()->first < threshold) {
    std::string jk = std::move(self.by_time.begin()->second);
    self.by_time.erase(self.by_time.begin());
    auto b = self.buckets.find(jk);
    if (b == self.buckets.end()) continue;
    Bucket& bucket = b->second;
    for (size_t i = bucket.entries.size(); i-- > 0;) {
      Entry& e = bucket.entries[i];
      if (e.time >= threshold) continue;
      Entry gone = e;
      gone.mult = 0;
      PersistEntry(s, jk, gone);
      bucket.Remove(static_cast<uint32_t>(i));
      self.rows--;
    }
    if (bucket.entries.empty()) self.buckets.erase(b);
  }
}

Status HashJoinOp::OnBarrier() {
  Evict(0);
  Evict(1);
  // Key columns that are event time on both sides: later output rows come from later input rows
  // of one side, so they are at least the smaller watermark.
  for (size_t k = 0; k < key_columns_.size(); k++) {
    auto [lc, rc] = key_columns_[k];
    auto l = sides_[0].watermarks.find(lc);
    auto r = sides_[1].watermarks.find(rc);
    if (l == sides_[0].watermarks.end() || r == sides_[1].watermarks.end()) continue;
    int64_t low = std::min(l->second, r->second);
    if (low == INT64_MIN) continue;
    RETURN_IF_ERROR(EmitWatermark(lc, low));
    RETURN_IF_ERROR(EmitWatermark(static_cast<int>(sides_[0].width) + rc, low));
  }
  return Status::OK();
}

Status HashJoinOp::Push(int s, StreamChunk& chunk) {
  Side& self = sides_[s];
  size_t n = chunk.size();
  key_vectors_.clear();
  for (auto& k : self.keys) {
    ASSIGN_OR_RETURN(const Vector* v, k->Evaluate(chunk));
    key_vectors_.push_back(v);
  }
  if (keys_.size() < n) keys_.resize(n);
  has_key_.assign(n, 1);
  for (size_t i = 0; i < n; i++) {
    std::string& key = keys_[i];
    key.clear();
    for (const Vector* v : key_vectors_) {
      if (v->IsNull(i)) {
        has_key_[i] = 0;
        break;
      }
      AppendHashKey(*v, i, &key);
    }
  }
  // Segments of rows whose candidates fit about one chunk.
  Side& other = sides_[1 - s];
  size_t begin = 0, count = 0;
  for (size_t i = 0; i < n; i++) {
    if (has_key_[i]) {
      auto it = other.buckets.find(keys_[i]);
      if (it != other.buckets.end()) count += it->second.entries.size();
    }
    if (count >= kSegmentCandidates) {
      RETURN_IF_ERROR(ProcessSegment(s, chunk, begin, i + 1));
      begin = i + 1;
      count = 0;
    }
  }
  if (begin < n) RETURN_IF_ERROR(ProcessSegment(s, chunk, begin, n));
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  return Status::OK();
}

Status HashJoinOp::ProcessSegment(int s, StreamChunk& chunk, size_t begin, size_t end) {
  Side& self = sides_[s];
  Side& other = sides_[1 - s];
  // 1. Candidate pairs: each input row with every row of the other side under its key.
  candidates_.Reset();
  cands_.clear();
  cand_begin_.clear();
  for (size_t i = begin; i < end; i++) {
    cand_begin_.push_back(static_cast<uint32_t>(cands_.size()));
    if (!has_key_[i] || chunk.weight(i) == 0 || other.lookup_only) continue;
    auto it = other.buckets.find(keys_[i]);
    if (it == other.buckets.end()) continue;
    for (Entry& e : it->second.entries) {
      size_t row = candidates_.size();
      for (size_t c = 0; c < candidates_.column_count(); c++) {
        candidates_.column(c).Resize(row + 1);
      }
      for (size_t c = 0; c < self.width; c++) {
        candidates_.column(self.offset + c).CopySlot(row, chunk.column(c), i);
      }
      RETURN_IF_ERROR(
          storage::RowCodec::DecodeColumns(e.row, &candidates_, other.offset, other.width, row));
      candidates_.SetSize(row + 1);
      cands_.push_back(Candidate{static_cast<uint32_t>(i), &e});
    }
  }
  cand_begin_.push_back(static_cast<uint32_t>(cands_.size()));
  // 2. The rest of the join condition, over all candidates at once.
  match_.assign(cands_.size(), 1);
  if (residual_ && !cands_.empty()) {
    RETURN_IF_ERROR(residual_->Select(candidates_, &matched_));
    match_.assign(cands_.size(), 0);
    for (uint32_t c : matched_) match_[c] = 1;
  }
  // 3. Apply the rows in order (degrees depend on what came before).
  for (size_t i = begin; i < end; i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    if (!has_key_[i]) {
      if (self.keep) {
        AppendPadded(s, chunk, i, w, &out_);
        RETURN_IF_ERROR(FlushOut());
      }
      continue;
    }
    int64_t degree = 0;
    for (uint32_t c = cand_begin_[i - begin]; c < cand_begin_[i - begin + 1]; c++) {
      if (!match_[c]) continue;
      Entry& e = *cands_[c].entry;
      out_.AppendRow(candidates_, c, w * e.mult);
      RETURN_IF_ERROR(FlushOut());
      degree += e.mult;
      if (other.keep) {
        int64_t old_degree = e.degree;
        e.degree += w;
        if ((old_degree == 0) != (e.degree == 0)) {
          // The other row gained its first match or lost its last one.
          RETURN_IF_ERROR(AppendPaddedEntry(1 - s, e, e.degree == 0 ? e.mult : -e.mult, &out_));
          RETURN_IF_ERROR(FlushOut());
        }
        PersistEntry(1 - s, keys_[i], e);
      }
    }
    if (self.lookup_only) {
      // A lookup: matched against the table's current rows, padded if none, never stored.
      if (self.keep && degree == 0) {
        AppendPadded(s, chunk, i, w, &out_);
        RETURN_IF_ERROR(FlushOut());
      }
      continue;
    }
    row_buf_.clear();
    storage::RowCodec::EncodeChunkRow(chunk, i, &row_buf_);
    Bucket& bucket = self.buckets[keys_[i]];
    int idx = bucket.Find(row_buf_);
    if (idx < 0) {
      idx = static_cast<int>(bucket.Add(row_buf_));
      self.rows++;
      if (self.evict_column >= 0) {
        const Vector& t = chunk.column(self.evict_column);
        int64_t time = t.IsNull(i) ? INT64_MIN : t.GetInt(i);
        bucket.entries[idx].time = time;
        self.by_time.emplace(time, keys_[i]);
      }
    }
    Entry& me = bucket.entries[idx];
    int64_t padded_before = self.keep && me.degree == 0 ? me.mult : 0;
    me.degree = self.keep ? degree : 0;
    me.mult += w;
    int64_t padded_after = self.keep && me.degree == 0 ? me.mult : 0;
    if (padded_after != padded_before) {
      AppendPadded(s, chunk, i, padded_after - padded_before, &out_);
      RETURN_IF_ERROR(FlushOut());
    }
    PersistEntry(s, keys_[i], me);
    if (me.mult == 0) {
      bucket.Remove(static_cast<uint32_t>(idx));
      self.rows--;
      if (bucket.entries.empty()) self.buckets.erase(keys_[i]);
    }
  }
  return Status::OK();
}

Status HashJoinOp::Restore(storage::Store& store) {
  for (auto& side : sides_) {
    side.buckets.clear();
    side.by_time.clear();
    side.rows = 0;
  }
  return state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt join state"); };
    if (key.empty() || static_cast<uint8_t>(key[0]) > 1) return corrupt();
    int s = key[0];
    key.remove_prefix(1);
    uint64_t len, mult, degree;
    if (!GetVarint(&key, &len) || key.size() < len) return corrupt();
    std::string jk(key.substr(0, len));
    key.remove_prefix(len);
    uint64_t time;
    if (!GetVarint(&value, &mult) || !GetVarint(&value, &degree) || !GetVarint(&value, &time)) {
      return corrupt();
    }
    Bucket& bucket = sides_[s].buckets[jk];
    uint32_t i = bucket.Add(std::string(key));
    bucket.entries[i].mult = UnZigZag(mult);
    bucket.entries[i].degree = UnZigZag(degree);
    bucket.entries[i].time = UnZigZag(time);
    if (sides_[s].evict_column >= 0) sides_[s].by_time.emplace(UnZigZag(time), jk);
    sides_[s].rows++;
    return Status::OK();
  });
}

std::string HashJoinOp::Describe() const {
  static const char* kNames[] = {"Inner", "Left", "Right", "Full", "Cross", "Semi", "Anti"};
  std::string what = sides_[0].lookup_only ? "LookupJoin" : "HashJoin";
  JoinKind kind =
      plan_.join_kind == JoinKind::kCross && predicate_ ? JoinKind::kInner : plan_.join_kind;
  std::string s = std::string(kNames[static_cast<int>(kind)]) + what + " keys=[" + key_text_ + "]" +
                  (predicate_ ? " on " + predicate_->ToString() : "") +
                  (sides_[0].lookup_only ? "  state: the table side indexed by key"
                                         : "  state: both inputs indexed by key") +
                  (sides_[0].keep || sides_[1].keep ? ", with match degrees" : "");
  for (int k = 0; k < 2; k++) {
    if (sides_[k].evict_column >= 0) {
      s += std::string("; ") + (k == 0 ? "left" : "right") + " rows leave as the " +
           (k == 0 ? "right" : "left") + " watermark passes";
    }
  }
  return s;
}

}  // namespace freshet::executor
