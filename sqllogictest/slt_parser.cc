#include "sqllogictest/slt_parser.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace freshet::slt {
namespace {

std::string TrimRight(std::string_view s) {
  size_t end = s.size();
  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' ||
                     s[end - 1] == '\n' || s[end - 1] == '\v' || s[end - 1] == '\f')) {
    --end;
  }
  return std::string(s.substr(0, end));
}

// Whitespace-separated tokens of a control line, dropping a trailing `# comment`.
std::vector<std::string> Tokenize(const std::string& line) {
  std::vector<std::string> tokens;
  std::istringstream in(line);
  std::string token;
  while (in >> token) {
    if (token[0] == '#') break;
    tokens.push_back(token);
  }
  return tokens;
}

// The text of `line` after its first `n` tokens, trimmed on both sides.
std::string RestAfterTokens(const std::string& line, int n) {
  size_t i = 0;
  for (int t = 0; t < n; ++t) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return TrimRight(line.substr(i));
}

// The regex after `statement error` / `query error`; empty when absent or only a `# comment`.
std::string ErrorRegex(const std::string& line) {
  std::string rest = RestAfterTokens(line, 2);
  return !rest.empty() && rest[0] == '#' ? std::string() : rest;
}

bool ParseInt(const std::string& s, int64_t* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

SltParser::SltParser(std::string_view text, const std::string& file_name) : file_name_(file_name) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines_.push_back(TrimRight(text.substr(start, end - start)));
    start = end + 1;
  }
}

Result<std::vector<SltRecord>> SltParser::Parse(std::string_view text,
                                                const std::string& file_name) {
  SltParser parser(text, file_name);
  return parser.Run();
}

Result<std::vector<SltRecord>> SltParser::ParseFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("58030", "cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Error("58030", "cannot read " + path);
  return Parse(text.str(), path);
}

Status SltParser::ErrorAt(int line, const std::string& message) const {
  return Status::Error("42601", file_name_ + ":" + std::to_string(line) + ": " + message);
}

std::string SltParser::CollectSql(bool stop_at_dashes) {
  std::string sql;
  while (pos_ < lines_.size() && !lines_[pos_].empty()) {
    if (stop_at_dashes && lines_[pos_] == "----") break;
    if (!sql.empty()) sql += '\n';
    sql += lines_[pos_];
    ++pos_;
  }
  return sql;
}

Status SltParser::ParseRecordLine(const std::vector<std::string>& tokens, const std::string& line,
                                  SltRecord* record) {
  const std::string& kind = tokens[0];
  if (kind == "statement") {
    record->kind = RecordKind::kStatement;
    if (tokens.size() < 2) return ErrorAt(record->line, "statement needs ok, error or count");
    if (tokens[1] == "ok") {
      record->expect = StatementExpect::kOk;
    } else if (tokens[1] == "error") {
      record->expect = StatementExpect::kError;
      record->error_regex = ErrorRegex(line);
    } else if (tokens[1] == "count") {
      record->expect = StatementExpect::kCount;
      if (tokens.size() < 3 || !ParseInt(tokens[2], &record->expected_count)) {
        return ErrorAt(record->line, "statement count needs a number");
      }
    } else {
      return ErrorAt(record->line, "unknown statement expectation '" + tokens[1] + "'");
    }
    record->sql = CollectSql(/*stop_at_dashes=*/false);
    if (record->sql.empty()) return ErrorAt(record->line, "statement without SQL");
    return Status::OK();
  }
  if (kind == "query") {
    record->kind = RecordKind::kQuery;
    if (tokens.size() < 2) return ErrorAt(record->line, "query needs a type string");
    if (tokens[1] == "error") {
      record->expect_error = true;
      record->error_regex = ErrorRegex(line);
    } else {
      record->types = tokens[1];
      for (char c : record->types) {
        if (c != 'I' && c != 'R' && c != 'T') {
          return ErrorAt(record->line, "bad column type '" + std::string(1, c) + "' in '" +
                                           record->types + "' (use I, R or T)");
        }
      }
      if (tokens.size() >= 3) {
        if (tokens[2] == "nosort") {
          record->sort_mode = SortMode::kNoSort;
        } else if (tokens[2] == "rowsort") {
          record->sort_mode = SortMode::kRowSort;
        } else if (tokens[2] == "valuesort") {
          record->sort_mode = SortMode::kValueSort;
        } else {
          return ErrorAt(record->line, "unknown sort mode '" + tokens[2] + "'");
        }
      }
      if (tokens.size() >= 4) record->label = tokens[3];
    }
    record->sql = CollectSql(/*stop_at_dashes=*/true);
    if (record->sql.empty()) return ErrorAt(record->line, "query without SQL");
    if (pos_ < lines_.size() && lines_[pos_] == "----") {
      ++pos_;
      record->has_expected = true;
      while (pos_ < lines_.size() && !lines_[pos_].empty()) {
        record->expected_lines.push_back(lines_[pos_]);
        ++pos_;
      }
    }
    return Status::OK();
  }
  if (kind == "hash-threshold") {
    record->kind = RecordKind::kHashThreshold;
    int64_t n = 0;
    if (tokens.size() < 2 || !ParseInt(tokens[1], &n) || n < 0) {
      return ErrorAt(record->line, "hash-threshold needs a non-negative number");
    }
    record->hash_threshold = static_cast<int>(n);
    return Status::OK();
  }
  if (kind == "halt") {
    record->kind = RecordKind::kHalt;
    return Status::OK();
  }
  if (kind == "sleep") {
    record->kind = RecordKind::kSleep;
    std::string arg = tokens.size() >= 2 ? tokens[1] : "";
    int64_t scale = 0;
    if (arg.size() > 2 && arg.compare(arg.size() - 2, 2, "ms") == 0) {
      scale = 1;
      arg.resize(arg.size() - 2);
    } else if (arg.size() > 1 && arg.back() == 's') {
      scale = 1000;
      arg.pop_back();
    }
    int64_t n = 0;
    if (scale == 0 || !ParseInt(arg, &n) || n < 0) {
      return ErrorAt(record->line, "sleep needs a duration such as 500ms or 2s");
    }
    record->sleep_millis = n * scale;
    return Status::OK();
  }
  if (kind == "include") {
    record->kind = RecordKind::kInclude;
    if (tokens.size() < 2) return ErrorAt(record->line, "include needs a file pattern");
    record->include_pattern = tokens[1];
    return Status::OK();
  }
  return ErrorAt(record->line, "unknown record type '" + kind + "'");
}

Result<std::vector<SltRecord>> SltParser::Run() {
  std::vector<SltRecord> records;
  std::vector<Condition> conditions;
  while (pos_ < lines_.size()) {
    const std::string line = lines_[pos_];
    if (line.empty() || line[0] == '#') {
      ++pos_;
      continue;
    }
    std::vector<std::string> tokens = Tokenize(line);
    if (tokens.empty()) {
      ++pos_;
      continue;
    }
    if (tokens[0] == "skipif" || tokens[0] == "onlyif") {
      if (tokens.size() < 2)
        return ErrorAt(static_cast<int>(pos_ + 1), tokens[0] + " needs an engine name");
      conditions.push_back(Condition{tokens[0] == "onlyif", tokens[1]});
      ++pos_;
      continue;
    }
    SltRecord record;
    record.line = static_cast<int>(pos_ + 1);
    record.conditions = std::move(conditions);
    conditions.clear();
    ++pos_;
    RETURN_IF_ERROR(ParseRecordLine(tokens, line, &record));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace freshet::slt
