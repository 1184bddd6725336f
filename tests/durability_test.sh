#!/usr/bin/env bash
# Durability beyond kill -9 (the crash test covers that):
#  - shutdown: SIGTERM and SIGINT tell connected clients 57P01, write a checkpoint and exit 0;
#    the next start replays nothing and every view is as it was;
#  - faults: a full disk (a small tmpfs) fails the write with 53100, keeps serving reads, loses
#    nothing acknowledged, and a start on the full disk is refused with a clear message; a data
#    directory that is a file, a missing or truncated RocksDB file and a damaged CURRENT file are
#    refused at startup with a clear message (no crash, no crash loop);
#  - backpressure: a deliberately slow view falls behind while ingest goes on; the lag grows in
#    the log while the server's memory stays flat; with a bound, ingest waits (or fails with
#    53400 when so configured); the view catches up afterwards and equals its query.
# Usage: tests/durability_test.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
work=$(mktemp -d /tmp/freshet-durability.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=
passed=0
failed=0
mounted=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ok() { echo "  ok: $*"; passed=$((passed + 1)); }
bad() { echo "  FAIL: $*"; failed=$((failed + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', expected '$3'"; fi; }
start() {  # start DIR [options...]
  local dir=$1
  shift
  "$build/freshet" --data-dir "$dir" --port "$port" "$@" > "$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    psql -h 127.0.0.1 -p "$port" -U freshet -d freshet -Atqc 'select 1' > /dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "server did not start:"
  cat "$work/server.log"
  return 1
}
q() { psql -h 127.0.0.1 -p "$port" -U freshet -d freshet -Atqc "$1" 2>&1; }
# The SQLSTATE of a statement's error ("" when it succeeded).
state() {
  psql -h 127.0.0.1 -p "$port" -U freshet -d freshet -Atq -v VERBOSITY=verbose -c "\\set VERBOSITY verbose" \
    -c "$1" 2>&1 >/dev/null | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' | head -1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }

# A client that connects, waits idle and prints the SQLSTATE of the error the server sends it.
idle_client() {
  python3 - "$port" "$1" <<'EOF'
import socket, struct, sys
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
body = struct.pack("!I", 196608) + b"user\0freshet\0database\0freshet\0\0"
s.sendall(struct.pack("!I", len(body) + 4) + body)
buf = b""
def message():
    global buf
    while len(buf) < 5 or len(buf) < 1 + struct.unpack("!I", buf[1:5])[0]:
        chunk = s.recv(65536)
        if not chunk:
            return None, None
        buf += chunk
    n = struct.unpack("!I", buf[1:5])[0]
    kind, payload, buf = buf[:1], buf[5:1 + n], buf[1 + n:]
    return kind, payload
while True:
    kind, payload = message()
    if kind is None:
        open(out, "w").write("closed without an error\n")
        break
    if kind == b"Z":
        open(out + ".ready", "w").write("ready\n")
    if kind == b"E":
        fields = dict((f[:1], f[1:]) for f in payload.split(b"\0") if f)
        open(out, "w").write(fields.get(b"C", b"?").decode() + "\n")
        break
EOF
}

echo "--- shutdown on SIGTERM and SIGINT"
for sig in TERM INT; do
  dir=$work/shutdown-$sig
  start "$dir" || exit 1
  q "CREATE TABLE t (id int PRIMARY KEY, g int); CREATE MATERIALIZED VIEW per_g AS SELECT g, count(*) AS n FROM t GROUP BY g" > /dev/null
  q "INSERT INTO t SELECT i, i % 7 FROM generate_series(1, 5000) g(i)" > /dev/null
  before=$(q "SELECT g, n FROM per_g ORDER BY g" | tr '\n' ' ')
  q "INSERT INTO t SELECT i, i % 7 FROM generate_series(5001, 6000) g(i)" > /dev/null
  idle_client "$work/idle-$sig" &
  client=$!
  for _ in $(seq 100); do [ -f "$work/idle-$sig.ready" ] && break; sleep 0.05; done
  kill -$sig "$pid"
  wait "$pid"
  rc=$?
  pid=
  wait "$client"
  check "SIG$sig: exit code" "$rc" "0"
  check "SIG$sig: the connected client was told" "$(cat "$work/idle-$sig")" "57P01"
  grep -q "shutdown checkpoint at epoch" "$work/server.log" && ok "SIG$sig: a shutdown checkpoint was written" ||
    bad "SIG$sig: no shutdown checkpoint in the log"
  start "$dir" || exit 1
  check "SIG$sig: next start: clean shutdown, nothing replayed" \
    "$(q "SELECT clean_shutdown, replayed_records, views_restored FROM freshet_catalog.recovery")" "t|0|1"
  check "SIG$sig: the last checkpoint is the shutdown one" \
    "$(q "SELECT shutdown FROM freshet_catalog.checkpoints ORDER BY epoch DESC LIMIT 1")" "t"
  check "SIG$sig: view after restart" "$(q "SELECT g, n FROM per_g ORDER BY g" | tr '\n' ' ')" \
    "$(q "SELECT g, count(*) FROM t GROUP BY g ORDER BY g" | tr '\n' ' ')"
  [ "$before" != "$(q "SELECT g, n FROM per_g ORDER BY g" | tr '\n' ' ')" ] && ok "SIG$sig: the rows written just before the signal are in the view" ||
    bad "SIG$sig: the view lost the last write"
  kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
done

echo "--- faults at startup"
touch "$work/not-a-dir"
out=$("$build/freshet" --data-dir "$work/not-a-dir" --port "$port" 2>&1); rc=$?
check "data directory is a file: exit code" "$rc" "1"
echo "$out" | grep -q "cannot open data directory: could not create data directory" && ok "data directory is a file: message" ||
  bad "data directory is a file: message was: $out"

dir=$work/damaged
start "$dir" || exit 1
q "CREATE TABLE t (id int PRIMARY KEY, p text)" > /dev/null
q "INSERT INTO t SELECT i, repeat('x', 100) FROM generate_series(1, 20000) g(i)" > /dev/null
kill -TERM "$pid"; wait "$pid"; pid=
sst=$(ls -S "$dir"/rocksdb/*.sst | head -1)
cp -a "$dir" "$work/damaged-copy"
mv "$sst" "$sst.moved"
out=$(timeout 30 "$build/freshet" --data-dir "$dir" --port "$port" 2>&1); rc=$?
check "missing RocksDB file: exit code" "$rc" "1"
base=$(basename "$sst" .sst)
echo "$out" | grep -q "cannot open data directory" && echo "$out" | grep -q "$base" &&
  ok "missing RocksDB file: the message names it" || bad "missing RocksDB file: message was: $out"
mv "$sst.moved" "$sst"
truncate -s 100 "$sst"
out=$(timeout 30 "$build/freshet" --data-dir "$dir" --port "$port" 2>&1); rc=$?
check "truncated RocksDB file: exit code" "$rc" "1"
echo "$out" | grep -qi "corrupt\|truncated\|too short" && ok "truncated RocksDB file: the message says it is damaged" ||
  bad "truncated RocksDB file: message was: $out"
echo "garbage" > "$work/damaged-copy/rocksdb/CURRENT"
out=$(timeout 30 "$build/freshet" --data-dir "$work/damaged-copy" --port "$port" 2>&1); rc=$?
check "damaged CURRENT file: exit code" "$rc" "1"
echo "$out" | grep -q "cannot open data directory" && ok "damaged CURRENT file: message ($(echo "$out" | head -c 120)...)" ||
  bad "damaged CURRENT file: message was: $out"

echo "--- a full disk"
small=$work/small
mkdir -p "$small"
if mount -t tmpfs -o size=32m tmpfs "$small" 2>/dev/null; then
  mounted=$small
  start "$small/data" || exit 1
  q "CREATE TABLE t (id int PRIMARY KEY, p text); CREATE MATERIALIZED VIEW c AS SELECT count(*) AS n FROM t" > /dev/null
  acked=0
  err=
  for i in $(seq 1 2000); do
    err=$(state "INSERT INTO t VALUES ($i, repeat(md5('$i'), 4096))")
    [ -n "$err" ] && break
    acked=$i
  done
  check "full disk: the failing write's SQLSTATE" "$err" "53100"
  [ "$acked" -gt 10 ] && ok "full disk: $acked rows were acknowledged before it" || bad "full disk: only $acked rows"
  check "full disk: still serving reads, every acknowledged row there" "$(q "SELECT count(*) FROM t")" "$acked"
  v=$(q "SELECT n FROM c"); case "$v" in "$acked" | *"53100"* | *"cannot advance"*) ok "full disk: the view answers with every acknowledged row or says why it cannot advance ($(echo $v | cut -c1-60))" ;; *) bad "full disk: view read gave: $v" ;; esac
  check "full disk: later writes keep failing clearly" "$(state "INSERT INTO t VALUES (0, 'x')")" "53100"
  kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
  out=$("$build/freshet" --data-dir "$small/data" --port "$port" 2>&1); rc=$?
  check "full disk: start refused" "$rc" "1"
  echo "$out" | grep -q "kB free" && ok "full disk: start message: $(echo "$out" | cut -c1-140)" ||
    bad "full disk: start message was: $out"
  # Moved to a disk with room, nothing acknowledged is lost and the view catches up.
  cp -a "$small/data" "$work/moved"
  umount "$small"; mounted=
  start "$work/moved" || exit 1
  check "full disk, moved: acknowledged rows" "$(q "SELECT count(*) FROM t")" "$acked"
  check "full disk, moved: the view" "$(q "SELECT n FROM c")" "$acked"
  kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
else
  bad "cannot mount a 32 MB tmpfs to simulate a full disk (needs root)"
fi

echo "--- backpressure"
# The view hashes each row's payload 40 times over: far slower than ingest. Memory is judged
# side by side: the same 200 MB ingest into a server whose view keeps up (no view) and into one
# whose view falls behind by most of it; what the lag costs is the difference of peak RSS.
# The 74 batches of 5000 1 KB rows are written once, before anything is timed, so the pace of
# ingest is the server's and not that of the generator (an interpreter's start-up per batch).
mkdir -p "$work/batches"
python3 -c "
import sys
for b in range(74):
    with open('$work/batches/%d.tsv' % b, 'w') as f:
        for i in range(b * 5000, (b + 1) * 5000):
            f.write('%d\t%s\n' % (i, ('%08d' % i) * 128))
"
batch() {  # batch N: COPY the N-th batch
  psql -h 127.0.0.1 -p "$port" -U freshet -d freshet -Atqc "COPY t FROM STDIN" < "$work/batches/$1.tsv" 2>&1
}
ingest() {  # ingest: 60 COPYs of 5000 rows; sets peak_rss (kB) and max_lag (bytes)
  peak_rss=0
  max_lag=0
  for b in $(seq 0 59); do
    batch "$b" > /dev/null
    lag=$(q "SELECT coalesce(max(pending_bytes), 0) FROM freshet_catalog.consumer_lag")
    r=$(rss_kb)
    [ "$r" -gt "$peak_rss" ] && peak_rss=$r
    [ "${lag:-0}" -gt "$max_lag" ] && max_lag=$lag
    if [ "$b" = 29 ]; then rss_mid=$r; lag_mid=${lag:-0}; fi
    if [ "$b" = 59 ]; then rss_end=$r; lag_end=${lag:-0}; fi
  done
}
start "$work/baseline" || exit 1
q "CREATE TABLE t (id int PRIMARY KEY, p text)" > /dev/null
ingest
base_rss=$peak_rss
base_mid=$rss_mid
base_end=$rss_end
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
dir=$work/backpressure
start "$dir" || exit 1
q "CREATE TABLE t (id int PRIMARY KEY, p text)" > /dev/null
q "CREATE MATERIALIZED VIEW slow AS SELECT id % 10 AS k, count(*) AS n, sum(length(p)) AS bytes FROM t WHERE md5(repeat(p, 40)) <> '' GROUP BY id % 10" > /dev/null
ingest
lag_rows=$(q "SELECT lag FROM freshet_catalog.consumer_lag")
echo "  300000 rows (~300 MB) ingested; the slow view is $lag_rows records behind at the end, max pending $((max_lag / 1048576)) MB; peak RSS $((peak_rss / 1024)) MB vs $((base_rss / 1024)) MB for the same ingest without the view"
[ "$max_lag" -gt $((128 * 1048576)) ] && ok "lag grew in the log (max $((max_lag / 1048576)) MB pending)" || bad "lag did not grow: $max_lag"
# Epochs read at most 16 MB of publications: the lag costs an epoch's working set (and what the
# allocator keeps of it), not itself. Over the second half of the ingest the lag keeps growing;
# memory may grow there less than the lag does, beyond what the same ingest costs without any lag
# (RocksDB's memtables filling; RSS of two processes differs by tens of MB, hence the margin).
[ $((peak_rss - base_rss)) -lt $((160 * 1024)) ] && ok "memory bounded: the lag of $((max_lag / 1048576)) MB cost $(((peak_rss - base_rss) / 1024)) MB of RSS" ||
  bad "the lag of $((max_lag / 1048576)) MB cost $(((peak_rss - base_rss) / 1024)) MB of RSS"
extra=$(((rss_end - rss_mid) - (base_end - base_mid)))
[ $((lag_end - lag_mid)) -gt $((32 * 1048576)) ] && [ $((extra * 1024)) -lt $((lag_end - lag_mid)) ] &&
  ok "memory flat while the lag grew from $((lag_mid / 1048576)) to $((lag_end / 1048576)) MB: RSS grew $(((rss_end - rss_mid) / 1024)) MB, $(((base_end - base_mid) / 1024)) MB without the lag" ||
  bad "over the second half the lag went $((lag_mid / 1048576)) -> $((lag_end / 1048576)) MB and RSS grew $(((rss_end - rss_mid) / 1024)) MB ($(((base_end - base_mid) / 1024)) MB without the lag)"
start_wait=$(date +%s%N)
check "the slow view caught up and equals its query" "$(q "SELECT k, n, bytes FROM slow ORDER BY k" | tr '\n' ' ')" \
  "$(q "SELECT id % 10, count(*), sum(length(p)) FROM t GROUP BY id % 10 ORDER BY 1" | tr '\n' ' ')"
echo "  caught up in $((($(date +%s%N) - start_wait) / 1000000)) ms"
check "no lag left" "$(q "SELECT lag, pending_bytes FROM freshet_catalog.consumer_lag")" "0|0"
kill -TERM "$pid"; wait "$pid"; pid=

# With a bound: writers wait at it; pending stays near it; then, configured to, they get 53400.
start "$dir" --max-log-lag 8M || exit 1
t0=$(date +%s%N)
max_lag=0
for b in $(seq 60 67); do
  batch "$b" > /dev/null
  lag=$(q "SELECT pending_bytes FROM freshet_catalog.consumer_lag LIMIT 1")
  [ "${lag:-0}" -gt "$max_lag" ] && max_lag=$lag
done
elapsed=$((($(date +%s%N) - t0) / 1000000))
echo "  40000 rows with an 8 MB bound: ${elapsed} ms, max pending $((max_lag / 1048576)) MB"
# A statement starts only below the bound, so pending stays under the bound plus one COPY (5 MB).
[ "$max_lag" -le $((14 * 1048576)) ] && ok "pending bytes held near the bound" || bad "pending reached $max_lag"
check "every row there" "$(q "SELECT count(*) FROM t")" "340000"
check "view equals its query" "$(q "SELECT k, n, bytes FROM slow ORDER BY k" | tr '\n' ' ')" \
  "$(q "SELECT id % 10, count(*), sum(length(p)) FROM t GROUP BY id % 10 ORDER BY 1" | tr '\n' ' ')"
kill -TERM "$pid"; wait "$pid"; pid=
start "$dir" --max-log-lag 2M --on-log-full error || exit 1
errs=""
for b in $(seq 68 73); do
  out=$(batch "$b")
  case "$out" in *"log is full"*) errs="53400"; break ;; esac
done
code=$(state "INSERT INTO t VALUES (-1, 'x')")
[ "$errs" = "53400" ] || [ "$code" = "53400" ] && ok "with --on-log-full error, writes fail with 53400 when the log is full" ||
  bad "no 53400 (last COPY said: $out; insert: $code)"
check "after the refusal the view still equals its query" "$(q "SELECT k, n, bytes FROM slow ORDER BY k" | tr '\n' ' ')" \
  "$(q "SELECT id % 10, count(*), sum(length(p)) FROM t GROUP BY id % 10 ORDER BY 1" | tr '\n' ' ')"
kill -TERM "$pid"; wait "$pid"; pid=

echo "durability_test: ${passed} passed, ${failed} failed"
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
