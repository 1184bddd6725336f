#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "executor/dataflow.h"
#include "executor/source_scan_op.h"
#include "planner/column_usage.h"

namespace freshet::executor {

/// Compiles a bound query into a Dataflow, one delta rule per plan node (DBSP): scans become
/// table sources, filters and projections stay linear, aggregates / joins / DISTINCT / set
/// operations / top-N / window functions / subqueries get their stateful operators, and views over
/// materialized views expand to their definitions. Refuses, with 0A000 naming the reason, any
/// shape whose maintenance would not be exact (time-dependent functions, float sums, string_agg
/// without ORDER BY, LIMIT without ORDER BY, ...).
class DataflowBuilder {
 public:
  DataflowBuilder(Dataflow& df, storage::Store& store, storage::Log& log, ExpandView expand)
      : df_(df), store_(store), log_(log), expand_(std::move(expand)) {}

  /// Builds the operators for `plan` and returns the one producing its rows.
  Result<StreamOperator*> Build(const planner::LogicalPlan& plan);
  /// A unique key of the plan's output rows (column indexes), when one is known; an empty key
  /// means at most one row.
  static std::optional<std::vector<int>> UniqueKey(const planner::LogicalPlan& plan);

  uint32_t NextStateId() { return next_state_++; }
  /// Whether the plan built so far has window TVFs (its sources then divert late rows).
  bool has_windows() const { return windows_; }
  /// Whether some aggregate closes windows by watermark (what EMIT ON WINDOW CLOSE needs).
  bool has_window_close() const { return window_close_; }
  void set_view_options(const ViewOptions& o) { view_options_ = o; }
  /// Output columns of a plan that carry event-time watermarks (a watermarked source's time
  /// column, window bounds over it, and what passes them on unchanged).
  static std::set<int> EventTimeColumns(const planner::LogicalPlan& p);
  /// Whether the plan's output only ever grows (no change retracts a row): sources through
  /// filters, projections, non-session windows, inner and lookup joins, UNION ALL, and windowed
  /// aggregates that emit on window close.
  static bool AppendOnly(const planner::LogicalPlan& p, bool emit_on_window_close);
  /// Whether a plan's rows come from a source with a WATERMARK through row-wise operators (so
  /// event-time state over them can be bounded by watermarks).
  static bool WatermarkedInput(const planner::LogicalPlan& p);
  /// Which scan columns the plan reads (generators skip the rest); set before Build.
  void set_column_usage(std::unique_ptr<planner::ColumnUsage> usage) { usage_ = std::move(usage); }
  /// How sources are read (watermarks and lateness); set before Build.
  void set_source_options(const SourceScanOptions& o) { source_options_ = o; }

 private:
  template <typename T>
  T* Own(std::unique_ptr<T> op) {
    T* raw = op.get();
    df_.ops_.push_back(std::move(op));
    return raw;
  }
  uint64_t StateId() { return Dataflow::StateId(df_.id_, NextStateId()); }
  /// Compiles the subqueries inside `exprs` (over rows `width` columns wide, produced by `*op`)
  /// into SubqueryOps extending each row by one column per subquery, and rewrites the
  /// expressions to read those columns.
  Status CompileSubqueries(const std::vector<const planner::BoundExpr*>& exprs,
                           const std::vector<SqlType>& input_types, StreamOperator** op,
                           std::vector<planner::BoundExprPtr>* rewritten);
  Result<StreamOperator*> Filter(const planner::BoundExpr& pred, StreamOperator* input);
  /// A join, with WHERE conjuncts above it pushed in: those over one side filter that side
  /// before the join, those over both join the condition (a comma join becomes a hash join).
  Result<StreamOperator*> BuildJoin(const planner::LogicalPlan& p,
                                    const std::vector<const planner::BoundExpr*>& pushed);
  Result<StreamOperator*> Project(const std::vector<const planner::BoundExpr*>& exprs,
                                  StreamOperator* input);

  Dataflow& df_;
  storage::Store& store_;
  storage::Log& log_;
  ExpandView expand_;
  uint32_t next_state_ = 1;  // 0 is the view's rows
  SourceScanOptions source_options_;
  bool windows_ = false;
  bool window_close_ = false;
  ViewOptions view_options_;
  std::unique_ptr<planner::ColumnUsage> usage_;
  int expand_depth_ = 0;
};

}  // namespace freshet::executor
