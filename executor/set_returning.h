#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "function/eval_context.h"

namespace freshet::executor {

/// The values one call of a set-returning function gives, appended to `out` in order:
/// generate_series(start, stop [, step]) over integers, numerics and timestamps (`type` is the
/// series' type), unnest(array text) as untyped elements. NULL arguments give no values; a zero
/// step is 22023. `check` runs every 64K values (cancellation, timeouts). Shared by the batch
/// executor and TableFunctionOp so both expand identically.
Status ExpandSetReturning(const std::string& name, SqlType type, const std::vector<Value>& args,
                          const function::EvalContext& eval, const std::function<Status()>& check,
                          std::vector<Value>* out);

}  // namespace freshet::executor
