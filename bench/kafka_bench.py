#!/usr/bin/env python3
"""Kafka connector benchmark against the mock cluster (tools/kafka_mock), same machine, same run:

1. kcat consuming a topic of N JSON records (the reference), then a Freshet Kafka source into a
   GROUP BY view over the same topic: records/s until the view has counted all N.
2. Latency at a fixed rate: records produced at R/s (each carrying its id), the view's max(id)
   polled; latency = when an id became visible minus when it was handed to the producer.
3. The transactional sink: a PLAIN sink of the source's N records, records/s until the sink
   reports all of them delivered, next to kcat producing the same N records.

Usage: bench/kafka_bench.py BUILD_DIR [--records N] [--rate R] [--seconds S]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import psycopg2


_children = []  # the mock cluster and the server: killed however the run ends


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(fn, timeout=300.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    raise RuntimeError("timed out")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--rate", type=int, default=100000)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="freshet-kafka-bench.")
    n = args.records
    # The mock keeps 5 MB per partition: enough partitions that nothing is dropped.
    parts = max(4, (n * 128) // (4 << 20) + 1)
    mock = subprocess.Popen(
        [os.path.join(args.build, "freshet-kafka-mock"), "--brokers", "3",
         "--topic", f"bench:{parts}:1", "--topic", f"live:4:1", "--topic", f"out:{parts}:1",
         "--bootstrap-file", os.path.join(work, "bootstrap")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _children.append(mock)
    wait_until(lambda: os.path.exists(os.path.join(work, "bootstrap")), 10)
    bootstrap = open(os.path.join(work, "bootstrap")).read().strip()
    data = os.path.join(work, "records.json")
    with open(data, "w") as f:
        for i in range(1, n + 1):
            f.write('{"id": %d, "user_id": "u%d", "amount": %d}\n' % (i, i % 1000, i % 97))
    t0 = time.time()
    subprocess.run(["kcat", "-P", "-b", bootstrap, "-t", "bench", "-l", data], check=True)
    produce_s = time.time() - t0
    t0 = time.time()
    out = subprocess.run(["kcat", "-C", "-b", bootstrap, "-t", "bench", "-e", "-q", "-o",
                          "beginning", "-f", "%s\n"], check=True, capture_output=True)
    kcat_s = time.time() - t0
    kcat_n = out.stdout.count(b"\n")

    port = free_port()
    log = open(os.path.join(work, "freshet.log"), "w")
    server = subprocess.Popen([os.path.join(args.build, "freshet"), "--data-dir",
                               os.path.join(work, "data"), "--port", str(port)],
                              stdout=log, stderr=log)
    _children.append(server)
    conn = wait_until(lambda: _connect(port), 30, 0.1)
    conn.autocommit = True
    cur = conn.cursor()
    with_kafka = lambda topic: (f"WITH (connector = 'kafka', topic = '{topic}', "
                                f"properties.bootstrap.server = '{bootstrap}')")
    t0 = time.time()
    cur.execute("CREATE SOURCE bench (id bigint, user_id text, amount int) " +
                with_kafka("bench") + " FORMAT PLAIN ENCODE JSON")
    cur.execute("CREATE MATERIALIZED VIEW per_user AS SELECT user_id, count(*) AS n, "
                "sum(amount) AS total FROM bench GROUP BY user_id")
    cur.execute("SET freshet.read_mode = 'latest'")

    def counted():
        cur.execute("SELECT coalesce(sum(n), 0) FROM per_user")
        return cur.fetchone()[0] >= n
    try:
        wait_until(counted, 600, 0.01)
    except RuntimeError:
        cur.execute("SELECT * FROM freshet_catalog.connectors")
        print(cur.fetchall())
        cur.execute("SELECT count(*), min(error) FROM freshet_catalog.source_errors")
        print(cur.fetchall())
        cur.execute("SELECT coalesce(sum(n), 0) FROM per_user")
        print(cur.fetchall())
        raise
    source_s = time.time() - t0
    print(f"records: {n} JSON records ({os.path.getsize(data) // n} bytes each), "
          f"{parts} partitions, mock cluster of 3 brokers on loopback", flush=True)
    print(f"kcat consume (reference):        {kcat_n / kcat_s:12,.0f} records/s  ({kcat_s:.2f} s)")
    print(f"Freshet source -> GROUP BY view: {n / source_s:12,.0f} records/s  ({source_s:.2f} s)"
          f"  = {kcat_s / source_s:.2f}x kcat", flush=True)

    # Latency at a fixed rate.
    cur.execute("CREATE SOURCE live (id bigint) " + with_kafka("live") +
                " FORMAT PLAIN ENCODE JSON")
    cur.execute("CREATE MATERIALIZED VIEW live_max AS SELECT max(id) AS m FROM live")
    time.sleep(1.0)
    sent = {}
    producer = subprocess.Popen(["kcat", "-P", "-b", bootstrap, "-t", "live", "-X",
                                 "linger.ms=1"], stdin=subprocess.PIPE)
    stop = threading.Event()

    def produce():
        i, start = 0, time.time()
        batch = max(1, args.rate // 1000)  # a batch per millisecond
        while not stop.is_set() and time.time() - start < args.seconds:
            target = int((time.time() - start) * args.rate)
            lines = []
            while i < target:
                i += 1
                lines.append(b'{"id": %d}\n' % i)
                if i % batch == 0:
                    sent[i] = time.time()
            if lines:
                producer.stdin.write(b"".join(lines))
                producer.stdin.flush()
            time.sleep(0.0005)
        producer.stdin.close()
        return i

    th = threading.Thread(target=produce)
    th.start()
    seen = {}
    last = 0
    while th.is_alive() or last < max(sent.keys(), default=0):
        cur.execute("SELECT m FROM live_max")
        m = cur.fetchone()[0] or 0
        now = time.time()
        if m > last:
            for k in [k for k in sent if last < k <= m]:
                seen[k] = now - sent[k]
            last = m
        if not th.is_alive() and time.time() - sent.get(max(sent.keys(), default=0), now) > 30:
            break
        time.sleep(0.002)
    th.join()
    producer.wait()
    lat = sorted(seen.values())
    p50 = lat[len(lat) // 2] * 1000 if lat else float("nan")
    p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else float("nan")
    print(f"latency at {args.rate:,}/s for {args.seconds:.0f} s: p50 {p50:.0f} ms, p99 {p99:.0f} ms "
          f"({len(lat)} samples)", flush=True)

    # The transactional sink, then kcat producing the same records as the reference.
    t0 = time.time()
    cur.execute("CREATE SINK bench_out AS SELECT * FROM bench " + with_kafka("out") +
                " FORMAT PLAIN ENCODE JSON")

    def delivered():
        cur.execute("SELECT records FROM freshet_catalog.connectors WHERE name = 'bench_out'")
        row = cur.fetchone()
        return row and row[0] >= n
    wait_until(delivered, 300, 0.02)
    sink_s = time.time() - t0
    server.terminate()
    server.wait()
    mock.terminate()

    print(f"kcat produce (reference):        {n / produce_s:12,.0f} records/s  ({produce_s:.2f} s)")
    print(f"Freshet transactional sink:      {n / sink_s:12,.0f} records/s  ({sink_s:.2f} s)"
          f"  = {produce_s / sink_s:.2f}x kcat")


def _connect(port):
    try:
        return psycopg2.connect(host="127.0.0.1", port=port, user="freshet", dbname="freshet")
    except psycopg2.OperationalError:
        return None


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for p in _children:
            if p.poll() is None:
                p.kill()
