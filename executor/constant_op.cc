#include "executor/constant_op.h"

#include "executor/executor.h"

namespace freshet::executor {

Result<size_t> ConstantOp::Poll(size_t) {
  if (!pending_) return 0;
  pending_ = false;
  ExecContext ctx;
  Executor exec(ctx);
  ASSIGN_OR_RETURN(RowSet rows, exec.Execute(plan_));
  StreamChunk chunk(plan_.types);
  for (const Row& r : rows) {
    chunk.AppendValues(r, 1);
    if (chunk.full()) {
      RETURN_IF_ERROR(Emit(chunk));
      chunk.Reset();
    }
  }
  RETURN_IF_ERROR(Emit(chunk));
  return rows.size();
}

}  // namespace freshet::executor
