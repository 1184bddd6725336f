#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/status.h"
#include "storage/store.h"

namespace freshet::storage {

/// One record a connector could not turn into a row (freshet_catalog.source_errors).
struct SourceError {
  uint64_t seq = 0;  // per connector, increasing
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t time_micros = 0;  // when it was seen
  std::string error;
  std::string raw;  // the record's bytes (its value, or its key for a bad key)
};

/// What a connector of an external system keeps in the store (Space::kMeta), written in the
/// same transaction as the rows it ingests so both survive a crash together: per partition of
/// the external topic, the offset of the next record to read; and the records it could not
/// decode, the newest kMaxErrors kept.
class ConnectorState {
 public:
  static constexpr uint64_t kMaxErrors = 1000;

  /// Records that `partition`'s next record to read is `next_offset`.
  static void PutOffset(Transaction& txn, uint64_t connector, int32_t partition,
                        int64_t next_offset);
  /// Every partition's next offset, as committed.
  static Result<std::map<int32_t, int64_t>> ReadOffsets(Store& store, uint64_t connector);
  /// Adds an error record (and drops those kMaxErrors older than it).
  static Status PutError(Transaction& txn, uint64_t connector, const SourceError& e);
  /// The newest error's sequence number (0: none).
  static Result<uint64_t> LastErrorSeq(Store& store, uint64_t connector);
  /// Visits the kept errors, oldest first.
  static Status ReadErrors(Store& store, uint64_t connector,
                           const std::function<void(const SourceError&)>& visit);
  /// Deletes everything kept for a connector (its source or table is dropped).
  static Status DeleteAll(Transaction& txn, uint64_t connector);

 private:
  static std::string Prefix(uint64_t connector, char kind);
};

}  // namespace freshet::storage
