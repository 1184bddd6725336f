#include <absl/container/flat_hash_map.h>

#include <unordered_map>

#include "executor/executor.h"
#include "executor/executor_internal.h"
#include "executor/expression_evaluator.h"
#include "executor/key_bounds.h"
#include "function/aggregate_function.h"
#include "storage/table_store.h"

// The columnar path of GROUP BY over a scanned (and filtered) table: rows are decoded straight
// into chunk vectors, the WHERE clause, the grouping keys and the aggregates' arguments are
// evaluated a vector at a time (ExpressionEvaluator, the dataflows' evaluator), and the
// aggregates update from the vectors without building rows.

namespace freshet::executor {

using function::AggKind;
using function::AggState;
using planner::BoundExpr;
using planner::LogicalPlan;
using planner::PlanKind;
using namespace internal;  // NOLINT: the helpers shared by executor*.cc

namespace {

bool IsIntegerType(TypeId t) {
  return t == TypeId::kInt16 || t == TypeId::kInt32 || t == TypeId::kInt64;
}

/// Folds the rows `sel` of `v` into one aggregate's state, as AggUpdate would row by row.
Status UpdateFromVector(const function::BoundAggregate& agg, AggState* s, const Vector* v,
                        const Selection& sel) {
  switch (agg.kind) {
    case AggKind::kCountStar:
      s->count += static_cast<int64_t>(sel.size());
      return Status::OK();
    case AggKind::kCount:
      for (uint32_t r : sel) s->count += v->IsNull(r) ? 0 : 1;
      return Status::OK();
    case AggKind::kSum:
    case AggKind::kAvg:
      if (IsIntegerType(v->type().id)) {
        __int128 sum = 0;
        int64_t n = 0;
        for (uint32_t r : sel) {
          if (v->IsNull(r)) continue;
          sum += v->GetInt(r);
          n++;
        }
        s->int_sum += sum;
        s->count += n;
        s->has_value |= n > 0;
        return Status::OK();
      }
      if (v->type().id == TypeId::kFloat64 || v->type().id == TypeId::kFloat32) {
        // Row order, as the row path adds them (the same rounding).
        for (uint32_t r : sel) {
          if (v->IsNull(r)) continue;
          double d = v->GetDouble(r);
          s->dbl_sum += d;
          s->dbl_sumsq += d * d;
          s->count++;
          s->has_value = true;
        }
        return Status::OK();
      }
      break;
    case AggKind::kMin:
    case AggKind::kMax:
      if (v->physical() == PhysicalType::kInt64 && v->type().id != TypeId::kBool) {
        bool any = false;
        int64_t best = 0;
        for (uint32_t r : sel) {
          if (v->IsNull(r)) continue;
          int64_t x = v->GetInt(r);
          if (!any || (agg.kind == AggKind::kMin ? x < best : x > best)) best = x;
          any = true;
        }
        if (!any) return Status::OK();
        return function::AggUpdate(agg, s, Value::FromInt(v->type(), best), Value());
      }
      break;
    default:
      break;
  }
  for (uint32_t r : sel) {
    RETURN_IF_ERROR(function::AggUpdate(agg, s, v->GetValue(r), Value()));
  }
  return Status::OK();
}

/// One row's update of a group's state: the common numeric kinds inline, the rest by AggUpdate.
inline Status UpdateOne(const function::BoundAggregate& agg, AggState* s, const Vector* v,
                        uint32_t r) {
  switch (agg.kind) {
    case AggKind::kCountStar:
      s->count++;
      return Status::OK();
    case AggKind::kCount:
      s->count += v->IsNull(r) ? 0 : 1;
      return Status::OK();
    case AggKind::kSum:
    case AggKind::kAvg:
      if (v->IsNull(r)) return Status::OK();
      if (IsIntegerType(v->type().id)) {
        s->int_sum += v->GetInt(r);
        s->count++;
        s->has_value = true;
        return Status::OK();
      }
      break;
    default:
      break;
  }
  if (v->IsNull(r)) return Status::OK();
  return function::AggUpdate(agg, s, v->GetValue(r), Value());
}

}  // namespace

Result<bool> Executor::ColumnarAggregate(const LogicalPlan& plan, const RowVisitor& visit) {
  // The shape: Aggregate over [Filter over] a full scan of a stored table, with plain
  // aggregates (no DISTINCT, ORDER BY, FILTER or separator) and expressions the vectorized
  // evaluator compiles (no subqueries, parameters or outer references).
  const LogicalPlan* scan = plan.children[0].get();
  const BoundExpr* where = nullptr;
  if (scan->kind == PlanKind::kFilter) {
    where = scan->predicate.get();
    scan = scan->children[0].get();
  }
  if (scan->kind != PlanKind::kScan || scan->table->kind != planner::RelationKind::kTable ||
      !ctx_.txn) {
    return false;
  }
  for (const auto& a : plan.aggregates) {
    if (a.distinct || !a.order_by.empty() || a.sep || a.filter) return false;
  }
  const planner::TableDef& table = *scan->table;
  std::vector<SqlType> types = table.ColumnTypes();
  if (where && ChooseAccessPath(table, types, where, *this).kind != AccessPath::Kind::kFullScan) {
    return false;  // a key or index reads fewer rows
  }
  std::unique_ptr<ExpressionEvaluator> filter;
  if (where) {
    auto compiled = ExpressionEvaluator::Compile(*where, ctx_.eval);
    if (!compiled.ok()) return false;
    filter = std::move(*compiled);
  }
  std::vector<std::unique_ptr<ExpressionEvaluator>> keys, args;
  std::vector<const BoundExpr*> reads = {where};
  for (const auto& g : plan.exprs) {
    auto compiled = ExpressionEvaluator::Compile(*g, ctx_.eval);
    if (!compiled.ok()) return false;
    keys.push_back(std::move(*compiled));
    reads.push_back(g.get());
  }
  for (const auto& a : plan.aggregates) {
    if (!a.arg) {
      args.push_back(nullptr);
      continue;
    }
    auto compiled = ExpressionEvaluator::Compile(*a.arg, ctx_.eval);
    if (!compiled.ok()) return false;
    args.push_back(std::move(*compiled));
    reads.push_back(a.arg.get());
  }
  auto columns = ColumnsOf(*scan, reads);
  if (!columns) return false;

  const size_t naggs = plan.aggregates.size();
  const bool global = plan.exprs.empty();
  std::vector<Row> group_keys;
  std::vector<AggState> states(global ? naggs : 0);
  // One integer key: a flat map from the value (NULL apart); otherwise rows of Values.
  const bool int_key =
      plan.exprs.size() == 1 && PhysicalTypeOf(keys[0]->type().id) == PhysicalType::kInt64;
  absl::flat_hash_map<int64_t, uint32_t> int_groups;
  int64_t null_group = -1;
  std::unordered_map<Row, uint32_t, RowHash, RowEq> row_groups;
  HeldMemory held(ctx_.memory);
  const int64_t group_overhead = static_cast<int64_t>(naggs * sizeof(AggState) + 64);
  const bool may_spill = ctx_.spill != nullptr;
  const int64_t work_mem = WorkMem();
  bool too_big = false;

  Selection all, sel;
  std::vector<uint32_t> group_of;
  std::vector<const Vector*> key_vectors(keys.size()), arg_vectors(naggs);
  Row probe;
  auto new_group = [&](Row key) -> Result<uint32_t> {
    int64_t bytes = 2 * RowBytes(key) + group_overhead;
    if (may_spill && held.bytes() + bytes > work_mem) {
      too_big = true;  // the row path aggregates it, spilling
      return 0;
    }
    RETURN_IF_ERROR(held.Add(bytes, "a hash aggregate"));
    group_keys.push_back(std::move(key));
    states.resize(states.size() + naggs);
    return static_cast<uint32_t>(group_keys.size() - 1);
  };
  StreamChunk chunk(types);
  RETURN_IF_ERROR(storage::TableStore::ScanChunks(
      *ctx_.txn, storage::TableStore::Prefix(table.id), storage::TableStore::PrefixEnd(table.id),
      &*columns, &chunk, [&](const StreamChunk& in) -> Result<bool> {
        RETURN_IF_ERROR(CheckCancel());
        if (filter) {
          RETURN_IF_ERROR(filter->Select(in, &sel));
        } else {
          while (all.size() < in.size()) all.push_back(static_cast<uint32_t>(all.size()));
          sel.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(in.size()));
        }
        if (sel.empty()) return true;
        for (size_t a = 0; a < naggs; a++) {
          arg_vectors[a] = nullptr;
          if (args[a]) {
            ASSIGN_OR_RETURN(arg_vectors[a], args[a]->Evaluate(in, sel));
          }
        }
        if (global) {
          for (size_t a = 0; a < naggs; a++) {
            RETURN_IF_ERROR(
                UpdateFromVector(plan.aggregates[a].agg, &states[a], arg_vectors[a], sel));
          }
          return true;
        }
        for (size_t k = 0; k < keys.size(); k++) {
          ASSIGN_OR_RETURN(key_vectors[k], keys[k]->Evaluate(in, sel));
        }
        group_of.resize(sel.size());
        for (size_t i = 0; i < sel.size(); i++) {
          uint32_t r = sel[i];
          if (int_key) {
            const Vector* kv = key_vectors[0];
            if (kv->IsNull(r)) {
              if (null_group < 0) {
                ASSIGN_OR_RETURN(uint32_t g, new_group(Row{Value::Null(kv->type())}));
                if (too_big) return false;
                null_group = g;
              }
              group_of[i] = static_cast<uint32_t>(null_group);
              continue;
            }
            int64_t x = kv->GetInt(r);
            auto it = int_groups.find(x);
            if (it == int_groups.end()) {
              ASSIGN_OR_RETURN(uint32_t g, new_group(Row{Value::FromInt(kv->type(), x)}));
              if (too_big) return false;
              it = int_groups.emplace(x, g).first;
            }
            group_of[i] = it->second;
            continue;
          }
          probe.resize(keys.size());
          for (size_t k = 0; k < keys.size(); k++) probe[k] = key_vectors[k]->GetValue(r);
          auto it = row_groups.find(probe);
          if (it == row_groups.end()) {
            ASSIGN_OR_RETURN(uint32_t g, new_group(probe));
            if (too_big) return false;
            it = row_groups.emplace(probe, g).first;
          }
          group_of[i] = it->second;
        }
        for (size_t a = 0; a < naggs; a++) {
          const function::BoundAggregate& agg = plan.aggregates[a].agg;
          for (size_t i = 0; i < sel.size(); i++) {
            RETURN_IF_ERROR(
                UpdateOne(agg, &states[group_of[i] * naggs + a], arg_vectors[a], sel[i]));
          }
        }
        return true;
      }));
  if (too_big) return false;
  if (global) group_keys.emplace_back();
  Row out;
  for (size_t g = 0; g < group_keys.size(); g++) {
    out = std::move(group_keys[g]);
    for (size_t a = 0; a < naggs; a++) {
      ASSIGN_OR_RETURN(Value v,
                       function::AggFinalize(plan.aggregates[a].agg, states[g * naggs + a]));
      out.push_back(std::move(v));
    }
    ASSIGN_OR_RETURN(bool more, visit(out));
    if (!more) break;
  }
  return true;
}

}  // namespace freshet::executor
