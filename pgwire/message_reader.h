#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace freshet::pgwire {

/// Reads the fields of one frontend message body (without type byte and length word). Every read
/// is bounds-checked: reading past the end, or a string without its NUL terminator, returns an
/// 08P01 "invalid message format" error instead. Views returned point into the body.
class MessageReader {
 public:
  explicit MessageReader(std::string_view body) : data_(body) {}

  Result<uint8_t> ReadByte();
  Result<int16_t> ReadInt16();
  Result<int32_t> ReadInt32();
  Result<int64_t> ReadInt64();
  /// An unsigned 16-bit element count (as PostgreSQL reads parameter and format counts), checked
  /// against the bytes left: each element needs at least `min_element_size` bytes.
  Result<uint16_t> ReadCount(size_t min_element_size);
  /// A NUL-terminated string (the terminator is consumed, not returned).
  Result<std::string_view> ReadCString();
  /// Exactly `n` raw bytes.
  Result<std::string_view> ReadBytes(size_t n);

  size_t remaining() const { return data_.size() - pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }
  /// Error unless the whole body was consumed (trailing garbage is malformed).
  Status ExpectEnd() const;

  static Status Malformed();

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace freshet::pgwire
