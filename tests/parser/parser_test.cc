#include "parser/parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/parser/ast_dump.h"

namespace freshet::parser {
namespace {

using testing::Dump;

std::vector<StatementPtr> ParseOk(std::string_view sql) {
  auto result = Parser::Parse(sql);
  EXPECT_TRUE(result.ok()) << sql << "\n"
                           << result.status().ToString() << " at " << result.status().position();
  if (!result.ok()) return {};
  return std::move(result).value();
}

/// Parses exactly one statement of type T.
template <typename T>
std::unique_ptr<T> One(std::string_view sql) {
  auto statements = ParseOk(sql);
  EXPECT_EQ(statements.size(), 1u) << sql;
  if (statements.size() != 1) return nullptr;
  auto* typed = dynamic_cast<T*>(statements[0].get());
  EXPECT_NE(typed, nullptr) << sql << ": unexpected statement kind "
                            << static_cast<int>(statements[0]->kind);
  if (typed == nullptr) return nullptr;
  statements[0].release();
  return std::unique_ptr<T>(typed);
}

/// The dump of a single query statement.
std::string Q(std::string_view sql) {
  auto stmt = One<SelectStatement>(sql);
  return stmt ? Dump(*stmt->query) : "<error>";
}

/// The dump of a single expression (through Parser::ParseExpression).
std::string E(std::string_view sql) {
  auto result = Parser::ParseExpression(sql);
  if (!result.ok()) return "ERROR " + result.status().message();
  return Dump(result->get());
}

Status Err(std::string_view sql) {
  auto result = Parser::Parse(sql);
  EXPECT_FALSE(result.ok()) << sql;
  return result.ok() ? Status::OK() : result.status();
}

// ---------------------------------------------------------------------------------------------
// Expressions

TEST(ParserExprTest, ArithmeticPrecedence) {
  EXPECT_EQ(E("1+2*3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(E("(1+2)*3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(E("1-2-3"), "(- (- 1 2) 3)");
  EXPECT_EQ(E("2^3^2"), "(^ (^ 2 3) 2)");
  EXPECT_EQ(E("-a*b"), "(* (- a) b)");
  EXPECT_EQ(E("-2^2"), "(^ (- 2) 2)");
  EXPECT_EQ(E("a % b / c"), "(/ (% a b) c)");
  EXPECT_EQ(E("a || b + c"), "(|| a (+ b c))");
  EXPECT_EQ(E("-5"), "(- 5)");
  EXPECT_EQ(E("+5"), "(+ 5)");
  EXPECT_EQ(E("1 - -1"), "(- 1 (- 1))");
  EXPECT_EQ(E("~a & b | c # d"), "(# (| (& (~ a) b) c) d)");
  EXPECT_EQ(E("~ a + b"), "(~ (+ a b))");
}

TEST(ParserExprTest, BooleanPrecedence) {
  EXPECT_EQ(E("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(E("NOT a = b"), "(NOT (= a b))");
  EXPECT_EQ(E("NOT a AND b"), "(AND (NOT a) b)");
  EXPECT_EQ(E("a = b OR c <> d"), "(OR (= a b) (<> c d))");
  EXPECT_EQ(E("a != b"), "(<> a b)");
  EXPECT_EQ(E("a < b + 1"), "(< a (+ b 1))");
  EXPECT_EQ(E("a = b IS NULL"), "(IS NULL (= a b))");
  EXPECT_EQ(E("a IS NOT NULL AND b ISNULL OR c NOTNULL"),
            "(OR (AND (IS NOT NULL a) (IS NULL b)) (IS NOT NULL c))");
  EXPECT_EQ(E("a IS TRUE"), "(IS TRUE a)");
  EXPECT_EQ(E("a IS NOT FALSE"), "(IS NOT FALSE a)");
  EXPECT_EQ(E("a IS UNKNOWN"), "(IS UNKNOWN a)");
  EXPECT_EQ(E("a IS DISTINCT FROM b"), "(IS DISTINCT a b)");
  EXPECT_EQ(E("a IS NOT DISTINCT FROM b + 1"), "(IS NOT DISTINCT a (+ b 1))");
}

TEST(ParserExprTest, Predicates) {
  EXPECT_EQ(E("a NOT IN (1, 2)"), "(NOT IN a 1 2)");
  EXPECT_EQ(E("a IN (SELECT b FROM t)"), "(IN a {SELECT b FROM t})");
  EXPECT_EQ(E("a BETWEEN 1 AND 2 AND b"), "(AND (BETWEEN a 1 2) b)");
  EXPECT_EQ(E("a NOT BETWEEN SYMMETRIC b - 1 AND c"), "(NOT BETWEEN SYMMETRIC a (- b 1) c)");
  EXPECT_EQ(E("a.ts BETWEEN b.ts AND b.ts + INTERVAL '1' MINUTE"),
            "(BETWEEN a.ts b.ts (+ b.ts interval'1 minute'))");
  EXPECT_EQ(E("a LIKE 'x%' ESCAPE '!'"), "(LIKE a 'x%' '!')");
  EXPECT_EQ(E("a NOT ILIKE b || '%'"), "(NOT ILIKE a (|| b '%'))");
  EXPECT_EQ(E("a SIMILAR TO 'x'"), "(~ a similar_to_escape('x'))");
  EXPECT_EQ(E("a = 1 AND b IN (1) = c"), "(AND (= a 1) (= (IN b 1) c))");
  EXPECT_EQ(E("EXISTS (SELECT 1)"), "(EXISTS {SELECT 1})");
  EXPECT_EQ(E("NOT EXISTS (SELECT 1)"), "(NOT (EXISTS {SELECT 1}))");
  EXPECT_EQ(E("x = ANY(current_schemas(true))"), "(= ANY x current_schemas(TRUE))");
  EXPECT_EQ(E("word <> ALL ('{a,b}'::text[])"), "(<> ALL word (:: '{a,b}' text[]))");
  EXPECT_EQ(E("x > SOME (SELECT 1)"), "(> ANY x {SELECT 1})");
}

TEST(ParserExprTest, Literals) {
  EXPECT_EQ(E("123456789012345678901234567890"), "123456789012345678901234567890");
  EXPECT_EQ(E("1.5"), "1.5");
  EXPECT_EQ(E(".5"), ".5");
  EXPECT_EQ(E("1e10"), "1e10");
  EXPECT_EQ(E("1.5E-3"), "1.5E-3");
  EXPECT_EQ(E("'it''s'"), "'it's'");
  EXPECT_EQ(E("E'a\\nb\\tc\\\\d\\'e\\x41\\101\\u00e9'"), "'a\nb\tc\\d'eAAé'");
  EXPECT_EQ(E("e'it''s'"), "'it's'");
  EXPECT_EQ(E("U&'d\\0061t\\+000061'"), "'data'");
  EXPECT_EQ(E("$$a'b$$"), "'a'b'");
  EXPECT_EQ(E("$tag$x $$ y$tag$"), "'x $$ y'");
  EXPECT_EQ(E("$1 + $12"), "(+ $1 $12)");
  EXPECT_EQ(E("B'0101'"), "bit'0101'");
  EXPECT_EQ(E("x'1F'"), "bit'00011111'");
  EXPECT_EQ(E("B'012'"), "ERROR \"2\" is not a valid binary digit");
  EXPECT_EQ(E("TRUE AND false"), "(AND TRUE FALSE)");
  EXPECT_EQ(E("NULL"), "NULL");
  EXPECT_EQ(E("NULL::text"), "(:: NULL text)");
  EXPECT_EQ(E("'5'::int"), "(:: '5' int)");
}

TEST(ParserExprTest, TypedLiterals) {
  EXPECT_EQ(E("DATE '2024-01-01'"), "date'2024-01-01'");
  EXPECT_EQ(E("TIME '10:00'"), "time'10:00'");
  EXPECT_EQ(E("TIMESTAMP '2024-01-01 10:00'"), "timestamp'2024-01-01 10:00'");
  EXPECT_EQ(E("TIMESTAMPTZ '2024-01-01'"), "timestamptz'2024-01-01'");
  EXPECT_EQ(E("TIMESTAMP WITH TIME ZONE 'x'"), "timestamp with time zone'x'");
  EXPECT_EQ(E("INTERVAL '10' SECOND"), "interval'10 second'");
  EXPECT_EQ(E("INTERVAL '1 day'"), "interval'1 day'");
  EXPECT_EQ(E("INTERVAL '2' DAY TO HOUR"), "interval'2 hour'");
  EXPECT_EQ(E("INTERVAL '1-2' YEAR TO MONTH"), "interval'1-2'");
  EXPECT_EQ(E("int '5'"), "int'5'");
  EXPECT_EQ(E("numeric '1.5'"), "numeric'1.5'");
  EXPECT_EQ(E("jsonb '{}'"), "jsonb'{}'");
  EXPECT_EQ(E("pg_catalog.text 'x'"), "text'x'");
  EXPECT_EQ(E("date_time - INTERVAL '4' SECOND"), "(- date_time interval'4 second')");
}

TEST(ParserExprTest, CastsAndTypes) {
  EXPECT_EQ(E("a::int"), "(:: a int)");
  EXPECT_EQ(E("-a::int"), "(- (:: a int))");
  EXPECT_EQ(E("CAST(a AS bigint)"), "(:: a bigint)");
  EXPECT_EQ(E("a::double precision"), "(:: a double precision)");
  EXPECT_EQ(E("a::character varying(10)"), "(:: a character varying(10))");
  EXPECT_EQ(E("a::varchar(10)"), "(:: a varchar(10))");
  EXPECT_EQ(E("a::char(3)"), "(:: a char(3))");
  EXPECT_EQ(E("a::\"char\""), "(:: a \"char\")");
  EXPECT_EQ(E("a::numeric(10, 2)"), "(:: a numeric(10,2))");
  EXPECT_EQ(E("a::float(24)"), "(:: a float(24))");
  EXPECT_EQ(E("a::timestamp(3) with time zone"), "(:: a timestamp with time zone(3))");
  EXPECT_EQ(E("a::timestamp without time zone"), "(:: a timestamp without time zone)");
  EXPECT_EQ(E("a::time(6)"), "(:: a time(6))");
  EXPECT_EQ(E("a::interval"), "(:: a interval)");
  EXPECT_EQ(E("a::text[]"), "(:: a text[])");
  EXPECT_EQ(E("a::int ARRAY"), "(:: a int[])");
  EXPECT_EQ(E("c.reloftype::pg_catalog.regtype::pg_catalog.text"),
            "(:: (:: c.reloftype regtype) text)");
  EXPECT_EQ(E("'pg_class'::regclass"), "(:: 'pg_class' regclass)");
  EXPECT_EQ(E("stxrelid::pg_catalog.regclass"), "(:: stxrelid regclass)");
  EXPECT_EQ(E("x::\"MyType\""), "(:: x MyType)");
}

TEST(ParserExprTest, Operators) {
  EXPECT_EQ(E("a OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default"), "(~ a '^(t)$')");
  EXPECT_EQ(E("a OPERATOR(=) b"), "(= a b)");
  EXPECT_EQ(E("a OPERATOR(pg_catalog.!=) b"), "(<> a b)");
  EXPECT_EQ(E("n.nspname !~ '^pg_'"), "(!~ n.nspname '^pg_')");
  EXPECT_EQ(E("a ~* b"), "(~* a b)");
  EXPECT_EQ(E("a !~* b"), "(!~* a b)");
  EXPECT_EQ(E("j->'a'->>'b'"), "(->> (-> j 'a') 'b')");
  EXPECT_EQ(E("j #> '{a}' #>> '{b}'"), "(#>> (#> j '{a}') '{b}')");
  EXPECT_EQ(E("j @> '{}' AND j <@ k AND j ? 'a'"), "(AND (AND (@> j '{}') (<@ j k)) (? j 'a'))");
  EXPECT_EQ(E("1 << 2 >> 3"), "(>> (<< 1 2) 3)");
  EXPECT_EQ(E("a COLLATE \"C\" < b"), "(< a b)");
  EXPECT_EQ(E("ts AT TIME ZONE 'UTC'"), "timezone('UTC', ts)");
  EXPECT_EQ(E("(current_schemas(true))[1]"), "([] current_schemas(TRUE) 1)");
  EXPECT_EQ(E("a[1][2]"), "([] ([] a 1) 2)");
  EXPECT_EQ(E("ARRAY[1, 2]"), "ARRAY[1, 2]");
  EXPECT_EQ(E("ARRAY[[1], [2]]"), "ARRAY[ARRAY[1], ARRAY[2]]");
  EXPECT_EQ(E("ARRAY(SELECT 1)"), "ARRAY{SELECT 1}");
  EXPECT_EQ(E("ROW(1, 'a')"), "(ROW 1 'a')");
  EXPECT_EQ(E("(1, 'a')"), "(ROW 1 'a')");
  EXPECT_EQ(E("(SELECT max(a) FROM t)"), "{SELECT max(a) FROM t}");
  EXPECT_EQ(E("((SELECT 1))"), "{SELECT 1}");
  EXPECT_EQ(E("((SELECT 1) + 1)"), "(+ {SELECT 1} 1)");
}

TEST(ParserExprTest, ColumnRefs) {
  EXPECT_EQ(E("a"), "a");
  EXPECT_EQ(E("t.a"), "t.a");
  EXPECT_EQ(E("s.t.a"), "s.t.a");
  EXPECT_EQ(E("\"Quoted\".\"Col\"\"x\""), "Quoted.Col\"x");
  EXPECT_EQ(E("MiXeD"), "mixed");
  EXPECT_EQ(E("t.*"), "t.*");
  // Non-reserved keywords as column names.
  EXPECT_EQ(E("name || type || date || key || value || timestamp || text || data || source"),
            "(|| (|| (|| (|| (|| (|| (|| (|| name type) date) key) value) timestamp) text) "
            "data) source)");
  EXPECT_EQ(E("first + last + year + month + day + hour + minute + second"),
            "(+ (+ (+ (+ (+ (+ (+ first last) year) month) day) hour) minute) second)");
  EXPECT_EQ(E("window_start < window_end AND partition = watermark AND interval = 1"),
            "(AND (AND (< window_start window_end) (= partition watermark)) (= interval 1))");
  EXPECT_EQ(E("position + trim + row + time"), "(+ (+ (+ position trim) row) time)");
  EXPECT_EQ(E("t.order + t.select"), "(+ t.order t.select)");
}

TEST(ParserExprTest, Functions) {
  EXPECT_EQ(E("count(*)"), "count(*)");
  EXPECT_EQ(E("count(DISTINCT a)"), "count(DISTINCT a)");
  EXPECT_EQ(E("pg_catalog.format_type(a.atttypid, a.atttypmod)"),
            "pg_catalog.format_type(a.atttypid, a.atttypmod)");
  EXPECT_EQ(E("string_agg(x, ',' ORDER BY y DESC NULLS FIRST)"),
            "string_agg(x, ',' ORDER BY y DESC NULLS FIRST)");
  EXPECT_EQ(E("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"), "percentile_cont(0.5 ORDER BY x)");
  EXPECT_EQ(E("count(*) FILTER (WHERE a > 1)"), "count(*) FILTER (> a 1)");
  EXPECT_EQ(E("left(s, 2) || right(s, 1)"), "(|| left(s, 2) right(s, 1))");
  EXPECT_EQ(E("coalesce(a, b) + nullif(a, 0) + greatest(a, b) + least(a, b)"),
            "(+ (+ (+ coalesce(a, b) nullif(a, 0)) greatest(a, b)) least(a, b))");
  EXPECT_EQ(E("now()"), "now()");
  EXPECT_EQ(E("\"MyFunc\"(1)"), "MyFunc(1)");
}

TEST(ParserExprTest, SpecialSyntaxFunctions) {
  EXPECT_EQ(E("EXTRACT(YEAR FROM ts)"), "extract('year', ts)");
  EXPECT_EQ(E("extract(epoch from ts)"), "extract('epoch', ts)");
  EXPECT_EQ(E("SUBSTRING(s FROM 2 FOR 3)"), "substring(s, 2, 3)");
  EXPECT_EQ(E("substring(s FOR 3 FROM 2)"), "substring(s, 2, 3)");
  EXPECT_EQ(E("substring(s FROM 2)"), "substring(s, 2)");
  EXPECT_EQ(E("substring(s FOR 3)"), "substring(s, 1, 3)");
  EXPECT_EQ(E("substring(s, 2, 3)"), "substring(s, 2, 3)");
  EXPECT_EQ(E("POSITION('b' IN s)"), "position('b', s)");
  EXPECT_EQ(E("TRIM(BOTH 'x' FROM s)"), "btrim(s, 'x')");
  EXPECT_EQ(E("TRIM(LEADING FROM s)"), "ltrim(s)");
  EXPECT_EQ(E("trim(trailing 'y' from s)"), "rtrim(s, 'y')");
  EXPECT_EQ(E("trim(s)"), "btrim(s)");
  EXPECT_EQ(E("OVERLAY(s PLACING 'x' FROM 2 FOR 1)"), "overlay(s, 'x', 2, 1)");
  EXPECT_EQ(E("CURRENT_DATE"), "current_date()");
  EXPECT_EQ(E("CURRENT_TIME"), "current_time()");
  EXPECT_EQ(E("CURRENT_TIMESTAMP"), "current_timestamp()");
  EXPECT_EQ(E("CURRENT_TIMESTAMP(3)"), "current_timestamp(3)");
  EXPECT_EQ(E("LOCALTIMESTAMP"), "localtimestamp()");
  EXPECT_EQ(E("CURRENT_USER"), "current_user()");
  EXPECT_EQ(E("SESSION_USER"), "session_user()");
  EXPECT_EQ(E("USER"), "user()");
  EXPECT_EQ(E("CURRENT_SCHEMA"), "current_schema()");
  EXPECT_EQ(E("current_schema()"), "current_schema()");
  EXPECT_EQ(E("CURRENT_CATALOG"), "current_catalog()");
}

TEST(ParserExprTest, Case) {
  EXPECT_EQ(E("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"),
            "(CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3)");
  EXPECT_EQ(E("CASE a + 1 WHEN b THEN 1 END"), "(CASE (+ a 1) WHEN b THEN 1)");
  auto e = Parser::ParseExpression("CASE x WHEN 1 THEN 2 ELSE 3 END");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE((*e)->case_has_operand);
  EXPECT_TRUE((*e)->case_has_else);
  EXPECT_EQ((*e)->children.size(), 4u);
}

TEST(ParserExprTest, WindowFunctions) {
  EXPECT_EQ(E("row_number() OVER (PARTITION BY a ORDER BY b)"),
            "row_number() OVER (PARTITION BY a ORDER BY b)");
  EXPECT_EQ(E("sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"),
            "sum(x) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)");
  EXPECT_EQ(E("sum(x) OVER (ORDER BY t RANGE UNBOUNDED PRECEDING)"),
            "sum(x) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
  EXPECT_EQ(E("sum(x) OVER (ORDER BY t RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND "
              "UNBOUNDED FOLLOWING)"),
            "sum(x) OVER (ORDER BY t RANGE BETWEEN interval'1 hour' PRECEDING AND UNBOUNDED "
            "FOLLOWING)");
  EXPECT_EQ(E("sum(x) OVER (GROUPS BETWEEN 1 FOLLOWING AND 3 FOLLOWING)"),
            "sum(x) OVER (GROUPS BETWEEN 1 FOLLOWING AND 3 FOLLOWING)");
  EXPECT_EQ(E("sum(x) OVER w"), "sum(x) OVER (w)");
  EXPECT_EQ(E("sum(x) OVER (w ORDER BY y)"), "sum(x) OVER (w ORDER BY y)");
  EXPECT_EQ(E("rank() OVER ()"), "rank() OVER ()");
  auto e = Parser::ParseExpression("sum(x) OVER (PARTITION BY a)");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE((*e)->over->has_frame);
}

TEST(ParserExprTest, Positions) {
  auto e = Parser::ParseExpression("1 / 0");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->position, 3);  // the operator
  EXPECT_EQ((*e)->children[0]->position, 1);
  EXPECT_EQ((*e)->children[1]->position, 5);
  auto f = Parser::ParseExpression("  pg_catalog.f(x)");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->position, 3);
  // Positions count characters, not bytes.
  auto u = Parser::ParseExpression("'héllo' || x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ((*u)->position, 9);
  EXPECT_EQ((*u)->children[1]->position, 12);
}

// ---------------------------------------------------------------------------------------------
// Queries

TEST(ParserQueryTest, SelectClauses) {
  EXPECT_EQ(Q("SELECT DISTINCT a, b AS \"B\", c d, e AS select FROM t WHERE a > 1 GROUP BY a, b "
              "HAVING count(*) > 1 ORDER BY 1 DESC, b NULLS LAST LIMIT 10 OFFSET 5"),
            "SELECT DISTINCT a, b AS B, c AS d, e AS select FROM t WHERE (> a 1) GROUP BY a, b "
            "HAVING (> count(*) 1) ORDER BY 1 DESC, b NULLS LAST LIMIT 10 OFFSET 5");
  EXPECT_EQ(Q("SELECT DISTINCT ON (a) a, b FROM t"), "SELECT DISTINCT ON (a) a, b FROM t");
  EXPECT_EQ(Q("SELECT ALL a FROM t"), "SELECT a FROM t");
  EXPECT_EQ(Q("SELECT *, t.* FROM t"), "SELECT *, t.* FROM t");
  EXPECT_EQ(Q("SELECT a FROM t OFFSET 2 ROWS LIMIT 3"), "SELECT a FROM t LIMIT 3 OFFSET 2");
  EXPECT_EQ(Q("SELECT a FROM t LIMIT ALL"), "SELECT a FROM t");
  EXPECT_EQ(Q("SELECT a FROM t FETCH FIRST 5 ROWS ONLY"), "SELECT a FROM t LIMIT 5");
  EXPECT_EQ(Q("SELECT a FROM t OFFSET 1 ROW FETCH NEXT ROW ONLY"),
            "SELECT a FROM t LIMIT 1 OFFSET 1");
  EXPECT_EQ(Q("SELECT a FROM t WINDOW w AS (PARTITION BY b), v AS (w ORDER BY c)"),
            "SELECT a FROM t WINDOW w AS (PARTITION BY b) WINDOW v AS (w ORDER BY c)");
  EXPECT_EQ(Q("VALUES (1, 'a'), (2, 'b') ORDER BY 1"), "VALUES (1, 'a'), (2, 'b') ORDER BY 1");
  EXPECT_EQ(Q("TABLE t"), "SELECT * FROM t");
  EXPECT_EQ(Q("SELECT 1 WHERE true"), "SELECT 1 WHERE TRUE");
}

TEST(ParserQueryTest, SetOperationPrecedence) {
  EXPECT_EQ(Q("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
            "[SELECT 1] UNION [[SELECT 2] INTERSECT [SELECT 3]]");
  EXPECT_EQ(Q("SELECT 1 EXCEPT SELECT 2 UNION ALL SELECT 3"),
            "[[SELECT 1] EXCEPT [SELECT 2]] UNION ALL [SELECT 3]");
  EXPECT_EQ(Q("SELECT 1 INTERSECT ALL SELECT 2 INTERSECT SELECT 3"),
            "[[SELECT 1] INTERSECT ALL [SELECT 2]] INTERSECT [SELECT 3]");
  EXPECT_EQ(Q("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"),
            "[[SELECT 1] UNION [SELECT 2]] INTERSECT [SELECT 3]");
  EXPECT_EQ(Q("SELECT 1 UNION DISTINCT SELECT 2 ORDER BY 1 LIMIT 1"),
            "[SELECT 1] UNION [SELECT 2] ORDER BY 1 LIMIT 1");
  EXPECT_EQ(Q("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u)"),
            "[SELECT a FROM t ORDER BY a LIMIT 1] UNION ALL [SELECT b FROM u]");
  EXPECT_EQ(Q("((SELECT 1))"), "SELECT 1");
  EXPECT_EQ(Q("SELECT NULL::text UNION ALL SELECT 'a'"),
            "[SELECT (:: NULL text)] UNION ALL [SELECT 'a']");
}

TEST(ParserQueryTest, With) {
  EXPECT_EQ(Q("WITH x AS (SELECT 1), y (a, b) AS (SELECT 1, 2) SELECT * FROM x, y"),
            "WITH x AS {SELECT 1}, y(a, b) AS {SELECT 1, 2} SELECT * FROM x, y");
  EXPECT_EQ(Q("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) "
              "SELECT n FROM r"),
            "WITH RECURSIVE r(n) AS {[SELECT 1] UNION ALL [SELECT (+ n 1) FROM r WHERE (< n 5)]} "
            "SELECT n FROM r");
  EXPECT_EQ(Q("WITH x AS MATERIALIZED (SELECT 1) SELECT 2"), "WITH x AS {SELECT 1} SELECT 2");
}

TEST(ParserQueryTest, FromItems) {
  EXPECT_EQ(Q("SELECT * FROM s.t AS x (a, b), u y, (SELECT 1) AS z, LATERAL (SELECT 2) w"),
            "SELECT * FROM s.t AS x(a, b), u AS y, {SELECT 1} AS z, LATERAL {SELECT 2} AS w");
  EXPECT_EQ(Q("SELECT * FROM (VALUES (1, 'a')) AS t(a, b)"),
            "SELECT * FROM {VALUES (1, 'a')} AS t(a, b)");
  EXPECT_EQ(Q("SELECT * FROM generate_series(1, 10) AS g(n), unnest(ARRAY[1]) u"),
            "SELECT * FROM generate_series(1, 10) AS g(n), unnest(ARRAY[1]) AS u");
  EXPECT_EQ(Q("SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (y) RIGHT JOIN d ON "
              "true FULL JOIN e ON false CROSS JOIN f INNER JOIN g ON 1 = 1"),
            "SELECT * FROM ((((((a JOIN b ON (= a.x b.x)) LEFT JOIN c USING (y)) RIGHT JOIN d ON "
            "TRUE) FULL JOIN e ON FALSE) CROSS JOIN f) JOIN g ON (= 1 1))");
  EXPECT_EQ(Q("SELECT * FROM a NATURAL JOIN b NATURAL LEFT JOIN c"),
            "SELECT * FROM ((a NATURAL JOIN b) NATURAL LEFT JOIN c)");
  EXPECT_EQ(Q("SELECT * FROM (a JOIN b ON true) JOIN (c CROSS JOIN d) ON true"),
            "SELECT * FROM ((a JOIN b ON TRUE) JOIN (c CROSS JOIN d) ON TRUE)");
  EXPECT_EQ(Q("SELECT * FROM t1 LEFT JOIN t2 FOR SYSTEM_TIME AS OF PROCTIME() AS d ON t1.k = d.k"),
            "SELECT * FROM (t1 LEFT JOIN t2 AS OF proctime() AS d ON (= t1.k d.k))");
}

TEST(ParserQueryTest, StreamingExtensions) {
  EXPECT_EQ(Q("SELECT auction, window_start, count(*) AS bids FROM TUMBLE(bid, date_time, "
              "INTERVAL '10' SECOND) GROUP BY auction, window_start"),
            "SELECT auction, window_start, count(*) AS bids FROM tumble(bid, date_time, "
            "interval'10 second') GROUP BY auction, window_start");
  EXPECT_EQ(Q("SELECT * FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) h"),
            "SELECT * FROM hop(bid, date_time, interval'2 second', interval'10 second') AS h");
  EXPECT_EQ(Q("SELECT a FROM t EMIT ON WINDOW CLOSE"), "SELECT a FROM t EMIT window_close");
}

TEST(ParserQueryTest, QueryErrors) {
  EXPECT_EQ(Err("(SELECT 1 ORDER BY 1) ORDER BY 1").message(),
            "multiple ORDER BY clauses not allowed");
  EXPECT_EQ(Err("SELECT 1 LIMIT 1 LIMIT 2").message(), "multiple LIMIT clauses not allowed");
  EXPECT_EQ(Err("SELECT 1 OFFSET 1 OFFSET 2").message(), "multiple OFFSET clauses not allowed");
}

// ---------------------------------------------------------------------------------------------
// Scripts, errors, lexical structure

TEST(ParserScriptTest, MultipleStatementsAndOffsets) {
  const std::string sql = "SELECT 1; ;\n  select 2 ;-- c\nINSERT INTO t VALUES (1);";
  auto statements = ParseOk(sql);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(sql.substr(statements[0]->start, statements[0]->end - statements[0]->start),
            "SELECT 1");
  EXPECT_EQ(sql.substr(statements[1]->start, statements[1]->end - statements[1]->start),
            "select 2");
  EXPECT_EQ(sql.substr(statements[2]->start, statements[2]->end - statements[2]->start),
            "INSERT INTO t VALUES (1)");
  EXPECT_EQ(statements[2]->kind, StmtKind::kInsert);
}

TEST(ParserScriptTest, ByteOffsetsWithNonAscii) {
  const std::string sql = "SELECT 'é'; SELECT 'ü' AS \"ñ\"";
  auto statements = ParseOk(sql);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(sql.substr(statements[1]->start, statements[1]->end - statements[1]->start),
            "SELECT 'ü' AS \"ñ\"");
  auto* select = static_cast<SelectStatement*>(statements[1].get());
  EXPECT_EQ(select->query->position, 13);  // characters, 1-based
  EXPECT_EQ(select->query->targets[0].alias, "ñ");
}

TEST(ParserScriptTest, EmptyInputs) {
  EXPECT_TRUE(ParseOk("").empty());
  EXPECT_TRUE(ParseOk("  ;; -- nothing\n /* block /* nested */ */ ;").empty());
}

TEST(ParserScriptTest, Comments) {
  EXPECT_EQ(Q("SELECT /* a /* nested */ comment */ 1 -- trailing"), "SELECT 1");
  EXPECT_EQ(Q("SELECT 1 --\n + 2"), "SELECT (+ 1 2)");
}

TEST(ParserScriptTest, SyntaxErrors) {
  Status s = Err("SELEC 1");
  EXPECT_EQ(s.sqlstate(), "42601");
  EXPECT_EQ(s.message(), "syntax error at or near \"SELEC\"");
  EXPECT_EQ(s.position(), 1);

  s = Err("SELECT 1 +");
  EXPECT_EQ(s.message(), "syntax error at end of input");
  EXPECT_EQ(s.position(), 11);

  s = Err("SELECT 1 +;");
  EXPECT_EQ(s.message(), "syntax error at or near \";\"");
  EXPECT_EQ(s.position(), 11);

  s = Err("SELECT * FROM t WHERE");
  EXPECT_EQ(s.message(), "syntax error at end of input");

  s = Err("SELECT 1; SELECT * FROM FROM");
  EXPECT_EQ(s.message(), "syntax error at or near \"FROM\"");
  EXPECT_EQ(s.position(), 25);

  s = Err("SELECT 'é' FROM t WHERE ! a");
  EXPECT_EQ(s.message(), "syntax error at or near \"!\"");
  EXPECT_EQ(s.position(), 25);

  s = Err("SELECT 'abc");
  EXPECT_EQ(s.message(), "unterminated quoted string at or near \"'abc\"");
  EXPECT_EQ(s.position(), 8);

  s = Err("SELECT \"abc");
  EXPECT_EQ(s.message(), "unterminated quoted identifier at or near \"\"abc\"");

  s = Err("SELECT $$abc");
  EXPECT_EQ(s.message(), "unterminated dollar-quoted string at or near \"$$abc\"");

  s = Err("SELECT 1 /* open");
  EXPECT_EQ(s.message(), "unterminated /* comment at or near \"/* open\"");

  s = Err("SELECT \"\" FROM t");
  EXPECT_EQ(s.message(), "zero-length delimited identifier at or near \"\"\"\"");

  s = Err("SELECT 1 2");
  EXPECT_EQ(s.message(), "syntax error at or near \"2\"");
  EXPECT_EQ(s.position(), 10);

  s = Err("CREATE TABLE t (a int,)");
  EXPECT_EQ(s.message(), "syntax error at or near \")\"");

  s = Err("SELECT \xff");
  EXPECT_EQ(s.sqlstate(), "22021");

  auto e = Parser::ParseExpression("1 +");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "syntax error at end of input");
}

TEST(ParserScriptTest, NestingLimits) {
  const std::string ok = "SELECT " + std::string(500, '(') + "1" + std::string(500, ')');
  EXPECT_EQ(ParseOk(ok).size(), 1u);
  Status s = Err("SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')'));
  EXPECT_EQ(s.sqlstate(), "54001");
  EXPECT_EQ(s.message(), "stack depth limit exceeded");
  std::string nots = "SELECT ";
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  EXPECT_EQ(Err(nots + "true").sqlstate(), "54001");

  // Long flat operator chains are fine up to 10000 operators.
  std::string ors = "SELECT * FROM t WHERE a = 0";
  for (int i = 1; i < 4000; ++i) ors += " OR a = " + std::to_string(i);
  EXPECT_EQ(ParseOk(ors).size(), 1u);
  std::string sum = "SELECT 1";
  for (int i = 0; i < 20000; ++i) sum += "+1";
  EXPECT_EQ(Err(sum).sqlstate(), "54001");
  std::string in_list = "SELECT 1 IN (0";
  for (int i = 1; i < 50000; ++i) in_list += "," + std::to_string(i);
  EXPECT_EQ(ParseOk(in_list + ")").size(), 1u);
}

std::string DumpStatements(const std::vector<StatementPtr>& statements) {
  std::string out;
  for (const auto& st : statements) {
    out += std::to_string(static_cast<int>(st->kind)) + ":";
    if (st->kind == StmtKind::kSelect) out += Dump(*static_cast<SelectStatement*>(st.get())->query);
    if (st->kind == StmtKind::kCreateView) {
      out += Dump(*static_cast<CreateViewStatement*>(st.get())->query);
    }
    out += ";";
  }
  return out;
}

TEST(ParserScriptTest, ConcurrentParses) {
  const std::vector<std::string> sqls = {
      "SELECT a+b*2 FROM t1 WHERE c>5",
      "SELECT count(*) OVER (PARTITION BY a) FROM t JOIN u USING (k) WHERE x BETWEEN 1 AND 2",
      "INSERT INTO t VALUES (1, 'a'), (2, E'b\\n'); SELECT 1",
      "CREATE MATERIALIZED VIEW v AS SELECT * FROM TUMBLE(s, ts, INTERVAL '1' MINUTE)",
  };
  std::vector<std::string> expected;
  for (const auto& sql : sqls) expected.push_back(DumpStatements(ParseOk(sql)));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const size_t k = (i + t) % sqls.size();
        auto result = Parser::Parse(sqls[k]);
        if (!result.ok() || DumpStatements(*result) != expected[k]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// Random edits of valid statements must come back as a Status or an AST, never crash.
TEST(ParserScriptTest, MutatedInputsDoNotCrash) {
  const std::vector<std::string> seeds = {
      "SELECT a, count(*) FILTER (WHERE b > 1) OVER (PARTITION BY c ORDER BY d ROWS BETWEEN 1 "
      "PRECEDING AND CURRENT ROW) AS n FROM t1 AS x LEFT JOIN (SELECT * FROM u) y ON x.k = y.k "
      "WHERE x.a IN (1, 2) AND y.b NOT LIKE 'a%' GROUP BY a HAVING sum(b) > 3 ORDER BY 1 LIMIT 2",
      "INSERT INTO t (a, b) VALUES (1, DEFAULT), ($1, E'x\\y') ON CONFLICT (a) DO UPDATE SET b = "
      "excluded.b RETURNING *",
      "CREATE SOURCE s (a int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH "
      "(connector = 'nexmark', nexmark.table.type = 'bid')",
      "WITH r AS (SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 3) SELECT CASE WHEN x THEN 'y' "
      "ELSE $$z$$ END::text[] FROM r, generate_series(1, 3) g(n)",
      "COPY t (a) FROM STDIN WITH (FORMAT csv, HEADER true); SET TIME ZONE 'UTC'; SHOW ALL",
  };
  const std::vector<std::string> inserts = {"(",  ")",  ",",  "'",        "\"",     "$$",
                                            "/*", "--", "::", " SELECT ", " FROM ", " AND ",
                                            "[",  "]",  ";",  "é"};
  std::mt19937 rng(42);
  int parsed = 0;
  for (const std::string& seed : seeds) {
    for (int i = 0; i < 300; ++i) {
      std::string sql = seed;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !sql.empty(); ++e) {
        const size_t at = rng() % sql.size();
        switch (rng() % 3) {
          case 0:
            sql.erase(at, 1 + rng() % 5);
            break;
          case 1:
            sql.insert(at, inserts[rng() % inserts.size()]);
            break;
          default:
            sql.insert(at, sql.substr(rng() % sql.size(), 1 + rng() % 8));
            break;
        }
      }
      auto result = Parser::Parse(sql);
      if (result.ok())
        ++parsed;
      else
        EXPECT_FALSE(result.status().message().empty()) << sql;
    }
  }
  EXPECT_GT(parsed, 0);
}

TEST(ParserScriptTest, CaseAndQuoting) {
  EXPECT_EQ(Q("SeLeCt \"MyCol\", MyCol, \"a\"\"b\" FrOm \"MyTable\""),
            "SELECT MyCol, mycol, a\"b FROM MyTable");
}

// ---------------------------------------------------------------------------------------------
// psql / driver queries (postgres-clients.md A3, A4, A5, A7) must parse.

TEST(ParserClientQueriesTest, PsqlAndDrivers) {
  const char* queries[] = {
      // \d
      "SELECT n.nspname as \"Schema\", c.relname as \"Name\", CASE c.relkind WHEN 'r' THEN "
      "'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN "
      "'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN "
      "'partitioned table' WHEN 'I' THEN 'partitioned index' END as \"Type\", "
      "pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\" FROM pg_catalog.pg_class c LEFT JOIN "
      "pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_am am ON am.oid "
      "= c.relam WHERE c.relkind IN ('r','p','v','m','S','f','') AND n.nspname <> 'pg_catalog' "
      "AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema' AND "
      "pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2;",
      // \l
      "SELECT d.datname as \"Name\", pg_catalog.pg_get_userbyid(d.datdba) as \"Owner\", "
      "pg_catalog.pg_encoding_to_char(d.encoding) as \"Encoding\", d.datcollate as \"Collate\", "
      "d.datctype as \"Ctype\", d.daticulocale as \"ICU Locale\", CASE d.datlocprovider WHEN 'c' "
      "THEN 'libc' WHEN 'i' THEN 'icu' END AS \"Locale Provider\", "
      "pg_catalog.array_to_string(d.datacl, E'\\n') AS \"Access privileges\" FROM "
      "pg_catalog.pg_database d ORDER BY 1;",
      // \dn
      "SELECT n.nspname AS \"Name\", pg_catalog.pg_get_userbyid(n.nspowner) AS \"Owner\" FROM "
      "pg_catalog.pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname <> "
      "'information_schema' ORDER BY 1;",
      // \df
      "SELECT n.nspname as \"Schema\", p.proname as \"Name\", "
      "pg_catalog.pg_get_function_result(p.oid) as \"Result data type\", "
      "pg_catalog.pg_get_function_arguments(p.oid) as \"Argument data types\", CASE p.prokind "
      "WHEN 'a' THEN 'agg' WHEN 'w' THEN 'window' WHEN 'p' THEN 'proc' ELSE 'func' END as "
      "\"Type\" FROM pg_catalog.pg_proc p LEFT JOIN pg_catalog.pg_namespace n ON n.oid = "
      "p.pronamespace WHERE pg_catalog.pg_function_is_visible(p.oid) AND n.nspname <> "
      "'pg_catalog' AND n.nspname <> 'information_schema' ORDER BY 1, 2, 4;",
      // \d t, query 1
      "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN "
      "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname "
      "OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default AND "
      "pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;",
      // \d t, query 2
      "SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, "
      "c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', "
      "c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE "
      "c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, "
      "am.amname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid "
      "= tc.oid) LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid) WHERE c.oid = '16384';",
      // \d t, query 3
      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), (SELECT "
      "pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d WHERE "
      "d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef), a.attnotnull, (SELECT "
      "c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t WHERE c.oid = "
      "a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS "
      "attcollation, a.attidentity, a.attgenerated FROM pg_catalog.pg_attribute a WHERE "
      "a.attrelid = '16384' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;",
      // \d+ m
      "SELECT pg_catalog.pg_get_viewdef('16395'::pg_catalog.oid, true);",
      // tab completion
      "SELECT c.relname, NULL::pg_catalog.text FROM pg_catalog.pg_class c WHERE c.relkind IN "
      "('r', 'S', 'v', 'm', 'f', 'p') AND (c.relname) LIKE '%' AND "
      "pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid FROM "
      "pg_catalog.pg_namespace WHERE nspname = 'pg_catalog') UNION ALL SELECT "
      "NULL::pg_catalog.text, n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname LIKE '%' "
      "AND n.nspname NOT LIKE E'pg\\\\_%' LIMIT 1000",
      "SELECT a.attname, NULL::pg_catalog.text FROM pg_catalog.pg_attribute a, "
      "pg_catalog.pg_class c WHERE c.oid = a.attrelid and a.attnum > 0 and not a.attisdropped "
      "AND (a.attname) LIKE '%' AND c.relname = 't' AND pg_catalog.pg_table_is_visible(c.oid) "
      "LIMIT 1000",
      // \du fragment
      "SELECT r.rolname, ARRAY(SELECT b.rolname FROM pg_catalog.pg_auth_members m JOIN "
      "pg_catalog.pg_roles b ON (m.roleid = b.oid) WHERE m.member = r.oid) as memberof FROM "
      "pg_catalog.pg_roles r ORDER BY 1",
      // pgjdbc getSchemas
      "SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace WHERE "
      "nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_' OR nspname = "
      "(pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_' OR nspname = "
      "replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_')) ORDER BY "
      "TABLE_SCHEM",
      // pgjdbc getColumns fragment
      "SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR "
      "(t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,"
      "row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, "
      "nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,"
      "pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,"
      "t.typtype FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_class c ON "
      "(c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid) JOIN "
      "pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef def ON "
      "(a.attrelid=def.adrelid AND a.attnum = def.adnum) LEFT JOIN pg_catalog.pg_description dsc "
      "ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid) LEFT JOIN pg_catalog.pg_class dc ON "
      "(dc.oid=dsc.classoid AND dc.relname='pg_class') LEFT JOIN pg_catalog.pg_namespace dn ON "
      "(dc.relnamespace=dn.oid AND dn.nspname='pg_catalog') WHERE c.relkind in "
      "('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped AND n.nspname LIKE "
      "'public' AND c.relname LIKE 't') c WHERE true AND attname LIKE '%' ORDER BY "
      "nspname,c.relname,attnum",
      // pgjdbc type lookup
      "SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM "
      "pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE "
      "t.oid = $1",
      "SELECT t.typname,t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON "
      "(t.typnamespace = n.oid) WHERE typinput='pg_catalog.array_in'::regproc",
      // SQLAlchemy
      "SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid "
      "WHERE typname = 'hstore';",
      "select pg_catalog.version()",
      "select current_schema()",
      "show transaction isolation level",
      "show standard_conforming_strings",
      "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY nspname",
      "SELECT CAST(current_setting('server_version_num') AS INT) / 100",
      // Metabase / DBeaver
      "SET extra_float_digits = 2",
      "SET application_name = 'Metabase v0.46'",
      "SHOW TRANSACTION ISOLATION LEVEL",
      "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
      "show timezone",
      "SELECT current_schema(),session_user",
      "SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n LEFT OUTER JOIN "
      "pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND "
      "d.classoid='pg_namespace'::regclass ORDER BY nspname",
      "SHOW search_path",
      "SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname='postgres'",
      "SELECT * FROM pg_catalog.pg_settings where name='standard_conforming_strings'",
      "SELECT string_agg(word, ',') from pg_catalog.pg_get_keywords() where word <> ALL "
      "('{a,abort,absolute}'::text[])",
      "SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1",
      "SELECT format_type(nullif(t.typbasetype, 0), t.typtypmod) FROM pg_type t",
      "SELECT i.indoption[0] & 1::smallint FROM pg_index i",
      "SELECT pg_get_serial_sequence('t', 'c')::regclass",
      "SELECT CASE WHEN quote_ident(table_schema) IN (SELECT CASE WHEN trim(s[i]) = '\"$user\"' "
      "THEN user ELSE trim(s[i]) END FROM generate_series(array_lower(string_to_array("
      "current_setting('search_path'),','),1), array_upper(string_to_array(current_setting("
      "'search_path'),','),1)) as i, string_to_array(current_setting('search_path'),',') s) THEN "
      "quote_ident(table_name) ELSE quote_ident(table_schema)||'.'||quote_ident(table_name) END "
      "AS \"table\" FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN "
      "('information_schema','pg_catalog','_timescaledb_cache') ORDER BY 1",
      "SELECT con.conname FROM pg_constraint con, generate_series(1, 32) pos(n) WHERE "
      "con.confkey[pos.n] = 1",
  };
  for (const char* sql : queries) {
    auto result = Parser::Parse(sql);
    EXPECT_TRUE(result.ok()) << sql << "\n  " << result.status().ToString() << " at "
                             << result.status().position();
  }
}

// ---------------------------------------------------------------------------------------------
// DML

TEST(ParserStatementTest, Insert) {
  auto s = One<InsertStatement>(
      "INSERT INTO s.t AS a (x, y) VALUES (1, DEFAULT), (2, 'b') ON CONFLICT (x) DO UPDATE SET "
      "y = excluded.y, z = DEFAULT WHERE a.y < 5 RETURNING *, x + 1 AS n");
  ASSERT_TRUE(s);
  EXPECT_EQ(testing::Join(s->table), "s.t");
  EXPECT_EQ(s->alias, "a");
  EXPECT_EQ(testing::Join(s->columns, ","), "x,y");
  EXPECT_EQ(Dump(*s->source), "VALUES (1, DEFAULT), (2, 'b')");
  ASSERT_TRUE(s->on_conflict);
  EXPECT_FALSE(s->on_conflict->do_nothing);
  EXPECT_EQ(testing::Join(s->on_conflict->target_columns), "x");
  ASSERT_EQ(s->on_conflict->set.size(), 2u);
  EXPECT_EQ(s->on_conflict->set[0].first, "y");
  EXPECT_EQ(Dump(s->on_conflict->set[0].second.get()), "excluded.y");
  EXPECT_EQ(s->on_conflict->set[1].second, nullptr);
  EXPECT_EQ(Dump(s->on_conflict->where.get()), "(< a.y 5)");
  ASSERT_EQ(s->returning.size(), 2u);
  EXPECT_EQ(s->returning[1].alias, "n");

  s = One<InsertStatement>("INSERT INTO t DEFAULT VALUES");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->default_values);
  EXPECT_EQ(s->source, nullptr);

  s = One<InsertStatement>("INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING");
  ASSERT_TRUE(s);
  EXPECT_EQ(Dump(*s->source), "SELECT * FROM u");
  ASSERT_TRUE(s->on_conflict);
  EXPECT_TRUE(s->on_conflict->do_nothing);

  s = One<InsertStatement>("INSERT INTO t1(e,c,b,d,a) VALUES(103,102,100,101,104)");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->columns.size(), 5u);
  s = One<InsertStatement>("INSERT INTO t (a) (SELECT 1)");
  ASSERT_TRUE(s);
  EXPECT_EQ(Dump(*s->source), "SELECT 1");
}

TEST(ParserStatementTest, UpdateDelete) {
  auto u = One<UpdateStatement>(
      "UPDATE t AS a SET x = 1, y = DEFAULT FROM u WHERE a.id = u.id RETURNING a.x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->alias, "a");
  ASSERT_EQ(u->set.size(), 2u);
  EXPECT_EQ(u->set[1].second, nullptr);
  EXPECT_EQ(u->from.size(), 1u);
  EXPECT_EQ(Dump(u->where.get()), "(= a.id u.id)");
  EXPECT_EQ(u->returning.size(), 1u);
  u = One<UpdateStatement>("UPDATE t set x = x + 1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->alias, "");
  EXPECT_EQ(Dump(u->set[0].second.get()), "(+ x 1)");

  auto d = One<DeleteStatement>("DELETE FROM t a USING u, v WHERE a.id = u.id RETURNING *");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->alias, "a");
  EXPECT_EQ(d->using_tables.size(), 2u);
  EXPECT_EQ(d->returning.size(), 1u);
  d = One<DeleteStatement>("DELETE FROM t");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->where, nullptr);
}

// ---------------------------------------------------------------------------------------------
// DDL

TEST(ParserStatementTest, CreateTable) {
  auto s = One<CreateTableStatement>(
      "CREATE TEMP TABLE IF NOT EXISTS t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT "
      "'x' || 'y', type varchar(10) UNIQUE, date date NULL, key int CONSTRAINT c CHECK (key > "
      "0), value double precision, timestamp timestamp with time zone, tags text[] COLLATE "
      "\"C\", PRIMARY KEY (id, name), UNIQUE (type, date), CHECK (id > 0), WATERMARK FOR "
      "timestamp AS timestamp - INTERVAL '5' SECOND) WITH (retention = '7 days')");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->temporary);
  EXPECT_TRUE(s->if_not_exists);
  ASSERT_EQ(s->columns.size(), 8u);
  EXPECT_TRUE(s->columns[0].primary_key);
  EXPECT_EQ(Dump(s->columns[0].type), "bigint");
  EXPECT_TRUE(s->columns[1].not_null);
  EXPECT_EQ(Dump(s->columns[1].default_value.get()), "(|| 'x' 'y')");
  EXPECT_EQ(s->columns[1].default_text, "'x' || 'y'");
  EXPECT_EQ(s->columns[2].name, "type");
  EXPECT_TRUE(s->columns[2].unique);
  EXPECT_EQ(Dump(s->columns[2].type), "varchar(10)");
  EXPECT_FALSE(s->columns[3].not_null);
  EXPECT_EQ(Dump(s->columns[5].type), "double precision");
  EXPECT_EQ(Dump(s->columns[6].type), "timestamp with time zone");
  EXPECT_EQ(Dump(s->columns[7].type), "text[]");
  EXPECT_EQ(testing::Join(s->primary_key, ","), "id,name");
  ASSERT_EQ(s->unique_constraints.size(), 1u);
  EXPECT_EQ(testing::Join(s->unique_constraints[0], ","), "type,date");
  ASSERT_TRUE(s->watermark);
  EXPECT_EQ(s->watermark->column, "timestamp");
  EXPECT_EQ(Dump(s->watermark->expr.get()), "(- timestamp interval'5 second')");
  ASSERT_EQ(s->with_options.size(), 1u);
  EXPECT_EQ(s->with_options[0].value, "7 days");

  s = One<CreateTableStatement>("CREATE TABLE t1(a INTEGER, b INTEGER, c INTEGER)");
  ASSERT_TRUE(s);
  EXPECT_EQ(Dump(s->columns[0].type), "integer");
  s = One<CreateTableStatement>("CREATE TABLE t2 AS SELECT * FROM t1");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->as_query);
  EXPECT_EQ(Dump(*s->as_query), "SELECT * FROM t1");
  EXPECT_EQ(One<CreateTableStatement>("CREATE TABLE \"T\" (\"A\" int)")->columns[0].name, "A");
}

TEST(ParserStatementTest, CreateSource) {
  auto s = One<CreateSourceStatement>(
      "CREATE SOURCE IF NOT EXISTS bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time "
      "TIMESTAMP, WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH (connector = "
      "'nexmark', nexmark.table.type = 'bid', nexmark.event.rate = 100000, partitions = 4, "
      "'quoted.key' = -1.5, enabled = true, mode = Append)");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->if_not_exists);
  EXPECT_EQ(testing::Join(s->name), "bid");
  ASSERT_EQ(s->columns.size(), 4u);
  EXPECT_EQ(Dump(s->columns[3].type), "timestamp");
  ASSERT_TRUE(s->watermark);
  EXPECT_EQ(s->watermark->column, "date_time");
  EXPECT_EQ(Dump(s->watermark->expr.get()), "(- date_time interval'4 second')");
  std::string options;
  for (const auto& o : s->with_options) options += o.key + "=" + o.value + ";";
  EXPECT_EQ(options,
            "connector=nexmark;nexmark.table.type=bid;nexmark.event.rate=100000;partitions=4;"
            "quoted.key=-1.5;enabled=true;mode=append;");
}

TEST(ParserStatementTest, CreateView) {
  const std::string sql =
      "CREATE MATERIALIZED VIEW IF NOT EXISTS hot_items AS\n  SELECT auction, count(*) AS bids "
      "FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) GROUP BY auction, window_start\n  EMIT "
      "ON WINDOW CLOSE;";
  auto s = One<CreateViewStatement>(sql);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->materialized);
  EXPECT_TRUE(s->if_not_exists);
  EXPECT_EQ(s->query_text,
            "SELECT auction, count(*) AS bids FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) "
            "GROUP BY auction, window_start");
  EXPECT_EQ(s->query->emit_mode, "window_close");
  EXPECT_EQ(s->end, static_cast<int>(sql.size()) - 1);

  s = One<CreateViewStatement>(
      "CREATE OR REPLACE TEMPORARY VIEW v (a, b) WITH (x = 1) AS (SELECT 1, 'é')");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->materialized);
  EXPECT_TRUE(s->or_replace);
  EXPECT_TRUE(s->temporary);
  EXPECT_EQ(testing::Join(s->column_names, ","), "a,b");
  EXPECT_EQ(s->query_text, "(SELECT 1, 'é')");
  EXPECT_EQ(s->with_options.size(), 1u);
}

TEST(ParserStatementTest, CreateSinkAndIndex) {
  auto sink = One<CreateSinkStatement>("CREATE SINK s FROM mv WITH (connector = 'file')");
  ASSERT_TRUE(sink);
  EXPECT_EQ(testing::Join(sink->from), "mv");
  sink = One<CreateSinkStatement>(
      "CREATE SINK IF NOT EXISTS s AS SELECT * FROM t WITH (connector = 'file', path = '/x')");
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->query);
  EXPECT_EQ(sink->with_options.size(), 2u);

  auto idx = One<CreateIndexStatement>(
      "CREATE UNIQUE INDEX IF NOT EXISTS i ON s.t USING btree (a DESC NULLS LAST, lower(b))");
  ASSERT_TRUE(idx);
  EXPECT_TRUE(idx->unique);
  EXPECT_TRUE(idx->if_not_exists);
  EXPECT_EQ(idx->name, "i");
  EXPECT_EQ(testing::Join(idx->table), "s.t");
  EXPECT_EQ(testing::DumpOrder(idx->columns), "a DESC NULLS LAST, lower(b)");
  idx = One<CreateIndexStatement>("CREATE INDEX ON t (a)");
  ASSERT_TRUE(idx);
  EXPECT_EQ(idx->name, "");
}

TEST(ParserStatementTest, DropAlterTruncate) {
  auto d = One<DropStatement>("DROP MATERIALIZED VIEW IF EXISTS a, s.b CASCADE");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->object, ObjectKind::kMaterializedView);
  EXPECT_TRUE(d->if_exists);
  EXPECT_TRUE(d->cascade);
  EXPECT_EQ(d->names.size(), 2u);
  EXPECT_EQ(One<DropStatement>("DROP TABLE t RESTRICT")->cascade, false);
  EXPECT_EQ(One<DropStatement>("DROP VIEW v")->object, ObjectKind::kView);
  EXPECT_EQ(One<DropStatement>("DROP INDEX i")->object, ObjectKind::kIndex);
  EXPECT_EQ(One<DropStatement>("DROP SOURCE s")->object, ObjectKind::kSource);
  EXPECT_EQ(One<DropStatement>("DROP SINK s")->object, ObjectKind::kSink);
  EXPECT_EQ(One<DropStatement>("DROP SCHEMA s")->object, ObjectKind::kSchema);

  auto a = One<AlterTableStatement>(
      "ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c int "
      "DEFAULT 5");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->if_exists);
  EXPECT_EQ(a->action, AlterTableStatement::Action::kAddColumn);
  EXPECT_TRUE(a->if_not_exists);
  EXPECT_EQ(a->column.name, "c");
  EXPECT_EQ(a->column.default_text, "5");
  a = One<AlterTableStatement>("ALTER TABLE t ADD d text");
  EXPECT_EQ(a->column.name, "d");
  a = One<AlterTableStatement>("ALTER TABLE t DROP COLUMN IF EXISTS c CASCADE");
  EXPECT_EQ(a->action, AlterTableStatement::Action::kDropColumn);
  EXPECT_TRUE(a->column_if_exists);
  EXPECT_TRUE(a->cascade);
  a = One<AlterTableStatement>("ALTER TABLE t DROP c");
  EXPECT_EQ(a->column_name, "c");
  a = One<AlterTableStatement>("ALTER TABLE t RENAME COLUMN a TO b");
  EXPECT_EQ(a->action, AlterTableStatement::Action::kRenameColumn);
  EXPECT_EQ(a->column_name, "a");
  EXPECT_EQ(a->new_name, "b");
  a = One<AlterTableStatement>("ALTER TABLE t RENAME a TO b");
  EXPECT_EQ(a->action, AlterTableStatement::Action::kRenameColumn);
  a = One<AlterTableStatement>("ALTER TABLE t RENAME TO u");
  EXPECT_EQ(a->action, AlterTableStatement::Action::kRenameTable);
  EXPECT_EQ(a->new_name, "u");

  auto t = One<TruncateStatement>("TRUNCATE TABLE a, s.b");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tables.size(), 2u);
  EXPECT_EQ(One<TruncateStatement>("TRUNCATE a")->tables.size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Session, transactions, utility statements

TEST(ParserStatementTest, Transactions) {
  using Kind = TransactionStatement::Kind;
  auto t = One<TransactionStatement>("BEGIN");
  EXPECT_EQ(t->txn_kind, Kind::kBegin);
  t = One<TransactionStatement>("BEGIN WORK ISOLATION LEVEL SERIALIZABLE, READ ONLY");
  EXPECT_EQ(t->txn_kind, Kind::kBegin);
  EXPECT_EQ(testing::Join(t->modes, ";"), "isolation level serializable;read only");
  t = One<TransactionStatement>("START TRANSACTION READ WRITE NOT DEFERRABLE");
  EXPECT_EQ(testing::Join(t->modes, ";"), "read write;not deferrable");
  EXPECT_EQ(One<TransactionStatement>("BEGIN TRANSACTION")->txn_kind, Kind::kBegin);
  EXPECT_EQ(One<TransactionStatement>("COMMIT")->txn_kind, Kind::kCommit);
  EXPECT_EQ(One<TransactionStatement>("COMMIT WORK")->txn_kind, Kind::kCommit);
  EXPECT_EQ(One<TransactionStatement>("END TRANSACTION")->txn_kind, Kind::kCommit);
  EXPECT_EQ(One<TransactionStatement>("ROLLBACK")->txn_kind, Kind::kRollback);
  EXPECT_EQ(One<TransactionStatement>("ABORT")->txn_kind, Kind::kRollback);
  t = One<TransactionStatement>("SAVEPOINT s1");
  EXPECT_EQ(t->txn_kind, Kind::kSavepoint);
  EXPECT_EQ(t->savepoint, "s1");
  t = One<TransactionStatement>("RELEASE SAVEPOINT s1");
  EXPECT_EQ(t->txn_kind, Kind::kRelease);
  EXPECT_EQ(t->savepoint, "s1");
  EXPECT_EQ(One<TransactionStatement>("RELEASE s1")->savepoint, "s1");
  t = One<TransactionStatement>("ROLLBACK TO SAVEPOINT s1");
  EXPECT_EQ(t->txn_kind, Kind::kRollbackToSavepoint);
  EXPECT_EQ(t->savepoint, "s1");
  EXPECT_EQ(One<TransactionStatement>("ROLLBACK WORK TO s2")->savepoint, "s2");
}

std::string SetSummary(std::string_view sql) {
  auto s = One<SetStatement>(sql);
  if (!s) return "<error>";
  std::string out = s->name + "=" + testing::Join(s->values, "|");
  if (s->is_default) out += " default";
  if (s->local) out += " local";
  return out;
}

TEST(ParserStatementTest, Set) {
  EXPECT_EQ(SetSummary("SET extra_float_digits = 3"), "extra_float_digits=3");
  EXPECT_EQ(SetSummary("SET extra_float_digits TO -1"), "extra_float_digits=-1");
  EXPECT_EQ(SetSummary("SET application_name = 'PostgreSQL JDBC Driver'"),
            "application_name=PostgreSQL JDBC Driver");
  EXPECT_EQ(SetSummary("SET SESSION search_path TO public, \"MySchema\""),
            "search_path=public|MySchema");
  EXPECT_EQ(SetSummary("SET LOCAL statement_timeout = DEFAULT"),
            "statement_timeout= default local");
  EXPECT_EQ(SetSummary("SET freshet.read_mode = 'latest'"), "freshet.read_mode=latest");
  EXPECT_EQ(SetSummary("SET standard_conforming_strings = on"), "standard_conforming_strings=on");
  EXPECT_EQ(SetSummary("SET x = off"), "x=off");
  EXPECT_EQ(SetSummary("SET x = true"), "x=true");
  EXPECT_EQ(SetSummary("SET TIME ZONE 'UTC'"), "timezone=UTC");
  EXPECT_EQ(SetSummary("SET TIME ZONE LOCAL"), "timezone= default");
  EXPECT_EQ(SetSummary("SET TIME ZONE DEFAULT"), "timezone= default");
  EXPECT_EQ(SetSummary("SET TIME ZONE -8"), "timezone=-8");
  EXPECT_EQ(SetSummary("SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE"), "timezone=+02:00");
  EXPECT_EQ(SetSummary("SET timezone = 'Europe/Paris'"), "timezone=Europe/Paris");
  EXPECT_EQ(SetSummary("SET NAMES 'UTF8'"), "client_encoding=UTF8");
  EXPECT_EQ(SetSummary("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ "
                       "UNCOMMITTED"),
            "transaction_characteristics=isolation level read uncommitted");
  EXPECT_EQ(SetSummary("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
            "transaction=isolation level repeatable read|read only");
}

std::string ShowSummary(std::string_view sql) {
  auto s = One<ShowStatement>(sql);
  if (!s) return "<error>";
  std::string out = s->name;
  if (s->name == "create") {
    out += " " + std::to_string(static_cast<int>(s->create_object)) + " " +
           testing::Join(s->object_name);
  }
  return out;
}

TEST(ParserStatementTest, ShowReset) {
  EXPECT_EQ(ShowSummary("SHOW ALL"), "all");
  EXPECT_EQ(ShowSummary("SHOW TABLES"), "tables");
  EXPECT_EQ(ShowSummary("SHOW SOURCES"), "sources");
  EXPECT_EQ(ShowSummary("SHOW SINKS"), "sinks");
  EXPECT_EQ(ShowSummary("SHOW VIEWS"), "views");
  EXPECT_EQ(ShowSummary("SHOW MATERIALIZED VIEWS"), "materialized views");
  EXPECT_EQ(ShowSummary("SHOW CREATE TABLE s.t"), "create 0 s.t");
  EXPECT_EQ(ShowSummary("SHOW CREATE VIEW v"), "create 1 v");
  EXPECT_EQ(ShowSummary("SHOW CREATE MATERIALIZED VIEW v"), "create 2 v");
  EXPECT_EQ(ShowSummary("SHOW CREATE SOURCE s"), "create 4 s");
  EXPECT_EQ(ShowSummary("SHOW TRANSACTION ISOLATION LEVEL"), "transaction_isolation");
  EXPECT_EQ(ShowSummary("SHOW TIME ZONE"), "timezone");
  EXPECT_EQ(ShowSummary("show TimeZone"), "timezone");
  EXPECT_EQ(ShowSummary("SHOW server_version"), "server_version");
  EXPECT_EQ(ShowSummary("SHOW freshet.read_mode"), "freshet.read_mode");
  EXPECT_EQ(One<ResetStatement>("RESET ALL")->name, "all");
  EXPECT_EQ(One<ResetStatement>("RESET search_path")->name, "search_path");
  EXPECT_EQ(One<ResetStatement>("RESET TIME ZONE")->name, "timezone");
}

TEST(ParserStatementTest, Explain) {
  auto e = One<ExplainStatement>("EXPLAIN SELECT 1");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->analyze);
  EXPECT_EQ(e->statement->kind, StmtKind::kSelect);
  e = One<ExplainStatement>("EXPLAIN ANALYZE VERBOSE SELECT 1");
  EXPECT_TRUE(e->analyze);
  EXPECT_TRUE(e->verbose);
  e = One<ExplainStatement>("EXPLAIN (ANALYZE, VERBOSE false, FORMAT json) SELECT 1");
  EXPECT_TRUE(e->analyze);
  EXPECT_FALSE(e->verbose);
  e = One<ExplainStatement>(
      "EXPLAIN CREATE MATERIALIZED VIEW v AS SELECT a, count(*) FROM t GROUP BY a");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->statement->kind, StmtKind::kCreateView);
  EXPECT_EQ(static_cast<CreateViewStatement*>(e->statement.get())->query_text,
            "SELECT a, count(*) FROM t GROUP BY a");
  EXPECT_EQ(One<ExplainStatement>("EXPLAIN (SELECT 1)")->statement->kind, StmtKind::kSelect);
  EXPECT_EQ(One<ExplainStatement>("EXPLAIN INSERT INTO t VALUES (1)")->statement->kind,
            StmtKind::kInsert);
}

TEST(ParserStatementTest, DataModifyingWith) {
  auto ins = One<InsertStatement>(
      "WITH d AS (DELETE FROM a WHERE id < 3 RETURNING *), x(k) AS (SELECT 1) "
      "INSERT INTO b SELECT * FROM d RETURNING id");
  ASSERT_TRUE(ins);
  ASSERT_EQ(ins->ctes.size(), 2u);
  ASSERT_TRUE(ins->ctes[0].dml);
  EXPECT_EQ(ins->ctes[0].dml->kind, StmtKind::kDelete);
  EXPECT_EQ(ins->ctes[0].query, nullptr);
  EXPECT_EQ(ins->ctes[1].dml, nullptr);
  EXPECT_EQ(ins->ctes[1].column_names, std::vector<std::string>{"k"});
  EXPECT_EQ(ins->returning.size(), 1u);
  auto sel = One<SelectStatement>(
      "WITH u AS (WITH v AS (SELECT 1 AS i) UPDATE t SET a = 0 FROM v RETURNING a) SELECT * FROM "
      "u");
  ASSERT_TRUE(sel);
  ASSERT_EQ(sel->query->ctes.size(), 1u);
  ASSERT_TRUE(sel->query->ctes[0].dml);
  auto& update = static_cast<const UpdateStatement&>(*sel->query->ctes[0].dml);
  EXPECT_EQ(update.ctes.size(), 1u) << "a data-modifying WITH query keeps its own WITH";
  auto del =
      One<DeleteStatement>("WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->ctes.size(), 1u);
  EXPECT_TRUE(One<InsertStatement>("INSERT INTO t VALUES (1)")->ctes.empty());
  // Only statements and WITH queries change data (PostgreSQL's grammar).
  EXPECT_EQ(Err("SELECT * FROM (INSERT INTO t VALUES (1) RETURNING *) s").sqlstate(), "42601");
  EXPECT_EQ(Err("SELECT (DELETE FROM t RETURNING a)").sqlstate(), "42601");
  EXPECT_EQ(Err("INSERT INTO t INSERT INTO u VALUES (1)").sqlstate(), "42601");
}

std::string CopyOptions(const CopyStatement& c) {
  std::string out;
  for (const auto& o : c.options) out += o.key + "=" + o.value + ";";
  return out;
}

TEST(ParserStatementTest, Copy) {
  auto c = One<CopyStatement>("COPY t FROM STDIN");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->from);
  EXPECT_EQ(testing::Join(c->table), "t");
  c = One<CopyStatement>(
      "COPY s.t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ',', NULL '', QUOTE "
      "'\"', ESCAPE '\\')");
  ASSERT_TRUE(c);
  EXPECT_EQ(testing::Join(c->columns, ","), "a,b");
  EXPECT_EQ(CopyOptions(*c), "format=csv;header=true;delimiter=,;null=;quote=\";escape=\\;");
  c = One<CopyStatement>("COPY t FROM STDIN (FORMAT 'csv', HEADER)");
  EXPECT_EQ(CopyOptions(*c), "format=csv;header=true;");
  c = One<CopyStatement>("COPY t FROM STDIN WITH CSV HEADER");
  EXPECT_EQ(CopyOptions(*c), "format=csv;header=true;");
  c = One<CopyStatement>("COPY t FROM STDIN DELIMITER ',' NULL AS ''");
  EXPECT_EQ(CopyOptions(*c), "delimiter=,;null=;");
  c = One<CopyStatement>("COPY t FROM STDIN CSV");
  EXPECT_EQ(CopyOptions(*c), "format=csv;");
  c = One<CopyStatement>("COPY t TO STDOUT");
  EXPECT_FALSE(c->from);
  c = One<CopyStatement>("COPY (SELECT a FROM t) TO STDOUT WITH (FORMAT csv)");
  ASSERT_TRUE(c->query);
  EXPECT_FALSE(c->from);
  EXPECT_TRUE(c->table.empty());
  c = One<CopyStatement>("COPY (SUBSCRIBE TO hot_items) TO STDOUT");
  EXPECT_TRUE(c->subscribe);
  EXPECT_EQ(testing::Join(c->subscribe_target), "hot_items");
  c = One<CopyStatement>("COPY (SUBSCRIBE v) TO STDOUT");
  EXPECT_EQ(testing::Join(c->subscribe_target), "v");
}

TEST(ParserStatementTest, SubscribePrepareExecute) {
  EXPECT_EQ(testing::Join(One<SubscribeStatement>("SUBSCRIBE TO v")->target), "v");
  EXPECT_EQ(testing::Join(One<SubscribeStatement>("SUBSCRIBE s.v")->target), "s.v");
  auto sub = One<SubscribeStatement>("SUBSCRIBE (SELECT a FROM t)");
  ASSERT_TRUE(sub && sub->query);

  auto p = One<PrepareStatement>("PREPARE q (int, text) AS SELECT $1, $2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "q");
  ASSERT_EQ(p->param_types.size(), 2u);
  EXPECT_EQ(p->param_types[1].name, "text");
  EXPECT_EQ(p->statement->kind, StmtKind::kSelect);
  p = One<PrepareStatement>("PREPARE ins AS INSERT INTO t VALUES ($1)");
  EXPECT_EQ(p->statement->kind, StmtKind::kInsert);

  auto x = One<ExecuteStatement>("EXECUTE q (1, 'a')");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->params.size(), 2u);
  EXPECT_TRUE(One<ExecuteStatement>("EXECUTE q")->params.empty());

  EXPECT_EQ(One<DeallocateStatement>("DEALLOCATE q")->name, "q");
  EXPECT_TRUE(One<DeallocateStatement>("DEALLOCATE PREPARE ALL")->all);
  EXPECT_TRUE(One<DiscardStatement>("DISCARD ALL"));
}

// ---------------------------------------------------------------------------------------------
// The public sqllogictest corpus: every statement and query of select1/select2 must parse, and
// so must the records of evidence/ that PostgreSQL runs with `statement ok` or `query`.

struct SltRecord {
  std::string sql;
  bool expect_error = false;
  int line = 0;
};

std::vector<SltRecord> ReadSlt(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<SltRecord> records;
  std::string line;
  int line_no = 0;
  bool skip = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.rfind("skipif postgresql", 0) == 0) {
      skip = true;
      continue;
    }
    if (line.rfind("onlyif", 0) == 0) {
      if (line.find("postgresql") == std::string::npos) skip = true;
      continue;
    }
    if (line == "halt") {
      if (!skip) break;
      skip = false;
      continue;
    }
    const bool statement = line.rfind("statement", 0) == 0;
    const bool query = line.rfind("query", 0) == 0;
    if (!statement && !query) continue;
    SltRecord record;
    record.expect_error = line.rfind("statement error", 0) == 0;
    record.line = line_no;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line == "----") break;
      record.sql += line + "\n";
    }
    if (!skip) records.push_back(std::move(record));
    skip = false;
  }
  return records;
}

TEST(ParserSqlLogicTest, SelectFilesParse) {
  const std::filesystem::path dir = std::filesystem::path(FRESHET_SHARED_DIR) / "sqllogictest";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " does not exist";
  int parsed = 0;
  for (const char* name : {"sqlite/select1.test", "sqlite/select2.test"}) {
    for (const SltRecord& r : ReadSlt(dir / name)) {
      auto result = Parser::Parse(r.sql);
      EXPECT_TRUE(result.ok()) << name << ":" << r.line << ": " << r.sql << "  "
                               << result.status().ToString();
      ++parsed;
    }
  }
  EXPECT_GT(parsed, 1000);
}

TEST(ParserSqlLogicTest, EvidenceFilesParse) {
  const std::filesystem::path dir =
      std::filesystem::path(FRESHET_SHARED_DIR) / "sqllogictest/sqlite/evidence";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " does not exist";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    for (const SltRecord& r : ReadSlt(entry.path())) {
      if (r.expect_error) continue;
      auto result = Parser::Parse(r.sql);
      EXPECT_TRUE(result.ok()) << entry.path().filename() << ":" << r.line << ": " << r.sql << "  "
                               << result.status().ToString();
    }
  }
}

}  // namespace
}  // namespace freshet::parser
