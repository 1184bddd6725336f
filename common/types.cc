#include "common/types.h"

#include <string>

namespace freshet {

uint32_t SqlType::Oid() const {
  switch (id) {
    case TypeId::kUnknown:
      return 705;
    case TypeId::kBool:
      return 16;
    case TypeId::kInt16:
      return 21;
    case TypeId::kInt32:
      return 23;
    case TypeId::kInt64:
      return 20;
    case TypeId::kFloat32:
      return 700;
    case TypeId::kFloat64:
      return 701;
    case TypeId::kNumeric:
      return 1700;
    case TypeId::kText:
      return 25;
    case TypeId::kVarchar:
      return 1043;
    case TypeId::kChar:
      return 1042;
    case TypeId::kBytea:
      return 17;
    case TypeId::kDate:
      return 1082;
    case TypeId::kTime:
      return 1083;
    case TypeId::kTimestamp:
      return 1114;
    case TypeId::kTimestampTz:
      return 1184;
    case TypeId::kInterval:
      return 1186;
    case TypeId::kJsonb:
      return 3802;
    case TypeId::kRecord:
      return 2249;
  }
  return 0;
}

int16_t SqlType::TypLen() const {
  switch (id) {
    case TypeId::kBool:
      return 1;
    case TypeId::kInt16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return 8;
    case TypeId::kInterval:
      return 16;
    case TypeId::kUnknown:
      return -2;
    default:
      return -1;
  }
}

std::string_view SqlType::BaseName() const {
  switch (id) {
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt16:
      return "smallint";
    case TypeId::kInt32:
      return "integer";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kFloat32:
      return "real";
    case TypeId::kFloat64:
      return "double precision";
    case TypeId::kNumeric:
      return "numeric";
    case TypeId::kText:
      return "text";
    case TypeId::kVarchar:
      return "character varying";
    case TypeId::kChar:
      return "character";
    case TypeId::kBytea:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time without time zone";
    case TypeId::kTimestamp:
      return "timestamp without time zone";
    case TypeId::kTimestampTz:
      return "timestamp with time zone";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kJsonb:
      return "jsonb";
    case TypeId::kRecord:
      return "record";
  }
  return "unknown";
}

std::string SqlType::ToString() const {
  switch (id) {
    case TypeId::kNumeric:
      if (typmod >= 4) {
        return "numeric(" + std::to_string(NumericPrecision()) + "," +
               std::to_string(NumericScale()) + ")";
      }
      return "numeric";
    case TypeId::kVarchar:
      if (typmod >= 4) return "character varying(" + std::to_string(CharLength()) + ")";
      return "character varying";
    case TypeId::kChar:
      if (typmod >= 4) return "character(" + std::to_string(CharLength()) + ")";
      return "bpchar";
    case TypeId::kTime:
      if (typmod >= 0) return "time(" + std::to_string(typmod) + ") without time zone";
      break;
    case TypeId::kTimestamp:
      if (typmod >= 0) return "timestamp(" + std::to_string(typmod) + ") without time zone";
      break;
    case TypeId::kTimestampTz:
      if (typmod >= 0) return "timestamp(" + std::to_string(typmod) + ") with time zone";
      break;
    default:
      break;
  }
  return std::string(BaseName());
}

SqlType TypeFromOid(uint32_t oid) {
  switch (oid) {
    case 16:
      return TypeId::kBool;
    case 21:
      return TypeId::kInt16;
    case 23:
      return TypeId::kInt32;
    case 20:
      return TypeId::kInt64;
    case 700:
      return TypeId::kFloat32;
    case 701:
      return TypeId::kFloat64;
    case 1700:
      return TypeId::kNumeric;
    case 25:
      return TypeId::kText;
    case 1043:
      return TypeId::kVarchar;
    case 1042:
      return TypeId::kChar;
    case 17:
      return TypeId::kBytea;
    case 1082:
      return TypeId::kDate;
    case 1083:
      return TypeId::kTime;
    case 1114:
      return TypeId::kTimestamp;
    case 1184:
      return TypeId::kTimestampTz;
    case 1186:
      return TypeId::kInterval;
    case 3802:
    case 114:
      return TypeId::kJsonb;
    default:
      return TypeId::kUnknown;
  }
}

SqlType TypeFromName(std::string_view name, int32_t mod1, int32_t mod2) {
  if (name == "bool" || name == "boolean") return TypeId::kBool;
  if (name == "int2" || name == "smallint") return TypeId::kInt16;
  if (name == "int" || name == "int4" || name == "integer") return TypeId::kInt32;
  if (name == "int8" || name == "bigint") return TypeId::kInt64;
  if (name == "real" || name == "float4") return TypeId::kFloat32;
  if (name == "float") {
    return (mod1 >= 1 && mod1 <= 24) ? SqlType(TypeId::kFloat32) : SqlType(TypeId::kFloat64);
  }
  if (name == "double precision" || name == "float8" || name == "double") {
    return TypeId::kFloat64;
  }
  if (name == "numeric" || name == "decimal") {
    if (mod1 >= 0) return SqlType::Numeric(mod1, mod2 >= 0 ? mod2 : 0);
    return TypeId::kNumeric;
  }
  if (name == "text" || name == "name" || name == "string") return TypeId::kText;
  if (name == "varchar" || name == "character varying") {
    return mod1 >= 0 ? SqlType::Varchar(mod1) : SqlType(TypeId::kVarchar);
  }
  if (name == "char" || name == "character") return SqlType::Char(mod1 >= 0 ? mod1 : 1);
  if (name == "bpchar") return mod1 >= 0 ? SqlType::Char(mod1) : SqlType(TypeId::kChar);
  if (name == "bytea") return TypeId::kBytea;
  if (name == "date") return TypeId::kDate;
  if (name == "time" || name == "time without time zone") return {TypeId::kTime, mod1};
  if (name == "timestamp" || name == "timestamp without time zone") {
    return {TypeId::kTimestamp, mod1};
  }
  if (name == "timestamptz" || name == "timestamp with time zone") {
    return {TypeId::kTimestampTz, mod1};
  }
  if (name == "interval") return TypeId::kInterval;
  if (name == "jsonb" || name == "json") return TypeId::kJsonb;
  return TypeId::kUnknown;
}

}  // namespace freshet
