#pragma once

#include "common/status.h"
#include "common/value.h"
#include "function/eval_context.h"

namespace freshet::function {

/// Where a cast happens, as in pg_cast.castcontext: implicitly in expressions, in assignment
/// (INSERT/UPDATE), or only when written explicitly.
enum class CastContext : uint8_t { kImplicit, kAssignment, kExplicit };

/// True when PostgreSQL would allow a cast from `from` to `to` in `context`.
bool CanCast(SqlType from, SqlType to, CastContext context);

/// Rank of a numeric type in PostgreSQL's numeric promotion order (int2 < int4 < int8 < numeric
/// < float4 < float8), or -1 for non-numeric types.
int NumericRank(TypeId id);

/// Converts `v` to `to` with PostgreSQL semantics (range checks -> 22003, bad text -> 22P02,
/// typmods applied). `explicit_cast` selects truncation (rather than an error) for
/// varchar(n)/char(n).
Result<Value> CastValue(const Value& v, SqlType to, const EvalContext& ctx,
                        bool explicit_cast = true);

}  // namespace freshet::function
