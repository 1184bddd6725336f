#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/memory_budget.h"
#include "common/status.h"
#include "common/stream_chunk.h"
#include "common/value.h"
#include "executor/spill_file.h"
#include "function/eval_context.h"
#include "planner/logical_plan.h"
#include "storage/store.h"

namespace freshet::executor {

namespace internal {
class SpillPartitions;
}  // namespace internal

using RowSet = std::vector<Row>;
/// Receives produced rows one at a time (it may move from the row); false stops production.
using RowVisitor = std::function<Result<bool>(Row& row)>;
/// Produces rows into a visitor (an operator's input: a child plan or a spill file).
using RowSource = std::function<Status(const RowVisitor& visit)>;
/// Which columns of a row are read (one flag per column).
using ColumnMask = std::vector<bool>;

/// Monotonic clock in microseconds (statement_timeout deadlines).
int64_t SteadyMicros();

/// Everything one statement's execution reads: the transaction, evaluation settings and bound
/// parameter values.
struct ExecContext {
  storage::Transaction* txn = nullptr;
  /// The statement's memory budget: what operators hold (hash tables, sorts, groups) is charged
  /// to it, and passing it fails the statement with 53200. Null: unaccounted.
  MemoryReservation* memory = nullptr;
  /// Where sorts, hash aggregates, hash joins and DISTINCTs spill past work_mem. Null: they
  /// never spill (and fail with 53200 at the budget).
  SpillContext* spill = nullptr;
  function::EvalContext eval;
  std::vector<Value> params;  // $1.. as text-typed or typed values
  /// Reads a materialized view's maintained contents (set by the engine).
  std::function<Result<RowSet>(const planner::TableDef&)> read_view;
  /// Visits the rows of a materialized view whose encoded keys (KeyCodec values of its key
  /// columns, TableDef::primary_key) are in [begin, end) ("" end: to the last), in key order.
  std::function<Status(const planner::TableDef&, std::string_view begin, std::string_view end,
                       const RowVisitor& visit)>
      scan_view;
  /// Reads the row of a materialized view with the given values of its key (TableDef
  /// primary_key columns), when the engine can look rows up by key.
  std::function<Result<RowSet>(const planner::TableDef&, const Row& key)> read_view_key;
  /// Reads what a source holds (its retained log, or what its generator produced so far).
  std::function<Result<RowSet>(const planner::TableDef&)> read_source;
};

/// Runs logical plans over stored tables (the batch engine for SELECT and the inputs of DML).
/// Rows stream through scans, filters, projections, joins' probe sides, sorts, aggregates and
/// DISTINCT; the operators that must hold rows (sorts, hash tables) hold up to work_mem and
/// spill the rest to temporary files (ExecContext::spill). Correlated subqueries are re-run per
/// outer row and uncorrelated ones are evaluated once per statement.
class Executor {
 public:
  explicit Executor(ExecContext& ctx) : ctx_(ctx) {}

  Result<RowSet> Execute(const planner::LogicalPlan& plan);
  /// Produces the rows of `plan` one at a time, in the order Execute returns them. Scans of
  /// stored tables, filters, projections, the probe side of hash joins, UNION ALL and LIMIT
  /// stream without holding the rows; sorts, aggregates and DISTINCT hold what they must (up to
  /// work_mem, then spilling) and stream their output; ORDER BY ... LIMIT n keeps only the best
  /// n rows (a heap); other nodes run whole first.
  /// `needed` marks the output columns the visitor reads (null: all); the others may be NULL
  /// (scans then decode only what is read).
  Status ForEachRow(const planner::LogicalPlan& plan, const RowVisitor& visit,
                    const ColumnMask* needed = nullptr);
  /// Evaluates a bound expression over one row.
  Result<Value> Evaluate(const planner::BoundExpr& e, const Row& row);
  /// Appends the window functions' results to each row (rows in any order; results follow each
  /// call's PARTITION BY / ORDER BY / frame).
  Status ComputeWindows(const std::vector<planner::WindowCall>& calls, RowSet* rows);
  /// Evaluates a predicate: true only when the result is TRUE (NULL counts as false).
  Result<bool> EvaluatePredicate(const planner::BoundExpr& e, const Row& row);
  /// Visits the rows of stored table `table` that may satisfy `where` (null: every row), as the
  /// statement's transaction sees them, in key order: one point read when `where` fixes every
  /// primary-key column, a key range when it fixes a leading part or bounds the next column
  /// (KeyBoundsFromPredicate), else the whole table. The caller still evaluates `where`. Checks
  /// for cancellation as it goes.
  Status ScanTable(const planner::TableDef& table, const planner::BoundExpr* where,
                   const std::function<Result<bool>(std::string_view key, Row& row)>& visit,
                   const ColumnMask* columns = nullptr);

 private:
  struct SubqueryCache;

  Status CheckCancel();
  Result<RowSet> ExecScan(const planner::LogicalPlan& plan);
  Result<RowSet> ExecValues(const planner::LogicalPlan& plan);
  Result<RowSet> ExecFilter(const planner::LogicalPlan& plan);
  /// Execute by way of ForEachRow.
  Result<RowSet> Collect(const planner::LogicalPlan& plan);
  /// Bytes one operator holds, charged to the statement's budget and given back when it ends.
  class HeldMemory {
   public:
    explicit HeldMemory(MemoryReservation* budget) : budget_(budget) {}
    ~HeldMemory() {
      if (budget_) budget_->Shrink(bytes_);
    }
    Status Add(int64_t bytes, const char* what) {
      bytes_ += bytes;
      if (!budget_) return Status::OK();
      return budget_->Grow(bytes, what);
    }
    /// Gives back everything held (the operator spilled or freed its rows).
    void Release() {
      if (budget_) budget_->Shrink(bytes_);
      bytes_ = 0;
    }
    int64_t bytes() const { return bytes_; }

   private:
    MemoryReservation* budget_;
    int64_t bytes_ = 0;
  };
  /// Collects `plan`'s rows for an operator that holds them all (`what` names it in the 53200
  /// error), charging them to the statement's budget as they arrive.
  Result<RowSet> Hold(const planner::LogicalPlan& plan, const char* what, HeldMemory* held);
  static Status VisitAll(RowSet& rows, const RowVisitor& visit);
  /// What one operator may hold before it spills: work_mem, or no bound without a SpillContext.
  int64_t WorkMem() const;
  Result<RowSet> ExecAggregate(const planner::LogicalPlan& plan);
  /// GROUP BY over `input` (the child's rows, or a spill partition at `level` > 0): groups are
  /// hashed in memory up to work_mem; past it, rows of groups not yet held go to partition files
  /// by hash, each aggregated in turn once the input ends (recursively, up to a depth).
  Status AggregateRows(const planner::LogicalPlan& plan, const RowSource& input, int level,
                       const RowVisitor& visit);
  /// Processes a spilling operator's partition files in turn (`process` reads one and writes
  /// its output rows), freeing each when done, until `visit` stops.
  Status DrainPartitions(
      internal::SpillPartitions* partitions, const RowVisitor& visit,
      const std::function<Status(const RowSource& rows, const RowVisitor& out)>& process);
  /// GROUP BY the columnar way when `plan` is an aggregate over [a filter over] a full scan of
  /// a stored table whose expressions the vectorized evaluator compiles (executor_columnar.cc):
  /// true when it produced the groups, false (nothing produced) when the row path must run
  /// instead: another shape, or more groups than work_mem holds (the row path spills them).
  Result<bool> ColumnarAggregate(const planner::LogicalPlan& plan, const RowVisitor& visit);
  /// ORDER BY ... LIMIT the columnar way when the sort's input is a chunk source, directly or
  /// through a projection of plain columns: keys compared on vectors, only the rows that enter
  /// the heap made into Values. False (nothing produced): the row path runs instead.
  Result<bool> ColumnarTopN(const planner::LogicalPlan& sort, size_t limit, size_t offset,
                            const RowVisitor& visit);
  /// Receives a chunk of a plan's rows and the rows of it that are live (ascending).
  using ChunkVisitor =
      std::function<Result<bool>(const StreamChunk& chunk, const std::vector<uint32_t>& rows)>;
  /// Produces a plan's rows as chunks; false when it gave up before producing any (a build side
  /// past work_mem: the row path, which spills, runs instead).
  using ChunkSource = std::function<Result<bool>(const ChunkVisitor& visit)>;
  /// The columnar producer of `plan` (a stored table's full scan, its WHERE, inner hash joins
  /// whose left input is one of those), reading at least the columns `needed` marks; nullopt
  /// for other plans.
  Result<std::optional<ChunkSource>> ChunkSourceFor(const planner::LogicalPlan& plan,
                                                    const ColumnMask& needed);
  Result<std::optional<ChunkSource>> JoinChunkSource(const planner::LogicalPlan& plan,
                                                     const ColumnMask& needed);
  /// DISTINCT [ON] over `input`: each new row is emitted as it is first seen; past work_mem,
  /// rows not yet seen go to partition files by hash and are deduplicated partition by
  /// partition. `ordered`: the input is sorted (DISTINCT ON over ORDER BY), so the output must
  /// keep its order and never spills.
  Status DistinctRows(const planner::LogicalPlan& plan, const RowSource& input, int level,
                      bool ordered, const RowVisitor& visit);
  /// `extra`: conjuncts of a WHERE over an inner join, evaluated with its condition (their
  /// equalities become hash keys; those reading only the left input move into a left inner join).
  Result<RowSet> ExecJoin(const planner::LogicalPlan& plan,
                          std::vector<const planner::BoundExpr*> extra = {});
  /// LATERAL the batch way: the right side run once per left row, that row as its outer row.
  Result<RowSet> ExecLateralJoin(const planner::LogicalPlan& plan,
                                 const std::vector<const planner::BoundExpr*>& extra);
  Result<RowSet> ExecSort(const planner::LogicalPlan& plan);
  /// ORDER BY's rows to a visitor: sorted in memory up to work_mem, else by an external merge
  /// sort over runs in temporary files.
  Status SortRowsTo(const planner::LogicalPlan& plan, const RowVisitor& visit,
                    const ColumnMask* needed);
  Status LimitRows(const planner::LogicalPlan& plan, const RowVisitor& visit);
  /// ORDER BY ... LIMIT: the first `limit` rows after `offset` in `sort`'s order, from a heap.
  Status TopNRows(const planner::LogicalPlan& sort, size_t limit, size_t offset,
                  const RowVisitor& visit);
  /// ExecJoin's rows to a visitor: the right input is built, the left one streams.
  Status JoinRows(const planner::LogicalPlan& plan, std::vector<const planner::BoundExpr*> extra,
                  const RowVisitor& visit);
  /// One hash join's inputs and conditions (executor_join.cc).
  struct HashJoin;
  /// The join key of a left or right input row (placed into `combined`): true when it holds a
  /// NULL (it matches nothing).
  Result<bool> EvalJoinKey(const HashJoin& join, const Row& row, bool right_side, Row* combined,
                           Row* key);
  /// Joins the built rows `right` with the rows of `left` streaming past them; `stopped` is set
  /// when the visitor stops.
  Status HashJoinPass(const HashJoin& join, RowSet& right, const RowSource& left,
                      const RowVisitor& visit, bool* stopped);
  Result<RowSet> ExecDistinct(const planner::LogicalPlan& plan);
  Result<RowSet> ExecSetOp(const planner::LogicalPlan& plan);
  Result<RowSet> ExecWindow(const planner::LogicalPlan& plan);
  Result<RowSet> ExecTableFunction(const planner::LogicalPlan& plan);
  /// The rows one call of a table function gives, its arguments evaluated over `input`.
  Result<RowSet> ExpandTableFunction(const planner::LogicalPlan& plan, const Row& input);
  Result<RowSet> ExecWindowTvf(const planner::LogicalPlan& plan);
  Result<Value> EvalSubquery(const planner::BoundExpr& e, const Row& row);
  /// (a, b, ...) [NOT] IN (subquery) over the subquery's rows (`cached` when uncorrelated).
  Result<Value> EvalRowIn(const planner::BoundExpr& e, const Row& row, const RowSet* rows,
                          const SubqueryCache* cached);
  Status SortRows(RowSet* rows, const std::vector<planner::SortKey>& keys);

  ExecContext& ctx_;
  std::vector<const Row*> outer_rows_;  // enclosing rows for correlated subqueries
  std::unordered_map<const planner::LogicalPlan*, std::shared_ptr<SubqueryCache>> cache_;
  int64_t rows_since_cancel_check_ = 0;
};

/// Orders two rows of sort-key values under `keys` (direction, NULLS FIRST / LAST): <0, 0, >0.
int CompareSortKeys(const Row& a, const Row& b, const std::vector<planner::SortKey>& keys);

/// Splits a join condition over (left ++ right) rows into equality conjuncts whose sides read
/// only the left and only the right input: the keys a hash join (or join state) can index by.
void ExtractEquiKeys(
    const planner::BoundExpr& pred, size_t left_width,
    std::vector<std::pair<const planner::BoundExpr*, const planner::BoundExpr*>>* keys);

/// Session windows over rows already grouped by their keys and sorted by time (`ts` per row,
/// INT64_MIN for NULL): the (start, end) of each row's session. A session is a maximal run of
/// rows each less than `gap` after the previous one; it spans [first time, last time + gap).
void AssignSessions(const std::vector<int64_t>& ts, int64_t gap,
                    std::vector<std::pair<int64_t, int64_t>>* out);

/// Hash and equality over whole rows with GROUP BY semantics (NULLs equal).
struct RowHash {
  size_t operator()(const Row& r) const {
    size_t h = 0x12345;
    for (const Value& v : r) h = h * 1000003 ^ v.Hash();
    return h;
  }
};
struct RowEq {
  bool operator()(const Row& a, const Row& b) const {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
      if (!Value::GroupEquals(a[i], b[i])) return false;
    }
    return true;
  }
};

}  // namespace freshet::executor
