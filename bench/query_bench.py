#!/usr/bin/env python3
"""Ad-hoc SQL side by side: Freshet and PostgreSQL on the same machine in the same run (issue 11's
table). Loads a fact table (ROWS rows) and a 1,000-row dimension into both by COPY, runs each query
RUNS times and reports the median wall time as the client sees it (all rows fetched), the ratio, and
each server's peak resident memory during the query (VmHWM of the Freshet process and of the
PostgreSQL backend, reset before each query through /proc/PID/clear_refs). Then pgbench at 1 and 8
clients: primary-key point SELECT and single-row INSERT.

Usage: query_bench.py --freshet CONNINFO --freshet-pid PID --postgres CONNINFO [--rows N]
                      [--runs N] [--pgbench PATH] [--pgbench-seconds S]
"""
import argparse
import os
import random
import re
import statistics
import subprocess
import tempfile
import time

import psycopg2

QUERIES = [
    ("SELECT count(*)", "SELECT count(*) FROM fact"),
    ("filter + sum", "SELECT sum(v) FROM fact WHERE v % 10 = 3"),
    ("GROUP BY 1k groups", "SELECT d, count(*), sum(v) FROM fact GROUP BY d"),
    ("join + GROUP BY", "SELECT dim.name, sum(fact.v) FROM fact JOIN dim ON fact.d = dim.id "
                        "GROUP BY dim.name"),
    ("comma join, filter on dim", "SELECT count(*), sum(fact.v) FROM fact, dim WHERE "
                                  "fact.d = dim.id AND dim.name = 'd7'"),
    ("ORDER BY ... LIMIT 10", "SELECT * FROM fact ORDER BY v DESC, id LIMIT 10"),
    ("WHERE id = const (primary key)", "SELECT * FROM fact WHERE id = 123457"),
    ("count(DISTINCT)", "SELECT count(DISTINCT d) FROM fact"),
    ("date_trunc GROUP BY", "SELECT date_trunc('hour', ts), count(*) FROM fact GROUP BY 1"),
    ("GROUP BY 100k groups", "SELECT id % 100000, sum(v) FROM fact GROUP BY 1"),
]


def peak_reset(pid):
    try:
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
            return int(m.group(1)) / 1024 if m else float("nan")
    except OSError:
        return float("nan")


def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def wait_idle(pid, limit_s=120):
    """Waits until the process has used under 5% of a core for 3 s in a row (its background work
    after the load, such as RocksDB compactions, is done), as PostgreSQL gets VACUUM ANALYZE."""
    hz = os.sysconf("SC_CLK_TCK")
    start, quiet, last = time.time(), 0, cpu_ticks(pid)
    while last is not None and time.time() - start < limit_s and quiet < 6:
        time.sleep(0.5)
        now = cpu_ticks(pid)
        if now is None:
            break
        quiet = quiet + 1 if (now - last) / hz < 0.025 else 0
        last = now
    return time.time() - start


def load(conn, fact_csv, dim_csv):
    cur = conn.cursor()
    for t in ("fact", "dim", "ins"):
        cur.execute("DROP TABLE IF EXISTS %s" % t)
    cur.execute("CREATE TABLE fact (id int PRIMARY KEY, d int, v int, ts timestamp, cat text)")
    cur.execute("CREATE TABLE dim (id int PRIMARY KEY, name text)")
    cur.execute("CREATE TABLE ins (id int, v int)")
    start = time.time()
    with open(fact_csv) as f:
        cur.copy_expert("COPY fact FROM STDIN WITH (FORMAT csv)", f)
    fact_s = time.time() - start
    with open(dim_csv) as f:
        cur.copy_expert("COPY dim FROM STDIN WITH (FORMAT csv)", f)
    return fact_s


def time_query(conn, sql, runs, pid):
    cur = conn.cursor()
    times, peaks = [], []
    for _ in range(runs):
        peak_reset(pid)
        start = time.time()
        cur.execute(sql)
        cur.fetchall()
        times.append(time.time() - start)
        peaks.append(peak_mb(pid))
    return statistics.median(times), max(peaks)


def pgbench(path, conninfo, script, clients, seconds):
    params = dict(kv.split("=", 1) for kv in conninfo.split())
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
        name = f.name
    cmd = [path, "-n", "-f", name, "-c", str(clients), "-j", str(min(clients, 2)), "-T",
           str(seconds), "-h", params["host"], "-p", params["port"], "-U", params["user"],
           params["dbname"]]
    out = subprocess.run(cmd, capture_output=True, text=True)
    os.unlink(name)
    m = re.search(r"tps = ([\d.]+)", out.stdout)
    return float(m.group(1)) if m else float("nan")


def fmt_s(s):
    return "%.4f s" % s if s < 0.01 else "%.3f s" % s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--freshet", required=True)
    ap.add_argument("--freshet-pid", type=int, required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pgbench", default="")
    ap.add_argument("--pgbench-seconds", type=int, default=10)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="freshet-querybench-")
    fact_csv, dim_csv = os.path.join(tmp, "fact.csv"), os.path.join(tmp, "dim.csv")
    rng = random.Random(7)
    with open(fact_csv, "w") as f:
        for i in range(1, args.rows + 1):
            f.write("%d,%d,%d,2026-01-%02d %02d:%02d:00,c%d\n" % (
                i, rng.randrange(1000), rng.randrange(1000000), 1 + i % 28, i % 24, i % 60,
                i % 17))
    with open(dim_csv, "w") as f:
        for i in range(1000):
            f.write("%d,d%d\n" % (i, i))

    fconn = psycopg2.connect(args.freshet)
    pconn = psycopg2.connect(args.postgres)
    fconn.autocommit = pconn.autocommit = True
    pg_pid = pconn.cursor()
    pg_pid.execute("SELECT pg_backend_pid()")
    pg_pid = pg_pid.fetchone()[0]
    f_load = load(fconn, fact_csv, dim_csv)
    p_load = load(pconn, fact_csv, dim_csv)
    pconn.cursor().execute("VACUUM ANALYZE fact")
    pconn.cursor().execute("VACUUM ANALYZE dim")
    settled = wait_idle(args.freshet_pid)
    print("COPY of %d rows: Freshet %.2f s (%.0fK rows/s), PostgreSQL %.2f s (%.0fK rows/s); "
          "Freshet idle %.1f s after the loads (compactions)" % (
              args.rows, f_load, args.rows / f_load / 1000, p_load, args.rows / p_load / 1000,
              settled))
    print()
    print("| query | Freshet | PostgreSQL 15 | Freshet / PostgreSQL | peak RSS Freshet | "
          "peak RSS PG backend |")
    print("|---|---|---|---|---|---|")
    for name, sql in QUERIES:
        fs, fpeak = time_query(fconn, sql, args.runs, args.freshet_pid)
        ps, ppeak = time_query(pconn, sql, args.runs, pg_pid)
        print("| %s | %s | %s | %.2f× | %.0f MB | %.0f MB |" % (name, fmt_s(fs), fmt_s(ps), fs / ps,
                                                             fpeak, ppeak))
    if args.pgbench:
        print()
        print("| pgbench | clients | Freshet tps | PostgreSQL tps | Freshet / PostgreSQL |")
        print("|---|---|---|---|---|")
        scripts = [
            ("point SELECT", "\\set id random(1, %d)\nSELECT v FROM fact WHERE id = :id;\n" %
             args.rows),
            ("single-row INSERT", "\\set id random(1, 1000000000)\n"
                                  "INSERT INTO ins VALUES (:id, 1);\n"),
        ]
        for name, script in scripts:
            for clients in (1, 8):
                f = pgbench(args.pgbench, args.freshet, script, clients, args.pgbench_seconds)
                p = pgbench(args.pgbench, args.postgres, script, clients, args.pgbench_seconds)
                print("| %s | %d | %.0f | %.0f | %.2f× |" % (name, clients, f, p, f / p))
    fconn.close()
    pconn.close()
    for p in (fact_csv, dim_csv):
        os.unlink(p)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
