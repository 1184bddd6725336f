#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "executor/materialize_op.h"
#include "executor/source_operator.h"
#include "executor/source_scan_op.h"
#include "executor/stream_operator.h"
#include "function/eval_context.h"
#include "planner/logical_plan.h"
#include "storage/log.h"
#include "storage/store.h"

namespace freshet::executor {

/// How a view's results are emitted.
struct ViewOptions {
  /// EMIT ON WINDOW CLOSE: windowed aggregates emit each window once, when the watermark passes
  /// it (and drop its state).
  bool emit_on_window_close = false;
  /// WITH (allowed_lateness = '...'): windows stay open that much longer for late rows.
  int64_t allowed_lateness = 0;
  /// A sink: the dataflow ends in a blackhole instead of keeping view rows.
  bool blackhole_sink = false;
  /// A sink with an external connector: the dataflow ends in an outbox of its changes per epoch
  /// (OutboxSinkOp), which the connector delivers.
  bool outbox_sink = false;
  std::string sink_name;
};

/// Binds another materialized view's definition, so views over views compile down to tables.
using ExpandView =
    std::function<Result<std::shared_ptr<const planner::LogicalPlan>>(const planner::TableDef&)>;

/// A compiled materialized view: a tree of stream operators from its sources (table scans,
/// constants) to the MaterializeOp that keeps its rows, plus what the operators refer to (bound
/// plans, rewritten expressions, the evaluation context). Every operator's state lives under the
/// dataflow's id in Space::kState: state table (id << 16) + k, k = 0 being the view's rows.
/// Driven by one thread at a time (the stream engine's worker).
class Dataflow {
 public:
  ~Dataflow();
  /// Compiles a bound query for view `id`; 0A000 naming what cannot be maintained.
  static Result<std::unique_ptr<Dataflow>> Build(uint64_t id,
                                                 std::shared_ptr<const planner::LogicalPlan> plan,
                                                 storage::Store& store, storage::Log& log,
                                                 ExpandView expand, ViewOptions options = {});

  uint64_t id() const { return id_; }
  EpochContext& ctx() { return ctx_; }
  const std::vector<SourceOperator*>& sources() const { return sources_; }
  /// The view's rows (null for a sink).
  MaterializeOp* sink() { return sink_; }
  /// Changes a sink discarded (0 for a view).
  int64_t sink_changes() const;
  /// True when its output changes as wall-clock time passes, without new input (temporal
  /// filters, partitions turning idle): the engine then runs its epochs on schedule.
  bool TimeDriven() const { return time_driven_; }
  /// The tables whose changes feed the view.
  const std::set<uint64_t>& tables() const { return tables_; }
  const std::vector<SqlType>& types() const { return types_; }
  /// The columns (of the view's rows) that identify a row, when the plan has a unique key: the
  /// view's rows are stored by it, and point lookups build it.
  const std::optional<std::vector<int>>& contents_key() const { return contents_key_; }

  /// Reloads every operator's persisted state.
  Status Restore(storage::Store& store);
  /// EXPLAIN lines, from the view down to its sources.
  std::vector<std::string> Explain() const;
  /// In-memory state entries over all operators.
  size_t StateSize() const;
  /// Bytes its operators hold for the current epoch until the barrier (StreamOperator::EpochBytes).
  size_t EpochBytes() const;

  static uint64_t StateId(uint64_t id, uint32_t k) { return (id << 16) | k; }
  /// The view's rows (MaterializeOp's state table).
  static uint64_t ContentsStateId(uint64_t id) { return StateId(id, 0); }
  /// The rows its sources diverted as late.
  static uint64_t LateRowsStateId(uint64_t id) { return StateId(id, 0xffff); }
  /// The scans of sources (watermarks, late rows).
  const std::vector<SourceScanOp*>& source_scans() const { return source_scans_; }
  /// Key range in Space::kState holding all of a dataflow's state.
  static std::string StateBegin(uint64_t id);
  static std::string StateEnd(uint64_t id);

 private:
  friend class DataflowBuilder;
  Dataflow() = default;

  uint64_t id_ = 0;
  std::optional<std::vector<int>> contents_key_;
  EpochContext ctx_;
  function::EvalContext eval_;
  std::vector<std::shared_ptr<const planner::LogicalPlan>> plans_;
  std::vector<std::unique_ptr<std::vector<planner::BoundExprPtr>>> lists_;
  std::vector<std::unique_ptr<StreamOperator>> ops_;
  std::vector<SourceOperator*> sources_;
  std::vector<SourceScanOp*> source_scans_;
  MaterializeOp* sink_ = nullptr;
  StreamOperator* root_ = nullptr;  // the last operator (MaterializeOp or BlackholeOp)
  std::set<uint64_t> tables_;
  std::vector<SqlType> types_;
  bool time_driven_ = false;
};

}  // namespace freshet::executor
