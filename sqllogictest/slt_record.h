#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace freshet::slt {

/// The engine name this runner answers to in `skipif` / `onlyif` conditions.
inline constexpr const char* kEngineName = "postgresql";

/// What kind of line started a record.
enum class RecordKind { kStatement, kQuery, kHashThreshold, kHalt, kInclude, kSleep };

/// What a `statement` record expects.
enum class StatementExpect { kOk, kError, kCount };

/// How query results are ordered before comparison.
enum class SortMode { kNoSort, kRowSort, kValueSort };

/// A `skipif <engine>` or `onlyif <engine>` line in front of a record.
struct Condition {
  bool only_if = false;  // onlyif when true, skipif when false
  std::string engine;
};

/// One record of a sqllogictest file. Fields not used by a record's kind stay at their defaults.
struct SltRecord {
  RecordKind kind = RecordKind::kStatement;
  int line = 0;  // 1-based line of the `statement` / `query` / ... line
  std::vector<Condition> conditions;

  std::string sql;  // statement and query

  // statement
  StatementExpect expect = StatementExpect::kOk;
  int64_t expected_count = 0;  // for `statement count N`

  // statement error / query error: the optional regex the error text must match
  bool expect_error = false;  // query only: `query error [regex]`
  std::string error_regex;

  // query
  std::string types;  // one letter per column: I, R, T
  SortMode sort_mode = SortMode::kNoSort;
  std::string label;
  bool has_expected = false;                // a `----` line was present
  std::vector<std::string> expected_lines;  // lines after `----`, trailing whitespace removed

  int hash_threshold = 0;       // hash-threshold
  std::string include_pattern;  // include
  int64_t sleep_millis = 0;     // sleep (`sleep 500ms`, `sleep 2s`, as in sqllogictest-rs)

  /// True when the conditions exclude this record for `engine`.
  bool SkippedFor(const std::string& engine) const {
    for (const Condition& c : conditions) {
      if (c.only_if ? c.engine != engine : c.engine == engine) return true;
    }
    return false;
  }
};

}  // namespace freshet::slt
