// Spilling: past work_mem, sorts (external merge), hash aggregates (partitioned), DISTINCT /
// UNION and hash joins (grace partitions) move rows to temporary files and give the same rows
// as in memory, under a statement budget that would otherwise fail them with 53200;
// temp_file_limit bounds what a statement writes (53400); pg_stat_database counts the files.

#include <gtest/gtest.h>

#include <string>

#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::EngineTest;
using test_support::Rows;

class SpillTest : public EngineTest {
 protected:
  void Load() {
    ASSERT_EQ(Exec("CREATE TABLE big (id int PRIMARY KEY, k int, s text)"), "");
    // k repeats (ties for the sort, 20,000 groups), s is wide enough to matter; some NULLs.
    ASSERT_EQ(Exec("INSERT INTO big SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE g % 20000 END, "
                   "'value number ' || ((g * 7919) % 150000) FROM generate_series(1, 150000) g"),
              "");
    ASSERT_EQ(Exec("CREATE TABLE dim (k int, label text)"), "");
    ASSERT_EQ(Exec("INSERT INTO dim SELECT CASE WHEN g % 50 = 0 THEN NULL ELSE g END, 'label ' || "
                   "g FROM generate_series(10000, 40000) g"),
              "");
  }
  int64_t TempFiles() {
    Rows r = Query("SELECT temp_files FROM pg_stat_database");
    return r.size() == 1 ? std::stoll(r[0]) : -1;
  }
  /// The rows of `sql` in memory (default work_mem) and spilled (work_mem 64kB under an 8 MB
  /// statement budget): equal, and the spilled run wrote temporary files.
  void ExpectSameWhenSpilled(const std::string& sql) {
    ASSERT_EQ(Exec("RESET work_mem"), "");
    ASSERT_EQ(Exec("RESET statement_mem"), "");
    Rows in_memory = Query(sql);
    ASSERT_FALSE(in_memory.empty()) << sql;
    int64_t files_before = TempFiles();
    ASSERT_EQ(Exec("SET work_mem = '64kB'"), "");
    ASSERT_EQ(Exec("SET statement_mem = '8MB'"), "");
    Rows spilled = Query(sql);
    EXPECT_EQ(spilled.size(), in_memory.size()) << sql;
    EXPECT_TRUE(spilled == in_memory) << sql;
    EXPECT_GT(TempFiles(), files_before) << sql;
    ASSERT_EQ(Exec("RESET work_mem"), "");
    ASSERT_EQ(Exec("RESET statement_mem"), "");
  }
};

TEST_F(SpillTest, SortSpillsToAnExternalMergeAndKeepsTiesStable) {
  Load();
  // Without spilling, the sort does not fit the statement's budget.
  ASSERT_EQ(Exec("SET statement_mem = '8MB'"), "");
  EXPECT_EQ(Exec("SELECT * FROM big ORDER BY s"), "53200");
  EXPECT_NE(last_.message().find("statement_mem"), std::string::npos) << last_.message();
  ASSERT_EQ(Exec("RESET statement_mem"), "");
  // Full rows, descending with NULLs, and ties on k only (a stable merge keeps scan order).
  ExpectSameWhenSpilled("SELECT * FROM big ORDER BY s, id");
  ExpectSameWhenSpilled("SELECT id, k FROM big ORDER BY k DESC NULLS LAST");
  ExpectSameWhenSpilled("SELECT id, k FROM big ORDER BY k NULLS FIRST");
  // Enough runs (2,000+) that the merge goes in passes.
  ASSERT_EQ(Exec("SET work_mem = '64kB'"), "");
  Rows first = Query("SELECT id FROM big ORDER BY s DESC, id");
  ASSERT_EQ(first.size(), 150000u);
  Rows expected = Query("SELECT id FROM big ORDER BY s DESC, id LIMIT 3");
  EXPECT_EQ(Rows(first.begin(), first.begin() + 3), expected);
  // The spilled sort streams into the client and into the operators above it.
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT id FROM big ORDER BY s OFFSET 10) x"),
            Rows{"149990"});
}

TEST_F(SpillTest, HashAggregateSpillsItsNewGroupsToPartitions) {
  Load();
  ASSERT_EQ(Exec("SET statement_mem = '8MB'"), "");
  EXPECT_EQ(Exec("SELECT k, count(*) FROM big GROUP BY k"), "53200");
  ASSERT_EQ(Exec("RESET statement_mem"), "");
  // Every kind of aggregate state, the NULL group, a HAVING above, an ordered output.
  ExpectSameWhenSpilled(
      "SELECT k, count(*), sum(id), min(s), max(s), avg(id), count(DISTINCT id % 3), "
      "string_agg(s, ',' ORDER BY id) FILTER (WHERE id < 40000) FROM big GROUP BY k ORDER BY k");
  ExpectSameWhenSpilled(
      "SELECT k % 7, s, count(*) FROM big GROUP BY 1, 2 HAVING count(*) >= 1 ORDER BY 2, 1");
  // A global aggregate is one group and never spills.
  ASSERT_EQ(Exec("SET work_mem = '64kB'"), "");
  EXPECT_EQ(Query("SELECT count(*), count(k), sum(id) FROM big"),
            Rows{"150000|148454|11250075000"});
}

TEST_F(SpillTest, DistinctAndUnionSpill) {
  Load();
  ExpectSameWhenSpilled("SELECT DISTINCT s FROM big ORDER BY s");
  ExpectSameWhenSpilled("SELECT DISTINCT k, s FROM big ORDER BY 1, 2");
  ExpectSameWhenSpilled(
      "SELECT s FROM big UNION SELECT label FROM dim UNION SELECT s FROM big ORDER BY 1");
  // UNION ALL streams: it holds nothing, so it neither spills nor fails under a small budget.
  ASSERT_EQ(Exec("SET statement_mem = '1MB'"), "");
  int64_t files = TempFiles();
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT s FROM big UNION ALL SELECT s FROM big) u"),
            Rows{"300000"});
  EXPECT_EQ(TempFiles(), files);
  ASSERT_EQ(Exec("RESET statement_mem"), "");
  // DISTINCT ON over a sort keeps the sort's first row per key (it never reorders).
  ASSERT_EQ(Exec("SET work_mem = '64kB'"), "");
  EXPECT_EQ(Query("SELECT DISTINCT ON (k) k, id FROM big WHERE k IN (5, 6) ORDER BY k, id DESC"),
            (Rows{"5|140005", "6|140006"}));
}

TEST_F(SpillTest, HashJoinSpillsToPartitionPairs) {
  Load();
  ASSERT_EQ(Exec("SET statement_mem = '2MB'"), "");
  EXPECT_EQ(Exec("SELECT count(*) FROM dim d JOIN big b ON b.k = d.k"), "53200");
  ASSERT_EQ(Exec("RESET statement_mem"), "");
  // Inner, outer on each side and full, with NULL keys on both sides and a residual condition.
  ExpectSameWhenSpilled(
      "SELECT b.id, d.label FROM dim d JOIN big b ON b.k = d.k AND b.id % 2 = 0 ORDER BY 1, 2");
  ExpectSameWhenSpilled(
      "SELECT b.id, d.k FROM dim d LEFT JOIN big b ON b.k = d.k ORDER BY 2 NULLS FIRST, 1");
  ExpectSameWhenSpilled(
      "SELECT b.id, d.k FROM dim d RIGHT JOIN big b ON b.k = d.k ORDER BY 1, 2 NULLS FIRST");
  ExpectSameWhenSpilled(
      "SELECT count(*), count(b.id), count(d.k), sum(b.id), sum(d.k) FROM dim d FULL JOIN big b "
      "ON b.k = d.k");
  // A comma join with its equality in WHERE.
  ExpectSameWhenSpilled(
      "SELECT count(*), sum(b.id) FROM big b, dim d WHERE b.k = d.k AND d.label LIKE '%7'");
}

TEST_F(SpillTest, TempFileLimitFailsTheStatementAlone) {
  Load();
  ASSERT_EQ(Exec("SET work_mem = '64kB'"), "");
  ASSERT_EQ(Exec("SET temp_file_limit = '1MB'"), "");
  EXPECT_EQ(Query("SHOW temp_file_limit"), Rows{"1MB"});
  EXPECT_EQ(Exec("SELECT * FROM big ORDER BY s"), "53400");
  EXPECT_NE(last_.message().find("temp_file_limit (1024kB)"), std::string::npos)
      << last_.message();
  // The session goes on; small statements and the unlimited default work.
  EXPECT_EQ(Query("SELECT count(*) FROM big"), Rows{"150000"});
  ASSERT_EQ(Exec("RESET temp_file_limit"), "");
  EXPECT_EQ(Query("SELECT count(*) FROM (SELECT * FROM big ORDER BY s) x"), Rows{"150000"});
  EXPECT_EQ(Exec("SET work_mem = '10kB'"), "22023");
  EXPECT_EQ(Exec("SET work_mem = 'much'"), "22023");
}

}  // namespace
}  // namespace freshet::engine
