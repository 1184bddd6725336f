// Statements in parallel: queries and DML of different sessions run at the same time (the
// statement lock is shared), DDL waits for them and runs alone, and concurrent writers to the
// same rows never lose an update — the loser of a true conflict gets 40001 and retries.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "tests/engine/engine_fixture.h"

namespace freshet::engine {
namespace {

using test_support::CaptureSink;
using test_support::EngineTest;
using test_support::Rows;

/// Runs `sql` on `session` with a sink of its own (callable from any thread).
struct Outcome {
  std::string sqlstate;
  Rows rows;
};
Outcome RunOn(pgwire::BackendSession& session, const std::string& sql) {
  CaptureSink sink;
  sink.format = session.FormatOptions();
  Status s = session.ExecuteSimple(sql, sink);
  return {s.sqlstate(), sink.rows};
}

/// A client that stops reading: Rows() blocks until Release(), holding its statement open.
class StalledSink : public CaptureSink {
 public:
  void Rows(const DataChunk& chunk) override {
    CaptureSink::Rows(chunk);
    std::unique_lock<std::mutex> lock(mu_);
    stalled_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
  }
  void WaitStalled() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stalled_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stalled_ = false, released_ = false;
};

TEST_F(EngineTest, StatementsOfDifferentSessionsRunInParallel) {
  ASSERT_EQ(Exec("CREATE TABLE t (id int PRIMARY KEY, v text)"), "");
  ASSERT_EQ(Exec("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g"), "");
  // Session A's query is stopped part-way through sending its rows.
  StalledSink stalled;
  auto reader = NewSession();
  std::thread a([&] {
    Status s = reader->ExecuteSimple("SELECT id FROM t ORDER BY id", stalled);
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  stalled.WaitStalled();
  // Meanwhile another session reads and writes: it does not wait for A.
  auto writer = NewSession();
  auto b = std::async(std::launch::async, [&] {
    Outcome insert = RunOn(*writer, "INSERT INTO t VALUES (11, 'v11')");
    Outcome update = RunOn(*writer, "UPDATE t SET v = 'changed' WHERE id = 1");
    Outcome read = RunOn(*writer, "SELECT count(*), min(v) FROM t");
    return insert.sqlstate + "/" + update.sqlstate + "/" + read.sqlstate + "/" +
           (read.rows.empty() ? "" : read.rows[0]);
  });
  ASSERT_EQ(b.wait_for(std::chrono::seconds(60)), std::future_status::ready)
      << "a session's statements waited for another session's query";
  EXPECT_EQ(b.get(), "///11|changed");
  // A DDL statement runs alone: it waits until A's query is done.
  auto ddl = NewSession();
  auto c = std::async(std::launch::async, [&] { return RunOn(*ddl, "CREATE TABLE u (x int)"); });
  EXPECT_EQ(c.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "CREATE TABLE ran while another session's statement was open";
  stalled.Release();
  a.join();
  EXPECT_EQ(c.get().sqlstate, "");
  // A saw the rows there were when it started.
  EXPECT_EQ(stalled.rows.size(), 10u);
  EXPECT_EQ(Query("SELECT count(*) FROM u"), Rows{"0"});
}

TEST_F(EngineTest, ConcurrentWritersLoseNoUpdate) {
  ASSERT_EQ(Exec("CREATE TABLE counter (id int PRIMARY KEY, v int)"), "");
  ASSERT_EQ(Exec("CREATE TABLE events (who int, n int)"), "");
  ASSERT_EQ(Exec("INSERT INTO counter VALUES (1, 0)"), "");
  constexpr int kThreads = 4, kIncrements = 100;
  std::vector<std::unique_ptr<pgwire::BackendSession>> sessions;
  for (int i = 0; i < kThreads; i++) sessions.push_back(NewSession());
  std::atomic<int> conflicts{0}, other_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kIncrements; n++) {
        while (true) {
          Outcome o = RunOn(*sessions[i], "UPDATE counter SET v = v + 1 WHERE id = 1");
          if (o.sqlstate.empty()) break;
          if (o.sqlstate == "40001") {
            conflicts++;
          } else {
            other_errors++;
            break;
          }
        }
        Outcome o = RunOn(*sessions[i], "INSERT INTO events VALUES (" + std::to_string(i) + ", " +
                                            std::to_string(n) + ")");
        if (!o.sqlstate.empty()) other_errors++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(Query("SELECT v FROM counter"), Rows{std::to_string(kThreads * kIncrements)});
  EXPECT_EQ(Query("SELECT count(*), count(DISTINCT (who, n)) FROM events"), Rows{"400|400"});
}

TEST_F(EngineTest, ConcurrentTransfersKeepTheTotalForEveryReader) {
  constexpr int kAccounts = 8, kWriters = 3, kTransfers = 60;
  ASSERT_EQ(Exec("CREATE TABLE accounts (id int PRIMARY KEY, balance int)"), "");
  ASSERT_EQ(Exec("INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 8) g"), "");
  ASSERT_EQ(Exec("CREATE MATERIALIZED VIEW total AS SELECT sum(balance) AS s, count(*) AS n "
                 "FROM accounts"),
            "");
  std::vector<std::unique_ptr<pgwire::BackendSession>> writers, readers;
  for (int i = 0; i < kWriters; i++) writers.push_back(NewSession());
  for (int i = 0; i < 2; i++) readers.push_back(NewSession());
  std::atomic<bool> done{false};
  std::atomic<int> bad_reads{0}, reads{0}, errors{0};
  std::vector<std::array<int, kAccounts + 1>> deltas(kWriters);
  for (auto& d : deltas) d.fill(0);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; w++) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(w);
      for (int n = 0; n < kTransfers; n++) {
        int from = 1 + rng() % kAccounts, to = 1 + rng() % kAccounts;
        if (from == to) to = to % kAccounts + 1;
        int amount = 1 + rng() % 5;
        while (true) {
          auto& s = *writers[w];
          Outcome begin = RunOn(s, "BEGIN");
          Outcome debit =
              RunOn(s, "UPDATE accounts SET balance = balance - " + std::to_string(amount) +
                           " WHERE id = " + std::to_string(from));
          Outcome credit =
              RunOn(s, "UPDATE accounts SET balance = balance + " + std::to_string(amount) +
                           " WHERE id = " + std::to_string(to));
          Outcome commit = RunOn(s, "COMMIT");
          if (!begin.sqlstate.empty() || !debit.sqlstate.empty() || !credit.sqlstate.empty()) {
            errors++;
            (void)RunOn(s, "ROLLBACK");
            break;
          }
          if (commit.sqlstate.empty()) {
            deltas[w][from] -= amount;
            deltas[w][to] += amount;
            break;
          }
          if (commit.sqlstate != "40001") {
            errors++;
            break;
          }
        }
      }
    });
  }
  for (int r = 0; r < 2; r++) {
    threads.emplace_back([&, r] {
      while (!done.load()) {
        // Each statement reads one snapshot: a transfer is seen whole or not at all, in the
        // table and in the view.
        Outcome o = RunOn(*readers[r], r == 0 ? "SELECT sum(balance), count(*) FROM accounts"
                                              : "SELECT s, n FROM total");
        reads++;
        if (!o.sqlstate.empty() || o.rows != Rows{"800|8"}) bad_reads++;
      }
    });
  }
  for (int w = 0; w < kWriters; w++) threads[w].join();
  done = true;
  for (size_t t = kWriters; t < threads.size(); t++) threads[t].join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 0);
  // Every committed transfer is in the balances; none is lost, none is applied twice.
  for (int id = 1; id <= kAccounts; id++) {
    int expected = 100;
    for (const auto& d : deltas) expected += d[id];
    EXPECT_EQ(Query("SELECT balance FROM accounts WHERE id = " + std::to_string(id)),
              Rows{std::to_string(expected)})
        << "account " << id;
  }
  EXPECT_EQ(Query("SELECT s, n FROM total"), Rows{"800|8"});
}

}  // namespace
}  // namespace freshet::engine
