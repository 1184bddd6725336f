#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "common/stream_chunk.h"
#include "common/vector.h"
#include "function/eval_context.h"
#include "planner/logical_plan.h"

namespace freshet::executor {

/// Rows of a chunk an expression is evaluated on: ascending row indexes.
using Selection = std::vector<uint32_t>;

class ExprNode;

/// A bound expression compiled for evaluation over chunks, a column at a time. Evaluation follows
/// the batch engine exactly, errors included: AND/OR stop at the first deciding operand, CASE and
/// COALESCE evaluate a branch only on the rows that reach it, strict functions skip rows with a
/// NULL argument before evaluating the next argument — each node works on the selection of rows
/// that the row-at-a-time engine would evaluate it for. Common kernels (integer, float and numeric
/// arithmetic, comparisons, boolean logic, casts between numeric types) run as tight loops; other
/// functions are called per row through their scalar implementation. Not thread-safe: an
/// evaluator owns its result buffers.
class ExpressionEvaluator {
 public:
  ~ExpressionEvaluator();
  /// Compiles `e`; 0A000 for expressions a dataflow cannot evaluate (subqueries, parameters,
  /// outer references). `ctx` must outlive the evaluator.
  static Result<std::unique_ptr<ExpressionEvaluator>> Compile(const planner::BoundExpr& e,
                                                              const function::EvalContext& ctx);

  /// Evaluates over every row of `input`; the result has input.size() rows and stays valid until
  /// the next call.
  Result<const Vector*> Evaluate(const StreamChunk& input);
  /// Evaluates over the rows in `rows`; slots of other rows are unspecified.
  Result<const Vector*> Evaluate(const StreamChunk& input, const Selection& rows);
  /// Evaluates a predicate and returns the rows where it is TRUE (NULL counts as false).
  Status Select(const StreamChunk& input, Selection* selected);

  const SqlType& type() const;

 private:
  explicit ExpressionEvaluator(std::unique_ptr<ExprNode> root);
  std::unique_ptr<ExprNode> root_;
  Selection all_;
};

/// Evaluates a list of expressions into the columns of an output chunk (a projection).
class ProjectionEvaluator {
 public:
  static Result<std::unique_ptr<ProjectionEvaluator>> Compile(
      const std::vector<const planner::BoundExpr*>& exprs, const function::EvalContext& ctx);
  /// Fills `out` (initialized with the expressions' types) with the projected rows of `input`,
  /// keeping weights. Column references are copied, other expressions evaluated.
  Status Project(const StreamChunk& input, StreamChunk* out);
  std::vector<SqlType> types() const;
  /// Per output column: the input column it copies, or -1.
  const std::vector<int>& column_refs() const { return columns_; }

 private:
  std::vector<std::unique_ptr<ExpressionEvaluator>> exprs_;
  std::vector<int> columns_;  // >= 0: plain column reference
  std::vector<SqlType> types_;
};

}  // namespace freshet::executor
