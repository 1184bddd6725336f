#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/value.h"

namespace freshet {

/// PostgreSQL's text form of anonymous composite values (record_out / record_in's grammar):
/// `(f1,f2,...)`, a NULL field empty, a field double-quoted when it is empty or holds a quote,
/// backslash, parenthesis, comma or white space, with `"` and `\` doubled inside the quotes.
/// Freshet holds a record Value (TypeId::kRecord) in exactly this form.
class RecordText {
 public:
  /// The record of `fields`, each printed by its type's output function under `opts`.
  static std::string Format(const Value* fields, size_t n, const TextFormatOptions& opts);
  /// Appends one field's text (nullopt for NULL) with the quoting above; `first` omits the comma.
  static void AppendField(std::string* out, std::optional<std::string_view> field, bool first);
  /// Splits a record's text into its fields (nullopt for NULL); 22P02 when it is malformed.
  static Result<std::vector<std::optional<std::string>>> Parse(std::string_view text);
};

}  // namespace freshet
