#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"
#include "function/eval_context.h"

namespace freshet::function {

/// Implementation of a scalar function or operator over already-cast arguments.
using ScalarFn = Result<Value> (*)(const Value* args, size_t n, const EvalContext& ctx);

/// A function or operator resolved for concrete argument types.
struct BoundFunction {
  std::string name;
  SqlType return_type;
  std::vector<SqlType> arg_types;  // the binder casts each argument to these types
  ScalarFn fn = nullptr;
  bool strict = true;        // any NULL argument gives NULL without calling fn
  bool is_volatile = false;  // random(), clock_timestamp(): never constant-folded
};

/// Resolves a function or operator by name ("lower", "+", "||", "~~" for LIKE, "neg" for unary
/// minus, ...) and argument types, applying PostgreSQL's implicit-cast rules. Returns 42883 with
/// PostgreSQL's message ("function f(integer) does not exist" / "operator does not exist: ...")
/// when nothing matches.
Result<BoundFunction> ResolveScalarFunction(std::string_view name,
                                            const std::vector<SqlType>& arg_types);

/// ROW(f1, f2, ...): the record of its arguments (of `field_types`, NULLs kept), in the text form
/// RecordText describes. Not a pg_proc entry: the binder builds it for row constructors and
/// whole-row references.
BoundFunction RecordFunction(std::vector<SqlType> field_types);

/// True when `name` names a known scalar function (used for error messages and lookups).
bool IsScalarFunction(std::string_view name);

/// One registered overload of a scalar function or operator, as pg_proc and pg_operator list it.
/// An argument of type kUnknown accepts any type (polymorphic).
struct FunctionSignature {
  std::string name;
  std::vector<SqlType> arg_types;
  SqlType return_type;
  bool variadic = false;
  bool is_volatile = false;
  bool is_operator = false;  // "+", "||", ...: called with infix or prefix syntax
};

/// Every registered overload, ordered by name and then registration, so that a position in the
/// list is stable for a given build (the catalog derives OIDs from it). Internal names that SQL
/// cannot spell ("neg", "~~" for LIKE) are left out.
const std::vector<FunctionSignature>& ListScalarFunctions();

/// Arrays are carried in PostgreSQL's text form ('{a,b,NULL,"x y"}', typed text) until Freshet
/// has an array type: enough for ARRAY(subquery), ARRAY[...], = ANY(array) and
/// array_to_string, which client catalog queries use.
std::vector<std::optional<std::string>> ParseArrayLiteral(std::string_view text);
std::string FormatArrayLiteral(const std::vector<std::optional<std::string>>& elems);

/// LIKE matching with PostgreSQL's escape rules ('\' by default); case_insensitive for ILIKE.
Result<bool> LikeMatch(std::string_view text, std::string_view pattern, char escape,
                       bool case_insensitive);

/// POSIX regular-expression match (~, ~*): 2201B on an invalid pattern.
Result<bool> RegexMatch(std::string_view text, std::string_view pattern, bool case_insensitive);

}  // namespace freshet::function
