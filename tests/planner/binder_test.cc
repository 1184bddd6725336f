#include "planner/binder.h"

#include <gtest/gtest.h>

#include "parser/parser.h"
#include "planner/system_catalog.h"

namespace freshet::planner {
namespace {

class BinderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TableDef t;
    t.id = 1;
    t.name = "t";
    t.columns = {{"a", SqlType(TypeId::kInt32), true, ""},
                 {"b", SqlType::Varchar(10), false, ""},
                 {"c", SqlType::Numeric(10, 2), false, ""}};
    t.primary_key = {0};
    catalog_.Put(std::make_shared<TableDef>(t));
  }
  Result<PlanPtr> Bind(const std::string& sql) {
    auto stmts = parser::Parser::Parse(sql);
    EXPECT_TRUE(stmts.ok()) << stmts.status().ToString();
    auto* sel = static_cast<parser::SelectStatement*>((*stmts)[0].get());
    Binder binder(catalog_);
    return binder.BindQuery(*sel->query);
  }
  std::vector<std::string> Types(const std::string& sql) {
    auto plan = Bind(sql);
    EXPECT_TRUE(plan.ok()) << sql << ": " << plan.status().ToString();
    std::vector<std::string> out;
    if (plan.ok()) {
      for (const auto& t : (*plan)->types) out.push_back(t.ToString());
    }
    return out;
  }
  Catalog catalog_;
};

TEST_F(BinderTest, ResultTypesAndNames) {
  EXPECT_EQ(Types("SELECT a + 1, a + 1::bigint, a * 1.5, c + 1, b || 'x', a / 2.0::float8 FROM t"),
            (std::vector<std::string>{"integer", "bigint", "numeric", "numeric", "text",
                                      "double precision"}));
  EXPECT_EQ(Types("SELECT count(*), sum(a), avg(a), min(b), max(c) FROM t"),
            (std::vector<std::string>{"bigint", "bigint", "numeric", "character varying(10)",
                                      "numeric(10,2)"}));
  auto plan = Bind("SELECT a, a AS x, count(*) OVER (), 1, 'lit', CAST(a AS text) FROM t");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)->names,
            (std::vector<std::string>{"a", "x", "count", "?column?", "?column?", "a"}));
}

TEST_F(BinderTest, UnknownLiteralsTakeTheOtherSidesType) {
  EXPECT_EQ(Types("SELECT a FROM t WHERE a = '5'"), (std::vector<std::string>{"integer"}));
  auto bad = Bind("SELECT a FROM t WHERE a = 'five'");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sqlstate(), "22P02");
}

TEST_F(BinderTest, ErrorsHaveCodesAndPositions) {
  auto r = Bind("SELECT a, zz FROM t");
  EXPECT_EQ(r.status().sqlstate(), "42703");
  EXPECT_EQ(r.status().position(), 11);
  EXPECT_EQ(Bind("SELECT * FROM nope").status().sqlstate(), "42P01");
  EXPECT_EQ(Bind("SELECT b FROM t GROUP BY a").status().sqlstate(), "42803");
  EXPECT_EQ(Bind("SELECT sum(sum(a)) FROM t").status().sqlstate(), "42803");
  EXPECT_EQ(Bind("SELECT a FROM t WHERE row_number() OVER () > 1").status().sqlstate(), "42P20");
  EXPECT_EQ(Bind("SELECT a FROM t ORDER BY 5").status().sqlstate(), "42P10");
  EXPECT_EQ(Bind("SELECT (SELECT a, b FROM t)").status().sqlstate(), "42601");
  EXPECT_EQ(Bind("SELECT DISTINCT a FROM t ORDER BY b").status().sqlstate(), "42P10");
}

TEST_F(BinderTest, GroupedExpressionsMatchStructurally) {
  EXPECT_TRUE(Bind("SELECT a + 1, count(*) FROM t GROUP BY a + 1 HAVING a + 1 > 2").ok());
  EXPECT_TRUE(Bind("SELECT a AS k, count(*) FROM t GROUP BY k ORDER BY k").ok());
  EXPECT_TRUE(Bind("SELECT a FROM t GROUP BY 1").ok());
}

TEST_F(BinderTest, CommonTypeFollowsPostgres) {
  auto ct = [](std::vector<SqlType> ts) { return Binder::CommonType(ts, "UNION"); };
  EXPECT_EQ(ct({TypeId::kInt32, TypeId::kInt64})->id, TypeId::kInt64);
  EXPECT_EQ(ct({TypeId::kInt32, TypeId::kNumeric})->id, TypeId::kNumeric);
  EXPECT_EQ(ct({TypeId::kNumeric, TypeId::kFloat64})->id, TypeId::kFloat64);
  EXPECT_EQ(ct({TypeId::kUnknown, TypeId::kUnknown})->id, TypeId::kText);
  EXPECT_EQ(ct({TypeId::kDate, TypeId::kTimestamp})->id, TypeId::kTimestamp);
  EXPECT_EQ(ct({TypeId::kInt32, TypeId::kText}).status().sqlstate(), "42804");
}

TEST_F(BinderTest, SystemCatalogDescribesUserTables) {
  auto plan = SystemCatalog::Relation("pg_catalog", "pg_attribute", catalog_);
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->values.size(), 3u);
  EXPECT_EQ(SystemCatalog::Relation("pg_catalog", "no_such", catalog_), nullptr);
  EXPECT_TRUE(Bind("SELECT relname FROM pg_class WHERE relkind = 'r'").ok());
  EXPECT_EQ(Bind("SELECT * FROM other_schema.t").status().sqlstate(), "42P01");
}

}  // namespace
}  // namespace freshet::planner
