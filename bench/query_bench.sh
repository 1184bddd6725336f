#!/usr/bin/env bash
# Ad-hoc SQL against Freshet and PostgreSQL 15 side by side (bench/query_bench.py) on a fresh
# Freshet server and a throwaway PostgreSQL cluster (tests/pg_cluster.sh, here with fsync on as
# PostgreSQL ships, since Freshet fsyncs every commit), then pgbench at 1 and 8 clients.
# Usage: bench/query_bench.sh [BUILD_DIR] [ROWS]
set -uo pipefail
build=${1:-build}
rows=${2:-1000000}
PG_FSYNC=on
source "$(dirname "$0")/../tests/pg_cluster.sh"
/usr/bin/python3 "$(dirname "$0")/query_bench.py" --freshet "$FRESHET_CONNINFO" --freshet-pid "$fpid" \
  --postgres "$PG_CONNINFO" --rows "$rows" --pgbench "$pgbin/pgbench"
