#!/usr/bin/env bash
# Datetime cases in tz database zones: Freshet's answers against the PostgreSQL server on this
# machine, which reads the same system tzdata (freshet-datetime-zone-check).
set -uo pipefail
build=${1:-build}
source "$(dirname "$0")/pg_cluster.sh"
"$build/freshet-datetime-zone-check" --postgres "$PG_CONNINFO"
