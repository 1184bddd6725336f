#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "executor/executor.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// One change to a relation: a row and its signed multiplicity (+1 inserted, -1 deleted; an
/// update is -old +new). A batch of changes is a Z-set delta in the DBSP sense.
struct Change {
  Row row;
  int64_t weight;
};
using ChangeSet = std::vector<Change>;

/// Strict weak order on values in SQL order (NULLs last), for ordered multisets.
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Value::Compare(a, b) < 0; }
};

/// A materialized view maintained change by change. Compiled from a bound query over one base
/// table of the shape  Scan -> [Filter] -> [Project] -> [Aggregate -> [Filter] -> Project]
/// (ORDER BY without LIMIT is ignored: a view is a multiset). Each incremental step is the DBSP
/// delta rule of its operator: filter and project are linear; the aggregate keeps per-group state
/// that can be retracted (counts, exact sums, min/max as value->count multisets) and emits
/// -old/+new rows for the groups a batch touched. The contents always equal the query's answer
/// over the base table; shapes this cannot guarantee are refused with 0A000 at compile time.
class IncrementalView {
 public:
  /// Compiles a plan; 0A000 naming the unsupported part otherwise.
  static Result<std::unique_ptr<IncrementalView>> Compile(
      std::shared_ptr<const planner::LogicalPlan> plan);

  ~IncrementalView();

  /// The base table whose changes feed the view.
  uint64_t source_table_id() const { return source_table_id_; }

  /// Applies a batch of base-table changes. After an error the state is undefined and the owner
  /// must rebuild the view.
  Status Apply(const ChangeSet& changes, Executor& exec);

  /// The current contents, each row repeated by its multiplicity.
  RowSet Contents() const;
  /// Number of distinct groups (aggregating views) or distinct rows kept as state.
  size_t StateSize() const;

 private:
  struct AggState;
  struct Group;

  IncrementalView() = default;
  Status ApplyLinear(const ChangeSet& changes, Executor& exec, ChangeSet* out);
  Status ApplyAggregate(const ChangeSet& changes, Executor& exec, ChangeSet* out);
  Result<Row> GroupOutput(const Row& key, const Group& group) const;
  static void Accumulate(std::unordered_map<Row, int64_t, RowHash, RowEq>* bag,
                         const ChangeSet& changes);

  std::shared_ptr<const planner::LogicalPlan> plan_;  // owns the expressions below
  uint64_t source_table_id_ = 0;
  // Before the aggregate (over base rows).
  const planner::BoundExpr* pre_filter_ = nullptr;
  const std::vector<planner::BoundExprPtr>* pre_project_ = nullptr;
  // The aggregate and what follows it.
  const planner::LogicalPlan* aggregate_ = nullptr;
  const planner::BoundExpr* having_ = nullptr;
  const std::vector<planner::BoundExprPtr>* post_project_ = nullptr;

  std::unordered_map<Row, std::unique_ptr<Group>, RowHash, RowEq> groups_;
  std::unordered_map<Row, int64_t, RowHash, RowEq> contents_;
};

}  // namespace freshet::executor
