#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "executor/stream_operator.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// SESSION windows per key: the rows of each key are kept in time order; a session is a maximal
/// run of rows each less than `gap` after the previous one, spanning [first time, last time +
/// gap). A change can merge or split sessions, so at the barrier every key touched in the epoch
/// re-derives its rows' sessions and emits the difference (-row with the old bounds, +row with the
/// new). Once the watermark passes a session's end nothing can join it: its rows leave the state
/// (their output stays), so state is bounded by the open sessions.
class SessionWindowOp : public StreamOperator {
 public:
  /// `bounded`: the input carries watermarks on the time column (closed sessions leave).
  SessionWindowOp(EpochContext& ctx, const planner::WindowSpec& window,
                  const std::vector<SqlType>& output_types, uint64_t state_id, bool bounded);
  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override;
  bool Unbounded() const override { return !bounded_; }

 protected:
  Status OnBarrier() override;
  Status OnWatermark(int port, int column, int64_t value) override;

 private:
  /// Row bytes -> multiplicity, per time.
  using Rows = std::map<int64_t, std::vector<std::pair<std::string, int64_t>>>;
  struct Key {
    Rows rows;
    bool dirty = false;
    /// (row, session start, session end) -> multiplicity, before this epoch's changes.
    std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> before;
  };
  /// The key's rows with their session bounds.
  std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> Assign(const Rows& rows) const;
  std::string EntryKey(const std::string& key, int64_t ts, const std::string& row) const;
  Status EmitRow(const std::string& row, int64_t start, int64_t end, int64_t w);

  planner::WindowSpec window_;
  size_t input_width_;
  StateTable state_;
  absl::flat_hash_map<std::string, Key> keys_;
  std::vector<std::string> dirty_;
  bool bounded_;
  int64_t watermark_ = INT64_MIN;  // on the time column
  StreamChunk out_;
};

}  // namespace freshet::executor
