// The Freshet server: opens the data directory and serves the PostgreSQL protocol.

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/database.h"
#include "pgwire/server.h"

namespace {

void PrintUsage() {
  std::printf(
      "Usage: freshet [--data-dir DIR] [--host HOST] [--port PORT] [--threads N]\n"
      "\n"
      "Freshet: a streaming SQL database that speaks the PostgreSQL protocol.\n"
      "\n"
      "  --data-dir DIR   where tables and the catalog are stored (default ./freshet-data)\n"
      "  --host HOST      address to listen on (default 127.0.0.1)\n"
      "  --port PORT      TCP port (default 5444)\n"
      "  --threads N      protocol I/O threads (default 2)\n"
      "  --help           this text\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = "freshet-data";
  freshet::pgwire::ServerOptions options;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "freshet: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      PrintUsage();
      return 0;
    } else if (arg == "--data-dir") {
      data_dir = next();
    } else if (arg == "--port") {
      options.port = static_cast<uint16_t>(std::atoi(next().c_str()));
    } else if (arg == "--host") {
      options.host = next();
    } else if (arg == "--threads") {
      options.threads = std::max(1, std::atoi(next().c_str()));
    } else {
      std::fprintf(stderr, "freshet: unknown option %s (see --help)\n", arg.c_str());
      return 2;
    }
  }
  // Block the shutdown signals before any thread starts; the main thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto db = freshet::engine::Database::Open(data_dir);
  if (!db.ok()) {
    std::fprintf(stderr, "freshet: cannot open data directory: %s\n",
                 db.status().message().c_str());
    return 1;
  }
  freshet::pgwire::Server server(**db, options);
  freshet::Status st = server.Start();
  if (!st.ok()) {
    std::fprintf(stderr, "freshet: %s\n", st.message().c_str());
    return 1;
  }
  spdlog::info("freshet listening on {}:{} (data directory {})", options.host, server.port(),
               data_dir);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("freshet shutting down (signal {})", sig);
  server.Shutdown();
  return 0;
}
