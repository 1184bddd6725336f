#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/decimal.h"
#include "common/status.h"
#include "common/value.h"

namespace freshet::pgwire {

/// PostgreSQL binary wire formats ("send"/"recv" functions) for Freshet's types. Encoding writes a
/// non-NULL Value's binary form (without the length word) for a DataRow; decoding turns a binary
/// Bind parameter into PostgreSQL text input, so the engine can parse every parameter the same
/// way. Stateless; all functions are thread-safe.
class ValueCodec {
 public:
  /// Appends the binary form of `value` (must not be NULL): bool 1 byte, int2/4/8 and float4/8
  /// big-endian, text-like and bytea raw bytes, jsonb version byte 1 + text, date int32 days,
  /// time/timestamp/timestamptz int64 micros, interval (int64 micros, int32 days, int32 months),
  /// numeric in PostgreSQL's base-10000 format, record as record_send with text (OID 25) fields.
  /// Untyped (unknown) values go out as their text.
  static void AppendBinary(const Value& value, std::string* out);
  /// PostgreSQL's numeric_send format of `d`.
  static void AppendNumericBinary(const Decimal& d, std::string* out);

  /// Converts a binary parameter of type `oid` to the text PostgreSQL's input function for that
  /// type accepts. Supports bool, int2/4/8, oid, float4/8, numeric, text, varchar, bpchar, name,
  /// unknown, bytea (as \x hex), json, jsonb, uuid, date, time, timestamp, timestamptz and
  /// interval. 22P03 for bytes of the wrong size, 0A000 for other types.
  static Result<std::string> BinaryParamToText(uint32_t oid, std::string_view bytes);
  /// numeric_recv: base-10000 binary numeric to its text form ("1.50", "NaN").
  static Result<std::string> NumericBinaryToText(std::string_view bytes);
};

}  // namespace freshet::pgwire
