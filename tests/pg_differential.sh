#!/usr/bin/env bash
# Differential test against a real PostgreSQL: runs freshet-pgdiff for a few seeds against a
# throwaway PostgreSQL cluster and a Freshet server (tests/pg_cluster.sh). Soak:
# PGDIFF_SEEDS="1 2 ... 100" PGDIFF_BATCHES=500 tests/pg_differential.sh build
set -uo pipefail
build=${1:-build}
source "$(dirname "$0")/pg_cluster.sh"
passed=0
failed=0
for seed in ${PGDIFF_SEEDS:-1 2 3 4 5}; do
  "$build/freshet-pgdiff" --freshet "$FRESHET_CONNINFO" --postgres "$PG_CONNINFO" \
    --seed "$seed" --batches "${PGDIFF_BATCHES:-150}" > "$dir/out" 2>&1
  rc=$?
  grep -v ' passed, ' "$dir/out"
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
