#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "executor/executor.h"
#include "executor/stream_operator.h"

namespace freshet::executor {

/// The end of a materialized view's dataflow: keeps the view's rows in its state table, where
/// readers find them at a consistent epoch. Each entry is a canonical row identity -> (count,
/// row). When the planner knows a unique key for the view's rows, the entry is keyed by it and
/// changes are consolidated per epoch into one put or delete per key (no in-memory state);
/// otherwise the view is a bag and keeps, in memory, the count of each distinct row — unless its
/// input is append-only (nothing ever retracts), where counts are merged into the stored entries
/// without any memory.
class MaterializeOp : public StreamOperator {
 public:
  MaterializeOp(EpochContext& ctx, uint64_t state_id, std::optional<std::vector<int>> key,
                std::vector<SqlType> types, bool append_only = false);

  Status Push(int port, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override;
  size_t StateSize() const override { return counts_.size(); }
  size_t EpochBytes() const override { return pending_bytes_; }

  /// The row of a keyed view with key values `key` (in key column order), if any.
  static Status ReadKey(storage::Store& store, const storage::Snapshot* snapshot, uint64_t state_id,
                        const Row& key, const std::vector<SqlType>& types, RowSet* out);
  /// The rows of a view's state table as of `snapshot`, each repeated by its count.
  static Status Read(storage::Store& store, const storage::Snapshot* snapshot, uint64_t state_id,
                     const std::vector<SqlType>& types, RowSet* out);
  /// Visits the rows of a view's state table whose keys (the encoded key values, without the
  /// table's prefix) are in [begin, end) ("" end: to the last), in key order, each as often as
  /// its count, as of `snapshot`; `visit` returning false stops.
  static Status Scan(storage::Store& store, const storage::Snapshot* snapshot, uint64_t state_id,
                     std::string_view begin, std::string_view end,
                     const std::vector<SqlType>& types,
                     const std::function<Result<bool>(Row& row)>& visit);

 protected:
  Status OnBarrier() override;

 private:
  /// The changes of one key in this epoch, consolidated per distinct row (an update arrives as
  /// -old +new in either order).
  struct Pending {
    std::vector<std::pair<std::string, int64_t>> rows;
  };

  StateTable state_;
  std::optional<std::vector<int>> key_;
  bool append_only_;
  std::vector<SqlType> types_;
  absl::flat_hash_map<std::string, Pending> pending_;  // keyed mode, this epoch
  absl::flat_hash_map<std::string, int64_t> counts_;   // bag mode
  std::string key_buf_, row_buf_, value_buf_;
  size_t pending_bytes_ = 0;  // approximate bytes of pending_
};

}  // namespace freshet::executor
