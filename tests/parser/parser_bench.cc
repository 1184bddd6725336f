// Parse-rate benchmarks for Parser::Parse (Google Benchmark). Not a test: nothing here asserts on
// timing. Run build/parser_bench.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "parser/parser.h"

namespace freshet::parser {
namespace {

std::string InsertWithRows(int rows) {
  std::string sql = "INSERT INTO t VALUES ";
  for (int i = 0; i < rows; ++i) {
    if (i) sql += ",";
    sql += "(" + std::to_string(i) + ",'" + static_cast<char>('a' + i % 26) + "')";
  }
  return sql;
}

// One INSERT with 1000 VALUES rows per iteration; reports rows/s.
void BM_Insert1000Rows(benchmark::State& state) {
  const std::string sql = InsertWithRows(1000);
  for (auto _ : state) {
    auto result = Parser::Parse(sql);
    if (!result.ok()) state.SkipWithError(result.status().message().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.counters["rows/s"] =
      benchmark::Counter(1000.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Insert1000Rows)->Unit(benchmark::kMillisecond);

// Parses each statement with its own Parse call per iteration; reports statements/s.
void ParseEach(benchmark::State& state, const std::vector<std::string>& statements) {
  for (auto _ : state) {
    for (const auto& sql : statements) {
      auto result = Parser::Parse(sql);
      if (!result.ok()) state.SkipWithError(result.status().message().c_str());
      benchmark::DoNotOptimize(result);
    }
  }
  state.counters["statements/s"] = benchmark::Counter(
      static_cast<double>(statements.size()) * state.iterations(), benchmark::Counter::kIsRate);
}

// 10,000 short statements, each parsed by its own Parse call; reports statements/s.
void BM_10kShortSelects(benchmark::State& state) {
  std::vector<std::string> statements;
  for (int i = 0; i < 10000; ++i) {
    statements.push_back("SELECT a+b*2 FROM t1 WHERE c>" + std::to_string(i % 100));
  }
  ParseEach(state, statements);
}
BENCHMARK(BM_10kShortSelects)->Unit(benchmark::kMillisecond);

// 1,000 statements that start with a WITH list (SQLsmith writes many). A grammar whose
// prediction had to look past the WITH list to tell a query from INSERT / UPDATE / DELETE made
// make test's SQLsmith step take 93 s instead of 24 s; this is the figure to watch.
void BM_1kWithQueries(benchmark::State& state) {
  std::vector<std::string> statements;
  for (int i = 0; i < 1000; ++i) {
    std::string n = std::to_string(i);
    statements.push_back("WITH a" + n + " AS (SELECT x, y FROM t WHERE x > " + n +
                         "), b AS (SELECT * FROM a" + n + " JOIN u ON u.k = a" + n +
                         ".x WHERE (SELECT count(*) FROM v WHERE v.z = u.k) > 1) " +
                         (i % 2 ? "SELECT * FROM b" : "INSERT INTO w SELECT x FROM b"));
  }
  ParseEach(state, statements);
}
BENCHMARK(BM_1kWithQueries)->Unit(benchmark::kMillisecond);

// The same 10,000 statements as one ';'-separated script.
void BM_10kShortSelectsOneScript(benchmark::State& state) {
  std::string script;
  for (int i = 0; i < 10000; ++i) {
    script += "SELECT a+b*2 FROM t1 WHERE c>" + std::to_string(i % 100) + ";\n";
  }
  for (auto _ : state) {
    auto result = Parser::Parse(script);
    if (!result.ok()) state.SkipWithError(result.status().message().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.counters["statements/s"] =
      benchmark::Counter(10000.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_10kShortSelectsOneScript)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace freshet::parser

BENCHMARK_MAIN();
