#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sqllogictest/slt_record.h"
#include "sqllogictest/sql_connection.h"

namespace freshet::slt {

/// The outcome of comparing a query's values with a record's expected block.
struct Comparison {
  bool match = false;
  std::string expected_text;  // for failure reports
  std::string actual_text;
};

/// Formats query results the sqllogictest way (one text value per result cell) and compares them
/// with expected blocks, either value by value or as "<n> values hashing to <md5>".
class ResultFormatter {
 public:
  /// "<count> values hashing to <md5>" parsed from an expected block.
  struct HashSummary {
    size_t count = 0;
    std::string md5;
  };

  /// Formats one value for a column of type `type` (I, R or T): NULL as "NULL"; I as an integer
  /// (fractions truncated, non-numeric text as 0, t/f as 1/0); R with three decimals; T as is,
  /// with "(empty)" for the empty string and control characters replaced by '@'.
  static std::string FormatValue(char type, const std::optional<std::string>& raw);

  /// Formats every cell, row by row, into one flat list. `types` must have one letter per column.
  static std::vector<std::string> FormatRows(const std::string& types, const QueryResult& result);

  /// Sorts a flat value list: rows (of `columns` values) for rowsort, single values for valuesort.
  static void Sort(SortMode mode, size_t columns, std::vector<std::string>* values);

  /// MD5 over every value followed by a newline.
  static std::string Hash(const std::vector<std::string>& values);

  /// "<count> values hashing to <md5>" for `values`.
  static std::string HashSummaryText(const std::vector<std::string>& values);

  /// The hash summary if `lines` is exactly one such line.
  static std::optional<HashSummary> ParseHashSummary(const std::vector<std::string>& lines);

  /// Expected values as a flat list: one value per line when the line count equals
  /// `actual_count`, otherwise every line split into a row's values: on tabs when it has any,
  /// else on spaces.
  static std::vector<std::string> FlattenExpected(const std::vector<std::string>& lines,
                                                  size_t actual_count);

  /// Compares unsorted formatted `actual` values with an expected block after sorting both sides
  /// per `mode`; an expected hash summary is compared by count and hash.
  static Comparison Compare(const std::vector<std::string>& expected_lines,
                            std::vector<std::string> actual, SortMode mode, size_t columns);

  /// Values laid out one row (of `columns` values) per line, at most `max_rows` rows.
  static std::string Render(const std::vector<std::string>& values, size_t columns,
                            size_t max_rows);
};

}  // namespace freshet::slt
