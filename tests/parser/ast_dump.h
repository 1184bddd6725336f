#pragma once

// Compact S-expression dumps of parser ASTs, for tests: Dump(expr) of `1+2*3` is
// "(+ 1 (* 2 3))". Literals: integers/decimals as written, strings 'quoted', NULL, TRUE/FALSE,
// typed literals type'text'; column refs dotted; functions name(args).

#include <string>

#include "parser/ast.h"

namespace freshet::parser::testing {

std::string Dump(const SelectStmt& q);
std::string Dump(const TableRef& t);

inline std::string Dump(const TypeName& t) {
  std::string out = t.name;
  if (!t.modifiers.empty()) {
    out += "(";
    for (size_t i = 0; i < t.modifiers.size(); ++i) {
      out += (i ? "," : "") + std::to_string(t.modifiers[i]);
    }
    out += ")";
  }
  if (t.is_array) out += "[]";
  return out;
}

inline std::string Dump(const Expr* e);

inline std::string DumpOrder(const std::vector<OrderItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += Dump(items[i].expr.get());
    if (items[i].descending) out += " DESC";
    if (items[i].nulls_first.has_value()) {
      out += *items[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
  }
  return out;
}

inline std::string DumpBound(const WindowFrameBound& b) {
  switch (b.kind) {
    case WindowFrameBound::Kind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case WindowFrameBound::Kind::kPreceding:
      return Dump(b.offset.get()) + " PRECEDING";
    case WindowFrameBound::Kind::kCurrentRow:
      return "CURRENT ROW";
    case WindowFrameBound::Kind::kFollowing:
      return Dump(b.offset.get()) + " FOLLOWING";
    case WindowFrameBound::Kind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "?";
}

inline std::string Dump(const WindowSpec& w) {
  std::string out = "(";
  std::string sep;
  if (!w.ref_name.empty()) {
    out += w.ref_name;
    sep = " ";
  }
  if (!w.partition_by.empty()) {
    out += sep + "PARTITION BY ";
    for (size_t i = 0; i < w.partition_by.size(); ++i) {
      out += (i ? ", " : "") + Dump(w.partition_by[i].get());
    }
    sep = " ";
  }
  if (!w.order_by.empty()) {
    out += sep + "ORDER BY " + DumpOrder(w.order_by);
    sep = " ";
  }
  if (w.has_frame) {
    const char* mode = w.frame_mode == WindowSpec::FrameMode::kRows    ? "ROWS"
                       : w.frame_mode == WindowSpec::FrameMode::kRange ? "RANGE"
                                                                       : "GROUPS";
    out += sep + mode + " BETWEEN " + DumpBound(w.frame_start) + " AND " + DumpBound(w.frame_end);
  }
  return out + ")";
}

inline std::string Join(const std::vector<std::string>& names, const char* sep = ".") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? sep : "") + names[i];
  return out;
}

inline std::string DumpChildren(const Expr& e, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < e.children.size(); ++i) out += " " + Dump(e.children[i].get());
  return out;
}

inline std::string Dump(const Expr* e) {
  if (e == nullptr) return "<null>";
  switch (e->kind) {
    case ExprKind::kLiteral:
      switch (e->literal_kind) {
        case LiteralKind::kNull:
          return "NULL";
        case LiteralKind::kBool:
          return e->text == "true" ? "TRUE" : "FALSE";
        case LiteralKind::kInteger:
        case LiteralKind::kDecimal:
          return e->text;
        case LiteralKind::kString:
          return "'" + e->text + "'";
        case LiteralKind::kTyped:
          return Dump(e->type_name) + "'" + e->text + "'";
      }
      return "?";
    case ExprKind::kColumnRef:
      return Join(e->names);
    case ExprKind::kStar:
      return e->names.empty() ? "*" : Join(e->names) + ".*";
    case ExprKind::kParam:
      return "$" + std::to_string(e->param_index);
    case ExprKind::kUnary:
      return "(" + e->op + DumpChildren(*e) + ")";
    case ExprKind::kBinary:
      return "(" + e->op + DumpChildren(*e) + ")";
    case ExprKind::kFunction: {
      std::string out = Join(e->names) + "(";
      if (e->distinct) out += "DISTINCT ";
      if (e->star) out += "*";
      for (size_t i = 0; i < e->children.size(); ++i) {
        out += (i ? ", " : "") + Dump(e->children[i].get());
      }
      if (!e->agg_order_by.empty()) out += " ORDER BY " + DumpOrder(e->agg_order_by);
      out += ")";
      if (e->filter) out += " FILTER " + Dump(e->filter.get());
      if (e->over) out += " OVER " + Dump(*e->over);
      return out;
    }
    case ExprKind::kCast:
      return "(:: " + Dump(e->children[0].get()) + " " + Dump(e->type_name) + ")";
    case ExprKind::kCase: {
      std::string out = "(CASE";
      size_t i = 0;
      if (e->case_has_operand) out += " " + Dump(e->children[i++].get());
      const size_t end = e->children.size() - (e->case_has_else ? 1 : 0);
      for (; i + 1 < end; i += 2) {
        out += " WHEN " + Dump(e->children[i].get()) + " THEN " + Dump(e->children[i + 1].get());
      }
      if (e->case_has_else) out += " ELSE " + Dump(e->children.back().get());
      return out + ")";
    }
    case ExprKind::kInList:
      return std::string("(") + (e->negated ? "NOT IN" : "IN") + DumpChildren(*e) + ")";
    case ExprKind::kInSubquery:
      return std::string("(") + (e->negated ? "NOT IN " : "IN ") + Dump(e->children[0].get()) +
             " {" + Dump(*e->subquery) + "})";
    case ExprKind::kExists:
      return std::string("(") + (e->negated ? "NOT EXISTS" : "EXISTS") + " {" + Dump(*e->subquery) +
             "})";
    case ExprKind::kSubquery:
      return "{" + Dump(*e->subquery) + "}";
    case ExprKind::kBetween:
      return std::string("(") + (e->negated ? "NOT " : "") + "BETWEEN" +
             (e->symmetric ? " SYMMETRIC" : "") + DumpChildren(*e) + ")";
    case ExprKind::kIsNull:
      return std::string("(") + (e->negated ? "IS NOT NULL" : "IS NULL") + DumpChildren(*e) + ")";
    case ExprKind::kIsDistinct:
      return std::string("(") + (e->negated ? "IS NOT DISTINCT" : "IS DISTINCT") +
             DumpChildren(*e) + ")";
    case ExprKind::kLike:
      return std::string("(") + (e->negated ? "NOT " : "") +
             (e->case_insensitive ? "ILIKE" : "LIKE") + DumpChildren(*e) + ")";
    case ExprKind::kIsBool: {
      const char* test = e->bool_test == BoolTest::kTrue    ? "TRUE"
                         : e->bool_test == BoolTest::kFalse ? "FALSE"
                                                            : "UNKNOWN";
      return std::string("(IS ") + (e->negated ? "NOT " : "") + test + DumpChildren(*e) + ")";
    }
    case ExprKind::kQuantified: {
      std::string out = "(" + e->op + (e->quantifier_all ? " ALL" : " ANY") + DumpChildren(*e);
      if (e->subquery) out += " {" + Dump(*e->subquery) + "}";
      return out + ")";
    }
    case ExprKind::kSubscript:
      return "([] " + Dump(e->children[0].get()) + " " + Dump(e->children[1].get()) + ")";
    case ExprKind::kArray: {
      if (e->subquery) return "ARRAY{" + Dump(*e->subquery) + "}";
      std::string out = "ARRAY[";
      for (size_t i = 0; i < e->children.size(); ++i) {
        out += (i ? ", " : "") + Dump(e->children[i].get());
      }
      return out + "]";
    }
    case ExprKind::kRow:
      return "(ROW" + DumpChildren(*e) + ")";
  }
  return "?";
}

inline std::string Dump(const TableRef& t) {
  std::string out;
  switch (t.kind) {
    case TableRef::Kind::kBase:
      out = Join(t.names);
      if (t.system_time_as_of) out += " AS OF " + Dump(t.system_time_as_of.get());
      break;
    case TableRef::Kind::kSubquery:
      out = std::string(t.lateral ? "LATERAL " : "") + "{" + Dump(*t.subquery) + "}";
      break;
    case TableRef::Kind::kFunction:
      out = std::string(t.lateral ? "LATERAL " : "") + Dump(t.function.get());
      break;
    case TableRef::Kind::kJoin: {
      const char* type = t.join_type == JoinType::kInner   ? "JOIN"
                         : t.join_type == JoinType::kLeft  ? "LEFT JOIN"
                         : t.join_type == JoinType::kRight ? "RIGHT JOIN"
                         : t.join_type == JoinType::kFull  ? "FULL JOIN"
                                                           : "CROSS JOIN";
      out = "(" + Dump(*t.left) + (t.natural ? " NATURAL " : " ") + type + " " + Dump(*t.right);
      if (t.join_condition) out += " ON " + Dump(t.join_condition.get());
      if (!t.using_columns.empty()) out += " USING (" + Join(t.using_columns, ", ") + ")";
      out += ")";
      break;
    }
  }
  if (!t.alias.empty()) out += " AS " + t.alias;
  if (!t.column_aliases.empty()) out += "(" + Join(t.column_aliases, ", ") + ")";
  return out;
}

inline std::string Dump(const SelectStmt& q) {
  std::string out;
  if (!q.ctes.empty()) {
    out += q.with_recursive ? "WITH RECURSIVE " : "WITH ";
    for (size_t i = 0; i < q.ctes.size(); ++i) {
      out += (i ? ", " : "") + q.ctes[i].name;
      if (!q.ctes[i].column_names.empty()) out += "(" + Join(q.ctes[i].column_names, ", ") + ")";
      out += " AS {" + Dump(*q.ctes[i].query) + "}";
    }
    out += " ";
  }
  switch (q.kind) {
    case SelectStmt::Kind::kSelect: {
      out += "SELECT ";
      if (q.distinct) out += "DISTINCT ";
      if (!q.distinct_on.empty()) {
        out += "ON (";
        for (size_t i = 0; i < q.distinct_on.size(); ++i) {
          out += (i ? ", " : "") + Dump(q.distinct_on[i].get());
        }
        out += ") ";
      }
      for (size_t i = 0; i < q.targets.size(); ++i) {
        out += (i ? ", " : "") + Dump(q.targets[i].expr.get());
        if (!q.targets[i].alias.empty()) out += " AS " + q.targets[i].alias;
      }
      if (!q.from.empty()) {
        out += " FROM ";
        for (size_t i = 0; i < q.from.size(); ++i) out += (i ? ", " : "") + Dump(*q.from[i]);
      }
      if (q.where) out += " WHERE " + Dump(q.where.get());
      if (!q.group_by.empty()) {
        out += " GROUP BY ";
        for (size_t i = 0; i < q.group_by.size(); ++i) {
          out += (i ? ", " : "") + Dump(q.group_by[i].get());
        }
      }
      if (q.having) out += " HAVING " + Dump(q.having.get());
      for (const auto& w : q.windows) out += " WINDOW " + w.name + " AS " + Dump(*w.spec);
      break;
    }
    case SelectStmt::Kind::kSetOp: {
      const char* op = q.set_op == SelectStmt::SetOp::kUnion       ? "UNION"
                       : q.set_op == SelectStmt::SetOp::kIntersect ? "INTERSECT"
                                                                   : "EXCEPT";
      out +=
          "[" + Dump(*q.left) + "] " + op + (q.set_all ? " ALL" : "") + " [" + Dump(*q.right) + "]";
      break;
    }
    case SelectStmt::Kind::kValues: {
      out += "VALUES ";
      for (size_t r = 0; r < q.values.size(); ++r) {
        out += r ? ", (" : "(";
        for (size_t i = 0; i < q.values[r].size(); ++i) {
          out += (i ? ", " : "") + (q.values[r][i] ? Dump(q.values[r][i].get()) : "DEFAULT");
        }
        out += ")";
      }
      break;
    }
  }
  if (!q.order_by.empty()) out += " ORDER BY " + DumpOrder(q.order_by);
  if (q.limit) out += " LIMIT " + Dump(q.limit.get());
  if (q.offset) out += " OFFSET " + Dump(q.offset.get());
  if (!q.emit_mode.empty()) out += " EMIT " + q.emit_mode;
  return out;
}

}  // namespace freshet::parser::testing
