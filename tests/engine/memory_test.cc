// Bounded memory: a statement that would hold more rows than its budget (statement_mem) or the
// server's (--memory-limit) fails alone with 53200 and the session and server carry on; a
// materialized view whose state passes --view-state-limit fails alone with 53200, marked broken
// in freshet_catalog.dataflows, while every other view stays exact.

#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::EngineTest;
using test_support::Rows;

TEST_F(EngineTest, StatementMemoryBudgetFailsTheStatementAlone) {
  ASSERT_EQ(Exec("CREATE TABLE big (id int PRIMARY KEY, k int, s text)"), "");
  ASSERT_EQ(Exec("INSERT INTO big SELECT g, g % 50000, 'row ' || g FROM generate_series(1, "
                 "100000) g"),
            "");
  ASSERT_EQ(Exec("SET statement_mem = '1MB'"), "");
  EXPECT_EQ(Query("SHOW statement_mem"), Rows{"1MB"});
  // Each operator that holds rows is charged: a hash aggregate, a sort, a DISTINCT, a hash
  // join's build side, a set operation.
  for (const char* q :
       {"SELECT k, count(*) FROM big GROUP BY k", "SELECT * FROM big ORDER BY s",
        "SELECT DISTINCT s FROM big", "SELECT count(*) FROM big a JOIN big b ON a.id = b.k",
        "SELECT s FROM big UNION SELECT s FROM big"}) {
    EXPECT_EQ(Exec(q), "53200") << q;
    EXPECT_NE(last_.message().find("statement_mem = 1 MB"), std::string::npos) << last_.message();
  }
  // What streams or keeps little runs under the same budget: a count, a filtered scan, a
  // point read, ORDER BY ... LIMIT (a heap of ten rows), an aggregate of few groups.
  EXPECT_EQ(Query("SELECT count(*) FROM big"), Rows{"100000"});
  EXPECT_EQ(Query("SELECT count(*) FROM big WHERE k = 7"), Rows{"2"});
  EXPECT_EQ(Query("SELECT s FROM big WHERE id = 99999"), Rows{"row 99999"});
  EXPECT_EQ(Query("SELECT id FROM big ORDER BY s DESC, id LIMIT 2"), (Rows{"99999", "99998"}));
  EXPECT_EQ(Query("SELECT k % 2, count(*) FROM big GROUP BY 1 ORDER BY 1"),
            (Rows{"0|50000", "1|50000"}));
  // In a transaction block the failure aborts the block as any error does; nothing is lost.
  ASSERT_EQ(Exec("BEGIN"), "");
  ASSERT_EQ(Exec("INSERT INTO big VALUES (100001, 1, 'kept')"), "");
  ASSERT_EQ(Exec("SAVEPOINT s"), "");
  EXPECT_EQ(Exec("SELECT DISTINCT s FROM big"), "53200");
  ASSERT_EQ(Exec("ROLLBACK TO SAVEPOINT s"), "");
  ASSERT_EQ(Exec("COMMIT"), "");
  EXPECT_EQ(Query("SELECT s FROM big WHERE id = 100001"), Rows{"kept"});
  // Another session has its own budget; with the default one the query answers.
  auto other = NewSession();
  ASSERT_EQ(Exec("SELECT count(*) FROM (SELECT DISTINCT s FROM big) d", other.get()), "");
  EXPECT_EQ(sink_.rows, Rows{"100001"});
  ASSERT_EQ(Exec("RESET statement_mem"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT k FROM big GROUP BY k) g"), Rows{"50000"});
  EXPECT_EQ(Exec("SET statement_mem = 'lots'"), "22023");
}

TEST_F(EngineTest, ServerMemoryLimitBoundsEveryStatement) {
  options_.memory_limit_bytes = 8 << 20;
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE big (id int PRIMARY KEY, s text)"), "");
  ASSERT_EQ(
      Exec("INSERT INTO big SELECT g, repeat('x', 40) || g FROM generate_series(1, 100000) g"), "");
  EXPECT_EQ(Exec("SELECT DISTINCT s FROM big"), "53200");
  EXPECT_NE(last_.message().find("--memory-limit 8 MB"), std::string::npos) << last_.message();
  // The memory came back: the next statements run.
  EXPECT_EQ(Query("SELECT count(*) FROM big WHERE s LIKE '%99'"), Rows{"1000"});
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT DISTINCT id % 100 FROM big) d"), Rows{"100"});
}

TEST_F(EngineTest, RunawayViewFailsAloneWhileOthersStayExact) {
  options_.max_view_state_entries = 5000;
  Reopen();
  ASSERT_EQ(Exec("CREATE TABLE a (id int PRIMARY KEY, k int)"), "");
  ASSERT_EQ(Exec("CREATE TABLE b (id int PRIMARY KEY, v int)"), "");
  ASSERT_EQ(Exec("CREATE TABLE c (id int PRIMARY KEY)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW per_k AS SELECT k, count(*) AS n, sum(id) AS s FROM a "
                 "GROUP BY k"),
            "");
  // Every row of a against every row of b, then c: the second join keeps a x b as its state.
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW runaway AS SELECT a.id, b.id AS b_id, c.id AS c_id "
                 "FROM a, b, c"),
            "");
  ASSERT_EQ(Exec("INSERT INTO c VALUES (1), (2)"), "");
  ASSERT_EQ(Exec("INSERT INTO b SELECT g, g FROM generate_series(1, 100) g"), "");
  ASSERT_EQ(Exec("INSERT INTO a SELECT g, g % 7 FROM generate_series(1, 200) g"), "");
  EXPECT_EQ(Exec("SELECT count(*) FROM runaway"), "53200");
  EXPECT_NE(last_.message().find("--view-state-limit 5000"), std::string::npos) << last_.message();
  EXPECT_EQ(Query("SELECT name FROM freshet_catalog.dataflows WHERE error LIKE '%state passed its "
                  "budget%'"),
            Rows{"runaway"});
  // The other view follows every change, before and after the failure.
  ASSERT_EQ(Exec("DELETE FROM a WHERE id % 3 = 0"), "");
  ASSERT_EQ(Exec("UPDATE a SET k = k + 1 WHERE id % 5 = 0"), "");
  ASSERT_EQ(Exec("INSERT INTO a SELECT g, g % 7 FROM generate_series(201, 260) g"), "");
  EXPECT_EQ(Query("SELECT * FROM per_k ORDER BY k"),
            Query("SELECT k, count(*), sum(id) FROM a GROUP BY k ORDER BY k"));
  EXPECT_EQ(Query("SELECT count(*) FROM per_k"), Rows{"8"});
  // Dropped, it frees its name; recreated over small enough tables it works.
  ASSERT_EQ(Exec("DROP MATERIALIZED VIEW runaway"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW runaway AS SELECT a.id, b.id AS b_id, c.id AS c_id "
                 "FROM a, b, c WHERE b.id <= 2 AND a.id <= 10"),
            "");
  EXPECT_EQ(Query("SELECT count(*) FROM runaway"), Rows{"28"});
}

}  // namespace
}  // namespace freshet::engine
