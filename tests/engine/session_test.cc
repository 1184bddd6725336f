// In-process tests of the engine: sessions, transactions, COPY, binder and executor behaviour,
// and persistence across a reopen of the data directory.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

#include "engine/database.h"
#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::CaptureSink;
using test_support::EngineTest;
using test_support::Rows;

TEST_F(EngineTest, TransactionStatusAndAbortedBlocks) {
  ASSERT_EQ(Exec("CREATE TABLE t (a int PRIMARY KEY)"), "");
  EXPECT_EQ(session_->TransactionStatus(), 'I');
  ASSERT_EQ(Exec("BEGIN; INSERT INTO t VALUES (1)"), "");
  EXPECT_EQ(session_->TransactionStatus(), 'T');
  EXPECT_EQ(Exec("INSERT INTO t VALUES (1)"), "23505");
  EXPECT_EQ(session_->TransactionStatus(), 'E');
  EXPECT_EQ(Exec("SELECT 1"), "25P02");
  ASSERT_EQ(Exec("COMMIT"), "");
  EXPECT_EQ(sink_.tags, Rows{"ROLLBACK"}) << "COMMIT of a failed block rolls back";
  EXPECT_EQ(session_->TransactionStatus(), 'I');
  EXPECT_EQ(Query("SELECT count(*) FROM t"), Rows{"0"});
}

TEST_F(EngineTest, MultiStatementStringIsOneImplicitTransaction) {
  ASSERT_EQ(Exec("CREATE TABLE t (a int PRIMARY KEY)"), "");
  EXPECT_EQ(Exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); SELECT 1/0"), "22012");
  EXPECT_EQ(Query("SELECT count(*) FROM t"), Rows{"0"});
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"), "");
  EXPECT_EQ(sink_.tags, (Rows{"INSERT 0 1", "INSERT 0 1"}));
  EXPECT_EQ(Query("SELECT a FROM t ORDER BY a DESC"), (Rows{"2", "1"}));
}

TEST_F(EngineTest, RolledBackDdlLeavesNoTrace) {
  ASSERT_EQ(Exec("BEGIN; CREATE TABLE gone (a int); INSERT INTO gone VALUES (1); ROLLBACK"), "");
  EXPECT_EQ(Exec("SELECT * FROM gone"), "42P01");
  Reopen();
  EXPECT_EQ(Exec("SELECT * FROM gone"), "42P01");
}

TEST_F(EngineTest, CommittedDataAndCatalogSurviveReopen) {
  ASSERT_EQ(Exec("CREATE TABLE k (id int PRIMARY KEY, v text NOT NULL DEFAULT 'd'); "
                 "CREATE TABLE nopk (x int); INSERT INTO nopk VALUES (1), (1); "
                 "INSERT INTO k (id) VALUES (1), (2); CREATE VIEW kv AS SELECT v FROM k"),
            "");
  Reopen();
  EXPECT_EQ(Query("SELECT id, v FROM k ORDER BY id"), (Rows{"1|d", "2|d"}));
  EXPECT_EQ(Query("SELECT count(*) FROM kv"), Rows{"2"});
  // Hidden row ids resume after the largest stored one: no overwrite of existing rows.
  ASSERT_EQ(Exec("INSERT INTO nopk VALUES (2)"), "");
  EXPECT_EQ(Query("SELECT x FROM nopk ORDER BY x"), (Rows{"1", "1", "2"}));
  EXPECT_EQ(Exec("INSERT INTO k VALUES (1, 'x')"), "23505");
}

TEST_F(EngineTest, UniqueConstraintsSurviveReopen) {
  ASSERT_EQ(Exec("CREATE TABLE u (id int PRIMARY KEY, email text UNIQUE); "
                 "INSERT INTO u VALUES (1, 'a'), (2, NULL), (3, NULL)"),
            "");
  Reopen();
  EXPECT_EQ(Exec("INSERT INTO u VALUES (4, 'a')"), "23505");
  EXPECT_NE(last_.message().find("u_email_key"), std::string::npos);
  EXPECT_EQ(last_.detail(), "Key (email)=(a) already exists.");
  ASSERT_EQ(Exec("DELETE FROM u WHERE id = 1; INSERT INTO u VALUES (4, 'a')"), "");
}

TEST_F(EngineTest, CopyFromStdinInChunksAndToStdout) {
  ASSERT_EQ(Exec("CREATE TABLE c (a int, b text, d date)"), "");
  ASSERT_EQ(Exec("COPY c FROM STDIN"), "");
  EXPECT_TRUE(sink_.copy_in);
  ASSERT_TRUE(session_->CopyData("1\tone\t2024-01-").ok());
  ASSERT_TRUE(session_->CopyData("02\n2\t\\N\t\\N\n3\ttab\\there\t2024-02-29\n").ok());
  CaptureSink done;
  ASSERT_TRUE(session_->CopyDone(done).ok());
  EXPECT_EQ(done.tags, Rows{"COPY 3"});
  EXPECT_EQ(Query("SELECT a, b, d FROM c ORDER BY a"),
            (Rows{"1|one|2024-01-02", "2|NULL|NULL", "3|tab\there|2024-02-29"}));
  ASSERT_EQ(Exec("COPY c TO STDOUT WITH (FORMAT csv)"), "");
  EXPECT_EQ(sink_.copy_out, "1,one,2024-01-02\n2,,\n3,tab\there,2024-02-29\n");
}

TEST_F(EngineTest, BadCopyDataIsRejectedAndNothingIsKept) {
  ASSERT_EQ(Exec("CREATE TABLE c (a int)"), "");
  ASSERT_EQ(Exec("COPY c FROM STDIN"), "");
  ASSERT_TRUE(session_->CopyData("1\n").ok());
  Status s = session_->CopyData("not-a-number\n");
  EXPECT_EQ(s.sqlstate(), "22P02");
  EXPECT_EQ(session_->TransactionStatus(), 'I');
  EXPECT_EQ(Query("SELECT count(*) FROM c"), Rows{"0"});
  // A client that disconnects mid-COPY leaves nothing either.
  ASSERT_EQ(Exec("COPY c FROM STDIN"), "");
  ASSERT_TRUE(session_->CopyData("5\n6\n").ok());
  session_->Close();
  session_ = NewSession();
  EXPECT_EQ(Query("SELECT count(*) FROM c"), Rows{"0"});
}

TEST_F(EngineTest, BinderErrorsCarryPostgresCodes) {
  ASSERT_EQ(Exec("CREATE TABLE t (a int, b text)"), "");
  EXPECT_EQ(Exec("SELECT nope FROM t"), "42703");
  EXPECT_EQ(last_.position(), 8);
  EXPECT_EQ(Exec("SELECT a FROM t GROUP BY b"), "42803");
  EXPECT_EQ(Exec("SELECT count(*) FROM t WHERE count(*) > 1"), "42803");
  EXPECT_EQ(Exec("SELECT a FROM t WHERE a"), "42804");
  EXPECT_EQ(Exec("SELECT a + b FROM t"), "42883");
  EXPECT_EQ(Exec("SELECT * FROM t t1, t t1"), "42712");
  EXPECT_EQ(Exec("SELECT a FROM t, t u"), "42702");
  EXPECT_EQ(Exec("SELECT 1 UNION SELECT 'x'::text"), "42804");
  EXPECT_EQ(Exec("SELECT 1 LIMIT -1"), "2201W");
}

TEST_F(EngineTest, ResultTypesFollowPostgres) {
  ASSERT_EQ(Exec("CREATE TABLE t (i int, s smallint, b bigint, f real)"), "");
  ASSERT_EQ(
      Exec("SELECT i + b, sum(i), sum(b), avg(s), i / 2, f * 2, 1.5 + i FROM t GROUP BY i, b, f"),
      "");
  std::vector<uint32_t> oids;
  for (const auto& c : sink_.columns) oids.push_back(c.type.Oid());
  EXPECT_EQ(oids, (std::vector<uint32_t>{20, 20, 1700, 1700, 23, 700, 1700}));
}

TEST_F(EngineTest, NullSemanticsInPredicatesAndSubqueries) {
  ASSERT_EQ(Exec("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (NULL), (3)"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE a NOT IN (SELECT a FROM t WHERE a > 1)"),
            Rows{"1"});
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE 2 NOT IN (SELECT a FROM t)"), Rows{"0"});
  EXPECT_EQ(Query("SELECT count(*) FROM t x WHERE EXISTS (SELECT 1 FROM t y WHERE y.a > x.a)"),
            Rows{"1"});
  EXPECT_EQ(Query("SELECT count(a), count(*), sum(a) FROM t"), Rows{"2|3|4"});
  EXPECT_EQ(Query("SELECT a, rank() OVER (ORDER BY a) FROM t ORDER BY a NULLS FIRST"),
            (Rows{"NULL|3", "1|1", "3|2"}));
}

TEST_F(EngineTest, SettingsAreReportedAndValidated) {
  ASSERT_EQ(Exec("SET application_name = 'tool'"), "");
  EXPECT_EQ(sink_.params,
            (std::vector<std::pair<std::string, std::string>>{{"application_name", "tool"}}));
  EXPECT_EQ(Exec("SET no_such_setting = 1"), "42704");
  ASSERT_EQ(Exec("SET TIME ZONE 'Europe/Paris'"), "");
  EXPECT_EQ(Query("SELECT TIMESTAMPTZ '2024-07-01 12:00:00+00'"), Rows{"2024-07-01 14:00:00+02"});
  EXPECT_EQ(Query("SHOW extra_float_digits"), Rows{"1"});
}

TEST_F(EngineTest, UnknownDatabaseIsRefused) {
  auto s = db_->StartSession({{"user", "freshet"}, {"database", "other"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().sqlstate(), "3D000");
}

}  // namespace
}  // namespace freshet::engine

namespace freshet::engine {
namespace {

TEST_F(EngineTest, CancelStopsARunningStatementWith57014) {
  Status result;
  std::thread runner([&] {
    CaptureSink sink;
    result = session_->ExecuteSimple(
        "SELECT count(*) FROM generate_series(1, 30000) a, generate_series(1, 30000) b "
        "WHERE a.a + b.b < 0",
        sink);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  session_->Cancel();
  runner.join();
  EXPECT_EQ(result.sqlstate(), "57014");
  EXPECT_EQ(session_->TransactionStatus(), 'I');
  EXPECT_EQ(Query("SELECT 1"), Rows{"1"}) << "the session keeps working after a cancel";
}

}  // namespace
}  // namespace freshet::engine

namespace freshet::engine {
namespace {

TEST_F(EngineTest, ExtendedProtocolWithTextAndBinaryParameters) {
  ASSERT_EQ(Exec("CREATE TABLE p (id int PRIMARY KEY, name text)"), "");
  auto info = session_->Prepare("ins", "INSERT INTO p VALUES ($1, $2)", {23, 25});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  std::string forty_one("\0\0\0\x29", 4);  // int4 41, big-endian
  CaptureSink sink;
  ASSERT_TRUE(
      session_->ExecutePrepared("ins", {{forty_one, true}, {std::string("binary"), false}}, sink)
          .ok());
  ASSERT_TRUE(
      session_->ExecutePrepared("ins", {{std::string("7"), false}, {std::nullopt, false}}, sink)
          .ok());
  auto sel = session_->Prepare("sel", "SELECT name FROM p WHERE id = $1", {});
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_EQ(sel->param_oids, (std::vector<uint32_t>{23})) << "$1 inferred from id";
  ASSERT_EQ(sel->columns.size(), 1u);
  CaptureSink rows;
  ASSERT_TRUE(session_->ExecutePrepared("sel", {{std::string("41"), false}}, rows).ok());
  EXPECT_EQ(rows.rows, Rows{"binary"});
  // A binary value of the wrong size is a clear error, and nothing is inserted.
  CaptureSink bad;
  Status s = session_->ExecutePrepared(
      "ins", {{std::string("\x01", 1), true}, {std::nullopt, false}}, bad);
  EXPECT_EQ(s.sqlstate(), "22P03");
  EXPECT_EQ(Query("SELECT count(*) FROM p"), Rows{"2"});
  // Several statements cannot be prepared at once.
  EXPECT_EQ(session_->Prepare("two", "SELECT 1; SELECT 2", {}).status().sqlstate(), "42601");
  // A write prepared without parameter types (pgbench, most drivers) takes as many as its text
  // uses ($n in literals and comments aside); its values are typed by their columns.
  auto untyped = session_->Prepare(
      "untyped", "INSERT INTO p VALUES ($2 * 10, '$9' || $1) -- $7\n /* $8 */", {});
  ASSERT_TRUE(untyped.ok()) << untyped.status().ToString();
  EXPECT_EQ(untyped->param_oids.size(), 2u);
  CaptureSink untyped_sink;
  ASSERT_TRUE(session_
                  ->ExecutePrepared("untyped",
                                    {{std::string("x"), false}, {std::string("5"), false}},
                                    untyped_sink)
                  .ok());
  EXPECT_EQ(Query("SELECT name FROM p WHERE id = 50"), Rows{"$9x"});
}

}  // namespace
}  // namespace freshet::engine

namespace freshet::engine {
namespace {

TEST_F(EngineTest, StatementTimeoutCancelsLongStatements) {
  ASSERT_EQ(Exec("SET statement_timeout = '100ms'"), "");
  EXPECT_EQ(Query("SHOW statement_timeout"), Rows{"100ms"});
  EXPECT_EQ(Exec("SELECT count(*) FROM generate_series(1, 30000) a, generate_series(1, 30000) b "
                 "WHERE a.a + b.b < 0"),
            "57014");
  EXPECT_NE(last_.message().find("statement timeout"), std::string::npos);
  EXPECT_EQ(Exec("SET statement_timeout = 'soon'"), "22023");
  ASSERT_EQ(Exec("SET statement_timeout = 0"), "");
  EXPECT_EQ(Query("SELECT 1"), Rows{"1"});
}

}  // namespace
}  // namespace freshet::engine

namespace freshet::engine {
namespace {

/// Incremental results must equal batch results: random inserts, updates, deletes (with
/// rollbacks and savepoints) against several materialized views, each compared after every step
/// with the same query run by the batch executor.
TEST_F(EngineTest, MaterializedViewsEqualBatchResultsUnderRandomChanges) {
  ASSERT_EQ(Exec("CREATE TABLE f (id int PRIMARY KEY, g int, h text, v int, n numeric(8,2), "
                 "b boolean); CREATE TABLE d (g int, label text)"),
            "");
  const std::vector<std::string> queries = {
      "SELECT g, count(*), count(v), sum(v), min(v), max(v), avg(v), sum(n), avg(n), "
      "bool_and(b), bool_or(b), count(DISTINCT h) FROM f GROUP BY g",
      "SELECT count(*), sum(v), min(h), max(n) FROM f",
      "SELECT h, count(*) FILTER (WHERE v > 50) AS big FROM f WHERE g IS NOT NULL GROUP BY h "
      "HAVING count(*) > 1",
      "SELECT id, v * 2 + 1 AS w, upper(h) FROM f WHERE v % 3 = 0 OR h IS NULL",
      "SELECT g + 1 AS k, sum(v) - min(v) AS spread FROM f GROUP BY g + 1",
      "SELECT f.id, d.label FROM f JOIN d ON f.g = d.g",
      "SELECT f.id, d.label, f.v FROM f LEFT JOIN d ON f.g = d.g AND f.v > 10",
      "SELECT f.id, d.g, d.label FROM f FULL JOIN d ON f.g = d.g",
      "SELECT d.label, count(*), sum(f.v) FROM d RIGHT JOIN f ON f.g = d.g GROUP BY d.label",
      "SELECT a.id, b.id FROM f a JOIN f b ON a.h = b.h AND a.id < b.id",
      "SELECT DISTINCT g, h FROM f",
      "SELECT g FROM f UNION SELECT g FROM d",
      "SELECT g FROM f EXCEPT ALL SELECT g FROM d",
      "SELECT g FROM f INTERSECT SELECT g FROM d",
      "SELECT count(*) FROM d CROSS JOIN (SELECT DISTINCT h FROM f) x",
      "SELECT id, v FROM f ORDER BY v DESC NULLS LAST, id LIMIT 5",
      "SELECT g, sum(v) FROM f GROUP BY g ORDER BY 2 DESC NULLS LAST, g LIMIT 2 OFFSET 1",
      "SELECT id, (SELECT count(*) FROM f x WHERE x.v < f.v) FROM f",
      "SELECT id FROM f WHERE EXISTS (SELECT 1 FROM d WHERE d.g = f.g)",
      "SELECT id FROM f WHERE NOT EXISTS (SELECT 1 FROM d WHERE d.g = f.g AND d.label = 'l1')",
      "SELECT id, g IN (SELECT g FROM d) AS has, g NOT IN (SELECT g FROM d) AS hasnt FROM f",
      "SELECT id, CASE WHEN v > (SELECT avg(v) FROM f) THEN 'hi' ELSE 'lo' END FROM f",
      "SELECT h, count(*) FROM f WHERE g IN (SELECT g FROM d WHERE label <> 'l0') GROUP BY h",
      "SELECT count(*), max(w) FROM mv3 WHERE w > 50",  // a view over a view
      "SELECT * FROM (SELECT id, g, row_number() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST, "
      "id) AS rn FROM f) x WHERE rn <= 2",
      "SELECT id, rank() OVER (PARTITION BY h ORDER BY v), sum(v) OVER (PARTITION BY h ORDER BY "
      "v, id), lag(id) OVER (PARTITION BY h ORDER BY id) FROM f",
      "SELECT DISTINCT ON (g) g, id, v FROM f ORDER BY g, v DESC NULLS LAST, id",
      "SELECT g, string_agg(h, '-' ORDER BY id DESC) FROM f GROUP BY g",
      "SELECT h, stddev(v), variance(n), var_pop(v), stddev_pop(n) FROM f GROUP BY h"};
  for (size_t i = 0; i < queries.size(); i++) {
    ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW mv" + std::to_string(i) + " AS " + queries[i]), "")
        << last_.ToString();
  }
  auto check = [&](const std::string& when) {
    for (size_t i = 0; i < queries.size(); i++) {
      std::vector<std::string> batch = Query(queries[i]);
      std::vector<std::string> view = Query("SELECT * FROM mv" + std::to_string(i));
      std::sort(batch.begin(), batch.end());
      std::sort(view.begin(), view.end());
      ASSERT_EQ(view, batch) << "view " << i << " after " << when;
    }
  };
  // FRESHET_DIFF_SEED / FRESHET_DIFF_STEPS select another run (soak mode); failures print both.
  const char* seed_env = std::getenv("FRESHET_DIFF_SEED");
  const char* steps_env = std::getenv("FRESHET_DIFF_STEPS");
  uint32_t seed = seed_env ? static_cast<uint32_t>(std::atoll(seed_env)) : 20261125u;
  int steps = steps_env ? std::atoi(steps_env) : 300;
  SCOPED_TRACE("FRESHET_DIFF_SEED=" + std::to_string(seed));
  std::mt19937 rng(seed);
  auto rnd = [&](int n) { return static_cast<int>(rng() % n); };
  auto value = [&](int n) { return rnd(8) == 0 ? std::string("NULL") : std::to_string(rnd(n)); };
  for (int step = 0; step < steps; step++) {
    std::string sql;
    int id = rnd(40);
    switch (rnd(7)) {
      case 6:
        sql = rnd(2) ? "INSERT INTO d VALUES (" + value(5) + ", 'l" + std::to_string(rnd(3)) + "')"
                     : "DELETE FROM d WHERE g = " + std::to_string(rnd(5)) + " AND label = 'l" +
                           std::to_string(rnd(3)) + "'";
        break;
      case 0:
      case 1:
        sql = "INSERT INTO f VALUES (" + std::to_string(id) + ", " + value(5) + ", " +
              (rnd(6) == 0 ? "NULL" : "'h" + std::to_string(rnd(4)) + "'") + ", " + value(100) +
              ", " + (rnd(5) == 0 ? "NULL" : std::to_string(rnd(1000)) + ".25") + ", " +
              (rnd(4) == 0 ? "NULL"
               : rnd(2)    ? "true"
                           : "false") +
              ") ON CONFLICT (id) DO NOTHING";
        break;
      case 2:
        sql = "UPDATE f SET v = " + value(100) + ", g = " + value(5) +
              " WHERE id % 7 = " + std::to_string(rnd(7));
        break;
      case 3:
        sql = "DELETE FROM f WHERE id = " + std::to_string(id);
        break;
      case 4:
        sql = "BEGIN; UPDATE f SET v = v + 1 WHERE g = " + std::to_string(rnd(5)) +
              "; SAVEPOINT s; DELETE FROM f WHERE id < 10; ROLLBACK TO SAVEPOINT s; "
              "INSERT INTO f VALUES (" +
              std::to_string(100 + step) + ", 1, 'h9', 3, 1.00, true);" +
              (rnd(2) ? " COMMIT" : " ROLLBACK");
        break;
      default:
        sql = "UPDATE f SET h = NULL WHERE id = " + std::to_string(id) +
              "; DELETE FROM f WHERE v IS NULL AND id > 30";
        break;
    }
    std::string code = Exec(sql);
    ASSERT_TRUE(code.empty() || code == "23505") << sql << ": " << last_.ToString();
    if (session_->TransactionStatus() != 'I') ASSERT_EQ(Exec("ROLLBACK"), "");
    check("step " + std::to_string(step) + ": " + sql);
  }
  // After a restart the views come back with the same contents, from their persisted state (no
  // backfill), and keep updating.
  Reopen();
  auto infos = db_->engine().Info();
  ASSERT_EQ(infos.size(), queries.size());
  for (const auto& info : infos) {
    EXPECT_FALSE(info.backfilling) << "view " << info.id;
    EXPECT_EQ(info.backfill_rows, 0u) << "view " << info.id << " was recomputed at restart";
    EXPECT_EQ(info.error, "");
  }
  check("reopen");
  ASSERT_EQ(Exec("DELETE FROM f WHERE id % 2 = 0; INSERT INTO f VALUES (999, 2, 'z', 42, 1, true)"),
            "");
  check("after reopen");
  ASSERT_EQ(Exec("TRUNCATE f"), "");
  check("truncate");
  ASSERT_EQ(Exec("INSERT INTO f VALUES (1, 1, 'x', 5, 1, true), (2, 1, 'x', 6, 1, false)"), "");
  check("refill");
}

TEST_F(EngineTest, AViewBrokenByItsDataReportsTheErrorAndRecovers) {
  ASSERT_EQ(Exec("CREATE TABLE z (id int PRIMARY KEY, v int); INSERT INTO z VALUES (1, 2)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW zz AS SELECT id, 10 / v AS q FROM z"), "");
  ASSERT_EQ(Exec("INSERT INTO z VALUES (2, 0)"), "") << "the write itself is fine";
  EXPECT_EQ(Exec("SELECT * FROM zz"), "22012") << "reading the view reports why it is broken";
  ASSERT_EQ(Exec("DELETE FROM z WHERE id = 2"), "");
  EXPECT_EQ(Query("SELECT * FROM zz"), Rows{"1|5"});
}

TEST_F(EngineTest, UnsupportedMaterializedViewsAreRefusedWith0A000) {
  ASSERT_EQ(Exec("CREATE TABLE a (x int, y text); CREATE TABLE b (x int)"), "");
  for (const char* q :
       {"SELECT x FROM a LIMIT 3", "SELECT DISTINCT ON (x) x, y FROM a",
        "SELECT string_agg(y, ',') FROM a",
        "SELECT rank() OVER (ORDER BY x), rank() OVER (PARTITION BY y ORDER BY x) FROM a",
        "SELECT x, now() FROM a", "SELECT x FROM a WHERE x > ALL (SELECT x FROM b)",
        "SELECT sum(x::float8) FROM a"}) {
    EXPECT_EQ(Exec(std::string("CREATE MATERIALIZED VIEW m AS ") + q), "0A000") << q;
  }
  ASSERT_EQ(Exec("EXPLAIN CREATE MATERIALIZED VIEW m AS SELECT a.y, count(*) FROM a LEFT JOIN b "
                 "ON a.x = b.x GROUP BY a.y"),
            "");
  std::string plan;
  for (const auto& line : sink_.rows) plan += line + "\n";
  EXPECT_NE(plan.find("Aggregate"), std::string::npos) << plan;
  EXPECT_NE(plan.find("LeftHashJoin"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Scan b"), std::string::npos) << plan;
  EXPECT_NE(plan.find("unbounded"), std::string::npos) << plan;
  EXPECT_EQ(Exec("EXPLAIN CREATE MATERIALIZED VIEW m AS SELECT x FROM a LIMIT 1"), "0A000");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW m AS SELECT x FROM a"), "");
  EXPECT_EQ(Exec("DROP TABLE a"), "2BP01");
  EXPECT_EQ(Exec("DROP TABLE a CASCADE; SELECT * FROM m"), "42P01");
}

TEST_F(EngineTest, MaterializedViewsInTransactionBlocks) {
  ASSERT_EQ(Exec("CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2)"), "");
  // Inside the block the view answers over what the transaction sees; a rollback leaves nothing.
  ASSERT_EQ(Exec("BEGIN; INSERT INTO a VALUES (3); CREATE MATERIALIZED VIEW m AS SELECT count(*) "
                 "FROM a"),
            "");
  EXPECT_EQ(Query("SELECT * FROM m"), Rows{"3"});
  ASSERT_EQ(Exec("ROLLBACK"), "");
  EXPECT_EQ(Exec("SELECT * FROM m"), "42P01");
  EXPECT_TRUE(db_->engine().Info().empty());
  // Committed: maintained from a snapshot that includes the transaction's own writes.
  ASSERT_EQ(Exec("BEGIN; INSERT INTO a VALUES (3); CREATE MATERIALIZED VIEW m AS SELECT count(*) "
                 "FROM a; COMMIT"),
            "");
  EXPECT_EQ(Query("SELECT * FROM m"), Rows{"3"});
  ASSERT_EQ(Exec("INSERT INTO a VALUES (4)"), "");
  EXPECT_EQ(Query("SELECT * FROM m"), Rows{"4"});
  // A rolled-back DROP: the view resumes from its state and catches up.
  ASSERT_EQ(Exec("BEGIN; DROP MATERIALIZED VIEW m"), "");
  EXPECT_EQ(Exec("SELECT * FROM m"), "42P01");
  ASSERT_EQ(Exec("ROLLBACK"), "");
  ASSERT_EQ(Exec("INSERT INTO a VALUES (5)"), "");
  EXPECT_EQ(Query("SELECT * FROM m"), Rows{"5"});
  ASSERT_EQ(Exec("DROP MATERIALIZED VIEW m"), "");
  EXPECT_TRUE(db_->engine().Info().empty());
}

TEST_F(EngineTest, ConsistentReadsWaitForTheEpochAndLatestReadsDoNot) {
  options_.barrier_interval_ms = 3600 * 1000;  // no epoch unless a reader asks for one
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n FROM t"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW s AS SELECT sum(x) AS n FROM t"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1)"), "");
  ASSERT_EQ(Exec("SET freshet.read_mode = 'latest'"), "");
  EXPECT_EQ(Query("SELECT c.n, s.n FROM c, s"), Rows{"1|1"}) << "the last epoch, without waiting";
  ASSERT_EQ(Exec("SET freshet.read_mode = 'consistent'"), "");
  EXPECT_EQ(Query("SELECT c.n, s.n FROM c, s"), Rows{"2|2"}) << "reads wait for their writes";
  EXPECT_EQ(Exec("SET freshet.read_mode = 'sometimes'"), "22023");
  // Another session's reads also see the write once committed.
  auto other = NewSession();
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1)", other.get()), "");
  EXPECT_EQ(Query("SELECT n FROM c"), Rows{"3"});
}

TEST_F(EngineTest, BackgroundBackfillReturnsAtOnceAndReadsWaitForIt) {
  ASSERT_EQ(Exec("CREATE TABLE t (x int); INSERT INTO t SELECT * FROM generate_series(1, 5000)"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW b WITH (background = true) AS SELECT count(*), "
                 "sum(x) FROM t"),
            "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (5001)"), "");
  EXPECT_EQ(Query("SELECT * FROM b"), Rows{"5001|12507501"});
  EXPECT_EQ(Query("SELECT name, state, rows_done, rows_total FROM freshet_catalog.backfills"),
            Rows{"b|done|5000|5000"});
  EXPECT_EQ(Exec("CREATE MATERIALIZED VIEW bad WITH (background = maybe) AS SELECT 1"), "22023");
  EXPECT_EQ(Exec("CREATE MATERIALIZED VIEW bad WITH (colour = 'red') AS SELECT 1"), "22023");
}

TEST_F(EngineTest, ForegroundBackfillReportsProgressAndSystemRelationsShowTheLog) {
  options_.backfill_budget = 10;  // many epochs: the backfill outlasts the CREATE reaching its wait
  options_.progress_interval_ms = 0;
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE t (x int PRIMARY KEY); INSERT INTO t SELECT * FROM "
                 "generate_series(1, 3000)"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW c AS SELECT count(*) FROM t"), "");
  EXPECT_FALSE(sink_.notices.empty()) << "progress NOTICEs while the backfill runs";
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"3000"});
  ASSERT_EQ(Exec("DELETE FROM t WHERE x <= 10"), "");
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"2990"});
  // The table's topic holds the changelog since the view started; the view consumed all of it.
  EXPECT_EQ(Query("SELECT name, partition, end_offset FROM freshet_catalog.topics"),
            Rows{"t|0|3010"});
  EXPECT_EQ(Query("SELECT name, topic, committed_offset, lag FROM freshet_catalog.consumer_lag"),
            Rows{"c|t|3010|0"});
  EXPECT_EQ(Query("SELECT name, backfilling, error FROM freshet_catalog.dataflows"),
            Rows{"c|f|NULL"});
  EXPECT_EQ(Exec("SELECT * FROM freshet_catalog.nothing"), "42P01");
}

TEST_F(EngineTest, LogRetentionDropsWhatEveryViewConsumed) {
  options_.retention_every = 1;
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE t (x int)"), "");
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(Exec("INSERT INTO t VALUES (" + std::to_string(i) + ")"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW c AS SELECT count(*) FROM t"), "");
  // A view stopped by a DROP that may still roll back holds the records it would resume from.
  ASSERT_EQ(Exec("BEGIN; DROP MATERIALIZED VIEW c"), "");
  auto other = NewSession();
  for (int i = 5; i < 10; i++) {
    ASSERT_EQ(Exec("INSERT INTO t VALUES (" + std::to_string(i) + ")", other.get()), "");
  }
  ASSERT_EQ(Exec("ROLLBACK"), "");
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"10"});
  for (int i = 10; i < 15; i++) {
    ASSERT_EQ(Exec("INSERT INTO t VALUES (" + std::to_string(i) + ")"), "");
    EXPECT_EQ(Query("SELECT * FROM c"), Rows{std::to_string(i + 1)});
  }
  // Consumed batches are gone (one batch always stays, so the end offset survives restarts).
  EXPECT_EQ(Query("SELECT start_offset, end_offset FROM freshet_catalog.topics"), Rows{"14|15"});
  Reopen();
  EXPECT_EQ(Query("SELECT start_offset, end_offset FROM freshet_catalog.topics"), Rows{"14|15"});
  ASSERT_EQ(Exec("INSERT INTO t VALUES (99)"), "");
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"16"});
}

TEST_F(EngineTest, SourceTopicsKeepRecordsByTimeAndSizeNotByConsumption) {
  options_.retention_every = 1;
  Reopen();
  ASSERT_EQ(Exec("CREATE SOURCE keep (x int)"), "");
  ASSERT_EQ(Exec("CREATE SOURCE brief (x int) WITH (retention = '300 milliseconds')"), "");
  ASSERT_EQ(Exec("CREATE SOURCE small (x int) WITH (retention.bytes = 1)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW c AS SELECT count(*) FROM brief"), "");
  for (int i = 0; i < 5; i++) {
    for (const char* s : {"keep", "brief", "small"}) {
      ASSERT_EQ(Exec(std::string("INSERT INTO ") + s + " VALUES (" + std::to_string(i) + ")"), "");
    }
  }
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"5"});
  // A view stopped by a DROP that may roll back holds what it has not read, whatever the policy.
  ASSERT_EQ(Exec("BEGIN; DROP MATERIALIZED VIEW c"), "");
  auto other = NewSession();
  ASSERT_EQ(Exec("INSERT INTO brief VALUES (5)", other.get()), "");
  ASSERT_EQ(Exec("INSERT INTO brief VALUES (6)", other.get()), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ASSERT_EQ(Exec("ROLLBACK"), "");
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"7"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  for (const char* s : {"keep", "brief", "small"}) {
    ASSERT_EQ(Exec(std::string("INSERT INTO ") + s + " VALUES (100)"), "");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Consumption alone never trims a source; age and size do (the newest batch always stays).
  EXPECT_EQ(Query("SELECT count(*) FROM keep"), Rows{"6"});
  EXPECT_EQ(Query("SELECT x FROM brief"), Rows{"100"});
  EXPECT_EQ(Query("SELECT x FROM small"), Rows{"100"});
  EXPECT_EQ(Query("SELECT name, start_offset, end_offset FROM freshet_catalog.topics ORDER BY 1"),
            (Rows{"brief|7|8", "keep|0|6", "small|5|6"}));
  EXPECT_EQ(Query("SELECT * FROM c"), Rows{"8"});
}

TEST_F(EngineTest, WritesRacingABackfillAreNeitherLostNorCountedTwice) {
  options_.backfill_budget = 200;  // a backfill of many epochs
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE t (x int PRIMARY KEY, g int); INSERT INTO t SELECT i, i % 7 FROM "
                 "generate_series(1, 20000) i"),
            "");
  std::atomic<bool> done{false};
  std::atomic<int> writes{0};
  std::thread writer([&] {
    auto s = NewSession();
    CaptureSink sink;
    for (int i = 0; !done.load() || i < 20; i++) {
      std::string sql = i % 3 == 2 ? "DELETE FROM t WHERE x = " + std::to_string(i * 11)
                                   : "INSERT INTO t VALUES (" + std::to_string(100000 + i) + ", " +
                                         std::to_string(i % 7) + ")";
      ASSERT_TRUE(s->ExecuteSimple(sql, sink).ok());
      writes++;
    }
  });
  while (writes.load() == 0) std::this_thread::yield();
  int before = writes.load();
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW c AS SELECT g, count(*), sum(x) FROM t GROUP BY g"), "");
  int during = writes.load() - before;
  done = true;
  writer.join();
  std::vector<std::string> view = Query("SELECT * FROM c ORDER BY g");
  EXPECT_EQ(view, Query("SELECT g, count(*), sum(x) FROM t GROUP BY g ORDER BY g"));
  EXPECT_GT(during, 0) << "other sessions keep writing while a backfill runs";
}

TEST_F(EngineTest, PointLookupsOnKeyedViewsReadOneRow) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, g int, v int); INSERT INTO t VALUES "
                 "(1, 1, 10), (2, 1, 20), (3, 2, 30)"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW a AS SELECT g, count(*) AS n, sum(v) AS s FROM t "
                 "GROUP BY g"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW j AS SELECT x.id, y.id AS other FROM t x JOIN t y ON "
                 "x.g = y.g"),
            "");
  EXPECT_EQ(Query("SELECT n, s FROM a WHERE g = 1"), Rows{"2|30"});
  EXPECT_EQ(Query("SELECT n FROM a WHERE g = 7"), Rows{});
  EXPECT_EQ(Query("SELECT n FROM a WHERE g = 1 AND s > 100"), Rows{}) << "other conjuncts apply";
  ASSERT_EQ(Exec("UPDATE t SET g = 2 WHERE id = 2"), "");
  EXPECT_EQ(Query("SELECT n, s FROM a WHERE g = 1"), Rows{"1|10"});
  EXPECT_EQ(Query("SELECT n, s FROM a WHERE 2 = g"), Rows{"2|50"});
  EXPECT_EQ(Query("SELECT other FROM j WHERE id = 3 AND other = 2"), Rows{"2"});
  ASSERT_EQ(Exec("DELETE FROM t WHERE id = 2"), "");
  EXPECT_EQ(Query("SELECT other FROM j WHERE id = 3 AND other = 2"), Rows{});
}

TEST_F(EngineTest, WindowsSurviveARestartInTheMiddleOfAWindow) {
  ASSERT_EQ(Exec("CREATE SOURCE ev (id int, v int, ts timestamp, WATERMARK FOR ts AS ts - "
                 "INTERVAL '1 second')"),
            "");
  ASSERT_EQ(
      Exec("CREATE MATERIALIZED VIEW w AS SELECT window_start, count(*), sum(v) FROM "
           "TUMBLE(ev, ts, INTERVAL '10 seconds') GROUP BY window_start EMIT ON WINDOW CLOSE"),
      "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW u AS SELECT window_start, count(*) FROM TUMBLE(ev, ts, "
                 "INTERVAL '10 seconds') GROUP BY window_start"),
            "");
  ASSERT_EQ(Exec("INSERT INTO ev VALUES (1, 1, '2024-01-01 00:00:01'), (2, 2, "
                 "'2024-01-01 00:00:04')"),
            "");
  EXPECT_EQ(Query("SELECT * FROM w"), Rows{});
  EXPECT_EQ(Query("SELECT * FROM u"), Rows{"2024-01-01 00:00:00|2"});
  Reopen();  // the window [00:00, 00:10) is open: its state comes back
  ASSERT_EQ(Exec("INSERT INTO ev VALUES (3, 3, '2024-01-01 00:00:07'), (4, 4, "
                 "'2024-01-01 00:00:12')"),
            "");
  EXPECT_EQ(Query("SELECT * FROM w"), Rows{"2024-01-01 00:00:00|3|6"});
  EXPECT_EQ(Query("SELECT * FROM u ORDER BY 1"),
            (Rows{"2024-01-01 00:00:00|3", "2024-01-01 00:00:10|1"}));
  // The watermark came back too: a row behind it is still late after the restart.
  Reopen();
  ASSERT_EQ(Exec("INSERT INTO ev VALUES (5, 5, '2024-01-01 00:00:02')"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.late_rows WHERE name = 'u'"), Rows{"1"});
  EXPECT_EQ(Query("SELECT * FROM u ORDER BY 1"),
            (Rows{"2024-01-01 00:00:00|3", "2024-01-01 00:00:10|1"}));
  for (const auto& info : db_->engine().Info()) EXPECT_TRUE(info.restored);
}

TEST_F(EngineTest, AnIdlePartitionStopsHoldingTheWatermarkBack) {
  ASSERT_EQ(Exec("CREATE SOURCE ev (k int, ts timestamp, WATERMARK FOR ts AS ts) WITH (partitions "
                 "= 2, partition.key = 'k', watermark.idle_timeout = '200 milliseconds')"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW w AS SELECT window_start, count(*) FROM TUMBLE(ev, ts, "
                 "INTERVAL '10 seconds') GROUP BY window_start EMIT ON WINDOW CLOSE"),
            "");
  // Both partitions get rows, then only one keeps receiving: until the quiet one is idle, the
  // source watermark stays at its last row and the window cannot close.
  ASSERT_EQ(Exec("INSERT INTO ev SELECT i, TIMESTAMP '2024-01-01 00:00:01' FROM "
                 "generate_series(1, 8) i"),
            "");
  ASSERT_EQ(Exec("INSERT INTO ev VALUES (1, '2024-01-01 00:00:30')"), "");
  EXPECT_EQ(Query("SELECT * FROM w"), Rows{});
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.watermarks WHERE watermark = "
                  "'2024-01-01 00:00:01'"),
            Rows{"1"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(Exec("INSERT INTO ev VALUES (1, '2024-01-01 00:00:31')"), "");
  EXPECT_EQ(Query("SELECT * FROM w"), Rows{"2024-01-01 00:00:00|8"});
  EXPECT_EQ(Query("SELECT count(*) FROM freshet_catalog.watermarks WHERE idle"), Rows{"1"});
}

TEST_F(EngineTest, WindowStateStaysBoundedAsWatermarksAdvance) {
  ASSERT_EQ(Exec("CREATE SOURCE ev (k int, ts timestamp, WATERMARK FOR ts AS ts) WITH "
                 "(connector = 'datagen', datagen.rows = 200000, datagen.max.speed = true, "
                 "fields.k.kind = 'random', fields.k.min = 0, fields.k.max = 99, "
                 "fields.ts.start = '2024-01-01 00:00:00', fields.ts.step = '1 millisecond')"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW w AS SELECT k, window_start, count(*) FROM TUMBLE(ev, "
                 "ts, INTERVAL '1 second') GROUP BY k, window_start"),
            "");
  // 200 seconds of event time, 100 keys: the view holds every window, the operator only the open
  // ones.
  for (int i = 0; i < 200; i++) {
    auto count = Query("SELECT count(*) FROM freshet_catalog.watermarks WHERE position = 200000");
    if (count == Rows{"1"}) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(Query("SELECT sum(count) FROM w"), Rows{"200000"});
  EXPECT_EQ(Query("SELECT count(DISTINCT window_start) FROM w"), Rows{"200"});
  auto infos = db_->engine().Info();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_LE(infos[0].state_entries, 300u) << "closed windows must leave the aggregate's state";
  EXPECT_EQ(Exec("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT k, count(*) FROM ev GROUP BY k"),
            "");
  std::string plan;
  for (const auto& line : sink_.rows) plan += line + "\n";
  EXPECT_NE(plan.find("unbounded"), std::string::npos) << plan;
  EXPECT_EQ(Exec("EXPLAIN CREATE MATERIALIZED VIEW x AS SELECT k, window_start, count(*) FROM "
                 "TUMBLE(ev, ts, INTERVAL '1 second') GROUP BY k, window_start"),
            "");
  plan.clear();
  for (const auto& line : sink_.rows) plan += line + "\n";
  EXPECT_EQ(plan.find("unbounded"), std::string::npos) << plan;
}

}  // namespace
}  // namespace freshet::engine

namespace freshet::engine {
namespace {

TEST_F(EngineTest, DirectoryOfAnotherFormatVersionIsRefusedAtStartup) {
  ASSERT_EQ(Exec("CREATE TABLE t (x int PRIMARY KEY); INSERT INTO t VALUES (1)"), "");
  session_.reset();
  db_.reset();
  {
    auto store = storage::Store::Open(dir_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put(storage::Space::kMeta, "format_version", "2").ok());
  }
  auto db = Database::Open(dir_, options_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().sqlstate(), "XX001");
  EXPECT_NE(db.status().message().find("format version 2"), std::string::npos)
      << db.status().message();
  EXPECT_NE(db.status().message().find("this server uses format version 3"), std::string::npos);
  {
    auto store = storage::Store::Open(dir_);
    ASSERT_FALSE(store.ok());  // the store itself refuses too
  }
}

TEST_F(EngineTest, CheckpointsAndRecoveryAreReported) {
  options_.checkpoint_interval_ms = 0;  // every epoch commit is a checkpoint
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE t (x int PRIMARY KEY, g int); CREATE MATERIALIZED VIEW v AS "
                 "SELECT g, count(*) FROM t GROUP BY g"),
            "");
  ASSERT_EQ(Exec("INSERT INTO t SELECT i, i % 3 FROM generate_series(1, 100) g(i)"), "");
  EXPECT_EQ(Query("SELECT * FROM v ORDER BY g"), (Rows{"0|33", "1|34", "2|33"}));
  auto rows = Query(
      "SELECT count(*) > 0, bool_and(bytes_written > 0), bool_and(duration_ms >= 0), "
      "bool_or(shutdown) FROM freshet_catalog.checkpoints");
  EXPECT_EQ(rows, Rows{"t|t|t|f"});
  // A clean shutdown writes a last checkpoint; the next start restores the view and replays
  // nothing.
  ASSERT_TRUE(db_->Shutdown().ok());
  Reopen();
  EXPECT_EQ(Query("SELECT clean_shutdown, views_restored, replayed_records FROM "
                  "freshet_catalog.recovery"),
            Rows{"t|1|0"});
  EXPECT_EQ(Query("SELECT shutdown FROM freshet_catalog.checkpoints"), Rows{"t"});
  EXPECT_EQ(Query("SELECT * FROM v ORDER BY g"), (Rows{"0|33", "1|34", "2|33"}));
  // Without a shutdown (as after a crash), the writes since the last commit are replayed.
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1000, 0)"), "");
  EXPECT_EQ(Query("SELECT * FROM v ORDER BY g"), (Rows{"0|34", "1|34", "2|33"}));
  Reopen();
  EXPECT_EQ(Query("SELECT clean_shutdown, views_restored FROM freshet_catalog.recovery"),
            Rows{"f|1"});
  EXPECT_EQ(Query("SELECT * FROM v ORDER BY g"), (Rows{"0|34", "1|34", "2|33"}));
}

TEST_F(EngineTest, EpochsReadABoundedShareOfALongLag) {
  options_.epoch_max_bytes = 4096;             // a few publications per epoch
  options_.barrier_interval_ms = 3600 * 1000;  // no epoch until the read asks for one
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE t (x int PRIMARY KEY, p text); CREATE MATERIALIZED VIEW v AS "
                 "SELECT count(*), sum(length(p)) FROM t"),
            "");
  uint64_t epoch_before = db_->engine().epoch();
  for (int i = 0; i < 200; i++) {
    // Each a transaction over two statements: an epoch must never stop inside one.
    ASSERT_EQ(
        Exec("BEGIN; INSERT INTO t VALUES (" + std::to_string(2 * i) + ", repeat('x', 100)); " +
             "INSERT INTO t VALUES (" + std::to_string(2 * i + 1) + ", repeat('y', 100)); COMMIT"),
        "");
  }
  EXPECT_EQ(Query("SELECT * FROM v"), Rows{"400|40000"});
  // The read found all 200 publications (~230 bytes each) pending; at most 4 KB per epoch took
  // at least a dozen epochs (one epoch without the bound).
  EXPECT_GE(db_->engine().epoch() - epoch_before, 12u);
  EXPECT_EQ(db_->log().PendingBytes(), 0u);
}

}  // namespace
}  // namespace freshet::engine

namespace freshet::engine {
namespace {

TEST_F(EngineTest, StartupOptionsSetParameters) {
  // PGOPTIONS arrives as the startup parameter "options".
  auto s = db_->StartSession({{"user", "freshet"},
                              {"database", "freshet"},
                              {"options", "-c synchronous_commit=off --extra-float-digits=2"}});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(Exec("SHOW synchronous_commit", s->get()), "");
  EXPECT_EQ(sink_.rows, Rows{"off"});
  ASSERT_EQ(Exec("SHOW extra_float_digits", s->get()), "");
  EXPECT_EQ(sink_.rows, Rows{"2"});
  // Unacknowledged-until-synced or not, the write is there.
  ASSERT_EQ(Exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1)", s->get()), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t"), Rows{"1"});
}

}  // namespace
}  // namespace freshet::engine
