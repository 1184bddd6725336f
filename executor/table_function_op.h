#pragma once

#include <memory>
#include <string>
#include <vector>

#include "executor/expression_evaluator.h"
#include "executor/stream_operator.h"

namespace freshet::executor {

/// A set-returning function over each change's row (generate_series, unnest in a select list,
/// or LATERAL in FROM): the row once per value the function gives for its arguments, the value
/// appended, the change's weight kept — a retraction retracts exactly the rows its insertion
/// produced, since the expansion is a pure function of the row. Linear: no state.
class TableFunctionOp : public StreamOperator {
 public:
  /// `args` are evaluated over the input row; `type` is the function's value column's.
  static Result<std::unique_ptr<TableFunctionOp>> Make(
      EpochContext& ctx, std::string function, SqlType type,
      const std::vector<const planner::BoundExpr*>& args, std::vector<SqlType> output_types,
      const function::EvalContext& eval, bool ordinality);
  /// The most values one input row may expand to (54000 beyond).
  static constexpr size_t kMaxValuesPerRow = 1 << 22;
  Status Push(int port, StreamChunk& chunk) override;
  std::string Describe() const override { return "TableFunction " + function_ + "  (stateless)"; }

 protected:
  /// The input's columns pass through unchanged, and with them their watermarks.
  Status OnWatermark(int, int column, int64_t value) override {
    return EmitWatermark(column, value);
  }

 private:
  TableFunctionOp(EpochContext& ctx, std::string function, SqlType type,
                  std::unique_ptr<ProjectionEvaluator> args, std::vector<SqlType> output_types,
                  const function::EvalContext& eval);

  std::string function_;
  SqlType type_;
  bool ordinality_ = false;  // WITH ORDINALITY: 1, 2, ... per input row after the value
  std::unique_ptr<ProjectionEvaluator> args_;
  const function::EvalContext& eval_;
  StreamChunk arg_values_;
  StreamChunk out_;
  std::vector<Value> call_args_;
  std::vector<Value> values_;
};

}  // namespace freshet::executor
