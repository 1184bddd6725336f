#!/usr/bin/env bash
# Real-client test: psql's meta-commands (\d, \dt, \d TABLE, \d+ VIEW, \l, \du, \df, \dn) work
# against Freshet and show the right objects. Usage: tests/psql_test.sh BUILD_DIR
set -uo pipefail
build=${1:-build}
dir=$(mktemp -d /tmp/freshet-psql.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/freshet" --data-dir "$dir/data" --port "$port" > "$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=freshet PGDATABASE=freshet
for _ in $(seq 100); do psql -Atqc 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
passed=0
failed=0
check() {  # check NAME COMMAND EXPECTED-SUBSTRING [ALLOWED-EXIT-CODE]
  local out rc
  out=$(psql -X -v ON_ERROR_STOP=1 -c "$2" 2>&1)
  rc=$?
  if [ "$rc" -eq "${4:-0}" ] && grep -qF -- "$3" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "psql_test: FAIL $1: expected '$3' in:"; echo "$out"
  fi
}
psql -Xq -c "CREATE TABLE orders (id int PRIMARY KEY, item varchar(20) DEFAULT 'none', qty numeric(8,2) NOT NULL)" \
  -c "CREATE VIEW big AS SELECT id FROM orders WHERE qty > 10" || { echo "0 passed, 1 failed"; exit 1; }
check "\\d" '\d' 'big    | view'
check "\\dt" '\dt' 'orders | table | freshet'
check "\\d orders" '\d orders' "item   | character varying(20) |           |          | 'none'"
check "\\d+ big" '\d+ big' 'View definition:'
check "\\l" '\l' 'freshet | freshet | UTF8'
check "\\du" '\du' 'Superuser'
check "\\dn" '\dn' 'public'
check "\\df" '\df' 'List of functions'
check "\\d missing" '\d missing' 'Did not find any relation named "missing"' 1
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
