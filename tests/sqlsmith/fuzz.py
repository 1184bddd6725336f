#!/usr/bin/python3
"""Random-query testing with SQLsmith against a Freshet server this script starts.

Each round recreates tests/sqlsmith/schema.sql and data.sql, asks SQLsmith (Debian's sqlsmith,
--dry-run, a fixed seed per round) for a batch of random statements over that catalog, and runs
them in order on one session with a statement timeout. Every outcome is classified:

  ok           the statement succeeded
  error CODE   a clean error with a SQLSTATE (counted by SQLSTATE; expected: random SQL)
  internal     class XX (XX000 internal, XX001 corrupt data, ...), or a message that leaks C++ (std::, basic_string, bad_alloc, ...)
  dropped      the connection broke under a statement
  dead         the server process exited

A sample of the read queries that succeed (deterministic ones once a final LIMIT n is cut: no
other LIMIT, volatile function, TABLESAMPLE or window) is created right away as a materialized
view; the random INSERT, UPDATE,
DELETE and MERGE statements that follow change the data under it, and at the round's end every
view must equal its query run as a batch (as multisets, floats to 12 significant digits).

Exit status 0 when no statement was internal, dropped or dead and no view mismatched. The report
(--report) lists counts by SQLSTATE and every offending statement.

Usage: fuzz.py FRESHET_BINARY [--seed N] [--rounds N] [--queries-per-round N]
                              [--seconds S] [--queries N] [--views-per-round N] [--report FILE]
"""
import argparse
import collections
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
LEAK = re.compile(r"std::|basic_string|_M_|bad_alloc|bad_variant|out_of_range|terminate called|"
                  r"what\(\)|Assertion|vector::|map::at|stoi|stol|stod|nullptr|segmentation",
                  re.IGNORECASE)
# Reads whose answer may differ between two runs over the same rows, or that a view cannot hold.
NONDETERMINISTIC = re.compile(
    r"\blimit\b|\boffset\b|\btablesample\b|\bover\b|random|clock_timestamp|now\(|current_|"
    r"timeofday|statement_timestamp|transaction_timestamp|localtime|\bversion\(|pg_catalog\.pg_|"
    r"information_schema|\bpg_[a-z_]+\b|for update|for share|for no key|for key share|"
    r"inet_|txid|setseed|gen_random|\buser\b|session_user|fz_totals",
    re.IGNORECASE)
TRAILING_LIMIT = re.compile(r"\s+limit\s+\d+\s*$", re.IGNORECASE)
FLOAT = re.compile(r"^-?\d+\.\d+(e[+-]?\d+)?$|^-?\d+e[+-]?\d+$", re.IGNORECASE)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One Freshet process on a free port with a throwaway data directory."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.log_path = os.path.join(workdir, "freshet.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [binary, "--data-dir", os.path.join(workdir, "data"), "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.connect().close()
                return
            except psycopg2.OperationalError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("freshet did not start; see " + self.log_path)

    def dsn(self):
        return "host=127.0.0.1 port=%d user=freshet dbname=freshet" % self.port

    def connect(self):
        conn = psycopg2.connect(self.dsn(), connect_timeout=10)
        conn.autocommit = True
        return conn

    def alive(self):
        if self.proc.poll() is not None:
            return False
        try:
            c = self.connect()
            cur = c.cursor()
            cur.execute("select 1")
            ok = cur.fetchone() == (1,)
            c.close()
            return ok
        except psycopg2.Error:
            return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def statements(text):
    """Splits SQLsmith's output: each statement ends with ';' at the end of a line."""
    out, cur = [], []
    for line in text.splitlines():
        cur.append(line)
        if line.endswith(";"):
            out.append("\n".join(cur)[:-1].strip())
            cur = []
    return [s for s in out if s]


def canonical(value):
    if value is None:
        return "\\N"
    text = str(value)
    if FLOAT.match(text):
        try:
            return "%.12g" % float(text)
        except ValueError:
            pass
    return text


def multiset(rows):
    return collections.Counter(tuple(canonical(v) for v in row) for row in rows)


class Fuzzer:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.counts = collections.Counter()  # outcome -> count
        self.errors = collections.Counter()  # SQLSTATE -> count
        self.view_errors = collections.Counter()  # SQLSTATE of CREATE MATERIALIZED VIEW refusals
        self.findings = []  # (kind, detail, statement)
        self.views_compared = 0
        self.view_mismatches = 0
        self.queries = 0
        self.conn = None

    def session(self):
        if self.conn is None or self.conn.closed:
            self.conn = self.server.connect()
            cur = self.conn.cursor()
            cur.execute("SET statement_timeout = %s", (str(self.args.timeout_ms),))
        return self.conn

    def run(self, sql, fetch=False):
        """Runs one statement; returns (outcome, code_or_rows)."""
        try:
            cur = self.session().cursor()
            cur.execute(sql)
            rows = cur.fetchall() if fetch and cur.description is not None else None
            return "ok", rows
        except psycopg2.Error as e:
            code = e.pgcode
            if code is None:
                self.conn = None
                if not self.server.alive():
                    return "dead", str(e)
                return "dropped", str(e)
            message = e.pgerror or ""
            if (code or "").startswith("XX") or LEAK.search(message):
                return "internal", code + " " + message.strip()
            return "error", code

    def record(self, kind, detail, sql):
        self.findings.append((kind, detail, sql))
        sys.stderr.write("*** %s: %s\n%s\n\n" % (kind, detail, sql[:2000]))

    def setup_round(self):
        c = self.session()
        cur = c.cursor()
        cur.execute("SELECT relname FROM pg_class WHERE relkind = 'm'")
        for (name,) in cur.fetchall():
            cur.execute('DROP MATERIALIZED VIEW IF EXISTS "%s"' % name)
        for stmt in ("DROP VIEW IF EXISTS fz_view", "DROP SOURCE IF EXISTS fz_events",
                     "DROP TABLE IF EXISTS fz_plain", "DROP TABLE IF EXISTS fz_keyed",
                     "DROP TABLE IF EXISTS fz_pair", "DROP TABLE IF EXISTS fz_doc"):
            cur.execute(stmt)
        for f in ("schema.sql", "data.sql"):
            cur.execute(open(os.path.join(HERE, f)).read())

    def generate(self, seed, count):
        proc = subprocess.run(
            [self.args.sqlsmith, "--target=" + self.server.dsn(), "--dry-run",
             "--seed=%d" % seed, "--max-queries=%d" % count],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
        stmts = statements(proc.stdout)
        if not stmts:
            raise RuntimeError("sqlsmith generated nothing: " + proc.stderr[-2000:])
        return stmts

    def round(self, seed, count):
        self.setup_round()
        stmts = self.generate(seed, count)
        rng = random.Random(seed)
        views = []  # (name, query)
        for sql in stmts:
            if self.stop_now():
                break
            self.queries += 1
            outcome, detail = self.run(sql)
            self.counts[outcome] += 1
            if outcome == "error":
                self.errors[detail] += 1
            elif outcome in ("internal", "dropped", "dead"):
                self.record(outcome, detail, sql)
                if outcome == "dead":
                    return False
            elif (sql.lower().startswith(("select", "with")) and len(views) < self.args.views_per_round
                  and not NONDETERMINISTIC.search(TRAILING_LIMIT.sub("", sql))
                  and rng.random() < 0.5):
                # SQLsmith ends most reads with LIMIT n: the view holds the query without it.
                sql = TRAILING_LIMIT.sub("", sql)
                name = "fz_mv_%d_%d" % (seed, len(views))
                v_outcome, v_detail = self.run("CREATE MATERIALIZED VIEW %s AS %s" % (name, sql))
                if v_outcome == "ok":
                    views.append((name, sql))
                elif v_outcome == "error":
                    self.view_errors[v_detail] += 1
                else:
                    self.record("view " + v_outcome, v_detail, sql)
                    if v_outcome == "dead":
                        return False
        for name, sql in views:
            self.compare(name, sql)
        return True

    def compare(self, name, sql):
        v_outcome, v_rows = self.run("SELECT * FROM %s" % name, fetch=True)
        b_outcome, b_rows = self.run(sql, fetch=True)
        if v_outcome != "ok" or b_outcome != "ok":
            if "internal" in (v_outcome, b_outcome) or "dropped" in (v_outcome, b_outcome):
                self.record("view read " + v_outcome + "/" + b_outcome, str(v_rows or b_rows), sql)
            self.counts["view skipped (batch %s)" % (b_rows if b_outcome == "error" else b_outcome)] += 1
            return
        self.views_compared += 1
        if multiset(v_rows) != multiset(b_rows):
            self.view_mismatches += 1
            only_view = multiset(v_rows) - multiset(b_rows)
            only_batch = multiset(b_rows) - multiset(v_rows)
            self.record("view mismatch", "view only %s; batch only %s" % (
                list(only_view.elements())[:5], list(only_batch.elements())[:5]), sql)

    def stop_now(self):
        if self.args.queries and self.queries >= self.args.queries:
            return True
        return self.args.seconds and time.time() - self.started >= self.args.seconds

    def main(self):
        self.started = time.time()
        r = 0
        while True:
            if self.args.rounds and r >= self.args.rounds:
                break
            if self.stop_now():
                break
            if not self.round(self.args.seed + r, self.args.queries_per_round):
                break
            r += 1
            if self.args.progress:
                self.summary(sys.stderr, r)
        self.rounds = r

    def summary(self, out, rounds=None):
        elapsed = time.time() - self.started
        out.write("sqlsmith: %d statements in %d rounds, %.0f s (%.0f/s); seed %d\n" % (
            self.queries, rounds if rounds is not None else self.rounds, elapsed,
            self.queries / max(elapsed, 1e-9), self.args.seed))
        out.write("  outcomes: %s\n" % ", ".join(
            "%s %d" % kv for kv in sorted(self.counts.items())))
        out.write("  errors by SQLSTATE: %s\n" % ", ".join(
            "%s %d" % kv for kv in self.errors.most_common()))
        out.write("  views: %d compared, %d mismatched; refused by SQLSTATE: %s\n" % (
            self.views_compared, self.view_mismatches,
            ", ".join("%s %d" % kv for kv in self.view_errors.most_common())))
        out.write("  internal %d, dropped %d, dead %d\n" % (
            self.counts["internal"], self.counts["dropped"], self.counts["dead"]))
        out.flush()

    def failed(self):
        return bool(self.findings) or self.view_mismatches > 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--sqlsmith", default=shutil.which("sqlsmith") or "sqlsmith")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rounds", type=int, default=0, help="0: until --seconds or --queries")
    p.add_argument("--queries-per-round", type=int, default=2000)
    p.add_argument("--queries", type=int, default=0, help="stop after this many statements")
    p.add_argument("--seconds", type=float, default=0, help="stop after this long")
    p.add_argument("--views-per-round", type=int, default=40)
    p.add_argument("--timeout-ms", type=int, default=2000)
    p.add_argument("--report", default="")
    p.add_argument("--progress", action="store_true")
    args = p.parse_args()
    if not (args.rounds or args.queries or args.seconds):
        args.rounds = 1
    if shutil.which(args.sqlsmith) is None:
        print("sqlsmith not found (the Makefile installs the sqlsmith package)")
        return 1
    workdir = tempfile.mkdtemp(prefix="freshet-sqlsmith.")
    server = Server(args.binary, workdir)
    fuzzer = Fuzzer(args, server)
    try:
        fuzzer.main()
    finally:
        alive = server.alive()
        server.stop()
    if not alive and not any(k == "dead" for k, _, _ in fuzzer.findings):
        fuzzer.findings.append(("dead", "server not answering at the end", ""))
    fuzzer.summary(sys.stdout)
    if args.report:
        with open(args.report, "w") as out:
            fuzzer.summary(out)
            for kind, detail, sql in fuzzer.findings:
                out.write("\n-- %s: %s\n%s;\n" % (kind, detail, sql))
    if fuzzer.failed():
        print("FAILED: %d findings (log: %s)" % (len(fuzzer.findings), server.log_path))
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
