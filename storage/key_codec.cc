#include "storage/key_codec.h"

#include <cstring>

namespace freshet::storage {
namespace {

void AppendBE64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; i--) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}

uint64_t ReadBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint64_t OrderedDouble(double d) {
  if (d == 0) d = 0;         // -0 -> 0
  if (d != d) return ~0ULL;  // NaN sorts last
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return (bits & (1ULL << 63)) ? ~bits : bits | (1ULL << 63);
}

double DoubleFromOrdered(uint64_t u) {
  uint64_t bits = (u & (1ULL << 63)) ? u & ~(1ULL << 63) : ~u;
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

// Tag bytes: non-NULL values start with 0x01, NULL with 0x02 (NULLs sort last).
constexpr char kNotNull = 0x01;
constexpr char kNull = 0x02;

void AppendString(std::string* out, std::string_view s) {
  // 0x00 escaped as 0x00 0xff; terminator 0x00 0x01.
  for (char c : s) {
    out->push_back(c);
    if (c == 0) out->push_back(static_cast<char>(0xff));
  }
  out->push_back(0);
  out->push_back(1);
}

}  // namespace

void KeyCodec::AppendU64(std::string* out, uint64_t v) { AppendBE64(out, v); }
uint64_t KeyCodec::DecodeU64(std::string_view in) { return ReadBE64(in.data()); }

void KeyCodec::AppendValue(std::string* out, const Value& v, bool descending) {
  size_t start = out->size();
  if (v.is_null()) {
    out->push_back(kNull);
  } else {
    out->push_back(kNotNull);
    switch (v.type_id()) {
      case TypeId::kFloat32:
      case TypeId::kFloat64:
        AppendBE64(out, OrderedDouble(v.GetDouble()));
        break;
      case TypeId::kNumeric: {
        // Order by value: encode as double for the prefix, then the exact text for equality.
        Decimal n = v.GetDecimal().Normalized();
        AppendBE64(out, OrderedDouble(n.ToDouble()));
        AppendString(out, n.ToString());
        break;
      }
      case TypeId::kInterval: {
        __int128 k = v.GetInterval().SortKey();
        AppendBE64(out, static_cast<uint64_t>(static_cast<int64_t>(k >> 64)) ^ (1ULL << 63));
        AppendBE64(out, static_cast<uint64_t>(k));
        const Interval& iv = v.GetInterval();
        AppendBE64(out, static_cast<uint64_t>(static_cast<int64_t>(iv.months)) ^ (1ULL << 63));
        AppendBE64(out, static_cast<uint64_t>(static_cast<int64_t>(iv.days)) ^ (1ULL << 63));
        break;
      }
      case TypeId::kText:
      case TypeId::kVarchar:
      case TypeId::kChar:
      case TypeId::kBytea:
      case TypeId::kJsonb:
      case TypeId::kRecord:
      case TypeId::kUnknown:
        AppendString(out, v.GetString());
        break;
      default:
        AppendBE64(out, static_cast<uint64_t>(v.GetInt()) ^ (1ULL << 63));
        break;
    }
  }
  if (descending) {
    for (size_t i = start; i < out->size(); i++) (*out)[i] = static_cast<char>(~(*out)[i]);
  }
}

Status KeyCodec::DecodeValue(std::string_view* in, SqlType type, Value* out, bool descending) {
  std::string buf;
  std::string_view s = *in;
  if (descending) {
    buf.assign(s);
    for (auto& c : buf) c = static_cast<char>(~c);
    s = buf;
  }
  auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt key encoding"); };
  if (s.empty()) return corrupt();
  size_t pos = 1;
  if (s[0] == kNull) {
    *out = Value::Null(type);
  } else {
    auto read64 = [&](uint64_t* v) {
      if (pos + 8 > s.size()) return false;
      *v = ReadBE64(s.data() + pos);
      pos += 8;
      return true;
    };
    auto read_string = [&](std::string* str) {
      while (pos < s.size()) {
        char c = s[pos++];
        if (c == 0) {
          if (pos >= s.size()) return false;
          char n = s[pos++];
          if (n == 1) return true;
          str->push_back(0);
        } else {
          str->push_back(c);
        }
      }
      return false;
    };
    uint64_t u;
    switch (type.id) {
      case TypeId::kFloat32:
      case TypeId::kFloat64:
        if (!read64(&u)) return corrupt();
        *out = Value::FromDouble(type, DoubleFromOrdered(u));
        break;
      case TypeId::kNumeric: {
        std::string text;
        if (!read64(&u) || !read_string(&text)) return corrupt();
        ASSIGN_OR_RETURN(Decimal d, Decimal::Parse(text));
        *out = Value::Numeric(d, type.typmod);
        break;
      }
      case TypeId::kInterval: {
        uint64_t hi, lo, months, days;
        if (!read64(&hi) || !read64(&lo) || !read64(&months) || !read64(&days)) return corrupt();
        __int128 k = (static_cast<__int128>(static_cast<int64_t>(hi ^ (1ULL << 63))) << 64) |
                     static_cast<__int128>(lo);
        Interval iv;
        iv.months = static_cast<int32_t>(static_cast<int64_t>(months ^ (1ULL << 63)));
        iv.days = static_cast<int32_t>(static_cast<int64_t>(days ^ (1ULL << 63)));
        iv.micros = static_cast<int64_t>(k - (static_cast<__int128>(iv.months) * 30 + iv.days) *
                                                 86400000000LL);
        *out = Value::MakeInterval(iv);
        break;
      }
      case TypeId::kText:
      case TypeId::kVarchar:
      case TypeId::kChar:
      case TypeId::kBytea:
      case TypeId::kJsonb:
      case TypeId::kRecord:
      case TypeId::kUnknown: {
        std::string str;
        if (!read_string(&str)) return corrupt();
        *out = Value::String(type, std::move(str));
        break;
      }
      default:
        if (!read64(&u)) return corrupt();
        *out = Value::FromInt(type, static_cast<int64_t>(u ^ (1ULL << 63)));
        break;
    }
  }
  in->remove_prefix(pos);
  return Status::OK();
}

std::string KeyCodec::PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char c = static_cast<unsigned char>(prefix.back());
    if (c != 0xff) {
      prefix.back() = static_cast<char>(c + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;  // empty: no upper bound
}

}  // namespace freshet::storage
