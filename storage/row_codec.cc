#include "storage/row_codec.h"

#include <algorithm>
#include <cstring>

#include "common/varint.h"

namespace freshet::storage {

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
      case TypeId::kRecord:
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

namespace {
/// One past the last column `columns` marks (`count` when all are read).
size_t LastMarked(const std::vector<bool>* columns, size_t count) {
  if (!columns) return count;
  size_t end = std::min(count, columns->size());
  while (end > 0 && !(*columns)[end - 1]) end--;
  return columns->size() < count ? count : end;
}

/// Skips the payload of a non-NULL value of `type`; false when `in` is too short.
bool SkipValue(std::string_view* in, const SqlType& type) {
  uint64_t a;
  switch (PhysicalTypeOf(type.id)) {
    case PhysicalType::kFloat64:
      if (in->size() < 8) return false;
      in->remove_prefix(8);
      return true;
    case PhysicalType::kDecimal:
    case PhysicalType::kInterval:
      return GetVarint(in, &a) && GetVarint(in, &a) && GetVarint(in, &a);
    case PhysicalType::kString:
      if (!GetVarint(in, &a) || in->size() < a) return false;
      in->remove_prefix(a);
      return true;
    case PhysicalType::kInt64:
      return GetVarint(in, &a);
  }
  return false;
}
}  // namespace

Status RowCodec::Decode(std::string_view in, const std::vector<SqlType>& types, Row* out,
                        const std::vector<bool>* columns) {
  auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt row encoding"); };
  uint64_t n;
  if (!GetVarint(&in, &n)) return corrupt();
  // The row's slots are reused from the previous row decoded into it (strings keep their
  // buffers); a row of another width starts afresh.
  if (out->size() != types.size()) out->assign(types.size(), Value());
  // Past the last column read, nothing more is parsed.
  size_t end = LastMarked(columns, types.size());
  for (size_t c = 0; c < types.size(); c++) {
    const SqlType& type = types[c];
    Value& slot = (*out)[c];
    if (c >= n || c >= end) {
      slot.SetNull(type);
      continue;
    }
    if (in.empty()) return corrupt();
    char flag = in.front();
    in.remove_prefix(1);
    if (flag == 0) {
      slot.SetNull(type);
      continue;
    }
    if (columns && !(*columns)[c]) {
      if (!SkipValue(&in, type)) return corrupt();
      slot.SetNull(type);
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
        slot.SetDouble(type, d);
        break;
      }
      case TypeId::kNumeric: {
        if (!GetVarint(&in, &a) || !GetVarint(&in, &b) || !GetVarint(&in, &s)) return corrupt();
        auto u = (static_cast<unsigned __int128>(b) << 64) | a;
        slot =
            Value::Numeric(Decimal(static_cast<__int128>(u), static_cast<int32_t>(s)), type.typmod);
        break;
      }
      case TypeId::kInterval: {
        if (!GetVarint(&in, &a) || !GetVarint(&in, &b) || !GetVarint(&in, &s)) return corrupt();
        Interval iv;
        iv.months = static_cast<int32_t>(UnZigZag(a));
        iv.days = static_cast<int32_t>(UnZigZag(b));
        iv.micros = UnZigZag(s);
        slot = Value::MakeInterval(iv);
        break;
      }
      case TypeId::kText:
      case TypeId::kVarchar:
      case TypeId::kChar:
      case TypeId::kBytea:
      case TypeId::kJsonb:
      case TypeId::kRecord:
      case TypeId::kUnknown: {
        if (!GetVarint(&in, &a) || in.size() < a) return corrupt();
        slot.SetString(type, in.substr(0, a));
        in.remove_prefix(a);
        break;
      }
      default:
        if (!GetVarint(&in, &a)) return corrupt();
        slot.SetInt(type, UnZigZag(a));
        break;
    }
  }
  // Columns beyond types.size() (dropped columns are rewritten away) are ignored.
  return Status::OK();
}

void RowCodec::EncodeChunkRow(const StreamChunk& chunk, size_t row, std::string* out,
                              const std::vector<int>* cols) {
  size_t n = cols ? cols->size() : chunk.column_count();
  PutVarint(out, n);
  for (size_t k = 0; k < n; k++) {
    const Vector& v = chunk.column(cols ? (*cols)[k] : k);
    if (v.IsNull(row)) {
      out->push_back(0);
      continue;
    }
    out->push_back(1);
    switch (v.physical()) {
      case PhysicalType::kFloat64: {
        double d = v.GetDouble(row);
        char buf[8];
        std::memcpy(buf, &d, 8);
        out->append(buf, 8);
        break;
      }
      case PhysicalType::kDecimal: {
        const Decimal& d = v.GetDecimal(row);
        auto u = static_cast<unsigned __int128>(d.unscaled());
        PutVarint(out, static_cast<uint64_t>(u));
        PutVarint(out, static_cast<uint64_t>(u >> 64));
        PutVarint(out, static_cast<uint64_t>(d.scale()));
        break;
      }
      case PhysicalType::kInterval: {
        const Interval& iv = v.GetInterval(row);
        PutVarint(out, ZigZag(iv.months));
        PutVarint(out, ZigZag(iv.days));
        PutVarint(out, ZigZag(iv.micros));
        break;
      }
      case PhysicalType::kString: {
        std::string_view s = v.GetString(row);
        PutVarint(out, s.size());
        out->append(s);
        break;
      }
      case PhysicalType::kInt64:
        PutVarint(out, ZigZag(v.GetInt(row)));
        break;
    }
  }
}

Status RowCodec::DecodeInto(std::string_view in, StreamChunk* chunk, int64_t weight,
                            const std::vector<bool>* columns) {
  size_t row = chunk->size();
  size_t cols = chunk->column_count();
  for (size_t c = 0; c < cols; c++) chunk->column(c).Resize(row + 1);
  RETURN_IF_ERROR(DecodeColumns(in, chunk, 0, cols, row, columns));
  chunk->SetSize(row + 1);
  chunk->SetWeight(row, weight);
  return Status::OK();
}

Status RowCodec::DecodeColumns(std::string_view in, StreamChunk* chunk, size_t first, size_t count,
                               size_t row, const std::vector<bool>* columns) {
  auto corrupt = [] { return Status::Error(sqlstate::kDataCorrupted, "corrupt row encoding"); };
  uint64_t n;
  if (!GetVarint(&in, &n)) return corrupt();
  size_t end = LastMarked(columns, count);
  for (size_t c = 0; c < count; c++) {
    Vector& v = chunk->column(first + c);
    if (c >= n || c >= end) {
      v.SetNull(row);
      continue;
    }
    if (in.empty()) return corrupt();
    char flag = in.front();
    in.remove_prefix(1);
    if (flag == 0) {
      v.SetNull(row);
      continue;
    }
    if (columns && c < columns->size() && !(*columns)[c]) {
      if (!SkipValue(&in, v.type())) return corrupt();
      v.SetNull(row);
      continue;
    }
    uint64_t a, b, s;
    switch (v.physical()) {
      case PhysicalType::kFloat64: {
        if (in.size() < 8) return corrupt();
        double d;
        std::memcpy(&d, in.data(), 8);
        in.remove_prefix(8);
        v.SetDouble(row, d);
        break;
      }
      case PhysicalType::kDecimal: {
        if (!GetVarint(&in, &a) || !GetVarint(&in, &b) || !GetVarint(&in, &s)) return corrupt();
        auto u = (static_cast<unsigned __int128>(b) << 64) | a;
        v.SetDecimal(row, Decimal(static_cast<__int128>(u), static_cast<int32_t>(s)));
        break;
      }
      case PhysicalType::kInterval: {
        if (!GetVarint(&in, &a) || !GetVarint(&in, &b) || !GetVarint(&in, &s)) return corrupt();
        Interval iv;
        iv.months = static_cast<int32_t>(UnZigZag(a));
        iv.days = static_cast<int32_t>(UnZigZag(b));
        iv.micros = UnZigZag(s);
        v.SetInterval(row, iv);
        break;
      }
      case PhysicalType::kString: {
        if (!GetVarint(&in, &a) || in.size() < a) return corrupt();
        v.SetString(row, in.substr(0, a));
        in.remove_prefix(a);
        break;
      }
      case PhysicalType::kInt64:
        if (!GetVarint(&in, &a)) return corrupt();
        v.SetInt(row, UnZigZag(a));
        break;
    }
  }
  return Status::OK();
}

}  // namespace freshet::storage
