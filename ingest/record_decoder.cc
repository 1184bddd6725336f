#include "ingest/record_decoder.h"

#include <simdjson.h>
#include <strings.h>

#include "common/datetime.h"

namespace freshet::ingest {

namespace dom = simdjson::dom;

struct RecordDecoder::Impl {
  dom::parser parser;
  std::string scratch;
};

namespace {

constexpr int64_t kUnixEpochMicros = 946684800LL * 1000000;  // 1970-01-01 before 2000-01-01

Status BadJson(simdjson::error_code e) {
  return Status::Error(sqlstate::kInvalidJsonText,
                       std::string("invalid JSON record: ") + simdjson::error_message(e));
}

Status BadField(const DecodedColumn& col, const std::string& why) {
  return Status::Error(sqlstate::kInvalidTextRepresentation,
                       "column \"" + col.name + "\" (" + col.type.ToString() + "): " + why);
}

/// One JSON value as a value of the column's type.
Result<Value> Convert(dom::element e, const DecodedColumn& col, std::string* scratch) {
  const SqlType& t = col.type;
  auto from_text = [&](std::string_view text) -> Result<Value> {
    auto v = Value::FromText(text, t, datetime::TimeZone::Utc());
    if (!v.ok()) return BadField(col, v.status().message());
    return v;
  };
  switch (e.type()) {
    case dom::element_type::NULL_VALUE:
      return Value::Null(t);
    case dom::element_type::STRING: {
      std::string_view s = e.get_string().value_unsafe();
      if (t.id == TypeId::kJsonb) {
        *scratch = simdjson::minify(e);
        return from_text(*scratch);
      }
      return from_text(s);
    }
    case dom::element_type::BOOL:
      if (t.id == TypeId::kBool) return Value::Bool(e.get_bool().value_unsafe());
      if (t.IsString() || t.id == TypeId::kJsonb)
        return from_text(e.get_bool().value_unsafe() ? "true" : "false");
      return BadField(col, "a JSON boolean does not fit");
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: {
      bool is_double = e.type() == dom::element_type::DOUBLE;
      if (t.IsInteger() && !is_double) {
        if (e.type() == dom::element_type::UINT64) return BadField(col, "value out of range");
        int64_t v = e.get_int64().value_unsafe();
        int64_t lo = t.id == TypeId::kInt16   ? INT16_MIN
                     : t.id == TypeId::kInt32 ? INT32_MIN
                                              : INT64_MIN;
        int64_t hi = t.id == TypeId::kInt16   ? INT16_MAX
                     : t.id == TypeId::kInt32 ? INT32_MAX
                                              : INT64_MAX;
        if (v < lo || v > hi) return BadField(col, "value out of range for type " + t.ToString());
        return Value::FromInt(t, v);
      }
      if (t.IsFloat()) {
        double d = is_double ? e.get_double().value_unsafe()
                   : e.type() == dom::element_type::INT64
                       ? static_cast<double>(e.get_int64().value_unsafe())
                       : static_cast<double>(e.get_uint64().value_unsafe());
        return t.id == TypeId::kFloat32 ? Value::Float32(static_cast<float>(d)) : Value::Float64(d);
      }
      if ((t.id == TypeId::kTimestamp || t.id == TypeId::kTimestampTz) && !is_double) {
        int64_t ms = e.get_int64().value_unsafe();
        if (ms > INT64_MAX / 1000 - kUnixEpochMicros || ms < INT64_MIN / 1000 + kUnixEpochMicros) {
          return BadField(col, "timestamp out of range");
        }
        return Value::FromInt(t, ms * 1000 - kUnixEpochMicros);
      }
      if (t.id == TypeId::kNumeric || t.IsString() || t.id == TypeId::kJsonb || t.IsInteger()) {
        *scratch = simdjson::minify(e);
        return from_text(*scratch);
      }
      return BadField(col, "a JSON number does not fit");
    }
    case dom::element_type::ARRAY:
    case dom::element_type::OBJECT:
      if (t.id == TypeId::kJsonb || t.IsString()) {
        *scratch = simdjson::minify(e);
        return from_text(*scratch);
      }
      return BadField(col, "a JSON object or array does not fit");
  }
  return BadField(col, "unexpected JSON value");
}

/// Fills `row`'s columns from the fields of a JSON object; the rest become NULL.
Status FromObject(dom::object obj, const std::vector<DecodedColumn>& columns, Row* row,
                  std::string* scratch) {
  for (const auto& c : columns) (*row)[c.row_index] = Value::Null(c.type);
  size_t hint = 0;
  for (auto field : obj) {
    std::string_view key = field.key;
    size_t n = columns.size(), found = n;
    for (size_t k = 0; k < n; k++) {
      size_t i = (hint + k) % n;
      if (columns[i].name == key) {
        found = i;
        break;
      }
    }
    if (found == n) {
      for (size_t i = 0; i < n; i++) {
        if (columns[i].name.size() == key.size() &&
            strncasecmp(columns[i].name.data(), key.data(), key.size()) == 0) {
          found = i;
          break;
        }
      }
    }
    if (found == n) continue;  // a field the source does not declare
    hint = found + 1;
    ASSIGN_OR_RETURN((*row)[columns[found].row_index],
                     Convert(field.value, columns[found], scratch));
  }
  return Status::OK();
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  return simdjson::validate_utf8(bytes.data(), bytes.size());
}

RecordDecoder::RecordDecoder(Encoding encoding, std::vector<DecodedColumn> columns, CsvDialect csv)
    : encoding_(encoding),
      columns_(std::move(columns)),
      csv_(std::move(csv)),
      impl_(std::make_unique<Impl>()) {}

RecordDecoder::~RecordDecoder() = default;

Status RecordDecoder::Decode(std::string_view bytes, Row* row) {
  if (encoding_ == Encoding::kCsv) {
    while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) bytes.remove_suffix(1);
    SplitCsvFields(bytes, csv_, &fields_);
    if (fields_.size() != columns_.size()) {
      return Status::Error(sqlstate::kInvalidTextRepresentation,
                           "CSV record has " + std::to_string(fields_.size()) +
                               " fields, the source declares " + std::to_string(columns_.size()));
    }
    for (size_t i = 0; i < columns_.size(); i++) {
      const DecodedColumn& c = columns_[i];
      if (!fields_[i]) {
        (*row)[c.row_index] = Value::Null(c.type);
        continue;
      }
      auto v = Value::FromText(*fields_[i], c.type, datetime::TimeZone::Utc());
      if (!v.ok()) return BadField(c, v.status().message());
      (*row)[c.row_index] = std::move(*v);
    }
    return Status::OK();
  }
  dom::element doc;
  auto err = impl_->parser.parse(bytes.data(), bytes.size()).get(doc);
  if (err) return BadJson(err);
  dom::object obj;
  if (doc.get_object().get(obj)) {
    return Status::Error(sqlstate::kInvalidJsonText, "a JSON record must be an object");
  }
  return FromObject(obj, columns_, row, &impl_->scratch);
}

Result<DebeziumChange> RecordDecoder::DecodeDebezium(std::string_view bytes, Row* before,
                                                     Row* after) {
  dom::element doc;
  auto err = impl_->parser.parse(bytes.data(), bytes.size()).get(doc);
  if (err) return BadJson(err);
  dom::object obj;
  if (doc.get_object().get(obj)) {
    return Status::Error(sqlstate::kInvalidJsonText, "a Debezium event must be a JSON object");
  }
  // Kafka Connect's JSON converter with schemas wraps the event in {"schema":..., "payload":...}.
  dom::object payload;
  if (!obj["payload"].get_object().get(payload)) obj = payload;
  std::string_view op;
  if (obj["op"].get_string().get(op) || op.size() != 1 ||
      std::string_view("crud").find(op[0]) == std::string_view::npos) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "a Debezium event needs \"op\" of c, r, u or d");
  }
  DebeziumChange change;
  change.op = op[0];
  dom::object part;
  if (!obj["before"].get_object().get(part)) {
    change.has_before = true;
    RETURN_IF_ERROR(FromObject(part, columns_, before, &impl_->scratch));
  }
  if (!obj["after"].get_object().get(part)) {
    change.has_after = true;
    RETURN_IF_ERROR(FromObject(part, columns_, after, &impl_->scratch));
  }
  if (change.op == 'd' ? !change.has_before : !change.has_after) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         std::string("a Debezium '") + change.op + "' event needs \"" +
                             (change.op == 'd' ? "before" : "after") + "\"");
  }
  return change;
}

}  // namespace freshet::ingest
