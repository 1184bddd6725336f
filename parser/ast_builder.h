#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "parser/ast.h"

namespace antlr4 {
class ParserRuleContext;
}  // namespace antlr4

namespace freshet::parser {

/// Turns a parse tree of parser/FreshetSql.g4 into the AST of parser/ast.h. Internal to parser/:
/// the trees are passed as their ANTLR base type so that this header needs no generated code.
///
/// `sql` is the whole input the tree was parsed from. Expr/TableRef/SelectStmt positions are
/// 1-based character (code point) offsets into it; Statement start/end and recorded source texts
/// (CREATE VIEW's query_text, DEFAULT's default_text) are byte offsets / byte slices of it.
/// Errors the grammar cannot express (e.g. "multiple ORDER BY clauses not allowed") come back as
/// a Status; the first one wins.
class AstBuilder {
 public:
  explicit AstBuilder(std::string_view sql) : sql_(sql) {}

  /// `script` must be a FreshetSqlParser::ScriptContext.
  Result<std::vector<StatementPtr>> BuildScript(antlr4::ParserRuleContext* script);

  /// `expression` must be a FreshetSqlParser::SingleExpressionContext.
  Result<ExprPtr> BuildExpression(antlr4::ParserRuleContext* expression);

 private:
  std::string_view sql_;
};

}  // namespace freshet::parser
