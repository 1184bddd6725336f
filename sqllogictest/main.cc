// freshet-slt: runs sqllogictest files against Freshet (or any PostgreSQL-wire server).

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sqllogictest/pq_connection.h"
#include "sqllogictest/server_process.h"
#include "sqllogictest/slt_runner.h"

namespace freshet::slt {
namespace {

constexpr auto kStartupTimeout = std::chrono::seconds(20);  // self-started server
constexpr auto kConnectTimeout = std::chrono::seconds(5);   // server given by --port
constexpr int kLogTailLines = 30;
constexpr int kExitFailures = 1;
constexpr int kExitError = 2;

constexpr const char* kUsage =
    R"(Usage: freshet-slt [options] FILE...

Runs sqllogictest files (engine name "postgresql") and prints "N passed, M failed, K skipped".
Without --port, starts a fresh server (with its own temp data directory) for every file.

Options:
  --host H                server host for --port (default 127.0.0.1)
  --port P                use the server already listening on port P
  --user U                user name (default freshet)
  --dbname D              database name (default freshet)
  --server-binary PATH    server to start (default: freshet next to this program)
  --incremental           also check every SELECT query through a materialized view that is
                          created before the data is inserted, compared as a multiset
  --incremental-refresh   with --incremental: REFRESH each view before reading it (for engines
                          without incremental view maintenance, e.g. PostgreSQL)
  --timeout SEC           cut the connection when one statement runs longer (default 300, 0 = off)
  --verbose, -v           print every record, not only failures
  --fail-fast             stop at the first failure
  --help, -h              show this help
Exit code: 0 when nothing failed, 1 when records failed, 2 on usage or connection errors.
)";

// Parsed command line.
struct CommandLine {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: start a server per file
  std::string user = "freshet";
  std::string dbname = "freshet";
  std::string server_binary;
  int timeout_seconds = 300;
  RunnerOptions runner;
  std::vector<std::string> files;
};

// The default server binary: `freshet` in this program's directory.
std::string DefaultServerBinary(const char* argv0) {
  std::filesystem::path self(argv0);
  if (self.string().find('/') == std::string::npos) {
    std::error_code ec;
    self = std::filesystem::read_symlink("/proc/self/exe", ec);
  }
  return (self.parent_path() / "freshet").string();
}

bool ParseNumber(const std::string& text, int* out) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 0 || v > 1000000) return false;
  *out = static_cast<int>(v);
  return true;
}

// Parses argv; returns an error message (empty on success). Sets `help` for --help.
std::string ParseCommandLine(int argc, char** argv, CommandLine* cl, bool* help) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_inline_value = true;
    }
    auto take_value = [&]() -> bool {
      if (has_inline_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      *help = true;
    } else if (arg == "--verbose" || arg == "-v") {
      cl->runner.verbose = true;
    } else if (arg == "--fail-fast") {
      cl->runner.fail_fast = true;
    } else if (arg == "--incremental") {
      cl->runner.incremental = true;
    } else if (arg == "--incremental-refresh") {
      cl->runner.incremental = true;
      cl->runner.incremental_refresh = true;
    } else if (arg == "--host" || arg == "--user" || arg == "--dbname" ||
               arg == "--server-binary") {
      if (!take_value()) return arg + " needs a value";
      if (arg == "--host") cl->host = value;
      if (arg == "--user") cl->user = value;
      if (arg == "--dbname") cl->dbname = value;
      if (arg == "--server-binary") cl->server_binary = value;
    } else if (arg == "--port") {
      if (!take_value() || !ParseNumber(value, &cl->port) || cl->port == 0 || cl->port > 65535) {
        return "--port needs a port number";
      }
    } else if (arg == "--timeout") {
      if (!take_value() || !ParseNumber(value, &cl->timeout_seconds)) {
        return "--timeout needs a number of seconds";
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return "unknown option " + arg;
    } else {
      cl->files.push_back(arg);
    }
  }
  if (!*help && cl->files.empty()) return "no test files given";
  if (cl->server_binary.empty()) cl->server_binary = DefaultServerBinary(argv[0]);
  return "";
}

std::string ConnInfo(const CommandLine& cl, const std::string& host, int port) {
  return "host=" + host + " port=" + std::to_string(port) + " user=" + cl.user +
         " dbname=" + cl.dbname + " sslmode=disable gssencmode=disable connect_timeout=5";
}

// Connects, retrying until `timeout`; gives up early when a self-started `server` exits.
Status ConnectWithRetry(PqConnection* conn, const std::string& conninfo, ServerProcess* server,
                        std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Status last;
  while (true) {
    if (server != nullptr && !server->IsRunning()) {
      return Status::Error(kConnectionFailure,
                           "the server " + server->exit_reason() + " before accepting connections");
    }
    last = conn->Connect(conninfo);
    if (last.ok()) return last;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Error(
      kConnectionFailure,
      "no connection within " + std::to_string(timeout.count()) + " s: " + last.message());
}

int Run(const CommandLine& cl) {
  PqConnection conn{std::chrono::seconds(cl.timeout_seconds)};
  std::unique_ptr<ServerProcess> server;
  const bool self_started = cl.port == 0;

  auto connect = [&]() -> Status {
    if (!self_started) {
      return ConnectWithRetry(&conn, ConnInfo(cl, cl.host, cl.port), nullptr, kConnectTimeout);
    }
    Status st = ConnectWithRetry(&conn, ConnInfo(cl, "127.0.0.1", server->port()), server.get(),
                                 kStartupTimeout);
    if (!st.ok()) {
      return Status::Error(st.sqlstate(), st.message() + "\nserver log (" + cl.server_binary +
                                              "):\n" + server->LogTail(kLogTailLines));
    }
    return st;
  };
  // After a lost connection: restart a self-started server that has exited, then reconnect.
  // The server may still be dying when the connection drops, hence a second round.
  auto recover = [&]() -> Status {
    if (!self_started) return connect();
    Status st;
    for (int round = 0; round < 2; ++round) {
      if (!server->IsRunning()) {
        std::cout << "server " << server->exit_reason() << "; restarting it. Log tail:\n"
                  << server->LogTail(kLogTailLines);
        RETURN_IF_ERROR(server->Restart());
      }
      st = connect();
      if (st.ok() || server->IsRunning()) return st;
    }
    return st;
  };

  SltRunner runner(&conn, recover, cl.runner, std::cout);
  RunStats total;
  int exit_code = 0;
  for (const std::string& file : cl.files) {
    if (runner.stopped()) break;
    if (self_started) {
      Result<std::unique_ptr<ServerProcess>> started = ServerProcess::Start(cl.server_binary);
      if (!started.ok()) {
        std::cout << "freshet-slt: cannot start the server: " << started.status().message() << "\n";
        exit_code = kExitError;
        break;
      }
      server = std::move(started).value();
    }
    Status connected = connect();
    if (!connected.ok()) {
      std::cout << "freshet-slt: cannot connect to "
                << (self_started ? "the server started from " + cl.server_binary
                                 : cl.host + ":" + std::to_string(cl.port))
                << ": " << connected.message() << "\n";
      exit_code = kExitError;
      break;
    }
    RunStats stats = runner.RunFile(file);
    if (cl.runner.verbose) {
      std::cout << file << ": " << stats.passed << " passed, " << stats.failed << " failed, "
                << stats.skipped << " skipped\n";
    }
    total.Add(stats);
    conn.Disconnect();
    server.reset();  // stops the server and removes its data directory
  }
  conn.Disconnect();
  server.reset();
  if (runner.fatal()) exit_code = kExitError;

  std::cout << total.passed << " passed, " << total.failed << " failed, " << total.skipped
            << " skipped";
  if (cl.runner.incremental) {
    std::cout << ", " << total.incremental_failed << " incremental failed, "
              << total.incremental_refused << " refused as views (0A000)";
  }
  std::cout << std::endl;
  if (exit_code != 0) return exit_code;
  return total.failed == 0 ? 0 : kExitFailures;
}

}  // namespace
}  // namespace freshet::slt

int main(int argc, char** argv) {
  using freshet::slt::CommandLine;
  ::signal(SIGPIPE, SIG_IGN);
  CommandLine cl;
  bool help = false;
  std::string error = freshet::slt::ParseCommandLine(argc, argv, &cl, &help);
  if (help) {
    std::cout << freshet::slt::kUsage;
    return 0;
  }
  if (!error.empty()) {
    std::cerr << "freshet-slt: " << error << "\n\n" << freshet::slt::kUsage;
    return freshet::slt::kExitError;
  }
  return freshet::slt::Run(cl);
}
