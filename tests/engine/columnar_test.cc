// The columnar paths of GROUP BY and ORDER BY ... LIMIT (scans, filters and inner hash joins
// decoded into chunk vectors: Executor::ColumnarAggregate, ColumnarTopN) against the row path on
// the same data (top-N against a full sort of the same rows): every aggregate query runs twice,
// once as written and once with `FILTER (WHERE true)` on an aggregate, which the columnar path
// does not take, and both must give the same rows — NULLs, every aggregate kind, expressions,
// joins with duplicate and NULL keys, errors, a transaction's own uncommitted writes, and more
// groups than work_mem holds (the columnar path hands over to the spilling row path).

#include <gtest/gtest.h>

#include <string>

#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::EngineTest;
using test_support::Rows;

class ColumnarTest : public EngineTest {
 protected:
  void Load() {
    ASSERT_EQ(
        Exec("CREATE TABLE t (id int PRIMARY KEY, g int, x bigint, f float8, n numeric(10,2), "
             "s text, d date, ts timestamp, b bool)"),
        "");
    ASSERT_EQ(Exec("INSERT INTO t SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 37 END, "
                   "CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7919) % 100003 END, "
                   "CASE WHEN i % 17 = 0 THEN NULL ELSE ((i * 31) % 1000) / 1000.0 END, "
                   "CASE WHEN i % 19 = 0 THEN NULL ELSE (i % 5000) / 100.0 END, "
                   "CASE WHEN i % 23 = 0 THEN NULL ELSE 'name ' || (i % 300) END, "
                   "date '2024-01-01' + (i % 400), "
                   "timestamp '2024-01-01' + i * interval '17 minutes', i % 3 = 0 "
                   "FROM generate_series(1, 20000) i"),
              "");
    ASSERT_EQ(Exec("CREATE TABLE u (k int PRIMARY KEY, name text, w int)"), "");
    // w repeats (a probe row matches several build rows) and is sometimes NULL.
    ASSERT_EQ(Exec("INSERT INTO u SELECT k, 'name ' || (k * 3), CASE WHEN k % 10 = 0 THEN NULL "
                   "ELSE k % 6 END FROM generate_series(0, 30) k"),
              "");
  }
  /// `sql` with "{F}" replaced by nothing (columnar) and by FILTER (WHERE true) (row path).
  void ExpectSame(const std::string& sql) {
    auto with = [&](const std::string& f) {
      std::string q = sql;
      size_t at = q.find("{F}");
      EXPECT_NE(at, std::string::npos) << sql;
      if (at != std::string::npos) q.replace(at, 3, f);
      return q;
    };
    std::string columnar = with(""), rows = with(" FILTER (WHERE true)");
    std::string columnar_state = Exec(columnar);
    Rows columnar_rows = sink_.rows;
    std::string columnar_message = last_.message();
    std::string row_state = Exec(rows);
    EXPECT_EQ(columnar_state, row_state)
        << sql << ": " << columnar_message << " / " << last_.message();
    EXPECT_EQ(columnar_rows, sink_.rows) << sql;
  }
  /// ORDER BY `order` LIMIT `limit` over `from`: the top-N heap (columnar when it can) against a
  /// full sort of the same rows cut by an outer LIMIT (never the heap).
  void ExpectSameTopN(const std::string& select, const std::string& from, const std::string& order,
                      const std::string& limit) {
    Rows heap = Query("SELECT " + select + " FROM " + from + " ORDER BY " + order + " " + limit);
    Rows sorted = Query("SELECT * FROM (SELECT " + select + " FROM " + from + " ORDER BY " + order +
                        ") s " + limit);
    EXPECT_FALSE(heap.empty()) << select << " " << from << " " << order;
    EXPECT_EQ(heap, sorted) << select << " " << from << " " << order << " " << limit;
  }
  void ExpectAllSameTopN() {
    ExpectSameTopN("*", "t", "x DESC, id", "LIMIT 10");
    ExpectSameTopN("*", "t", "g NULLS FIRST", "LIMIT 25");  // ties keep scan order
    ExpectSameTopN("id, s, g", "t", "s DESC NULLS LAST, g", "LIMIT 7 OFFSET 30");
    ExpectSameTopN("id, f", "t", "f NULLS FIRST, id DESC", "LIMIT 5");
    ExpectSameTopN("n, d, id", "t", "n, d DESC", "LIMIT 40000");  // more than the rows
    ExpectSameTopN("id, x", "t WHERE g = 3 OR s IS NULL", "x % 1000 DESC, id", "LIMIT 12");
    ExpectSameTopN("t.id, u.name", "t JOIN u ON t.g = u.w", "u.name DESC, t.id", "LIMIT 9");
    ExpectSameTopN("id * 2, s", "t", "1 DESC", "LIMIT 3");  // a computed column: the row path
  }
  void ExpectAllSame() {
    ExpectSame(
        "SELECT count(*){F}, count(x), sum(x), avg(x), min(x), max(x), sum(f), avg(f), min(f), "
        "max(f), min(n), max(n), sum(n), avg(n), min(s), max(s), min(d), max(ts), bool_and(b), "
        "bool_or(b), stddev(x), variance(f), sum(g::smallint), max(b::int) FROM t");
    ExpectSame(
        "SELECT g, count(*){F}, sum(x), min(s), max(d), avg(n) FROM t GROUP BY g ORDER BY g NULLS "
        "FIRST");
    ExpectSame(
        "SELECT g % 7, s IS NULL, count(*){F}, sum(n), max(x) FROM t WHERE x > 100 AND (s LIKE "
        "'%3%' OR f < 0.5) GROUP BY 1, 2 ORDER BY 1, 2");
    ExpectSame("SELECT date_trunc('day', ts), count(*){F}, min(id) FROM t GROUP BY 1 ORDER BY 1");
    ExpectSame("SELECT s, d, count(*){F} FROM t WHERE id % 3 = 1 GROUP BY s, d ORDER BY 1, 2");
    ExpectSame("SELECT sum(x){F}, count(*) FROM t WHERE g IS NULL");
    ExpectSame("SELECT count(*){F}, sum(x), max(s) FROM t WHERE id < 0");
    ExpectSame("SELECT g, count(*){F} FROM t WHERE id < 0 GROUP BY g");
    // Joins: duplicate build keys, NULL keys, a residual condition, two keys, a text key, three
    // tables.
    ExpectSame(
        "SELECT u.name, count(*){F}, sum(t.x), min(t.s) FROM t JOIN u ON t.g = u.w GROUP BY u.name "
        "ORDER BY 1");
    ExpectSame(
        "SELECT count(*){F}, sum(t.n), max(u.name) FROM t, u WHERE t.g = u.k AND u.w > 3 AND t.x "
        "< u.k * 3000");
    ExpectSame(
        "SELECT u.w, count(*){F} FROM t JOIN u ON t.g = u.k AND t.id % 5 = u.w GROUP BY 1 "
        "ORDER BY 1");
    ExpectSame("SELECT count(*){F}, min(t.id), max(u.k) FROM t JOIN u ON t.s = u.name");
    ExpectSame(
        "SELECT u2.w, count(*){F}, sum(t.x) FROM t JOIN u ON t.g = u.k JOIN u u2 ON t.g = u2.w "
        "GROUP BY 1 ORDER BY 1 NULLS FIRST");
    ExpectSame(
        "SELECT count(*){F} FROM t JOIN (SELECT k, w FROM u WHERE name LIKE '%1%') v ON t.g = v.k "
        "WHERE t.b");
  }
};

TEST_F(ColumnarTest, GroupByOverScansAndJoinsEqualsTheRowPath) {
  Load();
  ExpectAllSame();
  ExpectAllSameTopN();
  // Errors are the same error.
  ExpectSame("SELECT sum(x / (g - g)){F} FROM t WHERE g IS NOT NULL");
  EXPECT_EQ(Exec("SELECT sum(x / (g - g)) FROM t WHERE g IS NOT NULL"), "22012");
}

TEST_F(ColumnarTest, SeesTheTransactionsOwnWrites) {
  Load();
  ASSERT_EQ(Exec("BEGIN"), "");
  ASSERT_EQ(Exec("INSERT INTO t (id, g, x, s) VALUES (-1, 5, 1000000, 'new'), (-2, NULL, 7, NULL)"),
            "");
  ASSERT_EQ(Exec("DELETE FROM t WHERE id % 4 = 0"), "");
  ASSERT_EQ(Exec("UPDATE t SET x = x + 1 WHERE g = 3"), "");
  ASSERT_EQ(Exec("INSERT INTO u VALUES (100, 'new', 5)"), "");
  ExpectAllSame();
  ExpectAllSameTopN();
  EXPECT_EQ(Query("SELECT count(*) FROM t WHERE x = 1000000"), Rows{"1"});
  ASSERT_EQ(Exec("ROLLBACK"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM t"), Rows{"20000"});
}

TEST_F(ColumnarTest, MoreGroupsThanWorkMemHandOverToTheSpillingRowPath) {
  Load();
  ASSERT_EQ(Exec("SET work_mem = '64kB'"), "");
  ASSERT_EQ(Exec("SET statement_mem = '8MB'"), "");
  ExpectSame("SELECT id % 9000, count(*){F}, sum(x) FROM t GROUP BY 1 ORDER BY 1");
  ExpectSame("SELECT t.id, count(*){F} FROM t JOIN t t2 ON t.id = t2.g GROUP BY 1 ORDER BY 1");
}

}  // namespace
}  // namespace freshet::engine
