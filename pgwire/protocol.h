#pragma once

// Constants of the PostgreSQL frontend/backend protocol 3.0 and big-endian helpers shared by the
// pgwire message reader, writer and value codec.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace freshet::pgwire {

namespace protocol {

/// StartupMessage protocol version 3.0 ((major << 16) | minor).
inline constexpr int32_t kProtocolV3 = 3 << 16;
inline constexpr int32_t kCancelRequestCode = 80877102;
inline constexpr int32_t kSslRequestCode = 80877103;
inline constexpr int32_t kGssEncRequestCode = 80877104;

/// A startup packet (length word included) longer than this closes the connection, as in PG.
inline constexpr size_t kMaxStartupPacketLength = 10000;
/// Limit for messages that never carry user data (Sync, Flush, Describe, Close, ...).
inline constexpr size_t kSmallMessageLimit = 10000;
/// Default limit for messages that carry SQL text or data (Query, Parse, Bind, CopyData, ...).
inline constexpr size_t kDefaultMaxMessageSize = size_t{64} << 20;

/// Protocol-only SQLSTATEs not listed in common/status.h.
inline constexpr const char* kInvalidAuthorizationSpecification = "28000";
inline constexpr const char* kInvalidBinaryRepresentation = "22P03";
inline constexpr const char* kDuplicateCursor = "42P03";

}  // namespace protocol

// --- Big-endian helpers (network byte order) ---

inline uint16_t LoadBE16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}

inline uint32_t LoadBE32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

inline uint64_t LoadBE64(const char* p) { return (uint64_t{LoadBE32(p)} << 32) | LoadBE32(p + 4); }

inline void StoreBE32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

inline void AppendBE16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 2);
}

inline void AppendBE32(std::string* out, uint32_t v) {
  char b[4];
  StoreBE32(b, v);
  out->append(b, 4);
}

inline void AppendBE64(std::string* out, uint64_t v) {
  char b[8];
  StoreBE32(b, static_cast<uint32_t>(v >> 32));
  StoreBE32(b + 4, static_cast<uint32_t>(v));
  out->append(b, 8);
}

}  // namespace freshet::pgwire
