#include "executor/subquery_op.h"

#include <algorithm>
#include <functional>

#include "common/varint.h"
#include "storage/row_codec.h"

namespace freshet::executor {

using function::AggKind;
using planner::BoundExpr;
using planner::LogicalPlan;

namespace {

/// A row with its signed multiplicity (the row-level aggregate helpers' input).
struct RowChange {
  const Row& row;
  int64_t weight;
};

/// Strict weak order on values in SQL order (NULLs last), for ordered multisets.
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Value::Compare(a, b) < 0; }
};

// Row-level retractable aggregate state for scalar subqueries over aggregates (the subquery's
// per-outer-row summary).
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

Status AggUpdateState(const planner::AggregateCall& call, AggState* s, const RowChange& c,
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

}  // namespace

struct SubqueryOp::Entry {
  int64_t mult = 0;
  Group group;                                 // scalar aggregate
  int64_t matches = 0;                         // EXISTS: matching inner rows
  int64_t in_true = 0;                         // IN: rows equal to lhs
  int64_t in_null = 0;                         // IN: rows compared with NULL
  std::map<Value, int64_t, ValueLess> values;  // plain scalar subquery: the values it yields
  int64_t null_values = 0;
};

SubqueryOp::SubqueryOp(EpochContext& ctx, Spec spec, std::vector<SqlType> outer_types,
                       std::vector<SqlType> inner_types, uint64_t state_id)
    : StreamOperator(ctx, 2),
      spec_(std::move(spec)),
      outer_types_(std::move(outer_types)),
      inner_types_(std::move(inner_types)),
      state_(state_id),
      exec_(exec_ctx_) {
  std::vector<SqlType> out = outer_types_;
  out.push_back(spec_.type);
  out_.Init(out);
  if (!spec_.correlation) return;
  // Equalities between an outer-only and an inner-only expression become keys.
  int ow = static_cast<int>(outer_types_.size());
  std::vector<const BoundExpr*> conjuncts, rest;
  std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
    if (e.kind == planner::BoundExprKind::kAnd) {
      for (const auto& c : e.children) split(*c);
    } else {
      conjuncts.push_back(&e);
    }
  };
  split(*spec_.correlation);
  std::function<bool(const BoundExpr&, int*, int*)> span = [&](const BoundExpr& e, int* lo,
                                                               int* hi) {
    if (e.kind == planner::BoundExprKind::kOuterColumn ||
        e.kind == planner::BoundExprKind::kParam || e.kind == planner::BoundExprKind::kSubquery) {
      return false;
    }
    if (e.kind == planner::BoundExprKind::kColumn) {
      *lo = std::min(*lo, e.column);
      *hi = std::max(*hi, e.column);
    }
    for (const auto& c : e.children) {
      if (!span(*c, lo, hi)) return false;
    }
    return true;
  };
  auto side = [&](const BoundExpr& e) {
    int lo = INT32_MAX, hi = -1;
    if (!span(e, &lo, &hi) || hi < 0) return -1;
    return hi < ow ? 0 : (lo >= ow ? 1 : -1);
  };
  for (const BoundExpr* c : conjuncts) {
    if (c->kind == planner::BoundExprKind::kCompare && c->op == "=") {
      const BoundExpr* a = c->children[0].get();
      const BoundExpr* b = c->children[1].get();
      int sa = side(*a), sb = side(*b);
      if (sa == 1 && sb == 0) std::swap(a, b), std::swap(sa, sb);
      if (sa == 0 && sb == 1 && PhysicalTypeOf(a->type.id) == PhysicalTypeOf(b->type.id)) {
        planner::BoundExprPtr inner = b->Clone();
        std::function<void(BoundExpr*)> shift = [&](BoundExpr* x) {
          if (x->kind == planner::BoundExprKind::kColumn) x->column -= ow;
          for (auto& ch : x->children) shift(ch.get());
        };
        shift(inner.get());
        keys_.emplace_back(a->Clone(), std::move(inner));
        continue;
      }
    }
    rest.push_back(c);
  }
  if (rest.size() == 1) {
    residual_ = rest[0]->Clone();
  } else if (rest.size() > 1) {
    residual_ = std::make_unique<BoundExpr>(planner::BoundExprKind::kAnd, SqlType(TypeId::kBool));
    for (const BoundExpr* c : rest) residual_->children.push_back(c->Clone());
  }
}

SubqueryOp::~SubqueryOp() = default;

Result<std::optional<std::string>> SubqueryOp::KeyOf(const Row& row, bool outer) {
  std::string key;
  for (const auto& [o, i] : keys_) {
    ASSIGN_OR_RETURN(Value v, exec_.Evaluate(outer ? *o : *i, row));
    if (v.is_null()) return std::optional<std::string>();
    AppendHashKey(v, &key);
  }
  return std::optional<std::string>(std::move(key));
}

Result<bool> SubqueryOp::Matches(const Row& o, const Row& x) {
  if (!residual_) return true;
  combined_.assign(o.begin(), o.end());
  combined_.insert(combined_.end(), x.begin(), x.end());
  return exec_.EvaluatePredicate(*residual_, combined_);
}

Status SubqueryOp::Update(Entry* e, const Row& o, const Row& x, int64_t w) {
  using planner::SubqueryKind;
  if (spec_.aggregate) {
    e->group.rows += w;
    for (size_t a = 0; a < spec_.aggregate->aggregates.size(); a++) {
      RETURN_IF_ERROR(AggUpdateState(spec_.aggregate->aggregates[a], &e->group.aggs[a],
                                     RowChange{x, w}, exec_));
    }
    return Status::OK();
  }
  switch (spec_.kind) {
    case SubqueryKind::kExists:
      e->matches += w;
      return Status::OK();
    case SubqueryKind::kIn: {
      ASSIGN_OR_RETURN(Value v, exec_.Evaluate(*spec_.value, x));
      ASSIGN_OR_RETURN(Value l, exec_.Evaluate(*spec_.lhs, o));
      if (v.is_null() || l.is_null()) {
        e->in_null += w;
      } else if (Value::Compare(v, l) == 0) {
        e->in_true += w;
      }
      e->matches += w;
      return Status::OK();
    }
    default: {
      ASSIGN_OR_RETURN(Value v, exec_.Evaluate(*spec_.value, x));
      if (v.is_null()) {
        e->null_values += w;
      } else {
        int64_t& n = e->values[v];
        n += w;
        if (n == 0) e->values.erase(v);
      }
      return Status::OK();
    }
  }
}

Result<Value> SubqueryOp::ValueOf(const Entry& e) const {
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

Status SubqueryOp::Remember(const Row& o, const Entry& e) {
  if (before_.count(o)) return Status::OK();
  ASSIGN_OR_RETURN(Value v, ValueOf(e));
  before_.emplace(o, std::make_pair(e.mult, std::move(v)));
  return Status::OK();
}

void SubqueryOp::PersistRow(char tag, const Row& row, int64_t count) {
  std::string key(1, tag);
  for (const Value& v : row) AppendHashKey(v, &key);
  if (count == 0) {
    state_.Delete(ctx_, key);
    return;
  }
  std::string value;
  PutVarint(&value, ZigZag(count));
  storage::RowCodec::Encode(row, &value);
  state_.Put(ctx_, key, value);
}

Status SubqueryOp::AddOuter(const Row& row, const std::string* key, std::unique_ptr<Entry>* out) {
  auto e = std::make_unique<Entry>();
  if (spec_.aggregate) e->group.aggs.resize(spec_.aggregate->aggregates.size());
  if (key) {
    auto it = inner_by_key_.find(*key);
    if (it != inner_by_key_.end()) {
      for (const auto& [x, n] : it->second) {
        ASSIGN_OR_RETURN(bool match, Matches(row, x));
        if (match) RETURN_IF_ERROR(Update(e.get(), row, x, n));
      }
    }
  }
  *out = std::move(e);
  return Status::OK();
}

Status SubqueryOp::Push(int port, StreamChunk& chunk) {
  for (size_t i = 0; i < chunk.size(); i++) {
    int64_t w = chunk.weight(i);
    if (w == 0) continue;
    Row row = chunk.GetRow(i);
    if (port == 1) {
      ASSIGN_OR_RETURN(std::optional<std::string> key, KeyOf(row, false));
      if (key) {
        // An inner change updates the summaries of the outer rows with its key that it matches.
        auto os = outers_by_key_.find(*key);
        if (os != outers_by_key_.end()) {
          for (const Row* o : os->second) {
            ASSIGN_OR_RETURN(bool match, Matches(*o, row));
            if (!match) continue;
            Entry& e = *outers_.find(*o)->second;
            RETURN_IF_ERROR(Remember(*o, e));
            RETURN_IF_ERROR(Update(&e, *o, row, w));
          }
        }
      }
      Bag& bag = key ? inner_by_key_[*key] : null_key_inner_;
      int64_t& n = bag[row];
      n += w;
      PersistRow('i', row, n);
      if (n == 0) bag.erase(row);
      if (key && bag.empty()) inner_by_key_.erase(*key);
      continue;
    }
    auto it = outers_.find(row);
    if (it == outers_.end()) {
      // A new outer row reads the inner rows with its key once.
      ASSIGN_OR_RETURN(std::optional<std::string> key, KeyOf(row, true));
      std::unique_ptr<Entry> e;
      RETURN_IF_ERROR(AddOuter(row, key ? &*key : nullptr, &e));
      if (!before_.count(row)) {
        before_.emplace(row, std::make_pair(int64_t{0}, Value::Null(spec_.type)));
      }
      it = outers_.emplace(row, std::move(e)).first;
      if (key) outers_by_key_[*key].push_back(&it->first);
    } else {
      RETURN_IF_ERROR(Remember(row, *it->second));
    }
    it->second->mult += w;
    PersistRow('o', row, it->second->mult);
  }
  return Status::OK();
}

Status SubqueryOp::OnBarrier() {
  out_.Reset();
  auto emit = [&](const Row& o, const Value& v, int64_t w) -> Status {
    Row r = o;
    r.push_back(v);
    out_.AppendValues(r, w);
    if (out_.full()) {
      RETURN_IF_ERROR(Emit(out_));
      out_.Reset();
    }
    return Status::OK();
  };
  for (auto& [o, old] : before_) {
    auto it = outers_.find(o);
    if (it == outers_.end()) continue;
    Entry& e = *it->second;
    ASSIGN_OR_RETURN(Value now, ValueOf(e));
    int64_t mult = e.mult;
    if (mult == 0) {
      ASSIGN_OR_RETURN(std::optional<std::string> key, KeyOf(o, true));
      if (key) {
        auto& list = outers_by_key_[*key];
        list.erase(std::remove(list.begin(), list.end(), &it->first), list.end());
        if (list.empty()) outers_by_key_.erase(*key);
      }
      outers_.erase(it);
    }
    bool same_value = (old.second.is_null() && now.is_null()) ||
                      (!old.second.is_null() && !now.is_null() &&
                       Value::Compare(old.second, now) == 0 && old.second.type() == now.type());
    if (same_value && old.first == mult) continue;
    if (old.first != 0) RETURN_IF_ERROR(emit(o, old.second, -old.first));
    if (mult != 0) RETURN_IF_ERROR(emit(o, now, mult));
  }
  before_.clear();
  RETURN_IF_ERROR(Emit(out_));
  out_.Reset();
  return Status::OK();
}

Status SubqueryOp::Restore(storage::Store& store) {
  outers_.clear();
  outers_by_key_.clear();
  inner_by_key_.clear();
  null_key_inner_.clear();
  std::vector<std::pair<Row, int64_t>> outers;
  RETURN_IF_ERROR(state_.Scan(store, [&](std::string_view key, std::string_view value) -> Status {
    uint64_t n;
    if (key.empty() || !GetVarint(&value, &n)) {
      return Status::Error(sqlstate::kDataCorrupted, "corrupt subquery state");
    }
    Row row;
    if (key[0] == 'i') {
      RETURN_IF_ERROR(storage::RowCodec::Decode(value, inner_types_, &row));
      ASSIGN_OR_RETURN(std::optional<std::string> k, KeyOf(row, false));
      (k ? inner_by_key_[*k] : null_key_inner_)[std::move(row)] += UnZigZag(n);
    } else {
      RETURN_IF_ERROR(storage::RowCodec::Decode(value, outer_types_, &row));
      outers.emplace_back(std::move(row), UnZigZag(n));
    }
    return Status::OK();
  }));
  // Summaries are derived state: rebuild them from the persisted inner rows.
  for (auto& [row, mult] : outers) {
    ASSIGN_OR_RETURN(std::optional<std::string> key, KeyOf(row, true));
    std::unique_ptr<Entry> e;
    RETURN_IF_ERROR(AddOuter(row, key ? &*key : nullptr, &e));
    e->mult = mult;
    auto it = outers_.emplace(std::move(row), std::move(e)).first;
    if (key) outers_by_key_[*key].push_back(&it->first);
  }
  return Status::OK();
}

size_t SubqueryOp::StateSize() const {
  size_t n = outers_.size() + null_key_inner_.size();
  for (const auto& [k, bag] : inner_by_key_) n += bag.size();
  return n;
}

std::string SubqueryOp::Describe() const {
  static const char* kNames[] = {"Scalar", "Exists", "In", "Any", "All", "Array"};
  return std::string(kNames[static_cast<int>(spec_.kind)]) + "Subquery" +
         (spec_.correlation ? " on " + spec_.correlation->ToString() : "") +
         "  state: inner rows and one summary per distinct outer row";
}

}  // namespace freshet::executor
