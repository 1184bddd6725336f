// The logical optimizer as EXPLAIN shows it, for ad-hoc queries and materialized views:
// conditions pushed to the rows they test, comma joins made inner joins, joins ordered so that no
// cross product is built while the conditions connect the tables, and the smaller input of a
// join on its build side. The answers themselves are compared with PostgreSQL in
// tests/pgcompare/optimizer.sql and sqllogictest/suites/chain_joins.slt.

#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::EngineTest;
using test_support::Rows;

/// One line of an EXPLAIN: its depth (two spaces per level) and its text.
struct PlanLine {
  int depth;
  std::string text;
};

class OptimizerTest : public EngineTest {
 protected:
  std::vector<PlanLine> Explain(const std::string& sql) {
    EXPECT_EQ(Exec("EXPLAIN " + sql), "") << sql << ": " << last_.ToString();
    std::vector<PlanLine> lines;
    for (const std::string& row : sink_.rows) {
      size_t spaces = row.find_first_not_of(' ');
      if (spaces == std::string::npos) continue;
      lines.push_back({static_cast<int>(spaces / 2), row.substr(spaces)});
    }
    return lines;
  }
  static std::string Render(const std::vector<PlanLine>& lines) {
    std::string s;
    for (const auto& l : lines) s += std::string(l.depth * 2, ' ') + l.text + "\n";
    return s;
  }
  static int Count(const std::vector<PlanLine>& lines, const std::string& prefix) {
    int n = 0;
    for (const auto& l : lines) n += l.text.rfind(prefix, 0) == 0;
    return n;
  }
  /// True when a line starting with `parent` has a line starting with `child` directly below it.
  static bool DirectlyAbove(const std::vector<PlanLine>& lines, const std::string& parent,
                            const std::string& child) {
    for (size_t i = 0; i + 1 < lines.size(); i++) {
      if (lines[i].text.rfind(parent, 0) == 0 && lines[i + 1].depth == lines[i].depth + 1 &&
          lines[i + 1].text.rfind(child, 0) == 0) {
        return true;
      }
    }
    return false;
  }
  /// The children (their first lines) of the first line starting with `prefix`.
  static std::vector<std::string> ChildrenOf(const std::vector<PlanLine>& lines,
                                             const std::string& prefix) {
    std::vector<std::string> out;
    for (size_t i = 0; i < lines.size(); i++) {
      if (lines[i].text.rfind(prefix, 0) != 0) continue;
      for (size_t j = i + 1; j < lines.size() && lines[j].depth > lines[i].depth; j++) {
        if (lines[j].depth == lines[i].depth + 1) out.push_back(lines[j].text);
      }
      break;
    }
    return out;
  }
  void CreateChain() {
    ASSERT_EQ(Exec("CREATE TABLE a (id int PRIMARY KEY, x int)"), "");
    ASSERT_EQ(Exec("CREATE TABLE b (id int PRIMARY KEY, a_id int, y int)"), "");
    ASSERT_EQ(Exec("CREATE TABLE c (id int PRIMARY KEY, b_id int, z int)"), "");
  }
  void FillChain() {
    ASSERT_EQ(Exec("INSERT INTO a SELECT g, g % 7 FROM generate_series(1, 50) g"), "");
    ASSERT_EQ(Exec("INSERT INTO b SELECT g, g % 50 + 1, g % 5 FROM generate_series(1, 200) g"), "");
    ASSERT_EQ(Exec("INSERT INTO c SELECT g, g % 200 + 1, g % 3 FROM generate_series(1, 400) g"),
              "");
  }
};

TEST_F(OptimizerTest, WhereConditionsGoDownAndCommaJoinsBecomeInnerJoins) {
  CreateChain();
  FillChain();
  // FROM order a, c, b: joining a and c first would be a cross product.
  const std::string q =
      "SELECT a.id, b.id, c.id FROM a, c, b WHERE a.id = b.a_id AND b.id = c.b_id AND a.x > 5 "
      "AND c.z = 1";
  auto plan = Explain(q);
  EXPECT_EQ(Count(plan, "Join cross"), 0) << Render(plan);
  EXPECT_EQ(Count(plan, "Join inner on"), 2) << Render(plan);
  // Each single-table condition sits directly on its table's scan.
  EXPECT_TRUE(DirectlyAbove(plan, "Filter (#1 > 5)", "Scan a")) << Render(plan);
  EXPECT_TRUE(DirectlyAbove(plan, "Filter (#2 = 1)", "Scan c")) << Render(plan);
  // The answer is the one the written order gives.
  Rows rows = Query(q + " ORDER BY 1, 2, 3");
  Rows expected = Query(
      "SELECT a.id, b.id, c.id FROM a JOIN b ON a.id = b.a_id JOIN c ON b.id = c.b_id WHERE "
      "a.x > 5 AND c.z = 1 ORDER BY 1, 2, 3");
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows, expected);

  // Through a derived table's projection and a set operation's branches.
  plan =
      Explain("SELECT * FROM (SELECT id, x FROM a UNION ALL SELECT id, y FROM b) u WHERE u.x = 3");
  EXPECT_TRUE(DirectlyAbove(plan, "Filter", "Scan a")) << Render(plan);
  EXPECT_TRUE(DirectlyAbove(plan, "Filter", "Scan b")) << Render(plan);
  // Through GROUP BY keys, but not over an aggregate's result.
  plan = Explain(
      "SELECT * FROM (SELECT x, count(*) AS n FROM a GROUP BY x) g WHERE g.x = 2 AND g.n > 1");
  EXPECT_TRUE(DirectlyAbove(plan, "Filter (#1 = 2)", "Scan a")) << Render(plan);
  EXPECT_TRUE(DirectlyAbove(plan, "Filter", "Aggregate")) << Render(plan);
  // Not below a LIMIT.
  plan = Explain("SELECT * FROM (SELECT id FROM a ORDER BY id LIMIT 5) l WHERE l.id > 2");
  EXPECT_TRUE(DirectlyAbove(plan, "Filter", "Limit")) << Render(plan);
  // Constant conditions fold away.
  plan = Explain("SELECT id FROM a WHERE 1 = 1 AND x > 2");
  EXPECT_EQ(Count(plan, "Filter (#1 > 2)"), 1) << Render(plan);
}

TEST_F(OptimizerTest, OuterJoinsKeepTheirPaddingUnlessWhereRejectsIt) {
  CreateChain();
  FillChain();
  // A WHERE condition on the padded side that NULL fails: the LEFT JOIN is an inner join.
  auto plan = Explain("SELECT a.id, b.y FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.y = 1");
  EXPECT_EQ(Count(plan, "Join left"), 0) << Render(plan);
  EXPECT_EQ(Count(plan, "Join inner"), 1) << Render(plan);
  EXPECT_TRUE(DirectlyAbove(plan, "Filter", "Scan b")) << Render(plan);
  // IS NULL keeps padded rows: the outer join stays, the condition stays above it.
  plan = Explain("SELECT a.id FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.y IS NULL");
  EXPECT_EQ(Count(plan, "Join left"), 1) << Render(plan);
  EXPECT_TRUE(DirectlyAbove(plan, "Filter", "Join left")) << Render(plan);
  // On the kept side a WHERE condition goes down; an ON condition on the padded side too.
  plan = Explain("SELECT a.id FROM a LEFT JOIN b ON a.id = b.a_id AND b.y = 2 WHERE a.x = 3");
  EXPECT_TRUE(DirectlyAbove(plan, "Filter (#1 = 3)", "Scan a")) << Render(plan);
  EXPECT_TRUE(DirectlyAbove(plan, "Filter (#2 = 2)", "Scan b")) << Render(plan);
}

TEST_F(OptimizerTest, JoinOrderPutsTheSmallerInputOnTheBuildSide) {
  ASSERT_EQ(Exec("CREATE TABLE fact (id int PRIMARY KEY, d int, v int)"), "");
  ASSERT_EQ(Exec("CREATE TABLE dim (id int PRIMARY KEY, name text)"), "");
  ASSERT_EQ(Exec("INSERT INTO fact SELECT g, g % 10, g FROM generate_series(1, 5000) g"), "");
  ASSERT_EQ(Exec("INSERT INTO dim SELECT g, 'd' || g FROM generate_series(0, 9) g"), "");
  for (const char* q : {"SELECT count(*) FROM dim, fact WHERE dim.id = fact.d",
                        "SELECT count(*) FROM fact, dim WHERE dim.id = fact.d",
                        "SELECT count(*) FROM dim JOIN fact ON dim.id = fact.d"}) {
    auto plan = Explain(q);
    auto children = ChildrenOf(plan, "Join inner");
    ASSERT_EQ(children.size(), 2u) << Render(plan);
    EXPECT_EQ(children[0], "Scan fact") << q << "\n" << Render(plan);
    EXPECT_EQ(children[1], "Scan dim") << q << "\n" << Render(plan);
    EXPECT_EQ(Query(q), Rows{"5000"});
  }
  // Three tables, two of them joined only through the third: never fact x fact2 first.
  ASSERT_EQ(Exec("CREATE TABLE fact2 (id int PRIMARY KEY, d int)"), "");
  ASSERT_EQ(Exec("INSERT INTO fact2 SELECT g, g % 10 FROM generate_series(1, 3000) g"), "");
  auto plan = Explain(
      "SELECT count(*) FROM fact, fact2, dim WHERE fact.d = dim.id AND "
      "fact2.d = dim.id AND dim.name = 'd3'");
  EXPECT_EQ(Count(plan, "Join cross"), 0) << Render(plan);
  EXPECT_EQ(Query("SELECT count(*) FROM fact, fact2, dim WHERE fact.d = dim.id AND fact2.d = "
                  "dim.id AND dim.name = 'd3'"),
            Rows{"150000"});
}

TEST_F(OptimizerTest, ViewsAvoidCrossProductsWithAPlanThatDoesNotDependOnTheData) {
  CreateChain();
  const std::string q =
      "SELECT a.id AS a_id, b.id AS b_id, c.id AS c_id, c.z FROM a, c, b WHERE a.id = b.a_id AND "
      "b.id = c.b_id AND a.x > 1";
  auto plan = Explain("CREATE MATERIALIZED VIEW v AS " + q);
  EXPECT_EQ(Count(plan, "CrossHashJoin"), 0) << Render(plan);
  EXPECT_EQ(Count(plan, "InnerHashJoin"), 2) << Render(plan);
  // Written in an order without cross products, the view keeps it.
  auto kept = Explain(
      "CREATE MATERIALIZED VIEW v AS SELECT a.id, c.id FROM c, b, a WHERE a.id = b.a_id AND b.id "
      "= c.b_id");
  ASSERT_GE(kept.size(), 3u);
  EXPECT_NE(Render(kept).find("Scan c"), std::string::npos);
  EXPECT_LT(Render(kept).find("Scan c"), Render(kept).find("Scan a")) << Render(kept);

  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW v AS " + q), "");
  FillChain();
  ASSERT_EQ(Exec("DELETE FROM b WHERE id % 4 = 0"), "");
  ASSERT_EQ(Exec("UPDATE a SET x = 0 WHERE id % 3 = 0"), "");
  const std::string check = "SELECT * FROM v ORDER BY 1, 2, 3";
  Rows expected = Query(q + " ORDER BY 1, 2, 3");
  EXPECT_GT(expected.size(), 100u);
  EXPECT_EQ(Query(check), expected);
  // The same plan after a restart, now with data in the tables: the state still fits.
  Reopen();
  ASSERT_EQ(Exec("INSERT INTO c SELECT g, g % 200 + 1, 1 FROM generate_series(401, 450) g"), "");
  EXPECT_EQ(Query(check), Query(q + " ORDER BY 1, 2, 3"));
}

TEST_F(OptimizerTest, ManyTableCommaJoinsAnswerAtOnce) {
  // Twenty ten-row tables joined along a chain, written in scrambled order: in FROM order the
  // plan would build cross products of up to 10^10 rows.
  const int n = 20;
  for (int t = 1; t <= n; t++) {
    std::string s = std::to_string(t);
    ASSERT_EQ(Exec("CREATE TABLE t" + s + " (a" + s + " int PRIMARY KEY, b" + s + " int)"), "");
    ASSERT_EQ(Exec("INSERT INTO t" + s + " SELECT g, (g * " + std::to_string(3 + 4 * (t % 2)) +
                   ") % 10 + 1 FROM generate_series(1, 10) g"),
              "");
  }
  std::vector<int> order;
  for (int t = 1; t <= n; t++) order.push_back((t * 7) % n + 1);
  std::string from, where = "a1 = 4";
  for (int t : order) from += (from.empty() ? "t" : ", t") + std::to_string(t);
  for (int t = 2; t <= n; t++) {
    where += " AND b" + std::to_string(t - 1) + " = a" + std::to_string(t);
  }
  std::string q =
      "SELECT count(*), min(a" + std::to_string(n) + ") FROM " + from + " WHERE " + where;
  auto plan = Explain(q);
  EXPECT_EQ(Count(plan, "Join cross"), 0) << Render(plan);
  EXPECT_EQ(Count(plan, "Join inner"), n - 1) << Render(plan);
  // Follow the chain by hand: b = (a * k) % 10 + 1 is a permutation of 1..10 for k = 3 and 7.
  int a = 4;
  for (int t = 1; t < n; t++) a = (a * (3 + 4 * (t % 2))) % 10 + 1;
  EXPECT_EQ(Query(q), Rows{"1|" + std::to_string(a)});
}

}  // namespace
}  // namespace freshet::engine
