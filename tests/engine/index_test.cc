// Secondary indexes: CREATE [UNIQUE] INDEX builds an index the planner reads for equalities and
// ranges (EXPLAIN says which), writes keep it exact, it survives a restart, DROP INDEX removes
// its entries, and a transaction that wrote a table while its definition changed fails 40001.
// Materialized views are read by ranges of their keys and streamed (not held) to the query.

#include <gtest/gtest.h>

#include "storage/table_store.h"
#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::EngineTest;
using test_support::Rows;

/// The EXPLAIN line that says how `t` is read.
std::string AccessLine(const Rows& plan) {
  for (const auto& line : plan) {
    if (line.find(" on t") != std::string::npos || line.find("Scan t") != std::string::npos) {
      return line.substr(line.find_first_not_of(' '));
    }
  }
  return "";
}

class IndexTest : public EngineTest {
 protected:
  /// The same count through the index (as planned) and through a full scan (b + 0 hides b).
  void ExpectSameAsFullScan(const std::string& cond, const std::string& scan_cond) {
    auto indexed = Query("SELECT count(*), coalesce(sum(id), 0) FROM t WHERE " + cond);
    auto full = Query("SELECT count(*), coalesce(sum(id), 0) FROM t WHERE " + scan_cond);
    EXPECT_EQ(indexed, full) << cond;
  }
  uint64_t EntryCount(uint64_t index_id) {
    uint64_t n = 0;
    Status s = db_->store().Scan(storage::Space::kData, storage::TableStore::Prefix(index_id),
                                 storage::TableStore::PrefixEnd(index_id),
                                 [&](std::string_view, std::string_view) {
                                   n++;
                                   return true;
                                 });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
};

TEST_F(IndexTest, IndexIsUsedAndKeptExact) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, b int, c text)"), "");
  ASSERT_EQ(Exec("INSERT INTO t SELECT g, g % 100, 'c' || (g % 7) FROM generate_series(1, 5000) g"),
            "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (9001, NULL, 'c1'), (9002, 5, NULL)"), "");
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE b = 5")), "Scan t");
  ASSERT_EQ(Exec("CREATE INDEX t_b ON t (b)"), "");
  ASSERT_EQ(Exec("CREATE INDEX t_c_b ON t (c, b)"), "");
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE b = 5")),
            "Index Scan using t_b on t (b = 5)");
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE b > 5 AND b <= 9")),
            "Index Scan using t_b on t (b > 5, b <= 9)");
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE c = 'c3' AND b = 5")),
            "Index Scan using t_c_b on t (c = 'c3', b = 5)");
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE id = 7 AND b = 5")),
            "Primary Key Lookup using t_pkey on t (id = 7)");
  EXPECT_EQ(Query("SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1"),
            (Rows{"t_b", "t_c_b", "t_pkey"}));
  auto check = [&] {
    ExpectSameAsFullScan("b = 5", "b + 0 = 5");
    ExpectSameAsFullScan("b > 90", "b + 0 > 90");
    ExpectSameAsFullScan("b >= 10 AND b < 13", "b + 0 >= 10 AND b + 0 < 13");
    ExpectSameAsFullScan("c = 'c1'", "c || '' = 'c1'");
    ExpectSameAsFullScan("c = 'c1' AND b < 50", "c || '' = 'c1' AND b + 0 < 50");
  };
  check();
  // UPDATE and DELETE find their rows through the index and keep it exact.
  ASSERT_EQ(Exec("UPDATE t SET b = 500 WHERE b = 5"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE b = 5"), Rows{"0"});
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE b = 500"), Rows{"51"});
  ASSERT_EQ(Exec("UPDATE t SET id = id + 100000 WHERE b = 7"), "");
  ASSERT_EQ(Exec("DELETE FROM t WHERE b = 500 AND id < 1000"), "");
  check();
  // Rolled back writes leave no entries behind; a savepoint undoes its part.
  ASSERT_EQ(Exec("BEGIN"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (20000, 42, 'new')"), "");
  ASSERT_EQ(Exec("SAVEPOINT s"), "");
  ASSERT_EQ(Exec("DELETE FROM t WHERE b = 42"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE b = 42"), Rows{"0"});
  ASSERT_EQ(Exec("ROLLBACK TO SAVEPOINT s"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE b = 42"), Rows{"51"});
  ASSERT_EQ(Exec("ROLLBACK"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE c = 'new'"), Rows{"0"});
  check();
  uint64_t rows = std::stoull(Query("SELECT count(*) FROM t")[0]);
  // After a restart the index is there and used.
  Reopen();
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE b = 5")),
            "Index Scan using t_b on t (b = 5)");
  check();
  auto def = db_->catalog().Find("t");
  ASSERT_EQ(def->indexes.size(), 2u);
  uint64_t b_id = def->indexes[0].id;
  EXPECT_EQ(EntryCount(b_id), rows);  // one entry per row, NULLs included
  ASSERT_EQ(Exec("DROP INDEX t_b"), "");
  EXPECT_EQ(EntryCount(b_id), 0u);
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE b = 5")), "Scan t");
  EXPECT_EQ(Exec("DROP INDEX t_b"), "42704");
  check();
  uint64_t cb_id = db_->catalog().Find("t")->indexes[0].id;
  ASSERT_EQ(Exec("DROP TABLE t"), "");
  EXPECT_EQ(EntryCount(cb_id), 0u);
  EXPECT_EQ(Query("SELECT count(*) FROM pg_indexes"), Rows{"0"});
}

TEST_F(IndexTest, UniqueIndexRefusesDuplicates) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, email text)"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1, 'a'), (2, 'a'), (3, NULL), (4, NULL)"), "");
  EXPECT_EQ(Exec("CREATE UNIQUE INDEX t_email ON t (email)"), "23505");
  EXPECT_NE(last_.message().find("could not create unique index \"t_email\""), std::string::npos);
  EXPECT_EQ(Query("SELECT count(*) FROM pg_indexes WHERE indexname = 't_email'"), Rows{"0"});
  ASSERT_EQ(Exec("UPDATE t SET email = 'b' WHERE id = 2"), "");
  ASSERT_EQ(Exec("CREATE UNIQUE INDEX t_email ON t (email)"), "");
  EXPECT_EQ(Exec("INSERT INTO t VALUES (5, 'a')"), "23505");
  EXPECT_NE(last_.message().find("\"t_email\""), std::string::npos) << last_.message();
  EXPECT_EQ(Exec("UPDATE t SET email = 'a' WHERE id = 2"), "23505");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (5, NULL)"), "");  // NULLs are never duplicates
  EXPECT_EQ(AccessLine(Query("EXPLAIN SELECT * FROM t WHERE email = 'b'")),
            "Index Lookup using t_email on t (email = 'b')");
  EXPECT_EQ(Query("SELECT id FROM t WHERE email = 'b'"), Rows{"2"});
  ASSERT_EQ(Exec("DELETE FROM t WHERE email = 'a'"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (6, 'a')"), "");
  EXPECT_EQ(Query("SELECT id FROM t WHERE email = 'a'"), Rows{"6"});
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE email IS NULL"), Rows{"3"});
}

TEST_F(IndexTest, WritesRacingADefinitionChangeFailWith40001) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, b int)"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (1, 10)"), "");
  auto other = NewSession();
  // A transaction writes rows, another session indexes the table, the first commits: its
  // rows have no entries, so it must not commit.
  ASSERT_EQ(Exec("BEGIN"), "");
  ASSERT_EQ(Exec("INSERT INTO t VALUES (2, 20)"), "");
  ASSERT_EQ(Exec("CREATE INDEX t_b ON t (b)", other.get()), "");
  EXPECT_EQ(Exec("INSERT INTO t VALUES (3, 30)"), "40001");
  ASSERT_EQ(Exec("ROLLBACK"), "");
  ASSERT_EQ(Exec("BEGIN"), "");
  ASSERT_EQ(Exec("DELETE FROM t WHERE id = 1"), "");
  ASSERT_EQ(Exec("CREATE INDEX t_b2 ON t (b, id)", other.get()), "");
  EXPECT_EQ(Exec("COMMIT"), "40001");
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE b = 10"), Rows{"1"});
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE b = 20"), Rows{"0"});
  // Retried, the writes go through with the index maintained.
  ASSERT_EQ(Exec("INSERT INTO t VALUES (2, 20)"), "");
  EXPECT_EQ(Query("SELECT id FROM t WHERE b = 20"), Rows{"2"});
}

TEST_F(EngineTest, ViewsAreReadByKeyRangesAndStreamed) {
  ASSERT_EQ(Exec("CREATE TABLE m (a int, b int, v int)"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW mv AS SELECT a, b, count(*) AS n, sum(v) AS s FROM m "
                 "GROUP BY a, b"),
            "");
  ASSERT_EQ(Exec("INSERT INTO m SELECT CASE WHEN g % 29 = 0 THEN NULL ELSE g % 20 END, g % 50, g "
                 "FROM generate_series(1, 30000) g"),
            "");
  ASSERT_EQ(Exec("DELETE FROM m WHERE v % 7 = 0"), "");
  // Every shape of condition on the key columns (a, b), against the same aggregate over m.
  for (const char* where :
       {"a = 3", "a = 3 AND b > 20", "a = 3 AND b >= 20 AND b < 30", "a BETWEEN 5 AND 8",
        "a > 17", "a < 2", "a <= 2 AND s > 1000", "a IS NULL", "a = 3 AND b = 33", "a = 99",
        "b = 7", "a > 4 AND a < 4", "a >= 19 OR a IS NULL"}) {
    std::string view = std::string("SELECT a, b, n, s FROM mv WHERE ") + where + " ORDER BY 1, 2";
    std::string base = std::string("SELECT * FROM (SELECT a, b, count(*) AS n, sum(v) AS s FROM "
                                   "m GROUP BY a, b) x WHERE ") +
                       where + " ORDER BY 1, 2";
    EXPECT_EQ(Query(view), Query(base)) << where;
  }
  EXPECT_EQ(Query("SELECT count(*), sum(n) FROM mv"), (Rows{"150|25715"}));
  // Under a small statement budget, after more groups arrived.
  ASSERT_EQ(Exec("SET statement_mem = '1MB'"), "");
  ASSERT_EQ(Exec("INSERT INTO m SELECT g, g, g FROM generate_series(100, 60000) g"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM mv WHERE s > 0"), Rows{"60051"});
  ASSERT_EQ(Exec("RESET statement_mem"), "");
  // A view created in the open transaction answers from its definition.
  ASSERT_EQ(Exec("BEGIN"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW mv2 AS SELECT a, max(v) AS top FROM m GROUP BY a"), "");
  EXPECT_EQ(Query("SELECT top FROM mv2 WHERE a = 3"), Rows{"29983"});
  EXPECT_EQ(Query("SELECT count(*) FROM mv2 WHERE a > 17 AND a < 200"), Rows{"102"});
  ASSERT_EQ(Exec("COMMIT"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM mv2 WHERE a > 17 AND a < 200"), Rows{"102"});
}

}  // namespace
}  // namespace freshet::engine
