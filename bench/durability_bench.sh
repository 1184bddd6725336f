#!/usr/bin/env bash
# Durability figures, measured side by side in one run on this machine:
#  1. recovery time against state size: a keyed aggregate over N rows (N state entries), the
#     server killed with kill -9 and restarted: time to accept connections, the restore and replay
#     freshet_catalog.recovery reports, and the time to the first consistent read of the view;
#  2. checkpoints at the default interval (1 s): their duration and bytes
#     (freshet_catalog.checkpoints), and ingest throughput with them vs with checkpoints 1 h apart;
#  3. ingest throughput with synchronous_commit on and off (pgbench, 1 and 8 clients, one-row
#     INSERT transactions into a table a view aggregates).
# Usage: bench/durability_bench.sh [BUILD_DIR] [SIZES] [SECONDS]   (SIZES default "100000 1000000 3000000")
set -uo pipefail
build=${1:-build}
sizes=${2-"100000 1000000 3000000"}
secs=${3:-10}
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)
[ -x "$pgbench" ] || { echo "pgbench not found (Debian package postgresql)"; exit 1; }
work=$(mktemp -d /tmp/freshet-durbench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT
now_ms() { date +%s%3N; }
start() {  # start DIR [options]; sets pid and up_ms (time to accept connections)
  local dir=$1
  shift
  local t0
  t0=$(now_ms)
  "$build/freshet" --data-dir "$dir" --port "$port" "$@" > "$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 2000); do
    psql -h 127.0.0.1 -p "$port" -U freshet -d freshet -Atqc 'select 1' > /dev/null 2>&1 && break
    sleep 0.01
  done
  up_ms=$(($(now_ms) - t0))
}
q() { psql -h 127.0.0.1 -p "$port" -U freshet -d freshet -Atqc "$1"; }
stop9() { kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=; }

echo "== 1. recovery time against state size (kill -9, restart)"
printf "%-10s %-14s %-12s %-14s %-12s %-14s %-12s %-16s\n" rows state_entries accept_ms store_open_ms restore_ms replayed_recs replay_ms first_read_ms
for n in $sizes; do
  dir=$work/rec-$n
  start "$dir"
  q "CREATE TABLE t (id int PRIMARY KEY, v int)"
  q "INSERT INTO t SELECT i, i % 100 FROM generate_series(1, $n) g(i)"
  q "CREATE MATERIALIZED VIEW per_id AS SELECT id, count(*) AS n, sum(v) AS s FROM t GROUP BY id" > /dev/null
  # Writes the view has to replay after the restart (committed, maybe not yet in a checkpoint).
  q "UPDATE t SET v = v + 1 WHERE id <= 10000"
  stop9
  t0=$(now_ms)
  start "$dir"
  until [ "$(q "SELECT done FROM freshet_catalog.recovery")" = "t" ]; do sleep 0.01; done
  q "SELECT count(*) FROM per_id WHERE id = 1" > /dev/null
  first=$(($(now_ms) - t0))
  IFS='|' read -r entries open restore replayed replay <<< "$(q "SELECT state_entries, store_open_ms, restore_ms, replayed_records, replay_ms FROM freshet_catalog.recovery")"
  printf "%-10s %-14s %-12s %-14s %-12s %-14s %-12s %-16s\n" "$n" "$entries" "$up_ms" "$open" "$restore" "$replayed" "$replay" "$first"
  stop9
  rm -rf "$dir"
done

cat > "$work/insert.sql" <<'EOF'
\set k random(1, 1000)
INSERT INTO e VALUES (:client_id, :k, :k * 3);
EOF
tps() {  # tps CLIENTS [PGOPTIONS]
  PGOPTIONS=${2:-} "$pgbench" -h 127.0.0.1 -p "$port" -U freshet -n -M prepared -f "$work/insert.sql" -c "$1" -j "$1" \
    -T "$secs" freshet 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
prepare() {
  q "CREATE TABLE e (client bigint, k int, v int)"
  q "CREATE MATERIALIZED VIEW ev AS SELECT k, count(*) AS n, sum(v) AS s FROM e GROUP BY k" > /dev/null
}

echo
echo "== 2. checkpoints at the default interval, and their cost (8 clients, ${secs} s each)"
# Alternated twice (A B A B) so that drift does not pass for a cost.
with_all=""
without_all=""
for round in 1 2; do
  rm -rf "$work/ckpt-default" "$work/ckpt-hourly"
  start "$work/ckpt-default"
  prepare
  with_all="$with_all $(tps 8)"
  stats=$(q "SELECT count(*), round(avg(duration_ms)::numeric, 2), round(max(duration_ms)::numeric, 2), round(avg(bytes_written)::numeric / 1024), round(avg(epochs)::numeric, 1) FROM freshet_catalog.checkpoints WHERE NOT shutdown")
  stop9
  start "$work/ckpt-hourly" --checkpoint-interval-ms 3600000
  prepare
  without_all="$without_all $(tps 8)"
  stop9
  IFS='|' read -r count avg max kb epochs <<< "$stats"
  echo "round $round: checkpoints: $count in the run, duration avg $avg ms, max $max ms, avg $kb kB written by $epochs epochs each"
done
echo "ingest tx/s with checkpoints every 1 s:$with_all; with checkpoints 1 h apart:$without_all (ratio of sums $(python3 -c "print(round(sum(map(float, '$with_all'.split())) / sum(map(float, '$without_all'.split())), 3))"))"

echo
echo "== 3. synchronous_commit on and off (${secs} s each)"
start "$work/sync"
prepare
for c in 1 8; do
  on=""
  off=""
  for round in 1 2 3; do  # alternated, medians compared
    on="$on $(tps $c)"
    off="$off $(tps $c "-c synchronous_commit=off")"
  done
  wal=$(q "SELECT durable_commits, fsyncs FROM freshet_catalog.wal")
  echo "$c client(s): synchronous_commit=on:$on tx/s; off:$off tx/s (median off/on $(python3 -c "
import statistics
a = [float(x) for x in '$on'.split()]; b = [float(x) for x in '$off'.split()]
print(round(statistics.median(b) / statistics.median(a), 2))")); durable commits|fsyncs so far: $wal"
done
stop9
