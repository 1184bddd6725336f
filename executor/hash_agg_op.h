#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// GROUP BY with retractable aggregates. Per group it keeps the row count and, per aggregate,
/// counts, exact integer / numeric sums (and sums of squares), true/false counts; min, max,
/// count(DISTINCT) and string_agg keep an ordered value -> count multiset shared by all groups,
/// so deleting the current extreme finds the next one. Changes only update state; at the barrier
/// every group touched in the epoch emits -old +new once (nothing when unchanged). A global
/// aggregate (no GROUP BY) always has exactly one row, also over an empty input. State persists
/// at barriers: dirty groups are written once per epoch, multiset entries as they change.
/// Windowed: when a group key is an event-time column (a window bound), a watermark on it means
/// groups below it are final: their state is dropped at the barrier (their output stays), and with
/// EMIT ON WINDOW CLOSE they are emitted only then, once; the watermark moves on downstream.
class HashAggOp : public StreamOperator {
 public:
  /// 0A000 for aggregates a dataflow cannot maintain exactly.
  /// `window_key`: the group expression that is an event-time column, or -1; `emit_on_close`:
  /// emit groups only when the watermark closes them; `append_only`: the input never retracts
  /// (min and max then keep only the extreme).
  static Result<std::unique_ptr<HashAggOp>> Make(
      EpochContext& ctx, const planner::LogicalPlan& plan, const function::EvalContext& eval,
      uint64_t state_id, int window_key = -1, bool emit_on_close = false, bool append_only = false);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override { return index_.size(); }
  bool Unbounded() const override { return !global_ && window_key_ < 0; }

 protected:
  Status OnBarrier() override;
  Status OnWatermark(int port, int column, int64_t value) override;

 private:
  struct Acc {
    int64_t count = 0;  // non-NULL inputs (rows passing FILTER for count(*))
    __int128 int_sum = 0;
    Decimal dec_sum;
    Decimal dec_sumsq;
    int64_t true_count = 0;
    int64_t false_count = 0;
    int64_t distinct = 0;  // count(DISTINCT): values with a positive count
    Value extreme;         // min/max over an append-only input
  };
  struct Group {
    std::string key;     // canonical group key
    std::string values;  // the group-by values as first seen (RowCodec)
    int64_t rows = 0;
    int32_t before = -1;  // row of before_ with this group's output at the epoch's start
    bool dirty = false;
    int64_t window = INT64_MIN;  // the window key's value (windowed aggregates)
    uint32_t generation = 0;     // bumped when the slot is reused (stale by_window_ entries)
    std::vector<Acc> accs;
  };
  /// The group index holds slots and hashes / compares them by their group's key, so a key is
  /// stored once (in its Group) and lookups by string_view need no copy.
  struct SlotHash {
    using is_transparent = void;
    const std::vector<Group>* groups;
    size_t operator()(std::string_view k) const { return absl::Hash<std::string_view>()(k); }
    size_t operator()(uint32_t s) const { return (*this)((*groups)[s].key); }
  };
  struct SlotEq {
    using is_transparent = void;
    const std::vector<Group>* groups;
    std::string_view Key(uint32_t s) const { return (*groups)[s].key; }
    std::string_view Key(std::string_view k) const { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Key(a) == Key(b);
    }
  };
  struct Agg {
    const planner::AggregateCall* call;
    std::unique_ptr<ExpressionEvaluator> arg, filter, sep;
    std::vector<std::unique_ptr<ExpressionEvaluator>> order;
    int multiset = -1;  // index into multisets_ (min/max/count DISTINCT/string_agg)
  };
  struct Entry {
    int64_t count = 0;
    Row value;  // the value (string_agg: value, separator) as first seen
  };
  using Multiset = std::map<std::string, Entry>;

  HashAggOp(EpochContext& ctx, const planner::LogicalPlan& plan, uint64_t state_id);
  uint32_t FindOrCreate(const std::string& key, const StreamChunk& groups, size_t row);
  /// Appends the group's current output row to `out`.
  Status AppendOutput(const Group& g, StreamChunk* out);
  Status UpdateMultiset(size_t a, Group& g, Acc& acc, const std::string& okey, const Vector& value,
                        const Vector* sep, size_t row, int64_t w);
  void PersistGroup(const Group& g);
  /// Drops a group's state (its persisted entry and multiset entries) and frees its slot.
  void DropGroup(uint32_t slot);
  /// Closes the groups the watermark passed: emitted first with EMIT ON WINDOW CLOSE.
  Status CloseWindows();
  std::string EncodeGroup(const Group& g) const;
  Status DecodeGroup(std::string_view in, Group* g) const;

  const planner::LogicalPlan& plan_;
  StateTable state_;
  bool global_;
  bool started_ = false;  // the global row has been emitted
  std::vector<std::unique_ptr<ExpressionEvaluator>> group_exprs_;
  std::vector<SqlType> group_types_;
  std::vector<Agg> aggs_;
  std::vector<Multiset> multisets_;
  std::vector<Group> groups_;
  absl::flat_hash_set<uint32_t, SlotHash, SlotEq> index_{0, SlotHash{&groups_}, SlotEq{&groups_}};
  std::vector<uint32_t> free_;
  std::vector<uint32_t> dirty_;
  int window_key_ = -1;
  bool append_only_ = false;
  bool emit_on_close_ = false;
  int64_t watermark_ = INT64_MIN;  // on the window key's input column
  int64_t closed_ = INT64_MIN;     // windows below this are closed
  // Window value -> (slot, generation) of its groups; dropped groups leave stale entries behind.
  std::map<int64_t, std::vector<std::pair<uint32_t, uint32_t>>> by_window_;
  StreamChunk group_values_;  // this chunk's group-by values
  StreamChunk before_, after_, out_;
  std::string key_buf_, okey_buf_, value_buf_;
  std::vector<const Vector*> args_, filters_, seps_;
  std::vector<std::vector<const Vector*>> orders_;
};

}  // namespace freshet::executor
