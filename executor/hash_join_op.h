#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// Inner, left, right, full and cross joins over changelogs, with any extra condition. Each input
/// is indexed by its equi-join key (rows with a NULL key never match); every stored row keeps its
/// multiplicity and, on a preserved side of an outer join, its degree (how many rows of the other
/// side it matches), so the NULL-padded row appears or is retracted exactly when the degree
/// reaches or leaves zero. Delta rule, a chunk at a time: dL join R, then L' join dR. Stored rows
/// are encoded (RowCodec) and persisted as they change.
/// Stream joins keep bounded state: from the condition the operator derives when a stored row can
/// no longer match — an interval bound `x.a <= y.b + k` means a y row with b + k below x's
/// watermark on a is dead, and an equality of two event-time columns (a window join) is two such
/// bounds — and drops those rows at the barrier as watermarks advance.
class HashJoinOp : public StreamOperator {
 public:
  /// `left_times` / `right_times`: the inputs' columns that carry watermarks (bounds on other
  /// columns cannot drop state).
  static Result<std::unique_ptr<HashJoinOp>> Make(
      EpochContext& ctx, const planner::LogicalPlan& plan, const function::EvalContext& eval,
      uint64_t state_id, const std::set<int>& left_times = {},
      const std::set<int>& right_times = {}, const planner::BoundExpr* predicate = nullptr);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override { return sides_[0].rows + sides_[1].rows; }
  bool Unbounded() const override {
    if (sides_[0].lookup_only) return false;  // the table side is as large as the table
    return sides_[0].evict_column < 0 || sides_[1].evict_column < 0;
  }
  /// Whether watermarks can drop state here (its sources must then send them).
  bool Evicts() const { return sides_[0].evict_column >= 0 || sides_[1].evict_column >= 0; }
  /// Marks the stream side of a lookup join (FOR SYSTEM_TIME AS OF PROCTIME()): its rows are
  /// matched against the table side's current rows and not kept, so later table changes do not
  /// revise them.
  void SetLookup() { sides_[0].lookup_only = true; }

 protected:
  Status OnBarrier() override;
  Status OnWatermark(int port, int column, int64_t value) override;

 private:
  struct Entry {
    std::string row;
    int64_t mult = 0;
    int64_t degree = 0;
    int64_t time = INT64_MIN;  // the side's eviction column
  };
  /// The rows of one side with one join key.
  struct Bucket {
    std::vector<Entry> entries;
    /// Row bytes -> entry index, built once a bucket holds many rows.
    std::unique_ptr<absl::flat_hash_map<std::string, uint32_t>> index;
    int Find(std::string_view row) const;
    uint32_t Add(std::string row);
    void Remove(uint32_t i);
  };
  struct Side {
    std::vector<std::unique_ptr<ExpressionEvaluator>> keys;
    std::vector<SqlType> types;
    size_t width = 0;
    size_t offset = 0;  // first column in the joined row
    absl::flat_hash_map<std::string, Bucket> buckets;
    size_t rows = 0;
    bool keep = false;  // preserved side of an outer join
    bool lookup_only = false;
    /// Eviction: rows whose `evict_column` + `evict_offset` is below the other side's watermark
    /// on `other_column` are dead.
    int evict_column = -1;
    int64_t evict_offset = 0;
    int other_column = -1;
    std::multimap<int64_t, std::string> by_time;  // entry time -> join key (may hold stale keys)
    std::map<int, int64_t> watermarks;            // this side's input watermarks per column
  };
  struct Candidate {
    uint32_t row;  // input row
    Entry* entry;  // the other side's entry
  };

  HashJoinOp(EpochContext& ctx, const planner::LogicalPlan& plan, uint64_t state_id);
  Status ProcessSegment(int s, StreamChunk& chunk, size_t begin, size_t end);
  /// Appends `src` row `i` into the columns of side `s` of `out` (the other side NULL).
  void AppendPadded(int s, const StreamChunk& src, size_t i, int64_t w, StreamChunk* out);
  Status AppendPaddedEntry(int s, const Entry& e, int64_t w, StreamChunk* out);
  void PersistEntry(int s, const std::string& key, const Entry& e);
  /// Drops the rows of side `s` that can no longer match (by the other side's watermark).
  void Evict(int s);
  Status FlushOut();

  const planner::LogicalPlan& plan_;
  const planner::BoundExpr* predicate_;  // the join condition (WHERE conjuncts pushed in too)
  StateTable state_;
  Side sides_[2];
  std::unique_ptr<ExpressionEvaluator> residual_;
  std::string key_text_;
  std::vector<std::pair<int, int>> key_columns_;  // equi-key pairs of plain columns (left, right)
  // Per-chunk scratch.
  std::vector<std::string> keys_;  // join key per input row
  std::vector<uint8_t> has_key_;
  std::vector<const Vector*> key_vectors_;
  StreamChunk candidates_;
  std::vector<Candidate> cands_;
  std::vector<uint32_t> cand_begin_;  // per segment row: first candidate
  Selection matched_;
  std::vector<uint8_t> match_;
  StreamChunk out_;
  std::string row_buf_, state_key_, value_buf_;
};

}  // namespace freshet::executor
