#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "executor/executor.h"
#include "executor/executor_internal.h"
#include "executor/expression_evaluator.h"
#include "executor/key_bounds.h"
#include "function/aggregate_function.h"
#include "planner/expr_rewrite.h"
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

Result<std::optional<Executor::ChunkSource>> Executor::ChunkSourceFor(const LogicalPlan& plan,
                                                                      const ColumnMask& needed) {
  if (!ctx_.txn) return std::optional<ChunkSource>();
  // A full scan of a stored table, its WHERE (when no key or index reads fewer rows) as the
  // selection of each chunk.
  if (plan.kind == PlanKind::kScan ||
      (plan.kind == PlanKind::kFilter && plan.children[0]->kind == PlanKind::kScan)) {
    const LogicalPlan& scan = plan.kind == PlanKind::kScan ? plan : *plan.children[0];
    if (scan.table->kind != planner::RelationKind::kTable) return std::optional<ChunkSource>();
    const BoundExpr* where = plan.kind == PlanKind::kFilter ? plan.predicate.get() : nullptr;
    auto table = scan.table;
    std::vector<SqlType> types = table->ColumnTypes();
    if (where &&
        ChooseAccessPath(*table, types, where, *this).kind != AccessPath::Kind::kFullScan) {
      return std::optional<ChunkSource>();  // a key or index reads fewer rows
    }
    std::shared_ptr<ExpressionEvaluator> filter;
    if (where) {
      auto compiled = ExpressionEvaluator::Compile(*where, ctx_.eval);
      if (!compiled.ok()) return std::optional<ChunkSource>();
      filter = std::move(*compiled);
    }
    auto columns = NeededColumns(scan, &needed, {where});
    if (!columns) return std::optional<ChunkSource>();
    ChunkSource source = [this, table, types, filter,
                          columns = *columns](const ChunkVisitor& visit) -> Result<bool> {
      Selection all, sel;
      StreamChunk chunk(types);
      RETURN_IF_ERROR(storage::TableStore::ScanChunks(
          *ctx_.txn, storage::TableStore::Prefix(table->id),
          storage::TableStore::PrefixEnd(table->id), &columns, &chunk,
          [&](const StreamChunk& in) -> Result<bool> {
            RETURN_IF_ERROR(CheckCancel());
            if (filter) {
              RETURN_IF_ERROR(filter->Select(in, &sel));
              if (sel.empty()) return true;
              return visit(in, sel);
            }
            while (all.size() < in.size()) all.push_back(static_cast<uint32_t>(all.size()));
            sel.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(in.size()));
            return visit(in, sel);
          }));
      return true;
    };
    return std::optional<ChunkSource>(std::move(source));
  }
  if (plan.kind == PlanKind::kJoin) return JoinChunkSource(plan, needed);
  return std::optional<ChunkSource>();
}

Result<std::optional<Executor::ChunkSource>> Executor::JoinChunkSource(const LogicalPlan& plan,
                                                                       const ColumnMask& needed) {
  // An inner hash join on equalities: the left input streams as chunks, the right one is built
  // (through the row path) into a chunk and a hash table, and matches are gathered into output
  // chunks on which the whole condition is checked.
  if (plan.join_kind != planner::JoinKind::kInner || plan.lateral || plan.lookup_join ||
      !plan.predicate) {
    return std::optional<ChunkSource>();
  }
  auto join = std::make_shared<HashJoin>();
  join->plan = &plan;
  join->lw = plan.children[0]->types.size();
  join->rw = plan.children[1]->types.size();
  ExtractEquiKeys(*plan.predicate, join->lw, &join->keys);
  if (join->keys.empty()) return std::optional<ChunkSource>();
  auto condition = ExpressionEvaluator::Compile(*plan.predicate, ctx_.eval);
  if (!condition.ok()) return std::optional<ChunkSource>();
  std::shared_ptr<ExpressionEvaluator> check = std::move(*condition);
  std::vector<std::shared_ptr<ExpressionEvaluator>> left_keys;
  std::vector<const BoundExpr*> left_reads, right_reads;
  for (const auto& [l, r] : join->keys) {
    auto compiled = ExpressionEvaluator::Compile(*l, ctx_.eval);
    if (!compiled.ok()) return std::optional<ChunkSource>();
    left_keys.push_back(std::move(*compiled));
    left_reads.push_back(l);
  }
  // What the output must hold: the consumer's columns and the condition's.
  auto out_needed = NeededColumns(plan, &needed, {plan.predicate.get()});
  if (!out_needed) return std::optional<ChunkSource>();
  for (const auto& [l, r] : join->keys) {
    if (!planner::MarkReferencedColumns(*r, &*out_needed)) return std::optional<ChunkSource>();
  }
  ColumnMask left_needed(out_needed->begin(), out_needed->begin() + join->lw);
  ColumnMask right_needed(out_needed->begin() + join->lw, out_needed->end());
  auto left_mask = NeededColumns(*plan.children[0], &left_needed, left_reads);
  if (!left_mask) return std::optional<ChunkSource>();
  ASSIGN_OR_RETURN(auto left, ChunkSourceFor(*plan.children[0], *left_mask));
  if (!left) return std::optional<ChunkSource>();
  // One integer key of the same type on both sides: a flat map from the value.
  const bool int_key = join->keys.size() == 1 &&
                       join->keys[0].first->type.id == join->keys[0].second->type.id &&
                       PhysicalTypeOf(join->keys[0].first->type.id) == PhysicalType::kInt64;
  ChunkSource source = [this, join, check, left_keys, left = std::move(*left), int_key,
                        out_needed = *out_needed,
                        right_needed](const ChunkVisitor& visit) -> Result<bool> {
    const LogicalPlan& plan = *join->plan;
    const size_t lw = join->lw, rw = join->rw;
    // Build.
    HeldMemory held(ctx_.memory);
    const bool may_spill = ctx_.spill != nullptr;
    const int64_t work_mem = WorkMem();
    StreamChunk build(plan.children[1]->types);
    absl::flat_hash_map<int64_t, int32_t> int_heads;
    std::unordered_map<Row, int32_t, RowHash, RowEq> row_heads;
    std::vector<int32_t> next;  // build row -> the next build row of the same key, or -1
    Row combined(lw + rw), key;
    bool too_big = false;
    RETURN_IF_ERROR(ForEachRow(
        *plan.children[1],
        [&](Row& r) -> Result<bool> {
          int64_t bytes = RowBytes(r) + 32;
          if (may_spill && held.bytes() + bytes > work_mem) {
            too_big = true;  // the row path joins it, spilling
            return false;
          }
          RETURN_IF_ERROR(held.Add(bytes, "a hash join"));
          ASSIGN_OR_RETURN(bool has_null, EvalJoinKey(*join, r, true, &combined, &key));
          auto j = static_cast<int32_t>(build.size());
          build.AppendValues(r, 1);
          next.push_back(-1);
          if (has_null) return true;  // NULL never equals anything
          int32_t* head;
          if (int_key) {
            head = &int_heads.try_emplace(key[0].GetInt(), -1).first->second;
          } else {
            head = &row_heads.try_emplace(key, -1).first->second;
          }
          next[j] = *head;
          *head = j;
          return true;
        },
        &right_needed));
    if (too_big) return false;
    // Probe.
    std::vector<const Vector*> key_vectors(left_keys.size());
    std::vector<uint32_t> probe_rows, build_rows;
    StreamChunk out(plan.types);
    Selection sel;
    auto emit = [&](const StreamChunk& in) -> Result<bool> {
      size_t n = probe_rows.size();
      if (n == 0) return true;
      out.Reset();
      for (size_t c = 0; c < lw + rw; c++) {
        Vector& v = out.column(c);
        if (!out_needed[c]) {
          v.Resize(n);
          for (size_t i = 0; i < n; i++) v.SetNull(i);
        } else if (c < lw) {
          v.AppendGather(in.column(c), probe_rows.data(), n);
        } else {
          v.AppendGather(build.column(c - lw), build_rows.data(), n);
        }
      }
      out.SetSize(n);
      probe_rows.clear();
      build_rows.clear();
      RETURN_IF_ERROR(check->Select(out, &sel));
      if (sel.empty()) return true;
      return visit(out, sel);
    };
    // In reverse build order the chains give the matches newest first; they are collected
    // per probe row and emitted in build order, as the row path's hash join does.
    std::vector<uint32_t> matches;
    ASSIGN_OR_RETURN(bool done,
                     left([&](const StreamChunk& in, const Selection& rows) -> Result<bool> {
                       for (size_t k = 0; k < left_keys.size(); k++) {
                         ASSIGN_OR_RETURN(key_vectors[k], left_keys[k]->Evaluate(in, rows));
                       }
                       for (uint32_t r : rows) {
                         int32_t j = -1;
                         if (int_key) {
                           if (key_vectors[0]->IsNull(r)) continue;
                           auto it = int_heads.find(key_vectors[0]->GetInt(r));
                           if (it == int_heads.end()) continue;
                           j = it->second;
                         } else {
                           key.resize(key_vectors.size());
                           bool has_null = false;
                           for (size_t k = 0; k < key_vectors.size(); k++) {
                             key[k] = key_vectors[k]->GetValue(r);
                             has_null |= key[k].is_null();
                           }
                           if (has_null) continue;
                           auto it = row_heads.find(key);
                           if (it == row_heads.end()) continue;
                           j = it->second;
                         }
                         matches.clear();
                         for (; j >= 0; j = next[j]) matches.push_back(static_cast<uint32_t>(j));
                         for (auto m = matches.rbegin(); m != matches.rend(); ++m) {
                           probe_rows.push_back(r);
                           build_rows.push_back(*m);
                           if (probe_rows.size() == StreamChunk::kChunkSize) {
                             ASSIGN_OR_RETURN(bool more, emit(in));
                             if (!more) return false;
                           }
                         }
                       }
                       return emit(in);
                     }));
    return done;
  };
  return std::optional<ChunkSource>(std::move(source));
}

Result<bool> Executor::ColumnarAggregate(const LogicalPlan& plan, const RowVisitor& visit) {
  // The shape: Aggregate over a chunk source (ChunkSourceFor: scans, filtered scans, inner hash
  // joins of them), with plain aggregates (no DISTINCT, ORDER BY, FILTER or separator) and
  // expressions the vectorized evaluator compiles (no subqueries, parameters or outer
  // references).
  for (const auto& a : plan.aggregates) {
    if (a.distinct || !a.order_by.empty() || a.sep || a.filter) return false;
  }
  const LogicalPlan& child = *plan.children[0];
  std::vector<std::unique_ptr<ExpressionEvaluator>> keys, args;
  std::vector<const BoundExpr*> reads;
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
  auto columns = ColumnsOf(child, reads);
  if (!columns) return false;
  ASSIGN_OR_RETURN(auto source, ChunkSourceFor(child, *columns));
  if (!source) return false;

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
  ASSIGN_OR_RETURN(
      bool produced, (*source)([&](const StreamChunk& in, const Selection& sel) -> Result<bool> {
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
  if (too_big || !produced) return false;
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

namespace freshet::executor {
namespace {

/// Orders row `r` of the sort-key vectors against sort-key values `x` under `keys`, as
/// CompareSortKeys orders two rows: <0, 0, >0.
int CompareKeysAt(const std::vector<const Vector*>& v, size_t r, const Row& x,
                  const std::vector<planner::SortKey>& keys) {
  for (size_t k = 0; k < keys.size(); k++) {
    const Vector& a = *v[k];
    const Value& b = x[k];
    bool an = a.IsNull(r), bn = b.is_null();
    if (an || bn) {
      if (an && bn) continue;
      return (an ? keys[k].nulls_first : !keys[k].nulls_first) ? -1 : 1;
    }
    int c;
    if (a.physical() == PhysicalType::kInt64 && b.type_id() == a.type().id) {
      int64_t ai = a.GetInt(r), bi = b.GetInt();
      c = ai < bi ? -1 : ai > bi ? 1 : 0;
    } else {
      c = Value::Compare(a.GetValue(r), b);
    }
    if (c != 0) return (keys[k].descending ? c > 0 : c < 0) ? -1 : 1;
  }
  return 0;
}

}  // namespace

Result<bool> Executor::ColumnarTopN(const LogicalPlan& sort, size_t limit, size_t offset,
                                    const RowVisitor& visit) {
  // ORDER BY ... LIMIT over a chunk source, optionally through a projection of plain columns:
  // the keys are compared on the vectors, and only rows that enter the heap become Values.
  if (limit + offset == 0) return false;
  const LogicalPlan* input = sort.children[0].get();
  std::vector<int> output_columns;  // the sort's input column -> the chunk's column
  if (input->kind == PlanKind::kProject) {
    for (const auto& e : input->exprs) {
      if (e->kind != planner::BoundExprKind::kColumn) return false;
      output_columns.push_back(e->column);
    }
    input = input->children[0].get();
  } else {
    for (size_t c = 0; c < input->types.size(); c++) output_columns.push_back(static_cast<int>(c));
  }
  std::vector<std::unique_ptr<ExpressionEvaluator>> keys;
  ColumnMask needed(input->types.size(), false);
  for (int c : output_columns) needed[static_cast<size_t>(c)] = true;
  for (const auto& sk : sort.sort_keys) {
    planner::BoundExprPtr e = sk.expr->Clone();
    planner::RemapColumns(e.get(), output_columns);
    if (!planner::MarkReferencedColumns(*e, &needed)) return false;
    auto compiled = ExpressionEvaluator::Compile(*e, ctx_.eval);
    if (!compiled.ok()) return false;
    keys.push_back(std::move(*compiled));
  }
  ASSIGN_OR_RETURN(auto source, ChunkSourceFor(*input, needed));
  if (!source) return false;

  TopNHeap heap(sort.sort_keys, limit + offset);
  std::vector<const Vector*> key_vectors(keys.size());
  ASSIGN_OR_RETURN(
      bool produced, (*source)([&](const StreamChunk& in, const Selection& rows) -> Result<bool> {
        for (size_t k = 0; k < keys.size(); k++) {
          ASSIGN_OR_RETURN(key_vectors[k], keys[k]->Evaluate(in, rows));
        }
        for (uint32_t r : rows) {
          // A later row equal to the worst kept one loses the tie.
          if (heap.full() && CompareKeysAt(key_vectors, r, heap.worst_key(), sort.sort_keys) >= 0) {
            continue;
          }
          Row key, row;
          for (const Vector* v : key_vectors) key.push_back(v->GetValue(r));
          for (int c : output_columns) row.push_back(in.column(c).GetValue(r));
          heap.Push(std::move(key), std::move(row));
        }
        return true;
      }));
  if (!produced) return false;
  RETURN_IF_ERROR(heap.Emit(offset, visit));
  return true;
}

}  // namespace freshet::executor
