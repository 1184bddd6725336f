#include <optional>
#include <unordered_map>

#include "executor/executor.h"
#include "executor/executor_internal.h"
#include "executor/spill_file.h"

// Joins: the hash join (spilling to partition pairs past work_mem) and LATERAL.

namespace freshet::executor {

using planner::BoundExpr;
using planner::BoundExprKind;
using planner::LogicalPlan;
using namespace internal;  // NOLINT: the helpers shared by executor*.cc

/// Which join input an expression reads: 0 neither (constants, outer references), 1 only the
/// left, 2 only the right, 3 both or something unsafe to hoist (subqueries, volatile calls).
static int JoinSide(const BoundExpr& e, size_t left_width) {
  if (e.kind == BoundExprKind::kSubquery) return 3;
  if (e.kind == BoundExprKind::kFunction && e.function.is_volatile) return 3;
  int side = 0;
  if (e.kind == BoundExprKind::kColumn) {
    side = static_cast<size_t>(e.column) < left_width ? 1 : 2;
  }
  for (const auto& c : e.children) side |= JoinSide(*c, left_width);
  return side;
}

/// Splits a join condition into equi-join keys (left expr, right expr) usable for hashing.
void ExtractEquiKeys(const BoundExpr& pred, size_t left_width,
                     std::vector<std::pair<const BoundExpr*, const BoundExpr*>>* keys) {
  if (pred.kind == BoundExprKind::kAnd) {
    for (const auto& c : pred.children) ExtractEquiKeys(*c, left_width, keys);
    return;
  }
  if (pred.kind != BoundExprKind::kCompare || pred.op != "=") return;
  int a = JoinSide(*pred.children[0], left_width);
  int b = JoinSide(*pred.children[1], left_width);
  if (a == 1 && b == 2) keys->emplace_back(pred.children[0].get(), pred.children[1].get());
  if (a == 2 && b == 1) keys->emplace_back(pred.children[1].get(), pred.children[0].get());
}

Result<RowSet> Executor::ExecLateralJoin(const LogicalPlan& plan,
                                         const std::vector<const BoundExpr*>& extra) {
  std::vector<const BoundExpr*> conditions;
  if (plan.predicate) conditions.push_back(plan.predicate.get());
  for (const BoundExpr* e : extra) FlattenAnd(*e, &conditions);
  ASSIGN_OR_RETURN(RowSet left, Execute(*plan.children[0]));
  size_t lw = plan.children[0]->types.size(), rw = plan.children[1]->types.size();
  bool left_join = plan.join_kind == planner::JoinKind::kLeft;
  RowSet out;
  Row combined(lw + rw);
  for (const Row& l : left) {
    outer_rows_.push_back(&l);
    auto right = Execute(*plan.children[1]);
    outer_rows_.pop_back();
    if (!right.ok()) return right.status();
    for (size_t i = 0; i < lw; i++) combined[i] = l[i];
    bool matched = false;
    for (const Row& r : *right) {
      for (size_t i = 0; i < rw; i++) combined[lw + i] = r[i];
      bool ok = true;
      for (size_t k = 0; ok && k < conditions.size(); k++) {
        ASSIGN_OR_RETURN(ok, EvaluatePredicate(*conditions[k], combined));
      }
      if (!ok) continue;
      matched = true;
      out.push_back(combined);
    }
    if (!matched && left_join) {
      Row o = l;
      for (size_t i = 0; i < rw; i++) o.push_back(Value::Null(plan.children[1]->types[i]));
      out.push_back(std::move(o));
    }
    RETURN_IF_ERROR(CheckCancel());
  }
  return out;
}

Result<RowSet> Executor::ExecJoin(const LogicalPlan& plan, std::vector<const BoundExpr*> extra) {
  if (plan.lateral) return ExecLateralJoin(plan, extra);
  RowSet out;
  RETURN_IF_ERROR(JoinRows(plan, std::move(extra), [&](Row& r) -> Result<bool> {
    out.push_back(std::move(r));
    return true;
  }));
  return out;
}

Result<bool> Executor::EvalJoinKey(const HashJoin& join, const Row& row, bool right_side,
                                   Row* combined, Row* key) {
  size_t offset = right_side ? join.lw : 0;
  for (size_t i = 0; i < row.size(); i++) (*combined)[offset + i] = row[i];
  key->clear();
  bool has_null = false;
  for (const auto& [l, r] : join.keys) {
    ASSIGN_OR_RETURN(Value v, Evaluate(right_side ? *r : *l, *combined));
    has_null |= v.is_null();
    key->push_back(std::move(v));
  }
  return has_null;
}

Status Executor::JoinRows(const LogicalPlan& plan, std::vector<const BoundExpr*> extra,
                          const RowVisitor& visit) {
  if (plan.lateral) {
    ASSIGN_OR_RETURN(RowSet rows, ExecLateralJoin(plan, extra));
    return VisitAll(rows, visit);
  }
  HashJoin join;
  join.plan = &plan;
  join.lw = plan.children[0]->types.size();
  join.rw = plan.children[1]->types.size();
  // WHERE conjuncts over a comma join: those reading only the left side go down to a left inner
  // join (left columns keep their positions), the rest are checked here.
  std::vector<const BoundExpr*> below;
  for (const BoundExpr* e : extra) FlattenAnd(*e, &join.here);
  if (IsPlainInnerJoin(*plan.children[0])) {
    std::vector<const BoundExpr*> keep;
    for (const BoundExpr* e : join.here) (JoinSide(*e, join.lw) == 1 ? below : keep).push_back(e);
    join.here = std::move(keep);
  }
  if (plan.predicate) ExtractEquiKeys(*plan.predicate, join.lw, &join.keys);
  for (const BoundExpr* e : join.here) ExtractEquiKeys(*e, join.lw, &join.keys);
  RowSource left = [&](const RowVisitor& v) {
    return below.empty() ? ForEachRow(*plan.children[0], v) : JoinRows(*plan.children[0], below, v);
  };

  // The right input is built into a hash table; the left one streams past it. A build side
  // past work_mem is split by key hash into partition files, the left side likewise, and each
  // pair of partitions joined in turn (a grace hash join).
  HeldMemory held(ctx_.memory);
  RowSet right;
  const bool may_spill = ctx_.spill && !join.keys.empty();
  const int64_t work_mem = WorkMem();
  std::optional<SpillPartitions> build_parts;
  Row combined(join.lw + join.rw), key;
  auto spill = [&](SpillPartitions& parts, const Row& r, bool right_side) -> Status {
    ASSIGN_OR_RETURN(bool has_null, EvalJoinKey(join, r, right_side, &combined, &key));
    // Rows with a NULL key match nothing; partition 0 still emits them for outer joins.
    return parts.Append(has_null ? 0 : SpillPartition(RowHash()(key), 0, kSpillFanout), r);
  };
  RETURN_IF_ERROR(ForEachRow(*plan.children[1], [&](Row& r) -> Result<bool> {
    if (build_parts) {
      RETURN_IF_ERROR(spill(*build_parts, r, true));
      return true;
    }
    int64_t bytes = RowBytes(r);
    if (may_spill && held.bytes() + bytes > work_mem) {
      build_parts.emplace(ctx_.spill);
      for (const Row& h : right) RETURN_IF_ERROR(spill(*build_parts, h, true));
      RowSet().swap(right);
      held.Release();
      RETURN_IF_ERROR(spill(*build_parts, r, true));
      return true;
    }
    RETURN_IF_ERROR(held.Add(bytes, "a hash join"));
    right.push_back(std::move(r));
    return true;
  }));
  bool stopped = false;
  if (!build_parts) return HashJoinPass(join, right, left, visit, &stopped);
  SpillPartitions probe_parts(ctx_.spill);
  RETURN_IF_ERROR(left([&](Row& l) -> Result<bool> {
    RETURN_IF_ERROR(spill(probe_parts, l, false));
    return true;
  }));
  for (size_t p = 0; p < kSpillFanout && !stopped; p++) {
    auto& build = build_parts->files()[p];
    auto& probe = probe_parts.files()[p];
    RowSet part;
    HeldMemory part_held(ctx_.memory);
    if (build) {
      RETURN_IF_ERROR(build->ReadAll([&](Row& r) -> Result<bool> {
        RETURN_IF_ERROR(part_held.Add(RowBytes(r), "a hash join"));
        part.push_back(r);
        return true;
      }));
      build.reset();
    }
    RowSource probe_rows = [&](const RowVisitor& v) {
      return probe ? probe->ReadAll(v) : Status::OK();
    };
    RETURN_IF_ERROR(CheckCancel());
    RETURN_IF_ERROR(HashJoinPass(join, part, probe_rows, visit, &stopped));
    probe.reset();
  }
  return Status::OK();
}

Status Executor::HashJoinPass(const HashJoin& join, RowSet& right, const RowSource& left,
                              const RowVisitor& visit, bool* stopped) {
  using planner::JoinKind;
  const LogicalPlan& plan = *join.plan;
  const size_t lw = join.lw, rw = join.rw;
  const auto& keys = join.keys;
  const auto& here = join.here;
  std::vector<bool> right_matched(right.size(), false);
  Row combined(lw + rw);
  for (size_t i = 0; i < lw; i++) combined[i] = Value::Null(plan.children[0]->types[i]);
  Row key;
  std::unordered_map<Row, std::vector<size_t>, RowHash, RowEq> table;
  if (!keys.empty()) {
    for (size_t j = 0; j < right.size(); j++) {
      ASSIGN_OR_RETURN(bool has_null, EvalJoinKey(join, right[j], true, &combined, &key));
      if (!has_null) table[key].push_back(j);  // NULL never equals anything
    }
  }
  static const std::vector<size_t> kNoMatches;
  std::vector<size_t> all_right;
  if (keys.empty()) {
    all_right.resize(right.size());
    for (size_t j = 0; j < right.size(); j++) all_right[j] = j;
  }
  auto probe = [&](Row& l) -> Result<bool> {
    bool matched = false;
    const std::vector<size_t>* candidates = &all_right;
    if (!keys.empty()) {
      ASSIGN_OR_RETURN(bool has_null, EvalJoinKey(join, l, false, &combined, &key));
      auto it = has_null ? table.end() : table.find(key);
      candidates = it == table.end() ? &kNoMatches : &it->second;
    } else {
      for (size_t i = 0; i < lw; i++) combined[i] = l[i];
    }
    for (size_t j : *candidates) {
      const Row& r = right[j];
      for (size_t i = 0; i < rw; i++) combined[lw + i] = r[i];
      bool ok = true;
      if (plan.predicate) {
        ASSIGN_OR_RETURN(ok, EvaluatePredicate(*plan.predicate, combined));
      }
      for (size_t k = 0; ok && k < here.size(); k++) {
        ASSIGN_OR_RETURN(ok, EvaluatePredicate(*here[k], combined));
      }
      if (!ok) continue;
      matched = true;
      right_matched[j] = true;
      Row o = combined;
      ASSIGN_OR_RETURN(bool more, visit(o));
      if (!more) {
        *stopped = true;
        return false;
      }
    }
    if (!matched && (plan.join_kind == JoinKind::kLeft || plan.join_kind == JoinKind::kFull)) {
      Row o = std::move(l);
      for (size_t i = 0; i < rw; i++) o.push_back(Value::Null(plan.children[1]->types[i]));
      ASSIGN_OR_RETURN(bool more, visit(o));
      if (!more) {
        *stopped = true;
        return false;
      }
    }
    if ((++rows_since_cancel_check_ & 63) == 0) RETURN_IF_ERROR(CheckCancel());
    return true;
  };
  RETURN_IF_ERROR(left(probe));
  if (*stopped) return Status::OK();
  if (plan.join_kind == JoinKind::kRight || plan.join_kind == JoinKind::kFull) {
    for (size_t j = 0; j < right.size(); j++) {
      if (right_matched[j]) continue;
      Row o;
      for (size_t i = 0; i < lw; i++) o.push_back(Value::Null(plan.children[0]->types[i]));
      for (const Value& v : right[j]) o.push_back(v);
      ASSIGN_OR_RETURN(bool more, visit(o));
      if (!more) {
        *stopped = true;
        return Status::OK();
      }
    }
  }
  return Status::OK();
}

}  // namespace freshet::executor
