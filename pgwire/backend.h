#pragma once

// The contract between the protocol layer (pgwire/) and the database (engine/). pgwire owns
// sockets, framing and encodings; the engine implements these interfaces. Nothing here knows
// about the planner.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/data_chunk.h"
#include "common/status.h"
#include "common/types.h"

namespace freshet::pgwire {

/// One result column as RowDescription describes it.
struct ColumnInfo {
  std::string name;
  SqlType type;
  uint32_t table_oid = 0;
  int16_t attnum = 0;
};

/// COPY data format options the engine decided on (from the COPY statement).
struct CopyFormat {
  bool binary = false;
  size_t column_count = 0;
};

/// Receives what one statement produces, in order. Implemented by pgwire, which turns the calls
/// into protocol messages.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  /// The statement returns rows with these columns (RowDescription in simple mode).
  virtual void Describe(const std::vector<ColumnInfo>& columns) = 0;
  /// A batch of result rows, in the described columns' types.
  virtual void Rows(const DataChunk& chunk) = 0;
  /// The statement finished; `tag` is the CommandComplete tag ("SELECT 3", "INSERT 0 1").
  virtual void Complete(const std::string& tag) = 0;
  /// A NoticeResponse (severity "NOTICE"/"WARNING"/"INFO").
  virtual void Notice(const std::string& severity, const std::string& sqlstate,
                      const std::string& message) = 0;
  /// A session parameter reported to the client changed (ParameterStatus before ReadyForQuery).
  virtual void ParameterChanged(const std::string& name, const std::string& value) = 0;
  /// COPY ... FROM STDIN starts: pgwire sends CopyInResponse and then feeds the client's data to
  /// BackendSession::CopyData / CopyDone / CopyFail.
  virtual void CopyIn(const CopyFormat& format) = 0;
  /// COPY ... TO STDOUT: CopyOutResponse, then CopyOutData per line, then CopyOutDone.
  virtual void CopyOut(const CopyFormat& format) = 0;
  virtual void CopyOutData(std::string_view data) = 0;
  virtual void CopyOutDone() = 0;
  /// Pushes what was produced so far to the client (progress notices of a long statement).
  virtual void Flush() {}
};

/// A statement parsed and described for the extended protocol.
struct PreparedInfo {
  std::vector<uint32_t> param_oids;  // inferred where the client gave 0
  bool returns_rows = false;
  std::vector<ColumnInfo> columns;
};

/// Text-or-binary parameter values as they arrived in Bind.
struct BoundParam {
  std::optional<std::string> value;  // nullopt = NULL
  bool binary = false;
};

/// Per-connection database session. Calls come from one connection at a time (never
/// concurrently), except Cancel, which may come from any thread.
class BackendSession {
 public:
  virtual ~BackendSession() = default;

  /// Runs a simple-query string: every statement in order, each reporting to `sink`; stops at
  /// the first error, which it returns. An empty string produces nothing (pgwire sends
  /// EmptyQueryResponse when no statement reported anything... see IsEmptyQuery).
  virtual Status ExecuteSimple(std::string_view sql, ResultSink& sink) = 0;
  /// True when `sql` holds no statement (only whitespace, comments and ';').
  virtual bool IsEmptyQuery(std::string_view sql) = 0;

  /// Extended protocol: parses exactly one statement (42601 "cannot insert multiple commands
  /// into a prepared statement" for more). `param_oids` may be shorter than the number of $n.
  virtual Result<PreparedInfo> Prepare(const std::string& name, std::string_view sql,
                                       const std::vector<uint32_t>& param_oids) = 0;
  virtual Status CloseStatement(const std::string& name) = 0;
  /// Runs prepared statement `name` with bound parameters; result columns use `binary_results`
  /// (per pgwire's result format codes) only for encoding, which pgwire does. Produces rows into
  /// `sink` (without a Describe call: the client asked with Describe separately).
  virtual Status ExecutePrepared(const std::string& name, const std::vector<BoundParam>& params,
                                 ResultSink& sink) = 0;
  /// Describes what ExecutePrepared would return (for Describe Portal).
  virtual Result<PreparedInfo> DescribePrepared(const std::string& name) = 0;

  /// COPY FROM STDIN data (arbitrary chunking), end and failure. CopyDone reports Complete.
  virtual Status CopyData(std::string_view data) = 0;
  virtual Status CopyDone(ResultSink& sink) = 0;
  virtual void CopyFail(const std::string& message) = 0;

  /// 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block.
  virtual char TransactionStatus() const = 0;
  /// Asks the running statement to stop with 57014 as soon as it can.
  virtual void Cancel() = 0;
  /// Called when the connection closes (rolls back an open transaction, aborts COPY).
  virtual void Close() = 0;
  /// A session parameter's current value for ParameterStatus (e.g. "application_name").
  virtual std::string GetParameter(const std::string& name) const = 0;
  /// Text format options in force (extra_float_digits, TimeZone).
  virtual TextFormatOptions FormatOptions() const = 0;
};

/// Creates sessions. Implemented by engine::Database.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Called after StartupMessage. `params` are the startup parameters (user, database, ...).
  /// Errors: 3D000 unknown database, 28000 unknown role.
  virtual Result<std::unique_ptr<BackendSession>> StartSession(
      const std::vector<std::pair<std::string, std::string>>& params) = 0;
};

}  // namespace freshet::pgwire
