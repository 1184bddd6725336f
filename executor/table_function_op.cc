#include "executor/table_function_op.h"

#include "executor/set_returning.h"

namespace freshet::executor {

Result<std::unique_ptr<TableFunctionOp>> TableFunctionOp::Make(
    EpochContext& ctx, std::string function, SqlType type,
    const std::vector<const planner::BoundExpr*>& args, std::vector<SqlType> output_types,
    const function::EvalContext& eval, bool ordinality) {
  ASSIGN_OR_RETURN(auto projection, ProjectionEvaluator::Compile(args, eval));
  auto op = std::unique_ptr<TableFunctionOp>(new TableFunctionOp(
      ctx, std::move(function), type, std::move(projection), std::move(output_types), eval));
  op->ordinality_ = ordinality;
  return op;
}

TableFunctionOp::TableFunctionOp(EpochContext& ctx, std::string function, SqlType type,
                                 std::unique_ptr<ProjectionEvaluator> args,
                                 std::vector<SqlType> output_types,
                                 const function::EvalContext& eval)
    : StreamOperator(ctx, 1),
      function_(std::move(function)),
      type_(type),
      args_(std::move(args)),
      eval_(eval) {
  arg_values_.Init(args_->types());
  out_.Init(output_types);
}

Status TableFunctionOp::Push(int, StreamChunk& chunk) {
  RETURN_IF_ERROR(args_->Project(chunk, &arg_values_));
  out_.Reset();
  // A dataflow has no statement timeout: one row's expansion is bounded instead (the check runs
  // every 64K values), so a huge series fails the view with 54000 rather than exhausting memory.
  auto bounded = [this] {
    if (values_.size() >= kMaxValuesPerRow) {
      return Status::Error(sqlstate::kProgramLimitExceeded,
                           function_ + " gave more than " + std::to_string(kMaxValuesPerRow) +
                               " rows for one input row in a materialized view");
    }
    return Status::OK();
  };
  for (size_t i = 0; i < chunk.size(); i++) {
    call_args_.clear();
    for (size_t a = 0; a < arg_values_.column_count(); a++) {
      call_args_.push_back(arg_values_.column(a).GetValue(i));
    }
    values_.clear();
    RETURN_IF_ERROR(ExpandSetReturning(function_, type_, call_args_, eval_, bounded, &values_));
    int64_t ordinal = 0;
    for (Value& v : values_) {
      Value extra[2] = {std::move(v), Value::Int64(++ordinal)};
      out_.AppendRowWith(chunk, i, extra, ordinality_ ? 2 : 1, chunk.weight(i));
      if (out_.full()) {
        RETURN_IF_ERROR(Emit(out_));
        out_.Reset();
      }
    }
  }
  return Emit(out_);
}

}  // namespace freshet::executor
