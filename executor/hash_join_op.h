#pragma once

#include <memory>
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
class HashJoinOp : public StreamOperator {
 public:
  static Result<std::unique_ptr<HashJoinOp>> Make(EpochContext& ctx,
                                                  const planner::LogicalPlan& plan,
                                                  const function::EvalContext& eval,
                                                  uint64_t state_id);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override { return sides_[0].rows + sides_[1].rows; }
  bool Unbounded() const override { return true; }

 private:
  struct Entry {
    std::string row;
    int64_t mult = 0;
    int64_t degree = 0;
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
  Status FlushOut();

  const planner::LogicalPlan& plan_;
  StateTable state_;
  Side sides_[2];
  std::unique_ptr<ExpressionEvaluator> residual_;
  std::string key_text_;
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
