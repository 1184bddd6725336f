#include "executor/incremental_view.h"

#include <optional>

namespace freshet::executor {

using function::AggKind;
using planner::BoundExpr;
using planner::BoundExprKind;
using planner::BoundExprPtr;
using planner::JoinKind;
using planner::LogicalPlan;
using planner::PlanKind;

namespace {

using Bag = std::unordered_map<Row, int64_t, RowHash, RowEq>;

Status Unsupported(const std::string& what) {
  return Status::NotSupported("materialized view cannot be maintained incrementally yet: " + what);
}

/// Rejects expressions whose value is not a function of the row alone.
Status CheckDeterministic(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return Unsupported("subqueries in expressions");
  if (e.kind == BoundExprKind::kParam) return Unsupported("parameters");
  if (e.kind == BoundExprKind::kOuterColumn) return Unsupported("outer references");
  if (e.kind == BoundExprKind::kFunction) {
    const std::string& n = e.function.name;
    if (e.function.is_volatile || n == "now" || n == "current_timestamp" || n == "current_date" ||
        n == "current_time" || n == "localtimestamp" || n == "localtime" ||
        n == "transaction_timestamp" || n == "statement_timestamp" || n == "age") {
      return Unsupported("time-dependent function " + n + "() (temporal filters come later)");
    }
  }
  for (const auto& c : e.children) RETURN_IF_ERROR(CheckDeterministic(*c));
  return Status::OK();
}

Status CheckAll(const std::vector<BoundExprPtr>& exprs) {
  for (const auto& e : exprs) RETURN_IF_ERROR(CheckDeterministic(*e));
  return Status::OK();
}

/// Adds `changes` into a multiset, dropping rows whose count reaches zero.
void Accumulate(Bag* bag, const ChangeSet& changes) {
  for (const Change& c : changes) {
    if (c.weight == 0) continue;
    auto it = bag->find(c.row);
    if (it == bag->end()) {
      bag->emplace(c.row, c.weight);
      continue;
    }
    it->second += c.weight;
    if (it->second == 0) bag->erase(it);
  }
}

// --- Linear operators -------------------------------------------------------------------------

/// A base table: its changes as they are.
class ScanOp : public DeltaOperator {
 public:
  ScanOp(uint64_t table_id, std::string name) : table_id_(table_id), name_(std::move(name)) {}
  Status Apply(const BaseChanges& base, Executor&, ChangeSet* out) override {
    auto it = base.find(table_id_);
    if (it != base.end()) *out = it->second;
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    out->push_back(std::string(indent * 2, ' ') + "Scan " + name_ + "  (changes of the table)");
  }
  size_t StateSize() const override { return 0; }

 private:
  uint64_t table_id_;
  std::string name_;
};

/// A constant relation (VALUES, generate_series with constant arguments): emitted once.
class ConstantOp : public DeltaOperator {
 public:
  explicit ConstantOp(const LogicalPlan& plan) : plan_(plan) {}
  Status Apply(const BaseChanges&, Executor& exec, ChangeSet* out) override {
    if (emitted_) return Status::OK();
    ASSIGN_OR_RETURN(RowSet rows, exec.Execute(plan_));
    for (Row& r : rows) out->push_back({std::move(r), 1});
    emitted_ = true;
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    out->push_back(std::string(indent * 2, ' ') + "Constant (emitted once)");
  }
  size_t StateSize() const override { return 0; }

 private:
  const LogicalPlan& plan_;
  bool emitted_ = false;
};

class FilterOp : public DeltaOperator {
 public:
  FilterOp(const BoundExpr& pred, std::unique_ptr<DeltaOperator> child)
      : pred_(pred), child_(std::move(child)) {}
  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet in;
    RETURN_IF_ERROR(child_->Apply(base, exec, &in));
    for (Change& c : in) {
      ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(pred_, c.row));
      if (keep) out->push_back(std::move(c));
    }
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    out->push_back(std::string(indent * 2, ' ') + "Filter " + pred_.ToString() + "  (stateless)");
    child_->Describe(indent + 1, out);
  }
  size_t StateSize() const override { return child_->StateSize(); }

 private:
  const BoundExpr& pred_;
  std::unique_ptr<DeltaOperator> child_;
};

class ProjectOp : public DeltaOperator {
 public:
  ProjectOp(const std::vector<BoundExprPtr>& exprs, std::unique_ptr<DeltaOperator> child)
      : exprs_(exprs), child_(std::move(child)) {}
  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet in;
    RETURN_IF_ERROR(child_->Apply(base, exec, &in));
    for (const Change& c : in) {
      Row r;
      r.reserve(exprs_.size());
      for (const auto& e : exprs_) {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, c.row));
        r.push_back(std::move(v));
      }
      out->push_back({std::move(r), c.weight});
    }
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    std::string cols;
    for (size_t i = 0; i < exprs_.size(); i++) cols += (i ? ", " : "") + exprs_[i]->ToString();
    out->push_back(std::string(indent * 2, ' ') + "Project " + cols + "  (stateless)");
    child_->Describe(indent + 1, out);
  }
  size_t StateSize() const override { return child_->StateSize(); }

 private:
  const std::vector<BoundExprPtr>& exprs_;
  std::unique_ptr<DeltaOperator> child_;
};

class UnionAllOp : public DeltaOperator {
 public:
  UnionAllOp(std::unique_ptr<DeltaOperator> l, std::unique_ptr<DeltaOperator> r)
      : left_(std::move(l)), right_(std::move(r)) {}
  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    RETURN_IF_ERROR(left_->Apply(base, exec, out));
    ChangeSet r;
    RETURN_IF_ERROR(right_->Apply(base, exec, &r));
    for (Change& c : r) out->push_back(std::move(c));
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    out->push_back(std::string(indent * 2, ' ') + "UnionAll  (stateless)");
    left_->Describe(indent + 1, out);
    right_->Describe(indent + 1, out);
  }
  size_t StateSize() const override { return left_->StateSize() + right_->StateSize(); }

 private:
  std::unique_ptr<DeltaOperator> left_, right_;
};

// --- DISTINCT and INTERSECT / EXCEPT: row counts -----------------------------------------------

/// Output multiplicity of a row as a function of its counts on the inputs; emits the difference
/// for every row a batch touched.
class CountingOp : public DeltaOperator {
 public:
  enum class Mode { kDistinct, kIntersect, kIntersectAll, kExcept, kExceptAll };
  CountingOp(Mode mode, std::unique_ptr<DeltaOperator> l, std::unique_ptr<DeltaOperator> r)
      : mode_(mode), left_(std::move(l)), right_(std::move(r)) {}
  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet dl, dr;
    RETURN_IF_ERROR(left_->Apply(base, exec, &dl));
    if (right_) RETURN_IF_ERROR(right_->Apply(base, exec, &dr));
    std::unordered_map<Row, int64_t, RowHash, RowEq> before;
    auto touch = [&](const Row& row) {
      if (!before.count(row)) before.emplace(row, Output(row));
    };
    for (const Change& c : dl) touch(c.row);
    for (const Change& c : dr) touch(c.row);
    Accumulate(&lcount_, dl);
    Accumulate(&rcount_, dr);
    for (auto& [row, old] : before) {
      int64_t now = Output(row);
      if (now != old) out->push_back({row, now - old});
    }
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    static const char* kNames[] = {"Distinct", "Intersect", "IntersectAll", "Except", "ExceptAll"};
    out->push_back(std::string(indent * 2, ' ') + kNames[static_cast<int>(mode_)] +
                   "  state: count per distinct row (unbounded)");
    left_->Describe(indent + 1, out);
    if (right_) right_->Describe(indent + 1, out);
  }
  size_t StateSize() const override { return lcount_.size() + rcount_.size(); }

 private:
  int64_t Output(const Row& row) const {
    auto li = lcount_.find(row);
    auto ri = rcount_.find(row);
    int64_t l = li == lcount_.end() ? 0 : li->second, r = ri == rcount_.end() ? 0 : ri->second;
    switch (mode_) {
      case Mode::kDistinct:
        return l > 0 ? 1 : 0;
      case Mode::kIntersect:
        return l > 0 && r > 0 ? 1 : 0;
      case Mode::kIntersectAll:
        return std::max<int64_t>(0, std::min(l, r));
      case Mode::kExcept:
        return l > 0 && r <= 0 ? 1 : 0;
      case Mode::kExceptAll:
        return std::max<int64_t>(0, l - r);
    }
    return 0;
  }

  Mode mode_;
  std::unique_ptr<DeltaOperator> left_, right_;
  Bag lcount_, rcount_;
};

// --- Joins ---------------------------------------------------------------------------------------

/// Inner, left, right, full and cross joins with an arbitrary condition. Each input is indexed by
/// its equi-join key; each stored row keeps its multiplicity and its degree (how many rows of
/// the other side it matches), so outer joins emit or retract the NULL-padded row exactly when a
/// degree reaches or leaves zero. Delta rule: dL join R_old, then L_new join dR.
class JoinOp : public DeltaOperator {
 public:
  JoinOp(const LogicalPlan& plan, std::unique_ptr<DeltaOperator> l,
         std::unique_ptr<DeltaOperator> r)
      : plan_(plan), left_(std::move(l)), right_(std::move(r)) {
    lw_ = plan.children[0]->types.size();
    rw_ = plan.children[1]->types.size();
    if (plan.predicate) ExtractEquiKeys(*plan.predicate, lw_, &keys_);
    keep_left_ = plan.join_kind == JoinKind::kLeft || plan.join_kind == JoinKind::kFull;
    keep_right_ = plan.join_kind == JoinKind::kRight || plan.join_kind == JoinKind::kFull;
    row_.resize(lw_ + rw_);
    for (size_t i = 0; i < lw_; i++) left_nulls_.push_back(Value::Null(plan.children[0]->types[i]));
    for (size_t i = 0; i < rw_; i++)
      right_nulls_.push_back(Value::Null(plan.children[1]->types[i]));
  }

  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet dl, dr;
    RETURN_IF_ERROR(left_->Apply(base, exec, &dl));
    RETURN_IF_ERROR(right_->Apply(base, exec, &dr));
    for (const Change& c : dl) RETURN_IF_ERROR(ApplySide(c, true, exec, out));
    for (const Change& c : dr) RETURN_IF_ERROR(ApplySide(c, false, exec, out));
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    static const char* kNames[] = {"Inner", "Left", "Right", "Full", "Cross", "Semi", "Anti"};
    std::string keys;
    for (size_t i = 0; i < keys_.size(); i++) {
      keys += (i ? ", " : "") + keys_[i].first->ToString() + " = " + keys_[i].second->ToString();
    }
    out->push_back(std::string(indent * 2, ' ') + kNames[static_cast<int>(plan_.join_kind)] +
                   "Join keys=[" + keys + "]" +
                   (plan_.predicate ? " on " + plan_.predicate->ToString() : "") +
                   "  state: both inputs indexed by key, with match degrees (unbounded)");
    left_->Describe(indent + 1, out);
    right_->Describe(indent + 1, out);
  }
  size_t StateSize() const override {
    size_t n = left_->StateSize() + right_->StateSize();
    for (const auto& [k, rows] : lstate_) n += rows.size();
    for (const auto& [k, rows] : rstate_) n += rows.size();
    return n;
  }

 private:
  struct Entry {
    int64_t mult = 0;
    int64_t degree = 0;
  };
  using Bucket = std::unordered_map<Row, Entry, RowHash, RowEq>;
  using Index = std::unordered_map<Row, Bucket, RowHash, RowEq>;

  /// Puts `l` and `r` into the combined-row buffer (either may be the NULL padding).
  const Row& Combine(const Row& l, const Row& r) {
    for (size_t i = 0; i < lw_; i++) row_[i] = l[i];
    for (size_t i = 0; i < rw_; i++) row_[lw_ + i] = r[i];
    return row_;
  }

  /// The join key of a row of one side; nullopt when it has a NULL (it can never match).
  Result<std::optional<Row>> Key(const Row& row, bool left, Executor& exec) {
    const Row& combined = left ? Combine(row, right_nulls_) : Combine(left_nulls_, row);
    Row key;
    for (const auto& [lk, rk] : keys_) {
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(left ? *lk : *rk, combined));
      if (v.is_null()) return std::optional<Row>();
      key.push_back(std::move(v));
    }
    return std::optional<Row>(std::move(key));
  }

  Status ApplySide(const Change& c, bool left, Executor& exec, ChangeSet* out) {
    if (c.weight == 0) return Status::OK();
    bool keep_self = left ? keep_left_ : keep_right_;
    bool keep_other = left ? keep_right_ : keep_left_;
    auto pad = [&](const Row& self) {
      return left ? Combine(self, right_nulls_) : Combine(left_nulls_, self);
    };
    ASSIGN_OR_RETURN(std::optional<Row> key, Key(c.row, left, exec));
    if (!key) {
      if (keep_self) out->push_back({pad(c.row), c.weight});
      return Status::OK();
    }
    Index& self_index = left ? lstate_ : rstate_;
    Index& other_index = left ? rstate_ : lstate_;
    int64_t degree = 0;
    auto other = other_index.find(*key);
    if (other != other_index.end()) {
      for (auto& [orow, entry] : other->second) {
        const Row& combined = left ? Combine(c.row, orow) : Combine(orow, c.row);
        bool match = true;
        if (plan_.predicate) {
          ASSIGN_OR_RETURN(match, exec.EvaluatePredicate(*plan_.predicate, combined));
        }
        if (!match) continue;
        out->push_back({combined, c.weight * entry.mult});
        degree += entry.mult;
        int64_t old_degree = entry.degree;
        entry.degree += c.weight;
        if (keep_other && (old_degree == 0) != (entry.degree == 0)) {
          // The other row gained its first match or lost its last one.
          const Row& padded = left ? Combine(left_nulls_, orow) : Combine(orow, right_nulls_);
          out->push_back({padded, entry.degree == 0 ? entry.mult : -entry.mult});
        }
      }
    }
    Bucket& bucket = self_index[*key];
    Entry& self = bucket[c.row];
    int64_t padded_before = self.degree == 0 ? self.mult : 0;
    self.degree = degree;
    self.mult += c.weight;
    int64_t padded_after = self.degree == 0 ? self.mult : 0;
    if (keep_self && padded_after != padded_before) {
      out->push_back({pad(c.row), padded_after - padded_before});
    }
    if (self.mult == 0) {
      bucket.erase(c.row);
      if (bucket.empty()) self_index.erase(*key);
    }
    return Status::OK();
  }

  const LogicalPlan& plan_;
  std::unique_ptr<DeltaOperator> left_, right_;
  size_t lw_ = 0, rw_ = 0;
  std::vector<std::pair<const BoundExpr*, const BoundExpr*>> keys_;
  bool keep_left_ = false, keep_right_ = false;
  Row row_, left_nulls_, right_nulls_;
  Index lstate_, rstate_;
};

// --- Aggregation ---------------------------------------------------------------------------------

/// GROUP BY with retractable aggregates: per group the row count and, per aggregate, counts,
/// exact sums, value->count multisets (min, max, count DISTINCT) and true/false counts.
class AggregateOp : public DeltaOperator {
 public:
  AggregateOp(const LogicalPlan& plan, std::unique_ptr<DeltaOperator> child)
      : plan_(plan), child_(std::move(child)) {}

  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet in;
    RETURN_IF_ERROR(child_->Apply(base, exec, &in));
    bool global = plan_.exprs.empty();
    if (global && !started_) {
      // A global aggregate has exactly one row, even over an empty input.
      Group g;
      g.aggs.resize(plan_.aggregates.size());
      ASSIGN_OR_RETURN(Row r, Output(Row{}, g));
      out->push_back({std::move(r), 1});
      groups_.emplace(Row{}, std::move(g));
    }
    started_ = true;
    std::unordered_map<Row, std::optional<Row>, RowHash, RowEq> before;
    const auto& calls = plan_.aggregates;
    for (const Change& c : in) {
      Row key;
      for (const auto& g : plan_.exprs) {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*g, c.row));
        key.push_back(std::move(v));
      }
      auto it = groups_.find(key);
      if (it == groups_.end()) {
        Group g;
        g.aggs.resize(calls.size());
        it = groups_.emplace(key, std::move(g)).first;
      }
      Group& group = it->second;
      if (!before.count(key)) {
        std::optional<Row> old;
        if (group.rows > 0 || global) {
          ASSIGN_OR_RETURN(Row r, Output(key, group));
          old = std::move(r);
        }
        before.emplace(key, std::move(old));
      }
      group.rows += c.weight;
      for (size_t a = 0; a < calls.size(); a++) {
        RETURN_IF_ERROR(Update(calls[a], &group.aggs[a], c, exec));
      }
    }
    for (auto& [key, old] : before) {
      auto it = groups_.find(key);
      Group& group = it->second;
      if (group.rows < 0) return Status::Internal("negative multiplicity in materialized view");
      std::optional<Row> now;
      if (group.rows > 0 || global) {
        ASSIGN_OR_RETURN(Row r, Output(key, group));
        now = std::move(r);
      }
      if (group.rows == 0 && !global) groups_.erase(it);
      if (old && now && RowEq()(*old, *now)) continue;
      if (old) out->push_back({std::move(*old), -1});
      if (now) out->push_back({std::move(*now), 1});
    }
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    std::string groups, aggs;
    for (size_t i = 0; i < plan_.exprs.size(); i++) {
      groups += (i ? ", " : "") + plan_.exprs[i]->ToString();
    }
    for (size_t i = 0; i < plan_.aggregates.size(); i++) {
      aggs += (i ? ", " : "") + plan_.aggregates[i].agg.name;
    }
    out->push_back(std::string(indent * 2, ' ') + "Aggregate groups=[" + groups + "] aggs=[" +
                   aggs +
                   "]  state: per group row count and retractable aggregate state "
                   "(min/max keep value counts) (unbounded)");
    child_->Describe(indent + 1, out);
  }
  size_t StateSize() const override { return groups_.size() + child_->StateSize(); }

 private:
  struct AggState {
    int64_t count = 0;  // non-NULL inputs (rows, for count(*) with FILTER)
    __int128 int_sum = 0;
    Decimal dec_sum;
    std::map<Value, int64_t, ValueLess> values;
    int64_t true_count = 0;
    int64_t false_count = 0;
  };
  struct Group {
    int64_t rows = 0;
    std::vector<AggState> aggs;
  };

  Status Update(const planner::AggregateCall& call, AggState* s, const Change& c, Executor& exec) {
    if (call.agg.kind == AggKind::kCountStar && !call.filter) return Status::OK();
    if (call.filter) {
      ASSIGN_OR_RETURN(bool pass, exec.EvaluatePredicate(*call.filter, c.row));
      if (!pass) return Status::OK();
    }
    if (call.agg.kind == AggKind::kCountStar) {
      s->count += c.weight;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(Value v, exec.Evaluate(*call.arg, c.row));
    if (v.is_null()) return Status::OK();
    s->count += c.weight;
    switch (call.agg.kind) {
      case AggKind::kSum:
      case AggKind::kAvg:
        if (v.type().IsInteger()) {
          s->int_sum += static_cast<__int128>(v.GetInt()) * c.weight;
        } else {
          ASSIGN_OR_RETURN(Decimal d, v.GetDecimal().Mul(Decimal::FromInt64(c.weight)));
          ASSIGN_OR_RETURN(s->dec_sum, s->dec_sum.Add(d));
        }
        break;
      case AggKind::kCount:
        if (!call.distinct) break;
        [[fallthrough]];
      case AggKind::kMin:
      case AggKind::kMax: {
        int64_t& n = s->values[v];
        n += c.weight;
        if (n == 0) s->values.erase(v);
        break;
      }
      case AggKind::kBoolAnd:
      case AggKind::kBoolOr:
        (v.GetBool() ? s->true_count : s->false_count) += c.weight;
        break;
      default:
        break;
    }
    return Status::OK();
  }

  Result<Row> Output(const Row& key, const Group& group) const {
    Row row = key;
    for (size_t a = 0; a < plan_.aggregates.size(); a++) {
      const planner::AggregateCall& call = plan_.aggregates[a];
      const function::BoundAggregate& agg = call.agg;
      const AggState& s = group.aggs[a];
      SqlType rt = agg.result_type;
      switch (agg.kind) {
        case AggKind::kCountStar:
          row.push_back(Value::Int64(call.filter ? s.count : group.rows));
          break;
        case AggKind::kCount:
          row.push_back(
              Value::Int64(call.distinct ? static_cast<int64_t>(s.values.size()) : s.count));
          break;
        case AggKind::kSum:
          if (s.count == 0) {
            row.push_back(Value::Null(rt));
          } else if (agg.input_type.IsInteger()) {
            if (rt.id == TypeId::kInt64) {
              if (s.int_sum > INT64_MAX || s.int_sum < INT64_MIN) {
                return Status::Error(sqlstate::kNumericValueOutOfRange, "bigint out of range");
              }
              row.push_back(Value::Int64(static_cast<int64_t>(s.int_sum)));
            } else {
              row.push_back(Value::Numeric(Decimal(s.int_sum, 0)));
            }
          } else {
            row.push_back(Value::Numeric(s.dec_sum));
          }
          break;
        case AggKind::kAvg: {
          if (s.count == 0) {
            row.push_back(Value::Null(rt));
            break;
          }
          Decimal sum = agg.input_type.IsInteger() ? Decimal(s.int_sum, 0) : s.dec_sum;
          ASSIGN_OR_RETURN(Decimal avg, sum.Div(Decimal::FromInt64(s.count)));
          row.push_back(Value::Numeric(avg));
          break;
        }
        case AggKind::kMin:
          row.push_back(s.values.empty() ? Value::Null(rt) : s.values.begin()->first);
          break;
        case AggKind::kMax:
          row.push_back(s.values.empty() ? Value::Null(rt) : s.values.rbegin()->first);
          break;
        case AggKind::kBoolAnd:
          row.push_back(s.count == 0 ? Value::Null(rt) : Value::Bool(s.false_count == 0));
          break;
        case AggKind::kBoolOr:
          row.push_back(s.count == 0 ? Value::Null(rt) : Value::Bool(s.true_count > 0));
          break;
        default:
          return Status::Internal("unsupported incremental aggregate");
      }
    }
    return row;
  }

  const LogicalPlan& plan_;
  std::unique_ptr<DeltaOperator> child_;
  std::unordered_map<Row, Group, RowHash, RowEq> groups_;
  bool started_ = false;
};

// --- Top-N ---------------------------------------------------------------------------------------

/// ORDER BY ... LIMIT n [OFFSET m]: every input row kept in sort order (as a multiset); a batch
/// emits only the difference between the old and the new window of rows m..m+n. Ties are
/// broken by the whole row, so the window is deterministic.
class TopNOp : public DeltaOperator {
 public:
  TopNOp(const std::vector<planner::SortKey>& keys, int64_t limit, int64_t offset,
         std::unique_ptr<DeltaOperator> child)
      : keys_(keys),
        limit_(limit),
        offset_(offset),
        child_(std::move(child)),
        rows_(EntryLess{&keys_}) {}

  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet in;
    RETURN_IF_ERROR(child_->Apply(base, exec, &in));
    if (in.empty()) return Status::OK();
    Bag before = Window();
    for (Change& c : in) {
      Entry e;
      for (const auto& k : keys_) {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*k.expr, c.row));
        e.first.push_back(std::move(v));
      }
      e.second = std::move(c.row);
      int64_t& n = rows_[e];
      n += c.weight;
      if (n == 0) rows_.erase(e);
    }
    Bag after = Window();
    for (auto& [row, n] : after) {
      auto it = before.find(row);
      int64_t old = it == before.end() ? 0 : it->second;
      if (n != old) out->push_back({row, n - old});
    }
    for (auto& [row, n] : before) {
      if (!after.count(row)) out->push_back({row, -n});
    }
    return Status::OK();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    out->push_back(std::string(indent * 2, ' ') + "TopN limit=" + std::to_string(limit_) +
                   " offset=" + std::to_string(offset_) +
                   "  state: every input row in sort order (unbounded)");
    child_->Describe(indent + 1, out);
  }
  size_t StateSize() const override { return rows_.size() + child_->StateSize(); }

 private:
  using Entry = std::pair<Row, Row>;  // (sort key, row)
  struct EntryLess {
    const std::vector<planner::SortKey>* keys;
    bool operator()(const Entry& a, const Entry& b) const {
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
  };

  /// The rows in positions [offset, offset + limit) with their multiplicities.
  Bag Window() const {
    Bag w;
    int64_t pos = 0, end = limit_ < 0 ? INT64_MAX : offset_ + limit_;
    for (const auto& [e, n] : rows_) {
      int64_t from = std::max(pos, offset_), to = std::min(pos + n, end);
      if (to > from) w[e.second] += to - from;
      pos += n;
      if (pos >= end) break;
    }
    return w;
  }

  const std::vector<planner::SortKey>& keys_;
  int64_t limit_, offset_;
  std::unique_ptr<DeltaOperator> child_;
  std::map<Entry, int64_t, EntryLess> rows_;
};

// --- Compilation ---------------------------------------------------------------------------------

Status CheckAggregates(const LogicalPlan& p) {
  for (const auto& call : p.aggregates) {
    AggKind k = call.agg.kind;
    if (k == AggKind::kStringAgg || k == AggKind::kVarSamp || k == AggKind::kVarPop ||
        k == AggKind::kStddevSamp || k == AggKind::kStddevPop) {
      return Unsupported("aggregate " + call.agg.name);
    }
    if ((k == AggKind::kSum || k == AggKind::kAvg) &&
        (call.agg.input_type.IsFloat() || call.agg.input_type.id == TypeId::kInterval)) {
      return Unsupported(call.agg.name + " over " + call.agg.input_type.ToString() +
                         " (not exact under retraction)");
    }
    if (call.distinct && k != AggKind::kCount) return Unsupported(call.agg.name + "(DISTINCT ...)");
    if (!call.order_by.empty()) return Unsupported("ordered aggregates");
    if (call.arg) RETURN_IF_ERROR(CheckDeterministic(*call.arg));
    if (call.filter) RETURN_IF_ERROR(CheckDeterministic(*call.filter));
  }
  return CheckAll(p.exprs);
}

Result<std::unique_ptr<DeltaOperator>> Build(const LogicalPlan& p, std::set<uint64_t>* sources) {
  switch (p.kind) {
    case PlanKind::kScan:
      if (p.table->kind != planner::RelationKind::kTable) {
        return Unsupported("materialized views over materialized views");
      }
      sources->insert(p.table->id);
      return std::unique_ptr<DeltaOperator>(new ScanOp(p.table->id, p.table->name));
    case PlanKind::kValues:
      for (const auto& row : p.values) RETURN_IF_ERROR(CheckAll(row));
      return std::unique_ptr<DeltaOperator>(new ConstantOp(p));
    case PlanKind::kTableFunction:
      RETURN_IF_ERROR(CheckAll(p.exprs));
      return std::unique_ptr<DeltaOperator>(new ConstantOp(p));
    case PlanKind::kFilter: {
      RETURN_IF_ERROR(CheckDeterministic(*p.predicate));
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], sources));
      return std::unique_ptr<DeltaOperator>(new FilterOp(*p.predicate, std::move(child)));
    }
    case PlanKind::kProject: {
      RETURN_IF_ERROR(CheckAll(p.exprs));
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], sources));
      return std::unique_ptr<DeltaOperator>(new ProjectOp(p.exprs, std::move(child)));
    }
    case PlanKind::kAggregate: {
      RETURN_IF_ERROR(CheckAggregates(p));
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], sources));
      return std::unique_ptr<DeltaOperator>(new AggregateOp(p, std::move(child)));
    }
    case PlanKind::kJoin: {
      if (p.predicate) RETURN_IF_ERROR(CheckDeterministic(*p.predicate));
      if (p.join_kind == JoinKind::kSemi || p.join_kind == JoinKind::kAnti) {
        return Unsupported("semi and anti joins");
      }
      ASSIGN_OR_RETURN(auto l, Build(*p.children[0], sources));
      ASSIGN_OR_RETURN(auto r, Build(*p.children[1], sources));
      return std::unique_ptr<DeltaOperator>(new JoinOp(p, std::move(l), std::move(r)));
    }
    case PlanKind::kSort:  // order does not change a multiset
      return Build(*p.children[0], sources);
    case PlanKind::kDistinct: {
      if (!p.exprs.empty()) return Unsupported("DISTINCT ON");
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], sources));
      return std::unique_ptr<DeltaOperator>(
          new CountingOp(CountingOp::Mode::kDistinct, std::move(child), nullptr));
    }
    case PlanKind::kSetOp: {
      ASSIGN_OR_RETURN(auto l, Build(*p.children[0], sources));
      ASSIGN_OR_RETURN(auto r, Build(*p.children[1], sources));
      using M = CountingOp::Mode;
      switch (p.set_op) {
        case planner::SetOpKind::kUnion:
          if (p.set_all)
            return std::unique_ptr<DeltaOperator>(new UnionAllOp(std::move(l), std::move(r)));
          return std::unique_ptr<DeltaOperator>(new CountingOp(
              M::kDistinct, std::make_unique<UnionAllOp>(std::move(l), std::move(r)), nullptr));
        case planner::SetOpKind::kIntersect:
          return std::unique_ptr<DeltaOperator>(new CountingOp(
              p.set_all ? M::kIntersectAll : M::kIntersect, std::move(l), std::move(r)));
        case planner::SetOpKind::kExcept:
          return std::unique_ptr<DeltaOperator>(
              new CountingOp(p.set_all ? M::kExceptAll : M::kExcept, std::move(l), std::move(r)));
      }
      return Status::Internal("unknown set operation");
    }
    case PlanKind::kLimit: {
      const LogicalPlan& below = *p.children[0];
      if (below.kind != PlanKind::kSort) return Unsupported("LIMIT without ORDER BY");
      for (const auto& k : below.sort_keys) RETURN_IF_ERROR(CheckDeterministic(*k.expr));
      ExecContext ctx;
      Executor exec(ctx);
      int64_t limit = -1, offset = 0;
      for (auto [expr, target] : {std::pair{p.limit.get(), &limit}, {p.offset.get(), &offset}}) {
        if (!expr) continue;
        RETURN_IF_ERROR(CheckDeterministic(*expr));
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*expr, Row{}));
        if (!v.is_null()) *target = v.GetInt();
      }
      if (limit < -1 || offset < 0) return Unsupported("negative LIMIT or OFFSET");
      ASSIGN_OR_RETURN(auto child, Build(*below.children[0], sources));
      return std::unique_ptr<DeltaOperator>(
          new TopNOp(below.sort_keys, limit, offset, std::move(child)));
    }
    case PlanKind::kWindow:
      return Unsupported("window functions");
  }
  return Unsupported("this query shape");
}

}  // namespace

IncrementalView::~IncrementalView() = default;

std::vector<std::string> IncrementalView::Explain() const {
  std::vector<std::string> lines{"Materialize  state: view rows with multiplicities"};
  root_->Describe(1, &lines);
  return lines;
}

Result<std::unique_ptr<IncrementalView>> IncrementalView::Compile(
    std::shared_ptr<const LogicalPlan> plan) {
  auto view = std::unique_ptr<IncrementalView>(new IncrementalView());
  ASSIGN_OR_RETURN(view->root_, Build(*plan, &view->sources_));
  view->plan_ = std::move(plan);
  return view;
}

Status IncrementalView::Apply(const BaseChanges& changes, Executor& exec) {
  ChangeSet out;
  RETURN_IF_ERROR(root_->Apply(changes, exec, &out));
  Accumulate(&contents_, out);
  return Status::OK();
}

RowSet IncrementalView::Contents() const {
  RowSet rows;
  for (const auto& [row, n] : contents_) {
    for (int64_t i = 0; i < n; i++) rows.push_back(row);
  }
  return rows;
}

size_t IncrementalView::StateSize() const { return root_->StateSize() + contents_.size(); }

}  // namespace freshet::executor
