#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace freshet::slt {

/// A Freshet server started by the runner: `<binary> --data-dir <temp>/data --port <free port>`,
/// with its output in <temp>/server.log. The temp directory is removed by the destructor, which
/// also stops the server (SIGTERM, then SIGKILL after a grace period).
class ServerProcess {
 public:
  /// Creates a fresh temp directory, picks a free port and spawns the server. Does not wait for
  /// it to accept connections.
  static Result<std::unique_ptr<ServerProcess>> Start(const std::string& binary);

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Stops the running server and starts it again on the same data directory and a new port.
  Status Restart();

  /// Stops the server: SIGTERM, then SIGKILL when it has not exited within `grace`.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  /// True while the server process has not exited; also describes the exit in `exit_reason`.
  bool IsRunning();

  int port() const { return port_; }
  const std::string& exit_reason() const { return exit_reason_; }

  /// The last `max_lines` lines of the server's log, for error reports.
  std::string LogTail(int max_lines) const;

 private:
  ServerProcess(std::string binary, std::string temp_dir);
  Status Spawn();

  std::string binary_;
  std::string temp_dir_;
  std::string data_dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string exit_reason_;
};

}  // namespace freshet::slt
