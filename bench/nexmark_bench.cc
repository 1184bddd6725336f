// freshet-bench: runs a Nexmark query over the built-in generator inside one Freshet instance and
// reports throughput, latency and memory.
//
//   freshet-bench nexmark --query q5 --events 10000000           as fast as it goes
//   freshet-bench nexmark --query q5 --events 3000000 --rate 100000   throttled: latency
//
// The query runs as a sink with connector 'blackhole' (or as a materialized view with --view) on
// the engine's one worker thread. Events are those of the whole Nexmark stream (person, auction
// and bid in the proportions 1:3:46); a source only generates the table type it declares, so a
// query over bids reads 92% of them. Latency (throttled runs) is the time from an event's
// scheduled arrival (the generator's wall-clock schedule) to the epoch that made its effect
// visible.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/nexmark_queries.h"
#include "engine/database.h"
#include "ingest/nexmark_generator.h"

namespace {

using freshet::Status;
using freshet::engine::Database;
using Clock = std::chrono::steady_clock;

/// Discards results; keeps errors.
class NullSink : public freshet::pgwire::ResultSink {
 public:
  void Describe(const std::vector<freshet::pgwire::ColumnInfo>&) override {}
  void Rows(const freshet::DataChunk&) override {}
  void Complete(const std::string&) override {}
  void Notice(const std::string&, const std::string&, const std::string&) override {}
  void ParameterChanged(const std::string&, const std::string&) override {}
  void CopyIn(const freshet::pgwire::CopyFormat&) override {}
  void CopyOut(const freshet::pgwire::CopyFormat&) override {}
  void CopyOutData(std::string_view) override {}
  void CopyOutDone() override {}
};

int64_t WallMicros() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() -
         freshet::datetime::kUnixEpochDays * freshet::datetime::kMicrosPerDay;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long PeakRssKb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof(line), f)) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb;
}

void Usage() {
  std::printf(
      "Usage: freshet-bench nexmark --query qN [--events N] [--rate EVENTS_PER_SEC]\n"
      "                     [--partitions P] [--view] [--data-dir DIR] [--list]\n"
      "\n"
      "Runs a Nexmark query over the built-in generator on one worker thread and prints\n"
      "events/s, events/s per core, latency percentiles (with --rate) and peak memory.\n"
      "  --events N      events of the Nexmark stream (default 10000000)\n"
      "  --rate R        throttle the generator to R events/s (default: as fast as possible)\n"
      "  --partitions P  source partitions (default 1)\n"
      "  --view          run the query as a materialized view instead of a blackhole sink\n"
      "  --list          list the queries\n");
}

}  // namespace

int main(int argc, char** argv) {
  using freshet::bench::FindNexmarkQuery;
  if (argc < 2 || std::string(argv[1]) != "nexmark") {
    Usage();
    return argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") ? 0 : 2;
  }
  std::string query = "q0", data_dir;
  uint64_t events = 10000000;
  double rate = 0;
  int partitions = 1;
  bool view = false;
  for (int i = 2; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--query") {
      query = next();
    } else if (a == "--events") {
      events = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--rate") {
      rate = std::atof(next().c_str());
    } else if (a == "--partitions") {
      partitions = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--view") {
      view = true;
    } else if (a == "--data-dir") {
      data_dir = next();
    } else if (a == "--list") {
      for (const auto& q : freshet::bench::NexmarkQueries()) {
        std::printf("%-4s %s\n", q.name.c_str(), q.freshet.c_str());
      }
      for (const auto& [name, why] : freshet::bench::NexmarkSkipped()) {
        std::printf("%-4s skipped: %s\n", name.c_str(), why.c_str());
      }
      return 0;
    } else {
      Usage();
      return a == "--help" ? 0 : 2;
    }
  }
  const auto* q = FindNexmarkQuery(query);
  if (!q) {
    std::fprintf(stderr, "freshet-bench: unknown query %s (see --list)\n", query.c_str());
    return 2;
  }
  bool temp = data_dir.empty();
  if (temp) {
    std::mt19937_64 rng(std::random_device{}());
    data_dir = (std::filesystem::temp_directory_path() / ("freshet-bench-" + std::to_string(rng())))
                   .string();
  }
  auto db = Database::Open(data_dir);
  if (!db.ok()) {
    std::fprintf(stderr, "freshet-bench: %s\n", db.status().ToString().c_str());
    return 1;
  }
  auto session = (*db)->StartSession({{"user", "freshet"}, {"database", "freshet"}});
  NullSink sink;
  auto exec = [&](const std::string& sql) {
    Status s = (*session)->ExecuteSimple(sql, sink);
    if (!s.ok()) {
      std::fprintf(stderr, "freshet-bench: %s\n  in: %s\n", s.ToString().c_str(), sql.c_str());
      std::exit(1);
    }
  };
  // The generator's schedule: event n arrives at created_at + n / rate (throttled runs).
  double event_rate = rate > 0 ? rate : 10000000;  // event-time spacing as in the reference runs
  std::string options = "nexmark.event.num = " + std::to_string(events) +
                        ", nexmark.event.rate = " + std::to_string(event_rate) +
                        ", partitions = " + std::to_string(partitions) +
                        (rate > 0 ? "" : ", nexmark.max.speed = true");
  if (q->side_input) {
    exec(freshet::bench::SideInputDdl());
    exec(freshet::bench::SideInputRows());
  }
  for (const auto& src : q->sources) {
    exec(freshet::bench::NexmarkSourceDdl(src, options));
  }
  // Expected rows per source, and the generators to map offsets back to event numbers.
  struct Source {
    std::string name;
    std::unique_ptr<freshet::ingest::NexmarkGenerator> gen;
    uint64_t total = 0;
    int64_t created = 0;
  };
  std::vector<Source> sources;
  for (const auto& src : q->sources) {
    auto def = (*db)->catalog().Find(src);
    int64_t created = std::atoll(def->Option("_created_at").c_str());
    std::vector<freshet::ingest::GeneratorColumn> cols;
    for (const auto& c : def->columns) cols.push_back({c.name, c.type});
    auto gen = freshet::ingest::NexmarkGenerator::Make(def->options, cols, created);
    Source s{src, std::move(*gen), 0, created};
    s.total = s.gen->TypeCount(events);
    sources.push_back(std::move(s));
  }
  double cpu0 = CpuSeconds();
  auto t0 = Clock::now();
  exec(std::string(view ? "CREATE MATERIALIZED VIEW " : "CREATE SINK ") + q->name +
       (view ? " WITH (background = true) AS " : " AS ") + q->freshet +
       (view ? "" : " WITH (connector = 'blackhole')"));
  std::vector<double> latencies;  // milliseconds, sampled per event span
  std::vector<uint64_t> last(sources.size() * partitions, 0);
  while (true) {
    auto infos = (*db)->engine().Info();
    if (infos.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    const auto& info = infos.front();
    if (!info.error.empty()) {
      std::fprintf(stderr, "freshet-bench: the query failed: %s\n", info.error.c_str());
      return 1;
    }
    int64_t now = WallMicros();
    bool done = true;
    for (const auto& m : info.watermarks) {
      size_t s = 0;
      while (s < sources.size() && sources[s].name != m.source->name) s++;
      if (s == sources.size()) continue;
      size_t slot = s * partitions + m.partition;
      uint64_t total = (sources[s].total + partitions - 1 - m.partition) / partitions;
      if (m.position < total) done = false;
      if (rate > 0) {
        // Sample the events that became visible since the last look.
        for (uint64_t o = last[slot]; o < m.position; o += 97) {
          uint64_t k = o * partitions + m.partition;
          uint64_t n = sources[s].gen->EventNumber(k);
          double arrival = sources[s].created + n * 1e6 / rate;
          latencies.push_back((now - arrival) / 1000.0);
        }
      }
      last[slot] = m.position;
    }
    if (done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  uint64_t rows = 0;
  for (const auto& s : sources) rows += s.total;
  std::printf("query %s  events %llu  (rows generated and processed: %llu)\n", q->name.c_str(),
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(rows));
  std::printf("elapsed %.3f s   cpu %.3f s (%.2f cores)\n", elapsed, cpu, cpu / elapsed);
  std::printf("throughput %.0f events/s   per core %.0f events/s (one worker thread)\n",
              events / elapsed, events / std::max(cpu, 1e-9));
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) {
      return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))];
    };
    std::printf(
        "latency (scheduled arrival -> visible) p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f "
        "ms\n",
        pct(0.5), pct(0.9), pct(0.99), latencies.back());
  }
  std::printf("peak memory %.1f MB\n", PeakRssKb() / 1024.0);
  session->reset();
  db->reset();
  if (temp) std::filesystem::remove_all(data_dir);
  return 0;
}
