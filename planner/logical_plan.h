#pragma once

// Bound expressions and the logical plan: what the binder produces from the AST and what both
// the batch executor and (later) the stream planner consume.

#include <memory>
#include <string>
#include <vector>

#include "common/value.h"
#include "function/aggregate_function.h"
#include "function/scalar_function.h"
#include "planner/catalog.h"

namespace freshet::planner {

struct LogicalPlan;
struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;
using PlanPtr = std::unique_ptr<LogicalPlan>;

enum class BoundExprKind : uint8_t {
  kConstant,     // constant
  kColumn,       // column of the input row
  kOuterColumn,  // column of an enclosing query's row: depth levels out (1 = nearest)
  kParam,        // $n (param_index, 1-based)
  kFunction,     // function(children...)
  kCast,         // children[0] cast to type
  kCompare,      // children[0] op children[1]; op in = <> < > <= >=
  kAnd,          // all children (n-ary)
  kOr,
  kNot,
  kIsNull,      // negated: IS NOT NULL
  kIsDistinct,  // negated: IS NOT DISTINCT FROM
  kBoolTest,    // IS [NOT] TRUE/FALSE/UNKNOWN: bool_test, negated
  kCase,        // children: when, then, when, then, ..., [else] (has_else)
  kInList,      // children[0] IN (children[1..]); negated
  kSubquery,    // subquery_kind over plan; children[0] is the IN/ANY/ALL left operand
  kCoalesce,
  kNullIf,
  kGreatest,
  kLeast,
  kArrayCompare,  // children[0] op ANY/ALL (children[1], an array in text form);
                  // subquery_kind kAny or kAll
};

enum class SubqueryKind : uint8_t { kScalar, kExists, kIn, kAny, kAll, kArray };

/// A type-checked expression over an input row.
struct BoundExpr {
  BoundExprKind kind;
  SqlType type;
  Value constant;
  int column = -1;
  int depth = 0;
  int param_index = 0;
  function::BoundFunction function;
  std::string op;
  bool negated = false;
  bool has_else = false;
  bool explicit_cast = true;
  uint8_t bool_test = 0;  // 0 TRUE, 1 FALSE, 2 UNKNOWN
  std::vector<BoundExprPtr> children;
  // kSubquery
  SubqueryKind subquery_kind = SubqueryKind::kScalar;
  std::shared_ptr<LogicalPlan> plan;
  bool correlated = false;

  BoundExpr(BoundExprKind k, SqlType t) : kind(k), type(t) {}
  /// Structural equality (used to match GROUP BY expressions and ORDER BY items).
  bool Equals(const BoundExpr& o) const;
  /// Deep copy (subquery plans are shared).
  BoundExprPtr Clone() const;
  /// True when the expression (outside nested subqueries) references an enclosing query.
  bool HasOuterReference(int min_depth = 1) const;
  /// Debug rendering for EXPLAIN.
  std::string ToString() const;
};

BoundExprPtr MakeConstant(Value v);
BoundExprPtr MakeColumn(int index, SqlType type);

/// One aggregate call in an Aggregate node.
struct AggregateCall {
  function::BoundAggregate agg;
  BoundExprPtr arg;  // null for count(*)
  BoundExprPtr sep;  // string_agg separator
  bool distinct = false;
  BoundExprPtr filter;
  std::vector<std::pair<BoundExprPtr, bool>> order_by;  // (expr, descending) for string_agg
};

struct SortKey {
  BoundExprPtr expr;
  bool descending = false;
  bool nulls_first = false;
};

/// A window function call in a Window node.
struct WindowCall {
  std::string name;  // row_number, rank, dense_rank, lag, lead, first_value, last_value,
                     // ntile, percent_rank, cume_dist, or an aggregate name
  bool is_aggregate = false;
  function::BoundAggregate agg;
  std::vector<BoundExprPtr> args;
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  SqlType type;
  // Frame
  bool has_frame = false;
  bool rows_mode = false;  // ROWS vs RANGE
  int start_kind = 0;      // 0 unbounded preceding, 1 n preceding, 2 current, 3 n following,
  int end_kind = 2;        // 4 unbounded following
  int64_t start_offset = 0;
  int64_t end_offset = 0;
};

enum class PlanKind : uint8_t {
  kScan,           // table rows (table)
  kValues,         // rows of expressions (values); zero columns + one row = SELECT without FROM
  kFilter,         // predicate
  kProject,        // exprs
  kAggregate,      // groups then aggregates
  kJoin,           // join_type, condition over left ++ right
  kSort,           // sort_keys
  kLimit,          // limit / offset expressions
  kDistinct,       // distinct_keys: empty = whole row; else DISTINCT ON (keeps the first row)
  kSetOp,          // set_op, set_all
  kWindow,         // window_calls appended to input columns
  kTableFunction,  // generate_series(args)
  kWindowTvf,      // TUMBLE / HOP / CUMULATE / SESSION over children[0] (window)
};

/// A window table-valued function: the input's columns plus window_start and window_end, one
/// output row per window a row falls in. Sizes are fixed lengths in microseconds.
struct WindowSpec {
  enum class Kind : uint8_t { kTumble, kHop, kCumulate, kSession };
  Kind kind = Kind::kTumble;
  int time_column = -1;
  int64_t size = 0;       // tumble / hop size; cumulate max size
  int64_t slide = 0;      // hop slide; cumulate step
  int64_t offset = 0;     // window alignment
  int64_t gap = 0;        // session gap
  std::vector<int> keys;  // session: the columns sessions are kept per

  /// The start of the tumbling (or cumulate) window of size `size` holding `ts`.
  int64_t AlignedStart(int64_t ts, int64_t width) const {
    int64_t d = ts - offset;
    int64_t q = d / width;
    if (d % width != 0 && d < 0) q--;
    return q * width + offset;
  }
  /// The (start, end) of every window that holds `ts`, in increasing start order (not for
  /// sessions).
  void Windows(int64_t ts, std::vector<std::pair<int64_t, int64_t>>* out) const;
  std::string ToString() const;
};

enum class JoinKind : uint8_t { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti };
enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

/// A node of the logical plan. Output columns: types/names.
struct LogicalPlan {
  PlanKind kind;
  std::vector<SqlType> types;
  std::vector<std::string> names;
  std::vector<PlanPtr> children;

  std::shared_ptr<const TableDef> table;          // kScan
  std::vector<std::vector<BoundExprPtr>> values;  // kValues
  BoundExprPtr predicate;                         // kFilter, kJoin condition
  std::vector<BoundExprPtr> exprs;                // kProject, kAggregate groups,
                                                  // kDistinct keys, kTableFunction args
  std::vector<AggregateCall> aggregates;          // kAggregate
  JoinKind join_kind = JoinKind::kInner;          // kJoin
  /// kJoin: the right side is a table read FOR SYSTEM_TIME AS OF PROCTIME(): each left row is
  /// enriched with the table's current rows when it arrives (a lookup join).
  bool lookup_join = false;
  /// kJoin: LATERAL — the right side is evaluated once per left row, and its outer references of
  /// depth 1 read that row (a dependent join; planner/lateral.h unnests the shapes it can).
  bool lateral = false;
  std::vector<SortKey> sort_keys;  // kSort
  BoundExprPtr limit;              // kLimit
  BoundExprPtr offset;
  SetOpKind set_op = SetOpKind::kUnion;  // kSetOp
  bool set_all = false;
  std::vector<WindowCall> window_calls;  // kWindow
  std::string function_name;             // kTableFunction
  bool ordinality = false;  // kTableFunction WITH ORDINALITY: a bigint 1, 2, ... after the value
  WindowSpec window;        // kWindowTvf
  bool system_relation = false;  // kValues built from the catalog (pg_catalog, ...): a snapshot
  /// kScan under a filter: how the executor reads the rows ("Index Scan using t_b_idx on t
  /// (b = 5)"), set for EXPLAIN only; empty: "Scan t".
  std::string access;

  explicit LogicalPlan(PlanKind k) : kind(k) {}
  /// EXPLAIN rendering, indented.
  std::string ToString(int indent = 0) const;
};

}  // namespace freshet::planner
