#include "pgwire/value_codec.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common/datetime.h"
#include "common/record.h"
#include "pgwire/message_reader.h"
#include "pgwire/protocol.h"

namespace freshet::pgwire {
namespace {

// PostgreSQL type OIDs handled by BinaryParamToText.
constexpr uint32_t kBoolOid = 16;
constexpr uint32_t kByteaOid = 17;
constexpr uint32_t kNameOid = 19;
constexpr uint32_t kInt8Oid = 20;
constexpr uint32_t kInt2Oid = 21;
constexpr uint32_t kInt4Oid = 23;
constexpr uint32_t kTextOid = 25;
constexpr uint32_t kOidOid = 26;
constexpr uint32_t kJsonOid = 114;
constexpr uint32_t kFloat4Oid = 700;
constexpr uint32_t kFloat8Oid = 701;
constexpr uint32_t kUnknownOid = 705;
constexpr uint32_t kBpcharOid = 1042;
constexpr uint32_t kVarcharOid = 1043;
constexpr uint32_t kDateOid = 1082;
constexpr uint32_t kTimeOid = 1083;
constexpr uint32_t kTimestampOid = 1114;
constexpr uint32_t kTimestampTzOid = 1184;
constexpr uint32_t kIntervalOid = 1186;
constexpr uint32_t kNumericOid = 1700;
constexpr uint32_t kUuidOid = 2950;
constexpr uint32_t kJsonbOid = 3802;

// numeric sign words.
constexpr uint16_t kNumericPos = 0x0000;
constexpr uint16_t kNumericNeg = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPInf = 0xD000;
constexpr uint16_t kNumericNInf = 0xF000;

Status BadBinary(std::string_view what) {
  return Status::Error(protocol::kInvalidBinaryRepresentation,
                       "incorrect binary data format for type " + std::string(what));
}

std::string U128ToString(unsigned __int128 v) {
  if (v == 0) return "0";
  char buf[48];
  int pos = sizeof(buf);
  while (v > 0) {
    buf[--pos] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  return std::string(buf + pos, sizeof(buf) - pos);
}

template <typename F>
std::string FloatToText(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string UuidToText(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    auto c = static_cast<unsigned char>(b[i]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace

void ValueCodec::AppendNumericBinary(const Decimal& d, std::string* out) {
  __int128 unscaled = d.unscaled();
  unsigned __int128 magnitude = unscaled < 0 ? -static_cast<unsigned __int128>(unscaled)
                                             : static_cast<unsigned __int128>(unscaled);
  int32_t scale = d.scale();
  std::string digits = U128ToString(magnitude);
  if (scale < 0) {
    if (magnitude != 0) digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  // Split into integer and fraction digits, then pad both to whole base-10000 groups aligned at
  // the decimal point.
  std::string int_part;
  std::string frac_part;
  if (digits.size() > static_cast<size_t>(scale)) {
    int_part = digits.substr(0, digits.size() - scale);
    frac_part = digits.substr(digits.size() - scale);
  } else {
    frac_part = std::string(scale - digits.size(), '0') + digits;
  }
  int_part.insert(0, (4 - int_part.size() % 4) % 4, '0');
  frac_part.append((4 - frac_part.size() % 4) % 4, '0');
  std::vector<int16_t> groups;
  groups.reserve((int_part.size() + frac_part.size()) / 4);
  auto add_groups = [&groups](const std::string& s) {
    for (size_t i = 0; i < s.size(); i += 4) {
      groups.push_back(static_cast<int16_t>((s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
                                            (s[i + 2] - '0') * 10 + (s[i + 3] - '0')));
    }
  };
  add_groups(int_part);
  add_groups(frac_part);
  int weight = static_cast<int>(int_part.size() / 4) - 1;
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    first++;
    weight--;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) last--;
  size_t ndigits = last - first;
  uint16_t sign = d.Sign() < 0 ? kNumericNeg : kNumericPos;
  if (ndigits == 0) {
    weight = 0;
    sign = kNumericPos;
  }
  AppendBE16(out, static_cast<uint16_t>(ndigits));
  AppendBE16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  AppendBE16(out, sign);
  AppendBE16(out, static_cast<uint16_t>(scale));
  for (size_t i = first; i < last; i++) AppendBE16(out, static_cast<uint16_t>(groups[i]));
}

void ValueCodec::AppendBinary(const Value& value, std::string* out) {
  switch (value.type_id()) {
    case TypeId::kBool:
      out->push_back(value.GetBool() ? 1 : 0);
      return;
    case TypeId::kInt16:
      AppendBE16(out, static_cast<uint16_t>(static_cast<int16_t>(value.GetInt())));
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      AppendBE32(out, static_cast<uint32_t>(static_cast<int32_t>(value.GetInt())));
      return;
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      AppendBE64(out, static_cast<uint64_t>(value.GetInt()));
      return;
    case TypeId::kFloat32: {
      float f = static_cast<float>(value.GetDouble());
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      AppendBE32(out, bits);
      return;
    }
    case TypeId::kFloat64: {
      double d = value.GetDouble();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      AppendBE64(out, bits);
      return;
    }
    case TypeId::kNumeric:
      AppendNumericBinary(value.GetDecimal(), out);
      return;
    case TypeId::kJsonb:
      out->push_back(1);  // jsonb binary format version
      out->append(value.GetString());
      return;
    case TypeId::kRecord: {
      // record_send: the field count, then each field as (type OID, length, bytes). Freshet
      // holds records in their text form, so every field goes out as text (OID 25).
      auto fields = RecordText::Parse(value.GetString());
      if (!fields.ok()) {
        AppendBE32(out, 0);
        return;
      }
      AppendBE32(out, static_cast<uint32_t>(fields->size()));
      for (const auto& f : *fields) {
        AppendBE32(out, kTextOid);
        if (!f) {
          AppendBE32(out, static_cast<uint32_t>(-1));
          continue;
        }
        AppendBE32(out, static_cast<uint32_t>(f->size()));
        out->append(*f);
      }
      return;
    }
    case TypeId::kInterval: {
      const Interval& iv = value.GetInterval();
      AppendBE64(out, static_cast<uint64_t>(iv.micros));
      AppendBE32(out, static_cast<uint32_t>(iv.days));
      AppendBE32(out, static_cast<uint32_t>(iv.months));
      return;
    }
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
    case TypeId::kBytea:
    case TypeId::kUnknown:
      out->append(value.GetString());
      return;
  }
  out->append(value.GetString());
}

Result<std::string> ValueCodec::NumericBinaryToText(std::string_view bytes) {
  MessageReader r(bytes);
  auto ndigits = r.ReadInt16();
  auto weight = r.ReadInt16();
  auto sign = r.ReadInt16();
  auto dscale = r.ReadInt16();
  if (!ndigits.ok() || !weight.ok() || !sign.ok() || !dscale.ok() || *ndigits < 0 || *dscale < 0 ||
      r.remaining() != static_cast<size_t>(*ndigits) * 2) {
    return BadBinary("numeric");
  }
  auto sign_word = static_cast<uint16_t>(*sign);
  if (sign_word == kNumericNaN) return std::string("NaN");
  if (sign_word == kNumericPInf) return std::string("Infinity");
  if (sign_word == kNumericNInf) return std::string("-Infinity");
  if (sign_word != kNumericPos && sign_word != kNumericNeg) return BadBinary("numeric");
  std::vector<int16_t> digits(*ndigits);
  bool nonzero = false;
  for (auto& d : digits) {
    d = *r.ReadInt16();
    if (d < 0 || d > 9999) return BadBinary("numeric");
    if (d != 0) nonzero = true;
  }
  auto digit_at = [&digits](int i) -> int {
    return i >= 0 && i < static_cast<int>(digits.size()) ? digits[i] : 0;
  };
  std::string out;
  if (sign_word == kNumericNeg && nonzero) out.push_back('-');
  if (*weight < 0) {
    out.push_back('0');
  } else {
    for (int i = 0; i <= *weight; i++) {
      std::string group = std::to_string(digit_at(i));
      if (i > 0) group.insert(0, 4 - group.size(), '0');
      out += group;
    }
  }
  if (*dscale > 0) {
    out.push_back('.');
    int produced = 0;
    for (int i = *weight + 1; produced < *dscale; i++) {
      std::string group = std::to_string(digit_at(i));
      group.insert(0, 4 - group.size(), '0');
      int take = std::min(4, *dscale - produced);
      out.append(group, 0, take);
      produced += take;
    }
  }
  return out;
}

Result<std::string> ValueCodec::BinaryParamToText(uint32_t oid, std::string_view bytes) {
  auto need = [&bytes](size_t n) { return bytes.size() == n; };
  switch (oid) {
    case kBoolOid:
      if (!need(1)) return BadBinary("boolean");
      return std::string(bytes[0] != 0 ? "t" : "f");
    case kInt2Oid:
      if (!need(2)) return BadBinary("smallint");
      return std::to_string(static_cast<int16_t>(LoadBE16(bytes.data())));
    case kInt4Oid:
      if (!need(4)) return BadBinary("integer");
      return std::to_string(static_cast<int32_t>(LoadBE32(bytes.data())));
    case kOidOid:
      if (!need(4)) return BadBinary("oid");
      return std::to_string(LoadBE32(bytes.data()));
    case kInt8Oid:
      if (!need(8)) return BadBinary("bigint");
      return std::to_string(static_cast<int64_t>(LoadBE64(bytes.data())));
    case kFloat4Oid: {
      if (!need(4)) return BadBinary("real");
      uint32_t bits = LoadBE32(bytes.data());
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      return FloatToText(f);
    }
    case kFloat8Oid: {
      if (!need(8)) return BadBinary("double precision");
      uint64_t bits = LoadBE64(bytes.data());
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      return FloatToText(d);
    }
    case kNumericOid:
      return NumericBinaryToText(bytes);
    case kTextOid:
    case kVarcharOid:
    case kBpcharOid:
    case kNameOid:
    case kUnknownOid:
    case kJsonOid:
      return std::string(bytes);
    case kJsonbOid:
      if (bytes.empty() || bytes[0] != 1) {
        return Status::Error(protocol::kInvalidBinaryRepresentation,
                             "unsupported jsonb version number");
      }
      return std::string(bytes.substr(1));
    case kByteaOid:
      return HexEncode(bytes);
    case kUuidOid:
      if (!need(16)) return BadBinary("uuid");
      return UuidToText(bytes);
    case kDateOid: {
      if (!need(4)) return BadBinary("date");
      auto days = static_cast<int32_t>(LoadBE32(bytes.data()));
      if (days == std::numeric_limits<int32_t>::max()) return std::string("infinity");
      if (days == std::numeric_limits<int32_t>::min()) return std::string("-infinity");
      return datetime::FormatDate(days);
    }
    case kTimeOid:
      if (!need(8)) return BadBinary("time without time zone");
      return datetime::FormatTime(static_cast<int64_t>(LoadBE64(bytes.data())));
    case kTimestampOid:
    case kTimestampTzOid: {
      if (!need(8)) return BadBinary("timestamp");
      auto micros = static_cast<int64_t>(LoadBE64(bytes.data()));
      if (micros == std::numeric_limits<int64_t>::max()) return std::string("infinity");
      if (micros == std::numeric_limits<int64_t>::min()) return std::string("-infinity");
      if (oid == kTimestampOid) return datetime::FormatTimestamp(micros);
      return datetime::FormatTimestampTz(micros, datetime::TimeZone::Utc());
    }
    case kIntervalOid: {
      if (!need(16)) return BadBinary("interval");
      Interval iv;
      iv.micros = static_cast<int64_t>(LoadBE64(bytes.data()));
      iv.days = static_cast<int32_t>(LoadBE32(bytes.data() + 8));
      iv.months = static_cast<int32_t>(LoadBE32(bytes.data() + 12));
      return datetime::FormatInterval(iv);
    }
    default:
      break;
  }
  return Status::NotSupported("binary format for parameters of type oid " + std::to_string(oid) +
                              " is not supported");
}

}  // namespace freshet::pgwire
