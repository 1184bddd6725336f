#include "parser/ast_builder.h"

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "antlr4-runtime.h"
#include "parser/gen/FreshetSqlBaseVisitor.h"
#include "parser/gen/FreshetSqlParser.h"

namespace freshet::parser {
namespace {

using P = gen::FreshetSqlParser;
using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::TerminalNode;

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

int Pos(const Token* t) { return t ? static_cast<int>(t->getStartIndex()) + 1 : 0; }
int Pos(TerminalNode* n) { return n ? Pos(n->getSymbol()) : 0; }
int Pos(ParserRuleContext* c) { return c ? Pos(c->getStart()) : 0; }

ExprPtr MakeExpr(ExprKind kind, int pos) { return std::make_unique<Expr>(kind, pos); }

ExprPtr MakeLiteral(LiteralKind lk, std::string text, int pos) {
  auto e = MakeExpr(ExprKind::kLiteral, pos);
  e->literal_kind = lk;
  e->text = std::move(text);
  return e;
}

ExprPtr MakeFunction(std::string name, int pos) {
  auto e = MakeExpr(ExprKind::kFunction, pos);
  e->names.push_back(std::move(name));
  return e;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ValidCodePoint(uint32_t cp) {
  return cp != 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

/// A plain number as written in an interval literal ('10', '-1.5').
bool IsPlainNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, digits = true;
  }
  return digits && i == s.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------------------------
// The walker: one per BuildScript/BuildExpression call. Expression alternatives are dispatched
// through the generated visitor (accept -> visitX), which leaves its result in result_.

class TreeWalker final : public gen::FreshetSqlBaseVisitor {
 public:
  explicit TreeWalker(std::string_view sql) : sql_(sql) {
    ascii_ = true;
    for (unsigned char c : sql_) {
      if (c >= 0x80) {
        ascii_ = false;
        break;
      }
    }
  }

  const Status& status() const { return status_; }

  // ---- Statements

  StatementPtr BuildStatement(P::StatementContext* ctx) {
    StatementPtr stmt = BuildStatementInner(ctx);
    if (stmt) {
      stmt->start = ByteOffset(ctx->getStart()->getStartIndex());
      stmt->end = ByteOffset(ctx->getStop()->getStopIndex() + 1);
    }
    return stmt;
  }

  // Expressions. Chains of left-associative binary operators (a + b + c ..., x = 1 OR x = 2 OR
  // ...) are parse trees as deep as they are long: their left spines are built iteratively, and
  // one chain may have at most kMaxChain operators (PostgreSQL fails such inputs with "stack
  // depth limit exceeded" too). Other nesting is bounded by Parser's nesting check.
  ExprPtr Build(P::ExprContext* ctx) { return BuildChain(ctx, &IsBinaryExprLink); }
  ExprPtr Build(P::BExprContext* ctx) { return BuildChain(ctx, &IsBinaryBExprLink); }

 private:
  static constexpr size_t kMaxChain = 10000;

  static bool IsTerminal(antlr4::tree::ParseTree* t) { return t->children.empty(); }

  /// `expr (AND | OR | comparison) expr`, recognised by shape (no RTTI): three children, the
  /// middle one an operator token.
  static bool IsBinaryExprLink(ParserRuleContext* ctx) {
    const auto& c = ctx->children;
    if (c.size() != 3 || IsTerminal(c[0]) || !IsTerminal(c[1]) || IsTerminal(c[2])) return false;
    switch (static_cast<TerminalNode*>(c[1])->getSymbol()->getType()) {
      case P::AND:
      case P::OR:
      case P::EQ:
      case P::NEQ:
      case P::NEQ2:
      case P::LT:
      case P::GT:
      case P::LTE:
      case P::GTE:
        return true;
      default:
        return false;
    }
  }

  /// `bExpr op bExpr` for an arithmetic operator token or a qualOp rule.
  static bool IsBinaryBExprLink(ParserRuleContext* ctx) {
    const auto& c = ctx->children;
    if (c.size() != 3 || IsTerminal(c[0]) || IsTerminal(c[2])) return false;
    if (!IsTerminal(c[1])) return true;  // bExpr qualOp bExpr
    switch (static_cast<TerminalNode*>(c[1])->getSymbol()->getType()) {
      case P::CARET:
      case P::STAR:
      case P::SLASH:
      case P::PERCENT:
      case P::PLUS:
      case P::MINUS:
        return true;
      default:
        return false;
    }
  }

  template <typename Ctx>
  ExprPtr BuildChain(Ctx* ctx, bool (*is_link)(ParserRuleContext*)) {
    if (ctx == nullptr) return nullptr;
    if (!is_link(ctx)) {
      ctx->accept(this);
      return std::move(result_);
    }
    std::vector<Ctx*> spine;  // outermost first
    for (Ctx* node = ctx; is_link(node); node = static_cast<Ctx*>(node->children[0])) {
      spine.push_back(node);
      if (spine.size() > kMaxChain) {
        Fail(Status::Error("54001", "stack depth limit exceeded", Pos(node))
                 .WithHint("The expression has too many operators in a row."));
        return nullptr;
      }
    }
    static_cast<Ctx*>(spine.back()->children[0])->accept(this);
    ExprPtr acc = std::move(result_);
    for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
      acc = MakeBinary(*it, std::move(acc), Build(static_cast<Ctx*>((*it)->children[2])));
    }
    return acc;
  }

  /// The node of a binary link: the operator at children[1] (a token or a qualOp rule).
  ExprPtr MakeBinary(ParserRuleContext* link, ExprPtr left, ExprPtr right) {
    antlr4::tree::ParseTree* op = link->children[1];
    ExprPtr e;
    if (IsTerminal(op)) {
      Token* t = static_cast<TerminalNode*>(op)->getSymbol();
      e = MakeExpr(ExprKind::kBinary, Pos(t));
      switch (t->getType()) {
        case P::AND:
          e->op = "AND";
          break;
        case P::OR:
          e->op = "OR";
          break;
        default:
          e->op = CompOpText(t);
          break;
      }
    } else {
      auto* qual = static_cast<P::QualOpContext*>(op);
      e = MakeExpr(ExprKind::kBinary, Pos(qual));
      e->op = QualOpText(qual);
    }
    e->children.push_back(std::move(left));
    e->children.push_back(std::move(right));
    return e;
  }

 public:
 private:
  // ---- Errors and offsets

  void Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
  }
  void SyntaxError(const std::string& message, int position) {
    Fail(Status::Error(sqlstate::kSyntaxError, message, position));
  }

  /// Byte offset of code point index `cp` of the input.
  int ByteOffset(size_t cp) {
    if (ascii_) return static_cast<int>(cp);
    if (cp_to_byte_.empty()) {
      for (size_t i = 0; i < sql_.size(); ++i) {
        if ((static_cast<unsigned char>(sql_[i]) & 0xC0) != 0x80) {
          cp_to_byte_.push_back(static_cast<int>(i));
        }
      }
      cp_to_byte_.push_back(static_cast<int>(sql_.size()));
    }
    return cp < cp_to_byte_.size() ? cp_to_byte_[cp] : static_cast<int>(sql_.size());
  }

  /// The exact source text of a rule (bytes of the input).
  std::string SourceText(ParserRuleContext* ctx) {
    const Token* start = ctx->getStart();
    const Token* stop = ctx->getStop();
    if (start == nullptr || stop == nullptr || stop->getStopIndex() + 1 <= start->getStartIndex()) {
      return "";
    }
    const int begin = ByteOffset(start->getStartIndex());
    const int end = ByteOffset(stop->getStopIndex() + 1);
    return std::string(sql_.substr(begin, end - begin));
  }

  // ---- Names

  std::string QuotedIdent(Token* t) {
    const std::string raw = t->getText();
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      out.push_back(raw[i]);
      if (raw[i] == '"') ++i;  // "" -> "
    }
    if (out.empty()) SyntaxError("zero-length delimited identifier at or near \"\"\"\"", Pos(t));
    return out;
  }

  /// An identifier-like rule (identifier, funcNameIdentifier, colLabel): one token, a quoted
  /// identifier keeps its case, anything else is lower-cased.
  /// Identifiers are truncated to 63 bytes (PostgreSQL's NAMEDATALEN - 1), never inside a
  /// UTF-8 character.
  std::string NameOf(ParserRuleContext* ctx) {
    Token* t = ctx->getStart();
    std::string name = t->getType() == P::QUOTED_IDENT ? QuotedIdent(t) : AsciiLower(t->getText());
    constexpr size_t kMaxIdentifierBytes = 63;
    if (name.size() > kMaxIdentifierBytes) {
      size_t cut = kMaxIdentifierBytes;
      while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) cut--;
      name.resize(cut);
    }
    return name;
  }
  std::string Ident(P::IdentifierContext* ctx) { return NameOf(ctx); }
  std::string FuncIdent(P::FuncNameIdentifierContext* ctx) { return NameOf(ctx); }
  std::string ColLabel(P::ColLabelContext* ctx) { return NameOf(ctx); }

  std::vector<std::string> QualifiedName(P::QualifiedNameContext* ctx) {
    std::vector<std::string> names;
    names.push_back(Ident(ctx->identifier()));
    for (auto* label : ctx->colLabel()) names.push_back(ColLabel(label));
    return names;
  }

  std::vector<std::string> IdentList(P::IdentifierListContext* ctx) {
    std::vector<std::string> out;
    if (ctx == nullptr) return out;
    for (auto* id : ctx->identifier()) out.push_back(Ident(id));
    return out;
  }

  std::vector<std::string> FuncName(P::FuncNameContext* ctx) {
    std::vector<std::string> names;
    if (ctx->funcNameIdentifier()) {
      names.push_back(FuncIdent(ctx->funcNameIdentifier()));
    } else {
      names.push_back(Ident(ctx->identifier()));
      for (auto* label : ctx->colLabel()) names.push_back(ColLabel(label));
    }
    return names;
  }

  std::string DottedName(P::VarNameContext* ctx) {
    std::string out;
    for (auto* id : ctx->identifier()) {
      if (!out.empty()) out.push_back('.');
      out += Ident(id);
    }
    return out;
  }

  // ---- Literals

  /// The value of a string constant: quotes removed, escapes processed.
  std::string StringValue(P::StringConstContext* ctx) { return StringValue(ctx->getStart()); }

  std::string StringValue(Token* t) {
    const std::string raw = t->getText();
    switch (t->getType()) {
      case P::STRING:
        return UnquoteStandard(raw.substr(1, raw.size() - 2));
      case P::ESCAPE_STRING:
        return UnescapeE(raw.substr(2, raw.size() - 3), Pos(t));
      case P::UNICODE_STRING:
        return UnescapeU(UnquoteStandard(raw.substr(3, raw.size() - 4)), Pos(t));
      case P::DOLLAR_STRING: {
        const size_t tag = raw.find('$', 1) + 1;
        return raw.substr(tag, raw.size() - 2 * tag);
      }
      default:
        return raw;
    }
  }

  static std::string UnquoteStandard(const std::string& body) {
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
      out.push_back(body[i]);
      if (body[i] == '\'' && i + 1 < body.size() && body[i + 1] == '\'') ++i;
    }
    return out;
  }

  std::string UnescapeE(const std::string& body, int pos) {
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (c == '\'') {  // '' -> '
        out.push_back('\'');
        ++i;
        continue;
      }
      if (c != '\\' || i + 1 >= body.size()) {
        out.push_back(c);
        continue;
      }
      const char e = body[++i];
      switch (e) {
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'x': {
          int value = 0;
          int n = 0;
          while (n < 2 && i + 1 < body.size() && HexValue(body[i + 1]) >= 0) {
            value = value * 16 + HexValue(body[++i]);
            ++n;
          }
          if (n == 0) {
            out.push_back('x');
          } else {
            AppendByte(&out, value, pos);
          }
          break;
        }
        case 'u':
        case 'U': {
          const int digits = e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int k = 0; k < digits; ++k) {
            if (i + 1 >= body.size() || HexValue(body[i + 1]) < 0) {
              Fail(Status::Error(sqlstate::kInvalidEscapeSequence, "invalid Unicode escape", pos)
                       .WithHint("Unicode escapes must be \\uXXXX or \\UXXXXXXXX."));
              return out;
            }
            cp = cp * 16 + static_cast<uint32_t>(HexValue(body[++i]));
          }
          if (!ValidCodePoint(cp)) {
            Fail(Status::Error(sqlstate::kInvalidEscapeSequence, "invalid Unicode escape value",
                               pos));
            return out;
          }
          AppendUtf8(&out, cp);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0';
            int n = 1;
            while (n < 3 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7') {
              value = value * 8 + (body[++i] - '0');
              ++n;
            }
            AppendByte(&out, value & 0xFF, pos);
          } else {
            out.push_back(e);  // \\ \' and unknown escapes: the character itself
          }
      }
    }
    return out;
  }

  void AppendByte(std::string* out, int value, int pos) {
    if (value == 0) {
      Fail(Status::Error(sqlstate::kCharacterNotInRepertoire,
                         "invalid byte sequence for encoding \"UTF8\": 0x00", pos));
      return;
    }
    out->push_back(static_cast<char>(value));
  }

  std::string UnescapeU(const std::string& body, int pos) {
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] != '\\') {
        out.push_back(body[i]);
        continue;
      }
      if (i + 1 < body.size() && body[i + 1] == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
      int digits = 4;
      if (i + 1 < body.size() && body[i + 1] == '+') {
        digits = 6;
        ++i;
      }
      uint32_t cp = 0;
      for (int k = 0; k < digits; ++k) {
        if (i + 1 >= body.size() || HexValue(body[i + 1]) < 0) {
          SyntaxError("invalid Unicode escape", pos);
          return out;
        }
        cp = cp * 16 + static_cast<uint32_t>(HexValue(body[++i]));
      }
      if (!ValidCodePoint(cp)) {
        SyntaxError("invalid Unicode escape value", pos);
        return out;
      }
      AppendUtf8(&out, cp);
    }
    return out;
  }

  std::string SignedNumberText(P::SignedNumberContext* ctx) {
    std::string out;
    if (ctx->MINUS()) out = "-";
    out += ctx->getStop()->getText();
    return out;
  }

  /// A number, optionally signed: a literal, under a unary minus when negative.
  ExprPtr SignedNumber(antlr4::tree::TerminalNode* minus, Token* number) {
    const LiteralKind kind =
        number->getType() == P::INTEGER ? LiteralKind::kInteger : LiteralKind::kDecimal;
    ExprPtr lit = MakeLiteral(kind, number->getText(), Pos(number));
    if (minus == nullptr) return lit;
    auto neg = MakeExpr(ExprKind::kUnary, Pos(minus));
    neg->op = "-";
    neg->children.push_back(std::move(lit));
    return neg;
  }

  int32_t SmallInt(Token* t, bool negative = false) {
    const std::string text = t->getText();
    const long long v = std::strtoll(text.c_str(), nullptr, 10);
    if (text.size() > 10 || v > INT32_MAX) {
      SyntaxError("value \"" + text + "\" is out of range", Pos(t));
      return 0;
    }
    return static_cast<int32_t>(negative ? -v : v);
  }

  // ---- Types

  /// A type name from an identifier-like rule. "char" (quoted) is PostgreSQL's one-byte type,
  /// distinct from char(n) = bpchar: it keeps its quotes.
  static std::string TypeWord(ParserRuleContext* name_ctx, std::string name) {
    if (name_ctx->getStart()->getType() == P::QUOTED_IDENT && name == "char") return "\"char\"";
    return name;
  }

  static std::string TimeTypeName(Token* first, TerminalNode* with, TerminalNode* without) {
    std::string name = AsciiLower(first->getText());
    if (with) name += " with time zone";
    if (without) name += " without time zone";
    return name;
  }

  TypeName BuildTypeName(P::TypeNameContext* ctx) {
    TypeName type = BuildSimpleType(ctx->simpleTypeName());
    type.is_array = !ctx->LBRACKET().empty() || ctx->ARRAY() != nullptr;
    type.position = Pos(ctx);
    return type;
  }

  TypeName BuildSimpleType(P::SimpleTypeNameContext* ctx) {
    TypeName type;
    type.position = Pos(ctx);
    Token* first = ctx->getStart();
    switch (first->getType()) {
      case P::TIMESTAMP:
      case P::TIME:
        type.name = TimeTypeName(first, ctx->WITH(), ctx->WITHOUT());
        if (ctx->INTEGER()) type.modifiers.push_back(SmallInt(ctx->INTEGER()->getSymbol()));
        return type;
      case P::INTERVAL:
        type.name = "interval";
        if (ctx->INTEGER()) type.modifiers.push_back(SmallInt(ctx->INTEGER()->getSymbol()));
        return type;
      case P::DOUBLE:
        if (ctx->PRECISION()) {
          type.name = "double precision";
          return type;
        }
        break;
      case P::CHARACTER:
      case P::CHAR:
        type.name = ctx->VARYING() ? "character varying" : AsciiLower(first->getText());
        if (ctx->INTEGER()) type.modifiers.push_back(SmallInt(ctx->INTEGER()->getSymbol()));
        return type;
      default:
        break;
    }
    // identifier [. identifier ...] [(modifiers)]: the schema prefix is dropped.
    auto labels = ctx->colLabel();
    ParserRuleContext* last =
        labels.empty() ? static_cast<ParserRuleContext*>(ctx->funcNameIdentifier()) : labels.back();
    type.name = TypeWord(last, NameOf(last));
    for (auto* mod : ctx->typeModifier()) {
      type.modifiers.push_back(SmallInt(mod->INTEGER()->getSymbol(), mod->MINUS() != nullptr));
    }
    return type;
  }

  TypeName BuildConstType(P::ConstTypeNameContext* ctx) {
    TypeName type;
    type.position = Pos(ctx);
    Token* first = ctx->getStart();
    if (P::FuncNameContext* fn = ctx->funcName()) {
      std::vector<std::string> names = FuncName(fn);
      type.name = TypeWord(static_cast<ParserRuleContext*>(fn->children.back()), names.back());
      return type;
    }
    switch (first->getType()) {
      case P::TIMESTAMP:
      case P::TIME:
        type.name = TimeTypeName(first, ctx->WITH(), ctx->WITHOUT());
        break;
      case P::DOUBLE:
        type.name = "double precision";
        break;
      default:
        type.name = ctx->VARYING() ? "character varying" : AsciiLower(first->getText());
        break;
    }
    if (ctx->INTEGER()) type.modifiers.push_back(SmallInt(ctx->INTEGER()->getSymbol()));
    return type;
  }

  /// INTERVAL 'value' [unit [TO unit]]: a plain number takes the (last) unit: '10' SECOND ->
  /// "10 second"; other values are kept as written.
  static std::string IntervalText(const std::string& value, P::IntervalQualifierContext* q) {
    if (q == nullptr) return value;
    auto units = q->intervalUnit();
    const std::string unit = AsciiLower(units.back()->getStart()->getText());
    const std::string_view trimmed = Trim(value);
    if (IsPlainNumber(trimmed)) return std::string(trimmed) + " " + unit;
    return value;
  }

  // ---- Expressions: the boolean / predicate level

  antlrcpp::Any Done(ExprPtr e) {
    result_ = std::move(e);
    return antlrcpp::Any();
  }

  // The hot binary shapes are read positionally (children[0] op children[2]): the generated
  // accessors dynamic_cast every child.
  static P::ExprContext* ExprAt(ParserRuleContext* ctx, size_t i) {
    return static_cast<P::ExprContext*>(ctx->children[i]);
  }
  static P::BExprContext* BExprAt(ParserRuleContext* ctx, size_t i) {
    return static_cast<P::BExprContext*>(ctx->children[i]);
  }
  static Token* TokenAt(ParserRuleContext* ctx, size_t i) {
    return static_cast<TerminalNode*>(ctx->children[i])->getSymbol();
  }

  antlrcpp::Any visitExprOperand(P::ExprOperandContext* ctx) override {
    return Done(Build(BExprAt(ctx, 0)));
  }

  antlrcpp::Any visitExprBetween(P::ExprBetweenContext* ctx) override {
    auto e = MakeExpr(ExprKind::kBetween, Pos(ctx->BETWEEN()));
    e->negated = ctx->NOT() != nullptr;
    e->symmetric = ctx->SYMMETRIC() != nullptr;
    e->children.push_back(Build(ctx->expr()));
    e->children.push_back(Build(ctx->bExpr(0)));
    e->children.push_back(Build(ctx->bExpr(1)));
    return Done(std::move(e));
  }

  antlrcpp::Any visitExprIn(P::ExprInContext* ctx) override {
    auto exprs = ctx->expr();
    ExprPtr e;
    if (ctx->query()) {
      e = MakeExpr(ExprKind::kInSubquery, Pos(ctx->IN()));
      e->children.push_back(Build(exprs[0]));
      e->subquery = BuildQuery(ctx->query());
    } else {
      e = MakeExpr(ExprKind::kInList, Pos(ctx->IN()));
      for (auto* x : exprs) e->children.push_back(Build(x));
    }
    e->negated = ctx->NOT() != nullptr;
    return Done(std::move(e));
  }

  antlrcpp::Any visitExprLike(P::ExprLikeContext* ctx) override {
    TerminalNode* op = ctx->LIKE() ? ctx->LIKE() : ctx->ILIKE();
    auto e = MakeExpr(ExprKind::kLike, Pos(op));
    e->negated = ctx->NOT() != nullptr;
    e->case_insensitive = ctx->ILIKE() != nullptr;
    e->children.push_back(Build(ctx->expr()));
    for (auto* b : ctx->bExpr()) e->children.push_back(Build(b));
    return Done(std::move(e));
  }

  // x SIMILAR TO p [ESCAPE e] is PostgreSQL's x ~ similar_to_escape(p [, e]).
  antlrcpp::Any visitExprSimilar(P::ExprSimilarContext* ctx) override {
    const int pos = Pos(ctx->SIMILAR());
    auto e = MakeExpr(ExprKind::kBinary, pos);
    e->op = ctx->NOT() ? "!~" : "~";
    e->children.push_back(Build(ctx->expr()));
    auto fn = MakeFunction("similar_to_escape", pos);
    for (auto* b : ctx->bExpr()) fn->children.push_back(Build(b));
    e->children.push_back(std::move(fn));
    return Done(std::move(e));
  }

  static std::string CompOpText(Token* op) {
    if (op->getType() == P::NEQ2) return "<>";
    return op->getText();
  }

  antlrcpp::Any visitExprQuantified(P::ExprQuantifiedContext* ctx) override {
    auto e = MakeExpr(ExprKind::kQuantified, Pos(ctx->op));
    e->op = CompOpText(ctx->op);
    e->quantifier_all = ctx->quantifier->getType() == P::ALL;
    auto exprs = ctx->expr();
    e->children.push_back(Build(exprs[0]));
    if (ctx->query()) {
      e->subquery = BuildQuery(ctx->query());
    } else {
      e->children.push_back(Build(exprs[1]));
    }
    return Done(std::move(e));
  }

  antlrcpp::Any visitExprIsBool(P::ExprIsBoolContext* ctx) override {
    ExprPtr e;
    if (ctx->NULL_()) {
      e = MakeExpr(ExprKind::kIsNull, Pos(ctx->IS()));
    } else {
      e = MakeExpr(ExprKind::kIsBool, Pos(ctx->IS()));
      e->bool_test = ctx->TRUE_()    ? BoolTest::kTrue
                     : ctx->FALSE_() ? BoolTest::kFalse
                                     : BoolTest::kUnknown;
    }
    e->negated = ctx->NOT() != nullptr;
    e->children.push_back(Build(ctx->expr()));
    return Done(std::move(e));
  }

  antlrcpp::Any visitExprIsDistinct(P::ExprIsDistinctContext* ctx) override {
    auto e = MakeExpr(ExprKind::kIsDistinct, Pos(ctx->IS()));
    e->negated = ctx->NOT() != nullptr;
    e->children.push_back(Build(ctx->expr(0)));
    e->children.push_back(Build(ctx->expr(1)));
    return Done(std::move(e));
  }

  antlrcpp::Any visitExprIsNullPostfix(P::ExprIsNullPostfixContext* ctx) override {
    auto e = MakeExpr(ExprKind::kIsNull, Pos(ctx->getStop()));
    e->negated = ctx->NOTNULL() != nullptr;
    e->children.push_back(Build(ctx->expr()));
    return Done(std::move(e));
  }

  antlrcpp::Any visitExprNot(P::ExprNotContext* ctx) override {
    auto e = MakeExpr(ExprKind::kUnary, Pos(ctx->NOT()));
    e->op = "NOT";
    e->children.push_back(Build(ctx->expr()));
    return Done(std::move(e));
  }

  // ---- Expressions: operands

  antlrcpp::Any visitBInteger(P::BIntegerContext* ctx) override {
    return Done(MakeLiteral(LiteralKind::kInteger, ctx->getStart()->getText(), Pos(ctx)));
  }

  antlrcpp::Any visitBDecimal(P::BDecimalContext* ctx) override {
    return Done(MakeLiteral(LiteralKind::kDecimal, ctx->getStart()->getText(), Pos(ctx)));
  }

  antlrcpp::Any visitBString(P::BStringContext* ctx) override {
    return Done(MakeLiteral(LiteralKind::kString, StringValue(ctx->getStart()), Pos(ctx)));
  }

  // B'0101' and X'1F' are bit strings: a typed literal of type bit holding the binary digits.
  antlrcpp::Any visitBBitString(P::BBitStringContext* ctx) override {
    Token* t = ctx->getStart();
    const std::string raw = t->getText();
    const std::string body = raw.substr(2, raw.size() - 3);
    const bool hex = t->getType() == P::HEX_STRING;
    auto e = MakeExpr(ExprKind::kLiteral, Pos(t));
    e->literal_kind = LiteralKind::kTyped;
    e->type_name.name = "bit";
    e->type_name.position = Pos(t);
    for (char c : body) {
      const int v = hex ? HexValue(c) : (c == '0' || c == '1' ? c - '0' : -1);
      if (v < 0) {
        Fail(Status::Error(sqlstate::kInvalidTextRepresentation,
                           std::string("\"") + c + "\" is not a valid " +
                               (hex ? "hexadecimal" : "binary") + " digit",
                           Pos(t)));
        break;
      }
      if (!hex) {
        e->text.push_back(c);
        continue;
      }
      for (int bit = 3; bit >= 0; --bit) e->text.push_back((v >> bit) & 1 ? '1' : '0');
    }
    return Done(std::move(e));
  }

  antlrcpp::Any visitBBool(P::BBoolContext* ctx) override {
    return Done(MakeLiteral(LiteralKind::kBool, ctx->TRUE_() ? "true" : "false", Pos(ctx)));
  }

  antlrcpp::Any visitBNull(P::BNullContext* ctx) override {
    return Done(MakeLiteral(LiteralKind::kNull, "", Pos(ctx)));
  }

  antlrcpp::Any visitBParam(P::BParamContext* ctx) override {
    auto e = MakeExpr(ExprKind::kParam, Pos(ctx));
    const std::string text = ctx->getStart()->getText();
    const long long n = std::strtoll(text.c_str() + 1, nullptr, 10);
    if (text.size() > 11 || n > INT32_MAX || n < 1) {
      Fail(Status::Error(sqlstate::kUndefinedParameter, "there is no parameter " + text.substr(1),
                         Pos(ctx)));
    }
    e->param_index = static_cast<int>(n);
    return Done(std::move(e));
  }

  antlrcpp::Any visitBTypedLiteral(P::BTypedLiteralContext* ctx) override {
    P::TypedLiteralContext* lit = ctx->typedLiteral();
    auto e = MakeExpr(ExprKind::kLiteral, Pos(ctx));
    e->literal_kind = LiteralKind::kTyped;
    const std::string value = StringValue(lit->stringConst());
    if (lit->INTERVAL()) {
      e->type_name.name = "interval";
      e->type_name.position = Pos(lit->INTERVAL());
      e->text = IntervalText(value, lit->intervalQualifier());
    } else {
      e->type_name = BuildConstType(lit->constTypeName());
      e->text = value;
    }
    return Done(std::move(e));
  }

  antlrcpp::Any visitBFunction(P::BFunctionContext* ctx) override {
    return Done(BuildFunctionCall(ctx->functionCall()));
  }

  antlrcpp::Any visitBSpecialFunction(P::BSpecialFunctionContext* ctx) override {
    ctx->specialFunction()->accept(this);
    return antlrcpp::Any();  // result_ set by the special function's visit
  }

  // identifier (. colLabel)* (. *)?: the children alternate name, DOT, name, ...
  antlrcpp::Any visitBColumnRef(P::BColumnRefContext* ctx) override {
    const auto& children = ctx->children;
    const bool star = ctx->getStop()->getType() == P::STAR;
    auto e = MakeExpr(star ? ExprKind::kStar : ExprKind::kColumnRef, Pos(ctx));
    e->names.push_back(Ident(static_cast<P::IdentifierContext*>(children[0])));
    const size_t labels_end = star ? children.size() - 2 : children.size();
    for (size_t i = 2; i < labels_end; i += 2) {
      e->names.push_back(ColLabel(static_cast<P::ColLabelContext*>(children[i])));
    }
    return Done(std::move(e));
  }

  antlrcpp::Any visitBSubquery(P::BSubqueryContext* ctx) override {
    auto e = MakeExpr(ExprKind::kSubquery, Pos(ctx));
    e->subquery = BuildQuery(ctx->query());
    return Done(std::move(e));
  }

  antlrcpp::Any visitBParen(P::BParenContext* ctx) override {
    auto exprs = ctx->expr();
    if (exprs.size() == 1) return Done(Build(exprs[0]));
    auto e = MakeExpr(ExprKind::kRow, Pos(ctx));
    for (auto* x : exprs) e->children.push_back(Build(x));
    return Done(std::move(e));
  }

  // (t).c: a column of relation t, written as a field of its whole row. Field selection from
  // other record values is not supported (records are held in their text form).
  antlrcpp::Any visitBFieldSelect(P::BFieldSelectContext* ctx) override {
    ExprPtr base = Build(ctx->bExpr());
    if (base->kind == ExprKind::kColumnRef && base->names.size() == 1) {
      base->names.push_back(ColLabel(ctx->colLabel()));
      return Done(std::move(base));
    }
    Fail(Status::NotSupported("field selection from a composite value is not supported yet")
             .WithPosition(Pos(ctx)));
    return Done(std::move(base));
  }

  antlrcpp::Any visitBRow(P::BRowContext* ctx) override {
    auto e = MakeExpr(ExprKind::kRow, Pos(ctx));
    for (auto* x : ctx->expr()) e->children.push_back(Build(x));
    return Done(std::move(e));
  }

  antlrcpp::Any visitBExists(P::BExistsContext* ctx) override {
    auto e = MakeExpr(ExprKind::kExists, Pos(ctx));
    e->subquery = BuildQuery(ctx->query());
    return Done(std::move(e));
  }

  ExprPtr BuildArray(P::ArrayBracketsContext* ctx, int pos) {
    auto e = MakeExpr(ExprKind::kArray, pos);
    for (auto* el : ctx->arrayElement()) {
      if (el->arrayBrackets()) {
        e->children.push_back(BuildArray(el->arrayBrackets(), Pos(el)));
      } else {
        e->children.push_back(Build(el->expr()));
      }
    }
    return e;
  }

  antlrcpp::Any visitBArray(P::BArrayContext* ctx) override {
    return Done(BuildArray(ctx->arrayBrackets(), Pos(ctx)));
  }

  // ARRAY(subquery): a kArray whose subquery is set (no children).
  antlrcpp::Any visitBArraySubquery(P::BArraySubqueryContext* ctx) override {
    auto e = MakeExpr(ExprKind::kArray, Pos(ctx));
    e->subquery = BuildQuery(ctx->query());
    return Done(std::move(e));
  }

  antlrcpp::Any visitBCase(P::BCaseContext* ctx) override {
    auto e = MakeExpr(ExprKind::kCase, Pos(ctx));
    e->case_has_operand = ctx->operand != nullptr;
    e->case_has_else = ctx->elseExpr != nullptr;
    for (auto* x : ctx->expr()) e->children.push_back(Build(x));
    return Done(std::move(e));
  }

  antlrcpp::Any visitBCast(P::BCastContext* ctx) override {
    auto e = MakeExpr(ExprKind::kCast, Pos(TokenAt(ctx, 1)));
    e->children.push_back(Build(BExprAt(ctx, 0)));
    e->type_name = BuildTypeName(static_cast<P::TypeNameContext*>(ctx->children[2]));
    return Done(std::move(e));
  }

  antlrcpp::Any visitBSubscript(P::BSubscriptContext* ctx) override {
    auto e = MakeExpr(ExprKind::kSubscript, Pos(ctx->LBRACKET()));
    e->children.push_back(Build(ctx->bExpr()));
    e->children.push_back(Build(ctx->expr()));
    return Done(std::move(e));
  }

  antlrcpp::Any visitBUnary(P::BUnaryContext* ctx) override {
    auto e = MakeExpr(ExprKind::kUnary, Pos(ctx->op));
    e->op = ctx->op->getText();
    e->children.push_back(Build(ctx->bExpr()));
    return Done(std::move(e));
  }

  antlrcpp::Any visitBCollate(P::BCollateContext* ctx) override {
    return Done(Build(ctx->bExpr()));  // collations are parsed and dropped
  }

  // x AT TIME ZONE z is timezone(z, x).
  antlrcpp::Any visitBAtTimeZone(P::BAtTimeZoneContext* ctx) override {
    auto e = MakeFunction("timezone", Pos(ctx->AT()));
    ExprPtr value = Build(ctx->bExpr(0));
    e->children.push_back(Build(ctx->bExpr(1)));
    e->children.push_back(std::move(value));
    return Done(std::move(e));
  }

  static std::string QualOpText(P::QualOpContext* ctx) {
    if (ctx->OPERATOR()) {
      P::AnyOperatorContext* any = ctx->anyOperator();
      if (any->qualOp()) return QualOpText(any->qualOp());
      if (any->NEQ2()) return "<>";
      return any->getStart()->getText();
    }
    return ctx->getStart()->getText();
  }

  antlrcpp::Any visitBPrefixOp(P::BPrefixOpContext* ctx) override {
    auto e = MakeExpr(ExprKind::kUnary, Pos(ctx->op));
    e->op = ctx->op->getText();
    e->children.push_back(Build(ctx->bExpr()));
    return Done(std::move(e));
  }

  // ---- Function calls

  /// (*) | ([ALL | DISTINCT] args [ORDER BY ...]) into a kFunction node.
  void BuildFunctionArgs(P::FunctionArgsContext* args, Expr* e) {
    if (args->STAR()) {
      e->star = true;
      return;
    }
    e->distinct = args->DISTINCT() != nullptr;
    for (auto* x : args->expr()) e->children.push_back(Build(x));
    if (args->orderByClause()) e->agg_order_by = BuildOrderBy(args->orderByClause());
  }

  ExprPtr BuildFunctionCall(P::FunctionCallContext* ctx) {
    auto e = MakeExpr(ExprKind::kFunction, Pos(ctx));
    e->names = FuncName(ctx->funcName());
    if (ctx->functionArgs()) BuildFunctionArgs(ctx->functionArgs(), e.get());
    if (ctx->WITHIN()) {  // WITHIN GROUP (ORDER BY ...)
      for (auto& item : BuildOrderBy(ctx->orderByClause())) {
        e->agg_order_by.push_back(std::move(item));
      }
    }
    if (ctx->FILTER()) e->filter = Build(ctx->expr());
    if (ctx->OVER()) {
      if (ctx->windowSpec()) {
        e->over = BuildWindowSpec(ctx->windowSpec());
      } else {
        e->over = std::make_unique<WindowSpec>();
        e->over->ref_name = Ident(ctx->identifier());
      }
    }
    return e;
  }

  ExprPtr BuildTableFunctionCall(P::TableFunctionCallContext* ctx) {
    auto e = MakeExpr(ExprKind::kFunction, Pos(ctx));
    e->names = FuncName(ctx->funcName());
    if (ctx->functionArgs()) BuildFunctionArgs(ctx->functionArgs(), e.get());
    e->with_ordinality = ctx->ORDINALITY() != nullptr;
    return e;
  }

  std::unique_ptr<WindowSpec> BuildWindowSpec(P::WindowSpecContext* ctx) {
    auto spec = std::make_unique<WindowSpec>();
    if (ctx->identifier()) spec->ref_name = Ident(ctx->identifier());
    for (auto* x : ctx->expr()) spec->partition_by.push_back(Build(x));
    if (ctx->orderByClause()) spec->order_by = BuildOrderBy(ctx->orderByClause());
    if (P::FrameClauseContext* frame = ctx->frameClause()) {
      spec->has_frame = true;
      switch (frame->frameMode->getType()) {
        case P::ROWS:
          spec->frame_mode = WindowSpec::FrameMode::kRows;
          break;
        case P::GROUPS:
          spec->frame_mode = WindowSpec::FrameMode::kGroups;
          break;
        default:
          spec->frame_mode = WindowSpec::FrameMode::kRange;
          break;
      }
      auto bounds = frame->frameBound();
      spec->frame_start = BuildFrameBound(bounds[0]);
      if (bounds.size() > 1) {
        spec->frame_end = BuildFrameBound(bounds[1]);
      } else {
        spec->frame_end.kind = WindowFrameBound::Kind::kCurrentRow;
      }
    }
    return spec;
  }

  WindowFrameBound BuildFrameBound(P::FrameBoundContext* ctx) {
    WindowFrameBound bound;
    const bool preceding = ctx->PRECEDING() != nullptr;
    if (ctx->UNBOUNDED()) {
      bound.kind = preceding ? WindowFrameBound::Kind::kUnboundedPreceding
                             : WindowFrameBound::Kind::kUnboundedFollowing;
    } else if (ctx->CURRENT()) {
      bound.kind = WindowFrameBound::Kind::kCurrentRow;
    } else {
      bound.kind =
          preceding ? WindowFrameBound::Kind::kPreceding : WindowFrameBound::Kind::kFollowing;
      bound.offset = Build(ctx->bExpr());
    }
    return bound;
  }

  std::vector<OrderItem> BuildOrderBy(P::OrderByClauseContext* ctx) {
    std::vector<OrderItem> items;
    for (auto* s : ctx->sortItem()) {
      OrderItem item;
      item.expr = Build(s->expr());
      item.descending = s->DESC() != nullptr;
      if (s->NULLS()) item.nulls_first = s->FIRST() != nullptr;
      items.push_back(std::move(item));
    }
    return items;
  }

  // ---- Special-syntax functions

  antlrcpp::Any visitCastFunction(P::CastFunctionContext* ctx) override {
    auto e = MakeExpr(ExprKind::kCast, Pos(ctx));
    e->children.push_back(Build(ctx->expr()));
    e->type_name = BuildTypeName(ctx->typeName());
    return Done(std::move(e));
  }

  // EXTRACT(field FROM x) is extract('field', x).
  antlrcpp::Any visitExtractFunction(P::ExtractFunctionContext* ctx) override {
    auto e = MakeFunction("extract", Pos(ctx));
    std::string field =
        ctx->identifier() ? Ident(ctx->identifier()) : AsciiLower(StringValue(ctx->stringConst()));
    const int field_pos = Pos(ctx->identifier() ? static_cast<ParserRuleContext*>(ctx->identifier())
                                                : ctx->stringConst());
    e->children.push_back(MakeLiteral(LiteralKind::kString, std::move(field), field_pos));
    e->children.push_back(Build(ctx->expr()));
    return Done(std::move(e));
  }

  // SUBSTRING(x FROM a FOR b) / (x FOR b FROM a) / (x FROM a) / (x FOR b) / (x, a, b).
  antlrcpp::Any visitSubstringFunction(P::SubstringFunctionContext* ctx) override {
    auto e = MakeFunction("substring", Pos(ctx));
    ExprPtr from;
    ExprPtr for_len;
    std::vector<ExprPtr> plain;
    size_t last_keyword = 0;  // 0: comma / first, else the token type before the expression
    for (auto* child : ctx->children) {
      if (auto* term = dynamic_cast<TerminalNode*>(child)) {
        last_keyword = term->getSymbol()->getType();
        continue;
      }
      ExprPtr x = Build(static_cast<P::ExprContext*>(child));
      if (last_keyword == P::FROM) {
        from = std::move(x);
      } else if (last_keyword == P::FOR) {
        for_len = std::move(x);
      } else {
        plain.push_back(std::move(x));
      }
    }
    e->children = std::move(plain);
    if (from || for_len) {
      e->children.push_back(from ? std::move(from) : MakeLiteral(LiteralKind::kInteger, "1", 0));
      if (for_len) e->children.push_back(std::move(for_len));
    }
    return Done(std::move(e));
  }

  // POSITION(a IN b) is position(a, b).
  antlrcpp::Any visitPositionFunction(P::PositionFunctionContext* ctx) override {
    auto e = MakeFunction("position", Pos(ctx));
    e->children.push_back(Build(ctx->bExpr(0)));
    e->children.push_back(Build(ctx->bExpr(1)));
    return Done(std::move(e));
  }

  // TRIM([BOTH|LEADING|TRAILING] [chars] FROM x) is btrim/ltrim/rtrim(x [, chars]).
  antlrcpp::Any visitTrimFunction(P::TrimFunctionContext* ctx) override {
    std::string name = "btrim";
    if (ctx->trimSide && ctx->trimSide->getType() == P::LEADING) name = "ltrim";
    if (ctx->trimSide && ctx->trimSide->getType() == P::TRAILING) name = "rtrim";
    auto e = MakeFunction(std::move(name), Pos(ctx));
    auto exprs = ctx->expr();
    TerminalNode* from = ctx->FROM();
    if (from != nullptr &&
        exprs[0]->getStart()->getTokenIndex() < from->getSymbol()->getTokenIndex()) {
      // chars FROM x, ...: the strings first, then the characters
      ExprPtr chars = Build(exprs[0]);
      for (size_t i = 1; i < exprs.size(); ++i) e->children.push_back(Build(exprs[i]));
      e->children.push_back(std::move(chars));
    } else {
      for (auto* x : exprs) e->children.push_back(Build(x));
    }
    return Done(std::move(e));
  }

  antlrcpp::Any visitOverlayFunction(P::OverlayFunctionContext* ctx) override {
    auto e = MakeFunction("overlay", Pos(ctx));
    for (auto* x : ctx->expr()) e->children.push_back(Build(x));
    return Done(std::move(e));
  }

  antlrcpp::Any visitTimeFunction(P::TimeFunctionContext* ctx) override {
    auto e = MakeFunction(AsciiLower(ctx->getStart()->getText()), Pos(ctx));
    if (ctx->INTEGER()) {
      e->children.push_back(
          MakeLiteral(LiteralKind::kInteger, ctx->INTEGER()->getText(), Pos(ctx->INTEGER())));
    }
    return Done(std::move(e));
  }

  antlrcpp::Any visitValueFunction(P::ValueFunctionContext* ctx) override {
    return Done(MakeFunction(AsciiLower(ctx->getStart()->getText()), Pos(ctx)));
  }

  // ---- Queries

 public:
  SelectPtr BuildQuery(P::QueryContext* ctx) {
    if (P::DmlStatementContext* dml = ctx->dmlStatement()) {
      // Only a statement or a WITH query may change data (BuildDml).
      SyntaxError("syntax error at or near \"" + dml->getStart()->getText() + "\"", Pos(dml));
      return std::make_unique<SelectStmt>();
    }
    SelectPtr q = BuildSetOperations(ctx);
    if (P::WithClauseContext* with = ctx->withClause()) {
      if (!q->ctes.empty()) SyntaxError("multiple WITH clauses not allowed", Pos(with));
      BuildWith(with, &q->ctes, &q->with_recursive);
    }
    if (P::OrderByClauseContext* order = ctx->orderByClause()) {
      if (!q->order_by.empty()) SyntaxError("multiple ORDER BY clauses not allowed", Pos(order));
      q->order_by = BuildOrderBy(order);
    }
    bool has_limit = q->limit != nullptr;
    bool has_offset = q->offset != nullptr;
    for (auto* clause : ctx->limitOffsetClause()) {
      if (auto* limit = dynamic_cast<P::LimitClauseContext*>(clause)) {
        if (has_limit) SyntaxError("multiple LIMIT clauses not allowed", Pos(clause));
        has_limit = true;
        if (limit->expr()) q->limit = Build(limit->expr());
      } else if (auto* offset = dynamic_cast<P::OffsetClauseContext*>(clause)) {
        if (has_offset) SyntaxError("multiple OFFSET clauses not allowed", Pos(clause));
        has_offset = true;
        q->offset = Build(offset->expr());
      } else if (auto* fetch = dynamic_cast<P::FetchClauseContext*>(clause)) {
        if (has_limit) SyntaxError("multiple LIMIT clauses not allowed", Pos(clause));
        has_limit = true;
        q->limit = BuildFetchCount(fetch->fetchCount(), Pos(fetch));
      }
    }
    return q;
  }

 private:
  ExprPtr BuildFetchCount(P::FetchCountContext* ctx, int pos) {
    if (ctx == nullptr) return MakeLiteral(LiteralKind::kInteger, "1", pos);  // FETCH FIRST ROW
    if (ctx->expr()) return Build(ctx->expr());
    if (ctx->PARAM()) {
      auto e = MakeExpr(ExprKind::kParam, Pos(ctx));
      e->param_index = std::atoi(ctx->PARAM()->getText().c_str() + 1);
      return e;
    }
    Token* number = ctx->INTEGER() ? ctx->INTEGER()->getSymbol() : ctx->DECIMAL()->getSymbol();
    return SignedNumber(ctx->MINUS(), number);
  }

  static SelectPtr MakeSetOp(P::SetOperatorContext* op, SelectPtr left, SelectPtr right) {
    auto node = std::make_unique<SelectStmt>();
    node->kind = SelectStmt::Kind::kSetOp;
    node->position = Pos(op);
    switch (op->op->getType()) {
      case P::INTERSECT:
        node->set_op = SelectStmt::SetOp::kIntersect;
        break;
      case P::EXCEPT:
        node->set_op = SelectStmt::SetOp::kExcept;
        break;
      default:
        node->set_op = SelectStmt::SetOp::kUnion;
        break;
    }
    node->set_all = op->quantifier != nullptr && op->quantifier->getType() == P::ALL;
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }

  /// primary (op primary)*: INTERSECT binds tighter than UNION / EXCEPT; all left-associative.
  SelectPtr BuildSetOperations(P::QueryContext* ctx) {
    const auto& primaries = ctx->primaries;
    const auto& ops = ctx->ops;
    SelectPtr result;                                  // the UNION / EXCEPT chain so far
    P::SetOperatorContext* pending = nullptr;          // the UNION / EXCEPT before `term`
    SelectPtr term = BuildQueryPrimary(primaries[0]);  // the INTERSECT chain being built
    for (size_t i = 0; i < ops.size(); ++i) {
      SelectPtr next = BuildQueryPrimary(primaries[i + 1]);
      if (ops[i]->op->getType() == P::INTERSECT) {
        term = MakeSetOp(ops[i], std::move(term), std::move(next));
        continue;
      }
      result = result ? MakeSetOp(pending, std::move(result), std::move(term)) : std::move(term);
      pending = ops[i];
      term = std::move(next);
    }
    return result ? MakeSetOp(pending, std::move(result), std::move(term)) : std::move(term);
  }

  SelectPtr BuildQueryPrimary(P::QueryPrimaryContext* ctx) {
    if (auto* select = dynamic_cast<P::SelectPrimaryContext*>(ctx)) return BuildSelect(select);
    if (auto* values = dynamic_cast<P::ValuesPrimaryContext*>(ctx)) return BuildValues(values);
    if (auto* paren = dynamic_cast<P::ParenPrimaryContext*>(ctx)) return BuildQuery(paren->query());
    // TABLE name is SELECT * FROM name.
    auto* table = static_cast<P::TablePrimaryContext*>(ctx);
    auto q = std::make_unique<SelectStmt>();
    q->position = Pos(ctx);
    SelectItem item;
    item.expr = MakeExpr(ExprKind::kStar, Pos(ctx));
    item.position = Pos(ctx);
    q->targets.push_back(std::move(item));
    auto ref = std::make_unique<TableRef>();
    ref->position = Pos(table->qualifiedName());
    ref->names = QualifiedName(table->qualifiedName());
    q->from.push_back(std::move(ref));
    return q;
  }

  SelectPtr BuildValues(P::ValuesPrimaryContext* ctx) {
    auto q = std::make_unique<SelectStmt>();
    q->kind = SelectStmt::Kind::kValues;
    q->position = Pos(ctx);
    const auto& rows = ctx->rows;
    q->values.reserve(rows.size());
    for (auto* row : rows) {
      // ( item , item ... ): items at the odd child indexes; DEFAULT is a terminal -> null
      std::vector<ExprPtr> values;
      const auto& children = row->children;
      values.reserve(children.size() / 2);
      for (size_t i = 1; i < children.size(); i += 2) {
        antlr4::tree::ParseTree* item = children[i];
        values.push_back(item->children.empty() ? nullptr
                                                : Build(static_cast<P::ExprContext*>(item)));
      }
      q->values.push_back(std::move(values));
    }
    return q;
  }

  SelectPtr BuildSelect(P::SelectPrimaryContext* ctx) {
    auto q = std::make_unique<SelectStmt>();
    q->kind = SelectStmt::Kind::kSelect;
    q->position = Pos(ctx);
    q->distinct = ctx->quantifier != nullptr && ctx->quantifier->getType() == P::DISTINCT;
    for (auto* x : ctx->distinctOn) q->distinct_on.push_back(Build(x));
    q->targets.reserve(ctx->items.size());
    for (auto* item : ctx->items) q->targets.push_back(BuildSelectItem(item));
    for (auto* item : ctx->from) q->from.push_back(BuildFromItem(item));
    q->where = Build(ctx->where);
    for (auto* x : ctx->groupBy) q->group_by.push_back(Build(x));
    q->having = Build(ctx->having);
    for (auto* def : ctx->windows) {
      NamedWindow w;
      w.name = Ident(def->identifier());
      w.spec = BuildWindowSpec(def->windowSpec());
      q->windows.push_back(std::move(w));
    }
    return q;
  }

  // STAR | expr [AS colLabel | IDENT | QUOTED_IDENT], read positionally.
  SelectItem BuildSelectItem(P::SelectItemContext* ctx) {
    SelectItem item;
    item.position = Pos(ctx);
    if (ctx->getStart()->getType() == P::STAR) {
      item.expr = MakeExpr(ExprKind::kStar, Pos(ctx));
      return item;
    }
    const auto& children = ctx->children;
    item.expr = Build(ExprAt(ctx, 0));
    if (children.size() == 3) {
      item.alias = ColLabel(static_cast<P::ColLabelContext*>(children[2]));
    } else if (children.size() == 2) {
      Token* alias = TokenAt(ctx, 1);
      item.alias =
          alias->getType() == P::QUOTED_IDENT ? QuotedIdent(alias) : AsciiLower(alias->getText());
    }
    return item;
  }

  std::vector<SelectItem> BuildReturning(P::ReturningClauseContext* ctx) {
    std::vector<SelectItem> items;
    if (ctx == nullptr) return items;
    for (auto* item : ctx->selectItem()) items.push_back(BuildSelectItem(item));
    return items;
  }

  // ---- FROM

  std::vector<TableRefPtr> BuildFrom(P::FromClauseContext* ctx) {
    std::vector<TableRefPtr> items;
    for (auto* item : ctx->fromItem()) items.push_back(BuildFromItem(item));
    return items;
  }

  TableRefPtr BuildFromItem(P::FromItemContext* ctx) {
    TableRefPtr left = BuildTableRef(ctx->tableRef());
    for (auto* part : ctx->joinPart()) {
      auto join = std::make_unique<TableRef>();
      join->kind = TableRef::Kind::kJoin;
      join->position = Pos(part);
      join->left = std::move(left);
      P::JoinTypeContext* type = nullptr;
      if (auto* cross = dynamic_cast<P::CrossJoinContext*>(part)) {
        join->join_type = JoinType::kCross;
        join->right = BuildTableRef(cross->tableRef());
      } else if (auto* natural = dynamic_cast<P::NaturalJoinContext*>(part)) {
        join->natural = true;
        type = natural->joinType();
        join->right = BuildTableRef(natural->tableRef());
      } else {
        auto* qualified = static_cast<P::QualifiedJoinContext*>(part);
        type = qualified->joinType();
        join->right = BuildFromItem(qualified->fromItem());
        P::JoinConditionContext* cond = qualified->joinCondition();
        if (cond->ON()) {
          join->join_condition = Build(cond->expr());
        } else {
          join->using_columns = IdentList(cond->identifierList());
          if (cond->identifier()) join->using_alias = Ident(cond->identifier());
        }
      }
      if (type != nullptr) {
        if (type->LEFT()) join->join_type = JoinType::kLeft;
        if (type->RIGHT()) join->join_type = JoinType::kRight;
        if (type->FULL()) join->join_type = JoinType::kFull;
      }
      left = std::move(join);
    }
    return left;
  }

  void ApplyAlias(P::AliasClauseContext* ctx, TableRef* ref) {
    if (ctx == nullptr) return;
    ref->alias = Ident(ctx->identifier());
    ref->column_aliases = IdentList(ctx->identifierList());
  }

  TableRefPtr BuildTableRef(P::TableRefContext* ctx) {
    if (auto* base = dynamic_cast<P::BaseTableRefContext*>(ctx)) {
      auto ref = std::make_unique<TableRef>();
      ref->kind = TableRef::Kind::kBase;
      ref->position = Pos(ctx);
      ref->names = QualifiedName(base->qualifiedName());
      if (base->systemTimeClause()) {
        ref->system_time_as_of = Build(base->systemTimeClause()->bExpr());
      }
      ApplyAlias(base->aliasClause(), ref.get());
      if (P::TablesampleClauseContext* ts = base->tablesampleClause()) {
        std::vector<std::string> method = FuncName(ts->funcName());
        ref->tablesample_method = method.back();
        std::vector<P::ExprContext*> args = ts->expr();
        size_t n = args.size() - (ts->REPEATABLE() ? 1 : 0);
        for (size_t i = 0; i < n; i++) ref->tablesample_args.push_back(Build(args[i]));
        if (ts->REPEATABLE()) ref->tablesample_repeatable = Build(args.back());
      }
      return ref;
    }
    if (auto* sub = dynamic_cast<P::SubqueryTableRefContext*>(ctx)) {
      auto ref = std::make_unique<TableRef>();
      ref->kind = TableRef::Kind::kSubquery;
      ref->position = Pos(ctx);
      ref->lateral = sub->LATERAL() != nullptr;
      ref->subquery = BuildQuery(sub->query());
      ApplyAlias(sub->aliasClause(), ref.get());
      return ref;
    }
    if (auto* fn = dynamic_cast<P::FunctionTableRefContext*>(ctx)) {
      auto ref = std::make_unique<TableRef>();
      ref->kind = TableRef::Kind::kFunction;
      ref->position = Pos(ctx);
      ref->lateral = fn->LATERAL() != nullptr;
      ref->function = BuildTableFunctionCall(fn->tableFunctionCall());
      ApplyAlias(fn->aliasClause(), ref.get());
      return ref;
    }
    auto* paren = static_cast<P::ParenTableRefContext*>(ctx);
    TableRefPtr inner = BuildFromItem(paren->fromItem());
    ApplyAlias(paren->aliasClause(), inner.get());
    return inner;
  }

  // ---- Statements

  StatementPtr BuildStatementInner(P::StatementContext* ctx) {
    if (P::QueryContext* query = ctx->query()) {
      if (query->dmlStatement()) {
        if (ctx->emitClause())
          SyntaxError("syntax error at or near \"EMIT\"", Pos(ctx->emitClause()));
        return BuildDml(query);
      }
      auto s = std::make_unique<SelectStatement>();
      s->query = BuildQuery(query);
      if (ctx->emitClause()) s->query->emit_mode = "window_close";
      return s;
    }
    if (auto* c = ctx->mergeStatement()) return BuildMerge(c);
    if (auto* c = ctx->createTableStatement()) return BuildCreateTable(c);
    if (auto* c = ctx->createSourceStatement()) return BuildCreateSource(c);
    if (auto* c = ctx->createViewStatement()) return BuildCreateView(c);
    if (auto* c = ctx->createSinkStatement()) return BuildCreateSink(c);
    if (auto* c = ctx->createIndexStatement()) return BuildCreateIndex(c);
    if (auto* c = ctx->dropStatement()) return BuildDrop(c);
    if (auto* c = ctx->alterTableStatement()) return BuildAlterTable(c);
    if (auto* c = ctx->truncateStatement()) {
      auto s = std::make_unique<TruncateStatement>();
      for (auto* name : c->qualifiedName()) s->tables.push_back(QualifiedName(name));
      return s;
    }
    if (auto* c = ctx->transactionStatement()) return BuildTransaction(c);
    if (auto* c = ctx->setStatement()) return BuildSet(c);
    if (auto* c = ctx->showStatement()) return BuildShow(c);
    if (auto* c = ctx->resetStatement()) {
      auto s = std::make_unique<ResetStatement>();
      if (c->ALL()) {
        s->name = "all";
      } else if (c->ZONE()) {
        s->name = "timezone";
      } else {
        s->name = DottedName(c->varName());
      }
      return s;
    }
    if (auto* c = ctx->explainStatement()) return BuildExplain(c);
    if (auto* c = ctx->copyStatement()) return BuildCopy(c);
    if (auto* c = ctx->subscribeStatement()) {
      auto s = std::make_unique<SubscribeStatement>();
      P::SubscribeTargetContext* target = c->subscribeTarget();
      if (target->query()) {
        s->query = BuildQuery(target->query());
      } else {
        s->target = QualifiedName(target->qualifiedName());
      }
      return s;
    }
    if (auto* c = ctx->prepareStatement()) {
      auto s = std::make_unique<PrepareStatement>();
      s->name = Ident(c->identifier());
      for (auto* t : c->typeName()) s->param_types.push_back(BuildTypeName(t));
      s->statement = BuildStatement(c->statement());
      return s;
    }
    if (auto* c = ctx->executeStatement()) {
      auto s = std::make_unique<ExecuteStatement>();
      s->name = Ident(c->identifier());
      for (auto* x : c->expr()) s->params.push_back(Build(x));
      return s;
    }
    if (auto* c = ctx->deallocateStatement()) {
      auto s = std::make_unique<DeallocateStatement>();
      if (c->ALL()) {
        s->all = true;
      } else {
        s->name = Ident(c->identifier());
      }
      return s;
    }
    if (ctx->discardStatement()) return std::make_unique<DiscardStatement>();
    SyntaxError("syntax error", Pos(ctx));
    return nullptr;
  }

  std::vector<std::pair<std::string, ExprPtr>> BuildSetClauses(
      const std::vector<P::SetClauseContext*>& clauses) {
    std::vector<std::pair<std::string, ExprPtr>> out;
    for (auto* c : clauses) {
      if (!c->identifierList()) {
        out.emplace_back(Ident(c->identifier()), c->DEFAULT() ? nullptr : Build(c->expr()));
        continue;
      }
      // SET (a, b) = (x, y) or ROW(x, y) assigns field by field.
      std::vector<std::string> columns = IdentList(c->identifierList());
      ExprPtr value = Build(c->expr());
      if (value->kind == ExprKind::kSubquery) {
        Fail(Status::NotSupported("UPDATE SET (...) = (SELECT ...) is not supported yet")
                 .WithPosition(Pos(c->expr())));
        return out;
      }
      if (value->kind != ExprKind::kRow) {
        Fail(Status::Error(sqlstate::kFeatureNotSupported,
                           "source for a multiple-column UPDATE item must be a sub-SELECT or "
                           "ROW() expression",
                           Pos(c->expr())));
        return out;
      }
      if (value->children.size() != columns.size()) {
        Fail(Status::Error(sqlstate::kSyntaxError,
                           "number of columns does not match number of values", Pos(c->expr())));
        return out;
      }
      for (size_t i = 0; i < columns.size(); i++) {
        out.emplace_back(columns[i], std::move(value->children[i]));
      }
    }
    return out;
  }

  /// A WITH list; data-modifying queries are built as statements.
  void BuildWith(P::WithClauseContext* with, std::vector<CommonTableExpr>* ctes, bool* recursive) {
    *recursive = with->RECURSIVE() != nullptr;
    for (auto* cte_ctx : with->commonTableExpr()) {
      CommonTableExpr cte;
      cte.name = Ident(cte_ctx->identifier());
      cte.column_names = IdentList(cte_ctx->identifierList());
      cte.position = Pos(cte_ctx);
      if (cte_ctx->query()->dmlStatement()) {
        cte.dml = BuildDml(cte_ctx->query());
      } else {
        cte.query = BuildQuery(cte_ctx->query());
      }
      cte.recursive = *recursive;
      ctes->push_back(std::move(cte));
    }
  }

  /// INSERT / UPDATE / DELETE with the WITH list before it (a statement, or a WITH query).
  StatementPtr BuildDml(P::QueryContext* ctx) {
    P::DmlStatementContext* dml = ctx->dmlStatement();
    auto with = [&](auto s) -> StatementPtr {
      if (ctx->withClause()) BuildWith(ctx->withClause(), &s->ctes, &s->with_recursive);
      s->start = ByteOffset(ctx->getStart()->getStartIndex());
      s->end = ByteOffset(ctx->getStop()->getStopIndex() + 1);
      return s;
    };
    if (auto* c = dml->insertStatement()) return with(BuildInsert(c));
    if (auto* c = dml->updateStatement()) return with(BuildUpdate(c));
    return with(BuildDelete(dml->deleteStatement()));
  }

  std::unique_ptr<InsertStatement> BuildInsert(P::InsertStatementContext* ctx) {
    auto s = std::make_unique<InsertStatement>();
    s->table = QualifiedName(ctx->qualifiedName());
    if (ctx->identifier()) s->alias = Ident(ctx->identifier());
    s->columns = IdentList(ctx->identifierList());
    if (ctx->query()) {
      s->source = BuildQuery(ctx->query());
    } else {
      s->default_values = true;
    }
    if (P::OnConflictClauseContext* oc = ctx->onConflictClause()) {
      s->on_conflict = std::make_unique<OnConflict>();
      s->on_conflict->target_columns = IdentList(oc->identifierList());
      if (oc->CONSTRAINT()) s->on_conflict->constraint = Ident(oc->identifier());
      s->on_conflict->do_nothing = oc->NOTHING() != nullptr;
      s->on_conflict->set = BuildSetClauses(oc->setClause());
      if (oc->whereClause()) s->on_conflict->where = Build(oc->whereClause()->expr());
    }
    s->returning = BuildReturning(ctx->returningClause());
    return s;
  }

  std::unique_ptr<UpdateStatement> BuildUpdate(P::UpdateStatementContext* ctx) {
    auto s = std::make_unique<UpdateStatement>();
    s->table = QualifiedName(ctx->qualifiedName());
    if (ctx->identifier()) s->alias = Ident(ctx->identifier());
    s->set = BuildSetClauses(ctx->setClause());
    if (ctx->fromClause()) s->from = BuildFrom(ctx->fromClause());
    if (ctx->whereClause()) s->where = Build(ctx->whereClause()->expr());
    s->returning = BuildReturning(ctx->returningClause());
    return s;
  }

  std::unique_ptr<DeleteStatement> BuildDelete(P::DeleteStatementContext* ctx) {
    auto s = std::make_unique<DeleteStatement>();
    s->table = QualifiedName(ctx->qualifiedName());
    if (ctx->identifier()) s->alias = Ident(ctx->identifier());
    for (auto* item : ctx->fromItem()) s->using_tables.push_back(BuildFromItem(item));
    if (ctx->whereClause()) s->where = Build(ctx->whereClause()->expr());
    s->returning = BuildReturning(ctx->returningClause());
    return s;
  }

  StatementPtr BuildMerge(P::MergeStatementContext* ctx) {
    auto s = std::make_unique<MergeStatement>();
    s->table = QualifiedName(ctx->qualifiedName());
    if (ctx->identifier()) s->alias = Ident(ctx->identifier());
    s->source.push_back(BuildFromItem(ctx->fromItem()));
    s->on = Build(ctx->expr());
    for (auto* w : ctx->mergeWhenClause()) {
      MergeClause c;
      c.position = Pos(w);
      if (auto* m = dynamic_cast<P::MergeWhenMatchedContext*>(w)) {
        c.matched = true;
        if (m->expr()) c.condition = Build(m->expr());
        if (m->UPDATE()) {
          c.action = MergeClause::Action::kUpdate;
          c.set = BuildSetClauses(m->setClause());
        } else if (m->DELETE()) {
          c.action = MergeClause::Action::kDelete;
        }
      } else if (auto* n = dynamic_cast<P::MergeWhenNotMatchedContext*>(w)) {
        c.matched = false;
        if (n->expr()) c.condition = Build(n->expr());
        if (n->INSERT()) {
          c.action = MergeClause::Action::kInsert;
          if (n->identifierList()) c.insert_columns = IdentList(n->identifierList());
          c.default_values = n->VALUES() && n->DEFAULT();
          for (auto* v : n->mergeValue()) {
            c.insert_values.push_back(v->DEFAULT() ? nullptr : Build(v->expr()));
          }
        }
      }
      s->clauses.push_back(std::move(c));
    }
    return s;
  }

  ColumnDef BuildColumnDef(P::ColumnDefContext* ctx) {
    ColumnDef col;
    col.name = Ident(ctx->identifier());
    col.type = BuildTypeName(ctx->typeName());
    col.position = Pos(ctx);
    for (auto* c : ctx->columnConstraint()) {
      if (c->NOT()) {
        col.not_null = true;
      } else if (c->PRIMARY()) {
        col.primary_key = true;
      } else if (c->UNIQUE()) {
        col.unique = true;
      } else if (c->DEFAULT()) {
        col.default_value = Build(c->bExpr());
        col.default_text = SourceText(c->bExpr());
      }
      // NULL, CHECK, REFERENCES and COLLATE are parsed and dropped.
    }
    return col;
  }

  struct TableElements {
    std::vector<ColumnDef> columns;
    std::vector<std::string> primary_key;
    std::vector<std::vector<std::string>> unique_constraints;
    std::unique_ptr<WatermarkDef> watermark;
  };

  TableElements BuildTableElements(const std::vector<P::TableElementContext*>& elements) {
    TableElements out;
    for (auto* el : elements) {
      if (el->columnDef()) {
        out.columns.push_back(BuildColumnDef(el->columnDef()));
      } else if (P::TableConstraintContext* tc = el->tableConstraint()) {
        if (tc->PRIMARY()) {
          if (!out.primary_key.empty()) {
            Fail(Status::Error(sqlstate::kInvalidTableDefinition,
                               "multiple primary keys are not allowed", Pos(tc)));
          }
          out.primary_key = IdentList(tc->identifierList(0));
        } else if (tc->UNIQUE()) {
          out.unique_constraints.push_back(IdentList(tc->identifierList(0)));
        }
        // CHECK and FOREIGN KEY are parsed and dropped.
      } else if (P::WatermarkDefContext* wm = el->watermarkDef()) {
        if (out.watermark) SyntaxError("multiple WATERMARK clauses not allowed", Pos(wm));
        out.watermark = std::make_unique<WatermarkDef>();
        out.watermark->column = Ident(wm->identifier());
        out.watermark->expr = Build(wm->expr());
        out.watermark->expr_text = SourceText(wm->expr());
      }
    }
    return out;
  }

  std::vector<WithOption> BuildWithOptions(P::WithOptionsContext* ctx) {
    std::vector<WithOption> out;
    if (ctx == nullptr) return out;
    for (auto* opt : ctx->withOption()) out.push_back(BuildWithOption(opt));
    return out;
  }

  WithOption BuildWithOption(P::WithOptionContext* opt) {
    WithOption o;
    P::OptionKeyContext* key = opt->optionKey();
    if (key->STRING()) {
      const std::string raw = key->STRING()->getText();
      o.key = AsciiLower(UnquoteStandard(raw.substr(1, raw.size() - 2)));
    } else {
      for (auto* label : key->colLabel()) {
        if (!o.key.empty()) o.key.push_back('.');
        o.key += ColLabel(label);
      }
    }
    o.value = opt->optionValue() ? OptionValueText(opt->optionValue()) : "true";
    return o;
  }

  std::string OptionValueText(P::OptionValueContext* ctx) {
    if (ctx->stringConst()) return StringValue(ctx->stringConst());
    if (ctx->signedNumber()) return SignedNumberText(ctx->signedNumber());
    std::string out;
    for (auto* label : ctx->colLabel()) {
      if (!out.empty()) out.push_back('.');
      out += ColLabel(label);
    }
    return out;
  }

  /// INCLUDE and FORMAT ... ENCODE clauses as options: "include.<what>" = column name (empty:
  /// the default), "format", "encode", "encode.<option>".
  template <typename Ctx>
  void AddConnectorClauses(Ctx* ctx, std::vector<WithOption>* out) {
    for (auto* inc : ctx->includeClause()) {
      WithOption o;
      o.key = "include." + AsciiLower(ColLabel(inc->colLabel()));
      o.value = inc->identifier() ? Ident(inc->identifier()) : "";
      out->push_back(std::move(o));
    }
    AddFormatClause(ctx->formatClause(), out);
  }

  void AddFormatClause(P::FormatClauseContext* f, std::vector<WithOption>* out) {
    if (!f) return;
    out->push_back({"format", AsciiLower(Ident(f->identifier(0)))});
    out->push_back({"encode", AsciiLower(Ident(f->identifier(1)))});
    for (auto* opt : f->withOption()) {
      WithOption o = BuildWithOption(opt);
      o.key = "encode." + o.key;
      out->push_back(std::move(o));
    }
  }

  StatementPtr BuildCreateTable(P::CreateTableStatementContext* ctx) {
    auto s = std::make_unique<CreateTableStatement>();
    s->name = QualifiedName(ctx->qualifiedName());
    s->if_not_exists = ctx->EXISTS() != nullptr;
    s->temporary = ctx->TEMP() != nullptr || ctx->TEMPORARY() != nullptr;
    TableElements elements = BuildTableElements(ctx->tableElement());
    s->columns = std::move(elements.columns);
    s->primary_key = std::move(elements.primary_key);
    s->unique_constraints = std::move(elements.unique_constraints);
    s->watermark = std::move(elements.watermark);
    s->with_options = BuildWithOptions(ctx->withOptions());
    AddConnectorClauses(ctx, &s->with_options);
    if (ctx->query()) s->as_query = BuildQuery(ctx->query());
    return s;
  }

  StatementPtr BuildCreateSource(P::CreateSourceStatementContext* ctx) {
    auto s = std::make_unique<CreateSourceStatement>();
    s->name = QualifiedName(ctx->qualifiedName());
    s->if_not_exists = ctx->EXISTS() != nullptr;
    TableElements elements = BuildTableElements(ctx->tableElement());
    if (!elements.primary_key.empty() || !elements.unique_constraints.empty()) {
      Fail(Status::NotSupported("a source cannot have PRIMARY KEY or UNIQUE constraints")
               .WithPosition(Pos(ctx)));
    }
    s->columns = std::move(elements.columns);
    s->watermark = std::move(elements.watermark);
    s->with_options = BuildWithOptions(ctx->withOptions());
    AddConnectorClauses(ctx, &s->with_options);
    return s;
  }

  StatementPtr BuildCreateView(P::CreateViewStatementContext* ctx) {
    auto s = std::make_unique<CreateViewStatement>();
    s->name = QualifiedName(ctx->qualifiedName());
    s->materialized = ctx->MATERIALIZED() != nullptr;
    s->if_not_exists = ctx->EXISTS() != nullptr;
    s->or_replace = ctx->REPLACE() != nullptr;
    s->temporary = ctx->TEMP() != nullptr || ctx->TEMPORARY() != nullptr;
    s->column_names = IdentList(ctx->identifierList());
    s->query = BuildQuery(ctx->query());
    s->query_text = SourceText(ctx->query());
    if (ctx->emitClause()) s->query->emit_mode = "window_close";
    s->with_options = BuildWithOptions(ctx->withOptions());
    return s;
  }

  StatementPtr BuildCreateSink(P::CreateSinkStatementContext* ctx) {
    auto s = std::make_unique<CreateSinkStatement>();
    auto names = ctx->qualifiedName();
    s->name = QualifiedName(names[0]);
    s->if_not_exists = ctx->EXISTS() != nullptr;
    if (names.size() > 1) s->from = QualifiedName(names[1]);
    if (ctx->query()) {
      s->query = BuildQuery(ctx->query());
      s->query_text = SourceText(ctx->query());
    }
    s->with_options = BuildWithOptions(ctx->withOptions());
    AddFormatClause(ctx->formatClause(), &s->with_options);
    return s;
  }

  StatementPtr BuildCreateIndex(P::CreateIndexStatementContext* ctx) {
    auto s = std::make_unique<CreateIndexStatement>();
    s->unique = ctx->UNIQUE() != nullptr;
    s->if_not_exists = ctx->EXISTS() != nullptr;
    const size_t on_index = ctx->ON()->getSymbol()->getTokenIndex();
    for (auto* id : ctx->identifier()) {
      if (id->getStart()->getTokenIndex() < on_index) s->name = Ident(id);  // USING method: dropped
    }
    s->table = QualifiedName(ctx->qualifiedName());
    for (auto* el : ctx->indexElement()) {
      OrderItem item;
      item.expr = Build(el->bExpr());
      item.descending = el->DESC() != nullptr;
      if (el->NULLS()) item.nulls_first = el->FIRST() != nullptr;
      s->columns.push_back(std::move(item));
    }
    return s;
  }

  static ObjectKind BuildObjectKind(P::ObjectKindContext* ctx) {
    if (ctx->MATERIALIZED()) return ObjectKind::kMaterializedView;
    if (ctx->VIEW()) return ObjectKind::kView;
    if (ctx->INDEX()) return ObjectKind::kIndex;
    if (ctx->SOURCE()) return ObjectKind::kSource;
    if (ctx->SINK()) return ObjectKind::kSink;
    if (ctx->SCHEMA()) return ObjectKind::kSchema;
    return ObjectKind::kTable;
  }

  StatementPtr BuildDrop(P::DropStatementContext* ctx) {
    auto s = std::make_unique<DropStatement>();
    s->object = BuildObjectKind(ctx->objectKind());
    s->if_exists = ctx->EXISTS() != nullptr;
    s->cascade = ctx->CASCADE() != nullptr;
    for (auto* name : ctx->qualifiedName()) s->names.push_back(QualifiedName(name));
    return s;
  }

  StatementPtr BuildAlterTable(P::AlterTableStatementContext* ctx) {
    auto s = std::make_unique<AlterTableStatement>();
    s->table = QualifiedName(ctx->qualifiedName());
    s->if_exists = ctx->EXISTS() != nullptr;
    P::AlterTableActionContext* action = ctx->alterTableAction();
    if (auto* add = dynamic_cast<P::AlterAddColumnContext*>(action)) {
      s->action = AlterTableStatement::Action::kAddColumn;
      s->if_not_exists = add->EXISTS() != nullptr;
      s->column = BuildColumnDef(add->columnDef());
    } else if (auto* drop = dynamic_cast<P::AlterDropColumnContext*>(action)) {
      s->action = AlterTableStatement::Action::kDropColumn;
      s->column_name = Ident(drop->identifier());
      s->column_if_exists = drop->EXISTS() != nullptr;
      s->cascade = drop->CASCADE() != nullptr;
    } else if (auto* rename = dynamic_cast<P::AlterRenameColumnContext*>(action)) {
      s->action = AlterTableStatement::Action::kRenameColumn;
      s->column_name = Ident(rename->identifier(0));
      s->new_name = Ident(rename->identifier(1));
    } else {
      auto* table = static_cast<P::AlterRenameTableContext*>(action);
      s->action = AlterTableStatement::Action::kRenameTable;
      s->new_name = Ident(table->identifier());
    }
    return s;
  }

  static std::vector<std::string> TransactionModes(P::TransactionModeListContext* ctx) {
    std::vector<std::string> modes;
    if (ctx == nullptr) return modes;
    for (auto* mode : ctx->transactionMode()) {
      std::string text;
      for (auto* child : mode->children) {
        if (!text.empty()) text.push_back(' ');
        text += AsciiLower(child->getText());
      }
      modes.push_back(std::move(text));
    }
    return modes;
  }

  StatementPtr BuildTransaction(P::TransactionStatementContext* ctx) {
    auto s = std::make_unique<TransactionStatement>();
    using Kind = TransactionStatement::Kind;
    auto check_chain = [&](TerminalNode* chain, TerminalNode* no) {
      if (chain != nullptr && no == nullptr) {
        Fail(Status::NotSupported("AND CHAIN is not supported").WithPosition(Pos(chain)));
      }
    };
    if (auto* begin = dynamic_cast<P::TxnBeginContext*>(ctx)) {
      s->txn_kind = Kind::kBegin;
      s->modes = TransactionModes(begin->transactionModeList());
    } else if (auto* commit = dynamic_cast<P::TxnCommitContext*>(ctx)) {
      s->txn_kind = Kind::kCommit;
      check_chain(commit->CHAIN(), commit->NO());
    } else if (auto* rollback = dynamic_cast<P::TxnRollbackContext*>(ctx)) {
      s->txn_kind = Kind::kRollback;
      check_chain(rollback->CHAIN(), rollback->NO());
    } else if (auto* to = dynamic_cast<P::TxnRollbackToContext*>(ctx)) {
      s->txn_kind = Kind::kRollbackToSavepoint;
      s->savepoint = Ident(to->identifier());
    } else if (auto* sp = dynamic_cast<P::TxnSavepointContext*>(ctx)) {
      s->txn_kind = Kind::kSavepoint;
      s->savepoint = Ident(sp->identifier());
    } else {
      auto* release = static_cast<P::TxnReleaseContext*>(ctx);
      s->txn_kind = Kind::kRelease;
      s->savepoint = Ident(release->identifier());
    }
    return s;
  }

  std::string VarValueText(P::VarValueContext* ctx) {
    if (ctx->stringConst()) return StringValue(ctx->stringConst());
    if (ctx->signedNumber()) return SignedNumberText(ctx->signedNumber());
    if (ctx->identifier()) return Ident(ctx->identifier());
    return AsciiLower(ctx->getStart()->getText());  // ON, TRUE, FALSE, NULL
  }

  StatementPtr BuildSet(P::SetStatementContext* ctx) {
    auto s = std::make_unique<SetStatement>();
    s->local = ctx->LOCAL() != nullptr;
    P::SetRestContext* rest = ctx->setRest();
    if (auto* tz = dynamic_cast<P::SetTimeZoneContext*>(rest)) {
      s->name = "timezone";
      P::TimeZoneValueContext* v = tz->timeZoneValue();
      if (v->LOCAL() || v->DEFAULT()) {
        s->is_default = true;
      } else if (v->INTERVAL()) {
        s->values.push_back(IntervalText(StringValue(v->stringConst()), v->intervalQualifier()));
      } else if (v->stringConst()) {
        s->values.push_back(StringValue(v->stringConst()));
      } else if (v->signedNumber()) {
        s->values.push_back(SignedNumberText(v->signedNumber()));
      } else {
        s->values.push_back(Ident(v->identifier()));
      }
    } else if (auto* names = dynamic_cast<P::SetNamesContext*>(rest)) {
      s->name = "client_encoding";
      if (names->stringConst()) {
        s->values.push_back(StringValue(names->stringConst()));
      } else {
        s->is_default = true;
      }
    } else if (auto* ch = dynamic_cast<P::SetCharacteristicsContext*>(rest)) {
      s->name = "transaction_characteristics";
      s->values = TransactionModes(ch->transactionModeList());
    } else if (auto* txn = dynamic_cast<P::SetTransactionContext*>(rest)) {
      s->name = "transaction";
      s->values = TransactionModes(txn->transactionModeList());
    } else {
      auto* var = static_cast<P::SetVariableContext*>(rest);
      s->name = DottedName(var->varName());
      if (var->DEFAULT()) {
        s->is_default = true;
      } else {
        for (auto* v : var->varValue()) s->values.push_back(VarValueText(v));
      }
    }
    return s;
  }

  StatementPtr BuildShow(P::ShowStatementContext* ctx) {
    auto s = std::make_unique<ShowStatement>();
    if (dynamic_cast<P::ShowAllContext*>(ctx)) {
      s->name = "all";
    } else if (dynamic_cast<P::ShowTimeZoneContext*>(ctx)) {
      s->name = "timezone";
    } else if (dynamic_cast<P::ShowIsolationContext*>(ctx)) {
      s->name = "transaction_isolation";
    } else if (auto* create = dynamic_cast<P::ShowCreateContext*>(ctx)) {
      s->name = "create";
      s->create_object = BuildObjectKind(create->objectKind());
      s->object_name = QualifiedName(create->qualifiedName());
    } else if (dynamic_cast<P::ShowMaterializedViewsContext*>(ctx)) {
      s->name = "materialized views";
    } else {
      s->name = DottedName(static_cast<P::ShowVariableContext*>(ctx)->varName());
    }
    return s;
  }

  StatementPtr BuildExplain(P::ExplainStatementContext* ctx) {
    auto s = std::make_unique<ExplainStatement>();
    s->analyze = ctx->ANALYZE() != nullptr || ctx->ANALYSE() != nullptr;
    s->verbose = ctx->VERBOSE() != nullptr;
    for (auto* opt : ctx->explainOption()) {
      std::string name =
          opt->identifier() ? Ident(opt->identifier()) : AsciiLower(opt->getStart()->getText());
      if (name == "analyse") name = "analyze";
      bool value = true;
      if (opt->optionValue()) {
        const std::string v = AsciiLower(OptionValueText(opt->optionValue()));
        value = !(v == "false" || v == "off" || v == "0" || v == "no");
      }
      if (name == "analyze") s->analyze = value;
      if (name == "verbose") s->verbose = value;
    }
    s->statement = BuildStatement(ctx->statement());
    return s;
  }

  StatementPtr BuildCopy(P::CopyStatementContext* ctx) {
    auto s = std::make_unique<CopyStatement>();
    if (ctx->qualifiedName()) {
      s->table = QualifiedName(ctx->qualifiedName());
      s->columns = IdentList(ctx->identifierList());
      s->from = ctx->FROM() != nullptr;
    } else {
      s->from = false;
      if (ctx->SUBSCRIBE()) {
        s->subscribe = true;
        P::SubscribeTargetContext* target = ctx->subscribeTarget();
        if (target->query()) {
          s->query = BuildQuery(target->query());
        } else {
          s->subscribe_target = QualifiedName(target->qualifiedName());
        }
      } else {
        s->query = BuildQuery(ctx->query());
      }
    }
    if (P::CopyOptionsContext* opts = ctx->copyOptions()) {
      for (auto* opt : opts->copyOption()) {
        WithOption o;
        o.key = ColLabel(opt->colLabel());
        if (opt->optionValue()) {
          o.value = OptionValueText(opt->optionValue());
        } else {
          o.value = opt->ON() ? "on" : "true";
        }
        s->options.push_back(std::move(o));
      }
      for (auto* opt : opts->copyLegacyOption()) {
        WithOption o;
        switch (opt->getStart()->getType()) {
          case P::BINARY:
            o = {"format", "binary"};
            break;
          case P::CSV:
            o = {"format", "csv"};
            break;
          case P::HEADER:
            o = {"header", "true"};
            break;
          default:
            o.key = AsciiLower(opt->getStart()->getText());
            o.value = StringValue(opt->stringConst());
            break;
        }
        s->options.push_back(std::move(o));
      }
    }
    return s;
  }

  std::string_view sql_;
  bool ascii_ = true;
  std::vector<int> cp_to_byte_;
  Status status_;
  ExprPtr result_;
};

}  // namespace

Result<std::vector<StatementPtr>> AstBuilder::BuildScript(antlr4::ParserRuleContext* script) {
  auto* ctx = dynamic_cast<P::ScriptContext*>(script);
  if (ctx == nullptr) return Status::Internal("AstBuilder::BuildScript: not a script tree");
  try {
    TreeWalker walker(sql_);
    std::vector<StatementPtr> out;
    for (auto* stmt : ctx->statement()) {
      StatementPtr built = walker.BuildStatement(stmt);
      if (!walker.status().ok()) return walker.status();
      out.push_back(std::move(built));
    }
    return out;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("building the syntax tree failed: ") + e.what());
  }
}

Result<ExprPtr> AstBuilder::BuildExpression(antlr4::ParserRuleContext* expression) {
  auto* ctx = dynamic_cast<P::SingleExpressionContext*>(expression);
  if (ctx == nullptr) return Status::Internal("AstBuilder::BuildExpression: not an expression");
  try {
    TreeWalker walker(sql_);
    ExprPtr e = walker.Build(ctx->expr());
    if (!walker.status().ok()) return walker.status();
    return e;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("building the syntax tree failed: ") + e.what());
  }
}

}  // namespace freshet::parser
