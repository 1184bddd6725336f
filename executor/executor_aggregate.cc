#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "executor/executor.h"
#include "executor/executor_internal.h"
#include "executor/spill_file.h"
#include "function/aggregate_function.h"

// GROUP BY, DISTINCT and set operations, with the hash tables' spill to partition files.

namespace freshet::executor {

using planner::BoundExpr;
using planner::LogicalPlan;
using namespace internal;  // NOLINT: the helpers shared by executor*.cc

Result<RowSet> Executor::ExecAggregate(const LogicalPlan& plan) { return Collect(plan); }

int64_t Executor::WorkMem() const {
  return ctx_.spill ? ctx_.spill->work_mem_bytes : std::numeric_limits<int64_t>::max();
}

Status Executor::AggregateRows(const LogicalPlan& plan, const RowSource& input, int level,
                               const RowVisitor& visit) {
  size_t naggs = plan.aggregates.size();
  struct Group {
    Row key;
    std::vector<function::AggState> states;
    std::vector<std::unordered_set<Value, ValueHash, ValueEq>> distinct;
    std::vector<std::vector<std::pair<Row, std::pair<Value, Value>>>> ordered;
  };
  std::vector<Group> groups;
  std::unordered_map<Row, size_t, RowHash, RowEq> index;
  auto new_group = [&](Row key) {
    Group g;
    g.key = std::move(key);
    g.states.resize(naggs);
    g.distinct.resize(naggs);
    g.ordered.resize(naggs);
    groups.push_back(std::move(g));
    return groups.size() - 1;
  };
  if (plan.exprs.empty()) new_group(Row{});
  HeldMemory held(ctx_.memory);
  // A group holds its key twice (the group and the index) and its aggregates' states.
  const int64_t group_overhead =
      static_cast<int64_t>(sizeof(Group) + naggs * sizeof(function::AggState) + 64);
  // Past work_mem, the rows of groups not yet held go to partitions (GROUP BY only: a global
  // aggregate is one group).
  const bool may_spill = ctx_.spill && !plan.exprs.empty() && level < kMaxSpillLevel;
  const int64_t work_mem = WorkMem();
  std::optional<SpillPartitions> partitions;
  Row key;
  RETURN_IF_ERROR(input([&](Row& r) -> Result<bool> {
    key.clear();
    for (const auto& g : plan.exprs) {
      ASSIGN_OR_RETURN(Value v, Evaluate(*g, r));
      key.push_back(std::move(v));
    }
    size_t gi;
    if (plan.exprs.empty()) {
      gi = 0;
    } else {
      auto it = index.find(key);
      if (it == index.end()) {
        if (partitions) {
          RETURN_IF_ERROR(
              partitions->Append(SpillPartition(RowHash()(key), level, kSpillFanout), r));
          return true;
        }
        int64_t bytes = 2 * RowBytes(key) + group_overhead;
        if (may_spill && held.bytes() + bytes > work_mem) {
          partitions.emplace(ctx_.spill);
          RETURN_IF_ERROR(
              partitions->Append(SpillPartition(RowHash()(key), level, kSpillFanout), r));
          return true;
        }
        RETURN_IF_ERROR(held.Add(bytes, "a hash aggregate"));
        gi = new_group(key);
        index.emplace(std::move(key), gi);
      } else {
        gi = it->second;
      }
    }
    Group& g = groups[gi];
    for (size_t a = 0; a < naggs; a++) {
      const planner::AggregateCall& call = plan.aggregates[a];
      if (call.filter) {
        ASSIGN_OR_RETURN(bool pass, EvaluatePredicate(*call.filter, r));
        if (!pass) continue;
      }
      Value v, sep;
      if (call.arg) {
        ASSIGN_OR_RETURN(v, Evaluate(*call.arg, r));
      }
      if (call.sep) {
        ASSIGN_OR_RETURN(sep, Evaluate(*call.sep, r));
      }
      if (call.distinct) {
        if (v.is_null()) continue;
        if (!g.distinct[a].insert(v).second) continue;
        RETURN_IF_ERROR(held.Add(
            static_cast<int64_t>(sizeof(Value)) + 32 + static_cast<int64_t>(v.GetString().size()),
            "a DISTINCT aggregate"));
      }
      if (!call.order_by.empty()) {
        Row okey;
        for (const auto& [oe, desc] : call.order_by) {
          ASSIGN_OR_RETURN(Value ov, Evaluate(*oe, r));
          okey.push_back(std::move(ov));
        }
        RETURN_IF_ERROR(held.Add(RowBytes(okey) + 2 * static_cast<int64_t>(sizeof(Value)) +
                                     static_cast<int64_t>(v.GetString().size()),
                                 "an ordered aggregate"));
        g.ordered[a].push_back({std::move(okey), {std::move(v), std::move(sep)}});
        continue;
      }
      RETURN_IF_ERROR(function::AggUpdate(call.agg, &g.states[a], v, sep));
    }
    return true;
  }));
  index.clear();
  Row o;
  for (Group& g : groups) {
    o = std::move(g.key);
    for (size_t a = 0; a < naggs; a++) {
      const planner::AggregateCall& call = plan.aggregates[a];
      if (!call.order_by.empty()) {
        auto& items = g.ordered[a];
        std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
          for (size_t k = 0; k < call.order_by.size(); k++) {
            int c = Value::Compare(x.first[k], y.first[k]);
            if (c != 0) return call.order_by[k].second ? c > 0 : c < 0;
          }
          return false;
        });
        for (auto& item : items) {
          RETURN_IF_ERROR(
              function::AggUpdate(call.agg, &g.states[a], item.second.first, item.second.second));
        }
      }
      ASSIGN_OR_RETURN(Value v, function::AggFinalize(call.agg, g.states[a]));
      o.push_back(std::move(v));
    }
    ASSIGN_OR_RETURN(bool more, visit(o));
    if (!more) return Status::OK();
  }
  if (!partitions) return Status::OK();
  // The held groups are done: free them before the partitions are aggregated in turn.
  std::vector<Group>().swap(groups);
  held.Release();
  return DrainPartitions(&*partitions, visit, [&](const RowSource& rows, const RowVisitor& out) {
    return AggregateRows(plan, rows, level + 1, out);
  });
}

Status Executor::DrainPartitions(
    SpillPartitions* partitions, const RowVisitor& visit,
    const std::function<Status(const RowSource& rows, const RowVisitor& out)>& process) {
  bool stopped = false;
  for (auto& file : partitions->files()) {
    if (!file || stopped) continue;
    RETURN_IF_ERROR(CheckCancel());
    RETURN_IF_ERROR(process([&](const RowVisitor& v) { return file->ReadAll(v); },
                            [&](Row& row) -> Result<bool> {
                              ASSIGN_OR_RETURN(bool more, visit(row));
                              stopped = !more;
                              return more;
                            }));
    file.reset();  // its disk space back before the next
  }
  return Status::OK();
}

Result<RowSet> Executor::ExecDistinct(const LogicalPlan& plan) { return Collect(plan); }

Status Executor::DistinctRows(const LogicalPlan& plan, const RowSource& input, int level,
                              bool ordered, const RowVisitor& visit) {
  // The distinct keys are held; rows stream out as they are first seen.
  HeldMemory held(ctx_.memory);
  std::unordered_set<Row, RowHash, RowEq> seen;
  const bool may_spill = ctx_.spill && !ordered && level < kMaxSpillLevel;
  const int64_t work_mem = WorkMem();
  std::optional<SpillPartitions> partitions;
  bool stopped = false;
  RETURN_IF_ERROR(input([&](Row& r) -> Result<bool> {
    Row key;
    if (plan.exprs.empty()) {
      key = r;
    } else {
      for (const auto& e : plan.exprs) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*e, r));
        key.push_back(std::move(v));
      }
    }
    if (seen.count(key)) return true;
    if (partitions) {
      RETURN_IF_ERROR(partitions->Append(SpillPartition(RowHash()(key), level, kSpillFanout), r));
      return true;
    }
    int64_t bytes = RowBytes(key) + 48;
    if (may_spill && held.bytes() + bytes > work_mem) {
      partitions.emplace(ctx_.spill);
      RETURN_IF_ERROR(partitions->Append(SpillPartition(RowHash()(key), level, kSpillFanout), r));
      return true;
    }
    RETURN_IF_ERROR(held.Add(bytes, "a DISTINCT"));
    seen.insert(std::move(key));
    ASSIGN_OR_RETURN(bool more, visit(r));
    stopped = !more;
    return more;
  }));
  if (!partitions || stopped) return Status::OK();
  decltype(seen)().swap(seen);
  held.Release();
  return DrainPartitions(&*partitions, visit, [&](const RowSource& rows, const RowVisitor& out) {
    return DistinctRows(plan, rows, level + 1, false, out);
  });
}

Result<RowSet> Executor::ExecSetOp(const LogicalPlan& plan) {
  using planner::SetOpKind;
  // UNION [ALL] streams (ForEachRow); INTERSECT and EXCEPT hold both inputs.
  if (plan.set_op == SetOpKind::kUnion) return Collect(plan);
  HeldMemory held(ctx_.memory);
  ASSIGN_OR_RETURN(RowSet left, Hold(*plan.children[0], "a set operation", &held));
  ASSIGN_OR_RETURN(RowSet right, Hold(*plan.children[1], "a set operation", &held));
  RowSet out;
  std::unordered_map<Row, int64_t, RowHash, RowEq> right_counts;
  for (Row& r : right) right_counts[std::move(r)]++;
  std::unordered_set<Row, RowHash, RowEq> emitted;
  for (Row& r : left) {
    auto it = right_counts.find(r);
    bool in_right = it != right_counts.end() && it->second > 0;
    if (plan.set_op == SetOpKind::kIntersect) {
      if (!in_right) continue;
      if (plan.set_all) {
        it->second--;
        out.push_back(std::move(r));
      } else if (emitted.insert(r).second) {
        out.push_back(std::move(r));
      }
    } else {  // EXCEPT
      if (plan.set_all) {
        if (in_right) {
          it->second--;
          continue;
        }
        out.push_back(std::move(r));
      } else {
        if (it != right_counts.end()) continue;
        if (emitted.insert(r).second) out.push_back(std::move(r));
      }
    }
  }
  return out;
}

}  // namespace freshet::executor
