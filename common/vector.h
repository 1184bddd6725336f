#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/decimal.h"
#include "common/interval.h"
#include "common/types.h"
#include "common/value.h"

namespace freshet {

/// How values of a SQL type are laid out in a Vector.
enum class PhysicalType : uint8_t {
  kInt64,     // bool, int2/4/8, date, time, timestamp, timestamptz
  kFloat64,   // float4, float8
  kDecimal,   // numeric
  kInterval,  // interval
  kString,    // text, varchar, char, bytea, jsonb, unknown
};
PhysicalType PhysicalTypeOf(TypeId id);

/// A column of values of one SQL type: fixed-width payloads in a typed array, strings as
/// (offset, length) slices of one byte buffer, NULLs as a byte mask. Slots can be written in any
/// order (expressions evaluate under selections), and Reset keeps every buffer's capacity, so a
/// vector reused chunk after chunk allocates nothing in steady state. A constant vector holds one
/// value that every row reads.
class Vector {
 public:
  Vector() = default;
  explicit Vector(SqlType type) { SetType(type); }

  /// Sets the type and empties the vector.
  void SetType(SqlType type);
  const SqlType& type() const { return type_; }
  PhysicalType physical() const { return physical_; }
  size_t size() const { return size_; }
  bool is_constant() const { return constant_; }
  /// The storage slot row `i` reads (0 for a constant vector).
  size_t Slot(size_t i) const { return constant_ ? 0 : i; }

  bool IsNull(size_t i) const { return nulls_[Slot(i)] != 0; }
  int64_t GetInt(size_t i) const { return ints_[Slot(i)]; }
  bool GetBool(size_t i) const { return ints_[Slot(i)] != 0; }
  double GetDouble(size_t i) const { return doubles_[Slot(i)]; }
  const Decimal& GetDecimal(size_t i) const { return decimals_[Slot(i)]; }
  const Interval& GetInterval(size_t i) const { return intervals_[Slot(i)]; }
  std::string_view GetString(size_t i) const {
    const StrRef& r = strings_[Slot(i)];
    return std::string_view(bytes_.data() + r.offset, r.length);
  }
  /// Row `i` as a Value (allocates for strings: the slow path).
  Value GetValue(size_t i) const;

  /// Empties the vector (keeps capacity); it is no longer constant.
  void Reset();
  /// Makes the vector `n` rows long: new slots are non-NULL with unspecified payloads.
  void Resize(size_t n);
  /// One value for `n` rows.
  void SetConstant(const Value& v, size_t n);

  // Writes into existing slots (i < size(), not constant).
  void SetNull(size_t i) { nulls_[i] = 1; }
  void SetInt(size_t i, int64_t v) {
    nulls_[i] = 0;
    ints_[i] = v;
  }
  void SetBool(size_t i, bool v) { SetInt(i, v ? 1 : 0); }
  void SetDouble(size_t i, double v) {
    nulls_[i] = 0;
    doubles_[i] = v;
  }
  void SetDecimal(size_t i, const Decimal& v) {
    nulls_[i] = 0;
    decimals_[i] = v;
  }
  void SetInterval(size_t i, const Interval& v) {
    nulls_[i] = 0;
    intervals_[i] = v;
  }
  void SetString(size_t i, std::string_view s) {
    nulls_[i] = 0;
    strings_[i] = StrRef{static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(s.size())};
    bytes_.append(s);
  }
  /// Writes a Value of this vector's physical type (or NULL).
  void SetValue(size_t i, const Value& v);
  /// Copies row `j` of `src` (same physical type) into slot `i`.
  void CopySlot(size_t i, const Vector& src, size_t j);

  // Appends one row (amortized O(1), no per-row allocation once capacity is reached).
  void AppendNull() {
    nulls_.push_back(1);
    PushDefaultPayload();
    size_++;
  }
  void AppendInt(int64_t v) {
    nulls_.push_back(0);
    ints_.push_back(v);
    size_++;
  }
  void AppendDouble(double v) {
    nulls_.push_back(0);
    doubles_.push_back(v);
    size_++;
  }
  void AppendDecimal(const Decimal& v) {
    nulls_.push_back(0);
    decimals_.push_back(v);
    size_++;
  }
  void AppendInterval(const Interval& v) {
    nulls_.push_back(0);
    intervals_.push_back(v);
    size_++;
  }
  void AppendString(std::string_view s) {
    nulls_.push_back(0);
    strings_.push_back(
        StrRef{static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(s.size())});
    bytes_.append(s);
    size_++;
  }
  void AppendValue(const Value& v) {
    Resize(size_ + 1);
    SetValue(size_ - 1, v);
  }
  /// Appends row `j` of `src` (same physical type).
  void AppendFrom(const Vector& src, size_t j);
  /// Appends rows `rows[0..n)` of `src` (same physical type), in that order.
  void AppendGather(const Vector& src, const uint32_t* rows, size_t n);

  /// Raw arrays for kernels (valid for the physical type only).
  const int64_t* ints() const { return ints_.data(); }
  int64_t* mutable_ints() { return ints_.data(); }
  const double* doubles() const { return doubles_.data(); }
  double* mutable_doubles() { return doubles_.data(); }
  const uint8_t* nulls() const { return nulls_.data(); }
  uint8_t* mutable_nulls() { return nulls_.data(); }

  /// Bytes held (for memory accounting).
  size_t ByteSize() const;

 private:
  struct StrRef {
    uint32_t offset = 0;
    uint32_t length = 0;
  };
  void PushDefaultPayload();

  SqlType type_;
  PhysicalType physical_ = PhysicalType::kInt64;
  size_t size_ = 0;
  bool constant_ = false;
  std::vector<uint8_t> nulls_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<Decimal> decimals_;
  std::vector<Interval> intervals_;
  std::vector<StrRef> strings_;
  std::string bytes_;
};

/// Three-way comparison of two non-NULL slots in SQL order, with Value::Compare's rules (mixed
/// integer/numeric/float operands, char(n) ignoring trailing spaces).
int CompareSlots(const Vector& a, size_t i, const Vector& b, size_t j);
/// The same comparison of a non-NULL slot with a non-NULL Value of the same type.
int CompareSlotValue(const Vector& a, size_t i, const Value& b);

/// Appends a canonical encoding of slot `i` whose bytes are equal exactly when the values are
/// equal for GROUP BY / DISTINCT (NULLs equal each other; 1.0 = 1.00; -0 = 0; one NaN; intervals
/// by their 30-day-month sort key; char(n) without trailing spaces). Not order-preserving.
void AppendHashKey(const Vector& v, size_t i, std::string* out);
/// The same encoding for a Value.
void AppendHashKey(const Value& v, std::string* out);

}  // namespace freshet
