#!/usr/bin/env bash
# Runs every test: GoogleTest unit tests (ctest), then the sqllogictest suites.
set -uo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
fail=0
(cd "$build" && ctest --output-on-failure -j2) || fail=1
exit $fail
