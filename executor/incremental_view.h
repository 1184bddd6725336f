#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
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
/// A batch of base-table changes, by table id.
using BaseChanges = std::map<uint64_t, ChangeSet>;

/// Strict weak order on values in SQL order (NULLs last), for ordered multisets.
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Value::Compare(a, b) < 0; }
};

/// A node of an incremental dataflow: turns the delta of its inputs into the delta of its
/// output, keeping whatever state its delta rule needs.
class DeltaOperator {
 public:
  virtual ~DeltaOperator() = default;
  /// Output changes caused by `base` (changes of the base tables in one committed batch).
  virtual Status Apply(const BaseChanges& base, Executor& exec, ChangeSet* out) = 0;
  /// Entries of state kept (rows, groups); for tests and EXPLAIN.
  virtual size_t StateSize() const = 0;
  /// EXPLAIN lines for this operator and its inputs: what it does and what state it keeps.
  virtual void Describe(int indent, std::vector<std::string>* out) const = 0;
};

/// A materialized view maintained change by change. Compiled from a bound query into a tree of
/// delta operators (DBSP's rules): filter and project map each change; inner and outer
/// equi-joins keep both inputs indexed by key with per-row match degrees; aggregates keep
/// retractable per-group state (counts, exact sums, min/max as value->count multisets) and emit
/// -old/+new for touched groups; DISTINCT and set operations keep row counts. The contents always
/// equal the query's answer over the base tables; shapes this cannot guarantee are refused with
/// 0A000 when the view is created.
/// What a compiled view owns besides its operators: its source tables and the expressions the
/// compiler rewrote (operators refer to them).
struct Arena {
  std::set<uint64_t> sources;
  std::vector<std::unique_ptr<std::vector<planner::BoundExprPtr>>> lists;
  std::vector<std::shared_ptr<const planner::LogicalPlan>> plans;
  /// Binds another materialized view's definition, so views over views compile down to the base
  /// tables.
  std::function<Result<std::shared_ptr<const planner::LogicalPlan>>(const planner::TableDef&)>
      expand_view;
};

class IncrementalView {
 public:
  ~IncrementalView();
  /// Compiles a plan; 0A000 naming the unsupported part otherwise.
  static Result<std::unique_ptr<IncrementalView>> Compile(
      std::shared_ptr<const planner::LogicalPlan> plan,
      std::function<Result<std::shared_ptr<const planner::LogicalPlan>>(const planner::TableDef&)>
          expand_view = nullptr);

  /// The base tables whose changes feed the view.
  const std::set<uint64_t>& sources() const { return arena_.sources; }

  /// Applies one batch of committed base-table changes. After an error the state is undefined
  /// and the owner must rebuild the view.
  Status Apply(const BaseChanges& changes, Executor& exec);

  /// The current contents, each row repeated by its multiplicity.
  RowSet Contents() const;
  /// Total state entries over all operators.
  size_t StateSize() const;
  /// The dataflow, one line per operator (EXPLAIN CREATE MATERIALIZED VIEW).
  std::vector<std::string> Explain() const;

 private:
  IncrementalView() = default;

  std::shared_ptr<const planner::LogicalPlan> plan_;  // owns the expressions the operators use
  Arena arena_;  // declared before root_: operators refer into it
  std::unique_ptr<DeltaOperator> root_;
  std::unordered_map<Row, int64_t, RowHash, RowEq> contents_;
};

}  // namespace freshet::executor
