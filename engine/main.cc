// The Freshet server: opens the data directory and serves the PostgreSQL protocol.

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/failpoint.h"
#include "engine/database.h"
#include "pgwire/server.h"

namespace {

void PrintUsage() {
  std::printf(
      "Usage: freshet [--data-dir DIR] [--host HOST] [--port PORT]\n"
      "\n"
      "Freshet: a streaming SQL database that speaks the PostgreSQL protocol.\n"
      "\n"
      "  --data-dir DIR   where tables and the catalog are stored (default ./freshet-data)\n"
      "  --host HOST      address to listen on (default 127.0.0.1)\n"
      "  --port PORT      TCP port (default 5444)\n"
      "  --checkpoint-interval-ms MS\n"
      "                   time between checkpoints (synced epoch commits; default 1000)\n"
      "  --max-log-lag BYTES\n"
      "                   writes wait while the log holds more bytes than this that the\n"
      "                   materialized views have not processed (default 1073741824; 0 = no\n"
      "                   bound; suffixes k, M, G)\n"
      "  --on-log-full wait|error\n"
      "                   wait (default) or fail writes with SQLSTATE 53400 at that bound\n"
      "  --memory-limit BYTES\n"
      "                   memory the statements may hold at once (hash tables, sorts, groups);\n"
      "                   one that needs more fails alone with SQLSTATE 53200 (default: half\n"
      "                   the machine's RAM; suffixes k, M, G)\n"
      "  --view-state-limit ENTRIES\n"
      "                   state entries one materialized view may hold; a view past it fails\n"
      "                   alone with SQLSTATE 53200 (default: the memory limit / 512)\n"
      "  --help           this text\n");
}

}  // namespace

/// "64M" -> 67108864; -1 when malformed.
int64_t ParseBytes(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || v < 0) return -1;
  std::string unit = end;
  if (unit == "k" || unit == "K" || unit == "kB") {
    v *= 1024;
  } else if (unit == "M" || unit == "MB") {
    v *= 1024 * 1024;
  } else if (unit == "G" || unit == "GB") {
    v *= 1024.0 * 1024 * 1024;
  } else if (!unit.empty()) {
    return -1;
  }
  return static_cast<int64_t>(v);
}

int main(int argc, char** argv) {
  std::string data_dir = "freshet-data";
  freshet::pgwire::ServerOptions options;
  freshet::engine::StreamEngineOptions engine_options;
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
    } else if (arg == "--checkpoint-interval-ms") {
      engine_options.checkpoint_interval_ms = std::max(0, std::atoi(next().c_str()));
    } else if (arg == "--max-log-lag") {
      int64_t bytes = ParseBytes(next());
      if (bytes < 0) {
        std::fprintf(stderr, "freshet: --max-log-lag needs a byte count (like 64M)\n");
        return 2;
      }
      engine_options.max_pending_log_bytes = static_cast<uint64_t>(bytes);
    } else if (arg == "--memory-limit") {
      int64_t bytes = ParseBytes(next());
      if (bytes <= 0) {
        std::fprintf(stderr, "freshet: --memory-limit needs a byte count (like 8G)\n");
        return 2;
      }
      engine_options.memory_limit_bytes = bytes;
    } else if (arg == "--view-state-limit") {
      engine_options.max_view_state_entries = std::strtoull(next().c_str(), nullptr, 10);
    } else if (arg == "--on-log-full") {
      std::string v = next();
      if (v != "wait" && v != "error") {
        std::fprintf(stderr, "freshet: --on-log-full takes wait or error\n");
        return 2;
      }
      engine_options.reject_when_log_full = v == "error";
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
  freshet::failpoint::InstallArmSignal();  // crash tests only (FRESHET_FAILPOINTS)

  auto db = freshet::engine::Database::Open(data_dir, engine_options);
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
  // Clients hear 57P01 and statements in flight end; then the views write a last checkpoint.
  server.Shutdown();
  freshet::Status down = (*db)->Shutdown();
  if (!down.ok()) {
    std::fprintf(stderr, "freshet: shutdown checkpoint failed: %s\n", down.message().c_str());
    return 1;
  }
  spdlog::info("freshet stopped cleanly");
  return 0;
}
