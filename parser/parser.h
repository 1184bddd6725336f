#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "parser/ast.h"

namespace freshet::parser {

/// Parses SQL text into statements. Thread-safe: each call builds its own ANTLR objects (the
/// shared ATN/DFA caches are the runtime's own and are thread-safe). Tries the fast SLL
/// prediction mode first and falls back to full LL only when SLL fails.
class Parser {
 public:
  /// Parses zero or more ';'-separated statements. Empty statements are skipped (an input of
  /// only whitespace, comments or ';' yields an empty vector). A syntax error returns 42601 with
  /// PostgreSQL's message shape ("syntax error at or near \"x\"" / "syntax error at end of
  /// input") and the 1-based character position of the offending token.
  static Result<std::vector<StatementPtr>> Parse(std::string_view sql);

  /// Parses a single expression (used for DEFAULT expressions stored in the catalog).
  static Result<ExprPtr> ParseExpression(std::string_view sql);
};

}  // namespace freshet::parser
