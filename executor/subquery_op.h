#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "executor/executor.h"
#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// One subquery expression (scalar, EXISTS or IN) evaluated for every row of its outer input,
/// which the operator extends by one column holding the subquery's value. It keeps the inner rows
/// and, per distinct outer row, a retractable summary of the inner rows that match the
/// correlation predicate (an aggregate state, a match count, or IN's true/NULL counts). The
/// correlation is decorrelated like a join: its equalities between outer and inner columns key
/// both sides, so an inner change visits only the outer rows with its key and a new outer row
/// reads only the inner rows with its key; the rest of the predicate is checked per pair. Port 0
/// is the outer input, port 1 the inner one. The inner and outer rows persist; the summaries are
/// derived from them again at restore.
class SubqueryOp : public StreamOperator {
 public:
  struct Spec {
    planner::SubqueryKind kind;
    bool negated = false;
    const planner::LogicalPlan* aggregate = nullptr;  // scalar subquery over a global aggregate
    const planner::BoundExpr* value = nullptr;  // scalar/IN: select expression (inner or agg row)
    const planner::BoundExpr* lhs = nullptr;    // IN: left operand (outer row)
    planner::BoundExprPtr correlation;          // over (outer ++ inner); null = every inner row
    SqlType type;
  };

  SubqueryOp(EpochContext& ctx, Spec spec, std::vector<SqlType> outer_types,
             std::vector<SqlType> inner_types, uint64_t state_id);
  ~SubqueryOp() override;

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override;
  bool Unbounded() const override { return true; }

 protected:
  Status OnBarrier() override;

 private:
  struct Entry;
  using Bag = std::unordered_map<Row, int64_t, RowHash, RowEq>;

  Result<bool> Matches(const Row& o, const Row& x);
  /// The correlation key of an outer (or inner) row; nullopt when a key value is NULL (such a row
  /// matches nothing).
  Result<std::optional<std::string>> KeyOf(const Row& row, bool outer);
  Status AddOuter(const Row& row, const std::string* key, std::unique_ptr<Entry>* out);
  Status Update(Entry* e, const Row& o, const Row& x, int64_t w);
  Result<Value> ValueOf(const Entry& e) const;
  Status Remember(const Row& o, const Entry& e);
  void PersistRow(char tag, const Row& row, int64_t count);

  Spec spec_;
  std::vector<SqlType> outer_types_, inner_types_;
  StateTable state_;
  std::unordered_map<Row, std::unique_ptr<Entry>, RowHash, RowEq> outers_;
  /// Correlation equalities: (outer expression over the outer row, inner one over the inner row).
  std::vector<std::pair<planner::BoundExprPtr, planner::BoundExprPtr>> keys_;
  planner::BoundExprPtr residual_;  // the rest of the correlation, over (outer ++ inner)
  /// Inner rows by correlation key ("" when uncorrelated); rows with a NULL key are kept apart.
  std::unordered_map<std::string, Bag> inner_by_key_;
  Bag null_key_inner_;
  /// Outer rows by correlation key.
  std::unordered_map<std::string, std::vector<const Row*>> outers_by_key_;
  std::unordered_map<Row, std::pair<int64_t, Value>, RowHash, RowEq> before_;
  Row combined_;
  ExecContext exec_ctx_;
  Executor exec_;
  StreamChunk out_;
};

}  // namespace freshet::executor
