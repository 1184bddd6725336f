#include "sqllogictest/result_formatter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "common/md5.h"

namespace freshet::slt {
namespace {

constexpr size_t kMaxRenderedRows = 30;

bool IsIntegerText(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// The numeric prefix of `s` as a double (0 when there is none), like SQLite's text-to-number
// conversion. Booleans from PostgreSQL (t/f) count as 1/0.
double NumericValue(const std::string& s) {
  if (s == "t" || s == "true") return 1;
  if (s == "f" || s == "false") return 0;
  const char* begin = s.c_str();
  char* end = nullptr;
  double d = std::strtod(begin, &end);
  if (end == begin || std::isnan(d)) return 0;
  return d;
}

std::string FormatInteger(const std::string& s) {
  if (IsIntegerText(s)) return s[0] == '+' ? s.substr(1) : s;
  double d = NumericValue(s);
  long long v;
  if (d >= 9223372036854775807.0) {
    v = 9223372036854775807LL;
  } else if (d <= -9223372036854775807.0 - 1) {
    v = -9223372036854775807LL - 1;
  } else {
    v = static_cast<long long>(d);  // truncates toward zero
  }
  return std::to_string(v);
}

std::string FormatReal(const std::string& s) {
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.3f", NumericValue(s));
  return buf;
}

std::string FormatText(const std::string& s) {
  if (s.empty()) return "(empty)";
  std::string out = s;
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '@';
  }
  return out;
}

}  // namespace

std::string ResultFormatter::FormatValue(char type, const std::optional<std::string>& raw) {
  if (!raw.has_value()) return "NULL";
  switch (type) {
    case 'I':
      return FormatInteger(*raw);
    case 'R':
      return FormatReal(*raw);
    default:
      return FormatText(*raw);
  }
}

std::vector<std::string> ResultFormatter::FormatRows(const std::string& types,
                                                     const QueryResult& result) {
  std::vector<std::string> values;
  values.reserve(result.rows.size() * types.size());
  for (const auto& row : result.rows) {
    for (size_t c = 0; c < types.size() && c < row.size(); ++c) {
      values.push_back(FormatValue(types[c], row[c]));
    }
  }
  return values;
}

void ResultFormatter::Sort(SortMode mode, size_t columns, std::vector<std::string>* values) {
  if (mode == SortMode::kValueSort || (mode == SortMode::kRowSort && columns == 1)) {
    std::sort(values->begin(), values->end());
    return;
  }
  if (mode != SortMode::kRowSort || columns == 0 || values->size() % columns != 0) return;
  size_t rows = values->size() / columns;
  std::vector<size_t> order(rows);
  for (size_t i = 0; i < rows; ++i) order[i] = i;
  const std::vector<std::string>& v = *values;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (size_t c = 0; c < columns; ++c) {
      int cmp = v[a * columns + c].compare(v[b * columns + c]);
      if (cmp != 0) return cmp < 0;
    }
    return false;
  });
  std::vector<std::string> sorted;
  sorted.reserve(values->size());
  for (size_t r : order) {
    for (size_t c = 0; c < columns; ++c) sorted.push_back(std::move((*values)[r * columns + c]));
  }
  *values = std::move(sorted);
}

std::string ResultFormatter::Hash(const std::vector<std::string>& values) {
  Md5 md5;
  for (const std::string& v : values) {
    md5.Update(v);
    md5.Update("\n");
  }
  return md5.HexDigest();
}

std::string ResultFormatter::HashSummaryText(const std::vector<std::string>& values) {
  return std::to_string(values.size()) + " values hashing to " + Hash(values);
}

std::optional<ResultFormatter::HashSummary> ResultFormatter::ParseHashSummary(
    const std::vector<std::string>& lines) {
  if (lines.size() != 1) return std::nullopt;
  std::istringstream in(lines[0]);
  std::string count, values, hashing, to, md5, extra;
  if (!(in >> count >> values >> hashing >> to >> md5) || (in >> extra)) return std::nullopt;
  if (values != "values" || hashing != "hashing" || to != "to" || md5.size() != 32) {
    return std::nullopt;
  }
  if (!IsIntegerText(count) || count[0] == '-' || count[0] == '+') return std::nullopt;
  for (char& c : md5) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return HashSummary{static_cast<size_t>(std::strtoull(count.c_str(), nullptr, 10)), md5};
}

std::vector<std::string> ResultFormatter::FlattenExpected(const std::vector<std::string>& lines,
                                                          size_t actual_count) {
  if (lines.size() == actual_count) return lines;
  std::vector<std::string> values;
  for (const std::string& line : lines) {
    if (line.find('\t') != std::string::npos) {
      // Tab-separated row: values may contain spaces.
      size_t start = 0;
      while (true) {
        size_t tab = line.find('\t', start);
        values.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) break;
        start = tab + 1;
      }
      continue;
    }
    std::istringstream in(line);
    std::string token;
    bool any = false;
    while (in >> token) {
      values.push_back(token);
      any = true;
    }
    if (!any) values.push_back(line);
  }
  return values;
}

std::string ResultFormatter::Render(const std::vector<std::string>& values, size_t columns,
                                    size_t max_rows) {
  if (columns == 0) columns = 1;
  std::string out;
  size_t rows = (values.size() + columns - 1) / columns;
  for (size_t r = 0; r < rows && r < max_rows; ++r) {
    out += "    ";
    for (size_t c = 0; c < columns && r * columns + c < values.size(); ++c) {
      if (c > 0) out += ' ';
      out += values[r * columns + c];
    }
    out += '\n';
  }
  if (rows > max_rows) out += "    ... (" + std::to_string(rows - max_rows) + " more rows)\n";
  if (values.empty()) out += "    (no rows)\n";
  return out;
}

Comparison ResultFormatter::Compare(const std::vector<std::string>& expected_lines,
                                    std::vector<std::string> actual, SortMode mode,
                                    size_t columns) {
  Sort(mode, columns, &actual);
  Comparison result;
  if (auto hash = ParseHashSummary(expected_lines)) {
    std::string actual_hash = Hash(actual);
    result.match = hash->count == actual.size() && hash->md5 == actual_hash;
    result.expected_text = "    " + expected_lines[0] + "\n";
    result.actual_text = "    " + std::to_string(actual.size()) + " values hashing to " +
                         actual_hash + "\n" + Render(actual, columns, kMaxRenderedRows);
    return result;
  }
  std::vector<std::string> expected = FlattenExpected(expected_lines, actual.size());
  Sort(mode, columns, &expected);
  result.match = expected == actual;
  result.expected_text = Render(expected, columns, kMaxRenderedRows);
  result.actual_text = Render(actual, columns, kMaxRenderedRows);
  return result;
}

}  // namespace freshet::slt
