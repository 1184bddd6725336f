#include "executor/incremental_view.h"

#include <functional>
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
/// Retractable state of one aggregate (see AggregateOp).
/// Lexicographic order on whole rows (SQL order per column).
struct RowLess {
  bool operator()(const Row& a, const Row& b) const {
    for (size_t i = 0; i < a.size() && i < b.size(); i++) {
      int c = Value::Compare(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return a.size() < b.size();
  }
};

struct AggState {
  int64_t count = 0;  // non-NULL inputs (rows, for count(*) with FILTER)
  __int128 int_sum = 0;
  Decimal dec_sum;
  std::map<Value, int64_t, ValueLess> values;
  int64_t true_count = 0;
  int64_t false_count = 0;
  std::map<Row, int64_t, RowLess> parts;  // string_agg: (order keys..., value, separator)
  Decimal dec_sumsq;                      // stddev/variance: exact sum of squares
};
struct Group {
  int64_t rows = 0;
  std::vector<AggState> aggs;
};

Status AggUpdateState(const planner::AggregateCall& call, AggState* s, const Change& c,
                      Executor& exec) {
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
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop: {
      Decimal d = v.type().IsInteger() ? Decimal::FromInt64(v.GetInt()) : v.GetDecimal();
      Decimal w = Decimal::FromInt64(c.weight);
      ASSIGN_OR_RETURN(Decimal dw, d.Mul(w));
      ASSIGN_OR_RETURN(s->dec_sum, s->dec_sum.Add(dw));
      ASSIGN_OR_RETURN(Decimal sq, d.Mul(d));
      ASSIGN_OR_RETURN(Decimal sqw, sq.Mul(w));
      ASSIGN_OR_RETURN(s->dec_sumsq, s->dec_sumsq.Add(sqw));
      break;
    }
    case AggKind::kStringAgg: {
      Row key;
      for (const auto& [e, desc] : call.order_by) {
        ASSIGN_OR_RETURN(Value o, exec.Evaluate(*e, c.row));
        key.push_back(std::move(o));
      }
      key.push_back(v);
      ASSIGN_OR_RETURN(Value sep, exec.Evaluate(*call.sep, c.row));
      key.push_back(std::move(sep));
      int64_t& n = s->parts[key];
      n += c.weight;
      if (n == 0) s->parts.erase(key);
      break;
    }
    default:
      break;
  }
  return Status::OK();
}

Result<Row> AggOutputRow(const LogicalPlan& plan_, const Row& key, const Group& group) {
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
        ASSIGN_OR_RETURN(Value r, function::AggFinalize(agg, fs));
        row.push_back(std::move(r));
        break;
      }
      case AggKind::kStringAgg: {
        if (s.parts.empty()) {
          row.push_back(Value::Null(rt));
          break;
        }
        // Order by the ORDER BY keys with their directions (NULLs last ascending, first
        // descending, as PostgreSQL), ties by value.
        std::vector<std::pair<const Row*, int64_t>> parts;
        for (const auto& [k, n] : s.parts) parts.emplace_back(&k, n);
        const auto& order = call.order_by;
        std::stable_sort(parts.begin(), parts.end(), [&](const auto& x, const auto& y) {
          for (size_t i = 0; i < order.size(); i++) {
            const Value& a = (*x.first)[i];
            const Value& b = (*y.first)[i];
            bool desc = order[i].second;
            if (a.is_null() || b.is_null()) {
              if (a.is_null() && b.is_null()) continue;
              return a.is_null() == desc;
            }
            int c = Value::Compare(a, b);
            if (c != 0) return desc ? c > 0 : c < 0;
          }
          return false;
        });
        std::string text;
        bool first = true;
        for (const auto& [k, n] : parts) {
          const Value& val = (*k)[order.size()];
          const Value& sep = (*k)[order.size() + 1];
          for (int64_t i = 0; i < n; i++) {
            if (!first && !sep.is_null()) text += sep.GetString();
            text += val.GetString();
            first = false;
          }
        }
        row.push_back(Value::Text(std::move(text)));
        break;
      }
      default:
        return Status::Internal("unsupported incremental aggregate");
    }
  }
  return row;
}

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
        RETURN_IF_ERROR(AggUpdateState(calls[a], &group.aggs[a], c, exec));
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
  Result<Row> Output(const Row& key, const Group& group) const {
    return AggOutputRow(plan_, key, group);
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
         std::unique_ptr<DeltaOperator> child,
         const std::vector<BoundExprPtr>* partition_by = nullptr)
      : keys_(keys),
        limit_(limit),
        offset_(offset),
        child_(std::move(child)),
        partition_by_(partition_by) {}

  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet in;
    RETURN_IF_ERROR(child_->Apply(base, exec, &in));
    if (in.empty()) return Status::OK();
    // Group the changes by partition (one partition when there is no PARTITION BY).
    std::unordered_map<Row, std::vector<Change*>, RowHash, RowEq> touched;
    for (Change& c : in) {
      Row key;
      if (partition_by_) {
        for (const auto& e : *partition_by_) {
          ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, c.row));
          key.push_back(std::move(v));
        }
      }
      touched[std::move(key)].push_back(&c);
    }
    for (auto& [key, changes] : touched) {
      auto pit = partitions_.find(key);
      if (pit == partitions_.end()) {
        pit = partitions_.emplace(key, Ordered(EntryLess{&keys_})).first;
      }
      Ordered& rows = pit->second;
      Bag before = Window(rows);
      for (Change* c : changes) {
        Entry e;
        for (const auto& k : keys_) {
          ASSIGN_OR_RETURN(Value v, exec.Evaluate(*k.expr, c->row));
          e.first.push_back(std::move(v));
        }
        e.second = std::move(c->row);
        int64_t& n = rows[e];
        n += c->weight;
        if (n == 0) rows.erase(e);
      }
      Bag after = Window(rows);
      for (auto& [row, n] : after) {
        auto it = before.find(row);
        int64_t old = it == before.end() ? 0 : it->second;
        if (n != old) out->push_back({row, n - old});
      }
      for (auto& [row, n] : before) {
        if (!after.count(row)) out->push_back({row, -n});
      }
      if (rows.empty()) partitions_.erase(pit);
    }
    return Status::OK();
  }
  size_t StateSize() const override {
    size_t n = child_->StateSize();
    for (const auto& [k, rows] : partitions_) n += rows.size();
    return n;
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    out->push_back(std::string(indent * 2, ' ') + (partition_by_ ? "DistinctOn" : "TopN") +
                   " limit=" + std::to_string(limit_) + " offset=" + std::to_string(offset_) +
                   "  state: every input row in sort order" + (partition_by_ ? ", per key" : "") +
                   " (unbounded)");
    child_->Describe(indent + 1, out);
  }

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

  using Ordered = std::map<Entry, int64_t, EntryLess>;

  /// The rows in positions [offset, offset + limit) of a partition, with multiplicities.
  Bag Window(const Ordered& rows) const {
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

  const std::vector<planner::SortKey>& keys_;
  int64_t limit_, offset_;
  std::unique_ptr<DeltaOperator> child_;
  const std::vector<BoundExprPtr>* partition_by_;  // DISTINCT ON keys, or null
  std::unordered_map<Row, Ordered, RowHash, RowEq> partitions_;
};

// --- Window functions ----------------------------------------------------------------------------

/// Window functions whose calls share one PARTITION BY: each partition keeps its rows; a batch
/// recomputes the window results of the partitions it touched and emits the difference. (Cost
/// per change is the size of its partition; ranking filtered by rank <= N is the top-N case.)
class WindowOp : public DeltaOperator {
 public:
  WindowOp(const LogicalPlan& plan, std::unique_ptr<DeltaOperator> child)
      : plan_(plan), child_(std::move(child)) {}

  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet in;
    RETURN_IF_ERROR(child_->Apply(base, exec, &in));
    std::unordered_map<Row, ChangeSet, RowHash, RowEq> by_partition;
    for (Change& c : in) {
      Row key;
      for (const auto& e : plan_.window_calls[0].partition_by) {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, c.row));
        key.push_back(std::move(v));
      }
      by_partition[std::move(key)].push_back(std::move(c));
    }
    for (auto& [key, changes] : by_partition) {
      Partition& part = partitions_[key];
      Bag old_output = std::move(part.output);
      Accumulate(&part.rows, changes);
      // Recompute this partition in a deterministic order (whole-row order breaks ties).
      RowSet rows;
      for (const auto& [row, n] : part.rows) {
        for (int64_t i = 0; i < n; i++) rows.push_back(row);
      }
      std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        for (size_t i = 0; i < a.size(); i++) {
          int c = Value::Compare(a[i], b[i]);
          if (c != 0) return c < 0;
        }
        return false;
      });
      RETURN_IF_ERROR(exec.ComputeWindows(plan_.window_calls, &rows));
      part.output.clear();
      for (Row& r : rows) part.output[std::move(r)]++;
      for (const auto& [row, n] : part.output) {
        auto it = old_output.find(row);
        int64_t old = it == old_output.end() ? 0 : it->second;
        if (n != old) out->push_back({row, n - old});
      }
      for (const auto& [row, n] : old_output) {
        if (!part.output.count(row)) out->push_back({row, -n});
      }
      if (part.rows.empty()) partitions_.erase(key);
    }
    return Status::OK();
  }
  size_t StateSize() const override {
    size_t n = child_->StateSize();
    for (const auto& [k, p] : partitions_) n += p.rows.size();
    return n;
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    std::string calls;
    for (size_t i = 0; i < plan_.window_calls.size(); i++) {
      calls += (i ? ", " : "") + plan_.window_calls[i].name;
    }
    out->push_back(std::string(indent * 2, ' ') + "Window [" + calls +
                   "]  state: the rows of every partition; a change recomputes its partition "
                   "(unbounded)");
    child_->Describe(indent + 1, out);
  }

 private:
  struct Partition {
    Bag rows;
    Bag output;
  };
  const LogicalPlan& plan_;
  std::unique_ptr<DeltaOperator> child_;
  std::unordered_map<Row, Partition, RowHash, RowEq> partitions_;
};

// --- Subqueries in expressions ----------------------------------------------------------------

/// Rewrites an expression of a correlated subquery for evaluation over (outer row ++ inner row):
/// inner columns shift right by the outer width; depth-1 outer references become outer columns.
Result<BoundExprPtr> RemapCorrelated(const BoundExpr& e, size_t outer_width) {
  BoundExprPtr out = e.Clone();
  std::function<Status(BoundExpr*)> walk = [&](BoundExpr* x) -> Status {
    if (x->kind == BoundExprKind::kSubquery) return Unsupported("nested subqueries");
    if (x->kind == BoundExprKind::kColumn) {
      x->column += static_cast<int>(outer_width);
    } else if (x->kind == BoundExprKind::kOuterColumn) {
      if (x->depth != 1) return Unsupported("references more than one query level out");
      x->kind = BoundExprKind::kColumn;
      x->depth = 0;
    }
    for (auto& c : x->children) RETURN_IF_ERROR(walk(c.get()));
    return Status::OK();
  };
  RETURN_IF_ERROR(walk(out.get()));
  return out;
}

bool PlanHasOuterReferences(const LogicalPlan& p) {
  auto check = [](const BoundExpr* e) { return e && e->HasOuterReference(1); };
  if (check(p.predicate.get()) || check(p.limit.get()) || check(p.offset.get())) return true;
  for (const auto& e : p.exprs)
    if (check(e.get())) return true;
  for (const auto& row : p.values)
    for (const auto& e : row)
      if (check(e.get())) return true;
  for (const auto& a : p.aggregates) {
    if (check(a.arg.get()) || check(a.filter.get()) || check(a.sep.get())) return true;
  }
  for (const auto& k : p.sort_keys)
    if (check(k.expr.get())) return true;
  for (const auto& c : p.children)
    if (PlanHasOuterReferences(*c)) return true;
  return false;
}

/// One subquery expression (scalar, EXISTS or IN) evaluated for every row of its input, which
/// the operator extends by one column holding the subquery's value. It keeps the inner rows and,
/// per distinct outer row, a retractable summary of the inner rows that match the correlation
/// predicate (an aggregate state, a match count, or IN's true/NULL counts), so an inner change
/// touches only the outer rows it matches and an outer change reads only the inner rows.
class SubqueryOp : public DeltaOperator {
 public:
  struct Spec {
    planner::SubqueryKind kind;
    bool negated = false;
    const LogicalPlan* aggregate = nullptr;  // scalar subquery over a global aggregate
    const BoundExpr* value = nullptr;        // scalar/IN: select expression (inner row or agg row)
    const BoundExpr* lhs = nullptr;          // IN: left operand (outer row)
    BoundExprPtr correlation;                // over (outer ++ inner); null = every inner row
    SqlType type;
  };

  SubqueryOp(Spec spec, size_t outer_width, std::unique_ptr<DeltaOperator> outer,
             std::unique_ptr<DeltaOperator> inner)
      : spec_(std::move(spec)),
        outer_width_(outer_width),
        outer_(std::move(outer)),
        inner_(std::move(inner)) {}

  Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) override {
    ChangeSet douter, dinner;
    RETURN_IF_ERROR(outer_->Apply(base, exec, &douter));
    RETURN_IF_ERROR(inner_->Apply(base, exec, &dinner));
    // Value of every affected outer row before this batch.
    std::unordered_map<Row, std::pair<int64_t, Value>, RowHash, RowEq> before;
    auto remember = [&](const Row& o, Entry& e) -> Status {
      if (before.count(o)) return Status::OK();
      ASSIGN_OR_RETURN(Value v, ValueOf(e));
      before.emplace(o, std::make_pair(e.mult, std::move(v)));
      return Status::OK();
    };
    // Inner changes update the summaries of the outer rows they match.
    if (!dinner.empty()) {
      for (auto& [o, e] : outers_) {
        for (const Change& c : dinner) {
          ASSIGN_OR_RETURN(bool match, Matches(o, c.row, exec));
          if (!match) continue;
          RETURN_IF_ERROR(remember(o, e));
          RETURN_IF_ERROR(Update(&e, o, c, exec));
        }
      }
      Accumulate(&inner_rows_, dinner);
    }
    // Outer changes: a new outer row reads the inner rows once.
    for (const Change& c : douter) {
      auto it = outers_.find(c.row);
      if (it == outers_.end()) {
        Entry e;
        if (spec_.aggregate) e.group.aggs.resize(spec_.aggregate->aggregates.size());
        for (const auto& [x, n] : inner_rows_) {
          ASSIGN_OR_RETURN(bool match, Matches(c.row, x, exec));
          if (match) RETURN_IF_ERROR(Update(&e, c.row, Change{x, n}, exec));
        }
        it = outers_.emplace(c.row, std::move(e)).first;
        before.emplace(c.row, std::make_pair(int64_t{0}, Value::Null(spec_.type)));
      } else {
        RETURN_IF_ERROR(remember(c.row, it->second));
      }
      it->second.mult += c.weight;
    }
    for (auto& [o, old] : before) {
      auto it = outers_.find(o);
      Entry& e = it->second;
      ASSIGN_OR_RETURN(Value now, ValueOf(e));
      int64_t mult = e.mult;
      if (mult == 0) outers_.erase(it);
      bool same_value = (old.second.is_null() && now.is_null()) ||
                        (!old.second.is_null() && !now.is_null() &&
                         Value::Compare(old.second, now) == 0 && old.second.type() == now.type());
      if (same_value && old.first == mult) continue;
      if (old.first != 0) {
        Row r = o;
        r.push_back(old.second);
        out->push_back({std::move(r), -old.first});
      }
      if (mult != 0) {
        Row r = o;
        r.push_back(std::move(now));
        out->push_back({std::move(r), mult});
      }
    }
    return Status::OK();
  }

  size_t StateSize() const override {
    return outers_.size() + inner_rows_.size() + outer_->StateSize() + inner_->StateSize();
  }
  void Describe(int indent, std::vector<std::string>* out) const override {
    static const char* kNames[] = {"Scalar", "Exists", "In", "Any", "All", "Array"};
    out->push_back(std::string(indent * 2, ' ') + kNames[static_cast<int>(spec_.kind)] +
                   "Subquery" + (spec_.correlation ? " on " + spec_.correlation->ToString() : "") +
                   "  state: inner rows and one summary per distinct outer row (unbounded)");
    outer_->Describe(indent + 1, out);
    inner_->Describe(indent + 1, out);
  }

 private:
  struct Entry {
    int64_t mult = 0;
    Group group;                                 // scalar aggregate
    int64_t matches = 0;                         // EXISTS: matching inner rows
    int64_t in_true = 0;                         // IN: rows equal to lhs
    int64_t in_null = 0;                         // IN: rows compared with NULL
    std::map<Value, int64_t, ValueLess> values;  // plain scalar subquery: the values it yields
    int64_t null_values = 0;
  };

  Result<bool> Matches(const Row& o, const Row& x, Executor& exec) {
    if (!spec_.correlation) return true;
    combined_.assign(o.begin(), o.end());
    combined_.insert(combined_.end(), x.begin(), x.end());
    return exec.EvaluatePredicate(*spec_.correlation, combined_);
  }

  Status Update(Entry* e, const Row& o, const Change& c, Executor& exec) {
    using planner::SubqueryKind;
    if (spec_.aggregate) {
      e->group.rows += c.weight;
      for (size_t a = 0; a < spec_.aggregate->aggregates.size(); a++) {
        RETURN_IF_ERROR(AggUpdateState(spec_.aggregate->aggregates[a], &e->group.aggs[a], c, exec));
      }
      return Status::OK();
    }
    switch (spec_.kind) {
      case SubqueryKind::kExists:
        e->matches += c.weight;
        return Status::OK();
      case SubqueryKind::kIn: {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*spec_.value, c.row));
        ASSIGN_OR_RETURN(Value l, exec.Evaluate(*spec_.lhs, o));
        if (v.is_null() || l.is_null()) {
          e->in_null += c.weight;
        } else if (Value::Compare(v, l) == 0) {
          e->in_true += c.weight;
        }
        e->matches += c.weight;
        return Status::OK();
      }
      default: {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*spec_.value, c.row));
        if (v.is_null()) {
          e->null_values += c.weight;
        } else {
          int64_t& n = e->values[v];
          n += c.weight;
          if (n == 0) e->values.erase(v);
        }
        return Status::OK();
      }
    }
  }

  /// The subquery's value for an outer row, from its summary.
  Result<Value> ValueOf(const Entry& e) const {
    using planner::SubqueryKind;
    if (spec_.aggregate) {
      ASSIGN_OR_RETURN(Row agg_row, AggOutputRow(*spec_.aggregate, Row{}, e.group));
      ExecContext ctx;
      Executor exec(ctx);
      return exec.Evaluate(*spec_.value, agg_row);
    }
    switch (spec_.kind) {
      case SubqueryKind::kExists:
        return Value::Bool((e.matches > 0) != spec_.negated);
      case SubqueryKind::kIn:
        if (e.matches == 0) return Value::Bool(spec_.negated);
        if (e.in_true > 0) return Value::Bool(!spec_.negated);
        if (e.in_null > 0) return Value::Null(TypeId::kBool);
        return Value::Bool(spec_.negated);
      default: {
        int64_t n = e.null_values;
        for (const auto& [v, k] : e.values) n += k;
        if (n == 0) return Value::Null(spec_.type);
        if (n > 1) {
          return Status::Error(sqlstate::kCardinalityViolation,
                               "more than one row returned by a subquery used as an expression");
        }
        return e.values.empty() ? Value::Null(spec_.type) : e.values.begin()->first;
      }
    }
  }

  Spec spec_;
  size_t outer_width_;
  std::unique_ptr<DeltaOperator> outer_, inner_;
  std::unordered_map<Row, Entry, RowHash, RowEq> outers_;
  Bag inner_rows_;
  Row combined_;
};

// --- Compilation ---------------------------------------------------------------------------------

Status CheckAggregates(const LogicalPlan& p) {
  for (const auto& call : p.aggregates) {
    AggKind k = call.agg.kind;
    if ((k == AggKind::kVarSamp || k == AggKind::kVarPop || k == AggKind::kStddevSamp ||
         k == AggKind::kStddevPop) &&
        call.agg.input_type.IsFloat()) {
      return Unsupported(call.agg.name + " over floating point (not exact under retraction)");
    }
    if (k == AggKind::kStringAgg) {
      if (call.order_by.empty()) {
        return Unsupported("string_agg without ORDER BY (its order is not defined)");
      }
      if (call.distinct) return Unsupported("string_agg(DISTINCT ...)");
      for (const auto& [e, desc] : call.order_by) RETURN_IF_ERROR(CheckDeterministic(*e));
      RETURN_IF_ERROR(CheckDeterministic(*call.sep));
    } else if (!call.order_by.empty()) {
      return Unsupported("ordered aggregates other than string_agg");
    }
    if ((k == AggKind::kSum || k == AggKind::kAvg) &&
        (call.agg.input_type.IsFloat() || call.agg.input_type.id == TypeId::kInterval)) {
      return Unsupported(call.agg.name + " over " + call.agg.input_type.ToString() +
                         " (not exact under retraction)");
    }
    if (call.distinct && k != AggKind::kCount && k != AggKind::kStringAgg) {
      return Unsupported(call.agg.name + "(DISTINCT ...)");
    }
    if (call.arg) RETURN_IF_ERROR(CheckDeterministic(*call.arg));
    if (call.filter) RETURN_IF_ERROR(CheckDeterministic(*call.filter));
  }
  return CheckAll(p.exprs);
}

Result<std::unique_ptr<DeltaOperator>> Build(const LogicalPlan& p, Arena* arena);

/// Compiles the subqueries inside `exprs` (over rows of `input`, `width` columns wide) into
/// SubqueryOps that extend each row with one column per subquery, and rewrites the expressions to
/// read those columns. `op` is replaced by the extended input.
Status CompileSubqueries(const std::vector<const BoundExpr*>& exprs, size_t width,
                         std::unique_ptr<DeltaOperator>* op, Arena* arena,
                         std::vector<BoundExprPtr>* rewritten) {
  std::vector<const BoundExpr*> subqueries;
  std::function<void(const BoundExpr&)> collect = [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kSubquery) {
      subqueries.push_back(&e);
      return;  // its left operand (IN) is checked with the subquery
    }
    for (const auto& c : e.children) collect(*c);
  };
  for (const BoundExpr* e : exprs) collect(*e);
  for (size_t i = 0; i < subqueries.size(); i++) {
    const BoundExpr& e = *subqueries[i];
    using planner::SubqueryKind;
    if (e.subquery_kind != SubqueryKind::kScalar && e.subquery_kind != SubqueryKind::kExists &&
        e.subquery_kind != SubqueryKind::kIn) {
      return Unsupported("ANY/ALL/ARRAY subqueries");
    }
    size_t outer_width = width + i;
    SubqueryOp::Spec spec;
    spec.kind = e.subquery_kind;
    spec.negated = e.negated;
    spec.type = e.type;
    const LogicalPlan* node = e.plan.get();
    while (node->kind == PlanKind::kSort) node = node->children[0].get();
    if (node->kind != PlanKind::kProject) return Unsupported("this subquery shape");
    spec.value = node->exprs.empty() ? nullptr : node->exprs[0].get();
    node = node->children[0].get();
    if (node->kind == PlanKind::kAggregate && node->exprs.empty()) {
      for (const auto& call : node->aggregates) {
        if (call.arg && call.arg->HasOuterReference(1)) {
          return Unsupported("outer references inside subquery aggregates");
        }
      }
      RETURN_IF_ERROR(CheckAggregates(*node));
      spec.aggregate = node;
      node = node->children[0].get();
    }
    if (node->kind == PlanKind::kFilter && node->predicate->HasOuterReference(1)) {
      ASSIGN_OR_RETURN(spec.correlation, RemapCorrelated(*node->predicate, outer_width));
      RETURN_IF_ERROR(CheckDeterministic(*spec.correlation));
      node = node->children[0].get();
    }
    if (PlanHasOuterReferences(*node)) return Unsupported("this correlated subquery");
    if (spec.kind != SubqueryKind::kExists) {
      if (!spec.value || spec.value->HasOuterReference(1)) {
        return Unsupported("outer references in a subquery's select list");
      }
      RETURN_IF_ERROR(CheckDeterministic(*spec.value));
    }
    if (spec.kind == SubqueryKind::kIn) {
      spec.lhs = e.children[0].get();
      RETURN_IF_ERROR(CheckDeterministic(*spec.lhs));
    }
    ASSIGN_OR_RETURN(auto inner, Build(*node, arena));
    *op = std::make_unique<SubqueryOp>(std::move(spec), outer_width, std::move(*op),
                                       std::move(inner));
  }
  // Rewrite: the i-th subquery (pre-order) becomes column width + i.
  size_t next = 0;
  std::function<BoundExprPtr(const BoundExpr&)> rewrite = [&](const BoundExpr& e) -> BoundExprPtr {
    if (e.kind == BoundExprKind::kSubquery) {
      return planner::MakeColumn(static_cast<int>(width + next++), e.type);
    }
    BoundExprPtr clone = e.Clone();
    clone->children.clear();
    for (const auto& c : e.children) clone->children.push_back(rewrite(*c));
    return clone;
  };
  for (const BoundExpr* e : exprs) rewritten->push_back(rewrite(*e));
  for (const auto& r : *rewritten) RETURN_IF_ERROR(CheckDeterministic(*r));
  return Status::OK();
}

bool HasSubquery(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : e.children) {
    if (HasSubquery(*c)) return true;
  }
  return false;
}

Result<std::unique_ptr<DeltaOperator>> Build(const LogicalPlan& p, Arena* arena) {
  std::set<uint64_t>* sources = &arena->sources;
  switch (p.kind) {
    case PlanKind::kScan:
      if (p.table->kind == planner::RelationKind::kMaterializedView) {
        if (!arena->expand_view) return Unsupported("materialized views over materialized views");
        ASSIGN_OR_RETURN(auto inner, arena->expand_view(*p.table));
        arena->plans.push_back(inner);
        return Build(*inner, arena);
      }
      if (p.table->kind != planner::RelationKind::kTable) {
        return Unsupported("materialized views over " + p.table->name);
      }
      sources->insert(p.table->id);
      return std::unique_ptr<DeltaOperator>(new ScanOp(p.table->id, p.table->name));
    case PlanKind::kValues:
      if (p.system_relation) return Unsupported("views over system catalogs");
      for (const auto& row : p.values) RETURN_IF_ERROR(CheckAll(row));
      return std::unique_ptr<DeltaOperator>(new ConstantOp(p));
    case PlanKind::kTableFunction:
      RETURN_IF_ERROR(CheckAll(p.exprs));
      return std::unique_ptr<DeltaOperator>(new ConstantOp(p));
    case PlanKind::kFilter: {
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], arena));
      if (!HasSubquery(*p.predicate)) {
        RETURN_IF_ERROR(CheckDeterministic(*p.predicate));
        return std::unique_ptr<DeltaOperator>(new FilterOp(*p.predicate, std::move(child)));
      }
      size_t width = p.children[0]->types.size();
      auto exprs = std::make_unique<std::vector<BoundExprPtr>>();
      RETURN_IF_ERROR(CompileSubqueries({p.predicate.get()}, width, &child, arena, exprs.get()));
      auto filtered = std::make_unique<FilterOp>(*(*exprs)[0], std::move(child));
      // Drop the subquery columns again.
      auto strip = std::make_unique<std::vector<BoundExprPtr>>();
      for (size_t i = 0; i < width; i++) {
        strip->push_back(planner::MakeColumn(static_cast<int>(i), p.children[0]->types[i]));
      }
      auto op = std::make_unique<ProjectOp>(*strip, std::move(filtered));
      arena->lists.push_back(std::move(exprs));
      arena->lists.push_back(std::move(strip));
      return std::unique_ptr<DeltaOperator>(std::move(op));
    }
    case PlanKind::kProject: {
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], arena));
      bool any = false;
      for (const auto& e : p.exprs) any |= HasSubquery(*e);
      if (!any) {
        RETURN_IF_ERROR(CheckAll(p.exprs));
        return std::unique_ptr<DeltaOperator>(new ProjectOp(p.exprs, std::move(child)));
      }
      std::vector<const BoundExpr*> raw;
      for (const auto& e : p.exprs) raw.push_back(e.get());
      auto exprs = std::make_unique<std::vector<BoundExprPtr>>();
      RETURN_IF_ERROR(
          CompileSubqueries(raw, p.children[0]->types.size(), &child, arena, exprs.get()));
      auto op = std::make_unique<ProjectOp>(*exprs, std::move(child));
      arena->lists.push_back(std::move(exprs));
      return std::unique_ptr<DeltaOperator>(std::move(op));
    }
    case PlanKind::kAggregate: {
      RETURN_IF_ERROR(CheckAggregates(p));
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], arena));
      return std::unique_ptr<DeltaOperator>(new AggregateOp(p, std::move(child)));
    }
    case PlanKind::kJoin: {
      if (p.predicate) RETURN_IF_ERROR(CheckDeterministic(*p.predicate));
      if (p.join_kind == JoinKind::kSemi || p.join_kind == JoinKind::kAnti) {
        return Unsupported("semi and anti joins");
      }
      ASSIGN_OR_RETURN(auto l, Build(*p.children[0], arena));
      ASSIGN_OR_RETURN(auto r, Build(*p.children[1], arena));
      return std::unique_ptr<DeltaOperator>(new JoinOp(p, std::move(l), std::move(r)));
    }
    case PlanKind::kSort:  // order does not change a multiset
      return Build(*p.children[0], arena);
    case PlanKind::kDistinct: {
      if (!p.exprs.empty()) {
        // DISTINCT ON (keys) keeps the first row of each key in ORDER BY order: a top-1 per key.
        const LogicalPlan& below = *p.children[0];
        if (below.kind != PlanKind::kSort) return Unsupported("DISTINCT ON without ORDER BY");
        RETURN_IF_ERROR(CheckAll(p.exprs));
        for (const auto& k : below.sort_keys) RETURN_IF_ERROR(CheckDeterministic(*k.expr));
        ASSIGN_OR_RETURN(auto child, Build(*below.children[0], arena));
        return std::unique_ptr<DeltaOperator>(
            new TopNOp(below.sort_keys, 1, 0, std::move(child), &p.exprs));
      }
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], arena));
      return std::unique_ptr<DeltaOperator>(
          new CountingOp(CountingOp::Mode::kDistinct, std::move(child), nullptr));
    }
    case PlanKind::kSetOp: {
      ASSIGN_OR_RETURN(auto l, Build(*p.children[0], arena));
      ASSIGN_OR_RETURN(auto r, Build(*p.children[1], arena));
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
      ASSIGN_OR_RETURN(auto child, Build(*below.children[0], arena));
      return std::unique_ptr<DeltaOperator>(
          new TopNOp(below.sort_keys, limit, offset, std::move(child)));
    }
    case PlanKind::kWindow: {
      const auto& calls = p.window_calls;
      for (const auto& w : calls) {
        if (w.partition_by.size() != calls[0].partition_by.size()) {
          return Unsupported("window functions with different PARTITION BY");
        }
        for (size_t i = 0; i < w.partition_by.size(); i++) {
          if (!w.partition_by[i]->Equals(*calls[0].partition_by[i])) {
            return Unsupported("window functions with different PARTITION BY");
          }
        }
        RETURN_IF_ERROR(CheckAll(w.args));
        RETURN_IF_ERROR(CheckAll(w.partition_by));
        for (const auto& k : w.order_by) RETURN_IF_ERROR(CheckDeterministic(*k.expr));
        if (w.is_aggregate && (w.agg.kind == AggKind::kSum || w.agg.kind == AggKind::kAvg) &&
            w.agg.input_type.IsFloat()) {
          return Unsupported("floating-point window aggregates");
        }
      }
      ASSIGN_OR_RETURN(auto child, Build(*p.children[0], arena));
      return std::unique_ptr<DeltaOperator>(new WindowOp(p, std::move(child)));
    }
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
    std::shared_ptr<const LogicalPlan> plan,
    std::function<Result<std::shared_ptr<const planner::LogicalPlan>>(const planner::TableDef&)>
        expand_view) {
  auto view = std::unique_ptr<IncrementalView>(new IncrementalView());
  view->arena_.expand_view = std::move(expand_view);
  ASSIGN_OR_RETURN(view->root_, Build(*plan, &view->arena_));
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
