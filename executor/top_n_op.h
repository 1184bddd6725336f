#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "executor/executor.h"
#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// ORDER BY ... LIMIT n [OFFSET m], per partition (DISTINCT ON keys, or one partition): every
/// input row is kept in sort order as a multiset; at the barrier each partition touched in the
/// epoch emits the difference between its old and new window of rows m..m+n. Ties are broken by
/// the whole row, so the window is deterministic.
class TopNOp : public StreamOperator {
 public:
  static Result<std::unique_ptr<TopNOp>> Make(
      EpochContext& ctx, const std::vector<planner::SortKey>& keys, int64_t limit, int64_t offset,
      const std::vector<planner::BoundExprPtr>* partition_by, std::vector<SqlType> types,
      const function::EvalContext& eval, uint64_t state_id);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override;
  bool Unbounded() const override { return true; }

 protected:
  Status OnBarrier() override;

 private:
  using Entry = std::pair<Row, Row>;  // (sort key, row)
  struct EntryLess {
    const std::vector<planner::SortKey>* keys;
    bool operator()(const Entry& a, const Entry& b) const;
  };
  using Ordered = std::map<Entry, int64_t, EntryLess>;
  using Bag = std::unordered_map<Row, int64_t, RowHash, RowEq>;
  struct Partition {
    Ordered rows;
    bool dirty = false;
    Bag before;
  };

  TopNOp(EpochContext& ctx, const std::vector<planner::SortKey>& keys, int64_t limit,
         int64_t offset, bool partitioned, std::vector<SqlType> types, uint64_t state_id);
  Bag Window(const Ordered& rows) const;
  Partition& Touch(const std::string& pkey);
  std::string EntryKey(const std::string& pkey, const Row& row) const;

  const std::vector<planner::SortKey>& keys_;
  int64_t limit_, offset_;
  bool partitioned_;
  std::vector<SqlType> types_;
  std::vector<SqlType> key_types_;
  StateTable state_;
  std::vector<std::unique_ptr<ExpressionEvaluator>> partition_exprs_, key_exprs_;
  absl::flat_hash_map<std::string, Partition> partitions_;
  std::vector<std::string> dirty_;
  StreamChunk out_;
  std::string value_buf_;
};

}  // namespace freshet::executor
