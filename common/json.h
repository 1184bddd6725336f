#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace freshet {

/// A parsed JSON document, used for jsonb: parse text, navigate, and print in jsonb's normalized
/// form (object keys sorted by length then bytes, duplicate keys keep the last, ", " and ": "
/// separators, numbers kept as their text).
class Json {
 public:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  /// Parses JSON text; 22P02 "invalid input syntax for type json" on error.
  static Result<Json> Parse(std::string_view text);
  /// Parses and re-prints in normalized jsonb form.
  static Result<std::string> Normalize(std::string_view text);

  Kind kind() const { return kind_; }
  /// Member of an object by key, or nullptr.
  const Json* Field(std::string_view key) const;
  /// Element of an array (negative counts from the end), or nullptr.
  const Json* Element(int64_t index) const;
  size_t size() const { return kind_ == Kind::kObject ? members_.size() : elements_.size(); }
  /// jsonb text output of this node.
  std::string ToString() const;
  /// ->> semantics: a string's unquoted text, null as SQL NULL (returns false), else ToString.
  bool ToText(std::string* out) const;
  const std::string& scalar() const { return scalar_; }

 private:
  void Print(std::string* out) const;
  friend class JsonParser;

  Kind kind_ = Kind::kNull;
  std::string scalar_;  // number text, string value, "true"/"false"
  std::vector<Json> elements_;
  std::vector<std::pair<std::string, Json>> members_;  // sorted by (length, bytes)
};

}  // namespace freshet
