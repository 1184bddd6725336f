// View freshness benchmark: the cost of keeping a view fresh should grow with the change, not
// with the data. For each table size it loads the same data into Freshet and (optionally)
// PostgreSQL, creates a GROUP BY view and a two-way join view, then measures on Freshet the time
// from a single-row INSERT being acknowledged to a read of the view showing it (a consistent read
// waits for the epoch that holds the write; it is a point lookup on the view's key, so the read
// itself does not grow with the view), against PostgreSQL's REFRESH MATERIALIZED VIEW of the same
// views on the same data.
//
// Usage: freshet-bench-views --freshet "host=127.0.0.1 port=5444 user=freshet dbname=freshet"
//          [--postgres "host=... dbname=..."] [--sizes 10000,100000,1000000] [--inserts 50]
// bench/view_bench.sh runs it against fresh servers of both.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Exec(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction w(c);
  w.exec(sql);
}

std::string Scalar(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction w(c);
  auto r = w.exec(sql);
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
}

/// Creates and fills the tables: t(id, g, v) with `rows` rows, d(g, label) with 1000 rows.
void Load(pqxx::connection& c, long rows) {
  Exec(c, "DROP MATERIALIZED VIEW IF EXISTS bench_agg");
  Exec(c, "DROP MATERIALIZED VIEW IF EXISTS bench_join");
  Exec(c, "DROP TABLE IF EXISTS bench_t");
  Exec(c, "DROP TABLE IF EXISTS bench_d");
  Exec(c, "CREATE TABLE bench_t (id bigint PRIMARY KEY, g int, v int)");
  Exec(c, "CREATE TABLE bench_d (g int PRIMARY KEY, label text)");
  Exec(c, "INSERT INTO bench_d SELECT g, 'label' || g FROM generate_series(0, 999) AS s(g)");
  const long kBatch = 200000;
  for (long start = 1; start <= rows; start += kBatch) {
    long end = std::min(rows, start + kBatch - 1);
    Exec(c, "INSERT INTO bench_t SELECT i, i % 1000, i % 97 FROM generate_series(" +
                std::to_string(start) + ", " + std::to_string(end) + ") AS s(i)");
  }
}

const char* kAgg = "SELECT g, count(*) AS n, sum(v) AS total FROM bench_t GROUP BY g";
const char* kJoin =
    "SELECT bench_t.id, bench_d.g, bench_t.v, bench_d.label FROM bench_t JOIN bench_d ON "
    "bench_t.g = bench_d.g";

struct Figures {
  double agg_ms = 0;
  double join_ms = 0;
};

/// Freshet: median time from a one-row INSERT's acknowledgement to the view showing it.
Figures MeasureFreshet(pqxx::connection& c, long rows, int inserts) {
  Exec(c, std::string("CREATE MATERIALIZED VIEW bench_agg AS ") + kAgg);
  Exec(c, std::string("CREATE MATERIALIZED VIEW bench_join AS ") + kJoin);
  std::vector<double> agg, join;
  for (int i = 0; i < inserts; i++) {
    long id = rows + 1 + i;
    int g = static_cast<int>(id % 1000);
    std::string probe = "SELECT n FROM bench_agg WHERE g = " + std::to_string(g);
    std::string before = Scalar(c, probe);
    Exec(c,
         "INSERT INTO bench_t VALUES (" + std::to_string(id) + ", " + std::to_string(g) + ", 1)");
    auto acked = Clock::now();
    // A consistent read returns once the view reflects the acknowledged write.
    if (Scalar(c, probe) == before) throw std::runtime_error("aggregate view missed a write");
    agg.push_back(Ms(Clock::now() - acked));
  }
  for (int i = 0; i < inserts; i++) {
    long id = rows + 1 + inserts + i;
    Exec(c, "INSERT INTO bench_t VALUES (" + std::to_string(id) + ", 7, 1)");
    auto acked = Clock::now();
    std::string probe =
        "SELECT count(*) FROM bench_join WHERE id = " + std::to_string(id) + " AND g = 7";
    if (Scalar(c, probe) != "1") throw std::runtime_error("join view missed a write");
    join.push_back(Ms(Clock::now() - acked));
  }
  return {Median(agg), Median(join)};
}

/// PostgreSQL: median REFRESH MATERIALIZED VIEW time after a one-row INSERT.
Figures MeasurePostgres(pqxx::connection& c, long rows) {
  Exec(c, std::string("CREATE MATERIALIZED VIEW bench_agg AS ") + kAgg);
  Exec(c, std::string("CREATE MATERIALIZED VIEW bench_join AS ") + kJoin);
  Exec(c, "ANALYZE");
  std::vector<double> agg, join;
  for (int i = 0; i < 3; i++) {
    Exec(c, "INSERT INTO bench_t VALUES (" + std::to_string(rows + 1 + i) + ", 1, 1)");
    auto t0 = Clock::now();
    Exec(c, "REFRESH MATERIALIZED VIEW bench_agg");
    agg.push_back(Ms(Clock::now() - t0));
    t0 = Clock::now();
    Exec(c, "REFRESH MATERIALIZED VIEW bench_join");
    join.push_back(Ms(Clock::now() - t0));
  }
  return {Median(agg), Median(join)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string freshet_conn, pg_conn;
  std::vector<long> sizes = {10000, 100000, 1000000};
  int inserts = 50;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--freshet") {
      freshet_conn = next();
    } else if (a == "--postgres") {
      pg_conn = next();
    } else if (a == "--sizes") {
      sizes.clear();
      std::stringstream ss(next());
      std::string item;
      while (std::getline(ss, item, ',')) sizes.push_back(std::atol(item.c_str()));
    } else if (a == "--inserts") {
      inserts = std::atoi(next().c_str());
    } else {
      std::printf(
          "usage: freshet-bench-views --freshet CONNINFO [--postgres CONNINFO] "
          "[--sizes 10000,100000,1000000] [--inserts 50]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (freshet_conn.empty()) {
    std::fprintf(stderr, "--freshet is required (see --help)\n");
    return 2;
  }
  try {
    pqxx::connection freshet(freshet_conn);
    std::unique_ptr<pqxx::connection> pg;
    if (!pg_conn.empty()) pg = std::make_unique<pqxx::connection>(pg_conn);
    std::printf("%10s | %16s | %16s | %18s | %18s | %9s | %9s\n", "rows", "freshet agg ms",
                "freshet join ms", "pg refresh agg ms", "pg refresh join ms", "agg ratio",
                "join ratio");
    for (long rows : sizes) {
      Load(freshet, rows);
      Figures f = MeasureFreshet(freshet, rows, inserts);
      Figures p;
      if (pg) {
        Load(*pg, rows);
        p = MeasurePostgres(*pg, rows);
      }
      std::printf("%10ld | %16.2f | %16.2f | %18.2f | %18.2f | %9.1f | %9.1f\n", rows, f.agg_ms,
                  f.join_ms, p.agg_ms, p.join_ms, pg ? p.agg_ms / f.agg_ms : 0.0,
                  pg ? p.join_ms / f.join_ms : 0.0);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "freshet-bench-views: %s\n", e.what());
    return 1;
  }
  return 0;
}
