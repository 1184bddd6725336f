#include "executor/incremental_view.h"

#include <functional>
#include <optional>
#include <set>

namespace freshet::executor {

using function::AggKind;
using planner::BoundExpr;
using planner::BoundExprKind;
using planner::LogicalPlan;
using planner::PlanKind;

/// Retractable state of one aggregate in one group.
struct IncrementalView::AggState {
  int64_t count = 0;  // non-NULL inputs (count(*) uses the group's row count)
  __int128 int_sum = 0;
  Decimal dec_sum;
  std::map<Value, int64_t, ValueLess> values;  // min/max/count(DISTINCT): value -> multiplicity
  int64_t true_count = 0;
  int64_t false_count = 0;
};

struct IncrementalView::Group {
  int64_t rows = 0;
  std::vector<AggState> aggs;
};

namespace {

Status Unsupported(const std::string& what) {
  return Status::NotSupported("materialized view cannot be maintained incrementally yet: " + what);
}

/// Rejects expressions whose value is not a function of the row alone.
Status CheckDeterministic(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return Unsupported("subqueries in views");
  if (e.kind == BoundExprKind::kParam) return Unsupported("parameters in views");
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

/// Composes a projection of plain column references over another projection.
bool IsColumnSelection(const LogicalPlan& p) {
  for (const auto& e : p.exprs) {
    if (e->kind != BoundExprKind::kColumn) return false;
  }
  return true;
}

}  // namespace

IncrementalView::~IncrementalView() = default;

Result<std::unique_ptr<IncrementalView>> IncrementalView::Compile(
    std::shared_ptr<const LogicalPlan> root) {
  auto view = std::unique_ptr<IncrementalView>(new IncrementalView());
  // Peel what a multiset view does not need, refusing what it cannot keep.
  const LogicalPlan* node = root.get();
  std::vector<const LogicalPlan*> projections;
  while (true) {
    if (node->kind == PlanKind::kLimit) {
      return Unsupported("ORDER BY ... LIMIT (top-N)");
    }
    if (node->kind == PlanKind::kSort) {
      node = node->children[0].get();
      continue;
    }
    if (node->kind == PlanKind::kProject && IsColumnSelection(*node) &&
        node->children[0]->kind == PlanKind::kSort) {
      projections.push_back(node);  // hidden ORDER BY columns stripped on top of a sort
      node = node->children[0].get();
      continue;
    }
    break;
  }
  if (node->kind == PlanKind::kDistinct) return Unsupported("DISTINCT");
  if (node->kind != PlanKind::kProject) return Unsupported("this query shape");
  if (!projections.empty()) {
    return Unsupported("ORDER BY expressions outside the select list");
  }
  view->post_project_ = &node->exprs;
  const LogicalPlan* below = node->children[0].get();
  if (below->kind == PlanKind::kWindow) return Unsupported("window functions");
  if (below->kind == PlanKind::kFilter && below->children[0]->kind == PlanKind::kAggregate) {
    view->having_ = below->predicate.get();
    below = below->children[0].get();
  }
  if (below->kind == PlanKind::kAggregate) {
    view->aggregate_ = below;
    for (const auto& call : below->aggregates) {
      AggKind k = call.agg.kind;
      bool float_input = call.agg.input_type.IsFloat();
      if (k == AggKind::kStringAgg || k == AggKind::kVarSamp || k == AggKind::kVarPop ||
          k == AggKind::kStddevSamp || k == AggKind::kStddevPop) {
        return Unsupported("aggregate " + call.agg.name);
      }
      if ((k == AggKind::kSum || k == AggKind::kAvg) &&
          (float_input || call.agg.input_type.id == TypeId::kInterval)) {
        return Unsupported(call.agg.name + " over " + call.agg.input_type.ToString() +
                           " (not exact under retraction)");
      }
      if (call.distinct && k != AggKind::kCount) {
        return Unsupported(call.agg.name + "(DISTINCT ...)");
      }
      if (!call.order_by.empty()) return Unsupported("ordered aggregates");
      if (call.arg) RETURN_IF_ERROR(CheckDeterministic(*call.arg));
      if (call.filter) RETURN_IF_ERROR(CheckDeterministic(*call.filter));
    }
    for (const auto& g : below->exprs) RETURN_IF_ERROR(CheckDeterministic(*g));
    if (view->having_) RETURN_IF_ERROR(CheckDeterministic(*view->having_));
    below = below->children[0].get();
  } else {
    // No aggregate: the top projection is the only one.
    view->pre_project_ = view->post_project_;
    view->post_project_ = nullptr;
  }
  if (below->kind == PlanKind::kFilter) {
    view->pre_filter_ = below->predicate.get();
    RETURN_IF_ERROR(CheckDeterministic(*view->pre_filter_));
    below = below->children[0].get();
  }
  if (below->kind == PlanKind::kJoin) return Unsupported("joins");
  if (below->kind != PlanKind::kScan) return Unsupported("this FROM clause");
  if (below->table->kind != planner::RelationKind::kTable) {
    return Unsupported("views over views");
  }
  view->source_table_id_ = below->table->id;
  for (const std::vector<planner::BoundExprPtr>* list : {view->pre_project_, view->post_project_}) {
    if (!list) continue;
    for (const auto& e : *list) RETURN_IF_ERROR(CheckDeterministic(*e));
  }
  view->plan_ = std::move(root);
  // A global aggregate has exactly one row, even over an empty table.
  if (view->aggregate_ && view->aggregate_->exprs.empty()) {
    auto g = std::make_unique<Group>();
    g->aggs.resize(view->aggregate_->aggregates.size());
    auto row = view->GroupOutput(Row{}, *g);
    if (!row.ok()) return row.status();
    ChangeSet initial{{std::move(*row), 1}};
    ChangeSet out;
    ExecContext ctx;
    Executor exec(ctx);
    for (const Change& c : initial) {
      if (view->having_) {
        ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(*view->having_, c.row));
        if (!keep) continue;
      }
      Row projected;
      for (const auto& e : *view->post_project_) {
        ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, c.row));
        projected.push_back(std::move(v));
      }
      out.push_back({std::move(projected), c.weight});
    }
    Accumulate(&view->contents_, out);
    view->groups_.emplace(Row{}, std::move(g));
  }
  return view;
}

void IncrementalView::Accumulate(std::unordered_map<Row, int64_t, RowHash, RowEq>* bag,
                                 const ChangeSet& changes) {
  for (const Change& c : changes) {
    auto it = bag->find(c.row);
    if (it == bag->end()) {
      if (c.weight != 0) bag->emplace(c.row, c.weight);
      continue;
    }
    it->second += c.weight;
    if (it->second == 0) bag->erase(it);
  }
}

Status IncrementalView::ApplyLinear(const ChangeSet& changes, Executor& exec, ChangeSet* out) {
  for (const Change& c : changes) {
    if (pre_filter_) {
      ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(*pre_filter_, c.row));
      if (!keep) continue;
    }
    Row projected;
    projected.reserve(pre_project_->size());
    for (const auto& e : *pre_project_) {
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, c.row));
      projected.push_back(std::move(v));
    }
    out->push_back({std::move(projected), c.weight});
  }
  return Status::OK();
}

Result<Row> IncrementalView::GroupOutput(const Row& key, const Group& group) const {
  Row row = key;
  for (size_t a = 0; a < aggregate_->aggregates.size(); a++) {
    const function::BoundAggregate& agg = aggregate_->aggregates[a].agg;
    const AggState& s = group.aggs[a];
    SqlType rt = agg.result_type;
    switch (agg.kind) {
      case AggKind::kCountStar:
        row.push_back(Value::Int64(aggregate_->aggregates[a].filter ? s.count : group.rows));
        break;
      case AggKind::kCount:
        row.push_back(Value::Int64(
            aggregate_->aggregates[a].distinct ? static_cast<int64_t>(s.values.size()) : s.count));
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

Status IncrementalView::ApplyAggregate(const ChangeSet& changes, Executor& exec, ChangeSet* out) {
  // Old outputs of every touched group, captured before its first update.
  std::unordered_map<Row, std::optional<Row>, RowHash, RowEq> before;
  const auto& calls = aggregate_->aggregates;
  for (const Change& c : changes) {
    if (pre_filter_) {
      ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(*pre_filter_, c.row));
      if (!keep) continue;
    }
    Row key;
    for (const auto& g : aggregate_->exprs) {
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(*g, c.row));
      key.push_back(std::move(v));
    }
    auto it = groups_.find(key);
    if (it == groups_.end()) {
      auto g = std::make_unique<Group>();
      g->aggs.resize(calls.size());
      it = groups_.emplace(key, std::move(g)).first;
    }
    Group& group = *it->second;
    if (!before.count(key)) {
      std::optional<Row> old;
      if (group.rows > 0 || aggregate_->exprs.empty()) {
        ASSIGN_OR_RETURN(Row r, GroupOutput(key, group));
        old = std::move(r);
      }
      before.emplace(key, std::move(old));
    }
    group.rows += c.weight;
    for (size_t a = 0; a < calls.size(); a++) {
      const planner::AggregateCall& call = calls[a];
      if (call.agg.kind == AggKind::kCountStar && !call.filter) continue;
      if (call.filter) {
        ASSIGN_OR_RETURN(bool pass, exec.EvaluatePredicate(*call.filter, c.row));
        if (!pass) continue;
      }
      AggState& s = group.aggs[a];
      if (call.agg.kind == AggKind::kCountStar) {
        s.count += c.weight;
        continue;
      }
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(*call.arg, c.row));
      if (v.is_null()) continue;
      s.count += c.weight;
      switch (call.agg.kind) {
        case AggKind::kSum:
        case AggKind::kAvg:
          if (v.type().IsInteger()) {
            s.int_sum += static_cast<__int128>(v.GetInt()) * c.weight;
          } else {
            ASSIGN_OR_RETURN(Decimal d, v.GetDecimal().Mul(Decimal::FromInt64(c.weight)));
            ASSIGN_OR_RETURN(s.dec_sum, s.dec_sum.Add(d));
          }
          break;
        case AggKind::kMin:
        case AggKind::kMax:
        case AggKind::kCount: {
          if (call.agg.kind == AggKind::kCount && !call.distinct) break;
          int64_t& n = s.values[v];
          n += c.weight;
          if (n == 0) s.values.erase(v);
          break;
        }
        case AggKind::kBoolAnd:
        case AggKind::kBoolOr:
          (v.GetBool() ? s.true_count : s.false_count) += c.weight;
          break;
        default:
          break;
      }
    }
  }
  for (auto& [key, old] : before) {
    auto it = groups_.find(key);
    Group& group = *it->second;
    std::optional<Row> now;
    if (group.rows > 0 || aggregate_->exprs.empty()) {
      ASSIGN_OR_RETURN(Row r, GroupOutput(key, group));
      now = std::move(r);
    }
    if (group.rows < 0) return Status::Internal("negative multiplicity in materialized view");
    if (group.rows == 0 && !aggregate_->exprs.empty()) groups_.erase(it);
    if (old && now && RowEq()(*old, *now)) continue;
    if (old) out->push_back({std::move(*old), -1});
    if (now) out->push_back({std::move(*now), 1});
  }
  // HAVING and the final projection are linear over the aggregate's output changes.
  ChangeSet projected;
  for (Change& c : *out) {
    if (having_) {
      ASSIGN_OR_RETURN(bool keep, exec.EvaluatePredicate(*having_, c.row));
      if (!keep) continue;
    }
    Row p;
    for (const auto& e : *post_project_) {
      ASSIGN_OR_RETURN(Value v, exec.Evaluate(*e, c.row));
      p.push_back(std::move(v));
    }
    projected.push_back({std::move(p), c.weight});
  }
  *out = std::move(projected);
  return Status::OK();
}

Status IncrementalView::Apply(const ChangeSet& changes, Executor& exec) {
  ChangeSet out;
  if (aggregate_) {
    RETURN_IF_ERROR(ApplyAggregate(changes, exec, &out));
  } else {
    RETURN_IF_ERROR(ApplyLinear(changes, exec, &out));
  }
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

size_t IncrementalView::StateSize() const { return aggregate_ ? groups_.size() : contents_.size(); }

}  // namespace freshet::executor
