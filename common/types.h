#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace freshet {

/// Logical SQL types Freshet supports. The physical representation of each is described on
/// Value.
enum class TypeId : uint8_t {
  kUnknown,  // untyped NULL or string literal before resolution (PostgreSQL's "unknown")
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kNumeric,
  kText,
  kVarchar,
  kChar,  // bpchar
  kBytea,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kJsonb,
  kRecord,  // an anonymous composite (ROW(...), a whole-row reference), held in its text form
};

/// A SQL type: the logical type plus its PostgreSQL typmod (-1 when none): varchar(n)/char(n)
/// store n+4, numeric(p,s) stores ((p << 16) | s) + 4, time/timestamp(p) store p.
struct SqlType {
  TypeId id = TypeId::kUnknown;
  int32_t typmod = -1;

  SqlType() = default;
  constexpr SqlType(TypeId i, int32_t m = -1) : id(i), typmod(m) {}  // NOLINT

  static SqlType Varchar(int32_t n) { return {TypeId::kVarchar, n + 4}; }
  static SqlType Char(int32_t n) { return {TypeId::kChar, n + 4}; }
  static SqlType Numeric(int32_t p, int32_t s) { return {TypeId::kNumeric, ((p << 16) | s) + 4}; }

  bool operator==(const SqlType& o) const { return id == o.id && typmod == o.typmod; }
  bool operator!=(const SqlType& o) const { return !(*this == o); }

  /// PostgreSQL type OID (bool 16, int8 20, ...).
  uint32_t Oid() const;
  /// pg_type.typlen: fixed size in bytes or -1 for variable length.
  int16_t TypLen() const;
  /// The canonical name, as format_type prints it ("integer", "numeric(10,2)", ...).
  std::string ToString() const;
  /// The name without modifiers ("integer", "numeric", "character varying").
  std::string_view BaseName() const;
  /// numeric precision/scale from typmod, or -1 when unconstrained.
  int32_t NumericPrecision() const { return typmod < 4 ? -1 : ((typmod - 4) >> 16) & 0xffff; }
  int32_t NumericScale() const { return typmod < 4 ? -1 : (typmod - 4) & 0xffff; }
  /// varchar/char length limit or -1.
  int32_t CharLength() const { return typmod < 4 ? -1 : typmod - 4; }

  bool IsInteger() const {
    return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
  }
  bool IsFloat() const { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }
  bool IsNumeric() const { return IsInteger() || IsFloat() || id == TypeId::kNumeric; }
  bool IsString() const {
    return id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar;
  }
  bool IsTemporal() const {
    return id == TypeId::kDate || id == TypeId::kTime || id == TypeId::kTimestamp ||
           id == TypeId::kTimestampTz;
  }
};

/// Maps a type OID back to a type (typmod -1); kUnknown when not supported.
SqlType TypeFromOid(uint32_t oid);

/// Resolves a SQL type name as written in DDL or a cast ("int", "int4", "varchar", "timestamp
/// with time zone", ...) with optional modifiers. Returns kUnknown for an unknown name.
SqlType TypeFromName(std::string_view name, int32_t mod1 = -1, int32_t mod2 = -1);

}  // namespace freshet
