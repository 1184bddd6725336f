#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/value.h"

namespace freshet::storage {

/// Order-preserving ("memcomparable") encoding of values: comparing encoded bytes with memcmp
/// gives SQL order (NULLs last, as PostgreSQL's ASC). Used for RocksDB keys so range scans
/// follow SQL order.
class KeyCodec {
 public:
  /// Appends a big-endian unsigned 64-bit integer (ids, offsets, row ids).
  static void AppendU64(std::string* out, uint64_t v);
  static uint64_t DecodeU64(std::string_view in);
  /// Appends one value; `descending` inverts the bytes.
  static void AppendValue(std::string* out, const Value& v, bool descending = false);
  /// Decodes one value of `type` from the front of `*in`, advancing it.
  static Status DecodeValue(std::string_view* in, SqlType type, Value* out,
                            bool descending = false);
  /// The smallest key greater than every key starting with `prefix`.
  static std::string PrefixSuccessor(std::string prefix);
};

}  // namespace freshet::storage
