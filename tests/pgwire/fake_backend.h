#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pgwire/backend.h"

namespace freshet::pgwire::testing {

/// What the fake sessions did, shared for assertions.
struct FakeState {
  std::atomic<int> sessions_started{0};
  std::atomic<int> sessions_closed{0};
  std::atomic<int> cancels{0};
  std::atomic<int> copy_fails{0};
  std::atomic<bool> sleeping{false};

  std::mutex mu;
  std::vector<std::string> copied_rows;
  std::vector<std::string> copy_fail_messages;
  std::vector<std::vector<std::pair<std::string, std::string>>> startup_params;
  std::vector<std::vector<BoundParam>> bound_params;
};

/// A scripted BackendSession. Statements (case-insensitive, ';'-separated in simple mode):
///   select 1                one int4 column "?column?" = 1
///   select $1 [, $2 ...]    (extended) one text column per parameter, echoing the bound values
///   series N                int4 column "n" with rows 1..N
///   types                   one row: bool, int2, int8, float8, text, numeric(10,2), NULL int4
///   big N                   N rows of a 100-byte text column
///   bad                     42601 syntax error at or near "bad", position 1
///   hint                    42703 with detail and hint
///   notice                  a NOTICE, then DO
///   set application_name = X   ParameterChanged, then SET (other SETs: just SET)
///   begin / commit / rollback  transaction status T / I
///   insert                  INSERT 0 1
///   copy ... from stdin     COPY FROM STDIN with 2 columns; rows are the received lines
///   copy ... to stdout      COPY TO STDOUT of "1\ta\n", "2\tb\n"
///   sleep                   waits (up to 10 s) for Cancel, then 57014
class FakeSession : public BackendSession {
 public:
  FakeSession(FakeState* state, std::string application_name)
      : state_(state), application_name_(std::move(application_name)) {}

  Status ExecuteSimple(std::string_view sql, ResultSink& sink) override;
  bool IsEmptyQuery(std::string_view sql) override;
  Result<PreparedInfo> Prepare(const std::string& name, std::string_view sql,
                               const std::vector<uint32_t>& param_oids) override;
  Status CloseStatement(const std::string& name) override;
  Status ExecutePrepared(const std::string& name, const std::vector<BoundParam>& params,
                         ResultSink& sink) override;
  Result<PreparedInfo> DescribePrepared(const std::string& name) override;
  Status CopyData(std::string_view data) override;
  Status CopyDone(ResultSink& sink) override;
  void CopyFail(const std::string& message) override;
  char TransactionStatus() const override { return tx_status_; }
  void Cancel() override;
  void Close() override;
  std::string GetParameter(const std::string& name) const override;
  TextFormatOptions FormatOptions() const override { return {}; }

 private:
  struct Prepared {
    std::string sql;
    PreparedInfo info;
  };

  Status Run(const std::string& statement, const std::vector<BoundParam>* params, ResultSink& sink,
             bool describe);
  static Result<PreparedInfo> Analyze(const std::string& statement,
                                      const std::vector<uint32_t>& param_oids);

  FakeState* state_;
  std::string application_name_;
  char tx_status_ = 'I';
  std::map<std::string, Prepared> prepared_;
  bool copying_ = false;
  std::string copy_buffer_;
  std::mutex cancel_mu_;
  std::condition_variable cancel_cv_;
  bool cancel_requested_ = false;
};

class FakeBackend : public Backend {
 public:
  Result<std::unique_ptr<BackendSession>> StartSession(
      const std::vector<std::pair<std::string, std::string>>& params) override;

  FakeState state;
};

}  // namespace freshet::pgwire::testing
