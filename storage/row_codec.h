#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/stream_chunk.h"
#include "common/value.h"

namespace freshet::storage {

/// Compact, self-describing encoding of a row for RocksDB values: a column count, then per
/// column a NULL flag and the payload. Decoding is driven by the column types of the table.
class RowCodec {
 public:
  static void Encode(const Row& row, std::string* out);
  /// Decodes a row with `types.size()` columns. Columns missing at the end (rows written before
  /// ADD COLUMN) decode as NULL. With `columns`, only those marked are decoded; the others are
  /// skipped and left NULL (a scan that reads a few columns of wide rows).
  static Status Decode(std::string_view in, const std::vector<SqlType>& types, Row* out,
                       const std::vector<bool>* columns = nullptr);
  /// Encodes row `row` of `chunk` (columns `cols`, or all when null) without building Values.
  static void EncodeChunkRow(const StreamChunk& chunk, size_t row, std::string* out,
                             const std::vector<int>* cols = nullptr);
  /// Decodes a row straight into the columns of `chunk` (appending one row of weight `weight`),
  /// without building Values. The columns' types drive decoding.
  /// With `columns`, only the marked columns are decoded (the others are skipped, left NULL).
  static Status DecodeInto(std::string_view in, StreamChunk* chunk, int64_t weight,
                           const std::vector<bool>* columns = nullptr);
  /// Decodes a row into slot `row` of columns [first, first + count) of `chunk` (the columns
  /// must already hold that slot); values missing at the end decode as NULL.
  static Status DecodeColumns(std::string_view in, StreamChunk* chunk, size_t first, size_t count,
                              size_t row, const std::vector<bool>* columns = nullptr);
};

}  // namespace freshet::storage
