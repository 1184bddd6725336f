#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/stream_chunk.h"
#include "storage/store.h"

namespace freshet::executor {

/// What the operators of one dataflow share about the epoch being processed.
struct EpochContext {
  uint64_t epoch = 0;
  /// This epoch's state changes (set by the dataflow's owner before any input is pushed).
  storage::WriteBatch* batch = nullptr;
  /// True while the dataflow replays its backfill snapshot (nothing is readable yet).
  bool backfilling = false;
  /// Set by the dataflow's owner: called every kBudgetCheckChunks emitted chunks; an error
  /// stops the epoch (a view whose state or pending changes passed its memory budget), so one
  /// input chunk that fans out into millions of rows is stopped part-way.
  std::function<Status()> check_budget;
  uint32_t emitted_chunks = 0;
  static constexpr uint32_t kBudgetCheckChunks = 64;
};

/// One operator's persisted state: the keys of Space::kState that start with its state table id
/// (8 bytes, big-endian). Writes go into the current epoch's batch, so they commit atomically
/// with every other operator's state and the consumed log offsets.
class StateTable {
 public:
  StateTable() = default;
  /// `space`: kState for operator state, kView for what readers read (view rows, late rows).
  explicit StateTable(uint64_t id, storage::Space space = storage::Space::kState);

  uint64_t id() const { return id_; }
  storage::Space space() const { return space_; }
  /// The full store key of an operator key.
  const std::string& Key(std::string_view key);
  void Put(EpochContext& ctx, std::string_view key, std::string_view value);
  void Delete(EpochContext& ctx, std::string_view key);
  /// Visits every persisted entry in key order (keys without the table prefix).
  Status Scan(
      storage::Store& store,
      const std::function<Status(std::string_view key, std::string_view value)>& visit) const;
  /// Key range [begin, end) of the table in Space::kState.
  std::string Begin() const { return prefix_; }
  std::string End() const;

 private:
  uint64_t id_ = 0;
  storage::Space space_ = storage::Space::kState;
  std::string prefix_;
  std::string key_;
};

/// A node of a dataflow: receives chunks of changes on its input ports, emits chunks of changes
/// to the one operator downstream, and keeps whatever state its delta rule needs. Barriers travel
/// behind the data: when every input has delivered the barrier of the current epoch, the operator
/// flushes what it buffered (OnBarrier), then passes the barrier on. Operators are driven by one
/// thread at a time; a virtual call per chunk, never per row.
class StreamOperator {
 public:
  StreamOperator(EpochContext& ctx, int input_count) : ctx_(ctx), input_count_(input_count) {}
  virtual ~StreamOperator() = default;

  /// Connects `input`'s output to port `port` of this operator.
  void AddInput(StreamOperator* input);
  const std::vector<StreamOperator*>& inputs() const { return inputs_; }

  /// A chunk of changes arriving on `port`. The operator may modify or reuse the chunk.
  virtual Status Push(int port, StreamChunk& chunk) = 0;
  /// The barrier of the current epoch arriving on `port`.
  Status Barrier(int port);
  /// A watermark on column `column` of input `port`: no later change on that input has a smaller
  /// value in that column (rows behind it were diverted as late rows at the source).
  Status Watermark(int port, int column, int64_t value) { return OnWatermark(port, column, value); }
  /// Reloads state persisted at earlier barriers (at startup, instead of recomputing).
  virtual Status Restore(storage::Store& store) { return Status::OK(); }

  /// One EXPLAIN line for this operator: what it does and the state it keeps.
  virtual std::string Describe() const = 0;
  /// Entries of in-memory state (rows, groups): for tests, EXPLAIN and system relations.
  virtual size_t StateSize() const { return 0; }
  /// Whether the state grows without bound over an unbounded input.
  virtual bool Unbounded() const { return false; }
  /// Bytes held for the current epoch until its barrier (changes consolidated before they are
  /// written): counted with the epoch's write batch against the epoch's memory budget.
  virtual size_t EpochBytes() const { return 0; }

  /// EXPLAIN lines for the subtree rooted here.
  void Explain(int indent, std::vector<std::string>* out) const;
  /// State entries of the subtree rooted here.
  size_t TotalStateSize() const;
  /// EpochBytes of the subtree rooted here.
  size_t TotalEpochBytes() const;

 protected:
  /// Runs once all inputs delivered the barrier: emit buffered output, persist state.
  virtual Status OnBarrier() { return Status::OK(); }
  Status Emit(StreamChunk& chunk) {
    if (chunk.empty() || !output_) return Status::OK();
    if (++ctx_.emitted_chunks % EpochContext::kBudgetCheckChunks == 0 && ctx_.check_budget) {
      RETURN_IF_ERROR(ctx_.check_budget());
    }
    return output_->Push(output_port_, chunk);
  }
  /// Handles an input watermark; by default it stops here (the operator cannot say how its
  /// output columns relate to it).
  virtual Status OnWatermark(int port, int column, int64_t value) { return Status::OK(); }
  Status EmitWatermark(int column, int64_t value) {
    if (!output_) return Status::OK();
    return output_->Watermark(output_port_, column, value);
  }
  /// Forwards the barrier without waiting for inputs (sources).
  Status ForwardBarrier();

  EpochContext& ctx_;

 private:
  int input_count_;
  int arrived_ = 0;
  std::vector<StreamOperator*> inputs_;
  StreamOperator* output_ = nullptr;
  int output_port_ = 0;
};

}  // namespace freshet::executor
