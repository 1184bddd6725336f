#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/stream_chunk.h"
#include "common/value.h"
#include "storage/store.h"

namespace freshet::storage {

/// Layout of table rows in Space::kData: key = table id (8 bytes, big-endian) followed by the
/// memcomparable primary key, or by an 8-byte hidden row id for tables without one; value =
/// RowCodec encoding.
class TableStore {
 public:
  static std::string Prefix(uint64_t table_id);
  static std::string PrefixEnd(uint64_t table_id);
  /// Key for a row of a table with a primary key made of `pk` columns of `row`.
  static std::string PrimaryKey(uint64_t table_id, const Row& row, const std::vector<int>& pk);
  static std::string RowIdKey(uint64_t table_id, uint64_t row_id);
  /// Entry of a UNIQUE constraint's index (key space `index_id`) for `row`; its value is the
  /// row's key. Rows with a NULL in the constrained columns have no entry (NULLs are distinct).
  static std::optional<std::string> UniqueKey(uint64_t index_id, const Row& row,
                                              const std::vector<int>& cols);
  /// The largest hidden row id stored for a table (0 when none), to resume allocation.
  static Result<uint64_t> MaxRowId(Store& store, uint64_t table_id);

  /// Visits every row of a table as `txn` sees it, in key order. Stops early if visit returns
  /// false; returns the first error of decoding or visiting.
  /// With `columns`, only the marked columns are decoded (the others read as NULL).
  static Status Scan(Transaction& txn, uint64_t table_id, const std::vector<SqlType>& types,
                     const std::function<Result<bool>(std::string_view key, Row& row)>& visit,
                     const std::vector<bool>* columns = nullptr);
  /// As Scan, over the rows whose keys are in [begin, end) (keys as PrimaryKey builds them).
  static Status ScanRange(Transaction& txn, std::string_view begin, std::string_view end,
                          const std::vector<SqlType>& types,
                          const std::function<Result<bool>(std::string_view key, Row& row)>& visit,
                          const std::vector<bool>* columns = nullptr);
  /// As ScanRange, a chunk of up to StreamChunk::kChunkSize rows at a time, decoded straight
  /// into `chunk`'s vectors (initialized with `types`; unmarked `columns` are left NULL; no
  /// column marked: rows are counted, not decoded, and the slots hold anything). `visit` returning
  /// false stops.
  static Status ScanChunks(Transaction& txn, std::string_view begin, std::string_view end,
                           const std::vector<bool>* columns, StreamChunk* chunk,
                           const std::function<Result<bool>(const StreamChunk& chunk)>& visit);
  /// Reads the row stored under `key` as `txn` sees it into `row`; false when there is none.
  static Result<bool> Get(Transaction& txn, std::string_view key, const std::vector<SqlType>& types,
                          Row* row, const std::vector<bool>* columns = nullptr);
  static void Put(Transaction& txn, std::string_view key, const Row& row);
};

}  // namespace freshet::storage
