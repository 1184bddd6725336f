// Data-modifying WITH queries: each runs once, its RETURNING rows feed the statement, the whole
// statement is atomic, views over the tables follow, and what Freshet cannot order as
// PostgreSQL does is refused.

#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::CaptureSink;
using test_support::EngineTest;
using test_support::Rows;

TEST_F(EngineTest, DataModifyingWithMovesRowsAndViewsFollow) {
  ASSERT_EQ(Exec("CREATE TABLE inbox (id int PRIMARY KEY, v int)"), "");
  ASSERT_EQ(Exec("CREATE TABLE archive (id int PRIMARY KEY, v int)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW totals AS SELECT (SELECT count(*) FROM inbox) AS n_in, "
                 "(SELECT count(*) FROM archive) AS n_out"),
            "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW archived AS SELECT id, v * 2 AS w FROM archive"), "");
  ASSERT_EQ(Exec("INSERT INTO inbox SELECT g, g * 10 FROM generate_series(1, 6) g"), "");

  ASSERT_EQ(Exec("WITH moved AS (DELETE FROM inbox WHERE id % 2 = 0 RETURNING *) "
                 "INSERT INTO archive SELECT id, v + 1 FROM moved RETURNING id"),
            "");
  EXPECT_EQ(sink_.rows, (Rows{"2", "4", "6"}));
  EXPECT_EQ(sink_.tags, Rows{"INSERT 0 3"});
  EXPECT_EQ(Query("SELECT id FROM inbox ORDER BY id"), (Rows{"1", "3", "5"}));
  EXPECT_EQ(Query("SELECT * FROM archive ORDER BY id"), (Rows{"2|21", "4|41", "6|61"}));
  EXPECT_EQ(Query("SELECT * FROM totals"), Rows{"3|3"});
  EXPECT_EQ(Query("SELECT * FROM archived ORDER BY id"), (Rows{"2|42", "4|82", "6|122"}));

  // An UPDATE's RETURNING read twice: the UPDATE still runs once (retractions reach the view).
  ASSERT_EQ(Exec("WITH u AS (UPDATE archive SET v = v - 1 WHERE id > 2 RETURNING id, v) "
                 "SELECT a.id, b.v FROM u a JOIN u b ON a.id = b.id ORDER BY 1"),
            "");
  EXPECT_EQ(sink_.rows, (Rows{"4|40", "6|60"}));
  EXPECT_EQ(Query("SELECT * FROM archived ORDER BY id"), (Rows{"2|42", "4|80", "6|120"}));

  // A data-modifying query nobody reads still runs, once.
  ASSERT_EQ(Exec("WITH d AS (DELETE FROM archive WHERE id = 6) SELECT 1"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM archive"), Rows{"2"});
  EXPECT_EQ(Query("SELECT * FROM totals"), Rows{"3|2"});
}

TEST_F(EngineTest, DataModifyingWithIsAtomicWithItsStatement) {
  ASSERT_EQ(Exec("CREATE TABLE a (id int PRIMARY KEY)"), "");
  ASSERT_EQ(Exec("CREATE TABLE b (id int PRIMARY KEY)"), "");
  ASSERT_EQ(Exec("INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (2)"), "");
  // The DELETE ran, then the INSERT failed on b's key: neither is kept.
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM a RETURNING id) INSERT INTO b SELECT id FROM d"), "23505");
  EXPECT_EQ(Query("SELECT count(*) FROM a"), Rows{"2"});
  // Inside a block: the failed statement leaves nothing for ROLLBACK TO SAVEPOINT to keep.
  ASSERT_EQ(Exec("BEGIN; SAVEPOINT s"), "");
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM a RETURNING id) SELECT 1 / (count(*) - 2) FROM d"),
            "22012");
  ASSERT_EQ(Exec("ROLLBACK TO SAVEPOINT s"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM a"), Rows{"2"});
  // A statement in the block sees the block's earlier writes, and its own WITH's rows.
  ASSERT_EQ(Exec("INSERT INTO a VALUES (3)"), "");
  EXPECT_EQ(Query("WITH d AS (DELETE FROM a WHERE id >= 2 RETURNING id) SELECT sum(id) FROM d"),
            Rows{"5"});
  ASSERT_EQ(Exec("COMMIT"), "");
  EXPECT_EQ(Query("SELECT id FROM a"), Rows{"1"});
}

TEST_F(EngineTest, DataModifyingWithRefusesWhatItCannotOrderAsPostgres) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, v int)"), "");
  ASSERT_EQ(Exec("CREATE TABLE u (id int, v int)"), "");
  ASSERT_EQ(Exec("CREATE VIEW tv AS SELECT id FROM t"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1, 10), (2, 20)"), "");
  // PostgreSQL reads t as of the statement's start here; Freshet refuses instead.
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM t"), "0A000");
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM tv"), "0A000")
      << "through a view too";
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *), "
                 "e AS (UPDATE t SET v = 0 RETURNING *) SELECT 1"),
            "0A000");
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) INSERT INTO t VALUES (1, 1)"),
            "0A000")
      << "PostgreSQL may insert first here (and fail on the key)";
  EXPECT_EQ(Query("SELECT count(*) FROM t"), Rows{"2"}) << "nothing ran";
  // An INSERT that reads the rows is ordered after them, as in PostgreSQL.
  ASSERT_EQ(Exec("WITH d AS (DELETE FROM t WHERE id = 1 RETURNING *) "
                 "INSERT INTO t SELECT id, 11 FROM d"),
            "");
  EXPECT_EQ(Query("SELECT * FROM t ORDER BY id"), (Rows{"1|11", "2|20"}));
  // PostgreSQL's own errors.
  EXPECT_EQ(Exec("WITH d AS (DELETE FROM u) SELECT * FROM d"), "0A000");
  EXPECT_EQ(Exec("SELECT * FROM (WITH d AS (DELETE FROM u RETURNING *) SELECT * FROM d) s"),
            "0A000");
  EXPECT_EQ(Exec("WITH d AS (WITH e AS (DELETE FROM u RETURNING *) INSERT INTO u "
                 "SELECT * FROM e RETURNING *) SELECT 1"),
            "0A000");
  EXPECT_EQ(Exec("CREATE MATERIALIZED VIEW m AS WITH d AS (DELETE FROM u RETURNING *) "
                 "SELECT * FROM d"),
            "0A000");
  EXPECT_EQ(Exec("WITH d(a, b, c) AS (DELETE FROM u RETURNING *) SELECT * FROM d"), "42P10");
}

TEST_F(EngineTest, DataModifyingWithThroughTheExtendedProtocol) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, name text)"), "");
  // Describe binds the RETURNING list without running anything.
  auto info = session_->Prepare(
      "w",
      "WITH i AS (INSERT INTO t VALUES ($1, 'n') RETURNING id * 2 AS twice, name) "
      "SELECT twice, upper(name) FROM i",
      {23});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_EQ(info->columns.size(), 2u);
  EXPECT_EQ(info->columns[0].name, "twice");
  EXPECT_EQ(info->columns[1].name, "upper");
  EXPECT_EQ(Query("SELECT count(*) FROM t"), Rows{"0"});
  CaptureSink sink;
  ASSERT_TRUE(session_->ExecutePrepared("w", {{std::string("21"), false}}, sink).ok());
  EXPECT_EQ(sink.tags, Rows{"SELECT 1"});
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], "42|N");
  // A plain INSERT ... RETURNING describes its columns as well.
  auto ret = session_->Prepare("r", "INSERT INTO t VALUES ($1, $2) RETURNING name, id", {});
  ASSERT_TRUE(ret.ok()) << ret.status().ToString();
  EXPECT_TRUE(ret->returns_rows);
  ASSERT_EQ(ret->columns.size(), 2u);
  EXPECT_EQ(ret->columns[0].name, "name");
  EXPECT_EQ(ret->columns[1].type.id, TypeId::kInt32);
  auto none = session_->Prepare("n", "DELETE FROM t WHERE id = $1", {});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->returns_rows);
}

}  // namespace
}  // namespace freshet::engine
