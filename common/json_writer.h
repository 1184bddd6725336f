#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"

namespace freshet {

/// Appends `s` as a JSON string literal (quotes, backslashes and control characters escaped).
void AppendJsonString(std::string_view s, std::string* out);

/// Appends a value as JSON: null, true/false, integers and numerics as numbers, finite floats
/// as numbers, jsonb as its own text, everything else as the string of its PostgreSQL text form.
void AppendJsonValue(const Value& v, std::string* out);

/// Appends {"name": value, ...} for the columns `columns` of `row` (every column when empty).
void AppendJsonObject(const std::vector<std::string>& names, const Row& row, std::string* out,
                      const std::vector<int>& columns = {});

}  // namespace freshet
