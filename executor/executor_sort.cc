#include <algorithm>

#include "executor/executor.h"
#include "executor/executor_internal.h"
#include "executor/spill_file.h"

// ORDER BY: in-memory and external merge sorts, and the top-N heap of ORDER BY ... LIMIT.

namespace freshet::executor {

using planner::BoundExpr;
using planner::LogicalPlan;
using namespace internal;  // NOLINT: the helpers shared by executor*.cc

int CompareSortKeys(const Row& a, const Row& b, const std::vector<planner::SortKey>& keys) {
  for (size_t k = 0; k < keys.size(); k++) {
    const Value& x = a[k];
    const Value& y = b[k];
    if (x.is_null() || y.is_null()) {
      if (x.is_null() && y.is_null()) continue;
      return (x.is_null() ? keys[k].nulls_first : !keys[k].nulls_first) ? -1 : 1;
    }
    int c = Value::Compare(x, y);
    if (c != 0) return (keys[k].descending ? c > 0 : c < 0) ? -1 : 1;
  }
  return 0;
}

Status Executor::SortRows(RowSet* rows, const std::vector<planner::SortKey>& keys) {
  // Precompute keys so each comparison is cheap.
  std::vector<std::pair<Row, size_t>> keyed;
  keyed.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); i++) {
    Row k;
    for (const auto& sk : keys) {
      ASSIGN_OR_RETURN(Value v, Evaluate(*sk.expr, (*rows)[i]));
      k.push_back(std::move(v));
    }
    keyed.emplace_back(std::move(k), i);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    return CompareSortKeys(a.first, b.first, keys) < 0;
  });
  RowSet sorted;
  sorted.reserve(rows->size());
  for (auto& [k, i] : keyed) sorted.push_back(std::move((*rows)[i]));
  *rows = std::move(sorted);
  return Status::OK();
}

Result<RowSet> Executor::Hold(const LogicalPlan& plan, const char* what, HeldMemory* held) {
  RowSet out;
  RETURN_IF_ERROR(ForEachRow(plan, [&](Row& r) -> Result<bool> {
    RETURN_IF_ERROR(held->Add(RowBytes(r), what));
    out.push_back(std::move(r));
    return true;
  }));
  return out;
}

Result<RowSet> Executor::ExecSort(const LogicalPlan& plan) { return Collect(plan); }

namespace {

/// Merges sorted runs (rows of sort-key values followed by the row) into `out`, in order; ties
/// go to the earlier run, so the merge is as stable as the sort of each run.
Status MergeRuns(const std::vector<SpillFile*>& runs, const std::vector<planner::SortKey>& keys,
                 const RowVisitor& out) {
  std::vector<SpillFile::Reader> readers;
  std::vector<Row> heads(runs.size());
  std::vector<size_t> heap;
  for (size_t i = 0; i < runs.size(); i++) {
    ASSIGN_OR_RETURN(SpillFile::Reader reader, runs[i]->Read());
    readers.push_back(std::move(reader));
  }
  // A min-heap of run indexes by their head rows (std::*_heap keep the greatest on top).
  auto after = [&](size_t a, size_t b) {
    int c = CompareSortKeys(heads[a], heads[b], keys);
    return c != 0 ? c > 0 : a > b;
  };
  for (size_t i = 0; i < runs.size(); i++) {
    ASSIGN_OR_RETURN(bool has, readers[i].Next(&heads[i]));
    if (has) heap.push_back(i);
  }
  std::make_heap(heap.begin(), heap.end(), after);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    size_t i = heap.back();
    ASSIGN_OR_RETURN(bool more, out(heads[i]));
    if (!more) return Status::OK();
    ASSIGN_OR_RETURN(bool has, readers[i].Next(&heads[i]));
    if (has) {
      std::push_heap(heap.begin(), heap.end(), after);
    } else {
      heap.pop_back();
    }
  }
  return Status::OK();
}

}  // namespace

Status Executor::SortRowsTo(const LogicalPlan& plan, const RowVisitor& visit,
                            const ColumnMask* needed) {
  // Rows are sorted in memory up to work_mem; past it each full run is sorted and written to a
  // temporary file, and the runs are merged at the end (an external merge sort).
  const auto& keys = plan.sort_keys;
  const LogicalPlan& child = *plan.children[0];
  std::vector<const BoundExpr*> key_exprs;
  for (const auto& sk : keys) key_exprs.push_back(sk.expr.get());
  auto columns = NeededColumns(child, needed, key_exprs);
  struct Item {
    Row key;
    Row row;
  };
  std::vector<Item> run;
  std::vector<std::unique_ptr<SpillFile>> runs;
  HeldMemory held(ctx_.memory);
  const int64_t work_mem = WorkMem();
  auto sort_run = [&] {
    std::stable_sort(run.begin(), run.end(), [&](const Item& a, const Item& b) {
      return CompareSortKeys(a.key, b.key, keys) < 0;
    });
  };
  // Runs are merged kMergeWidth at a time, always adjacent ones (so ties stay in input order):
  // once the last kMergeWidth runs share a level they become one run of the next level, as a
  // counter in base kMergeWidth, so each row is rewritten once per level and at most
  // kMergeWidth runs per level are open, however large the input.
  constexpr size_t kMergeWidth = 64;
  std::vector<int> levels;  // per run
  auto merge = [&](size_t from) -> Status {
    ASSIGN_OR_RETURN(auto merged, SpillFile::Create(ctx_.spill));
    std::vector<SpillFile*> inputs;
    for (size_t i = from; i < from + kMergeWidth; i++) inputs.push_back(runs[i].get());
    RETURN_IF_ERROR(MergeRuns(inputs, keys, [&](Row& record) -> Result<bool> {
      RETURN_IF_ERROR(merged->Append(record));
      return true;
    }));
    RETURN_IF_ERROR(merged->Read().status());  // flushed, its write buffer given back
    int level = levels[from] + 1;
    runs.erase(runs.begin() + static_cast<std::ptrdiff_t>(from),
               runs.begin() + static_cast<std::ptrdiff_t>(from + kMergeWidth));
    levels.erase(levels.begin() + static_cast<std::ptrdiff_t>(from),
                 levels.begin() + static_cast<std::ptrdiff_t>(from + kMergeWidth));
    runs.insert(runs.begin() + static_cast<std::ptrdiff_t>(from), std::move(merged));
    levels.insert(levels.begin() + static_cast<std::ptrdiff_t>(from), level);
    return CheckCancel();
  };
  auto same_level_tail = [&] {
    if (runs.size() < kMergeWidth) return false;
    size_t from = runs.size() - kMergeWidth;
    for (size_t i = from; i < runs.size(); i++) {
      if (levels[i] != levels[from]) return false;
    }
    return true;
  };
  auto write_run = [&]() -> Status {
    sort_run();
    ASSIGN_OR_RETURN(auto file, SpillFile::Create(ctx_.spill));
    Row record;
    for (Item& item : run) {
      record.clear();
      for (Value& v : item.key) record.push_back(std::move(v));
      for (Value& v : item.row) record.push_back(std::move(v));
      RETURN_IF_ERROR(file->Append(record));
    }
    // Flushed now: an open run holds no write buffer while the next ones fill.
    RETURN_IF_ERROR(file->Read().status());
    runs.push_back(std::move(file));
    levels.push_back(0);
    while (same_level_tail()) RETURN_IF_ERROR(merge(runs.size() - kMergeWidth));
    run.clear();
    held.Release();
    return CheckCancel();
  };
  RETURN_IF_ERROR(ForEachRow(
      child,
      [&](Row& r) -> Result<bool> {
        Item item;
        for (const BoundExpr* e : key_exprs) {
          ASSIGN_OR_RETURN(Value v, Evaluate(*e, r));
          item.key.push_back(std::move(v));
        }
        item.row = std::move(r);
        int64_t bytes =
            RowBytes(item.key) + RowBytes(item.row) + static_cast<int64_t>(sizeof(Item));
        if (held.bytes() + bytes > work_mem && !run.empty()) RETURN_IF_ERROR(write_run());
        RETURN_IF_ERROR(held.Add(bytes, "a sort"));
        run.push_back(std::move(item));
        return true;
      },
      Ptr(columns)));
  if (runs.empty()) {
    sort_run();
    for (Item& item : run) {
      ASSIGN_OR_RETURN(bool more, visit(item.row));
      if (!more) break;
    }
    return Status::OK();
  }
  if (!run.empty()) RETURN_IF_ERROR(write_run());
  while (runs.size() > kMergeWidth) RETURN_IF_ERROR(merge(0));
  std::vector<SpillFile*> all;
  for (auto& f : runs) all.push_back(f.get());
  Row out;
  const size_t nkeys = keys.size();
  return MergeRuns(all, keys, [&](Row& record) -> Result<bool> {
    out.clear();
    for (size_t i = nkeys; i < record.size(); i++) out.push_back(std::move(record[i]));
    if ((++rows_since_cancel_check_ & 1023) == 0) RETURN_IF_ERROR(CheckCancel());
    return visit(out);
  });
}

Status Executor::TopNRows(const LogicalPlan& sort, size_t limit, size_t offset,
                          const RowVisitor& visit) {
  ASSIGN_OR_RETURN(bool columnar, ColumnarTopN(sort, limit, offset, visit));
  if (columnar) return Status::OK();
  TopNHeap heap(sort.sort_keys, limit + offset);
  Row key;
  RETURN_IF_ERROR(ForEachRow(*sort.children[0], [&](Row& r) -> Result<bool> {
    key.clear();
    for (const auto& sk : sort.sort_keys) {
      ASSIGN_OR_RETURN(Value v, Evaluate(*sk.expr, r));
      key.push_back(std::move(v));
    }
    if (heap.Accepts(key)) heap.Push(std::move(key), std::move(r));
    return true;
  }));
  return heap.Emit(offset, visit);
}

}  // namespace freshet::executor
