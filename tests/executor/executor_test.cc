// The batch executor over constant relations (no storage needed): NULL logic, joins, grouping,
// windows, set operations and subqueries.

#include "executor/executor.h"

#include <gtest/gtest.h>

#include "parser/parser.h"
#include "planner/binder.h"

namespace freshet::executor {
namespace {

/// Binds and runs `sql`, rendering each row as "v1|v2|...".
std::vector<std::string> RunSql(const std::string& sql, std::string* error = nullptr) {
  planner::Catalog catalog;
  auto stmts = parser::Parser::Parse(sql);
  EXPECT_TRUE(stmts.ok()) << stmts.status().ToString();
  auto* sel = static_cast<parser::SelectStatement*>((*stmts)[0].get());
  planner::Binder binder(catalog);
  auto plan = binder.BindQuery(*sel->query);
  if (!plan.ok()) {
    if (error) *error = plan.status().sqlstate();
    return {};
  }
  ExecContext ctx;
  Executor exec(ctx);
  auto rows = exec.Execute(**plan);
  if (!rows.ok()) {
    if (error) *error = rows.status().sqlstate();
    return {};
  }
  std::vector<std::string> out;
  for (const Row& r : *rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); i++) {
      if (i) line += "|";
      line += r[i].is_null() ? "NULL" : r[i].ToText();
    }
    out.push_back(line);
  }
  return out;
}

using Rows = std::vector<std::string>;
/// The test relation under an alias: k int with a NULL, v text.
std::string T(const std::string& alias = "t") {
  return "(VALUES (1, 'a'), (2, 'b'), (2, 'c'), (NULL, 'd')) AS " + alias + "(k, v)";
}

TEST(ExecutorTest, ThreeValuedLogic) {
  EXPECT_EQ(
      RunSql("SELECT NULL::bool AND false, NULL::bool OR true, NOT NULL::bool, 1 IN (2, NULL)"),
      Rows{"f|t|NULL|NULL"});
  EXPECT_EQ(RunSql(std::string("SELECT count(*) FROM ") + T() + " WHERE k <> 1"), Rows{"2"});
}

TEST(ExecutorTest, GroupingAndAggregatesOverEmptyInput) {
  EXPECT_EQ(RunSql(std::string("SELECT k, count(*), string_agg(v, '') FROM ") + T() +
                   " GROUP BY k ORDER BY k NULLS FIRST"),
            (Rows{"NULL|1|d", "1|1|a", "2|2|bc"}));
  EXPECT_EQ(RunSql(std::string("SELECT count(*), sum(k), max(v) FROM ") + T() + " WHERE false"),
            Rows{"0|NULL|NULL"});
}

TEST(ExecutorTest, JoinsKeepOuterRowsAndSkipNullKeys) {
  std::string q = std::string("SELECT x.v, y.v FROM ") + T("x") +
                  " LEFT JOIN (VALUES (2, 'z'), (NULL, 'n')) AS y(k, v) ON x.k = y.k ORDER BY 1";
  EXPECT_EQ(RunSql(q), (Rows{"a|NULL", "b|z", "c|z", "d|NULL"}));
}

TEST(ExecutorTest, WindowsAndSetOperations) {
  EXPECT_EQ(RunSql(std::string("SELECT v, rank() OVER (ORDER BY k DESC NULLS LAST) FROM ") + T() +
                   " ORDER BY v"),
            (Rows{"a|3", "b|1", "c|1", "d|4"}));
  EXPECT_EQ(RunSql("SELECT * FROM (VALUES (1), (1), (2)) a(x) EXCEPT ALL SELECT 1"),
            (Rows{"1", "2"}));
  EXPECT_EQ(
      RunSql("SELECT * FROM (VALUES (1), (1), (2)) a(x) INTERSECT SELECT * FROM (VALUES (1)) b(y)"),
      Rows{"1"});
}

TEST(ExecutorTest, CorrelatedSubqueriesAndErrors) {
  EXPECT_EQ(RunSql(std::string("SELECT v, (SELECT count(*) FROM ") + T("i") +
                   " WHERE i.k < o.k) FROM " + T("o") + " ORDER BY v"),
            (Rows{"a|0", "b|1", "c|1", "d|0"}));
  std::string error;
  RunSql("SELECT (SELECT x FROM (VALUES (1), (2)) a(x))", &error);
  EXPECT_EQ(error, "21000");
  RunSql("SELECT 1 / (SELECT 0)", &error);
  EXPECT_EQ(error, "22012");
  RunSql("SELECT * FROM generate_series(1, 3) LIMIT -1", &error);
  EXPECT_EQ(error, "2201W");
}

}  // namespace
}  // namespace freshet::executor
