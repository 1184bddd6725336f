// Unit tests of the server-independent parts of freshet-slt.

#include <gtest/gtest.h>

#include <deque>
#include <sstream>
#include <string>
#include <vector>

#include "common/md5.h"
#include "sqllogictest/result_formatter.h"
#include "sqllogictest/slt_parser.h"
#include "sqllogictest/slt_runner.h"
#include "sqllogictest/sql_text.h"

namespace freshet::slt {
namespace {

using Values = std::vector<std::string>;

TEST(Md5Test, KnownDigests) {
  EXPECT_EQ(Md5::Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5::Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5::Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Md5::Hex("1234567890123456789012345678901234567890123456789012345678901234567890"
                     "1234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5Test, IncrementalUpdatesMatchOneShot) {
  Md5 md5;
  for (int i = 0; i < 1000; ++i) md5.Update(std::string(1000, 'a'));
  EXPECT_EQ(md5.HexDigest(), "7707d6ae4e027c70eea2a935c2296f21");
}

TEST(SltParserTest, StatementsAndQueries) {
  const char* text = R"(# leading comment
hash-threshold 8

statement ok
CREATE TABLE t1(a INTEGER,
  b INTEGER)

statement error relation .* does not exist
SELECT * FROM nope

statement error
SELECT bad

statement count 3
INSERT INTO t1 VALUES(1,2),(3,4),(5,6)

query II rowsort label-1
SELECT a,
       b FROM t1
----
1
2
3 4

query T nosort
SELECT 'x'
----

query I
SELECT 1

query error division by zero
SELECT 1/0
)";
  Result<std::vector<SltRecord>> parsed = SltParser::Parse(text, "t.test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const std::vector<SltRecord>& r = *parsed;
  ASSERT_EQ(r.size(), 9u);
  EXPECT_EQ(r[0].kind, RecordKind::kHashThreshold);
  EXPECT_EQ(r[0].hash_threshold, 8);
  EXPECT_EQ(r[0].line, 2);

  EXPECT_EQ(r[1].kind, RecordKind::kStatement);
  EXPECT_EQ(r[1].expect, StatementExpect::kOk);
  EXPECT_EQ(r[1].sql, "CREATE TABLE t1(a INTEGER,\n  b INTEGER)");
  EXPECT_EQ(r[1].line, 4);

  EXPECT_EQ(r[2].expect, StatementExpect::kError);
  EXPECT_EQ(r[2].error_regex, "relation .* does not exist");
  EXPECT_EQ(r[3].expect, StatementExpect::kError);
  EXPECT_EQ(r[3].error_regex, "");
  EXPECT_EQ(r[4].expect, StatementExpect::kCount);
  EXPECT_EQ(r[4].expected_count, 3);

  EXPECT_EQ(r[5].kind, RecordKind::kQuery);
  EXPECT_EQ(r[5].types, "II");
  EXPECT_EQ(r[5].sort_mode, SortMode::kRowSort);
  EXPECT_EQ(r[5].label, "label-1");
  EXPECT_EQ(r[5].sql, "SELECT a,\n       b FROM t1");
  EXPECT_TRUE(r[5].has_expected);
  EXPECT_EQ(r[5].expected_lines, (Values{"1", "2", "3 4"}));

  EXPECT_EQ(r[6].types, "T");
  EXPECT_TRUE(r[6].has_expected);
  EXPECT_TRUE(r[6].expected_lines.empty());

  EXPECT_EQ(r[7].types, "I");
  EXPECT_FALSE(r[7].has_expected);
  EXPECT_EQ(r[7].sort_mode, SortMode::kNoSort);
  EXPECT_TRUE(r[8].expect_error);
  EXPECT_EQ(r[8].error_regex, "division by zero");
}

TEST(SltParserTest, QueryWithoutResultsAndQueryError) {
  Result<std::vector<SltRecord>> parsed =
      SltParser::Parse("query I\nSELECT 1\n\nquery error division by zero\nSELECT 1/0\n", "t.test");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_FALSE((*parsed)[0].has_expected);
  EXPECT_TRUE((*parsed)[1].expect_error);
  EXPECT_EQ((*parsed)[1].error_regex, "division by zero");
}

TEST(SltParserTest, ConditionsHaltAndInclude) {
  const char* text =
      "onlyif sqlite # empty RHS\n"
      "query I nosort\n"
      "SELECT 1 IN ()\n"
      "----\n"
      "0\n"
      "\n"
      "skipif mssql  # this is allowed\n"
      "skipif postgresql\n"
      "statement error # no regex, just a comment\n"
      "DELETE FROM view1\n"
      "\n"
      "skipif sqlite\n"
      "halt\n"
      "\n"
      "include other/*.test\n";
  Result<std::vector<SltRecord>> parsed = SltParser::Parse(text, "t.test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const std::vector<SltRecord>& r = *parsed;
  ASSERT_EQ(r.size(), 4u);
  ASSERT_EQ(r[0].conditions.size(), 1u);
  EXPECT_TRUE(r[0].conditions[0].only_if);
  EXPECT_EQ(r[0].conditions[0].engine, "sqlite");
  EXPECT_TRUE(r[0].SkippedFor("postgresql"));
  EXPECT_FALSE(r[0].SkippedFor("sqlite"));

  EXPECT_EQ(r[1].conditions.size(), 2u);
  EXPECT_EQ(r[1].error_regex, "");
  EXPECT_TRUE(r[1].SkippedFor("postgresql"));

  EXPECT_EQ(r[2].kind, RecordKind::kHalt);
  EXPECT_FALSE(r[2].SkippedFor("postgresql"));
  EXPECT_EQ(r[3].kind, RecordKind::kInclude);
  EXPECT_EQ(r[3].include_pattern, "other/*.test");
  EXPECT_TRUE(r[3].conditions.empty());
}

TEST(SltParserTest, SleepTakesMillisecondsOrSeconds) {
  auto parsed = SltParser::Parse("sleep 250ms\n\nsleep 2s\n", "t.test");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].kind, RecordKind::kSleep);
  EXPECT_EQ((*parsed)[0].sleep_millis, 250);
  EXPECT_EQ((*parsed)[1].sleep_millis, 2000);
  EXPECT_FALSE(SltParser::Parse("sleep\n", "t.test").ok());
  EXPECT_FALSE(SltParser::Parse("sleep 3 minutes\n", "t.test").ok());
}

TEST(SltParserTest, Errors) {
  EXPECT_FALSE(SltParser::Parse("frobnicate\n", "t.test").ok());
  EXPECT_FALSE(SltParser::Parse("statement maybe\nSELECT 1\n", "t.test").ok());
  EXPECT_FALSE(SltParser::Parse("query X\nSELECT 1\n", "t.test").ok());
  EXPECT_FALSE(SltParser::Parse("query I sideways\nSELECT 1\n", "t.test").ok());
  EXPECT_FALSE(SltParser::Parse("statement ok\n\nSELECT 1\n", "t.test").ok());
  Result<std::vector<SltRecord>> bad = SltParser::Parse("\n\nbogus line\n", "f.test");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f.test:3"), std::string::npos);
}

TEST(SltParserTest, CrLfLineEndings) {
  Result<std::vector<SltRecord>> parsed =
      SltParser::Parse("query I nosort\r\nSELECT 1\r\n----\r\n1\r\n\r\n", "t.test");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)[0].sql, "SELECT 1");
  EXPECT_EQ((*parsed)[0].expected_lines, (Values{"1"}));
}

TEST(ResultFormatterTest, FormatsValues) {
  EXPECT_EQ(ResultFormatter::FormatValue('I', std::nullopt), "NULL");
  EXPECT_EQ(ResultFormatter::FormatValue('T', std::nullopt), "NULL");
  EXPECT_EQ(ResultFormatter::FormatValue('R', std::nullopt), "NULL");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "42"), "42");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "-7"), "-7");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "123456789012345678901234"),
            "123456789012345678901234");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "3.5"), "3");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "-3.9"), "-3");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "1.2500000000000000"), "1");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "1e+100"), "9223372036854775807");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "abc"), "0");
  EXPECT_EQ(ResultFormatter::FormatValue('I', ""), "0");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "t"), "1");
  EXPECT_EQ(ResultFormatter::FormatValue('I', "f"), "0");
  EXPECT_EQ(ResultFormatter::FormatValue('R', "1.25"), "1.250");
  EXPECT_EQ(ResultFormatter::FormatValue('R', "2"), "2.000");
  EXPECT_EQ(ResultFormatter::FormatValue('R', "-0.0004"), "-0.000");
  EXPECT_EQ(ResultFormatter::FormatValue('R', "1.2345"), "1.234");
  EXPECT_EQ(ResultFormatter::FormatValue('R', "text"), "0.000");
  EXPECT_EQ(ResultFormatter::FormatValue('T', ""), "(empty)");
  EXPECT_EQ(ResultFormatter::FormatValue('T', "a b"), "a b");
  EXPECT_EQ(ResultFormatter::FormatValue('T', "a\tb\nc\x7f"), "a@b@c@");
  EXPECT_EQ(ResultFormatter::FormatValue('T', "t"), "t");
}

TEST(ResultFormatterTest, FormatRows) {
  QueryResult result;
  result.columns = 3;
  result.rows = {{"1", "x", "2.5"}, {std::nullopt, "", std::nullopt}};
  EXPECT_EQ(ResultFormatter::FormatRows("ITR", result),
            (Values{"1", "x", "2.500", "NULL", "(empty)", "NULL"}));
}

TEST(ResultFormatterTest, SortModes) {
  Values v = {"2", "b", "10", "a", "2", "a"};
  Values nosort = v;
  ResultFormatter::Sort(SortMode::kNoSort, 2, &nosort);
  EXPECT_EQ(nosort, v);
  Values rows = v;
  ResultFormatter::Sort(SortMode::kRowSort, 2, &rows);
  // Rows compare as strings value by value: "10" < "2".
  EXPECT_EQ(rows, (Values{"10", "a", "2", "a", "2", "b"}));
  Values values = v;
  ResultFormatter::Sort(SortMode::kValueSort, 2, &values);
  EXPECT_EQ(values, (Values{"10", "2", "2", "a", "a", "b"}));
}

TEST(ResultFormatterTest, HashSummary) {
  EXPECT_EQ(ResultFormatter::Hash({"1", "2", "3"}), "c0710d6b4f15dfa88f600b0e6b624077");
  EXPECT_EQ(ResultFormatter::HashSummaryText({"1", "2", "3"}),
            "3 values hashing to c0710d6b4f15dfa88f600b0e6b624077");
  auto parsed =
      ResultFormatter::ParseHashSummary({"30 values hashing to 3c13dee48d9356ae19af2515e05e6b54"});
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->count, 30u);
  EXPECT_EQ(parsed->md5, "3c13dee48d9356ae19af2515e05e6b54");
  EXPECT_FALSE(ResultFormatter::ParseHashSummary({"30 values hashing to xyz"}).has_value());
  EXPECT_FALSE(ResultFormatter::ParseHashSummary({"1", "2"}).has_value());
  EXPECT_FALSE(ResultFormatter::ParseHashSummary({}).has_value());
}

TEST(ResultFormatterTest, FlattenExpected) {
  // One value per line.
  EXPECT_EQ(ResultFormatter::FlattenExpected({"a b", "c"}, 2), (Values{"a b", "c"}));
  // Rows on one line, separated by spaces or tabs.
  EXPECT_EQ(ResultFormatter::FlattenExpected({"1 2", "3\t4"}, 4), (Values{"1", "2", "3", "4"}));
  // With tabs, values may contain spaces.
  EXPECT_EQ(ResultFormatter::FlattenExpected({"1\tx y", "2\t(empty)"}, 4),
            (Values{"1", "x y", "2", "(empty)"}));
}

TEST(ResultFormatterTest, CompareValuesAndHashes) {
  Values actual = {"3", "c", "1", "a"};
  EXPECT_TRUE(ResultFormatter::Compare({"1", "a", "3", "c"}, actual, SortMode::kRowSort, 2).match);
  EXPECT_TRUE(ResultFormatter::Compare({"1 a", "3 c"}, actual, SortMode::kRowSort, 2).match);
  EXPECT_FALSE(ResultFormatter::Compare({"1", "a", "3", "c"}, actual, SortMode::kNoSort, 2).match);
  EXPECT_TRUE(ResultFormatter::Compare({"3", "c", "1", "a"}, actual, SortMode::kNoSort, 2).match);
  EXPECT_FALSE(ResultFormatter::Compare({"3", "c"}, actual, SortMode::kNoSort, 2).match);

  std::string hash_line = ResultFormatter::HashSummaryText({"1", "a", "3", "c"});
  EXPECT_TRUE(ResultFormatter::Compare({hash_line}, actual, SortMode::kRowSort, 2).match);
  EXPECT_FALSE(ResultFormatter::Compare({hash_line}, actual, SortMode::kNoSort, 2).match);
  Comparison bad = ResultFormatter::Compare(
      {"4 values hashing to 00000000000000000000000000000000"}, actual, SortMode::kRowSort, 2);
  EXPECT_FALSE(bad.match);
  EXPECT_NE(bad.actual_text.find(hash_line), std::string::npos);
  EXPECT_TRUE(ResultFormatter::Compare({}, {}, SortMode::kNoSort, 1).match);
}

TEST(SqlTextTest, Classification) {
  EXPECT_TRUE(SqlText::IsSchemaDefinition("CREATE TABLE t1(a INTEGER)"));
  EXPECT_TRUE(SqlText::IsSchemaDefinition("  create unique index i1 ON t1(a)"));
  EXPECT_TRUE(SqlText::IsSchemaDefinition("CREATE VIEW v AS SELECT 1"));
  EXPECT_FALSE(SqlText::IsSchemaDefinition("INSERT INTO t1 VALUES(1)"));
  EXPECT_TRUE(SqlText::IsDropOrAlter("DROP TABLE t1"));
  EXPECT_TRUE(SqlText::IsSelect("-- comment\nSELECT 1"));
  EXPECT_TRUE(SqlText::IsSelect("(SELECT 1) UNION (SELECT 2)"));
  EXPECT_TRUE(SqlText::IsSelect("WITH x AS (SELECT 1) SELECT * FROM x"));
  EXPECT_FALSE(SqlText::IsSelect("INSERT INTO t SELECT 1"));
  EXPECT_FALSE(SqlText::IsSelect("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"));
  EXPECT_FALSE(SqlText::IsSelect("WITH d AS MATERIALIZED ( update t SET a = 1 RETURNING a) "
                                 "SELECT * FROM d"));
  EXPECT_FALSE(SqlText::IsSelect("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"));
  EXPECT_TRUE(SqlText::IsSelect("WITH x AS (SELECT 'DELETE') SELECT * FROM x"));
}

TEST(SqlTextTest, StripTrailingOrderBy) {
  EXPECT_EQ(SqlText::StripTrailingOrderBy("SELECT a FROM t1\n ORDER BY 1;"), "SELECT a FROM t1");
  EXPECT_EQ(SqlText::StripTrailingOrderBy("SELECT a FROM t1"), "SELECT a FROM t1");
  EXPECT_EQ(SqlText::StripTrailingOrderBy("SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b"),
            "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b");
  EXPECT_EQ(SqlText::StripTrailingOrderBy("SELECT a FROM t1 ORDER BY a LIMIT 3"),
            "SELECT a FROM t1 ORDER BY a LIMIT 3");
  EXPECT_EQ(SqlText::StripTrailingOrderBy(
                "SELECT row_number() OVER (ORDER BY a), 'ORDER BY' FROM t1 ORDER BY 1"),
            "SELECT row_number() OVER (ORDER BY a), 'ORDER BY' FROM t1");
  EXPECT_EQ(SqlText::StripTrailingOrderBy("SELECT border FROM t1"), "SELECT border FROM t1");
}

// A scripted SqlConnection: answers from a queue and records the SQL it was given.
class FakeConnection : public SqlConnection {
 public:
  Result<QueryResult> Execute(const std::string& sql) override {
    executed.push_back(sql);
    if (answers.empty()) return QueryResult{};
    Result<QueryResult> next = answers.front();
    answers.pop_front();
    return next;
  }

  static QueryResult Rows(size_t columns, std::vector<std::vector<std::optional<std::string>>> r) {
    QueryResult q;
    q.columns = columns;
    q.rows = std::move(r);
    return q;
  }

  std::deque<Result<QueryResult>> answers;
  std::vector<std::string> executed;
};

std::vector<SltRecord> ParseOrDie(const std::string& text) {
  Result<std::vector<SltRecord>> parsed = SltParser::Parse(text, "t.test");
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : std::vector<SltRecord>{};
}

TEST(SltRunnerTest, CountsPassFailSkip) {
  FakeConnection conn;
  conn.answers = {
      QueryResult{},                                               // statement ok
      Status::Error("42P01", "relation \"nope\" does not exist"),  // statement error regex
      FakeConnection::Rows(2, {{"1", "x"}, {"2", std::nullopt}}),  // query ok
      FakeConnection::Rows(1, {{"5"}}),                            // wrong value
      FakeConnection::Rows(2, {{"1", "2"}}),                       // column count mismatch
      Status::Error("42601", "syntax error"),                      // statement ok fails
  };
  std::ostringstream out;
  SltRunner runner(&conn, nullptr, RunnerOptions{}, out);
  RunStats stats = runner.RunRecords(ParseOrDie(R"(statement ok
CREATE TABLE t(a INT)

statement error 42P01: relation "nope"
SELECT * FROM nope

query IT rowsort
SELECT a, b FROM t
----
2
NULL
1
x

query I nosort
SELECT 4
----
4

query I nosort
SELECT 1, 2
----
1

skipif postgresql
statement ok
SELECT skipped

statement ok
SELEC 1

halt

statement ok
NOT RUN
)"),
                                     "t.test");
  EXPECT_EQ(stats.passed, 3);
  EXPECT_EQ(stats.failed, 3);
  EXPECT_EQ(stats.skipped, 1);
  EXPECT_EQ(conn.executed.size(), 6u);
  std::string report = out.str();
  EXPECT_NE(report.find("t.test:15: query: wrong result"), std::string::npos) << report;
  EXPECT_NE(report.find("column count mismatch"), std::string::npos) << report;
  EXPECT_NE(report.find("syntax error"), std::string::npos) << report;
}

TEST(SltRunnerTest, LostConnectionFailsRecordAndRecovers) {
  FakeConnection conn;
  conn.answers = {Status::Error(kConnectionFailure, "server closed the connection"), QueryResult{}};
  int recoveries = 0;
  std::ostringstream out;
  SltRunner runner(
      &conn,
      [&]() {
        ++recoveries;
        return Status::OK();
      },
      RunnerOptions{}, out);
  RunStats stats = runner.RunRecords(
      ParseOrDie("statement error\nSELECT crash()\n\nstatement ok\nSELECT 1\n"), "t.test");
  EXPECT_EQ(recoveries, 1);
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.passed, 1);
  EXPECT_FALSE(runner.fatal());
}

TEST(SltRunnerTest, FailedRecoveryIsFatal) {
  FakeConnection conn;
  conn.answers = {Status::Error(kConnectionFailure, "gone")};
  std::ostringstream out;
  SltRunner runner(
      &conn, []() { return Status::Error(kConnectionFailure, "refused"); }, RunnerOptions{}, out);
  RunStats stats =
      runner.RunRecords(ParseOrDie("statement ok\nSELECT 1\n\nstatement ok\nSELECT 2\n"), "t.test");
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.passed, 0);
  EXPECT_TRUE(runner.fatal());
}

TEST(SltRunnerTest, FailFastStops) {
  FakeConnection conn;
  conn.answers = {Status::Error("42601", "bad")};
  std::ostringstream out;
  RunnerOptions options;
  options.fail_fast = true;
  SltRunner runner(&conn, nullptr, options, out);
  RunStats stats =
      runner.RunRecords(ParseOrDie("statement ok\nSELEC 1\n\nstatement ok\nSELECT 2\n"), "t.test");
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(conn.executed.size(), 1u);
  EXPECT_TRUE(runner.stopped());
}

TEST(SltRunnerTest, IncrementalCreatesViewsAfterSchema) {
  FakeConnection conn;
  // Every statement succeeds; the view returns the rows in another order than the query.
  conn.answers = {
      QueryResult{},                            // CREATE TABLE
      QueryResult{},                            // CREATE MATERIALIZED VIEW slt_mv_1
      QueryResult{},                            // INSERT
      FakeConnection::Rows(1, {{"1"}, {"2"}}),  // the query
      FakeConnection::Rows(1, {{"2"}, {"1"}}),  // SELECT * FROM slt_mv_1
      QueryResult{},                            // DROP MATERIALIZED VIEW
  };
  std::ostringstream out;
  RunnerOptions options;
  options.incremental = true;
  SltRunner runner(&conn, nullptr, options, out);
  RunStats stats = runner.RunRecords(ParseOrDie(R"(statement ok
CREATE TABLE t(a INT)

statement ok
INSERT INTO t VALUES(1),(2)

query I nosort
SELECT a FROM t ORDER BY a
----
1
2
)"),
                                     "t.test");
  EXPECT_EQ(stats.passed, 3) << out.str();
  EXPECT_EQ(stats.failed, 0);
  ASSERT_EQ(conn.executed.size(), 6u);
  EXPECT_EQ(conn.executed[1], "CREATE MATERIALIZED VIEW slt_mv_1 (c1) AS SELECT a FROM t");
  EXPECT_EQ(conn.executed[2], "INSERT INTO t VALUES(1),(2)");
  EXPECT_EQ(conn.executed[4], "SELECT * FROM slt_mv_1");
  EXPECT_EQ(conn.executed[5], "DROP MATERIALIZED VIEW IF EXISTS slt_mv_1");
}

TEST(SltRunnerTest, IncrementalFallsBackAndReportsWrongRows) {
  FakeConnection conn;
  conn.answers = {
      Status::Error("42P01", "no such table"),  // early CREATE MATERIALIZED VIEW fails
      QueryResult{},                            // INSERT (no schema prefix: views come first)
      FakeConnection::Rows(1, {{"1"}}),         // the query
      QueryResult{},                            // CREATE MATERIALIZED VIEW (fallback)
      FakeConnection::Rows(1, {{"7"}}),         // SELECT * FROM slt_mv_1: wrong
      QueryResult{},                            // DROP
  };
  std::ostringstream out;
  RunnerOptions options;
  options.incremental = true;
  SltRunner runner(&conn, nullptr, options, out);
  RunStats stats = runner.RunRecords(
      ParseOrDie("statement ok\nINSERT INTO t VALUES(1)\n\nquery I\nSELECT a FROM t\n----\n1\n"),
      "t.test");
  EXPECT_EQ(stats.passed, 1);  // the INSERT; the query fails through its view
  EXPECT_EQ(stats.failed, 1);
  EXPECT_EQ(stats.incremental_failed, 1);
  EXPECT_NE(out.str().find("[incremental]"), std::string::npos);
  ASSERT_EQ(conn.executed.size(), 6u);
  EXPECT_EQ(conn.executed[0], "CREATE MATERIALIZED VIEW slt_mv_1 (c1) AS SELECT a FROM t");
  EXPECT_EQ(conn.executed[3], "CREATE MATERIALIZED VIEW slt_mv_1 (c1) AS SELECT a FROM t");
}

}  // namespace
}  // namespace freshet::slt
