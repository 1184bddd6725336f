#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <string>
#include <thread>

#include "sqllogictest/sql_connection.h"

namespace freshet::slt {

/// A SqlConnection over libpqxx. Every pqxx exception is caught here and turned into a Status.
/// A watchdog thread cuts the connection (shutdown of its socket) when one Execute call takes
/// longer than the statement timeout, so a hung server cannot hang the runner.
class PqConnection : public SqlConnection {
 public:
  /// `statement_timeout` of zero disables the watchdog.
  explicit PqConnection(std::chrono::seconds statement_timeout);
  ~PqConnection() override;

  /// Opens (or reopens) the connection; `conninfo` is a libpq connection string.
  Status Connect(const std::string& conninfo);
  void Disconnect();
  bool connected() const { return conn_ != nullptr; }

  Result<QueryResult> Execute(const std::string& sql) override;

 private:
  void WatchdogLoop();

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::errorhandler> quiet_handler_;  // silences notices; dies before conn_
  std::chrono::seconds statement_timeout_;

  // Watchdog state, guarded by mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool timed_out_ = false;
  int active_socket_ = -1;  // socket of the running Execute call, -1 when idle
  std::chrono::steady_clock::time_point deadline_;
  std::thread watchdog_;
};

}  // namespace freshet::slt
