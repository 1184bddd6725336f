#!/usr/bin/env python3
"""A sorted cross product bigger than memory (issue 11's "400-million-row sorted cross product"):
N x N rows sorted by a computed key, as a query, while a second session sends a point query
every 50 ms; then the same cross product as a materialized view. Reports the query's time, the
server's peak resident memory (VmHWM, reset first), what it spilled (pg_stat_database), and the
other session's slowest answer; for the view, how its creation ended and the peak memory.

Usage: spill_bench.py --freshet CONNINFO --freshet-pid PID [--n N] [--view-n N] [--work-mem 64MB]
"""
import argparse
import re
import threading
import time

import psycopg2


def peak_reset(pid):
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def status_mb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"%s:\s+(\d+) kB" % field, f.read())
    return int(m.group(1)) / 1024 if m else float("nan")


class Prober(threading.Thread):
    """Another session: a point query every 50 ms, timing each answer."""

    def __init__(self, conninfo):
        super().__init__(daemon=True)
        self.conn = psycopg2.connect(conninfo)
        self.conn.autocommit = True
        self.stop = threading.Event()
        self.latencies = []

    def run(self):
        cur = self.conn.cursor()
        while not self.stop.is_set():
            start = time.time()
            cur.execute("SELECT y FROM b WHERE y = 7")
            cur.fetchall()
            self.latencies.append(time.time() - start)
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--freshet", required=True)
    ap.add_argument("--freshet-pid", type=int, required=True)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--view-n", type=int, default=3000)
    ap.add_argument("--work-mem", default="64MB")
    args = ap.parse_args()
    conn = psycopg2.connect(args.freshet)
    conn.autocommit = True
    cur = conn.cursor()
    n = args.n
    cur.execute("DROP TABLE IF EXISTS a CASCADE")
    cur.execute("DROP TABLE IF EXISTS b CASCADE")
    cur.execute("CREATE TABLE a (x int PRIMARY KEY)")
    cur.execute("CREATE TABLE b (y int PRIMARY KEY)")
    cur.execute("INSERT INTO a SELECT g FROM generate_series(1, %d) g" % n)
    cur.execute("INSERT INTO b SELECT g FROM generate_series(1, %d) g" % n)
    cur.execute("SET work_mem = '%s'" % args.work_mem)
    cur.execute("SELECT temp_files, temp_bytes FROM pg_stat_database")
    files0, bytes0 = cur.fetchone()
    base_mb = status_mb(args.freshet_pid, "VmRSS")
    prober = Prober(args.freshet)
    prober.start()
    peak_reset(args.freshet_pid)
    start = time.time()
    cur.execute("SELECT count(*), sum(p) FROM (SELECT x::bigint * %d + y AS p FROM a, b "
                "ORDER BY x + y, x DESC OFFSET 5) s" % (n + 1))
    count, total = cur.fetchone()
    seconds = time.time() - start
    peak = status_mb(args.freshet_pid, "VmHWM")
    prober.stop.set()
    prober.join()
    cur.execute("SELECT temp_files, temp_bytes FROM pg_stat_database")
    files1, bytes1 = cur.fetchone()
    lat = sorted(prober.latencies)
    print("sorted cross product %d x %d = %d rows (work_mem %s): %.1f s (%.2fM rows/s)" % (
        n, n, n * n, args.work_mem, seconds, n * n / seconds / 1e6))
    print("  result: %d rows counted after OFFSET 5 (expected %d), sum %d" % (count, n * n - 5,
                                                                             total))
    print("  server memory: %.0f MB before, peak %.0f MB during the query" % (base_mb, peak))
    print("  spilled: %d temporary files, %.1f GB" % (files1 - files0, (bytes1 - bytes0) / 1e9))
    if lat:
        print("  other session: %d point queries answered meanwhile, median %.1f ms, slowest "
              "%.1f ms" % (len(lat), 1000 * lat[len(lat) // 2], 1000 * lat[-1]))
    # A cross product as a materialized view (--view-n squared rows: every row is stored).
    vn = args.view_n
    cur.execute("CREATE TABLE va (x int PRIMARY KEY)")
    cur.execute("CREATE TABLE vb (y int PRIMARY KEY)")
    cur.execute("INSERT INTO va SELECT g FROM generate_series(1, %d) g" % vn)
    cur.execute("INSERT INTO vb SELECT g FROM generate_series(1, %d) g" % vn)
    peak_reset(args.freshet_pid)
    start = time.time()
    try:
        cur.execute("CREATE MATERIALIZED VIEW cross_view AS SELECT x, y FROM va, vb")
        created = time.time() - start
        created_peak = status_mb(args.freshet_pid, "VmHWM")
        cur.execute("SELECT count(*) FROM cross_view")
        outcome = "created in %.1f s (peak %.0f MB), then counted %d rows" % (
            created, created_peak, cur.fetchone()[0])
    except psycopg2.Error as e:
        outcome = "refused: %s %s" % (e.pgcode, (e.pgerror or "").strip().splitlines()[0])
    seconds = time.time() - start
    peak = status_mb(args.freshet_pid, "VmHWM")
    cur.execute("SELECT count(*) FROM b")
    alive = cur.fetchone()[0] == n
    print("as a materialized view over %d x %d rows: %s after %.1f s; peak %.0f MB; server "
          "still answering: %s" % (vn, vn, outcome, seconds, peak, alive))


if __name__ == "__main__":
    main()
