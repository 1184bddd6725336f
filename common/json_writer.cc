#include "common/json_writer.h"

#include <cmath>

namespace freshet {

void AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const Value& v, std::string* out) {
  if (v.is_null()) {
    out->append("null");
    return;
  }
  const SqlType& t = v.type();
  if (t.id == TypeId::kBool) {
    out->append(v.GetBool() ? "true" : "false");
  } else if (t.IsInteger() || t.id == TypeId::kNumeric) {
    std::string text = v.ToText();
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
      AppendJsonString(text, out);
    } else {
      out->append(text);
    }
  } else if (t.IsFloat()) {
    double d = v.GetDouble();
    if (std::isfinite(d)) {
      out->append(v.ToText());
    } else {
      AppendJsonString(v.ToText(), out);
    }
  } else if (t.id == TypeId::kJsonb) {
    out->append(v.ToText());
  } else {
    AppendJsonString(v.ToText(), out);
  }
}

void AppendJsonObject(const std::vector<std::string>& names, const Row& row, std::string* out,
                      const std::vector<int>& columns) {
  out->push_back('{');
  size_t n = columns.empty() ? row.size() : columns.size();
  for (size_t i = 0; i < n; i++) {
    size_t c = columns.empty() ? i : static_cast<size_t>(columns[i]);
    if (i) out->append(", ");
    AppendJsonString(names[c], out);
    out->append(": ");
    AppendJsonValue(row[c], out);
  }
  out->push_back('}');
}

}  // namespace freshet
