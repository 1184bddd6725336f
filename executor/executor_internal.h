#pragma once

// Helpers shared by the files that implement Executor (executor*.cc); not part of its interface.

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "executor/executor.h"
#include "executor/spill_file.h"
#include "planner/expr_rewrite.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

struct Executor::HashJoin {
  const planner::LogicalPlan* plan;
  size_t lw, rw;  // input widths
  // Equality conjuncts between the two sides (left expr, right expr): the hash keys. The whole
  // condition is still evaluated on each candidate pair, so residual predicates hold.
  std::vector<std::pair<const planner::BoundExpr*, const planner::BoundExpr*>> keys;
  std::vector<const planner::BoundExpr*> here;  // WHERE conjuncts checked with the join's condition
};

}  // namespace freshet::executor

namespace freshet::executor::internal {

/// Hash and equality of single values with GROUP BY semantics (NULLs equal).
struct ValueHash {
  size_t operator()(const Value& v) const { return v.Hash(); }
};
struct ValueEq {
  bool operator()(const Value& a, const Value& b) const { return Value::GroupEquals(a, b); }
};

/// The conjuncts of `e` (itself when it is not an AND).
inline void FlattenAnd(const planner::BoundExpr& e, std::vector<const planner::BoundExpr*>* out) {
  if (e.kind == planner::BoundExprKind::kAnd) {
    for (const auto& c : e.children) FlattenAnd(*c, out);
  } else {
    out->push_back(&e);
  }
}

/// An inner or cross join the hash join runs (not a lookup join).
inline bool IsPlainInnerJoin(const planner::LogicalPlan& p) {
  return p.kind == planner::PlanKind::kJoin && !p.lookup_join &&
         (p.join_kind == planner::JoinKind::kInner || p.join_kind == planner::JoinKind::kCross);
}

/// Whether `p`'s rows come out in an order the query asked for (a sort under projections,
/// filters and limits), which operators above must keep.
inline bool IsSorted(const planner::LogicalPlan& p) {
  switch (p.kind) {
    case planner::PlanKind::kSort:
      return true;
    case planner::PlanKind::kProject:
    case planner::PlanKind::kFilter:
    case planner::PlanKind::kLimit:
      return IsSorted(*p.children[0]);
    default:
      return false;
  }
}

/// The columns of `child` a consumer needs: those `needed` marks plus those `exprs` read; null
/// (all) when `needed` is null or an expression holds a subquery.
inline std::optional<ColumnMask> NeededColumns(
    const planner::LogicalPlan& child, const ColumnMask* needed,
    const std::vector<const planner::BoundExpr*>& exprs) {
  if (!needed || needed->size() != child.types.size()) return std::nullopt;
  ColumnMask mask = *needed;
  for (const planner::BoundExpr* e : exprs) {
    if (e && !planner::MarkReferencedColumns(*e, &mask)) return std::nullopt;
  }
  return mask;
}
/// The columns of `child` that `exprs` read (null: all).
inline std::optional<ColumnMask> ColumnsOf(const planner::LogicalPlan& child,
                                           const std::vector<const planner::BoundExpr*>& exprs) {
  ColumnMask none(child.types.size(), false);
  return NeededColumns(child, &none, exprs);
}
inline const ColumnMask* Ptr(const std::optional<ColumnMask>& m) { return m ? &*m : nullptr; }

/// The best `n` rows of a stream under `keys` (ORDER BY ... LIMIT): a heap of (sort-key values,
/// arrival, row) with the worst on top; ties go to the earlier row, as in a stable sort.
class TopNHeap {
 public:
  TopNHeap(const std::vector<planner::SortKey>& keys, size_t n) : keys_(keys), n_(n) {}
  bool full() const { return heap_.size() >= n_; }
  const Row& worst_key() const { return heap_.front().key; }
  /// Whether a row with these sort-key values would be kept.
  bool Accepts(const Row& key) const {
    if (n_ == 0) return false;
    return !full() || CompareSortKeys(key, worst_key(), keys_) < 0;
  }
  /// Keeps a row that Accepts (the worst one then drops out when there are n).
  void Push(Row key, Row row) {
    heap_.push_back(Entry{std::move(key), seq_++, std::move(row)});
    std::push_heap(heap_.begin(), heap_.end(), Order());
    if (heap_.size() > n_) {
      std::pop_heap(heap_.begin(), heap_.end(), Order());
      heap_.pop_back();
    }
  }
  /// Visits the kept rows best first, skipping the first `offset`.
  Status Emit(size_t offset, const RowVisitor& visit) {
    std::sort_heap(heap_.begin(), heap_.end(), Order());
    for (size_t i = offset; i < heap_.size(); i++) {
      ASSIGN_OR_RETURN(bool more, visit(heap_[i].row));
      if (!more) break;
    }
    return Status::OK();
  }

 private:
  struct Entry {
    Row key;
    uint64_t seq;
    Row row;
  };
  /// Heap order: a before b.
  struct Before {
    const std::vector<planner::SortKey>* keys;
    bool operator()(const Entry& a, const Entry& b) const {
      int c = CompareSortKeys(a.key, b.key, *keys);
      return c != 0 ? c < 0 : a.seq < b.seq;
    }
  };
  Before Order() const { return Before{&keys_}; }
  const std::vector<planner::SortKey>& keys_;
  const size_t n_;
  uint64_t seq_ = 0;
  std::vector<Entry> heap_;
};

/// Which of `fanout` spill partitions a row whose key hashes to `hash` goes to at recursion
/// `level`: each level mixes the hash differently, so a partition splits again when re-spilled.
inline size_t SpillPartition(size_t hash, int level, size_t fanout) {
  uint64_t h =
      static_cast<uint64_t>(hash) + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(level + 1);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return static_cast<size_t>(h % fanout);
}

/// How many partition files a spilling operator splits its overflow into, and how deep a
/// partition may split again before the operator holds it whole (and may fail with 53200).
constexpr size_t kSpillFanout = 16;
constexpr int kMaxSpillLevel = 4;

/// The partition files of one spilling operator, created as rows arrive.
class SpillPartitions {
 public:
  explicit SpillPartitions(SpillContext* spill) : spill_(spill), files_(kSpillFanout) {}
  Status Append(size_t partition, const Row& row) {
    if (!files_[partition]) {
      ASSIGN_OR_RETURN(files_[partition], SpillFile::Create(spill_));
    }
    return files_[partition]->Append(row);
  }
  bool empty() const {
    for (const auto& f : files_) {
      if (f) return false;
    }
    return true;
  }
  /// The partitions written to (null for those that got no row), in order.
  std::vector<std::unique_ptr<SpillFile>>& files() { return files_; }

 private:
  SpillContext* spill_;
  std::vector<std::unique_ptr<SpillFile>> files_;
};

}  // namespace freshet::executor::internal
