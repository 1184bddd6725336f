// Differential test of materialized views against a real PostgreSQL: seeded random INSERT /
// UPDATE / DELETE batches go to both systems; after every batch each Freshet materialized view
// must equal PostgreSQL's answer to the same query (as a multiset). On a mismatch it prints the
// seed and a reproduction reduced to the statements that still trigger it, and exits 1.
//
// Usage: freshet-pgdiff --freshet CONNINFO --postgres CONNINFO [--seed N] [--batches N]

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

namespace {

const char* kSchema[] = {
    "CREATE TABLE a (id int PRIMARY KEY, k int, v int, s text, n numeric(6,2))",
    "CREATE TABLE b (id int PRIMARY KEY, k int, w int, t text)",
};

const char* kViews[] = {
    // joins of all kinds, with NULL keys
    "SELECT a.id, b.id AS bid, a.v + b.w AS vw FROM a JOIN b ON a.k = b.k",
    "SELECT a.id, b.t FROM a LEFT JOIN b ON a.k = b.k AND b.w > 10",
    "SELECT b.id, a.s FROM a RIGHT JOIN b ON a.k = b.k",
    "SELECT a.id, b.id AS bid FROM a FULL JOIN b ON a.k = b.k",
    "SELECT x.id, y.id AS yid FROM a x JOIN a y ON x.k = y.k AND x.id < y.id",
    // aggregates
    "SELECT k, count(*), count(v), sum(v), min(v), max(v), avg(v), sum(n), count(DISTINCT s) "
    "FROM a GROUP BY k",
    "SELECT count(*), sum(w), max(t) FROM b",
    "SELECT s, sum(v) AS total FROM a GROUP BY s HAVING count(*) > 1",
    "SELECT b.t, count(a.id), sum(a.v) FROM b LEFT JOIN a ON a.k = b.k GROUP BY b.t",
    // subqueries
    "SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k)",
    "SELECT id FROM a WHERE k NOT IN (SELECT k FROM b WHERE k IS NOT NULL)",
    "SELECT id, (SELECT count(*) FROM b WHERE b.w > a.v) AS c FROM a",
    "SELECT id FROM a WHERE v > (SELECT avg(w) FROM b)",
    // top-N, DISTINCT, set operations
    "SELECT id, v FROM a ORDER BY v DESC NULLS LAST, id LIMIT 4",
    "SELECT DISTINCT k, s FROM a",
    "SELECT k FROM a UNION SELECT k FROM b",
    "SELECT k FROM a EXCEPT ALL SELECT k FROM b",
    "SELECT k FROM a INTERSECT SELECT k FROM b",
    // window functions, ordered and statistical aggregates, DISTINCT ON, top-N over groups
    "SELECT * FROM (SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST, "
    "id) AS rn FROM a) x WHERE rn <= 2",
    "SELECT k, string_agg(s, ',' ORDER BY id) FROM a GROUP BY k",
    "SELECT k, stddev(v), var_pop(n) FROM a GROUP BY k",
    "SELECT DISTINCT ON (k) k, id, v FROM a ORDER BY k, v DESC NULLS LAST, id",
    "SELECT t, count(*) FROM b GROUP BY t ORDER BY count(*) DESC, t NULLS FIRST LIMIT 2",
};
constexpr int kViewCount = sizeof(kViews) / sizeof(kViews[0]);

/// Runs SQL, returning the SQLSTATE of an error ("" on success).
std::string Run(pqxx::connection& c, const std::string& sql) {
  try {
    pqxx::nontransaction w(c);
    w.exec(sql);
    return "";
  } catch (const pqxx::sql_error& e) {
    std::string code = e.sqlstate().empty() ? "ERROR" : e.sqlstate();
    // A failed statement inside BEGIN leaves the block aborted: end it the same way on both.
    try {
      pqxx::nontransaction w(c);
      w.exec("ROLLBACK");
    } catch (const std::exception&) {
    }
    return code;
  }
}

std::vector<std::string> Rows(pqxx::connection& c, const std::string& sql) {
  pqxx::nontransaction w(c);
  auto r = w.exec(sql);
  std::vector<std::string> out;
  for (const auto& row : r) {
    std::string line;
    for (const auto& f : row) line += (f.is_null() ? "NULL" : f.c_str()) + std::string("|");
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// One generated statement (or transaction) for both systems.
std::string RandomStatement(std::mt19937& rng) {
  auto r = [&](int n) { return static_cast<int>(rng() % n); };
  auto val = [&](int n) { return r(6) == 0 ? std::string("NULL") : std::to_string(r(n)); };
  auto text = [&]() { return r(6) == 0 ? std::string("NULL") : "'s" + std::to_string(r(4)) + "'"; };
  switch (r(9)) {
    case 0:
    case 1:
      return "INSERT INTO a VALUES (" + std::to_string(r(60)) + ", " + val(6) + ", " + val(30) +
             ", " + text() + ", " + (r(5) == 0 ? "NULL" : std::to_string(r(500)) + ".5") + ")";
    case 2:
    case 3:
      return "INSERT INTO b VALUES (" + std::to_string(r(40)) + ", " + val(6) + ", " + val(30) +
             ", " + text() + ")";
    case 4:
      return "UPDATE a SET v = " + val(30) + ", k = " + val(6) +
             " WHERE id % 5 = " + std::to_string(r(5));
    case 5:
      return "UPDATE b SET w = w + 1, t = " + text() + " WHERE k = " + std::to_string(r(6));
    case 6:
      return "DELETE FROM a WHERE id % 7 = " + std::to_string(r(7));
    case 7:
      return "DELETE FROM b WHERE id = " + std::to_string(r(40));
    default:
      return "BEGIN; DELETE FROM a WHERE k = " + std::to_string(r(6)) + "; INSERT INTO b VALUES (" +
             std::to_string(100 + r(1000)) + ", 1, 2, 's1'); " + (r(2) ? "COMMIT" : "ROLLBACK");
  }
}

void Reset(pqxx::connection& f, pqxx::connection& p, bool views) {
  for (int i = 0; i < kViewCount; i++)
    Run(f, "DROP MATERIALIZED VIEW IF EXISTS v" + std::to_string(i));
  for (pqxx::connection* c : {&f, &p}) {
    Run(*c, "DROP TABLE IF EXISTS a");
    Run(*c, "DROP TABLE IF EXISTS b");
    for (const char* s : kSchema) Run(*c, s);
  }
  if (views) {
    for (int i = 0; i < kViewCount; i++) {
      std::string err =
          Run(f, "CREATE MATERIALIZED VIEW v" + std::to_string(i) + " AS " + kViews[i]);
      if (!err.empty()) {
        std::fprintf(stderr, "cannot create view %d (%s): %s\n", i, err.c_str(), kViews[i]);
        std::exit(1);
      }
    }
  }
}

/// Replays `stmts` on fresh tables and reports whether view `view` then differs (or an error
/// code differs).
bool Fails(pqxx::connection& f, pqxx::connection& p, const std::vector<std::string>& stmts,
           int view) {
  Reset(f, p, true);
  for (const auto& s : stmts) {
    if (Run(f, s) != Run(p, s)) return true;
  }
  return Rows(f, "SELECT * FROM v" + std::to_string(view)) != Rows(p, kViews[view]);
}

}  // namespace

int main(int argc, char** argv) {
  std::string fconn, pconn;
  uint32_t seed = 1;
  int batches = 60;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--freshet")
      fconn = next();
    else if (a == "--postgres")
      pconn = next();
    else if (a == "--seed")
      seed = static_cast<uint32_t>(std::atoll(next().c_str()));
    else if (a == "--batches")
      batches = std::atoi(next().c_str());
    else {
      std::printf(
          "usage: freshet-pgdiff --freshet CONNINFO --postgres CONNINFO [--seed N] "
          "[--batches N]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  try {
    pqxx::connection f(fconn), p(pconn);
    Run(p, "SET TIME ZONE 'UTC'");
    Reset(f, p, true);
    std::mt19937 rng(seed);
    std::vector<std::string> log;
    for (int batch = 0; batch < batches; batch++) {
      int n = 1 + static_cast<int>(rng() % 5);
      for (int i = 0; i < n; i++) {
        std::string s = RandomStatement(rng);
        log.push_back(s);
        std::string fe = Run(f, s), pe = Run(p, s);
        if (fe != pe) {
          std::printf("pgdiff: seed %u batch %d: '%s' gave %s on Freshet, %s on PostgreSQL\n", seed,
                      batch, s.c_str(), fe.empty() ? "OK" : fe.c_str(),
                      pe.empty() ? "OK" : pe.c_str());
          std::printf("0 passed, 1 failed\n");
          return 1;
        }
      }
      for (int v = 0; v < kViewCount; v++) {
        if (Rows(f, "SELECT * FROM v" + std::to_string(v)) == Rows(p, kViews[v])) continue;
        std::printf("pgdiff: seed %u batch %d: view %d differs from PostgreSQL: %s\n", seed, batch,
                    v, kViews[v]);
        // Reduce the reproduction: drop every statement the mismatch does not need.
        std::vector<std::string> repro = log;
        for (size_t i = repro.size(); i-- > 0;) {
          std::vector<std::string> shorter = repro;
          shorter.erase(shorter.begin() + static_cast<long>(i));
          if (Fails(f, p, shorter, v)) repro = shorter;
        }
        std::printf("reproduction:\n");
        for (const char* s : kSchema) std::printf("  %s;\n", s);
        std::printf("  CREATE MATERIALIZED VIEW v AS %s;\n", kViews[v]);
        for (const auto& s : repro) std::printf("  %s;\n", s.c_str());
        std::printf("  SELECT * FROM v;  -- compare with the query on PostgreSQL\n");
        std::printf("0 passed, 1 failed\n");
        return 1;
      }
    }
    std::printf("pgdiff: seed %u, %d batches, %zu statements, %d views: all equal to PostgreSQL\n",
                seed, batches, log.size(), kViewCount);
    std::printf("1 passed, 0 failed\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pgdiff: %s\n", e.what());
    return 1;
  }
  return 0;
}
