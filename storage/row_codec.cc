#include "storage/row_codec.h"

#include <cstring>

namespace freshet::storage {
namespace {

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint64_t b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= (b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

}  // namespace

void RowCodec::Encode(const Row& row, std::string* out) {
  PutVarint(out, row.size());
  for (const Value& v : row) {
    if (v.is_null()) {
      out->push_back(0);
      continue;
    }
    out->push_back(1);
    switch (v.type_id()) {
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        double d = v.GetDouble();
        char buf[8];
        std::memcpy(buf, &d, 8);
        out->append(buf, 8);
        break;
      }
      case TypeId::kNumeric: {
        const Decimal& d = v.GetDecimal();
        auto u = static_cast<unsigned __int128>(d.unscaled());
        PutVarint(out, static_cast<uint64_t>(u));
        PutVarint(out, static_cast<uint64_t>(u >> 64));
        PutVarint(out, static_cast<uint64_t>(d.scale()));
        break;
      }
      case TypeId::kInterval: {
        const Interval& iv = v.GetInterval();
        PutVarint(out, ZigZag(iv.months));
        PutVarint(out, ZigZag(iv.days));
        PutVarint(out, ZigZag(iv.micros));
        break;
      }
      case TypeId::kText:
      case TypeId::kVarchar:
      case TypeId::kChar:
      case TypeId::kBytea:
      case TypeId::kJsonb:
      case TypeId::kUnknown:
        PutVarint(out, v.GetString().size());
        out->append(v.GetString());
        break;
      default:
        PutVarint(out, ZigZag(v.GetInt()));
        break;
    }
  }
}

Status RowCodec::Decode(std::string_view in, const std::vector<SqlType>& types, Row* out) {
  auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt row encoding"); };
  uint64_t n;
  if (!GetVarint(&in, &n)) return corrupt();
  out->clear();
  out->reserve(types.size());
  for (size_t c = 0; c < types.size(); c++) {
    const SqlType& type = types[c];
    if (c >= n) {
      out->push_back(Value::Null(type));
      continue;
    }
    if (in.empty()) return corrupt();
    char flag = in.front();
    in.remove_prefix(1);
    if (flag == 0) {
      out->push_back(Value::Null(type));
      continue;
    }
    uint64_t a, b, s;
    switch (type.id) {
      case TypeId::kFloat32:
      case TypeId::kFloat64: {
        if (in.size() < 8) return corrupt();
        double d;
        std::memcpy(&d, in.data(), 8);
        in.remove_prefix(8);
        out->push_back(Value::FromDouble(type, d));
        break;
      }
      case TypeId::kNumeric: {
        if (!GetVarint(&in, &a) || !GetVarint(&in, &b) || !GetVarint(&in, &s)) return corrupt();
        auto u = (static_cast<unsigned __int128>(b) << 64) | a;
        out->push_back(Value::Numeric(Decimal(static_cast<__int128>(u), static_cast<int32_t>(s)),
                                      type.typmod));
        break;
      }
      case TypeId::kInterval: {
        if (!GetVarint(&in, &a) || !GetVarint(&in, &b) || !GetVarint(&in, &s)) return corrupt();
        Interval iv;
        iv.months = static_cast<int32_t>(UnZigZag(a));
        iv.days = static_cast<int32_t>(UnZigZag(b));
        iv.micros = UnZigZag(s);
        out->push_back(Value::MakeInterval(iv));
        break;
      }
      case TypeId::kText:
      case TypeId::kVarchar:
      case TypeId::kChar:
      case TypeId::kBytea:
      case TypeId::kJsonb:
      case TypeId::kUnknown: {
        if (!GetVarint(&in, &a) || in.size() < a) return corrupt();
        out->push_back(Value::String(type, std::string(in.substr(0, a))));
        in.remove_prefix(a);
        break;
      }
      default:
        if (!GetVarint(&in, &a)) return corrupt();
        out->push_back(Value::FromInt(type, UnZigZag(a)));
        break;
    }
  }
  // Columns beyond types.size() (dropped columns are rewritten away) are ignored.
  return Status::OK();
}

}  // namespace freshet::storage
