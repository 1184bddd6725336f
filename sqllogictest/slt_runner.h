#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "sqllogictest/slt_record.h"
#include "sqllogictest/sql_connection.h"

namespace freshet::slt {

/// Runner settings from the command line.
struct RunnerOptions {
  bool verbose = false;              // print every record, not only failures
  bool fail_fast = false;            // stop at the first failure
  bool incremental = false;          // also check each query through a materialized view
  bool incremental_refresh = false;  // REFRESH the view before reading it (for non-streaming
                                     // engines such as PostgreSQL, to test the runner itself)
  std::string engine = kEngineName;
};

/// Record counts of a run. A query whose incremental check fails counts as failed (once), and
/// also in incremental_failed.
struct RunStats {
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
  int64_t incremental_failed = 0;
  int64_t incremental_refused = 0;  // queries whose view was refused with 0A000

  void Add(const RunStats& other) {
    passed += other.passed;
    failed += other.failed;
    skipped += other.skipped;
    incremental_failed += other.incremental_failed;
    incremental_refused += other.incremental_refused;
  }
};

/// Executes sqllogictest records against a SqlConnection and reports failures to `out`.
class SltRunner {
 public:
  /// Called after the connection was lost; re-establishes it (restarting a self-started server
  /// when needed). An error stops the run.
  using RecoverFn = std::function<Status()>;

  SltRunner(SqlConnection* conn, RecoverFn recover, RunnerOptions options, std::ostream& out);

  /// Parses and runs one file (and the files it includes).
  RunStats RunFile(const std::string& path);

  /// Runs already parsed records; `path` names the file in reports and anchors includes.
  RunStats RunRecords(const std::vector<SltRecord>& records, const std::string& path);

  /// True once --fail-fast saw a failure or the connection could not be recovered.
  bool stopped() const { return stop_; }
  /// True when the connection could not be recovered.
  bool fatal() const { return fatal_; }

 private:
  // Incremental-mode state of one query record: its materialized view.
  struct ViewInfo {
    std::string name;
    bool created = false;
  };

  // Outcome of a single check.
  struct Check {
    bool ok = true;
    bool refused = false;  // incremental mode: the view was refused with 0A000 (not maintainable)
    std::string what;      // one-line reason
    std::string detail;    // indented expected/actual text
  };

  RunStats RunRecordsAt(const std::vector<SltRecord>& records, const std::string& path, int depth);
  Check RunStatement(const SltRecord& record);
  // Runs a query record; `actual` receives its formatted (unsorted) values when it ran.
  Check RunQuery(const SltRecord& record, std::vector<std::string>* actual);
  Check RunIncremental(const SltRecord& record, ViewInfo* view, const Check& normal,
                       const std::vector<std::string>& normal_actual);
  Check CheckError(const Result<QueryResult>& result, const std::string& regex);
  Status CreateView(const SltRecord& record, ViewInfo* view);
  void PrepareViews(const std::vector<SltRecord>& records, std::map<size_t, ViewInfo>* views,
                    size_t* setup_end, size_t* first_drop);
  void RunInclude(const SltRecord& record, const std::string& path, int depth, RunStats* stats);

  // Executes SQL; on a lost connection, recovers it (or marks the run fatal).
  Result<QueryResult> Execute(const std::string& sql);
  void Report(const std::string& path, const SltRecord& record, const char* tag,
              const Check& check);
  void ReportPass(const std::string& path, const SltRecord& record);

  SqlConnection* conn_;
  RecoverFn recover_;
  RunnerOptions options_;
  std::ostream& out_;
  bool stop_ = false;
  bool fatal_ = false;
  int hash_threshold_ = 0;
  int view_counter_ = 0;
  std::map<std::string, std::pair<std::string, int>> labels_;  // label -> (hash, line)
};

}  // namespace freshet::slt
