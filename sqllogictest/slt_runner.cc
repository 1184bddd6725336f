#include "sqllogictest/slt_runner.h"

#include <glob.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "sqllogictest/result_formatter.h"
#include "sqllogictest/slt_parser.h"
#include "sqllogictest/sql_text.h"

namespace freshet::slt {
namespace {

constexpr size_t kMaxSqlChars = 2000;
constexpr int kMaxIncludeDepth = 16;
constexpr const char* kSyntaxError = "42601";

std::string Indent(const std::string& text, size_t max_chars) {
  std::string src = text.size() > max_chars ? text.substr(0, max_chars) + " ..." : text;
  std::string out = "    ";
  for (char c : src) {
    out += c;
    if (c == '\n') out += "    ";
  }
  return out + "\n";
}

std::string ErrorText(const Status& status) { return status.sqlstate() + ": " + status.message(); }

std::string FirstLine(const std::string& sql) {
  std::string line = sql.substr(0, sql.find('\n'));
  return line.size() > 100 ? line.substr(0, 100) + "..." : line;
}

const char* RecordName(const SltRecord& record) {
  if (record.kind == RecordKind::kQuery) return "query";
  switch (record.expect) {
    case StatementExpect::kOk:
      return "statement ok";
    case StatementExpect::kError:
      return "statement error";
    case StatementExpect::kCount:
      return "statement count";
  }
  return "statement";
}

}  // namespace

SltRunner::SltRunner(SqlConnection* conn, RecoverFn recover, RunnerOptions options,
                     std::ostream& out)
    : conn_(conn), recover_(std::move(recover)), options_(std::move(options)), out_(out) {}

RunStats SltRunner::RunFile(const std::string& path) {
  hash_threshold_ = 0;
  labels_.clear();
  Result<std::vector<SltRecord>> records = SltParser::ParseFile(path);
  if (!records.ok()) {
    out_ << "ERROR " << records.status().message() << "\n";
    RunStats stats;
    stats.failed = 1;
    if (options_.fail_fast) stop_ = true;
    return stats;
  }
  return RunRecordsAt(*records, path, 0);
}

RunStats SltRunner::RunRecords(const std::vector<SltRecord>& records, const std::string& path) {
  return RunRecordsAt(records, path, 0);
}

Result<QueryResult> SltRunner::Execute(const std::string& sql) {
  Result<QueryResult> result = conn_->Execute(sql);
  if (!result.ok() && result.status().sqlstate() == kConnectionFailure) {
    out_ << "connection lost (" << result.status().message() << "); reconnecting\n";
    Status recovered = recover_ ? recover_() : Status::Error(kConnectionFailure, "no reconnect");
    if (!recovered.ok()) {
      out_ << "FATAL cannot reconnect: " << recovered.message() << "\n";
      fatal_ = true;
      stop_ = true;
    }
  }
  return result;
}

void SltRunner::Report(const std::string& path, const SltRecord& record, const char* tag,
                       const Check& check) {
  out_ << "FAIL " << tag << path << ":" << record.line << ": " << RecordName(record) << ": "
       << check.what << "\n"
       << "  sql:\n"
       << Indent(record.sql, kMaxSqlChars) << check.detail;
  out_.flush();
}

void SltRunner::ReportPass(const std::string& path, const SltRecord& record) {
  if (!options_.verbose) return;
  out_ << "ok   " << path << ":" << record.line << ": " << RecordName(record) << ": "
       << FirstLine(record.sql) << "\n";
}

SltRunner::Check SltRunner::CheckError(const Result<QueryResult>& result,
                                       const std::string& regex) {
  Check check;
  if (result.ok()) {
    check.ok = false;
    check.what = "expected an error, but it succeeded";
    return check;
  }
  if (result.status().sqlstate() == kConnectionFailure) {
    check.ok = false;
    check.what = "connection lost: " + result.status().message();
    return check;
  }
  if (regex.empty()) return check;
  std::string text = ErrorText(result.status());
  try {
    if (std::regex_search(text, std::regex(regex, std::regex::ECMAScript))) return check;
    check.ok = false;
    check.what = "error message does not match";
    check.detail = "  expected error matching:\n" + Indent(regex, kMaxSqlChars) +
                   "  actual error:\n" + Indent(text, kMaxSqlChars);
  } catch (const std::regex_error& e) {
    check.ok = false;
    check.what = "invalid error regex '" + regex + "': " + e.what();
  }
  return check;
}

SltRunner::Check SltRunner::RunStatement(const SltRecord& record) {
  Result<QueryResult> result = Execute(record.sql);
  if (record.expect == StatementExpect::kError) return CheckError(result, record.error_regex);
  Check check;
  if (!result.ok()) {
    check.ok = false;
    check.what = "unexpected error " + ErrorText(result.status());
    return check;
  }
  if (record.expect == StatementExpect::kCount && result->affected_rows != record.expected_count) {
    check.ok = false;
    check.what = "expected " + std::to_string(record.expected_count) + " affected rows, got " +
                 std::to_string(result->affected_rows);
  }
  return check;
}

SltRunner::Check SltRunner::RunQuery(const SltRecord& record, std::vector<std::string>* actual) {
  Result<QueryResult> result = Execute(record.sql);
  if (record.expect_error) return CheckError(result, record.error_regex);
  Check check;
  if (!result.ok()) {
    check.ok = false;
    check.what = "unexpected error " + ErrorText(result.status());
    return check;
  }
  if (result->columns != record.types.size()) {
    check.ok = false;
    check.what = "column count mismatch: the query returned " + std::to_string(result->columns) +
                 " columns, the type string '" + record.types + "' has " +
                 std::to_string(record.types.size());
    return check;
  }
  *actual = ResultFormatter::FormatRows(record.types, *result);
  const size_t columns = record.types.size();
  if (record.has_expected) {
    Comparison cmp =
        ResultFormatter::Compare(record.expected_lines, *actual, record.sort_mode, columns);
    if (!cmp.match) {
      check.ok = false;
      check.what = "wrong result";
      check.detail = "  expected:\n" + cmp.expected_text + "  actual:\n" + cmp.actual_text;
      if (hash_threshold_ > 0 && actual->size() > static_cast<size_t>(hash_threshold_) &&
          !ResultFormatter::ParseHashSummary(record.expected_lines).has_value()) {
        std::vector<std::string> sorted = *actual;
        ResultFormatter::Sort(record.sort_mode, columns, &sorted);
        check.detail += "  actual as hash:\n    " + ResultFormatter::HashSummaryText(sorted) + "\n";
      }
      return check;
    }
  }
  if (!record.label.empty()) {
    std::vector<std::string> sorted = *actual;
    ResultFormatter::Sort(record.sort_mode, columns, &sorted);
    std::string hash = ResultFormatter::Hash(sorted);
    auto [it, inserted] = labels_.emplace(record.label, std::make_pair(hash, record.line));
    if (!inserted && it->second.first != hash) {
      check.ok = false;
      check.what = "result differs from the earlier query with label '" + record.label +
                   "' at line " + std::to_string(it->second.second);
    }
  }
  return check;
}

Status SltRunner::CreateView(const SltRecord& record, ViewInfo* view) {
  std::string body = SqlText::StripTrailingOrderBy(record.sql);
  std::string columns;
  for (size_t i = 0; i < record.types.size(); ++i) {
    columns += (i == 0 ? "c" : ", c") + std::to_string(i + 1);
  }
  // Column names avoid clashes such as two "?column?" columns; without them if unsupported.
  Result<QueryResult> r =
      Execute("CREATE MATERIALIZED VIEW " + view->name + " (" + columns + ") AS " + body);
  if (!r.ok() && r.status().sqlstate() == kSyntaxError) {
    r = Execute("CREATE MATERIALIZED VIEW " + view->name + " AS " + body);
  }
  if (!r.ok()) return r.status();
  view->created = true;
  return Status::OK();
}

void SltRunner::PrepareViews(const std::vector<SltRecord>& records,
                             std::map<size_t, ViewInfo>* views, size_t* setup_end,
                             size_t* first_drop) {
  *setup_end = records.size();
  *first_drop = records.size();
  for (size_t i = 0; i < records.size(); ++i) {
    const SltRecord& r = records[i];
    if (r.SkippedFor(options_.engine)) continue;
    if (r.kind == RecordKind::kHalt) {
      *setup_end = std::min(*setup_end, i);
      *first_drop = std::min(*first_drop, i);
      break;
    }
    bool setup = r.kind == RecordKind::kHashThreshold ||
                 (r.kind == RecordKind::kStatement && r.expect == StatementExpect::kOk &&
                  SqlText::IsSchemaDefinition(r.sql));
    if (!setup) *setup_end = std::min(*setup_end, i);
    if (r.kind == RecordKind::kStatement && SqlText::IsDropOrAlter(r.sql)) {
      *first_drop = std::min(*first_drop, i);
    }
    if (r.kind == RecordKind::kQuery && !r.expect_error && r.has_expected &&
        SqlText::IsSelect(r.sql)) {
      (*views)[i] = ViewInfo{"slt_mv_" + std::to_string(++view_counter_), false};
    }
  }
}

SltRunner::Check SltRunner::RunIncremental(const SltRecord& record, ViewInfo* view,
                                           const Check& normal,
                                           const std::vector<std::string>& normal_actual) {
  Check check;
  if (!view->created) {
    Status created = CreateView(record, view);
    if (!created.ok() && created.sqlstate() == "0A000") {
      // A shape views refuse by design (now(), float sums, ...): not a maintenance failure.
      check.refused = true;
      check.what = "view refused: " + ErrorText(created);
      return check;
    }
    if (!created.ok()) {
      check.ok = false;
      check.what = "cannot create materialized view " + view->name + ": " + ErrorText(created);
      return check;
    }
  }
  if (options_.incremental_refresh) {
    Result<QueryResult> refreshed = Execute("REFRESH MATERIALIZED VIEW " + view->name);
    if (!refreshed.ok()) {
      check.ok = false;
      check.what = "cannot refresh " + view->name + ": " + ErrorText(refreshed.status());
      return check;
    }
  }
  Result<QueryResult> result = Execute("SELECT * FROM " + view->name);
  if (!result.ok()) {
    check.ok = false;
    check.what = "reading " + view->name + " failed: " + ErrorText(result.status());
    return check;
  }
  const size_t columns = record.types.size();
  if (result->columns != columns) {
    check.ok = false;
    check.what = view->name + " has " + std::to_string(result->columns) + " columns, expected " +
                 std::to_string(columns);
    return check;
  }
  std::vector<std::string> actual = ResultFormatter::FormatRows(record.types, *result);
  // Views are unordered: compare as multisets. A hash of a nosort query covers the query's order,
  // so it can only be checked against the (already verified) rows of the query itself.
  SortMode mode =
      record.sort_mode == SortMode::kValueSort ? SortMode::kValueSort : SortMode::kRowSort;
  std::vector<std::string> expected_lines = record.expected_lines;
  bool nosort_hash = record.sort_mode == SortMode::kNoSort &&
                     ResultFormatter::ParseHashSummary(expected_lines).has_value();
  if (nosort_hash) {
    if (!normal.ok) {
      check.ok = false;
      check.what = "not checked: the query itself failed";
      return check;
    }
    expected_lines = normal_actual;
  }
  Comparison cmp = ResultFormatter::Compare(expected_lines, actual, mode, columns);
  if (!cmp.match) {
    check.ok = false;
    check.what = "wrong rows in " + view->name + " (compared as a multiset)";
    check.detail = "  expected:\n" + cmp.expected_text + "  actual:\n" + cmp.actual_text;
  }
  return check;
}

void SltRunner::RunInclude(const SltRecord& record, const std::string& path, int depth,
                           RunStats* stats) {
  std::filesystem::path pattern(record.include_pattern);
  if (pattern.is_relative()) pattern = std::filesystem::path(path).parent_path() / pattern;
  Check check;
  glob_t matches{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<std::string> files;
  if (rc == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (files.empty()) {
    check.ok = false;
    check.what = "include: no file matches " + pattern.string();
  } else if (depth >= kMaxIncludeDepth) {
    check.ok = false;
    check.what = "include: nested too deeply";
  }
  if (!check.ok) {
    Report(path, record, "", check);
    ++stats->failed;
    if (options_.fail_fast) stop_ = true;
    return;
  }
  for (const std::string& file : files) {
    if (stop_) return;
    Result<std::vector<SltRecord>> records = SltParser::ParseFile(file);
    if (!records.ok()) {
      out_ << "ERROR " << records.status().message() << "\n";
      ++stats->failed;
      if (options_.fail_fast) stop_ = true;
      continue;
    }
    stats->Add(RunRecordsAt(*records, file, depth + 1));
  }
}

RunStats SltRunner::RunRecordsAt(const std::vector<SltRecord>& records, const std::string& path,
                                 int depth) {
  RunStats stats;
  std::map<size_t, ViewInfo> views;
  size_t setup_end = records.size();
  size_t first_drop = records.size();
  const bool incremental = options_.incremental && depth == 0;
  if (incremental) PrepareViews(records, &views, &setup_end, &first_drop);

  for (size_t i = 0; i < records.size() && !stop_; ++i) {
    const SltRecord& record = records[i];
    if (incremental && i == setup_end) {
      // Define the views of the queries before any data arrives; those that cannot be created
      // yet are created right before their query.
      for (auto& [index, view] : views) {
        if (index < first_drop && !stop_) (void)CreateView(records[index], &view);
      }
    }
    if (record.SkippedFor(options_.engine)) {
      if (record.kind == RecordKind::kStatement || record.kind == RecordKind::kQuery) {
        ++stats.skipped;
        if (options_.verbose) out_ << "skip " << path << ":" << record.line << "\n";
      }
      continue;
    }
    switch (record.kind) {
      case RecordKind::kHashThreshold:
        hash_threshold_ = record.hash_threshold;
        continue;
      case RecordKind::kHalt:
        i = records.size();
        continue;
      case RecordKind::kInclude:
        RunInclude(record, path, depth, &stats);
        continue;
      case RecordKind::kSleep:
        std::this_thread::sleep_for(std::chrono::milliseconds(record.sleep_millis));
        continue;
      case RecordKind::kStatement: {
        Check check = RunStatement(record);
        if (check.ok) {
          ++stats.passed;
          ReportPass(path, record);
        } else {
          ++stats.failed;
          Report(path, record, "", check);
          if (options_.fail_fast) stop_ = true;
        }
        continue;
      }
      case RecordKind::kQuery: {
        std::vector<std::string> actual;
        Check check = RunQuery(record, &actual);
        if (!check.ok) Report(path, record, "", check);
        bool ok = check.ok;
        auto view = views.find(i);
        if (view != views.end() && !stop_) {
          Check inc = RunIncremental(record, &view->second, check, actual);
          if (inc.refused) {
            ++stats.incremental_refused;
            if (options_.verbose) Report(path, record, "[incremental refused] ", inc);
          } else if (!inc.ok) {
            ++stats.incremental_failed;
            Report(path, record, "[incremental] ", inc);
            ok = false;
          }
          if (view->second.created) {
            (void)Execute("DROP MATERIALIZED VIEW IF EXISTS " + view->second.name);
            view->second.created = false;
          }
        }
        if (ok) {
          ++stats.passed;
          ReportPass(path, record);
        } else {
          ++stats.failed;
          if (options_.fail_fast) stop_ = true;
        }
        continue;
      }
    }
  }
  // Views whose query never ran (halt, fail-fast).
  for (auto& [index, view] : views) {
    if (view.created && !fatal_) (void)Execute("DROP MATERIALIZED VIEW IF EXISTS " + view.name);
  }
  return stats;
}

}  // namespace freshet::slt
