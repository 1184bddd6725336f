#pragma once

#include <optional>
#include <string>

#include "common/value.h"
#include "planner/catalog.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

class Executor;

/// What a WHERE condition fixes of a relation's primary-key order: the leading key columns it
/// sets by equalities, and bounds on the next key column. Rows outside are certain not to match;
/// rows inside still have the whole condition tested.
struct KeyBounds {
  Row equal;  // values of the first equal.size() key columns, in key order
  /// Bounds on key column equal.size() (none once `equal` covers the key).
  std::optional<Value> lower, upper;
  bool lower_inclusive = true;
  bool upper_inclusive = true;
};

/// The key bounds of `pred` over rows of `table` (column types `types`): conjuncts
/// `key_col op value` with op = < <= > >= and a value of the column's own type that needs no row
/// (constants, parameters, stable functions of them), either way around. Nullopt when the
/// condition restricts no leading key column, or a bound is NULL.
std::optional<KeyBounds> KeyBoundsFromPredicate(const planner::TableDef& table,
                                                const std::vector<SqlType>& types,
                                                const planner::BoundExpr& pred, Executor& exec);

/// The key bounds of `pred` over the key columns `key` (column indexes, in key order).
std::optional<KeyBounds> KeyBoundsOver(const std::vector<int>& key,
                                       const std::vector<SqlType>& types,
                                       const planner::BoundExpr& pred, Executor& exec);

/// The range of encoded keys [begin, end) under `prefix` (the encoded values of the fixed
/// leading key columns) that `bounds`' limits on the next key column leave.
void KeyRange(const std::string& prefix, const KeyBounds& bounds, std::string* begin,
              std::string* end);

/// How a filtered scan of a table reads its rows: the whole table, a primary-key point or
/// range, or a UNIQUE constraint's or secondary index's point or range (its entries lead to the
/// rows' keys). The index fixing the most leading columns by equality wins; a point read on a
/// unique key beats any range; the primary key wins ties.
struct AccessPath {
  enum class Kind { kFullScan, kPrimaryKey, kIndex };
  Kind kind = Kind::kFullScan;
  KeyBounds bounds;
  uint64_t space = 0;        // the key space read: the table's id or the index's
  bool unique = false;       // kIndex: entries without the row key appended
  std::vector<int> columns;  // the key columns (primary key or index)
  std::string name;          // "t_pkey", the constraint's or the index's name
  /// Every key column fixed by an equality on a unique key: at most one row.
  bool point() const {
    return kind != Kind::kFullScan && unique && bounds.equal.size() == columns.size();
  }
  /// EXPLAIN's words: "Index Scan using t_b_idx on t (b = 5)", "Seq Scan on t".
  std::string Describe(const planner::TableDef& table) const;
};
AccessPath ChooseAccessPath(const planner::TableDef& table, const std::vector<SqlType>& types,
                            const planner::BoundExpr* pred, Executor& exec);

/// The values of every primary-key column (in key order) `pred` fixes by equalities, or nullopt.
std::optional<Row> KeyFromPredicate(const planner::TableDef& table,
                                    const std::vector<SqlType>& types,
                                    const planner::BoundExpr& pred, Executor& exec);

}  // namespace freshet::executor
