#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "common/status.h"
#include "common/types.h"
#include "common/value.h"

namespace freshet::ingest {

/// A column a record decoder fills: by name from a JSON object, by position from CSV; into
/// `row_index` of the row it decodes into.
struct DecodedColumn {
  std::string name;
  SqlType type;
  size_t row_index = 0;
};

/// What one Debezium change event says (Debezium's JSON envelope, with or without its
/// schema/payload wrapper): op 'c' (create), 'r' (snapshot read), 'u' (update), 'd' (delete);
/// the rows before and after, as present.
struct DebeziumChange {
  char op = 0;
  bool has_before = false;
  bool has_after = false;
};

/// Turns the bytes of one external record into a row: JSON objects (fields by column name,
/// exact first, then case-insensitively; missing fields NULL; strings through the type's
/// PostgreSQL input function, numbers into numeric columns, numbers into timestamp columns as
/// milliseconds since the Unix epoch, any JSON into jsonb and text columns) or CSV records
/// (fields by position). Failures are values: 22P02 for invalid JSON or CSV, the type's input
/// error for a bad field, both naming the column. Reuses its buffers; one thread at a time.
class RecordDecoder {
 public:
  enum class Encoding { kJson, kCsv };

  RecordDecoder(Encoding encoding, std::vector<DecodedColumn> columns, CsvDialect csv = {});
  ~RecordDecoder();

  /// Decodes `bytes` into `row`'s decoded columns (the row must be large enough; other
  /// entries are left alone).
  Status Decode(std::string_view bytes, Row* row);
  /// Decodes a Debezium envelope (JSON): `before` and `after` get the rows present.
  Result<DebeziumChange> DecodeDebezium(std::string_view bytes, Row* before, Row* after);

  struct Impl;  // simdjson's parser, in record_decoder.cc

 private:
  Encoding encoding_;
  std::vector<DecodedColumn> columns_;
  CsvDialect csv_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::optional<std::string>> fields_;
};

/// Whether `bytes` is valid UTF-8 (simdjson's validator).
bool IsValidUtf8(std::string_view bytes);

}  // namespace freshet::ingest
