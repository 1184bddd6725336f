#!/usr/bin/env python3
"""Throws random and mutated protocol messages and SQL at a running Freshet, then checks that
the server is still alive and answers every new connection correctly.

Usage: fuzz_protocol.py FRESHET_BINARY [--seed N] [--rounds N]
"""
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time


def startup_message(user="freshet", database="freshet"):
    body = struct.pack("!I", 196608)
    for k, v in (("user", user), ("database", database)):
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def message(kind, payload):
    return kind + struct.pack("!I", len(payload) + 4) + payload


def query(sql):
    return message(b"Q", sql.encode() + b"\0")


def read_until_ready(sock, timeout=5.0):
    """Reads messages until ReadyForQuery; returns the list of (type, payload)."""
    sock.settimeout(timeout)
    buf = b""
    out = []
    while True:
        while len(buf) >= 5:
            kind = buf[0:1]
            (length,) = struct.unpack("!I", buf[1:5])
            if len(buf) < 1 + length:
                break
            out.append((kind, buf[5 : 1 + length]))
            buf = buf[1 + length :]
            if kind == b"Z":
                return out
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(startup_message())
    read_until_ready(s)
    return s


def check_healthy(port):
    s = connect(port)
    s.sendall(query("SELECT 41 + 1"))
    msgs = read_until_ready(s)
    rows = [p for k, p in msgs if k == b"D"]
    s.close()
    if len(rows) != 1 or not rows[0].endswith(b"42"):
        raise AssertionError("unexpected answer to SELECT 41 + 1: %r" % msgs)


SQL_SEEDS = [
    "SELECT 1", "CREATE TABLE f (a int primary key, b text)", "INSERT INTO f VALUES (1, 'x')",
    "SELECT * FROM f WHERE a = 1", "UPDATE f SET b = b || 'y'", "DELETE FROM f WHERE a > 0",
    "SELECT count(*), sum(a) FROM f GROUP BY b HAVING count(*) > 0 ORDER BY 1",
    "SELECT (SELECT max(a) FROM f), 'a''b', E'\\n', 1e10, -2147483648",
    "BEGIN", "COMMIT", "ROLLBACK", "SELECT 1/0", "SELECT $1", "SELECT ((((((1))))))",
    "WITH x AS (SELECT 1) SELECT * FROM x, x y", "SELECT row_number() OVER () FROM f",
]


def mutate_sql(rng, sql):
    chars = list(sql)
    for _ in range(rng.randint(1, 4)):
        op = rng.randint(0, 3)
        pos = rng.randint(0, len(chars))
        if op == 0 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif op == 1:
            chars.insert(pos, rng.choice("()',;*$\\\0\xff-+/ abcSELECT"))
        elif op == 2:
            chars.insert(pos, rng.choice([" UNION ", " JOIN ", " NULL ", "::int", " IN (", "[1]"]))
        else:
            chars = chars[: rng.randint(0, len(chars))]
    return "".join(chars)


def fuzz_round(rng, port):
    kind = rng.randint(0, 5)
    if os.environ.get("FUZZ_TRACE"):
        print("round kind", kind, flush=True)
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.settimeout(0.5)
        if kind == 0:  # garbage before startup
            s.sendall(os.urandom(rng.randint(1, 200)))
        elif kind == 1:  # bad startup lengths
            s.sendall(struct.pack("!I", rng.choice([0, 3, 8, 100000000, 2**31 - 1])) + os.urandom(20))
        elif kind == 2:  # truncated startup then disconnect
            msg = startup_message()
            s.sendall(msg[: rng.randint(1, len(msg) - 1)])
        else:
            s.sendall(startup_message())
            read_until_ready(s)
            if kind == 3:  # random messages after startup
                for _ in range(rng.randint(1, 5)):
                    t = bytes([rng.randint(0, 255)])
                    payload = os.urandom(rng.randint(0, 64))
                    length = rng.choice([len(payload) + 4, rng.randint(0, 2**32 - 1)])
                    s.sendall(t + struct.pack("!I", length) + payload)
            elif kind == 4:  # mutated SQL
                for _ in range(rng.randint(1, 5)):
                    sql = mutate_sql(rng, rng.choice(SQL_SEEDS))
                    if os.environ.get("FUZZ_TRACE"):
                        print("  sql", repr(sql), flush=True)
                    s.sendall(query(sql))
                    read_until_ready(s)
            else:  # extended protocol with mutated payloads
                parse = message(b"P", b"\0" + rng.choice(SQL_SEEDS).encode() + b"\0" + struct.pack("!H", 0))
                bind = message(b"B", b"\0\0" + struct.pack("!HHH", 0, 0, 0))
                msgs = [parse, bind, message(b"D", b"P\0"), message(b"E", b"\0" + struct.pack("!I", 0)),
                        message(b"S", b"")]
                data = bytearray(b"".join(msgs))
                for _ in range(rng.randint(0, 3)):
                    data[rng.randrange(len(data))] = rng.randint(0, 255)
                s.sendall(bytes(data))
                try:
                    read_until_ready(s)
                except (ConnectionError, socket.timeout, OSError):
                    pass
        try:
            s.settimeout(0.2)
            s.recv(4096)
        except (socket.timeout, OSError):
            pass
        s.close()
    except (ConnectionError, socket.timeout, OSError):
        pass


def main():
    import faulthandler
    faulthandler.dump_traceback_later(int(os.environ.get("FUZZ_WATCHDOG", "240")), exit=True)
    binary = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else int(time.time())
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 400
    rng = random.Random(seed)
    data = tempfile.mkdtemp(prefix="freshet-fuzz.")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    log = open(os.path.join(data, "log"), "w")
    proc = subprocess.Popen([binary, "--data-dir", os.path.join(data, "d"), "--port", str(port)],
                            stdout=log, stderr=log)
    failed = 0
    try:
        for _ in range(100):
            try:
                check_healthy(port)
                break
            except Exception:
                time.sleep(0.1)
        for i in range(rounds):
            fuzz_round(rng, port)
            if proc.poll() is not None:
                print("fuzz_protocol: server died at round %d (seed %d)" % (i, seed))
                failed = 1
                break
            if i % 50 == 0 or os.environ.get("FUZZ_TRACE"):
                check_healthy(port)
        if not failed:
            check_healthy(port)
            print("fuzz_protocol: %d rounds (seed %d); server alive and answering" % (rounds, seed))
    except Exception as e:  # noqa: BLE001
        print("fuzz_protocol: FAIL (seed %d): %s" % (seed, e))
        failed = 1
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if failed:
            print(open(os.path.join(data, "log")).read()[-3000:])
        shutil.rmtree(data, ignore_errors=True)
    print("%d passed, %d failed" % (1 - failed, failed))
    sys.exit(failed)


if __name__ == "__main__":
    main()
