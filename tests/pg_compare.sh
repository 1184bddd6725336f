#!/usr/bin/env bash
# Name resolution, column expansion and the everyday query forms against PostgreSQL: every
# statement of tests/pgcompare/*.sql runs on both servers, which must agree on SQLSTATEs,
# column names and rows (freshet-pg-compare).
set -uo pipefail
build=${1:-build}
source "$(dirname "$0")/pg_cluster.sh"
"$build/freshet-pg-compare" --freshet "$FRESHET_CONNINFO" --postgres "$PG_CONNINFO" \
  "$(dirname "$0")"/pgcompare/*.sql
rc=$?
[ "$rc" -eq 0 ] || tail -n 20 "$dir/freshet.log"
exit "$rc"
