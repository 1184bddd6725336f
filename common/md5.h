#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace freshet {

/// Incremental MD5 (RFC 1321), used for the "<n> values hashing to <md5>" result summaries.
class Md5 {
 public:
  Md5();

  /// Appends bytes to the message.
  void Update(std::string_view data);

  /// Finishes the message and returns the digest as 32 lowercase hex digits. The object must not
  /// be updated afterwards.
  std::string HexDigest();

  /// MD5 of one string, as lowercase hex.
  static std::string Hex(std::string_view data);

 private:
  void Transform(const uint8_t block[64]);

  std::array<uint32_t, 4> state_;
  uint64_t length_ = 0;  // message length in bytes
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
};

}  // namespace freshet
