#include "planner/column_usage.h"

#include <gtest/gtest.h>

#include <functional>

#include "parser/parser.h"
#include "planner/binder.h"

namespace freshet::planner {
namespace {

/// Binds queries over t(a, b, c, d) and reports which columns each scan of t reads.
class ColumnUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TableDef t;
    t.id = 1;
    t.name = "t";
    for (const char* c : {"a", "b", "c", "d"})
      t.columns.push_back({c, SqlType(TypeId::kInt64), true, ""});
    catalog_.Put(std::make_shared<TableDef>(t));
  }
  /// One string per scan, in plan order: "1010" = columns a and c read.
  std::vector<std::string> Usage(const std::string& sql) {
    auto stmts = parser::Parser::Parse(sql);
    EXPECT_TRUE(stmts.ok()) << stmts.status().ToString();
    auto* sel = static_cast<parser::SelectStatement*>((*stmts)[0].get());
    Binder binder(catalog_);
    auto plan = binder.BindQuery(*sel->query);
    EXPECT_TRUE(plan.ok()) << sql << ": " << plan.status().ToString();
    std::vector<std::string> out;
    if (!plan.ok()) return out;
    ColumnUsage usage(**plan);
    std::function<void(const LogicalPlan&)> walk = [&](const LogicalPlan& p) {
      if (p.kind == PlanKind::kScan) {
        const auto* used = usage.ForScan(p);
        std::string s;
        for (size_t c = 0; c < 4; c++) s += (!used || (*used)[c]) ? '1' : '0';
        out.push_back(s);
      }
      for (const auto& c : p.children) walk(*c);
    };
    walk(**plan);
    return out;
  }
  Catalog catalog_;
};

using U = std::vector<std::string>;

TEST_F(ColumnUsageTest, ProjectionsFiltersAndAggregatesReadOnlyTheirColumns) {
  EXPECT_EQ(Usage("SELECT a FROM t"), U{"1000"});
  EXPECT_EQ(Usage("SELECT a FROM t WHERE c > 1"), U{"1010"});
  EXPECT_EQ(Usage("SELECT b, sum(d) FROM t GROUP BY b"), U{"0101"});
  EXPECT_EQ(Usage("SELECT count(*) FROM t"), U{"0000"});
  EXPECT_EQ(Usage("SELECT * FROM t"), U{"1111"});
}

TEST_F(ColumnUsageTest, JoinsSplitTheirNeedsBetweenSides) {
  EXPECT_EQ(Usage("SELECT x.a, y.d FROM t x JOIN t y ON x.b = y.c"), (U{"1100", "0011"}));
  EXPECT_EQ(Usage("SELECT x.a FROM t x, t y WHERE x.a = y.a AND y.b > 0"), (U{"1000", "1100"}));
}

TEST_F(ColumnUsageTest, WindowsSortsAndSubqueriesStayConservative) {
  EXPECT_EQ(Usage("SELECT a FROM t ORDER BY d"), U{"1001"});
  EXPECT_EQ(Usage("SELECT a, row_number() OVER (PARTITION BY b ORDER BY c) FROM t"), U{"1110"});
  // A subquery may read any column of the row it is evaluated for.
  auto sub = Usage("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM t u WHERE u.b = t.c)");
  ASSERT_FALSE(sub.empty());
  EXPECT_EQ(sub[0], "1111");
  // Set operations compare whole rows.
  EXPECT_EQ(Usage("SELECT a, b FROM t UNION SELECT c, d FROM t"), (U{"1100", "0011"}));
  EXPECT_EQ(Usage("SELECT DISTINCT a FROM t"), U{"1000"});
}

}  // namespace
}  // namespace freshet::planner
