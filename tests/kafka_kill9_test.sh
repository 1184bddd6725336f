#!/usr/bin/env bash
# Kafka exactly once across kill -9: a source reading an 8-partition topic of the mock cluster
# (tools/kafka_mock, 3 brokers; sized to stay inside the mock's retention of 5 MB per partition)
# is killed mid-ingestion three times while kcat keeps producing;
# after the restarts the view counts every record once (count = distinct ids = produced, and the
# sum of ids matches), the batch read of the source agrees, and a transactional PLAIN sink of the
# source has written every record exactly once to its topic (as a read_committed kcat reads it).
# Usage: tests/kafka_kill9_test.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
dir=$(mktemp -d /tmp/freshet-kafka-kill9.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=""; mock=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$mock" ] && kill "$mock" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"; }
fail() {
  echo "kafka_kill9_test: FAIL: $*"
  q "SELECT * FROM freshet_catalog.connectors" 2>/dev/null
  q "SELECT * FROM freshet_catalog.consumer_lag" 2>/dev/null
  q "SELECT * FROM freshet_catalog.source_errors LIMIT 5" 2>/dev/null
  tail -20 "$dir/log" 2>/dev/null
  cleanup
  exit 1
}
start() {
  "$build/freshet" --data-dir "$dir/data" --port "$port" >> "$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do psql -h 127.0.0.1 -p "$port" -U freshet -Atqc 'select 1' >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "server did not start"
}
q() { psql -h 127.0.0.1 -p "$port" -U freshet -Atqc "$1"; }

"$build/freshet-kafka-mock" --brokers 3 --topic ev:8:3 --topic evout:4:3 --bootstrap-file "$dir/bootstrap" < /dev/null > /dev/null 2>&1 &
mock=$!
for _ in $(seq 50); do [ -s "$dir/bootstrap" ] && break; sleep 0.1; done
[ -s "$dir/bootstrap" ] || fail "mock cluster did not start"
bootstrap=$(cat "$dir/bootstrap")

n1=250000; n2=150000; total=$((n1 + n2))
python3 -c "
for i in range(1, $n1 + 1): print('{\"id\": %d, \"k\": \"%d\"}' % (i, i % 7))" > "$dir/part1.json"
python3 -c "
for i in range($n1 + 1, $total + 1): print('{\"id\": %d, \"k\": \"%d\"}' % (i, i % 7))" > "$dir/part2.json"
kcat -P -b "$bootstrap" -t ev -l "$dir/part1.json" || fail "kcat produce"

start
q "CREATE SOURCE ev (id bigint, k text) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '$bootstrap') FORMAT PLAIN ENCODE JSON" >/dev/null || fail "create source"
q "CREATE MATERIALIZED VIEW ev_stats AS SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(id) AS total FROM ev" >/dev/null || fail "create view"
q "CREATE SINK evout AS SELECT id FROM ev WITH (connector = 'kafka', topic = 'evout', properties.bootstrap.server = '$bootstrap') FORMAT PLAIN ENCODE JSON" >/dev/null || fail "create sink"
kcat -P -b "$bootstrap" -t ev -l "$dir/part2.json" &
producer=$!
for cycle in $(seq 1 ${KILLS:-3}); do
  sleep 0.4
  seen=$(q "SELECT n FROM ev_stats" 2>/dev/null)
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  echo "kill -9 #$cycle with ${seen:-?} records in the view"
  start
done
wait "$producer" || fail "kcat produce (second part)"
want="$total|$total|$(( total * (total + 1) / 2 ))"
got=""
for _ in $(seq 600); do
  got=$(q "SELECT n, ids, total FROM ev_stats")
  [ "$got" = "$want" ] && break
  sleep 0.1
done
[ "$got" = "$want" ] || fail "view after restarts: got '$got', want '$want'"
batch=$(q "SELECT count(*), count(DISTINCT id), sum(id) FROM ev")
[ "$batch" = "$want" ] || fail "batch read: got '$batch', want '$want'"
errors=$(q "SELECT count(*) FROM freshet_catalog.source_errors")
[ "$errors" = "0" ] || fail "$errors source errors"
lines=0
for _ in $(seq 120); do
  kcat -C -b "$bootstrap" -t evout -e -q -X isolation.level=read_committed -f '%s\n' > "$dir/out.txt" 2>/dev/null
  lines=$(wc -l < "$dir/out.txt")
  [ "$lines" -ge "$total" ] && break
  sleep 0.5
done
distinct=$(sort -u "$dir/out.txt" | wc -l)
[ "$lines" = "$total" ] && [ "$distinct" = "$total" ] ||
  fail "sink topic: $lines records, $distinct distinct, want $total"
lag=$(q "SELECT sum(committed_offset), sum(lag) FROM freshet_catalog.consumer_lag WHERE topic = 'kafka:ev'")
echo "consumer_lag after the restarts: committed, lag = $lag"
cleanup
echo "kafka_kill9_test: ok ($total records counted once in the view and written once by the sink across 3 kill -9 restarts)"
