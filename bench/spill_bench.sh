#!/usr/bin/env bash
# A sorted cross product bigger than memory, as a query and as a view, on a fresh Freshet server
# (bench/spill_bench.py). Usage: bench/spill_bench.sh [BUILD_DIR] [N] [MEMORY_LIMIT]
# N x N rows (default 20000: 400 million); the server runs with --memory-limit MEMORY_LIMIT
# (default 2GB) so that the query's data is several times its memory.
set -uo pipefail
build=${1:-build}
n=${2:-20000}
limit=${3:-2GB}
dir=$(mktemp -d /tmp/freshet-spill.XXXXXX)
port=$((20000 + RANDOM % 20000))
"$build/freshet" --data-dir "$dir/data" --port "$port" --memory-limit "$limit" > "$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  psql -h 127.0.0.1 -p "$port" -U freshet -Atqc 'select 1' >/dev/null 2>&1 && break
  sleep 0.1
done
/usr/bin/python3 "$(dirname "$0")/spill_bench.py" --freshet "host=127.0.0.1 port=$port user=freshet dbname=freshet" \
  --freshet-pid "$pid" --n "$n"
