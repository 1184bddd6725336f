#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "pgwire/backend.h"

namespace freshet::pgwire {

/// Appends backend protocol messages to a caller-owned output buffer. Begin/End frame one message
/// (type byte, then an int32 length patched by End); the field helpers write big-endian values;
/// the named helpers build the complete messages pgwire sends. Never flushes anything itself.
class MessageWriter {
 public:
  explicit MessageWriter(std::string* out) : out_(out) {}

  std::string* buffer() { return out_; }

  // --- Framing and fields ---
  void Begin(char type);
  void End();
  void Int8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Bytes(std::string_view v) { out_->append(v); }
  void CString(std::string_view v);
  /// Writes an int32 length placeholder for a value that follows; returns its offset for
  /// EndValue, which patches in the number of bytes written since.
  size_t BeginValue();
  void EndValue(size_t offset);

  // --- Complete backend messages ---
  void AuthenticationOk();
  void ParameterStatus(std::string_view name, std::string_view value);
  void BackendKeyData(int32_t pid, int32_t key);
  void ReadyForQuery(char transaction_status);
  void NegotiateProtocolVersion(int32_t newest_minor, const std::vector<std::string>& options);
  /// ErrorResponse with severity `severity` ("ERROR" or "FATAL"): S, V, C, M, then D, H, P when
  /// present in `status` (which must not be OK).
  void ErrorResponse(const Status& status, std::string_view severity);
  void NoticeResponse(std::string_view severity, std::string_view sqlstate,
                      std::string_view message);
  /// `formats` as in Bind: empty (all text), one code for all columns, or one per column.
  void RowDescription(const std::vector<ColumnInfo>& columns, const std::vector<int16_t>& formats);
  void ParameterDescription(const std::vector<uint32_t>& oids);
  void NoData();
  void ParseComplete();
  void BindComplete();
  void CloseComplete();
  void PortalSuspended();
  void EmptyQueryResponse();
  void CommandComplete(std::string_view tag);
  void CopyInResponse(const CopyFormat& format);
  void CopyOutResponse(const CopyFormat& format);
  void CopyData(std::string_view data);
  void CopyDone();

  /// The format code (0 text, 1 binary) for `column` under Bind-style `formats`.
  static int16_t FormatFor(const std::vector<int16_t>& formats, size_t column);

 private:
  void CopyResponse(char type, const CopyFormat& format);
  void EmptyMessage(char type);

  std::string* out_;
  size_t message_start_ = 0;
};

}  // namespace freshet::pgwire
