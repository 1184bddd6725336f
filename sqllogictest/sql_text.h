#pragma once

#include <string>
#include <vector>

namespace freshet::slt {

/// Light lexical helpers over SQL text, used by the incremental mode to classify statements and
/// turn queries into view definitions. They understand quotes, comments and parentheses, not SQL.
class SqlText {
 public:
  /// The first `n` top-level words of `sql`, upper-cased (comments and punctuation skipped).
  static std::vector<std::string> LeadingWords(const std::string& sql, size_t n);

  /// True for statements that only define schema: CREATE [..] TABLE / INDEX / VIEW.
  static bool IsSchemaDefinition(const std::string& sql);

  /// True for DROP / ALTER statements.
  static bool IsDropOrAlter(const std::string& sql);

  /// True for queries that can define a view: SELECT ..., WITH ..., VALUES ...
  static bool IsSelect(const std::string& sql);

  /// `sql` without trailing semicolons and without a final top-level ORDER BY clause (kept when a
  /// LIMIT, OFFSET or FETCH follows it, since those depend on the order).
  static std::string StripTrailingOrderBy(const std::string& sql);
};

}  // namespace freshet::slt
