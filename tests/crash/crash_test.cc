// Crash test: clients ingest into tables and a source (INSERT, COPY, multi-statement
// transactions, rollbacks) while materialized views with aggregates, a join and a window update
// and a DDL client creates and drops a view; the server is SIGKILLed at random moments — and,
// through FRESHET_FAILPOINTS, inside a checkpoint's write, inside DDL, between COPY messages and
// between a transaction's log write and its commit — restarted, and the cycle repeats. After every
// restart every table, the source and every view are compared with an oracle kept by the
// harness over exactly the acknowledged writes: a transaction whose COMMIT was acknowledged is
// there in full, one that failed, rolled back or was still open is not there at all, and one
// whose COMMIT was in flight at the kill must be there in full or not at all. A reader checks
// throughout that no view ever shows half a transaction.
//
// Usage: freshet-crash-test --server build/freshet [--cycles 20] [--seed N] [--clients 3]
//                           [--keep-dir]
// Ends with "N passed, M failed" (one check per cycle) and exits 1 on any failure.

#include <libpq-fe.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Rows = std::vector<std::string>;  // each row's columns joined by '|', sorted

constexpr int64_t kBaseEpochSeconds = 1767225600;  // 2026-01-01 00:00:00 UTC
constexpr int kGroups = 7;

struct Options {
  std::string server = "build/freshet";
  int cycles = 20;
  uint64_t seed = 0;
  int clients = 3;
  bool keep_dir = false;
};

/// One statement's outcome: done, failed with an error the server reported (not applied), or
/// the connection broke (the server died: applied or not is unknown for a commit).
enum class Outcome { kOk, kError, kBroken };

std::string Timestamp(int64_t micros) {
  time_t secs = static_cast<time_t>(kBaseEpochSeconds + micros / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  int64_t frac = micros % 1000000;
  if (frac) {
    char f[16];
    std::snprintf(f, sizeof f, ".%06lld", static_cast<long long>(frac));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  return out;
}

/// A libpq connection with the few calls the harness needs.
class Conn {
 public:
  explicit Conn(int port) {
    std::string info = "host=127.0.0.1 port=" + std::to_string(port) +
                       " dbname=freshet user=freshet connect_timeout=5";
    c_ = PQconnectdb(info.c_str());
  }
  ~Conn() { PQfinish(c_); }
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }

  Outcome Exec(const std::string& sql, std::string* error = nullptr) {
    PGresult* r = PQexec(c_, sql.c_str());
    Outcome o = Classify(r, error);
    PQclear(r);
    return o;
  }

  /// Rows of a query, or nullopt with `error` set.
  std::optional<Rows> Query(const std::string& sql, std::string* error = nullptr) {
    PGresult* r = PQexec(c_, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      Classify(r, error);
      PQclear(r);
      return std::nullopt;
    }
    Rows rows;
    for (int i = 0; i < PQntuples(r); i++) {
      std::string row;
      for (int j = 0; j < PQnfields(r); j++) {
        if (j) row += '|';
        row += PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j);
      }
      rows.push_back(std::move(row));
    }
    PQclear(r);
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  /// COPY table FROM STDIN with `lines`, sent as several CopyData messages.
  Outcome Copy(const std::string& table, const std::vector<std::string>& lines,
               std::string* error) {
    PGresult* r = PQexec(c_, ("COPY " + table + " FROM STDIN").c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) {
      Outcome o = Classify(r, error);
      PQclear(r);
      return o == Outcome::kOk ? Outcome::kError : o;
    }
    PQclear(r);
    std::string chunk;
    for (size_t i = 0; i < lines.size(); i++) {
      chunk += lines[i];
      chunk += '\n';
      if (chunk.size() > 256 || i + 1 == lines.size()) {
        if (PQputCopyData(c_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
          return Outcome::kBroken;
        }
        if (PQflush(c_) != 0) return Outcome::kBroken;
        chunk.clear();
      }
    }
    if (PQputCopyEnd(c_, nullptr) != 1) return Outcome::kBroken;
    Outcome o = Outcome::kOk;
    while ((r = PQgetResult(c_)) != nullptr) {
      Outcome step = Classify(r, error);
      if (step != Outcome::kOk) o = step;
      PQclear(r);
    }
    if (PQstatus(c_) != CONNECTION_OK) o = Outcome::kBroken;
    return o;
  }

 private:
  Outcome Classify(PGresult* r, std::string* error) {
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN) {
      return Outcome::kOk;
    }
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (error) {
      *error = std::string(state ? state : "-----") + " " +
               (r ? PQresultErrorMessage(r) : PQerrorMessage(c_));
    }
    // 57P01 (admin shutdown) and a lost connection both mean the server went away mid-statement.
    if (PQstatus(c_) != CONNECTION_OK || !state || std::string(state) == "57P01") {
      return Outcome::kBroken;
    }
    return Outcome::kError;
  }
  PGconn* c_;
};

// --- The oracle ---

struct Account {
  int client;
  int grp;
  int64_t balance;
};
struct Order {
  int account;
  int64_t amount;
};
struct Event {
  int client;
  int k;
  int64_t v;
  int64_t ts;  // microseconds after kBaseEpochSeconds
};

/// What the database must hold: the effects of every acknowledged write.
struct Oracle {
  std::map<int, Account> accounts;
  std::map<int64_t, Order> orders;
  std::map<int64_t, Event> events;
  std::map<int64_t, int> notes;  // txid -> notes (2 per committed transaction)
  std::set<int64_t> txlog;
};

/// The writes of one operation, applied to the oracle when acknowledged (or, in doubt, when the
/// database shows they happened).
struct Effects {
  std::map<int, std::optional<Account>> accounts;  // nullopt: deleted
  std::map<int64_t, Order> orders;
  std::map<int64_t, Event> events;
  std::optional<int64_t> txid;  // a transaction: notes + txlog marker
  void ApplyTo(Oracle& o) const {
    for (const auto& [id, a] : accounts) {
      if (a) {
        o.accounts[id] = *a;
      } else {
        o.accounts.erase(id);
      }
    }
    for (const auto& [id, ord] : orders) o.orders[id] = ord;
    for (const auto& [id, e] : events) o.events[id] = e;
    if (txid) {
      o.notes[*txid] = 2;
      o.txlog.insert(*txid);
    }
  }
};

/// The operation a client had in flight when the server died, to be resolved after restart.
struct InDoubt {
  enum Kind { kTxn, kEvents, kOrders, kUpdate, kDelete } kind;
  Effects effects;
  int account = 0;          // kUpdate / kDelete
  int64_t new_balance = 0;  // kUpdate
};

struct Stats {
  std::atomic<int64_t> acked_txns{0}, rollbacks{0}, failed{0}, event_rows{0}, copy_rows{0},
      updates{0}, deletes{0}, ddl{0}, reader_checks{0};
  int64_t in_doubt_applied = 0, in_doubt_absent = 0;
};

/// One ingesting client: owns disjoint ids, so its writes never conflict with another's and its
/// part of the oracle follows from its own acknowledged operations in order.
class Client {
 public:
  Client(int id, uint64_t seed, Oracle& oracle, std::mutex& oracle_mu, Stats& stats)
      : id_(id), rng_(seed), oracle_(oracle), oracle_mu_(oracle_mu), stats_(stats) {}

  /// Runs operations until `stop` or the connection breaks.
  void Run(int port, const std::atomic<bool>& stop) {
    Conn c(port);
    if (!c.ok()) return;
    while (!stop.load()) {
      if (!Step(c)) return;
    }
  }

  std::optional<InDoubt>& in_doubt() { return in_doubt_; }
  int id() const { return id_; }

  /// Accounts this client owns, from the oracle.
  std::vector<int> Owned() {
    std::lock_guard<std::mutex> lock(oracle_mu_);
    std::vector<int> out;
    for (const auto& [aid, a] : oracle_.accounts) {
      if (a.client == id_) out.push_back(aid);
    }
    return out;
  }

 private:
  int64_t Rand(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  int64_t NextTxid() { return int64_t{id_} * 1000000000 + (++txn_seq_); }
  int64_t NextOrderId() { return int64_t{id_} * 1000000000000 + (++order_seq_); }
  int NextAccountId() { return id_ * 1000000 + static_cast<int>(++account_seq_); }
  Event NewEvent(int64_t* id) {
    *id = int64_t{id_} * 1000000000000 + (++event_seq_);
    // Event time advances with the client's sequence, interleaved across clients; well within
    // the source's one-hour watermark delay, so no event is late.
    return Event{id_, static_cast<int>(*id % 5), (*id * 13) % 1000, event_seq_ * 7000 + id_};
  }
  std::optional<Account> Current(int aid) {
    std::lock_guard<std::mutex> lock(oracle_mu_);
    auto it = oracle_.accounts.find(aid);
    if (it == oracle_.accounts.end()) return std::nullopt;
    return it->second;
  }
  void Apply(const Effects& e) {
    std::lock_guard<std::mutex> lock(oracle_mu_);
    e.ApplyTo(oracle_);
  }

  static std::string EventValues(int64_t id, const Event& e) {
    return "(" + std::to_string(id) + ", " + std::to_string(e.client) + ", " + std::to_string(e.k) +
           ", " + std::to_string(e.v) + ", '" + Timestamp(e.ts) + "')";
  }

  /// One operation; false when the connection broke (the server is gone).
  bool Step(Conn& c) {
    int64_t dice = Rand(0, 99);
    if (dice < 35) return Transaction(c, /*rollback=*/false);
    if (dice < 40) return Transaction(c, /*rollback=*/true);
    if (dice < 55) return InsertEvents(c);
    if (dice < 70) return CopyEvents(c);
    if (dice < 80) return CopyOrders(c);
    if (dice < 92) return UpdateOne(c);
    return DeleteOne(c);
  }

  bool Transaction(Conn& c, bool rollback) {
    Effects fx;
    int64_t txid = NextTxid();
    fx.txid = txid;
    std::string sql = "BEGIN";
    std::vector<std::string> stmts;
    auto owned = Owned();
    // A new account when there are few, else a balance change (and sometimes a deletion).
    if (owned.size() < 40 || Rand(0, 3) == 0) {
      int aid = NextAccountId();
      Account a{id_, static_cast<int>(Rand(0, kGroups - 1)), Rand(0, 1000)};
      fx.accounts[aid] = a;
      stmts.push_back("INSERT INTO accounts VALUES (" + std::to_string(aid) + ", " +
                      std::to_string(id_) + ", " + std::to_string(a.grp) + ", " +
                      std::to_string(a.balance) + ")");
    }
    if (!owned.empty()) {
      int aid = owned[Rand(0, owned.size() - 1)];
      auto cur = Current(aid);
      if (cur) {
        Account a = *cur;
        a.balance = a.balance + Rand(1, 100);
        fx.accounts[aid] = a;
        stmts.push_back("UPDATE accounts SET balance = " + std::to_string(a.balance) +
                        " WHERE id = " + std::to_string(aid));
      }
      if (owned.size() > 30 && Rand(0, 2) == 0) {
        int victim = owned[Rand(0, owned.size() - 1)];
        if (!fx.accounts.count(victim)) {
          fx.accounts[victim] = std::nullopt;
          stmts.push_back("DELETE FROM accounts WHERE id = " + std::to_string(victim));
        }
      }
      int64_t oid = NextOrderId();
      Order o{owned[Rand(0, owned.size() - 1)], Rand(1, 500)};
      fx.orders[oid] = o;
      stmts.push_back("INSERT INTO orders VALUES (" + std::to_string(oid) + ", " +
                      std::to_string(o.account) + ", " + std::to_string(o.amount) + ")");
    }
    int64_t eid;
    Event e = NewEvent(&eid);
    fx.events[eid] = e;
    stmts.push_back("INSERT INTO events VALUES " + EventValues(eid, e));
    stmts.push_back("INSERT INTO notes VALUES (" + std::to_string(txid) + ", 1), (" +
                    std::to_string(txid) + ", 2)");
    stmts.push_back("INSERT INTO txlog VALUES (" + std::to_string(txid) + ", " +
                    std::to_string(id_) + ")");
    std::string err;
    if (c.Exec("BEGIN", &err) != Outcome::kOk) return false;
    for (const auto& s : stmts) {
      Outcome o = c.Exec(s, &err);
      if (o == Outcome::kBroken) return false;  // not committed: leaves no trace
      if (o == Outcome::kError) {
        stats_.failed++;
        return c.Exec("ROLLBACK") != Outcome::kBroken;
      }
    }
    if (rollback) {
      if (c.Exec("ROLLBACK", &err) == Outcome::kBroken) return false;
      stats_.rollbacks++;
      return true;
    }
    Outcome o = c.Exec("COMMIT", &err);
    return Settle(o, InDoubt{InDoubt::kTxn, fx}, stats_.acked_txns, 1);
  }

  /// Books an operation's outcome: applied to the oracle when acknowledged, kept in doubt when
  /// the connection broke (false: the server is gone), dropped when the server refused it.
  bool Settle(Outcome o, InDoubt doubt, std::atomic<int64_t>& counter, int64_t n) {
    if (o == Outcome::kBroken) {
      in_doubt_ = std::move(doubt);
      return false;
    }
    if (o == Outcome::kError) {
      stats_.failed++;
      return true;
    }
    Apply(doubt.effects);
    counter += n;
    return true;
  }

  bool InsertEvents(Conn& c) {
    Effects fx;
    std::string sql = "INSERT INTO events VALUES ";
    int n = static_cast<int>(Rand(1, 20));
    for (int i = 0; i < n; i++) {
      int64_t eid;
      Event e = NewEvent(&eid);
      fx.events[eid] = e;
      if (i) sql += ", ";
      sql += EventValues(eid, e);
    }
    std::string err;
    Outcome o = c.Exec(sql, &err);
    return Settle(o, InDoubt{InDoubt::kEvents, fx}, stats_.event_rows, n);
  }

  bool CopyEvents(Conn& c) {
    Effects fx;
    std::vector<std::string> lines;
    int n = static_cast<int>(Rand(20, 400));
    for (int i = 0; i < n; i++) {
      int64_t eid;
      Event e = NewEvent(&eid);
      fx.events[eid] = e;
      lines.push_back(std::to_string(eid) + "\t" + std::to_string(e.client) + "\t" +
                      std::to_string(e.k) + "\t" + std::to_string(e.v) + "\t" + Timestamp(e.ts));
    }
    std::string err;
    Outcome o = c.Copy("events", lines, &err);
    return Settle(o, InDoubt{InDoubt::kEvents, fx}, stats_.copy_rows, n);
  }

  bool CopyOrders(Conn& c) {
    auto owned = Owned();
    if (owned.empty()) return InsertEvents(c);
    Effects fx;
    std::vector<std::string> lines;
    int n = static_cast<int>(Rand(10, 200));
    for (int i = 0; i < n; i++) {
      int64_t oid = NextOrderId();
      Order o{owned[Rand(0, owned.size() - 1)], Rand(1, 500)};
      fx.orders[oid] = o;
      lines.push_back(std::to_string(oid) + "\t" + std::to_string(o.account) + "\t" +
                      std::to_string(o.amount));
    }
    std::string err;
    Outcome o = c.Copy("orders", lines, &err);
    return Settle(o, InDoubt{InDoubt::kOrders, fx}, stats_.copy_rows, n);
  }

  bool UpdateOne(Conn& c) {
    auto owned = Owned();
    if (owned.empty()) return Transaction(c, false);
    int aid = owned[Rand(0, owned.size() - 1)];
    auto cur = Current(aid);
    if (!cur) return true;
    Effects fx;
    Account a = *cur;
    a.balance += Rand(1, 100);
    fx.accounts[aid] = a;
    std::string err;
    Outcome o = c.Exec("UPDATE accounts SET balance = " + std::to_string(a.balance) +
                           " WHERE id = " + std::to_string(aid),
                       &err);
    return Settle(o, InDoubt{InDoubt::kUpdate, fx, aid, a.balance}, stats_.updates, 1);
  }

  bool DeleteOne(Conn& c) {
    auto owned = Owned();
    if (owned.size() < 20) return Transaction(c, false);
    int aid = owned[Rand(0, owned.size() - 1)];
    Effects fx;
    fx.accounts[aid] = std::nullopt;
    std::string err;
    Outcome o = c.Exec("DELETE FROM accounts WHERE id = " + std::to_string(aid), &err);
    return Settle(o, InDoubt{InDoubt::kDelete, fx, aid}, stats_.deletes, 1);
  }

  int id_;
  std::mt19937_64 rng_;
  Oracle& oracle_;
  std::mutex& oracle_mu_;
  Stats& stats_;
  std::optional<InDoubt> in_doubt_;
  int64_t txn_seq_ = 0, order_seq_ = 0, event_seq_ = 0, account_seq_ = 0;
};

const char* kSchema[] = {
    "CREATE TABLE accounts (id int PRIMARY KEY, client int, grp int, balance bigint)",
    "CREATE TABLE orders (id bigint PRIMARY KEY, account int, amount bigint)",
    "CREATE TABLE notes (txid bigint, n int)",  // no key: a duplicate would show
    "CREATE TABLE txlog (txid bigint PRIMARY KEY, client int)",
    "CREATE SOURCE events (id bigint, client int, k int, v bigint, ts timestamp, "
    "WATERMARK FOR ts AS ts - INTERVAL '1 hour') WITH (partitions = 2)",
    "CREATE MATERIALIZED VIEW v_grp AS SELECT grp, count(*) AS n, sum(balance) AS total "
    "FROM accounts GROUP BY grp",
    "CREATE MATERIALIZED VIEW v_join AS SELECT a.grp, count(*) AS n, sum(o.amount) AS total "
    "FROM orders o JOIN accounts a ON o.account = a.id GROUP BY a.grp",
    "CREATE MATERIALIZED VIEW v_win AS SELECT window_start, k, count(*) AS n, sum(v) AS total "
    "FROM TUMBLE(events, ts, INTERVAL '10 seconds') GROUP BY window_start, k",
    "CREATE MATERIALIZED VIEW v_notes AS SELECT count(*) AS n, count(DISTINCT txid) AS txns "
    "FROM notes",
    "CREATE MATERIALIZED VIEW v_clients AS SELECT client, count(*) AS n, sum(v) AS total "
    "FROM events GROUP BY client",
};

constexpr const char* kTempView =
    "CREATE MATERIALIZED VIEW tmp_v AS SELECT a.client, count(*) AS n FROM orders o JOIN "
    "accounts a ON o.account = a.id GROUP BY a.client";

// --- Expected contents ---

/// "key|count|sum" rows, sorted as the database's are.
Rows CountSumRows(const std::map<int, std::pair<int64_t, int64_t>>& groups) {
  Rows rows;
  for (const auto& [key, v] : groups) {
    rows.push_back(std::to_string(key) + "|" + std::to_string(v.first) + "|" +
                   std::to_string(v.second));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedGroups(const Oracle& o) {
  std::map<int, std::pair<int64_t, int64_t>> g;
  for (const auto& [id, a] : o.accounts) {
    g[a.grp].first++;
    g[a.grp].second += a.balance;
  }
  return CountSumRows(g);
}

Rows ExpectedJoin(const Oracle& o) {
  std::map<int, std::pair<int64_t, int64_t>> g;
  for (const auto& [id, ord] : o.orders) {
    auto it = o.accounts.find(ord.account);
    if (it == o.accounts.end()) continue;
    g[it->second.grp].first++;
    g[it->second.grp].second += ord.amount;
  }
  return CountSumRows(g);
}

Rows ExpectedTemp(const Oracle& o) {
  std::map<int, int64_t> g;
  for (const auto& [id, ord] : o.orders) {
    auto it = o.accounts.find(ord.account);
    if (it != o.accounts.end()) g[it->second.client]++;
  }
  Rows rows;
  for (const auto& [client, n] : g)
    rows.push_back(std::to_string(client) + "|" + std::to_string(n));
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedWindows(const Oracle& o) {
  std::map<std::pair<int64_t, int>, std::pair<int64_t, int64_t>> g;
  for (const auto& [id, e] : o.events) {
    int64_t start = e.ts / 10000000 * 10000000;
    auto& v = g[{start, e.k}];
    v.first++;
    v.second += e.v;
  }
  Rows rows;
  for (const auto& [key, v] : g) {
    rows.push_back(Timestamp(key.first) + "|" + std::to_string(key.second) + "|" +
                   std::to_string(v.first) + "|" + std::to_string(v.second));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedClients(const Oracle& o) {
  std::map<int, std::pair<int64_t, int64_t>> g;
  for (const auto& [id, e] : o.events) {
    g[e.client].first++;
    g[e.client].second += e.v;
  }
  return CountSumRows(g);
}

Rows ExpectedNotesView(const Oracle& o) {
  int64_t n = 0;
  for (const auto& [txid, count] : o.notes) n += count;
  return {std::to_string(n) + "|" + std::to_string(o.notes.size())};
}

Rows ExpectedAccounts(const Oracle& o) {
  Rows rows;
  for (const auto& [id, a] : o.accounts) {
    rows.push_back(std::to_string(id) + "|" + std::to_string(a.client) + "|" +
                   std::to_string(a.grp) + "|" + std::to_string(a.balance));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedOrders(const Oracle& o) {
  Rows rows;
  for (const auto& [id, ord] : o.orders) {
    rows.push_back(std::to_string(id) + "|" + std::to_string(ord.account) + "|" +
                   std::to_string(ord.amount));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedNotes(const Oracle& o) {
  Rows rows;
  for (const auto& [txid, n] : o.notes) {
    for (int i = 1; i <= n; i++) rows.push_back(std::to_string(txid) + "|" + std::to_string(i));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedTxlog(const Oracle& o) {
  Rows rows;
  for (int64_t txid : o.txlog) {
    rows.push_back(std::to_string(txid) + "|" + std::to_string(txid / 1000000000));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

Rows ExpectedEvents(const Oracle& o) {
  Rows rows;
  for (const auto& [id, e] : o.events) {
    rows.push_back(std::to_string(id) + "|" + std::to_string(e.client) + "|" + std::to_string(e.k) +
                   "|" + std::to_string(e.v) + "|" + Timestamp(e.ts));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// First difference between two sorted row lists, for the failure message.
std::string Diff(const Rows& got, const Rows& want) {
  std::ostringstream out;
  out << got.size() << " rows, expected " << want.size();
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  for (size_t i = 0; i < missing.size() && i < 3; i++) out << "; missing " << missing[i];
  for (size_t i = 0; i < extra.size() && i < 3; i++) out << "; unexpected " << extra[i];
  return out.str();
}

// --- The server ---

class Server {
 public:
  Server(std::string binary, std::string dir, int port)
      : binary_(std::move(binary)), dir_(std::move(dir)), port_(port) {}

  /// Starts the server with `failpoints` (FRESHET_FAILPOINTS) and waits until it accepts
  /// connections; false when it exits or does not answer in time.
  bool Start(const std::string& failpoints, int cycle) {
    std::string log = dir_ + "/server-" + std::to_string(cycle) + ".log";
    std::fflush(stdout);  // the child must not write the parent's buffered output again
    std::fflush(stderr);
    pid_ = fork();
    if (pid_ == 0) {
      if (!failpoints.empty()) setenv("FRESHET_FAILPOINTS", failpoints.c_str(), 1);
      FILE* f = std::freopen(log.c_str(), "w", stdout);
      (void)f;
      dup2(fileno(stdout), fileno(stderr));
      std::string port = std::to_string(port_);
      std::string data = dir_ + "/data";
      execl(binary_.c_str(), binary_.c_str(), "--data-dir", data.c_str(), "--port", port.c_str(),
            "--checkpoint-interval-ms", "300", static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      if (Exited()) return false;
      Conn c(port_);
      if (c.ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  /// True once the process is gone (then `signal_` holds what ended it).
  bool Exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      signal_ = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
      return true;
    }
    return false;
  }
  /// Arms the server's failpoints (they stay off while it recovers and is checked).
  void ArmFailpoints() {
    if (pid_ > 0) kill(pid_, SIGUSR1);
  }
  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      signal_ = SIGKILL;
      pid_ = -1;
    }
  }
  int signal() const { return signal_; }
  int exit_code() const { return exit_code_; }
  std::string LogOf(int cycle) const {
    std::ifstream in(dir_ + "/server-" + std::to_string(cycle) + ".log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string binary_, dir_;
  int port_;
  pid_t pid_ = -1;
  int signal_ = 0, exit_code_ = 0;
};

int FreePort() {
  // Ports above the ephemeral range's usual start are rarely taken; pick by pid and time.
  return 20000 + static_cast<int>((getpid() * 7919 + time(nullptr)) % 20000);
}

/// Resolves a client's in-doubt operation against what the restarted database holds: an
/// operation is there in full (applied to the oracle) or not at all; anything in between fails.
bool Resolve(Conn& c, Client& client, Oracle& oracle, Stats& stats, std::string* why) {
  auto& doubt = client.in_doubt();
  if (!doubt) return true;
  const Effects& fx = doubt->effects;
  bool applied = false;
  auto count = [&](const std::string& sql) -> int64_t {
    auto rows = c.Query(sql);
    return rows && rows->size() == 1 ? std::atoll((*rows)[0].c_str()) : -1;
  };
  switch (doubt->kind) {
    case InDoubt::kTxn: {
      int64_t t = count("SELECT count(*) FROM txlog WHERE txid = " + std::to_string(*fx.txid));
      int64_t n = count("SELECT count(*) FROM notes WHERE txid = " + std::to_string(*fx.txid));
      int64_t e = count("SELECT count(*) FROM events WHERE id = " +
                        std::to_string(fx.events.begin()->first));
      if (!((t == 1 && n == 2 && e == 1) || (t == 0 && n == 0 && e == 0))) {
        *why = "transaction " + std::to_string(*fx.txid) + " is half there (txlog " +
               std::to_string(t) + ", notes " + std::to_string(n) + ", event " + std::to_string(e) +
               ")";
        return false;
      }
      applied = t == 1;
      break;
    }
    case InDoubt::kEvents:
    case InDoubt::kOrders: {
      bool events = doubt->kind == InDoubt::kEvents;
      int64_t lo = events ? fx.events.begin()->first : fx.orders.begin()->first;
      int64_t hi = events ? fx.events.rbegin()->first : fx.orders.rbegin()->first;
      size_t want = events ? fx.events.size() : fx.orders.size();
      int64_t got = count(std::string("SELECT count(*) FROM ") + (events ? "events" : "orders") +
                          " WHERE id BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi));
      if (got != 0 && got != static_cast<int64_t>(want)) {
        *why = "a write of " + std::to_string(want) + " rows is partly there (" +
               std::to_string(got) + " rows)";
        return false;
      }
      applied = got > 0;
      break;
    }
    case InDoubt::kUpdate: {
      auto rows =
          c.Query("SELECT balance FROM accounts WHERE id = " + std::to_string(doubt->account));
      applied = rows && rows->size() == 1 && (*rows)[0] == std::to_string(doubt->new_balance);
      break;
    }
    case InDoubt::kDelete: {
      applied =
          count("SELECT count(*) FROM accounts WHERE id = " + std::to_string(doubt->account)) == 0;
      break;
    }
  }
  if (applied) {
    fx.ApplyTo(oracle);
    stats.in_doubt_applied++;
  } else {
    stats.in_doubt_absent++;
  }
  doubt.reset();
  return true;
}

/// Compares everything with the oracle; returns the problems found.
std::vector<std::string> Verify(Conn& c, const Oracle& o, bool full, int temp_state) {
  std::vector<std::string> problems;
  auto check = [&](const std::string& what, const std::string& sql, const Rows& want) {
    std::string err;
    auto got = c.Query(sql, &err);
    if (!got) {
      problems.push_back(what + ": " + err);
    } else if (*got != want) {
      problems.push_back(what + ": " + Diff(*got, want));
    }
  };
  check("table accounts", "SELECT * FROM accounts", ExpectedAccounts(o));
  check("table orders", "SELECT * FROM orders", ExpectedOrders(o));
  check("table notes", "SELECT * FROM notes", ExpectedNotes(o));
  check("table txlog", "SELECT * FROM txlog", ExpectedTxlog(o));
  if (full) {
    check("source events", "SELECT * FROM events", ExpectedEvents(o));
  } else {
    // Per client: count, distinct ids and sums of the source, each row once.
    Rows want;
    std::map<int, std::tuple<int64_t, int64_t, int64_t, int64_t>> g;
    for (const auto& [id, e] : o.events) {
      auto& [n, sum, lo, hi] = g[e.client];
      if (n == 0) lo = hi = id;
      n++;
      sum += e.v;
      lo = std::min(lo, id);
      hi = std::max(hi, id);
    }
    for (const auto& [client, t] : g) {
      auto [n, sum, lo, hi] = t;
      want.push_back(std::to_string(client) + "|" + std::to_string(n) + "|" + std::to_string(n) +
                     "|" + std::to_string(sum) + "|" + std::to_string(lo) + "|" +
                     std::to_string(hi));
    }
    std::sort(want.begin(), want.end());
    check("source events",
          "SELECT client, count(*), count(DISTINCT id), sum(v), min(id), max(id) FROM events "
          "GROUP BY client",
          want);
  }
  check("view v_grp", "SELECT * FROM v_grp", ExpectedGroups(o));
  check("view v_join", "SELECT * FROM v_join", ExpectedJoin(o));
  check("view v_win", "SELECT * FROM v_win", ExpectedWindows(o));
  check("view v_notes", "SELECT * FROM v_notes", ExpectedNotesView(o));
  check("view v_clients", "SELECT * FROM v_clients", ExpectedClients(o));
  check("late rows", "SELECT count(*) FROM freshet_catalog.late_rows", Rows{"0"});
  // The DDL client's view: there when its CREATE was acknowledged, gone when its DROP was, either
  // when one was in flight — and when there, equal to its query.
  std::string err;
  auto temp = c.Query("SELECT * FROM tmp_v", &err);
  bool exists = temp.has_value();
  if (!exists && err.rfind("42P01", 0) != 0) problems.push_back("view tmp_v: " + err);
  if (temp_state == 1 && !exists) problems.push_back("view tmp_v: acknowledged CREATE lost");
  if (temp_state == 0 && exists) problems.push_back("view tmp_v: acknowledged DROP lost");
  if (exists && *temp != ExpectedTemp(o)) {
    problems.push_back("view tmp_v: " + Diff(*temp, ExpectedTemp(o)));
  }
  return problems;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  opt.seed = static_cast<uint64_t>(time(nullptr));
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--server") {
      opt.server = next();
    } else if (a == "--cycles") {
      opt.cycles = std::atoi(next().c_str());
    } else if (a == "--seed") {
      opt.seed = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--clients") {
      opt.clients = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--keep-dir") {
      opt.keep_dir = true;
    } else {
      std::fprintf(stderr,
                   "usage: freshet-crash-test --server PATH [--cycles N] [--seed N] "
                   "[--clients N] [--keep-dir]\n");
      return 2;
    }
  }
  char tmpl[] = "/tmp/freshet-crash.XXXXXX";
  std::string dir = mkdtemp(tmpl);
  int port = FreePort();
  std::printf("crash test: %d cycles, %d clients, seed %llu, directory %s\n", opt.cycles,
              opt.clients, static_cast<unsigned long long>(opt.seed), dir.c_str());
  std::fflush(stdout);
  std::mt19937_64 rng(opt.seed);
  Server server(opt.server, dir, port);
  Oracle oracle;
  std::mutex oracle_mu;
  Stats stats;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < opt.clients; i++) {
    clients.push_back(std::make_unique<Client>(i + 1, opt.seed * 31 + i, oracle, oracle_mu, stats));
  }
  int temp_state = 0;  // tmp_v: 0 absent, 1 present, 2 in doubt
  int passed = 0, failed = 0;
  std::map<std::string, int> kills;
  auto fail_cycle = [&](int cycle, const std::string& why) {
    std::printf("cycle %d: FAIL: %s\n", cycle, why.c_str());
    failed++;
  };

  for (int cycle = 0; cycle <= opt.cycles; cycle++) {
    // Cycle kinds: external kill -9 at a random moment, or a failpoint inside a checkpoint, DDL,
    // COPY or commit (with the external kill as a fallback).
    static const char* kFailpoints[] = {"",          "checkpoint=0.25", "",
                                        "copy=0.01", "ddl=0.3",         "commit=0.005"};
    std::string failpoints = cycle == opt.cycles ? "" : kFailpoints[cycle % 6];
    if (!server.Start(failpoints, cycle)) {
      fail_cycle(cycle, "the server did not start: " + server.LogOf(cycle));
      break;
    }
    Conn admin(port);
    if (!admin.ok()) {
      fail_cycle(cycle, "cannot connect");
      server.Kill();
      break;
    }
    if (cycle == 0) {
      for (const char* ddl : kSchema) {
        std::string err;
        if (admin.Exec(ddl, &err) != Outcome::kOk) {
          std::printf("schema failed: %s: %s\n", ddl, err.c_str());
          server.Kill();
          return 1;
        }
      }
    } else {
      // After a crash: settle what was in flight, then everything must equal the oracle.
      std::string why;
      bool ok = true;
      for (auto& cl : clients) {
        if (!Resolve(admin, *cl, oracle, stats, &why)) {
          ok = false;
          break;
        }
      }
      if (!ok) {
        fail_cycle(cycle, why);
      } else {
        auto problems = Verify(admin, oracle, /*full=*/cycle == opt.cycles, temp_state);
        if (temp_state == 2) {
          std::string err;
          temp_state = admin.Query("SELECT count(*) FROM tmp_v", &err) ? 1 : 0;
        }
        if (problems.empty()) {
          passed++;
        } else {
          std::string all;
          for (const auto& p : problems) all += "\n    " + p;
          fail_cycle(cycle, "after restart:" + all);
        }
      }
      auto rec = admin.Query(
          "SELECT views_restored, replayed_records, restore_ms, replay_ms FROM "
          "freshet_catalog.recovery");
      if (rec && !rec->empty() && (cycle % 5 == 0 || cycle == opt.cycles)) {
        std::printf("cycle %d: recovery (views|replayed records|restore ms|replay ms) %s\n", cycle,
                    (*rec)[0].c_str());
      }
    }
    if (cycle == opt.cycles) {
      server.Kill();
      break;
    }
    if (!failpoints.empty()) server.ArmFailpoints();
    // Load: the clients, a DDL client, and a reader checking that no view ever shows half a
    // transaction (every committed transaction adds exactly two notes).
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& cl : clients) {
      threads.emplace_back([&, c = cl.get()] { c->Run(port, stop); });
    }
    std::atomic<bool> torn{false};
    std::string torn_row;
    threads.emplace_back([&] {
      Conn c(port);
      if (!c.ok() || c.Exec("SET freshet.read_mode = 'latest'") != Outcome::kOk) return;
      while (!stop.load()) {
        auto rows = c.Query("SELECT n, txns FROM v_notes");
        if (!rows) return;
        if (rows->size() == 1) {
          int64_t n = 0, txns = 0;
          std::sscanf((*rows)[0].c_str(), "%lld|%lld", reinterpret_cast<long long*>(&n),
                      reinterpret_cast<long long*>(&txns));
          if (n != 2 * txns) {
            torn = true;
            torn_row = (*rows)[0];
          }
          stats.reader_checks++;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    threads.emplace_back([&] {
      Conn c(port);
      if (!c.ok()) return;
      std::mt19937_64 r(opt.seed + cycle);
      while (!stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + r() % 300));
        if (stop.load()) break;
        bool create = temp_state == 0;
        int before = temp_state;
        temp_state = 2;
        std::string err;
        Outcome o = c.Exec(create ? kTempView : "DROP MATERIALIZED VIEW tmp_v", &err);
        if (o == Outcome::kBroken) return;  // in doubt (temp_state 2)
        temp_state = o == Outcome::kOk ? (create ? 1 : 0) : before;
        if (o == Outcome::kOk) stats.ddl++;
      }
    });
    int64_t load_ms = 300 + static_cast<int64_t>(rng() % 2200);
    auto until = Clock::now() + std::chrono::milliseconds(failpoints.empty() ? load_ms : 5000);
    bool died = false;
    while (Clock::now() < until) {
      if (server.Exited()) {
        died = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string how = "kill -9";
    if (died) {
      std::string log = server.LogOf(cycle);
      size_t at = log.find("failpoint ");
      if (server.signal() == SIGKILL && at != std::string::npos) {
        how = "failpoint " + log.substr(at + 10, log.find(':', at) - at - 10);
      } else {
        fail_cycle(cycle, "the server died on its own (signal " + std::to_string(server.signal()) +
                              ", exit " + std::to_string(server.exit_code()) + "):\n" + log);
        how = "crash";
      }
    } else {
      server.Kill();
    }
    kills[how]++;
    stop = true;
    for (auto& t : threads) t.join();
    if (torn) fail_cycle(cycle, "a view showed half a transaction: v_notes = " + torn_row);
    if (how == "crash") break;
  }
  std::printf("crash test: kills:");
  for (const auto& [how, n] : kills) std::printf(" %s %d,", how.c_str(), n);
  std::printf(
      " acknowledged: %lld transactions, %lld rolled back, %lld rows inserted, %lld rows copied, "
      "%lld updates, %lld deletes, %lld DDL, %lld failed with errors; in doubt at a kill: %lld "
      "there, %lld not there; %lld reader checks; final: %zu accounts, %zu orders, %zu events, "
      "%zu transactions\n",
      (long long)stats.acked_txns, (long long)stats.rollbacks, (long long)stats.event_rows,
      (long long)stats.copy_rows, (long long)stats.updates, (long long)stats.deletes,
      (long long)stats.ddl, (long long)stats.failed, (long long)stats.in_doubt_applied,
      (long long)stats.in_doubt_absent, (long long)stats.reader_checks, oracle.accounts.size(),
      oracle.orders.size(), oracle.events.size(), oracle.txlog.size());
  if (!opt.keep_dir && failed == 0) std::filesystem::remove_all(dir);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
