#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"

namespace freshet::storage {

/// Compact, self-describing encoding of a row for RocksDB values: a column count, then per
/// column a NULL flag and the payload. Decoding is driven by the column types of the table.
class RowCodec {
 public:
  static void Encode(const Row& row, std::string* out);
  /// Decodes a row with `types.size()` columns. Columns missing at the end (rows written before
  /// ADD COLUMN) decode as NULL.
  static Status Decode(std::string_view in, const std::vector<SqlType>& types, Row* out);
};

}  // namespace freshet::storage
