#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace freshet {

/// LEB128 varints and zigzag signed integers: the compact integer encodings of row and log
/// formats.
inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

/// Reads a varint from the front of `*in`, advancing it; false when truncated.
inline bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  const char* p = in->data();
  const char* end = p + in->size();
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    uint64_t b = static_cast<unsigned char>(*p++);
    result |= (b & 0x7f) << shift;
    if (!(b & 0x80)) {
      in->remove_prefix(static_cast<size_t>(p - in->data()));
      *v = result;
      return true;
    }
  }
  return false;
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace freshet
