#include "executor/dataflow_builder.h"

#include <functional>

#include "executor/constant_op.h"
#include "executor/counting_op.h"
#include "executor/executor.h"
#include "executor/filter_op.h"
#include "executor/hash_agg_op.h"
#include "executor/hash_join_op.h"
#include "executor/over_window_op.h"
#include "executor/project_op.h"
#include "executor/session_window_op.h"
#include "executor/source_scan_op.h"
#include "executor/subquery_op.h"
#include "executor/table_function_op.h"
#include "executor/table_scan_op.h"
#include "executor/temporal_filter_op.h"
#include "executor/top_n_op.h"
#include "executor/union_op.h"
#include "executor/window_tvf_op.h"

namespace freshet::executor {

using function::AggKind;
using planner::BoundExpr;
using planner::BoundExprKind;
using planner::BoundExprPtr;
using planner::JoinKind;
using planner::LogicalPlan;
using planner::PlanKind;

namespace {

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

bool HasSubquery(const BoundExpr& e) {
  if (e.kind == BoundExprKind::kSubquery) return true;
  for (const auto& c : e.children) {
    if (HasSubquery(*c)) return true;
  }
  return false;
}

bool IsNow(const BoundExpr& e) {
  if (e.kind != BoundExprKind::kFunction) return false;
  const std::string& n = e.function.name;
  return n == "now" || n == "current_timestamp" || n == "transaction_timestamp" ||
         n == "statement_timestamp" || n == "localtimestamp";
}

/// A temporal filter conjunct `col > now() - INTERVAL c` / `>=` (also written the other way
/// around): the time column, the interval and whether the bound is inclusive.
bool TemporalBound(const BoundExpr& e, int* column, int64_t* width, bool* inclusive) {
  if (e.kind != BoundExprKind::kCompare) return false;
  const BoundExpr* col = e.children[0].get();
  const BoundExpr* bound = e.children[1].get();
  std::string op = e.op;
  if (op == "<" || op == "<=") {
    std::swap(col, bound);
    op = op == "<" ? ">" : ">=";
  }
  if (op != ">" && op != ">=") return false;
  if (col->kind == BoundExprKind::kCast) col = col->children[0].get();
  if (col->kind != BoundExprKind::kColumn ||
      (col->type.id != TypeId::kTimestamp && col->type.id != TypeId::kTimestampTz)) {
    return false;
  }
  if (bound->kind == BoundExprKind::kCast) bound = bound->children[0].get();
  int64_t w = 0;
  if (bound->kind == BoundExprKind::kFunction && bound->function.name == "-" &&
      bound->children.size() == 2 && IsNow(*bound->children[0]) &&
      bound->children[1]->kind == BoundExprKind::kConstant &&
      bound->children[1]->type.id == TypeId::kInterval && !bound->children[1]->constant.is_null()) {
    const Interval& iv = bound->children[1]->constant.GetInterval();
    if (iv.months != 0) return false;
    w = iv.days * 86400000000LL + iv.micros;
  } else if (!IsNow(*bound)) {
    return false;
  }
  *column = col->column;
  *width = w;
  *inclusive = op == ">=";
  return true;
}

std::string JoinTexts(const std::vector<const BoundExpr*>& exprs) {
  std::string s;
  for (size_t i = 0; i < exprs.size(); i++) s += (i ? ", " : "") + exprs[i]->ToString();
  return s;
}

}  // namespace

Result<StreamOperator*> DataflowBuilder::Filter(const BoundExpr& pred, StreamOperator* input) {
  RETURN_IF_ERROR(CheckDeterministic(pred));
  ASSIGN_OR_RETURN(auto ev, ExpressionEvaluator::Compile(pred, df_.eval_));
  auto* op = Own(std::make_unique<FilterOp>(df_.ctx_, std::move(ev), pred.ToString()));
  op->AddInput(input);
  return op;
}

Result<StreamOperator*> DataflowBuilder::BuildJoin(const LogicalPlan& p,
                                                   const std::vector<const BoundExpr*>& pushed) {
  if (p.lateral) {
    return Unsupported(
        "this LATERAL subquery (a right side with aggregates, LIMIT, DISTINCT, ORDER BY or "
        "subqueries that reads the left row)");
  }
  if (p.predicate) RETURN_IF_ERROR(CheckDeterministic(*p.predicate));
  if (p.join_kind == JoinKind::kSemi || p.join_kind == JoinKind::kAnti) {
    return Unsupported("semi and anti joins");
  }
  int lw = static_cast<int>(p.children[0]->types.size());
  std::vector<const BoundExpr*> left, right, both;
  for (const BoundExpr* c : pushed) {
    int lo = INT32_MAX, hi = -1;
    std::function<void(const BoundExpr&)> span = [&](const BoundExpr& e) {
      if (e.kind == BoundExprKind::kColumn) {
        lo = std::min(lo, e.column);
        hi = std::max(hi, e.column);
      }
      for (const auto& ch : e.children) span(*ch);
    };
    span(*c);
    if (hi >= 0 && hi < lw) {
      left.push_back(c);
    } else if (hi >= 0 && lo >= lw) {
      right.push_back(c);
    } else {
      both.push_back(c);
    }
  }
  auto conjunction = [&](const std::vector<const BoundExpr*>& cs, int shift) -> const BoundExpr* {
    if (cs.empty()) return nullptr;
    auto list = std::make_unique<std::vector<BoundExprPtr>>();
    std::vector<BoundExprPtr> parts;
    for (const BoundExpr* c : cs) {
      BoundExprPtr x = c->Clone();
      std::function<void(BoundExpr*)> remap = [&](BoundExpr* e) {
        if (e->kind == BoundExprKind::kColumn) e->column -= shift;
        for (auto& ch : e->children) remap(ch.get());
      };
      remap(x.get());
      parts.push_back(std::move(x));
    }
    if (parts.size() == 1) {
      list->push_back(std::move(parts[0]));
    } else {
      auto all = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
      for (auto& x : parts) all->children.push_back(std::move(x));
      list->push_back(std::move(all));
    }
    const BoundExpr* out = list->back().get();
    df_.lists_.push_back(std::move(list));
    return out;
  };
  ASSIGN_OR_RETURN(StreamOperator * l, Build(*p.children[0]));
  if (const BoundExpr* f = conjunction(left, 0)) {
    ASSIGN_OR_RETURN(l, Filter(*f, l));
  }
  ASSIGN_OR_RETURN(StreamOperator * r, Build(*p.children[1]));
  if (const BoundExpr* f = conjunction(right, lw)) {
    ASSIGN_OR_RETURN(r, Filter(*f, r));
  }
  std::vector<const BoundExpr*> condition = both;
  if (p.predicate) condition.insert(condition.begin(), p.predicate.get());
  const BoundExpr* pred = both.empty() ? p.predicate.get() : conjunction(condition, 0);
  ASSIGN_OR_RETURN(auto join, HashJoinOp::Make(df_.ctx_, p, df_.eval_, StateId(),
                                               EventTimeColumns(*p.children[0]),
                                               EventTimeColumns(*p.children[1]), pred));
  if (p.lookup_join) join->SetLookup();
  if (join->Evicts()) windows_ = true;  // interval / window joins need watermarks
  join->AddInput(l);
  join->AddInput(r);
  return static_cast<StreamOperator*>(Own(std::move(join)));
}

Result<StreamOperator*> DataflowBuilder::Project(const std::vector<const BoundExpr*>& exprs,
                                                 StreamOperator* input) {
  for (const BoundExpr* e : exprs) RETURN_IF_ERROR(CheckDeterministic(*e));
  ASSIGN_OR_RETURN(auto proj, ProjectionEvaluator::Compile(exprs, df_.eval_));
  auto* op = Own(std::make_unique<ProjectOp>(df_.ctx_, std::move(proj), JoinTexts(exprs)));
  op->AddInput(input);
  return op;
}

Status DataflowBuilder::CompileSubqueries(const std::vector<const BoundExpr*>& exprs,
                                          const std::vector<SqlType>& input_types,
                                          StreamOperator** op,
                                          std::vector<BoundExprPtr>* rewritten) {
  size_t width = input_types.size();
  std::vector<const BoundExpr*> subqueries;
  std::function<void(const BoundExpr&)> collect = [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kSubquery) {
      subqueries.push_back(&e);
      return;  // its left operand (IN) is checked with the subquery
    }
    for (const auto& c : e.children) collect(*c);
  };
  for (const BoundExpr* e : exprs) collect(*e);
  std::vector<SqlType> outer_types = input_types;
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
      if (e.children.size() > 1) return Unsupported("row constructors IN (subquery)");
      spec.lhs = e.children[0].get();
      RETURN_IF_ERROR(CheckDeterministic(*spec.lhs));
    }
    ASSIGN_OR_RETURN(StreamOperator * inner, Build(*node));
    SqlType type = spec.type;
    auto sub = std::make_unique<SubqueryOp>(df_.ctx_, std::move(spec), outer_types, node->types,
                                            StateId());
    sub->AddInput(*op);
    sub->AddInput(inner);
    *op = Own(std::move(sub));
    outer_types.push_back(type);
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

Result<StreamOperator*> DataflowBuilder::Build(const LogicalPlan& p) {
  switch (p.kind) {
    case PlanKind::kScan: {
      if (p.table->kind == planner::RelationKind::kMaterializedView) {
        if (!expand_) return Unsupported("materialized views over materialized views");
        if (++expand_depth_ > 32) {
          return Status::Error(sqlstate::kProgramLimitExceeded, "views nested too deeply");
        }
        ASSIGN_OR_RETURN(auto inner, expand_(*p.table));
        df_.plans_.push_back(inner);
        return Build(*inner);
      }
      if (p.table->kind == planner::RelationKind::kSource) {
        std::unique_ptr<ingest::Generator> generator;
        std::string connector = p.table->Option("connector", "log");
        if (ingest::IsGeneratorConnector(connector)) {
          std::vector<ingest::GeneratorColumn> cols;
          for (const auto& c : p.table->columns) cols.push_back({c.name, c.type});
          int64_t created_at = std::atoll(p.table->Option("_created_at", "0").c_str());
          ASSIGN_OR_RETURN(generator,
                           ingest::MakeGenerator(connector, p.table->options, cols, created_at));
        }
        ASSIGN_OR_RETURN(
            auto scan,
            SourceScanOp::Make(df_.ctx_, store_, log_, p.table, std::move(generator),
                               source_options_, StateId(), Dataflow::LateRowsStateId(df_.id_)));
        SourceScanOp* raw = Own(std::move(scan));
        if (usage_) {
          if (const auto* needed = usage_->ForScan(p)) raw->SetNeededColumns(*needed);
        }
        df_.sources_.push_back(raw);
        df_.source_scans_.push_back(raw);
        df_.time_driven_ |= raw->HasIdleTimeout();
        return static_cast<StreamOperator*>(raw);
      }
      if (p.table->kind != planner::RelationKind::kTable) {
        return Unsupported("materialized views over " + p.table->name);
      }
      df_.tables_.insert(p.table->id);
      auto scan = std::make_unique<TableScanOp>(df_.ctx_, store_, log_, p.table->id, p.table->name,
                                                p.table->ColumnTypes(), StateId());
      TableScanOp* raw = Own(std::move(scan));
      df_.sources_.push_back(raw);
      // The scan yields whole table rows; the plan's columns are the table's.
      return static_cast<StreamOperator*>(raw);
    }
    case PlanKind::kValues:
      if (p.system_relation) return Unsupported("views over system catalogs");
      for (const auto& row : p.values) RETURN_IF_ERROR(CheckAll(row));
      [[fallthrough]];
    case PlanKind::kTableFunction: {
      if (!p.children.empty()) {
        // Over rows (a select list's set-returning function, a LATERAL function in FROM).
        RETURN_IF_ERROR(CheckAll(p.exprs));
        ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
        std::vector<const BoundExpr*> args;
        for (const auto& e : p.exprs) args.push_back(e.get());
        SqlType type = p.types[p.types.size() - (p.ordinality ? 2 : 1)];
        ASSIGN_OR_RETURN(auto fn, TableFunctionOp::Make(df_.ctx_, p.function_name, type, args,
                                                        p.types, df_.eval_, p.ordinality));
        fn->AddInput(child);
        return static_cast<StreamOperator*>(Own(std::move(fn)));
      }
      RETURN_IF_ERROR(CheckAll(p.exprs));
      auto* op = Own(std::make_unique<ConstantOp>(df_.ctx_, p));
      df_.sources_.push_back(op);
      return static_cast<StreamOperator*>(op);
    }
    case PlanKind::kFilter: {
      const LogicalPlan& below = *p.children[0];
      if (below.kind == PlanKind::kJoin && !below.lookup_join &&
          (below.join_kind == JoinKind::kInner || below.join_kind == JoinKind::kCross)) {
        // WHERE over an inner (or comma) join: push what can go into the join.
        std::vector<const BoundExpr*> conjuncts, pushed, kept;
        std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
          if (e.kind == BoundExprKind::kAnd) {
            for (const auto& c : e.children) split(*c);
          } else {
            conjuncts.push_back(&e);
          }
        };
        split(*p.predicate);
        for (const BoundExpr* c : conjuncts) {
          int col;
          int64_t width;
          bool inclusive;
          bool pushable = !HasSubquery(*c) && CheckDeterministic(*c).ok() &&
                          !TemporalBound(*c, &col, &width, &inclusive);
          (pushable ? pushed : kept).push_back(c);
        }
        if (!pushed.empty()) {
          ASSIGN_OR_RETURN(StreamOperator * join, BuildJoin(below, pushed));
          if (kept.empty()) return join;
          auto rest = std::make_unique<std::vector<BoundExprPtr>>();
          if (kept.size() == 1) {
            rest->push_back(kept[0]->Clone());
          } else {
            auto all = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
            for (const BoundExpr* c : kept) all->children.push_back(c->Clone());
            rest->push_back(std::move(all));
          }
          const BoundExpr& pred = *rest->back();
          df_.lists_.push_back(std::move(rest));
          if (HasSubquery(pred)) return Unsupported("subqueries in WHERE over a join");
          return Filter(pred, join);
        }
      }
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
      // A temporal filter (ts > now() - INTERVAL '...') retracts rows as they age out; the rest
      // of the predicate filters as usual.
      std::vector<const BoundExpr*> conjuncts, rest;
      std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
        if (e.kind == BoundExprKind::kAnd) {
          for (const auto& c : e.children) split(*c);
        } else {
          conjuncts.push_back(&e);
        }
      };
      split(*p.predicate);
      const BoundExpr* temporal = nullptr;
      int time_col = -1;
      int64_t width = 0;
      bool inclusive = false;
      for (const BoundExpr* c : conjuncts) {
        if (!temporal && TemporalBound(*c, &time_col, &width, &inclusive)) {
          temporal = c;
        } else {
          rest.push_back(c);
        }
      }
      if (temporal) {
        if (!rest.empty()) {
          auto kept = std::make_unique<std::vector<BoundExprPtr>>();
          if (rest.size() == 1) {
            kept->push_back(rest[0]->Clone());
          } else {
            auto all = std::make_unique<BoundExpr>(BoundExprKind::kAnd, SqlType(TypeId::kBool));
            for (const BoundExpr* c : rest) all->children.push_back(c->Clone());
            kept->push_back(std::move(all));
          }
          const BoundExpr& pred = *kept->back();
          df_.lists_.push_back(std::move(kept));
          if (HasSubquery(pred)) return Unsupported("subqueries beside a temporal filter");
          ASSIGN_OR_RETURN(child, Filter(pred, child));
        }
        auto* op = Own(std::make_unique<TemporalFilterOp>(df_.ctx_, time_col, width, inclusive,
                                                          temporal->ToString(),
                                                          p.children[0]->types, StateId()));
        op->AddInput(child);
        df_.time_driven_ = true;
        return static_cast<StreamOperator*>(op);
      }
      if (!HasSubquery(*p.predicate)) return Filter(*p.predicate, child);
      const auto& types = p.children[0]->types;
      auto exprs = std::make_unique<std::vector<BoundExprPtr>>();
      RETURN_IF_ERROR(CompileSubqueries({p.predicate.get()}, types, &child, exprs.get()));
      ASSIGN_OR_RETURN(StreamOperator * filtered, Filter(*(*exprs)[0], child));
      // Drop the subquery columns again.
      auto strip = std::make_unique<std::vector<BoundExprPtr>>();
      std::vector<const BoundExpr*> raw;
      for (size_t i = 0; i < types.size(); i++) {
        strip->push_back(planner::MakeColumn(static_cast<int>(i), types[i]));
        raw.push_back(strip->back().get());
      }
      ASSIGN_OR_RETURN(StreamOperator * out, Project(raw, filtered));
      df_.lists_.push_back(std::move(exprs));
      df_.lists_.push_back(std::move(strip));
      return out;
    }
    case PlanKind::kProject: {
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
      bool any = false;
      std::vector<const BoundExpr*> raw;
      for (const auto& e : p.exprs) {
        any |= HasSubquery(*e);
        raw.push_back(e.get());
      }
      if (!any) return Project(raw, child);
      auto exprs = std::make_unique<std::vector<BoundExprPtr>>();
      RETURN_IF_ERROR(CompileSubqueries(raw, p.children[0]->types, &child, exprs.get()));
      std::vector<const BoundExpr*> rewritten;
      for (const auto& e : *exprs) rewritten.push_back(e.get());
      ASSIGN_OR_RETURN(StreamOperator * out, Project(rewritten, child));
      df_.lists_.push_back(std::move(exprs));
      return out;
    }
    case PlanKind::kAggregate: {
      RETURN_IF_ERROR(CheckAggregates(p));
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
      // A group key that is an event-time column (a window bound) lets watermarks close groups.
      std::set<int> times = EventTimeColumns(*p.children[0]);
      int window_key = -1;
      for (size_t k = 0; k < p.exprs.size() && window_key < 0; k++) {
        if (p.exprs[k]->kind == BoundExprKind::kColumn && times.count(p.exprs[k]->column)) {
          window_key = static_cast<int>(k);
        }
      }
      if (window_key >= 0) window_close_ = true;
      ASSIGN_OR_RETURN(auto agg, HashAggOp::Make(df_.ctx_, p, df_.eval_, StateId(), window_key,
                                                 view_options_.emit_on_window_close,
                                                 AppendOnly(*p.children[0],
                                                            view_options_.emit_on_window_close)));
      agg->AddInput(child);
      return static_cast<StreamOperator*>(Own(std::move(agg)));
    }
    case PlanKind::kJoin:
      return BuildJoin(p, {});
    case PlanKind::kSort:  // order does not change a multiset
      return Build(*p.children[0]);
    case PlanKind::kDistinct: {
      if (!p.exprs.empty()) {
        // DISTINCT ON (keys) keeps the first row of each key in ORDER BY order: a top-1 per key.
        const LogicalPlan& below = *p.children[0];
        if (below.kind != PlanKind::kSort) return Unsupported("DISTINCT ON without ORDER BY");
        RETURN_IF_ERROR(CheckAll(p.exprs));
        for (const auto& k : below.sort_keys) RETURN_IF_ERROR(CheckDeterministic(*k.expr));
        ASSIGN_OR_RETURN(StreamOperator * child, Build(*below.children[0]));
        ASSIGN_OR_RETURN(auto top, TopNOp::Make(df_.ctx_, below.sort_keys, 1, 0, &p.exprs, p.types,
                                                df_.eval_, StateId()));
        top->AddInput(child);
        return static_cast<StreamOperator*>(Own(std::move(top)));
      }
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
      auto* op = Own(
          std::make_unique<CountingOp>(df_.ctx_, CountingOp::Mode::kDistinct, p.types, StateId()));
      op->AddInput(child);
      return static_cast<StreamOperator*>(op);
    }
    case PlanKind::kSetOp: {
      ASSIGN_OR_RETURN(StreamOperator * l, Build(*p.children[0]));
      ASSIGN_OR_RETURN(StreamOperator * r, Build(*p.children[1]));
      using M = CountingOp::Mode;
      if (p.set_op == planner::SetOpKind::kUnion) {
        auto* u = Own(std::make_unique<UnionOp>(df_.ctx_, 2));
        u->AddInput(l);
        u->AddInput(r);
        if (p.set_all) return static_cast<StreamOperator*>(u);
        auto* d = Own(std::make_unique<CountingOp>(df_.ctx_, M::kDistinct, p.types, StateId()));
        d->AddInput(u);
        return static_cast<StreamOperator*>(d);
      }
      M mode = p.set_op == planner::SetOpKind::kIntersect
                   ? (p.set_all ? M::kIntersectAll : M::kIntersect)
                   : (p.set_all ? M::kExceptAll : M::kExcept);
      auto* op = Own(std::make_unique<CountingOp>(df_.ctx_, mode, p.types, StateId()));
      op->AddInput(l);
      op->AddInput(r);
      return static_cast<StreamOperator*>(op);
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
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*below.children[0]));
      ASSIGN_OR_RETURN(auto top, TopNOp::Make(df_.ctx_, below.sort_keys, limit, offset, nullptr,
                                              p.types, df_.eval_, StateId()));
      top->AddInput(child);
      return static_cast<StreamOperator*>(Own(std::move(top)));
    }
    case PlanKind::kWindowTvf: {
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
      windows_ = true;
      StreamOperator* op;
      if (p.window.kind == planner::WindowSpec::Kind::kSession) {
        op = Own(std::make_unique<SessionWindowOp>(df_.ctx_, p.window, p.types, StateId(),
                                                   WatermarkedInput(*p.children[0])));
      } else {
        op = Own(std::make_unique<WindowTvfOp>(df_.ctx_, p.window, p.types));
      }
      op->AddInput(child);
      return op;
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
      ASSIGN_OR_RETURN(StreamOperator * child, Build(*p.children[0]));
      ASSIGN_OR_RETURN(auto win, OverWindowOp::Make(df_.ctx_, p, df_.eval_, StateId()));
      win->AddInput(child);
      return static_cast<StreamOperator*>(Own(std::move(win)));
    }
  }
  return Unsupported("this query shape");
}

std::set<int> DataflowBuilder::EventTimeColumns(const LogicalPlan& p) {
  std::set<int> out;
  switch (p.kind) {
    case PlanKind::kScan:
      if (p.table->kind == planner::RelationKind::kSource) {
        std::string col = p.table->Option("watermark.column");
        if (!col.empty()) out.insert(p.table->FindColumn(col));
      }
      return out;
    case PlanKind::kFilter:
    case PlanKind::kSort:
      return EventTimeColumns(*p.children[0]);
    case PlanKind::kProject: {
      std::set<int> in = EventTimeColumns(*p.children[0]);
      for (size_t i = 0; i < p.exprs.size(); i++) {
        if (p.exprs[i]->kind == BoundExprKind::kColumn && in.count(p.exprs[i]->column)) {
          out.insert(static_cast<int>(i));
        }
      }
      return out;
    }
    case PlanKind::kWindowTvf: {
      out = EventTimeColumns(*p.children[0]);
      if (out.count(p.window.time_column)) {
        int w = static_cast<int>(p.types.size());
        out.insert(w - 2);
        out.insert(w - 1);
      }
      return out;
    }
    case PlanKind::kJoin: {
      // Equi-joined event-time columns (window joins) carry the smaller watermark on.
      std::set<int> l = EventTimeColumns(*p.children[0]);
      std::set<int> r = EventTimeColumns(*p.children[1]);
      int lw = static_cast<int>(p.children[0]->types.size());
      std::vector<const BoundExpr*> conjuncts;
      std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
        if (e.kind == BoundExprKind::kAnd) {
          for (const auto& c : e.children) split(*c);
        } else {
          conjuncts.push_back(&e);
        }
      };
      if (p.predicate) split(*p.predicate);
      for (const BoundExpr* c : conjuncts) {
        if (c->kind != BoundExprKind::kCompare || c->op != "=") continue;
        const BoundExpr& a = *c->children[0];
        const BoundExpr& b = *c->children[1];
        if (a.kind != BoundExprKind::kColumn || b.kind != BoundExprKind::kColumn) continue;
        int x = std::min(a.column, b.column), y = std::max(a.column, b.column);
        if (x < lw && y >= lw && l.count(x) && r.count(y - lw)) {
          out.insert(x);
          out.insert(y);
        }
      }
      return out;
    }
    case PlanKind::kAggregate: {
      std::set<int> in = EventTimeColumns(*p.children[0]);
      for (size_t k = 0; k < p.exprs.size(); k++) {
        if (p.exprs[k]->kind == BoundExprKind::kColumn && in.count(p.exprs[k]->column)) {
          out.insert(static_cast<int>(k));
        }
      }
      return out;
    }
    default:
      return out;
  }
}

bool DataflowBuilder::AppendOnly(const LogicalPlan& p, bool eowc) {
  switch (p.kind) {
    case PlanKind::kScan:
      return p.table->kind == planner::RelationKind::kSource;
    case PlanKind::kFilter: {
      std::vector<const BoundExpr*> conjuncts;
      std::function<void(const BoundExpr&)> split = [&](const BoundExpr& e) {
        if (e.kind == BoundExprKind::kAnd) {
          for (const auto& c : e.children) split(*c);
        } else {
          conjuncts.push_back(&e);
        }
      };
      split(*p.predicate);
      int col;
      int64_t width;
      bool inclusive;
      for (const BoundExpr* c : conjuncts) {
        if (TemporalBound(*c, &col, &width, &inclusive)) return false;  // rows age out
        if (HasSubquery(*c)) return false;
      }
      return AppendOnly(*p.children[0], eowc);
    }
    case PlanKind::kProject:
      for (const auto& e : p.exprs) {
        if (HasSubquery(*e)) return false;
      }
      return AppendOnly(*p.children[0], eowc);
    case PlanKind::kSort:
      return AppendOnly(*p.children[0], eowc);
    case PlanKind::kWindowTvf:
      return p.window.kind != planner::WindowSpec::Kind::kSession &&
             AppendOnly(*p.children[0], eowc);
    case PlanKind::kJoin:
      if (p.lookup_join) return AppendOnly(*p.children[0], eowc);
      return (p.join_kind == JoinKind::kInner || p.join_kind == JoinKind::kCross) &&
             AppendOnly(*p.children[0], eowc) && AppendOnly(*p.children[1], eowc);
    case PlanKind::kSetOp:
      return p.set_op == planner::SetOpKind::kUnion && p.set_all &&
             AppendOnly(*p.children[0], eowc) && AppendOnly(*p.children[1], eowc);
    case PlanKind::kAggregate: {
      if (!eowc) return false;
      std::set<int> times = EventTimeColumns(*p.children[0]);
      for (const auto& e : p.exprs) {
        if (e->kind == BoundExprKind::kColumn && times.count(e->column)) {
          return AppendOnly(*p.children[0], eowc);
        }
      }
      return false;
    }
    default:
      return false;
  }
}

bool DataflowBuilder::WatermarkedInput(const LogicalPlan& p) {
  switch (p.kind) {
    case PlanKind::kScan:
      return p.table->kind == planner::RelationKind::kSource &&
             !p.table->Option("watermark.column").empty();
    case PlanKind::kFilter:
    case PlanKind::kProject:
    case PlanKind::kWindowTvf:
      return WatermarkedInput(*p.children[0]);
    default:
      return false;
  }
}

std::optional<std::vector<int>> DataflowBuilder::UniqueKey(const LogicalPlan& p) {
  using Key = std::optional<std::vector<int>>;
  auto all = [&]() {
    std::vector<int> k;
    for (size_t i = 0; i < p.types.size(); i++) k.push_back(static_cast<int>(i));
    return Key(k);
  };
  switch (p.kind) {
    case PlanKind::kScan:
      if (p.table->kind == planner::RelationKind::kTable && !p.table->primary_key.empty()) {
        return p.table->primary_key;
      }
      return std::nullopt;
    case PlanKind::kFilter:
    case PlanKind::kSort:
    case PlanKind::kLimit:
    case PlanKind::kWindow:
      return UniqueKey(*p.children[0]);
    case PlanKind::kWindowTvf: {
      // Tumbling and session windows give a row one window; hopping and cumulating ones several,
      // told apart by their start.
      Key child = UniqueKey(*p.children[0]);
      if (!child) return std::nullopt;
      if (p.window.kind == planner::WindowSpec::Kind::kHop ||
          p.window.kind == planner::WindowSpec::Kind::kCumulate) {
        child->push_back(static_cast<int>(p.types.size()) - 1);  // window_end differs per window
      }
      return child;
    }
    case PlanKind::kProject: {
      Key child = UniqueKey(*p.children[0]);
      if (!child) return std::nullopt;
      std::vector<int> out;
      for (int c : *child) {
        int found = -1;
        for (size_t i = 0; i < p.exprs.size(); i++) {
          if (p.exprs[i]->kind == BoundExprKind::kColumn && p.exprs[i]->column == c) {
            found = static_cast<int>(i);
            break;
          }
        }
        if (found < 0) return std::nullopt;
        out.push_back(found);
      }
      return out;
    }
    case PlanKind::kAggregate: {
      std::vector<int> k;
      for (size_t i = 0; i < p.exprs.size(); i++) k.push_back(static_cast<int>(i));
      return k;
    }
    case PlanKind::kDistinct:
      if (!p.exprs.empty()) return UniqueKey(*p.children[0]);
      return all();
    case PlanKind::kSetOp:
      if (p.set_all) return std::nullopt;
      return all();
    case PlanKind::kJoin: {
      if (p.join_kind == JoinKind::kSemi || p.join_kind == JoinKind::kAnti) return std::nullopt;
      Key l = UniqueKey(*p.children[0]);
      Key r = UniqueKey(*p.children[1]);
      if (!l || !r) return std::nullopt;
      std::vector<int> k = *l;
      int lw = static_cast<int>(p.children[0]->types.size());
      for (int c : *r) k.push_back(lw + c);
      return k;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace freshet::executor
