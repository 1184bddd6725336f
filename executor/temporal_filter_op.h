#pragma once

#include <map>
#include <string>

#include "executor/stream_operator.h"

namespace freshet::executor {

/// A temporal filter `ts > now() - INTERVAL '...'` (or >=): a row passes while it is younger than
/// the interval. Rows that pass are kept ordered by the moment they expire; at every barrier the
/// wall clock moves on and the rows that aged out are retracted, so the view always holds the
/// recent rows and the state only those.
class TemporalFilterOp : public StreamOperator {
 public:
  /// `column`: the time column; `width`: the interval in microseconds; `inclusive` for >=.
  TemporalFilterOp(EpochContext& ctx, int column, int64_t width, bool inclusive, std::string text,
                   const std::vector<SqlType>& types, uint64_t state_id);
  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override { return rows_.size(); }

 protected:
  Status OnBarrier() override;

 private:
  /// Microseconds since 2000-01-01, the clock now() reads.
  static int64_t Now();
  std::string EntryKey(int64_t expiry, const std::string& row) const;

  int column_;
  int64_t width_;
  bool inclusive_;
  std::string text_;
  StateTable state_;
  /// (expiry, row bytes) -> multiplicity; a row is visible while now < expiry (<= when
  /// inclusive).
  std::map<std::pair<int64_t, std::string>, int64_t> rows_;
  StreamChunk out_;
};

}  // namespace freshet::executor
