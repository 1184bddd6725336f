#include "common/record.h"

namespace freshet {

namespace {

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || c == ' ' || c == '\t' ||
        c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      return true;
    }
  }
  return false;
}

Status Malformed(std::string_view text) {
  return Status::Error(sqlstate::kInvalidTextRepresentation,
                       "malformed record literal: \"" + std::string(text) + "\"");
}

}  // namespace

void RecordText::AppendField(std::string* out, std::optional<std::string_view> field, bool first) {
  if (!first) out->push_back(',');
  if (!field) return;
  if (!NeedsQuotes(*field)) {
    out->append(*field);
    return;
  }
  out->push_back('"');
  for (char c : *field) {
    if (c == '"' || c == '\\') out->push_back(c);
    out->push_back(c);
  }
  out->push_back('"');
}

std::string RecordText::Format(const Value* fields, size_t n, const TextFormatOptions& opts) {
  std::string out = "(";
  std::string field;
  for (size_t i = 0; i < n; i++) {
    if (fields[i].is_null()) {
      AppendField(&out, std::nullopt, i == 0);
      continue;
    }
    field.clear();
    fields[i].AppendText(&field, opts);
    AppendField(&out, field, i == 0);
  }
  out.push_back(')');
  return out;
}

Result<std::vector<std::optional<std::string>>> RecordText::Parse(std::string_view text) {
  std::vector<std::optional<std::string>> fields;
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return Malformed(text);
  size_t i = 1, end = text.size() - 1;
  while (true) {
    // One field: up to the next unquoted comma or the closing parenthesis.
    std::string field;
    bool quoted_any = false;
    while (i < end && text[i] != ',') {
      if (text[i] == '"') {
        quoted_any = true;
        i++;
        while (true) {
          if (i >= end) return Malformed(text);
          char c = text[i];
          if (c == '"' && i + 1 < end && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
          } else if (c == '"') {
            i++;
            break;
          } else if (c == '\\') {
            if (i + 1 >= end) return Malformed(text);
            field.push_back(text[i + 1]);
            i += 2;
          } else {
            field.push_back(c);
            i++;
          }
        }
      } else if (text[i] == '\\') {
        if (i + 1 >= end) return Malformed(text);
        field.push_back(text[i + 1]);
        i += 2;
      } else {
        field.push_back(text[i++]);
      }
    }
    if (field.empty() && !quoted_any) {
      fields.emplace_back(std::nullopt);
    } else {
      fields.emplace_back(std::move(field));
    }
    if (i >= end) break;
    i++;  // the comma
  }
  return fields;
}

}  // namespace freshet
