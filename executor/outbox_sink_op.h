#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "executor/stream_operator.h"

namespace freshet::executor {

/// The end of a sink with an external connector (Kafka): each epoch's changes are encoded into
/// one outbox entry written with the epoch's state (Space::kView, keyed by epoch), so what the
/// sink must deliver commits atomically with the views and the consumed log offsets. A delivery
/// thread (the connector) reads the entries of durable epochs in order, hands them on, and deletes
/// them (ReadEpochs, DeleteThrough). The pending changes count toward the epoch's memory budget.
class OutboxSinkOp : public StreamOperator {
 public:
  OutboxSinkOp(EpochContext& ctx, uint64_t state_id, std::string name)
      : StreamOperator(ctx, 1), state_(state_id, storage::Space::kView), name_(std::move(name)) {}
  Status Push(int, StreamChunk& chunk) override;
  Status Restore(storage::Store& store) override;
  std::string Describe() const override { return "Sink " + name_ + "  (outbox per epoch)"; }
  size_t EpochBytes() const override { return pending_.size(); }
  int64_t changes() const { return changes_; }

  /// Visits the outbox entries of epochs in (after, through], in epoch order.
  static Status ReadEpochs(storage::Store& store, uint64_t state_id, uint64_t after,
                           uint64_t through,
                           const std::function<Status(uint64_t epoch, std::string_view)>& visit);
  /// Visits the changes of one entry: each row (decoded with `types`) and its weight.
  static Status DecodeChanges(std::string_view entry, const std::vector<SqlType>& types,
                              const std::function<Status(int64_t weight, Row& row)>& visit);
  /// Deletes the entries of epochs up to `through` (delivered).
  static Status DeleteThrough(storage::Store& store, uint64_t state_id, uint64_t through);

 protected:
  Status OnBarrier() override;

 private:
  StateTable state_;
  std::string name_;
  std::string pending_;  // [zigzag weight][varint length][row bytes]...
  int64_t changes_ = 0;
};

}  // namespace freshet::executor
