#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/datetime.h"
#include "common/decimal.h"
#include "common/interval.h"
#include "common/status.h"
#include "common/types.h"

namespace freshet {

/// Options that change how values print in PostgreSQL's text format.
struct TextFormatOptions {
  int extra_float_digits = 1;  // >0: shortest exact; <=0: 15 + n (float8) / 6 + n (float4) digits
  const datetime::TimeZone* time_zone = nullptr;  // for timestamptz; UTC when null
};

/// One SQL value of any supported type, or NULL. Physical representation by type:
/// bool/int2/int4/int8/date/time/timestamp/timestamptz in an int64 (see datetime.h for the
/// epochs); float4/float8 in a double; numeric as Decimal; text/varchar/char/bytea/jsonb as bytes
/// (jsonb in its normalized text form); interval as Interval.
class Value {
 public:
  Value() : i_(0) {}
  explicit Value(SqlType type) : type_(type), i_(0) {}  // a NULL of `type`

  static Value Null(SqlType type = SqlType()) { return Value(type); }
  static Value Bool(bool v) { return FromInt({TypeId::kBool}, v ? 1 : 0); }
  static Value Int16(int16_t v) { return FromInt({TypeId::kInt16}, v); }
  static Value Int32(int32_t v) { return FromInt({TypeId::kInt32}, v); }
  static Value Int64(int64_t v) { return FromInt({TypeId::kInt64}, v); }
  static Value Float32(float v) { return FromDouble({TypeId::kFloat32}, v); }
  static Value Float64(double v) { return FromDouble({TypeId::kFloat64}, v); }
  static Value Numeric(const Decimal& d, int32_t typmod = -1) {
    Value v(SqlType(TypeId::kNumeric, typmod));
    v.null_ = false;
    v.dec_ = d;
    return v;
  }
  static Value Text(std::string s) { return FromString({TypeId::kText}, std::move(s)); }
  static Value String(SqlType t, std::string s) { return FromString(t, std::move(s)); }
  static Value Bytea(std::string s) { return FromString({TypeId::kBytea}, std::move(s)); }
  static Value Jsonb(std::string normalized) {
    return FromString({TypeId::kJsonb}, std::move(normalized));
  }
  static Value Date(int32_t days) { return FromInt({TypeId::kDate}, days); }
  static Value Time(int64_t micros) { return FromInt({TypeId::kTime}, micros); }
  static Value Timestamp(int64_t micros) { return FromInt({TypeId::kTimestamp}, micros); }
  static Value TimestampTz(int64_t micros) { return FromInt({TypeId::kTimestampTz}, micros); }
  static Value MakeInterval(const Interval& iv) {
    Value v(SqlType(TypeId::kInterval));
    v.null_ = false;
    v.iv_ = iv;
    return v;
  }
  /// An integer-represented value of any int-backed type.
  static Value FromInt(SqlType type, int64_t v) {
    Value r(type);
    r.null_ = false;
    r.i_ = v;
    return r;
  }
  static Value FromDouble(SqlType type, double v) {
    Value r(type);
    r.null_ = false;
    r.d_ = v;
    return r;
  }
  static Value FromString(SqlType type, std::string s) {
    Value r(type);
    r.null_ = false;
    r.s_ = std::move(s);
    return r;
  }

  // In-place setters: a value slot reused row after row (a scan decoding into one Row) keeps
  // its string's buffer instead of building a new Value.
  void SetNull(SqlType type) {
    type_ = type;
    null_ = true;
    s_.clear();
  }
  void SetInt(SqlType type, int64_t v) {
    type_ = type;
    null_ = false;
    i_ = v;
  }
  void SetDouble(SqlType type, double v) {
    type_ = type;
    null_ = false;
    d_ = v;
  }
  void SetString(SqlType type, std::string_view v) {
    type_ = type;
    null_ = false;
    s_.assign(v.data(), v.size());
  }

  const SqlType& type() const { return type_; }
  TypeId type_id() const { return type_.id; }
  bool is_null() const { return null_; }

  bool GetBool() const { return i_ != 0; }
  int64_t GetInt() const { return i_; }
  double GetDouble() const { return d_; }
  const Decimal& GetDecimal() const { return dec_; }
  const std::string& GetString() const { return s_; }
  std::string& MutableString() { return s_; }
  const Interval& GetInterval() const { return iv_; }

  /// Changes only the type tag (same physical representation), e.g. text -> varchar.
  void Retag(SqlType type) { type_ = type; }

  /// Three-way comparison of two non-NULL values of the same physical type family, in SQL order
  /// (text by bytes, as the C collation). NULLs sort after everything (as PostgreSQL's ASC).
  static int Compare(const Value& a, const Value& b);
  /// PostgreSQL's float order: NaN above everything and equal to itself; -0 == 0.
  static int CompareDoubles(double a, double b);
  /// SQL-equality for grouping/DISTINCT purposes: NULL equals NULL here.
  static bool GroupEquals(const Value& a, const Value& b) { return Compare(a, b) == 0; }
  /// Hash consistent with GroupEquals (1.0 and 1.00 hash the same).
  size_t Hash() const;

  /// Appends PostgreSQL's text output of this value (must not be NULL).
  void AppendText(std::string* out, const TextFormatOptions& opts = {}) const;
  std::string ToText(const TextFormatOptions& opts = {}) const {
    std::string s;
    AppendText(&s, opts);
    return s;
  }
  /// Debug/SQL-literal style rendering: NULL for NULL, quoted strings.
  std::string ToString() const;

  /// Parses PostgreSQL text input for `type` (the input function; applies typmod checks).
  static Result<Value> FromText(std::string_view text, SqlType type, const datetime::TimeZone& tz);

 private:
  SqlType type_;
  bool null_ = true;
  // One payload per physical representation; which one is live follows type_.
  union {
    int64_t i_;
    double d_;
    Decimal dec_;
    Interval iv_;
  };
  std::string s_;
};

/// A row of values (used at plan boundaries and in tests; operators move DataChunks).
using Row = std::vector<Value>;

}  // namespace freshet
