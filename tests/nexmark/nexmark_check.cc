// Nexmark correctness check: runs every supported Nexmark query on Freshet — as a materialized
// view maintained while the generator's events stream in (over several partitions, so they
// arrive out of order), and as a batch SELECT — and compares both with PostgreSQL's answer to the
// same query (windows spelled with date_bin / generate_series) over the same events, copied out
// of Freshet's sources with COPY. Values are compared the sqllogictest way (integers, reals to
// three decimals, text), as multisets. Exits 1 on any difference.
//
// With --write-slt FILE it also writes a sqllogictest file of the same views and queries whose
// expected results are PostgreSQL's (hashed when large), for runs without PostgreSQL.
//
// Usage: freshet-nexmark-check --freshet CONNINFO --postgres CONNINFO [--events N] [--rate R]
//          [--partitions P] [--queries q0,q5,...] [--write-slt FILE]

#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/nexmark_queries.h"
#include "sqllogictest/result_formatter.h"

namespace {

using freshet::bench::NexmarkQuery;
using freshet::slt::QueryResult;
using freshet::slt::ResultFormatter;
using freshet::slt::SortMode;

struct Options {
  std::string freshet, postgres;
  int64_t events = 60000;
  int64_t rate = 1000;
  int partitions = 3;
  std::set<std::string> queries;  // empty: all
  std::string write_slt;
};

const char* kTables[] = {"person", "auction", "bid"};

/// A query's rows as text, with the sqllogictest type letter of each column.
struct Answer {
  std::string types;
  QueryResult result;
};

Answer Fetch(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction w(c);
  pqxx::result r = w.exec(sql);
  Answer a;
  a.result.columns = r.columns();
  for (pqxx::row::size_type i = 0; i < r.columns(); i++) {
    switch (r.column_type(i)) {
      case 20:  // int8
      case 21:  // int2
      case 23:  // int4
        a.types += 'I';
        break;
      case 700:   // float4
      case 701:   // float8
      case 1700:  // numeric
        a.types += 'R';
        break;
      default:
        a.types += 'T';
    }
  }
  for (const auto& row : r) {
    std::vector<std::optional<std::string>> cells;
    for (const auto& f : row) {
      cells.push_back(f.is_null() ? std::nullopt : std::optional<std::string>(f.c_str()));
    }
    a.result.rows.push_back(std::move(cells));
  }
  return a;
}

std::vector<std::string> Values(const std::string& types, const QueryResult& r) {
  auto v = ResultFormatter::FormatRows(types, r);
  ResultFormatter::Sort(SortMode::kRowSort, types.size(), &v);
  return v;
}

void Exec(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction w(c);
  w.exec(sql);
}

/// Copies a relation from Freshet into the PostgreSQL table of the same name with COPY.
bool CopyTable(const Options& o, const std::string& table) {
  PGconn* from = PQconnectdb(o.freshet.c_str());
  PGconn* to = PQconnectdb(o.postgres.c_str());
  bool ok = PQstatus(from) == CONNECTION_OK && PQstatus(to) == CONNECTION_OK;
  if (ok) {
    PGresult* out = PQexec(from, ("COPY " + table + " TO STDOUT").c_str());
    PGresult* in = PQexec(to, ("COPY " + table + " FROM STDIN").c_str());
    ok = PQresultStatus(out) == PGRES_COPY_OUT && PQresultStatus(in) == PGRES_COPY_IN;
    PQclear(out);
    PQclear(in);
    char* buf = nullptr;
    int n;
    while (ok && (n = PQgetCopyData(from, &buf, 0)) > 0) {
      ok = PQputCopyData(to, buf, n) == 1;
      PQfreemem(buf);
    }
    ok = ok && PQputCopyEnd(to, nullptr) == 1;
    for (PGconn* c : {from, to}) {
      while (PGresult* r = PQgetResult(c)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
          std::fprintf(stderr, "copy %s: %s", table.c_str(), PQresultErrorMessage(r));
          ok = false;
        }
        PQclear(r);
      }
    }
  } else {
    std::fprintf(stderr, "copy %s: %s%s", table.c_str(), PQerrorMessage(from), PQerrorMessage(to));
  }
  PQfinish(from);
  PQfinish(to);
  return ok;
}

/// Prints up to `limit` rows of `a` that `b` lacks (both sorted flat value lists of `cols`).
void PrintMissing(const char* what, const std::vector<std::string>& a,
                  const std::vector<std::string>& b, size_t cols, int limit) {
  std::multiset<std::string> rest;
  auto row = [&](const std::vector<std::string>& v, size_t i) {
    std::string s;
    for (size_t c = 0; c < cols; c++) s += (c ? " " : "") + v[i * cols + c];
    return s;
  };
  for (size_t i = 0; cols && i < b.size() / cols; i++) rest.insert(row(b, i));
  for (size_t i = 0; cols && i < a.size() / cols && limit > 0; i++) {
    auto s = row(a, i);
    auto it = rest.find(s);
    if (it != rest.end()) {
      rest.erase(it);
      continue;
    }
    std::fprintf(stderr, "    only in %s: %s\n", what, s.c_str());
    limit--;
  }
}

std::string SourceOptions(const Options& o) {
  return "nexmark.event.num = " + std::to_string(o.events) +
         ", nexmark.event.rate = " + std::to_string(o.rate) +
         ", nexmark.max.speed = true, nexmark.base.time = '2024-01-01 00:00:00', partitions = " +
         std::to_string(o.partitions);
}

std::string SltBlock(const std::string& sql, const Answer& pg) {
  auto v = Values(pg.types, pg.result);
  std::string out = "query " + pg.types + " rowsort\n" + sql + "\n----\n";
  if (v.size() > 48) return out + ResultFormatter::HashSummaryText(v) + "\n\n";
  for (const auto& s : v) out += s + "\n";
  return out + "\n";
}

int Run(const Options& o) {
  pqxx::connection f(o.freshet), p(o.postgres);
  std::vector<const NexmarkQuery*> queries;
  for (const auto& q : freshet::bench::NexmarkQueries()) {
    if (o.queries.empty() || o.queries.count(q.name)) queries.push_back(&q);
  }
  std::ostringstream slt;
  slt << "# Generated by freshet-nexmark-check --write-slt (events " << o.events << ", rate "
      << o.rate << "/s, " << o.partitions
      << " partitions):\n# every supported Nexmark query as a view and as a batch query, with "
         "PostgreSQL's results\n# over the same events as the expected ones.\n\n";
  for (const char* t : kTables) {
    std::string ddl = freshet::bench::NexmarkSourceDdl(t, SourceOptions(o));
    Exec(f, ddl);
    slt << "statement ok\n" << ddl << "\n\n";
    Exec(p, std::string("DROP TABLE IF EXISTS ") + t);
    Exec(p, freshet::bench::NexmarkPostgresTableDdl(t));
  }
  Exec(p, "DROP TABLE IF EXISTS side_input");
  for (pqxx::connection* c : {&f, &p}) {
    Exec(*c, freshet::bench::SideInputDdl());
    Exec(*c, freshet::bench::SideInputRows());
  }
  slt << "statement ok\n"
      << freshet::bench::SideInputDdl() << "\n\nstatement ok\n"
      << freshet::bench::SideInputRows() << "\n\n";
  // The views start while the generator's events are still being consumed.
  for (const auto* q : queries) {
    std::string ddl = "CREATE MATERIALIZED VIEW nx_" + q->name + " AS " + q->freshet;
    Exec(f, ddl);
    slt << "statement ok\n" << ddl << "\n\n";
  }
  for (const char* t : kTables) {
    if (!CopyTable(o, t)) return 1;
  }
  int failed = 0;
  for (const auto* q : queries) {
    Answer pg = Fetch(p, q->postgres);
    auto expected = Values(pg.types, pg.result);
    bool ok = true;
    std::string view_sql = "SELECT * FROM nx_" + q->name;
    for (const std::string& sql : {view_sql, q->freshet}) {
      Answer fr;
      try {
        fr = Fetch(f, sql);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s failed: %s\n", q->name.c_str(), sql.c_str(), e.what());
        ok = false;
        continue;
      }
      auto actual = Values(pg.types, fr.result);
      if (fr.result.columns != pg.result.columns || actual != expected) {
        const char* what = sql == view_sql ? "view" : "batch query";
        std::fprintf(stderr, "%s: the %s differs from PostgreSQL: %zu rows, PostgreSQL %zu\n",
                     q->name.c_str(), what, fr.result.rows.size(), pg.result.rows.size());
        PrintMissing("Freshet", actual, expected, pg.types.size(), 5);
        PrintMissing("PostgreSQL", expected, actual, pg.types.size(), 5);
        ok = false;
      }
    }
    std::printf("%s: %s (%zu rows)\n", q->name.c_str(), ok ? "equal" : "DIFFERENT",
                pg.result.rows.size());
    if (!ok) failed++;
    slt << SltBlock(view_sql, pg) << SltBlock(q->freshet, pg);
  }
  if (!o.write_slt.empty()) {
    std::ofstream out(o.write_slt);
    out << slt.str();
  }
  std::printf("%zu passed, %d failed\n", queries.size() - failed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--freshet") {
      o.freshet = next();
    } else if (a == "--postgres") {
      o.postgres = next();
    } else if (a == "--events") {
      o.events = std::atoll(next().c_str());
    } else if (a == "--rate") {
      o.rate = std::atoll(next().c_str());
    } else if (a == "--partitions") {
      o.partitions = std::atoi(next().c_str());
    } else if (a == "--queries") {
      std::stringstream ss(next());
      std::string q;
      while (std::getline(ss, q, ',')) o.queries.insert(q);
    } else if (a == "--write-slt") {
      o.write_slt = next();
    } else {
      std::fprintf(stderr,
                   "usage: freshet-nexmark-check --freshet CONNINFO --postgres CONNINFO [--events "
                   "N] [--rate R] [--partitions P] [--queries q0,q5,...] [--write-slt FILE]\n");
      return 2;
    }
  }
  if (o.freshet.empty() || o.postgres.empty() || o.events <= 0 || o.rate <= 0 ||
      o.partitions <= 0) {
    std::fprintf(stderr, "freshet-nexmark-check: --freshet and --postgres are required\n");
    return 2;
  }
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "freshet-nexmark-check: %s\n", e.what());
    std::printf("0 passed, 1 failed\n");
    return 1;
  }
}
