#include "parser/parser.h"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "antlr4-runtime.h"
#include "parser/ast_builder.h"
#include "parser/gen/FreshetSqlLexer.h"
#include "parser/gen/FreshetSqlParser.h"

namespace freshet::parser {
namespace {

using gen::FreshetSqlLexer;
using gen::FreshetSqlParser;

/// Records the offending token of the first syntax error (later ones are recovery noise).
class FirstErrorListener final : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer* /*recognizer*/, antlr4::Token* offending, size_t /*line*/,
                   size_t /*column*/, const std::string& /*msg*/,
                   std::exception_ptr /*e*/) override {
    if (seen_) return;
    seen_ = true;
    if (offending != nullptr) {
      type_ = offending->getType();
      text_ = offending->getText();
      start_ = offending->getStartIndex();
    }
  }

  bool seen() const { return seen_; }

  /// PostgreSQL's message for the error: 42601 at the offending token (1-based characters).
  Status ToStatus(size_t input_chars) const {
    if (type_ == antlr4::Token::EOF) {
      return Status::Error(sqlstate::kSyntaxError, "syntax error at end of input",
                           static_cast<int>(input_chars) + 1);
    }
    const int position = static_cast<int>(start_) + 1;
    std::string what = "syntax error";
    if (type_ == FreshetSqlLexer::UNTERMINATED_STRING) {
      if (text_.rfind("/*", 0) == 0) {
        what = "unterminated /* comment";
      } else if (!text_.empty() && text_[0] == '$') {
        what = "unterminated dollar-quoted string";
      } else {
        what = "unterminated quoted string";
      }
    } else if (type_ == FreshetSqlLexer::UNTERMINATED_QUOTED_IDENT) {
      what = "unterminated quoted identifier";
    }
    return Status::Error(sqlstate::kSyntaxError, what + " at or near \"" + text_ + "\"", position);
  }

 private:
  bool seen_ = false;
  size_t type_ = antlr4::Token::EOF;
  std::string text_;
  size_t start_ = 0;
};

/// Checks that `sql` is valid UTF-8 (ANTLR's decoder would throw) the way PostgreSQL reports it.
Status CheckUtf8(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    const auto c = static_cast<unsigned char>(sql[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= sql.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(sql[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok) {
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!ok) {
      std::string bytes;
      char buf[8];
      for (size_t k = 0; k < 2 && i + k < sql.size(); ++k) {
        std::snprintf(buf, sizeof(buf), "%s0x%02x", k ? " " : "",
                      static_cast<unsigned char>(sql[i + k]));
        bytes += buf;
      }
      return Status::Error(sqlstate::kCharacterNotInRepertoire,
                           "invalid byte sequence for encoding \"UTF8\": " + bytes);
    }
    i += len;
  }
  return Status::OK();
}

/// Deepest nesting accepted. ANTLR parses nested constructs by recursion (and its prediction
/// looks ahead through them), so inputs nested deeper fail like PostgreSQL's do.
constexpr int kMaxNesting = 1000;

/// Fails inputs nested too deeply: open parentheses, brackets and CASEs, plus the current run of
/// prefix operators (NOT NOT ..., - - ...), at any token.
Status CheckNesting(antlr4::CommonTokenStream& tokens) {
  tokens.fill();
  int depth = 0;
  int prefix_run = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    antlr4::Token* t = tokens.get(i);
    switch (t->getType()) {
      case FreshetSqlLexer::LPAREN:
      case FreshetSqlLexer::LBRACKET:
      case FreshetSqlLexer::CASE:
        ++depth;
        break;
      case FreshetSqlLexer::RPAREN:
      case FreshetSqlLexer::RBRACKET:
      case FreshetSqlLexer::END:
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
    switch (t->getType()) {
      case FreshetSqlLexer::NOT:
      case FreshetSqlLexer::MINUS:
      case FreshetSqlLexer::PLUS:
      case FreshetSqlLexer::TILDE:
      case FreshetSqlLexer::AT_SIGN:
        ++prefix_run;
        break;
      default:
        prefix_run = 0;
        break;
    }
    if (depth + prefix_run > kMaxNesting) {
      return Status::Error("54001", "stack depth limit exceeded",
                           static_cast<int>(t->getStartIndex()) + 1)
          .WithHint("The statement is nested too deeply.");
    }
  }
  return Status::OK();
}

/// Runs `entry` (a start rule of the generated parser) over `sql`: SLL prediction with a bailing
/// error strategy first, then, only if that fails, full LL with error recovery and PostgreSQL's
/// error message for the first syntax error. `build` turns the tree into the result.
template <typename T, typename Entry, typename BuildFn>
Result<T> RunParser(std::string_view sql, Entry entry, BuildFn build) {
  RETURN_IF_ERROR(CheckUtf8(sql));
  try {
    antlr4::ANTLRInputStream input(sql.data(), sql.size());
    FreshetSqlLexer lexer(&input);
    lexer.removeErrorListeners();
    antlr4::CommonTokenStream tokens(&lexer);
    RETURN_IF_ERROR(CheckNesting(tokens));
    FreshetSqlParser parser(&tokens);
    parser.removeErrorListeners();
    auto* sim = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();

    sim->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    antlr4::ParserRuleContext* tree = nullptr;
    try {
      tree = (parser.*entry)();
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    if (tree == nullptr) {
      FirstErrorListener listener;
      tokens.seek(0);
      parser.reset();
      parser.addErrorListener(&listener);
      parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
      sim->setPredictionMode(antlr4::atn::PredictionMode::LL);
      tree = (parser.*entry)();
      parser.removeErrorListeners();
      if (listener.seen()) return listener.ToStatus(input.size());
    }
    AstBuilder builder(sql);
    return build(builder, tree);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("parser failure: ") + e.what());
  }
}

}  // namespace

Result<std::vector<StatementPtr>> Parser::Parse(std::string_view sql) {
  return RunParser<std::vector<StatementPtr>>(
      sql, &FreshetSqlParser::script, [](AstBuilder& builder, antlr4::ParserRuleContext* tree) {
        return builder.BuildScript(tree);
      });
}

Result<ExprPtr> Parser::ParseExpression(std::string_view sql) {
  return RunParser<ExprPtr>(sql, &FreshetSqlParser::singleExpression,
                            [](AstBuilder& builder, antlr4::ParserRuleContext* tree) {
                              return builder.BuildExpression(tree);
                            });
}

}  // namespace freshet::parser
