#include "common/vector.h"

#include <cmath>
#include <cstring>

namespace freshet {

PhysicalType PhysicalTypeOf(TypeId id) {
  switch (id) {
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return PhysicalType::kFloat64;
    case TypeId::kNumeric:
      return PhysicalType::kDecimal;
    case TypeId::kInterval:
      return PhysicalType::kInterval;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kRecord:
    case TypeId::kUnknown:
      return PhysicalType::kString;
    default:
      return PhysicalType::kInt64;
  }
}

void Vector::SetType(SqlType type) {
  type_ = type;
  physical_ = PhysicalTypeOf(type.id);
  Reset();
}

void Vector::Reset() {
  size_ = 0;
  constant_ = false;
  nulls_.clear();
  ints_.clear();
  doubles_.clear();
  decimals_.clear();
  intervals_.clear();
  strings_.clear();
  bytes_.clear();
}

void Vector::Resize(size_t n) {
  nulls_.resize(n, 0);
  switch (physical_) {
    case PhysicalType::kInt64:
      ints_.resize(n);
      break;
    case PhysicalType::kFloat64:
      doubles_.resize(n);
      break;
    case PhysicalType::kDecimal:
      decimals_.resize(n);
      break;
    case PhysicalType::kInterval:
      intervals_.resize(n);
      break;
    case PhysicalType::kString:
      strings_.resize(n);
      break;
  }
  size_ = n;
}

void Vector::PushDefaultPayload() {
  switch (physical_) {
    case PhysicalType::kInt64:
      ints_.push_back(0);
      break;
    case PhysicalType::kFloat64:
      doubles_.push_back(0);
      break;
    case PhysicalType::kDecimal:
      decimals_.emplace_back();
      break;
    case PhysicalType::kInterval:
      intervals_.emplace_back();
      break;
    case PhysicalType::kString:
      strings_.emplace_back();
      break;
  }
}

void Vector::AppendFrom(const Vector& src, size_t j) {
  size_t s = src.Slot(j);
  if (src.nulls_[s]) {
    AppendNull();
    return;
  }
  switch (physical_) {
    case PhysicalType::kInt64:
      AppendInt(src.ints_[s]);
      break;
    case PhysicalType::kFloat64:
      AppendDouble(src.doubles_[s]);
      break;
    case PhysicalType::kDecimal:
      AppendDecimal(src.decimals_[s]);
      break;
    case PhysicalType::kInterval:
      AppendInterval(src.intervals_[s]);
      break;
    case PhysicalType::kString:
      AppendString(src.GetString(j));
      break;
  }
}

void Vector::AppendGather(const Vector& src, const uint32_t* rows, size_t n) {
  size_t base = size_;
  Resize(base + n);
  uint8_t* nulls = nulls_.data() + base;
  // Fixed-width columns: one gather of values and NULL flags.
  auto gather = [&](auto* out, const auto& in) {
    for (size_t k = 0; k < n; k++) {
      size_t s = src.Slot(rows[k]);
      nulls[k] = src.nulls_[s];
      out[k] = in[s];
    }
  };
  switch (physical_) {
    case PhysicalType::kInt64:
      gather(ints_.data() + base, src.ints_);
      break;
    case PhysicalType::kFloat64:
      gather(doubles_.data() + base, src.doubles_);
      break;
    case PhysicalType::kDecimal:
      gather(decimals_.data() + base, src.decimals_);
      break;
    case PhysicalType::kInterval:
      gather(intervals_.data() + base, src.intervals_);
      break;
    case PhysicalType::kString:
      for (size_t k = 0; k < n; k++) {
        size_t s = src.Slot(rows[k]);
        if (src.nulls_[s]) {
          nulls[k] = 1;
          strings_[base + k] = StrRef{};
        } else {
          SetString(base + k, src.GetString(rows[k]));
        }
      }
      break;
  }
}

void Vector::SetConstant(const Value& v, size_t n) {
  Reset();
  Resize(1);
  SetValue(0, v);
  constant_ = true;
  size_ = n;
}

Value Vector::GetValue(size_t i) const {
  if (IsNull(i)) return Value::Null(type_);
  switch (physical_) {
    case PhysicalType::kInt64:
      return Value::FromInt(type_, GetInt(i));
    case PhysicalType::kFloat64:
      return Value::FromDouble(type_, GetDouble(i));
    case PhysicalType::kDecimal:
      return Value::Numeric(GetDecimal(i), type_.typmod);
    case PhysicalType::kInterval:
      return Value::MakeInterval(GetInterval(i));
    case PhysicalType::kString:
      return Value::String(type_, std::string(GetString(i)));
  }
  return Value::Null(type_);
}

void Vector::SetValue(size_t i, const Value& v) {
  if (v.is_null()) {
    nulls_[i] = 1;
    return;
  }
  switch (physical_) {
    case PhysicalType::kInt64:
      SetInt(i, v.GetInt());
      break;
    case PhysicalType::kFloat64:
      SetDouble(i, v.GetDouble());
      break;
    case PhysicalType::kDecimal:
      SetDecimal(i, v.GetDecimal());
      break;
    case PhysicalType::kInterval:
      SetInterval(i, v.GetInterval());
      break;
    case PhysicalType::kString:
      SetString(i, v.GetString());
      break;
  }
}

void Vector::CopySlot(size_t i, const Vector& src, size_t j) {
  if (src.IsNull(j)) {
    nulls_[i] = 1;
    return;
  }
  switch (physical_) {
    case PhysicalType::kInt64:
      SetInt(i, src.GetInt(j));
      break;
    case PhysicalType::kFloat64:
      SetDouble(i, src.GetDouble(j));
      break;
    case PhysicalType::kDecimal:
      SetDecimal(i, src.GetDecimal(j));
      break;
    case PhysicalType::kInterval:
      SetInterval(i, src.GetInterval(j));
      break;
    case PhysicalType::kString:
      SetString(i, src.GetString(j));
      break;
  }
}

size_t Vector::ByteSize() const {
  return nulls_.capacity() + ints_.capacity() * 8 + doubles_.capacity() * 8 +
         decimals_.capacity() * sizeof(Decimal) + intervals_.capacity() * sizeof(Interval) +
         strings_.capacity() * sizeof(StrRef) + bytes_.capacity();
}

namespace {

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

std::string_view RTrim(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

double AsDouble(const Vector& v, size_t i) {
  switch (v.physical()) {
    case PhysicalType::kInt64:
      return static_cast<double>(v.GetInt(i));
    case PhysicalType::kDecimal:
      return v.GetDecimal(i).ToDouble();
    default:
      return v.GetDouble(i);
  }
}

void AppendFixed(std::string* out, const void* p, size_t n) {
  out->append(static_cast<const char*>(p), n);
}

}  // namespace

int CompareSlots(const Vector& a, size_t i, const Vector& b, size_t j) {
  PhysicalType pa = a.physical(), pb = b.physical();
  if (pa == PhysicalType::kInt64 && pb == PhysicalType::kInt64)
    return Cmp(a.GetInt(i), b.GetInt(j));
  if (pa == PhysicalType::kString && pb == PhysicalType::kString) {
    std::string_view sa = a.GetString(i), sb = b.GetString(j);
    if (a.type().id == TypeId::kChar || b.type().id == TypeId::kChar) {
      sa = RTrim(sa);
      sb = RTrim(sb);
    }
    int c = sa.compare(sb);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (pa == PhysicalType::kDecimal && pb == PhysicalType::kDecimal) {
    return a.GetDecimal(i).Compare(b.GetDecimal(j));
  }
  if (pa == PhysicalType::kInterval && pb == PhysicalType::kInterval) {
    return Cmp(a.GetInterval(i).SortKey(), b.GetInterval(j).SortKey());
  }
  if (pa == PhysicalType::kDecimal && pb == PhysicalType::kInt64) {
    return a.GetDecimal(i).Compare(Decimal::FromInt64(b.GetInt(j)));
  }
  if (pa == PhysicalType::kInt64 && pb == PhysicalType::kDecimal) {
    return Decimal::FromInt64(a.GetInt(i)).Compare(b.GetDecimal(j));
  }
  return Value::CompareDoubles(AsDouble(a, i), AsDouble(b, j));
}

int CompareSlotValue(const Vector& a, size_t i, const Value& b) {
  switch (a.physical()) {
    case PhysicalType::kInt64:
      return Cmp(a.GetInt(i), b.GetInt());
    case PhysicalType::kFloat64:
      return Value::CompareDoubles(a.GetDouble(i), b.GetDouble());
    case PhysicalType::kDecimal:
      return a.GetDecimal(i).Compare(b.GetDecimal());
    case PhysicalType::kInterval:
      return Cmp(a.GetInterval(i).SortKey(), b.GetInterval().SortKey());
    case PhysicalType::kString: {
      std::string_view x = a.GetString(i), y = b.GetString();
      if (a.type().id == TypeId::kChar) {
        x = RTrim(x);
        y = RTrim(y);
      }
      int c = x.compare(y);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return 0;
}

void AppendHashKey(const Vector& v, size_t i, std::string* out) {
  if (v.IsNull(i)) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  switch (v.physical()) {
    case PhysicalType::kInt64: {
      int64_t x = v.GetInt(i);
      AppendFixed(out, &x, 8);
      break;
    }
    case PhysicalType::kFloat64: {
      double d = v.GetDouble(i);
      if (d == 0) d = 0;
      if (std::isnan(d)) d = std::nan("");
      AppendFixed(out, &d, 8);
      break;
    }
    case PhysicalType::kDecimal: {
      Decimal n = v.GetDecimal(i).Normalized();
      __int128 u = n.unscaled();
      int32_t sc = n.scale();
      AppendFixed(out, &u, 16);
      AppendFixed(out, &sc, 4);
      break;
    }
    case PhysicalType::kInterval: {
      __int128 k = v.GetInterval(i).SortKey();
      AppendFixed(out, &k, 16);
      break;
    }
    case PhysicalType::kString: {
      std::string_view s = v.GetString(i);
      if (v.type().id == TypeId::kChar) s = RTrim(s);
      uint32_t n = static_cast<uint32_t>(s.size());
      AppendFixed(out, &n, 4);
      out->append(s);
      break;
    }
  }
}

void AppendHashKey(const Value& v, std::string* out) {
  Vector one(v.type());
  one.AppendValue(v);
  AppendHashKey(one, 0, out);
}

}  // namespace freshet
