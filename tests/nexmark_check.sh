#!/usr/bin/env bash
# Nexmark correctness: every supported query, as a view and as a batch query, against
# PostgreSQL over the same generated events (freshet-nexmark-check). Larger runs:
# NEXMARK_EVENTS=1000000 tests/nexmark_check.sh build
set -uo pipefail
build=${1:-build}
source "$(dirname "$0")/pg_cluster.sh"
"$build/freshet-nexmark-check" --freshet "$FRESHET_CONNINFO" --postgres "$PG_CONNINFO" \
  --events "${NEXMARK_EVENTS:-60000}" "${@:2}"
rc=$?
[ "$rc" -eq 0 ] || tail -n 20 "$dir/freshet.log"
exit "$rc"
