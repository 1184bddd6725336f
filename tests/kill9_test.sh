#!/usr/bin/env bash
# Durability: rows acknowledged before a kill -9 are all there after restart, and nothing else.
# Usage: tests/kill9_test.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
dir=$(mktemp -d /tmp/freshet-kill9.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fail() { echo "kill9_test: FAIL: $*"; kill -9 "$pid" 2>/dev/null; rm -rf "$dir"; echo "0 passed, 1 failed"; exit 1; }
start() {
  "$build/freshet" --data-dir "$dir/data" --port "$port" > "$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do psql -h 127.0.0.1 -p "$port" -U freshet -Atqc 'select 1' >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "server did not start"
}
q() { psql -h 127.0.0.1 -p "$port" -U freshet -Atqc "$1"; }
start
q "CREATE TABLE acked (id int PRIMARY KEY, payload text)" || fail "create"
# A writer acknowledges rows one by one (each psql exit 0 = acknowledged) while we kill the server.
( for i in $(seq 1 100000); do
    q "INSERT INTO acked VALUES ($i, 'row $i')" >/dev/null 2>&1 || break
    echo "$i" >> "$dir/acked.txt"
  done ) &
writer=$!
sleep 2
kill -9 "$pid"
wait "$writer" 2>/dev/null
acked=$(wc -l < "$dir/acked.txt")
[ "$acked" -gt 0 ] || fail "no row was acknowledged before the kill"
start
count=$(q "SELECT count(*) FROM acked")
missing=$(q "SELECT count(*) FROM generate_series(1, $acked) g(i) WHERE i NOT IN (SELECT id FROM acked)")
bad=$(q "SELECT count(*) FROM acked WHERE payload <> 'row ' || id")
kill "$pid"; wait "$pid" 2>/dev/null
# At most one row may have been committed without its acknowledgement reaching the client.
[ "$missing" = "0" ] || fail "$missing acknowledged rows lost (acked=$acked, stored=$count)"
[ "$bad" = "0" ] || fail "$bad corrupted rows"
[ "$count" -le $((acked + 1)) ] || fail "stored $count rows but only $acked were acknowledged"
echo "kill9_test: $acked acknowledged rows survived kill -9 (stored $count)"
rm -rf "$dir"
echo "1 passed, 0 failed"
