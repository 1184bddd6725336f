#pragma once

// Freshet's own abstract syntax tree. The ANTLR grammar's visitor builds it; nothing outside
// parser/ sees ANTLR types. Positions are 1-based character offsets into the statement text
// (what ErrorResponse's P field carries); 0 means unknown.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace freshet::parser {

struct SelectStmt;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
using SelectPtr = std::unique_ptr<SelectStmt>;

/// A type as written: a lower-cased name (multi-word names joined by one space, e.g. "double
/// precision", "character varying", "timestamp with time zone"; a schema prefix such as
/// pg_catalog. dropped), its modifiers and whether it had [] (array).
struct TypeName {
  std::string name;
  std::vector<int32_t> modifiers;
  bool is_array = false;
  int position = 0;
};

enum class ExprKind : uint8_t {
  kLiteral,     // literal_kind + text (+ type_name for typed literals)
  kColumnRef,   // names: [col] or [table, col] or [schema, table, col]
  kStar,        // `*` or `t.*`: names holds the qualifier (empty for bare *)
  kParam,       // $n: param_index (1-based)
  kUnary,       // op: "-", "+", "NOT", "~" ; children[0]
  kBinary,      // op (see below); children[0], children[1]
  kFunction,    // names (qualified, lower-cased), children = args, flags below, over
  kCast,        // children[0]::type_name (CAST(x AS t) and x::t)
  kCase,        // children: [operand?] then pairs (when, then) then [else]; see case_* fields
  kInList,      // children[0] IN (children[1..]); negated
  kInSubquery,  // children[0] IN (subquery); negated
  kExists,      // EXISTS (subquery); negated
  kSubquery,    // scalar (subquery)
  kBetween,     // children: x, low, high; negated; symmetric
  kIsNull,      // children[0] IS [NOT] NULL; negated
  kIsDistinct,  // children[0] IS [NOT] DISTINCT FROM children[1]; negated = IS NOT DISTINCT
  kLike,        // children: x, pattern, [escape]; negated; case_insensitive (ILIKE)
  kIsBool,      // children[0] IS [NOT] TRUE/FALSE/UNKNOWN: bool_test; negated
  kQuantified,  // children[0] op ANY/ALL (subquery or children[1] array expr): op, quantifier_all
  kSubscript,   // children[0][children[1]]
  kArray,       // ARRAY[children...]; ARRAY(subquery): subquery set, no children
  kRow,         // ROW(a, b) or (a, b)
};

enum class LiteralKind : uint8_t {
  kNull,
  kBool,     // text is "true" or "false"
  kInteger,  // text holds the digits (may exceed int64: the binder makes it numeric)
  kDecimal,  // text like "1.5", "1e10", ".5"
  kString,   // text holds the unescaped string ('it''s' -> it's, E'\n' -> newline)
  kTyped,    // type_name 'text' (DATE '2024-01-01', INTERVAL '1' DAY -> text "1 day")
};

enum class BoolTest : uint8_t { kTrue, kFalse, kUnknown };

struct WindowFrameBound {
  enum class Kind : uint8_t {
    kUnboundedPreceding,
    kPreceding,
    kCurrentRow,
    kFollowing,
    kUnboundedFollowing
  };
  Kind kind = Kind::kUnboundedPreceding;
  ExprPtr offset;  // for kPreceding / kFollowing
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: PostgreSQL default (NULLS LAST for ASC)
};

struct WindowSpec {
  std::string ref_name;  // OVER w or OVER (w ...): a name from the WINDOW clause, or empty
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  bool has_frame = false;
  enum class FrameMode : uint8_t { kRows, kRange, kGroups } frame_mode = FrameMode::kRange;
  WindowFrameBound frame_start;
  WindowFrameBound frame_end;  // when BETWEEN is absent: CURRENT ROW
};

/// One expression node. Which fields are meaningful depends on `kind` (see ExprKind).
struct Expr {
  ExprKind kind;
  int position = 0;

  // kLiteral
  LiteralKind literal_kind = LiteralKind::kNull;
  std::string text;
  // kLiteral kTyped, kCast
  TypeName type_name;
  // kColumnRef, kStar, kFunction
  std::vector<std::string> names;
  // kParam
  int param_index = 0;
  // kUnary, kBinary, kQuantified. Binary ops: + - * / % ^ || = <> < > <= >= AND OR
  // -> ->> #> #>> ~ !~ ~* !~* @> <@ ? << >> & | #. "!=" is normalized to "<>".
  // OPERATOR(pg_catalog.~) is normalized to its bare operator.
  std::string op;
  std::vector<ExprPtr> children;
  // kInSubquery, kExists, kSubquery, kQuantified (when the right side is a subquery)
  SelectPtr subquery;
  // kInList, kInSubquery, kExists, kBetween, kIsNull, kIsDistinct, kLike, kIsBool
  bool negated = false;
  bool symmetric = false;         // kBetween
  bool case_insensitive = false;  // kLike (ILIKE)
  BoolTest bool_test = BoolTest::kTrue;
  bool quantifier_all = false;  // kQuantified: ALL (true) or ANY/SOME (false)
  // kCase
  bool case_has_operand = false;
  bool case_has_else = false;
  // kFunction
  bool distinct = false;                // count(DISTINCT x)
  bool star = false;                    // count(*)
  ExprPtr filter;                       // agg(x) FILTER (WHERE ...)
  std::vector<OrderItem> agg_order_by;  // string_agg(x, ',' ORDER BY y)
  bool with_ordinality = false;         // a table function in FROM ... WITH ORDINALITY
  std::unique_ptr<WindowSpec> over;     // OVER (...)

  explicit Expr(ExprKind k, int pos = 0) : kind(k), position(pos) {}
};

struct SelectItem {
  ExprPtr expr;       // may be kStar
  std::string alias;  // empty when none (lower-cased unless quoted)
  int position = 0;
};

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  enum class Kind : uint8_t { kBase, kSubquery, kJoin, kFunction };
  Kind kind = Kind::kBase;
  int position = 0;
  // kBase: names = [table] or [schema, table]
  std::vector<std::string> names;
  // alias and optional column aliases: t AS x(a, b)
  std::string alias;
  std::vector<std::string> column_aliases;
  // kBase: FOR SYSTEM_TIME AS OF expr (a lookup join's time, e.g. PROCTIME()), or null
  ExprPtr system_time_as_of;
  // kBase: TABLESAMPLE method (args) [REPEATABLE (seed)]; method empty when absent
  std::string tablesample_method;
  std::vector<ExprPtr> tablesample_args;
  ExprPtr tablesample_repeatable;
  // kSubquery (also VALUES (...) in FROM); lateral flag
  SelectPtr subquery;
  bool lateral = false;
  // kFunction: a table function call (generate_series(1, 3), TUMBLE(bid, ts, INTERVAL '1' s)),
  // stored as a kFunction Expr
  ExprPtr function;
  // kJoin
  JoinType join_type = JoinType::kInner;
  TableRefPtr left;
  TableRefPtr right;
  ExprPtr join_condition;                  // ON
  std::vector<std::string> using_columns;  // USING (...)
  std::string using_alias;                 // USING (...) AS x: qualifies the merged columns
  bool natural = false;
};

struct Statement;

/// One WITH query: a SELECT (query), or a data-modifying INSERT / UPDATE / DELETE (dml) that
/// the engine runs before the statement it belongs to, its RETURNING rows read under `name`.
struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_names;
  SelectPtr query;
  std::shared_ptr<const Statement> dml;  // set instead of query for a data-modifying one
  bool recursive = false;
  int position = 0;
};

struct NamedWindow {
  std::string name;
  std::unique_ptr<WindowSpec> spec;
};

/// A query: a SELECT block, a set operation of two queries, or VALUES; with the ORDER BY /
/// LIMIT / OFFSET / WITH that apply to the whole.
struct SelectStmt {
  enum class Kind : uint8_t { kSelect, kSetOp, kValues };
  Kind kind = Kind::kSelect;
  int position = 0;

  // WITH
  std::vector<CommonTableExpr> ctes;
  bool with_recursive = false;

  // kSelect
  bool distinct = false;
  std::vector<ExprPtr> distinct_on;  // DISTINCT ON (...): distinct is also true
  std::vector<SelectItem> targets;
  std::vector<TableRefPtr> from;  // comma-separated items (implicit cross join)
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<NamedWindow> windows;
  std::string emit_mode;  // "" or "window_close" for EMIT ON WINDOW CLOSE

  // kSetOp
  enum class SetOp : uint8_t { kUnion, kIntersect, kExcept };
  SetOp set_op = SetOp::kUnion;
  bool set_all = false;
  SelectPtr left;
  SelectPtr right;

  // kValues
  std::vector<std::vector<ExprPtr>> values;  // an item is null for DEFAULT: VALUES (1, DEFAULT)

  // whole query
  std::vector<OrderItem> order_by;
  ExprPtr limit;  // LIMIT n / FETCH FIRST n ROWS ONLY; LIMIT ALL leaves it null
  ExprPtr offset;
};

// ---------------------------------------------------------------------------------------------
// Statements

enum class StmtKind : uint8_t {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kMerge,
  kCreateTable,
  kCreateView,  // plain and materialized
  kCreateIndex,
  kCreateSource,
  kCreateSink,
  kDrop,
  kAlterTable,
  kTruncate,
  kTransaction,
  kSet,
  kShow,
  kReset,
  kExplain,
  kCopy,
  kPrepare,
  kExecute,
  kDeallocate,
  kDiscard,
  kSubscribe,
};

struct Statement {
  StmtKind kind;
  int start = 0;  // 0-based byte offsets of the statement in the input text [start, end)
  int end = 0;
  explicit Statement(StmtKind k) : kind(k) {}
  virtual ~Statement() = default;
};
using StatementPtr = std::unique_ptr<Statement>;

struct SelectStatement : Statement {
  SelectPtr query;
  SelectStatement() : Statement(StmtKind::kSelect) {}
};

struct OnConflict {
  std::vector<std::string> target_columns;  // ON CONFLICT (a, b)
  std::string constraint;                   // ON CONFLICT ON CONSTRAINT name
  bool do_nothing = true;
  std::vector<std::pair<std::string, ExprPtr>> set;  // DO UPDATE SET a = excluded.a
  ExprPtr where;
};

struct InsertStatement : Statement {
  std::vector<std::string> table;  // [name] or [schema, name]
  std::string alias;
  std::vector<std::string> columns;
  SelectPtr source;  // VALUES (...) or a query; null for DEFAULT VALUES
  bool default_values = false;
  std::unique_ptr<OnConflict> on_conflict;
  std::vector<SelectItem> returning;
  std::vector<CommonTableExpr> ctes;  // a leading WITH
  bool with_recursive = false;
  InsertStatement() : Statement(StmtKind::kInsert) {}
};

struct UpdateStatement : Statement {
  std::vector<std::string> table;
  std::string alias;
  std::vector<std::pair<std::string, ExprPtr>> set;  // column = expr (expr may be DEFAULT:
                                                     // a kColumnRef named "default"? no: null)
  std::vector<TableRefPtr> from;
  ExprPtr where;
  std::vector<SelectItem> returning;
  std::vector<CommonTableExpr> ctes;  // a leading WITH
  bool with_recursive = false;
  UpdateStatement() : Statement(StmtKind::kUpdate) {}
};

struct DeleteStatement : Statement {
  std::vector<std::string> table;
  std::string alias;
  std::vector<TableRefPtr> using_tables;
  ExprPtr where;
  std::vector<SelectItem> returning;
  std::vector<CommonTableExpr> ctes;  // a leading WITH
  bool with_recursive = false;
  DeleteStatement() : Statement(StmtKind::kDelete) {}
};

/// One WHEN clause of MERGE: the action for a source row that matched a target row (UPDATE,
/// DELETE, DO NOTHING) or matched none (INSERT, DO NOTHING), when `condition` (if any) holds.
struct MergeClause {
  enum class Action : uint8_t { kUpdate, kDelete, kInsert, kNothing };
  bool matched = true;
  ExprPtr condition;
  Action action = Action::kNothing;
  std::vector<std::pair<std::string, ExprPtr>> set;  // kUpdate (null expr: DEFAULT)
  std::vector<std::string> insert_columns;           // kInsert; empty: every column
  std::vector<ExprPtr> insert_values;                // kInsert (null: DEFAULT)
  bool default_values = false;                       // INSERT DEFAULT VALUES
  int position = 0;
};

struct MergeStatement : Statement {
  std::vector<std::string> table;
  std::string alias;
  std::vector<TableRefPtr> source;  // the one USING item
  ExprPtr on;
  std::vector<MergeClause> clauses;
  MergeStatement() : Statement(StmtKind::kMerge) {}
};

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  ExprPtr default_value;
  std::string default_text;  // the DEFAULT expression's source text, for the catalog
  int position = 0;
};

struct WithOption {
  std::string key;    // lower-cased, dotted keys kept whole: "nexmark.table.type"
  std::string value;  // the literal's text (strings unquoted, numbers as written)
};

/// Watermark declaration in CREATE SOURCE/TABLE: WATERMARK FOR column AS expr.
struct WatermarkDef {
  std::string column;
  ExprPtr expr;
  std::string expr_text;  // the expression's source text
};

struct CreateTableStatement : Statement {
  std::vector<std::string> name;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;  // table-level PRIMARY KEY (a, b)
  std::vector<std::vector<std::string>> unique_constraints;
  std::unique_ptr<WatermarkDef> watermark;
  std::vector<WithOption> with_options;
  SelectPtr as_query;  // CREATE TABLE t AS SELECT ...
  CreateTableStatement() : Statement(StmtKind::kCreateTable) {}
};

/// CREATE SOURCE s (cols..., WATERMARK FOR c AS expr) WITH (k = v, ...).
struct CreateSourceStatement : Statement {
  std::vector<std::string> name;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::unique_ptr<WatermarkDef> watermark;
  std::vector<WithOption> with_options;
  CreateSourceStatement() : Statement(StmtKind::kCreateSource) {}
};

struct CreateViewStatement : Statement {
  std::vector<std::string> name;
  bool materialized = false;
  bool if_not_exists = false;
  bool or_replace = false;
  bool temporary = false;
  std::vector<std::string> column_names;
  SelectPtr query;
  std::string query_text;  // the query's source text
  std::vector<WithOption> with_options;
  CreateViewStatement() : Statement(StmtKind::kCreateView) {}
};

/// CREATE SINK name [FROM rel | AS query] WITH (...).
struct CreateSinkStatement : Statement {
  std::vector<std::string> name;
  bool if_not_exists = false;
  std::vector<std::string> from;
  SelectPtr query;
  std::string query_text;  // the query's source text
  std::vector<WithOption> with_options;
  CreateSinkStatement() : Statement(StmtKind::kCreateSink) {}
};

struct CreateIndexStatement : Statement {
  std::string name;
  std::vector<std::string> table;
  std::vector<OrderItem> columns;
  bool unique = false;
  bool if_not_exists = false;
  CreateIndexStatement() : Statement(StmtKind::kCreateIndex) {}
};

enum class ObjectKind : uint8_t {
  kTable,
  kView,
  kMaterializedView,
  kIndex,
  kSource,
  kSink,
  kSchema
};

struct DropStatement : Statement {
  ObjectKind object = ObjectKind::kTable;
  std::vector<std::vector<std::string>> names;
  bool if_exists = false;
  bool cascade = false;
  DropStatement() : Statement(StmtKind::kDrop) {}
};

struct AlterTableStatement : Statement {
  enum class Action : uint8_t { kAddColumn, kDropColumn, kRenameColumn, kRenameTable };
  std::vector<std::string> table;
  bool if_exists = false;
  Action action = Action::kAddColumn;
  ColumnDef column;            // kAddColumn
  bool if_not_exists = false;  // ADD COLUMN IF NOT EXISTS
  std::string column_name;     // kDropColumn / kRenameColumn (old name)
  bool column_if_exists = false;
  std::string new_name;  // kRenameColumn / kRenameTable
  bool cascade = false;
  AlterTableStatement() : Statement(StmtKind::kAlterTable) {}
};

struct TruncateStatement : Statement {
  std::vector<std::vector<std::string>> tables;
  TruncateStatement() : Statement(StmtKind::kTruncate) {}
};

struct TransactionStatement : Statement {
  enum class Kind : uint8_t {
    kBegin,
    kCommit,
    kRollback,
    kSavepoint,
    kRelease,
    kRollbackToSavepoint
  };
  Kind txn_kind = Kind::kBegin;
  std::string savepoint;
  // kBegin: the transaction modes, lower-cased, one per mode: "isolation level serializable",
  // "read only", "read write", "deferrable", "not deferrable"
  std::vector<std::string> modes;
  TransactionStatement() : Statement(StmtKind::kTransaction) {}
};

/// SET [SESSION | LOCAL] name {TO | =} value[, ...] | DEFAULT; SET TIME ZONE x; also
/// SET SESSION CHARACTERISTICS AS TRANSACTION ... (name "transaction_characteristics").
struct SetStatement : Statement {
  std::string name;  // lower-cased; dotted names kept ("freshet.read_mode"); TIME ZONE -> timezone
  std::vector<std::string> values;  // literal texts (strings unquoted), identifiers as written
  bool is_default = false;
  bool local = false;
  SetStatement() : Statement(StmtKind::kSet) {}
};

/// SHOW name | SHOW ALL | SHOW TABLES | SHOW SOURCES | SHOW MATERIALIZED VIEWS | SHOW VIEWS |
/// SHOW CREATE {TABLE|VIEW|MATERIALIZED VIEW|SOURCE} name | SHOW TRANSACTION ISOLATION LEVEL.
struct ShowStatement : Statement {
  std::string name;  // lower-cased: "tables", "sources", "materialized views", "create", "all",
                     // "transaction_isolation", or a parameter name
  ObjectKind create_object = ObjectKind::kTable;  // SHOW CREATE <kind>
  std::vector<std::string> object_name;
  ShowStatement() : Statement(StmtKind::kShow) {}
};

struct ResetStatement : Statement {
  std::string name;  // "all" for RESET ALL
  ResetStatement() : Statement(StmtKind::kReset) {}
};

struct ExplainStatement : Statement {
  StatementPtr statement;
  bool analyze = false;
  bool verbose = false;
  ExplainStatement() : Statement(StmtKind::kExplain) {}
};

struct CopyStatement : Statement {
  std::vector<std::string> table;  // empty when copying a query
  std::vector<std::string> columns;
  SelectPtr query;         // COPY (query) TO STDOUT
  bool subscribe = false;  // COPY (SUBSCRIBE TO v) TO STDOUT
  std::vector<std::string> subscribe_target;
  bool from = true;                 // FROM STDIN (true) or TO STDOUT (false)
  std::vector<WithOption> options;  // format, header, delimiter, null, quote, escape
  CopyStatement() : Statement(StmtKind::kCopy) {}
};

struct SubscribeStatement : Statement {
  std::vector<std::string> target;
  SelectPtr query;
  SubscribeStatement() : Statement(StmtKind::kSubscribe) {}
};

struct PrepareStatement : Statement {
  std::string name;
  std::vector<TypeName> param_types;
  StatementPtr statement;
  PrepareStatement() : Statement(StmtKind::kPrepare) {}
};

struct ExecuteStatement : Statement {
  std::string name;
  std::vector<ExprPtr> params;
  ExecuteStatement() : Statement(StmtKind::kExecute) {}
};

struct DeallocateStatement : Statement {
  std::string name;  // empty with all = true
  bool all = false;
  DeallocateStatement() : Statement(StmtKind::kDeallocate) {}
};

struct DiscardStatement : Statement {
  DiscardStatement() : Statement(StmtKind::kDiscard) {}
};

}  // namespace freshet::parser
